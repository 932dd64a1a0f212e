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
import sqlite3
import sys
import tempfile
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from blunting import _questionnaire
from blunting._cli import _course, _timeline
from blunting._cli._html import TAIL, head, readable, time
from blunting._cli._inputs import UsageError
from blunting._cli._outputs import atomic, standing
from blunting._scoring import DomainScore, Score
from blunting._text import moment
from blunting._version import __version__

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from blunting._cli._batch import Done
    from blunting._questionnaire import Item, Questionnaire

#: Exit statuses: every response scored; some rejected (the page has the rest).
OK, REJECTED = 0, 1

#: The bars of the latest scores, in CSS pixels.
_BAR_WIDTH, _BAR_HEIGHT, _LABEL_WIDTH = 250, 14, 130
_INK = _course.INK

#: The title of the total, beside the domains' titles.
TOTAL = "All domains"

_NOT_ANSWERED = "not answered"


@attrs.frozen
class Visit:
    """One scored response of a respondent, as the page shows it."""

    #: Where it was read: ``NAME:LINE``.
    place: str
    #: A REDCap row's event, in words, or ``None``.
    event: str | None
    score: Score
    #: The answers to the context questions, as given (``impact`` included).
    context: Mapping[str, Any]

    @property
    def when(self) -> str:
        """Its completion time as given, or ``""`` with none."""
        return self.score.completed or ""


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


class Store:
    """The scored responses of a run, on disk, read back a respondent at a time.

    Respondents come in the order of their titles; each one's responses by
    completion time (ties in input order), then those with no time, in input order.
    """

    def __init__(self, folder: str) -> None:
        self._db = sqlite3.connect(Path(folder) / "report.sqlite")
        self._db.executescript(
            "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
            "CREATE TABLE visit (who TEXT, at REAL, seq INTEGER, place TEXT, event TEXT, "
            "questionnaire TEXT, version TEXT, score TEXT, context TEXT);"
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
                    who,
                    at,
                    self._count + len(rows),
                    place,
                    _event(events),
                    made.questionnaire,
                    made.version,
                    made.to_json(),
                    json.dumps(context or {}, ensure_ascii=False),
                )
            )
        self._count += len(rows)
        self._db.executemany("INSERT INTO visit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def close(self) -> None:
        self._db.close()

    def finish(self) -> None:
        """Ready for reading: the rows indexed in the order they are read."""
        self._db.execute("CREATE INDEX ordered ON visit (who, at IS NULL, at, seq)")

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
            "(SELECT json_extract(b.score, '$.completed') FROM visit b "
            " WHERE b.who = a.who AND b.at IS NOT NULL ORDER BY b.at, b.seq LIMIT 1), "
            "(SELECT json_extract(b.score, '$.completed') FROM visit b "
            " WHERE b.who = a.who AND b.at IS NOT NULL ORDER BY b.at DESC, b.seq DESC LIMIT 1) "
            "FROM visit a GROUP BY who ORDER BY who"
        )

    def respondents(self) -> Iterator[tuple[str, list[Visit]]]:
        """Each respondent's title and responses, in order."""
        rows = self._db.execute(
            "SELECT who, place, event, score, context FROM visit ORDER BY who, at IS NULL, at, seq"
        )
        who: str | None = None
        visits: list[Visit] = []
        for title, place, event, text, context in rows:
            if title != who:
                if who is not None:
                    yield who, visits
                who, visits = title, []
            visits.append(Visit(place, event, _score_of(text), json.loads(context)))
        if who is not None:
            yield who, visits


def _title(result: DomainScore, unscored: Sequence[str] = ()) -> str:
    words = standing(result, unscored)
    if result.scaled is None:
        return words
    return f"{result.scaled:.1f}" + (f" ({words})" if words else "")


def _parts(q: Questionnaire, made: Score) -> list[tuple[str, str, DomainScore | None]]:
    """Each domain's result and the total's, with their titles (``None``: not in this version)."""
    found: list[tuple[str, str, DomainScore | None]] = [
        (d.id, d.title, made.domains.get(d.id)) for d in q.domains
    ]
    return [*found, ("total", TOTAL, made.total)]


def _unscored(q: Questionnaire, made: Score) -> list[str]:
    return [
        d.title for d in q.domains if d.id in made.domains and made.domains[d.id].scaled is None
    ]


def _bars(q: Questionnaire, made: Score) -> str:
    """Horizontal bars of scaled scores (0 to 100), one a domain and the total."""
    parts = _parts(q, made)
    height = len(parts) * (_BAR_HEIGHT + 6)
    unscored = _unscored(q, made)
    rows = []
    for index, (key, title, result) in enumerate(parts):
        y = index * (_BAR_HEIGHT + 6)
        rows.append(
            f'<text x="0" y="{y + 11}">{escape(title)}</text>'
            f'<rect class="track" x="{_LABEL_WIDTH}" y="{y}" width="{_BAR_WIDTH}" '
            f'height="{_BAR_HEIGHT}" fill="#eee"/>'
        )
        if result is None:
            continue
        if result.scaled is not None:
            width = result.scaled * _BAR_WIDTH / 100
            rows.append(
                f'<rect class="bar" data-part="{escape(key)}" data-scaled="{result.scaled}" '
                f'x="{_LABEL_WIDTH}" y="{y}" width="{width:.2f}" height="{_BAR_HEIGHT}" '
                f'fill="{_INK}"/>'
            )
        label_x = _LABEL_WIDTH + _BAR_WIDTH + 8
        rows.append(f'<text x="{label_x}" y="{y + 11}">{escape(_title(result, unscored))}</text>')
    width = _LABEL_WIDTH + _BAR_WIDTH + 260
    return (
        f'<svg class="bars" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{"".join(rows)}</svg>'
    )


def _when(visit: Visit, index: int) -> str:
    """A visit in the tables' first column: its time, its REDCap event, or its number."""
    if visit.score.completed:
        return time(visit.score.completed)
    return escape(f"{index + 1}. {visit.event}" if visit.event else f"{index + 1}. no date")


# What each answer says, and how a question of several answers changed.


def _answer(item: Item, context: Mapping[str, Any]) -> str:
    """An answer in words: its options' labels, or that there is none."""
    if item.id not in context:
        return escape(_NOT_ANSWERED)
    given = context[item.id]
    labels = {o.value: o.label for o in item.options}
    if isinstance(given, list):
        listed = "".join(
            f"<li>{escape(labels.get(v, str(v)))}</li>" for v in _in_order(item, given)
        )
        return f"<ul>{listed}</ul>"
    return escape(labels.get(given, str(given)))


def _in_order(item: Item, given: Sequence[Any]) -> list[Any]:
    order = {o.value: index for index, o in enumerate(item.options)}
    return sorted(given, key=lambda v: order.get(v, len(order)))


@attrs.frozen
class Change:
    """How a question of several answers was answered at a visit, against the answer before."""

    #: The visit's index among those compared.
    at: int
    #: Whether it is the first answer given.
    first: bool = False
    #: Options chosen now and not before, and before and not now (in the options' order).
    added: tuple[Any, ...] = ()
    stopped: tuple[Any, ...] = ()
    #: The whole answer, for the first and when an option that goes alone
    #: ("None", "I don't know") was given before or now.
    now: tuple[Any, ...] = ()
    before: tuple[Any, ...] = ()
    #: The completion time of the answer compared with, when it is not the visit just before.
    since: str | None = None


def changes(item: Item, visits: Sequence[Visit]) -> list[Change]:
    """The first answer to ``item`` and each change, each against the last answer given.

    A visit that did not answer, or preferred not to, is skipped: the next
    answer is compared with the one before it, and says since when. When an
    option that goes alone ("None", "I don't know") is in either answer, the
    change is the whole answer before and now rather than added and stopped.
    """
    alone = {o.value for o in item.options if o.exclusive}
    found: list[Change] = []
    last: tuple[int, list[Any]] | None = None
    for index, visit in enumerate(visits):
        given = visit.context.get(item.id)
        if not isinstance(given, list):
            continue
        now = tuple(_in_order(item, given))
        if last is None:
            found.append(Change(index, first=True, now=now))
        else:
            where, before = last
            since = visits[where].score.completed if where != index - 1 else None
            if set(before) != set(now):
                if alone & (set(before) | set(now)):
                    found.append(Change(index, now=now, before=tuple(before), since=since))
                else:
                    added = tuple(v for v in now if v not in before)
                    stopped = tuple(v for v in before if v not in now)
                    found.append(Change(index, added=added, stopped=stopped, since=since))
        last = index, list(now)
    return found


def _words(item: Item, change: Change) -> str:
    """A change in words, as HTML."""
    labels = {o.value: o.label for o in item.options}

    def listed(values: Sequence[Any]) -> str:
        return "; ".join(escape(labels.get(v, str(v))) for v in values)

    if change.first:
        return f"First answer: {listed(change.now)}"
    parts = []
    if change.added:
        parts.append(f"Added: {listed(change.added)}")
    if change.stopped:
        parts.append(f"Stopped: {listed(change.stopped)}")
    if change.before or change.now:
        parts.append(f"Was: {listed(change.before)}. Now: {listed(change.now)}")
    since = f" (since {time(change.since)})" if change.since else ""
    return ". ".join(parts) + since


def _sequences(visits: Sequence[Visit]) -> list[list[int]]:
    """The indices of the dated visits, and of the undated ones: changes are within each."""
    dated = [i for i, v in enumerate(visits) if v.score.completed]
    undated = [i for i, v in enumerate(visits) if not v.score.completed]
    return [found for found in (dated, undated) if found]


def _all_changes(item: Item, visits: Sequence[Visit]) -> dict[int, Change]:
    """Each visit's change of ``item``, by its index in ``visits``."""
    found: dict[int, Change] = {}
    for indices in _sequences(visits):
        for change in changes(item, [visits[i] for i in indices]):
            found[indices[change.at]] = attrs.evolve(change, at=indices[change.at])
    return found


# The parts of a respondent's section.


def _short(item: Item) -> str:
    """A context question's heading: its id in words ("Sexual side effects")."""
    return item.id.replace("_", " ").capitalize()


def _levels(item: Item) -> list[Any]:
    return sorted(o.value for o in item.options if isinstance(o.value, int))


def _chart(
    q: Questionnaire, course: list[Visit], marks: Mapping[str, list[tuple[int, int]]]
) -> str:
    """The chart of a respondent's course, on a time axis or, with no dates, by order."""
    left, width = _course.LEFT, _course.PLOT
    if course[0].score.completed:
        axis = _timeline.by_time([moment(v.when) for v in course], left, width)
    else:
        axis = _timeline.by_order(len(course), left, width)
    panels = []
    for key, title, _ in _parts(q, course[0].score):
        points = []
        for visit in course:
            result = visit.score.total if key == "total" else visit.score.domains.get(key)
            on = readable(visit.when) if visit.when else visit.event or "this response"
            if result is None or result.scaled is None:
                why = standing(result, _unscored(q, visit.score)) if result else "not asked"
                points.append(_course.Point(None, words=f"{title}, {on}: {why}"))
                continue
            words = standing(result)
            points.append(
                _course.Point(
                    result.scaled / 100,
                    estimated=result.prorated,
                    words=f"{title}, {on}: {result.scaled:.1f}" + (f", {words}" if words else ""),
                    value=f"{result.scaled}",
                )
            )
        panels.append(_course.score_panel(key, title, points))
    impact = _impact(q)
    if impact is not None:
        levels = _levels(impact)
        labels = {o.value: o.label for o in impact.options}
        points = []
        for visit in course:
            given = visit.context.get(impact.id)
            on = readable(visit.when) if visit.when else visit.event or "this response"
            if given not in levels:
                said = _NOT_ANSWERED if impact.id not in visit.context else labels.get(given)
                points.append(_course.Point(None, words=f"{on}: {said}"))
                continue
            height = levels.index(given) / max(len(levels) - 1, 1)
            words = f"{on}: {labels[given]}"
            points.append(_course.Point(height, words=words, value=labels[given]))
        title = f"{_short(impact)}: how much it bothers the person"
        panel = _course.word_panel(impact.id, title, [labels[v] for v in levels], points)
        panels.append(panel)
    lanes = [
        _course.Lane(item.id, _short(item), tuple(marks[item.id]))
        for item in q.items
        if item.multiple and item.domain is None and marks.get(item.id)
    ]
    return _course.chart(axis, [v.when for v in course], panels, lanes)


def _impact(q: Questionnaire) -> Item | None:
    key = _questionnaire.scoring_key(q).impact
    return next((i for i in q.items if i.id == key), None)


def _change_table(q: Questionnaire, course: list[Visit]) -> str:
    """Each part's change from the first response that scored it to the last, in points."""
    rows = []
    for key, title, _ in _parts(q, course[0].score):
        scored = [
            (index, visit, result.scaled)
            for index, visit in enumerate(course)
            if (result := (visit.score.total if key == "total" else visit.score.domains.get(key)))
            and result.scaled is not None
        ]
        if len(scored) < 2:
            why = "scored at one response only" if scored else "not scored"
            rows.append(
                f'<tr><td>{escape(title)}</td><td class="words" colspan="3">{why}</td></tr>'
            )
            continue
        (first_at, first, low), (last_at, last, high) = scored[0], scored[-1]
        points = round(high - low, 1)  # the change itself, not of the rounded scores
        sign = "+" if points > 0 else "\u2212" if points < 0 else ""
        rows.append(
            f'<tr data-part="{escape(key)}"><td>{escape(title)}</td>'
            f"<td>{low:.1f} <small>({_when(first, first_at)})</small></td>"
            f"<td>{high:.1f} <small>({_when(last, last_at)})</small></td>"
            f'<td class="change">{sign}{abs(points):.1f} points</td></tr>'
        )
    return (
        '<table class="changes"><tr><th>Part</th><th>First scored</th><th>Last scored</th>'
        f"<th>Change</th></tr>{''.join(rows)}</table>"
    )


def _scores_table(q: Questionnaire, visits: list[Visit]) -> str:
    head_cells = "".join(f"<th>{escape(title)}</th>" for _, title, _ in _parts(q, visits[-1].score))
    rows = []
    for index, visit in enumerate(visits):
        unscored = _unscored(q, visit.score)
        cells = "".join(
            f"<td>{escape(_title(result, unscored if key == 'total' else ()) if result else '-')}"
            "</td>"
            for key, _, result in _parts(q, visit.score)
        )
        rows.append(
            f'<tr data-when="{escape(visit.when)}"><td>{_when(visit, index)}</td>'
            f"<td>{escape(visit.score.version)}</td>{cells}</tr>"
        )
    return (
        f'<table class="scores"><tr><th>Completed</th><th>Version</th>{head_cells}</tr>'
        f"{''.join(rows)}</table>"
    )


def _answers_table(q: Questionnaire, visits: list[Visit]) -> str:
    """The context questions' answers at each visit, with the changes of lists."""
    items = [i for i in q.items if i.domain is None]
    moves = {item.id: _all_changes(item, visits) for item in items if item.multiple}
    heads = "".join(
        f'<th class="words{" several" if item.multiple else ""}">{escape(_short(item))}</th>'
        for item in items
    )
    rows = []
    for index, visit in enumerate(visits):
        cells = []
        for item in items:
            text = _answer(item, visit.context)
            change = moves.get(item.id, {}).get(index)
            if change is not None and not change.first:
                text += f'<p class="moved">{_words(item, change)}</p>'
            cells.append(f'<td class="words" data-item="{escape(item.id)}">{text}</td>')
        rows.append(
            f'<tr data-when="{escape(visit.when)}"><td>{_when(visit, index)}</td>'
            f"{''.join(cells)}</tr>"
        )
    key = "".join(f"<dt>{escape(_short(item))}:</dt><dd>{escape(item.text)}</dd>" for item in items)
    return (
        f'<table class="answers"><tr><th>Completed</th>{heads}</tr>{"".join(rows)}</table>'
        f'<dl class="questions">{key}</dl>'
    )


def _marks(
    q: Questionnaire, visits: list[Visit], course: list[Visit]
) -> tuple[dict[str, list[tuple[int, int]]], str]:
    """The numbered marks of each list's changes on the chart, and their key."""
    marks: dict[str, list[tuple[int, int]]] = {}
    key = []
    number = 0
    place = {id(v): index for index, v in enumerate(course)}
    for item in q.items:
        if not item.multiple or item.domain is not None:
            continue
        for at, change in sorted(_all_changes(item, visits).items()):
            where = place.get(id(visits[at]))
            if where is None:
                continue
            number += 1
            marks.setdefault(item.id, []).append((where, number))
            key.append(
                f'<li value="{number}" data-item="{escape(item.id)}" '
                f'data-when="{escape(visits[at].when)}">{escape(_short(item))}, '
                f"{_when(visits[at], at)}: {_words(item, change)}</li>"
            )
    listed = f'<ol class="changes-key">{"".join(key)}</ol>' if key else ""
    return marks, listed


def _section(number: int, who: str, visits: list[Visit]) -> str:
    """A respondent's part of the page: the latest scores, their course, every answer."""
    dated = [v for v in visits if v.score.completed]
    latest_at = max((i for i, v in enumerate(visits) if v.score.completed), default=len(visits) - 1)
    latest = visits[latest_at]
    q = _questionnaire.builtin(latest.score.version, id=latest.score.questionnaire)

    def same(visit: Visit) -> bool:
        return (visit.score.questionnaire, visit.score.version) == (q.id, q.version)

    course = [v for v in dated if same(v)] or [v for v in visits if same(v)]
    count = f"{len(visits)} response{'s' if len(visits) != 1 else ''}"
    span = f", from {time(dated[0].when)} to {time(dated[-1].when)}" if len(dated) > 1 else ""
    html = [
        f'<section class="respondent page" id="respondent-{number}">',
        (
            f'<p class="running">Questionnaire {escape(q.id)}, version {escape(q.version)} · '
            f"blunting {escape(__version__)}</p>"
        ),
        f"<h2>{escape(who)}</h2>",
        f"<p>{count}{span}.</p>",
        f"<h3>Latest response ({_when(latest, latest_at)})</h3>",
        (
            "<p>Scaled from 0 (none of the changes asked about) to 100 (the most the "
            "questionnaire can show):</p>"
        ),
        _bars(q, latest.score),
    ]
    if len(course) > 1:
        marks, key = _marks(q, visits, course)
        order = "by date" if course[0].score.completed else "in the order given: no dates"
        left_out = len(visits) - len(course)
        html += [
            f"<h3>Over time ({order})</h3>",
            _chart(q, course, marks),
            key,
        ]
        if left_out:
            verb = "is" if left_out == 1 else "are"
            html.append(
                f'<p class="left-out">{left_out} response{"s" if left_out != 1 else ""} not on '
                f"the chart (another version, or no completion time) {verb} in the tables "
                "below.</p>"
            )
        html += [
            "<h3>Change since the first response, in points</h3>",
            _change_table(q, course),
        ]
    html += [
        "<h3>Scores at each response</h3>",
        _scores_table(q, visits),
        "<h3>The person and their medicine, at each response</h3>",
        _answers_table(q, visits),
        "</section>",
    ]
    return "".join(html)


def _css_text(text: str) -> str:
    """A CSS string's content: quotes, backslashes and angle brackets escaped."""
    return "".join(f"\\{ord(c):x} " if c in '"\\<>' or ord(c) < 32 else c for c in text)


def _index(store: Store) -> Iterator[str]:
    yield (
        '<nav class="index"><h2>Respondents</h2><table class="index">'
        "<tr><th>Respondent</th><th>Responses</th><th>First</th><th>Last</th></tr>"
    )
    for number, (who, count, first, last) in enumerate(store.index(), 1):
        yield (
            f'<tr><td><a href="#respondent-{number}">{escape(who)}</a></td><td>{count}</td>'
            f"<td>{time(first) if first else '-'}</td><td>{time(last) if last else '-'}</td></tr>"
        )
    yield "</table></nav>"


def page(store: Store, rejected: int) -> Iterator[str]:
    """The whole HTML page, in pieces, a respondent at a time."""
    versions = store.versions()
    named = ", ".join(f"{qid} {version}" for qid, version in versions) or "none"
    running = f"Emotional blunting scores · questionnaire {named} · blunting {__version__}"
    style = (
        f'@page {{ @top-left {{ content: "{_css_text(running)}"; font: 9pt system-ui; '
        "color: #555; } "
        '@bottom-right { content: "page " counter(page) " of " counter(pages); '
        "font: 9pt system-ui; color: #555; } }"
    )
    respondents, responses = store.counts()
    yield head("Emotional blunting scores", style)
    yield (
        "<header><h1>Emotional blunting scores</h1>"
        f'<p class="running">Questionnaire {escape(named)} · blunting {escape(__version__)}</p>'
        "</header>"
        '<p class="note">Scores run from 0 (none of the changes asked about) to 100 (the most '
        "the questionnaire can show). A score is not a diagnosis: the questionnaire has no "
        "validated cut-offs, and a change in points is a number, not a finding. Changes that "
        "bother a person are worth raising with their doctor.</p>"
        f"<p>{respondents} respondent{'s' if respondents != 1 else ''}, {responses} "
        f"response{'s' if responses != 1 else ''}.</p>"
    )
    if rejected:
        yield (
            f'<p class="rejected">{rejected} response{"s" if rejected != 1 else ""} could not be '
            "scored and are not shown: the command listed their problems.</p>"
        )
    yield from _index(store)
    for number, (who, visits) in enumerate(store.respondents(), 1):
        yield _section(number, who, visits)
    yield TAIL


def report(run: Any, output: str) -> int:
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
        f"blunting: {counts.summary('scored', 'rejected')}; {respondents} "
        f"respondent{'s' if respondents != 1 else ''} in {output}\n"
    )
    return REJECTED if counts.status else OK
