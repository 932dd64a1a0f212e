"""``blunting report``: one self-contained HTML page, a section a respondent.

The page needs no network and runs no script: styles are inline, and charts
are SVG. Every text that came from a file is escaped.

Memory is bounded: the scored responses go to a temporary SQLite database
as they are read, and the page is written a respondent at a time, in order,
so only one respondent's responses are held at once.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from blunting._cli._html import TAIL, head, plural, shown, time
from blunting._cli._inputs import UsageError
from blunting._cli._outputs import atomic
from blunting._cli._respondent import Visit, section
from blunting._scoring import DomainScore, Score
from blunting._text import moment
from blunting._version import __version__

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

    from blunting._cli._batch import Counts, Done

#: Exit statuses: every response scored; some rejected (the page has the rest).
OK, REJECTED = 0, 1


def _event(events: Mapping[str, str | None] | None) -> str | None:
    """A REDCap row's event columns in words: ``baseline_arm_1, instance 2``."""
    if not events:
        return None
    name = events.get("redcap_event_name")
    instance = events.get("redcap_repeat_instance")
    words = [w for w in (name, f"instance {instance}" if instance else None) if w]
    return ", ".join(words) or None


def _score_of(text: str) -> Score:
    """A score again, from its JSON text."""
    data = json.loads(text)
    return Score(
        questionnaire=data["questionnaire"],
        version=data["version"],
        domains={key: DomainScore(**value) for key, value in data["domains"].items()},
        total=DomainScore(**data["total"]),
        impact=data["impact"],
        context=data["context"],
        respondent=data["respondent"],
        completed=data["completed"],
        library_version=data["library_version"],
    )


def natural(text: str) -> str:
    """A key that sorts, as plain text, runs of digits as numbers: ``p-2`` before ``p-10``.

    Each run of digits becomes its length (three digits) then the digits, without
    leading zeros; ties (``p-02``, ``p-2``) are broken by the text itself.
    """
    return re.sub(r"\d+", lambda found: f"{len(n := found[0].lstrip('0') or '0'):03d}{n}", text)


class Store:
    """The scored responses of a run, on disk, read back a respondent at a time.

    Respondents come in natural order of their titles (``p-2`` before
    ``p-10``); each one's responses by completion time (ties in input order),
    then those with no time, in input order.
    """

    def __init__(self, folder: str) -> None:
        self._db = sqlite3.connect(Path(folder) / "report.sqlite")
        self._db.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
            "CREATE TABLE visit (key TEXT, who TEXT, at REAL, seq INTEGER, completed TEXT, "
            "event TEXT, questionnaire TEXT, version TEXT, score TEXT, context TEXT);"
        )
        self._count = 0

    def __call__(self, done: Done) -> None:
        rows: list[tuple[Any, ...]] = []
        for place, events, (made, context) in done.kept:
            who = (
                f"Respondent {made.respondent}"
                if made.respondent is not None
                else f"Response at {place}"
            )
            at = moment(made.completed).timestamp() if made.completed else None
            rows.append(
                (
                    natural(who),
                    who,
                    at,
                    self._count + len(rows),
                    made.completed,
                    _event(events),
                    made.questionnaire,
                    made.version,
                    made.to_json(),
                    json.dumps(context or {}, ensure_ascii=False),
                )
            )
        self._count += len(rows)
        self._db.executemany("INSERT INTO visit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def close(self) -> None:
        self._db.close()

    def finish(self) -> None:
        """Ready for reading: the rows indexed in the order they are read."""
        self._db.execute("CREATE INDEX ordered ON visit (key, who, at IS NULL, at, seq)")

    def versions(self) -> list[tuple[str, str]]:
        """The questionnaires and versions answered."""
        found = self._db.execute("SELECT DISTINCT questionnaire, version FROM visit ORDER BY 1, 2")
        return [(str(qid), str(version)) for qid, version in found]

    def counts(self) -> tuple[int, int]:
        """How many respondents, and how many responses."""
        found = self._db.execute("SELECT COUNT(DISTINCT who), COUNT(*) FROM visit").fetchone()
        return int(found[0]), int(found[1])

    def index(self) -> Iterator[tuple[str, int, str | None, str | None]]:
        """Each respondent: title, responses, and the first and last completion times."""
        yield from self._db.execute(
            "SELECT who, COUNT(*), "
            "(SELECT b.completed FROM visit b WHERE b.key = a.key AND b.who = a.who "
            " AND b.at IS NOT NULL ORDER BY b.at, b.seq LIMIT 1), "
            "(SELECT b.completed FROM visit b WHERE b.key = a.key AND b.who = a.who "
            " AND b.at IS NOT NULL ORDER BY b.at DESC, b.seq DESC LIMIT 1) "
            "FROM visit a GROUP BY key, who ORDER BY key, who"
        )

    def respondents(self) -> Iterator[tuple[str, list[Visit]]]:
        """Each respondent's title and responses, in order."""
        rows = self._db.execute(
            "SELECT who, event, score, context FROM visit ORDER BY key, who, at IS NULL, at, seq"
        )
        who: str | None = None
        visits: list[Visit] = []
        for title, event, text, context in rows:
            if title != who:
                if who is not None:
                    yield who, visits
                who, visits = title, []
            visits.append(Visit(event, _score_of(text), json.loads(context)))
        if who is not None:
            yield who, visits


def css_string(text: str) -> str:
    """A CSS string's content: quotes, backslashes, angle brackets and controls escaped."""
    return "".join(f"\\{ord(c):x} " if c in '"\\<>' or ord(c) < 32 else c for c in text)


def _index(store: Store) -> Iterator[str]:
    yield (
        '<nav class="index"><h2>Respondents</h2><table class="index">'
        "<tr><th>Respondent</th><th>Responses</th><th>First</th><th>Last</th></tr>"
    )
    for number, (who, count, first, last) in enumerate(store.index(), 1):
        yield (
            f'<tr><td><a href="#respondent-{number}">{shown(who)}</a></td><td>{count:,}</td>'
            f"<td>{time(first) if first else '-'}</td><td>{time(last) if last else '-'}</td></tr>"
        )
    yield "</table></nav>"


def page(store: Store, rejected: int) -> Iterator[str]:
    """The whole HTML page, in pieces, a respondent at a time."""
    named = ", ".join(f"{qid} {version}" for qid, version in store.versions()) or "none"
    running = f"Emotional blunting scores · questionnaire {named} · blunting {__version__}"
    style = (
        f'@page {{ @top-left {{ content: "{css_string(running)}"; font: 9pt system-ui; '
        "color: #555; } "
        '@bottom-right { content: "page " counter(page) " of " counter(pages); '
        "font: 9pt system-ui; color: #555; } }"
    )
    respondents, responses = store.counts()
    yield head("Emotional blunting scores", style)
    yield (
        "<header><h1>Emotional blunting scores</h1>"
        f'<p class="running">Questionnaire {shown(named)} · blunting {shown(__version__)}</p>'
        "</header>"
        '<p class="note">Scores run from 0 (none of the changes asked about) to 100 (the most '
        "the questionnaire can show). A score is not a diagnosis: the questionnaire has no "
        "validated cut-offs, and a change in points is a number, not a finding. Changes that "
        "bother a person are worth raising with their doctor.</p>"
        f"<p>{plural(respondents, 'respondent')}, {plural(responses, 'response')}.</p>"
    )
    if rejected:
        verb = "was" if rejected == 1 else "were"
        yield (
            f'<p class="rejected">{plural(rejected, "response")} could not be scored and '
            f"{verb} left out: the command listed the problems.</p>"
        )
    yield from _index(store)
    for number, (who, visits) in enumerate(store.respondents(), 1):
        yield section(number, who, visits)
    yield TAIL


def report(run: Callable[[Store], Counts], output: str) -> int:
    """Score every response with ``run(store)``, then write the page; the exit status."""
    with tempfile.TemporaryDirectory(prefix="blunting-report-") as folder:
        try:
            store = Store(folder)
        except sqlite3.Error as error:
            raise UsageError(f"cannot keep the scores in {folder}: {error}") from None
        try:
            sys.stdout.flush()
            counts = run(store)
            store.finish()
            respondents, _ = store.counts()
            with atomic(output, sys.stdout.buffer) as out:
                for piece in page(store, counts.rejected):
                    out.write(piece.encode())
        except sqlite3.Error as error:  # the temporary folder's disk is full, say
            raise UsageError(f"cannot keep the scores in {folder}: {error}") from None
        finally:
            with contextlib.suppress(sqlite3.Error):
                store.close()
    sys.stderr.write(
        f"blunting: {counts.summary('scored', 'rejected')}; "
        f"{plural(respondents, 'respondent')} in {output}\n"
    )
    return REJECTED if counts.status else OK
