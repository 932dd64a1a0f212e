"""What the command line's pages (``report``, ``stats``) share: the shell, styles, dates.

Every page is one self-contained file: inline styles, SVG charts, no script,
nothing fetched. Every text that came from a file is escaped.
"""

from __future__ import annotations

import re
from html import escape

from blunting._text import moment
from blunting._version import __version__

#: English month names, short: a page reads the same whatever the machine's locale.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

#: The styles of every page; print styles put each ``section.page`` on a page of its own.
STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 60em; padding: 0 1em;
  color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; } h3 { font-size: 1em; }
.note { background: #f3f3f3; padding: .6em 1em; border-left: 4px solid #888; }
.running { color: #555; font-size: .85em; border-bottom: 1px solid #ccc; padding-bottom: .2em; }
table { border-collapse: collapse; margin: .5em 0; }
td, th { padding: .15em .6em; text-align: right; border-bottom: 1px solid #ddd;
  vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
td.words, th.words { text-align: left; }
table.sheet { width: 100%; margin: 0; } table.sheet > * > tr > td { padding: 0; border: 0;
  text-align: left; }
table.sheet td.running { border-bottom: 1px solid #ccc; padding-bottom: .2em; }
td ul { margin: 0; padding-left: 1.1em; }
dl.questions { font-size: .85em; color: #444; } dl.questions dt { font-weight: 600; float: left;
  margin-right: .4em; } dl.questions dd { margin: 0 0 .2em; }
time, .nowrap { white-space: nowrap; }
svg { max-width: 100%; height: auto; }
svg text { font: 12px system-ui, sans-serif; fill: #222; } svg text.title { font-weight: 600; }
.axis { stroke: #999; stroke-width: 1; } .grid { stroke: #e4e4e4; stroke-width: 1; }
@page { size: A4; margin: 14mm 12mm; }
table.answers { width: 100%; } th.several { min-width: 18em; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  table { font-size: 9pt; }
  section.page { break-before: page; }
  h2 { margin-top: .4em; }
  svg, table:not(.sheet) tr, table.changes, dl { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def readable(text: str) -> str:
    """An RFC 3339 time as people read it: ``5 Jan 2026, 10:00 +01:00``.

    Seconds are shown only when there are some; fractions of a second are
    not. The offset is the one the time was given in, as given (``Z`` is
    ``+00:00``; ``-00:00``, "offset unknown", stays ``-00:00``).
    """
    when = moment(text)
    clock = f"{when:%H:%M}" + (f":{when:%S}" if when.second else "")
    zone = "+00:00" if text[-1] in "Zz" else text[-6:]
    return f"{when.day} {MONTHS[when.month - 1]} {when.year:04d}, {clock} {zone}"


#: Characters shown as escapes (``\u0000``) rather than written raw: controls,
#: which HTML forbids or a reader cannot see.
_UNSEEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def shown(text: str) -> str:
    r"""Text from a file, escaped for HTML, control characters shown as ``\uXXXX``."""
    return escape(_UNSEEN.sub(lambda found: f"\\u{ord(found.group()):04x}", text))


def plural(count: int, word: str) -> str:
    """A count and its word: ``1 response``, ``2,500 responses``."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def time(text: str) -> str:
    """A ``<time>`` element of an RFC 3339 time, readable and never wrapped."""
    return f'<time datetime="{escape(text)}">{escape(readable(text))}</time>'


def head(title: str, style: str = "") -> str:
    """A page up to its body's content: the shared styles and ``style``."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title>"
        f"<style>{STYLE}{style}</style></head><body>"
    )


#: A page's end: the library that made it.
TAIL = f"<footer><p>Made by blunting {escape(__version__)}.</p></footer></body></html>\n"


def document(title: str, body: str, style: str = "") -> str:
    """A whole page: ``body`` under ``title``."""
    return head(title, style) + body + TAIL
