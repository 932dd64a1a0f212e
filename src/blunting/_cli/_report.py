"""``blunting report``: one self-contained HTML page of scores, per respondent.

The page needs no network and runs no script: styles are inline, and charts
are SVG. Every text that came from a file is escaped.
"""

from __future__ import annotations

import sys
from html import escape
from typing import TYPE_CHECKING

from blunting import _questionnaire
from blunting._cli import _batch
from blunting._cli._outputs import atomic, standing
from blunting._text import moment
from blunting._version import __version__

if TYPE_CHECKING:
    from collections.abc import Sequence

    from blunting._cli._inputs import Source
    from blunting._scoring import DomainScore, Score

#: Exit statuses: every response scored; some rejected (the page has the rest).
OK, REJECTED = 0, 1

#: Chart sizes, in CSS pixels.
_BAR_WIDTH, _BAR_HEIGHT, _LABEL_WIDTH = 300, 18, 150
_TREND_WIDTH, _TREND_HEIGHT, _MARGIN = 480, 200, 36
_COLOURS = ("#1b6ca8", "#c2571a", "#2e8540", "#6f4a9e", "#9e2a2b", "#5c5c5c")

#: The styles of the command line's pages (``report``, ``stats``).
STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
.note { background: #f3f3f3; padding: .6em 1em; border-left: 4px solid #888; }
table { border-collapse: collapse; margin: .5em 0; }
td, th { padding: .15em .6em; text-align: right; border-bottom: 1px solid #ddd; }
th:first-child, td:first-child { text-align: left; }
svg text { font: 12px system-ui, sans-serif; fill: #222; }
.axis { stroke: #999; stroke-width: 1; } .grid { stroke: #e4e4e4; stroke-width: 1; }
"""


def _title(result: DomainScore, unscored: Sequence[str] = ()) -> str:
    words = standing(result, unscored)
    if result.scaled is None:
        return words
    return f"{result.scaled:.1f}" + (f" ({words})" if words else "")


def _bars(parts: list[tuple[str, str, DomainScore]]) -> str:
    """Horizontal bars of scaled scores (0 to 100), one a domain and the total."""
    height = len(parts) * (_BAR_HEIGHT + 8)
    unscored = [title for key, title, result in parts if key != "total" and result.scaled is None]
    rows = []
    for index, (key, title, result) in enumerate(parts):
        y = index * (_BAR_HEIGHT + 8)
        rows.append(
            f'<text x="0" y="{y + 13}">{escape(title)}</text>'
            f'<rect class="track" x="{_LABEL_WIDTH}" y="{y}" width="{_BAR_WIDTH}" '
            f'height="{_BAR_HEIGHT}" fill="#eee"/>'
        )
        if result.scaled is not None:
            width = result.scaled * _BAR_WIDTH / 100
            rows.append(
                f'<rect class="bar" data-part="{escape(key)}" data-scaled="{result.scaled}" '
                f'x="{_LABEL_WIDTH}" y="{y}" width="{width:.2f}" height="{_BAR_HEIGHT}" '
                f'fill="{_COLOURS[index % len(_COLOURS)]}"/>'
            )
        label_x = _LABEL_WIDTH + _BAR_WIDTH + 8
        rows.append(f'<text x="{label_x}" y="{y + 13}">{escape(_title(result, unscored))}</text>')
    width = _LABEL_WIDTH + _BAR_WIDTH + 260
    return (
        f'<svg class="bars" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{"".join(rows)}</svg>'
    )


def _trend(keys: list[tuple[str, str]], dated: list[Score]) -> str:
    """Each domain's scaled score over time, as lines of points."""
    times = [moment(s.completed).timestamp() for s in dated]  # type: ignore[arg-type]
    first, span = times[0], (times[-1] - times[0]) or 1.0
    inner_w, inner_h = _TREND_WIDTH - 2 * _MARGIN, _TREND_HEIGHT - 2 * _MARGIN
    parts = []
    for level in (0, 50, 100):
        y = _MARGIN + inner_h * (1 - level / 100)
        parts.append(
            f'<line class="grid" x1="{_MARGIN}" x2="{_TREND_WIDTH - _MARGIN}" y1="{y}" y2="{y}"/>'
            f'<text x="4" y="{y + 4}">{level}</text>'
        )
    for index, (key, title) in enumerate(keys):
        colour = _COLOURS[index % len(_COLOURS)]
        points = []
        for when, made in zip(times, dated, strict=True):
            result = made.domains[key]
            if result.scaled is None:
                continue
            x = _MARGIN + inner_w * (when - first) / span
            y = _MARGIN + inner_h * (1 - result.scaled / 100)
            points.append((x, y, result.scaled))
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
            parts.append(
                f'<polyline class="line" data-part="{escape(key)}" points="{path}" '
                f'fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        parts += (
            f'<circle class="point" data-part="{escape(key)}" data-scaled="{scaled}" '
            f'cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'
            for x, y, scaled in points
        )
        legend_y = _MARGIN + 16 * index
        parts.append(
            f'<line x1="{_TREND_WIDTH + 4}" x2="{_TREND_WIDTH + 20}" y1="{legend_y - 4}" '
            f'y2="{legend_y - 4}" stroke="{colour}" stroke-width="3"/>'
            f'<text x="{_TREND_WIDTH + 26}" y="{legend_y}">{escape(title)}</text>'
        )
    for when, made in ((times[0], dated[0]), (times[-1], dated[-1])):
        x = _MARGIN + inner_w * (when - first) / span
        parts.append(
            f'<text x="{x:.1f}" y="{_TREND_HEIGHT - 8}" text-anchor="middle">'
            f"{escape((made.completed or '')[:10])}</text>"
        )
    width = _TREND_WIDTH + 160
    return (
        f'<svg class="trend" role="img" width="{width}" height="{_TREND_HEIGHT}" '
        f'viewBox="0 0 {width} {_TREND_HEIGHT}">{"".join(parts)}</svg>'
    )


def _table(keys: list[tuple[str, str]], scores: list[Score]) -> str:
    head = "".join(f"<th>{escape(title)}</th>" for _, title in keys)
    rows = []
    for made in scores:
        cells = "".join(f"<td>{escape(_title(made.domains[key]))}</td>" for key, _ in keys)
        unscored = [title for key, title in keys if made.domains[key].scaled is None]
        rows.append(
            f"<tr><td>{escape(made.completed or 'no date')}</td>{cells}"
            f"<td>{escape(_title(made.total, unscored))}</td></tr>"
        )
    return (
        f'<table class="scores"><tr><th>Completed</th>{head}<th>All domains</th></tr>'
        f"{''.join(rows)}</table>"
    )


def _section(title: str, scores: list[Score]) -> str:
    """A respondent's part of the page: the latest scores, and their course if dated."""
    dated = sorted((s for s in scores if s.completed), key=lambda s: moment(s.completed or ""))
    ordered = dated + [s for s in scores if not s.completed]
    latest = ordered[len(dated) - 1] if dated else ordered[-1]
    domains = _questionnaire.builtin(latest.version, id=latest.questionnaire).domains
    keys = [(d.id, d.title) for d in domains]
    parts = [(key, name, latest.domains[key]) for key, name in keys]
    parts.append(("total", "All domains", latest.total))
    when = f"completed {latest.completed}" if latest.completed else "no completion date"
    html = [
        f'<section class="respondent"><h2>{escape(title)}</h2>',
        (
            f"<p>{len(scores)} response{'s' if len(scores) != 1 else ''}. "
            f"Latest ({escape(when)}), scaled from 0 to 100:</p>"
        ),
        _bars(parts),
    ]
    same = [
        s for s in dated if (s.questionnaire, s.version) == (latest.questionnaire, latest.version)
    ]
    if len(same) > 1:
        html += ["<p>Over time:</p>", _trend(keys, same)]
    html += [_table(keys, ordered), "</section>"]
    return "".join(html)


def page(groups: dict[str, list[Score]], rejected: int) -> str:
    """The whole HTML page."""
    sections = [_section(title, scores) for title, scores in groups.items()]
    skipped = ""
    if rejected:
        skipped = (
            f'<p class="rejected">{rejected} response{"s" if rejected != 1 else ""} could not be '
            "scored and are not shown: the command listed their problems.</p>"
        )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Emotional blunting scores</title>"
        f"<style>{STYLE}</style></head><body>"
        "<h1>Emotional blunting scores</h1>"
        '<p class="note">Scores run from 0 (none of the changes asked about) to 100 (the most '
        "the questionnaire can show). A score is not a diagnosis: the questionnaire has no "
        "validated cut-offs. Changes that bother a person are worth raising with their "
        "doctor.</p>"
        f"{skipped}{''.join(sections)}"
        f"<footer><p>Made by blunting {escape(__version__)}.</p></footer>"
        "</body></html>\n"
    )


def report(sources: list[Source], output: str, source_format: str = "json") -> int:
    """Score every response and write the page; the exit status."""
    groups: dict[str, list[Score]] = {}

    def group(done: _batch.Done) -> None:
        for place, result in done.kept:
            key = (
                f"Respondent {result.respondent}"
                if result.respondent is not None
                else f"Response at {place}"
            )
            groups.setdefault(key, []).append(result)

    sys.stdout.flush()
    counts = _batch.run(
        "report",
        sources,
        source_format=source_format,
        jobs=1,
        output=group,
        problems=sys.stderr.buffer,
    )
    with atomic(output, sys.stdout.buffer) as out:
        out.write(page(dict(sorted(groups.items())), counts.rejected).encode())
    sys.stderr.write(
        f"blunting: {counts.summary('scored', 'rejected')}; {len(groups)} "
        f"respondent{'s' if len(groups) != 1 else ''} in {output}\n"
    )
    return REJECTED if counts.status else OK
