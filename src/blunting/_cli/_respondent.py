"""A respondent's section of the report: latest scores, course over time, every answer.

Each response is read with its own questionnaire version (its items, its
option words); the chart and the change since the first response use the
respondent's responses to one questionnaire, by date, or in the file's order
when none has a time. Nothing is interpreted: no cut-offs, no "improved", no
colour that means good or bad.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Any

import attrs

from blunting import _questionnaire
from blunting._cli import _course, _timeline
from blunting._cli._html import plural, readable, shown, time
from blunting._cli._outputs import standing
from blunting._text import moment
from blunting._version import __version__

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from blunting._questionnaire import Item, Questionnaire
    from blunting._scoring import DomainScore, Score

#: The bars of the latest scores, in CSS pixels.
_BAR_WIDTH, _BAR_HEIGHT, _LABEL_WIDTH = 250, 14, 130

#: The title of the total, beside the domains' titles.
TOTAL = "All domains"
#: What a question that a response left out says.
NOT_ANSWERED = "not answered"
#: What ``null`` says where a version does not word it: the schema's meaning of ``null``.
DECLINED = "Prefer not to answer"
#: What an empty list of answers says.
NONE_CHOSEN = "nothing chosen"


@attrs.frozen
class Visit:
    """One scored response of a respondent, as the page shows it."""

    #: A REDCap row's event, in words, or ``None``.
    event: str | None
    score: Score
    #: The answers to the context questions, as given (``impact`` included).
    context: Mapping[str, Any]

    @property
    def when(self) -> str:
        """Its completion time as given, or ``""`` with none."""
        return self.score.completed or ""

    @property
    def questionnaire(self) -> Questionnaire:
        """The questionnaire version it answered."""
        return _questionnaire.builtin(self.score.version, id=self.score.questionnaire)

    def item(self, key: str) -> Item | None:
        """Its questionnaire's question ``key``, if it has one."""
        return next((i for i in self.questionnaire.items if i.id == key), None)

    def result(self, key: str) -> DomainScore | None:
        """A domain's result, or the total's (``"total"``); ``None`` for a domain it lacks."""
        return self.score.total if key == "total" else self.score.domains.get(key)


def _label(item: Item | None, value: Any) -> str:
    """An option's words in its own version; ``null`` is "Prefer not to answer" where unworded."""
    if item is not None:
        for option in item.options:
            if option.value == value and type(option.value) is type(value):
                return option.label
    return DECLINED if value is None else str(value)


def _in_order(item: Item | None, given: Sequence[Any]) -> list[Any]:
    order = {o.value: index for index, o in enumerate(item.options if item else ())}
    return sorted(given, key=lambda v: order.get(v, len(order)))


def _listed(item: Item | None, values: Sequence[Any]) -> str:
    return "; ".join(escape(_label(item, v)) for v in values) or NONE_CHOSEN


def _title(result: DomainScore, unscored: Sequence[str] = ()) -> str:
    words = standing(result, unscored)
    if result.scaled is None:
        return words
    return f"{result.scaled:.1f}" + (f" ({words})" if words else "")


def _parts(q: Questionnaire) -> list[tuple[str, str]]:
    """Each domain's key and title, then the total's."""
    return [*((d.id, d.title) for d in q.domains), ("total", TOTAL)]


def _unscored_titles(visit: Visit) -> list[str]:
    """The titles of the domains its total lacks, as ``standing`` names them."""
    return [
        d.title
        for d in visit.questionnaire.domains
        if (result := visit.result(d.id)) is not None and result.scaled is None
    ]


def _bars(q: Questionnaire, visit: Visit) -> str:
    """Horizontal bars of scaled scores (0 to 100), one a domain and the total."""
    parts = _parts(q)
    height = len(parts) * (_BAR_HEIGHT + 6)
    rows = []
    for index, (key, title) in enumerate(parts):
        y = index * (_BAR_HEIGHT + 6)
        rows.append(
            f'<text x="0" y="{y + 11}">{escape(title)}</text>'
            f'<rect class="track" x="{_LABEL_WIDTH}" y="{y}" width="{_BAR_WIDTH}" '
            f'height="{_BAR_HEIGHT}" fill="#eee"/>'
        )
        result = visit.result(key)
        if result is None:
            continue
        if result.scaled is not None:
            width = result.scaled * _BAR_WIDTH / 100
            rows.append(
                f'<rect class="bar" data-part="{escape(key)}" data-scaled="{result.scaled}" '
                f'x="{_LABEL_WIDTH}" y="{y}" width="{width:.2f}" height="{_BAR_HEIGHT}" '
                f'fill="{_course.INK}"/>'
            )
        words = _title(result, _unscored_titles(visit))
        rows.append(
            f'<text x="{_LABEL_WIDTH + _BAR_WIDTH + 8}" y="{y + 11}">{escape(words)}</text>'
        )
    width = _LABEL_WIDTH + _BAR_WIDTH + 260
    return (
        f'<svg class="bars" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{"".join(rows)}</svg>'
    )


def _when(visit: Visit, number: int) -> str:
    """A visit as the tables name it: its time; else its number and REDCap event, if any."""
    if visit.when:
        return time(visit.when)
    return shown(f"{number}. {visit.event}" if visit.event else f"{number}. no date")


def _on(visit: Visit, number: int) -> str:
    """A visit in a chart's tooltip, as plain text."""
    if visit.when:
        return readable(visit.when)
    return f"{number}. {visit.event}" if visit.event else f"response {number}"


def _answer(visit: Visit, key: str) -> str:
    """A visit's answer to a context question, in its version's words."""
    if key not in visit.context:
        return escape(NOT_ANSWERED)
    item, given = visit.item(key), visit.context[key]
    if isinstance(given, list):
        if not given:
            return escape(NONE_CHOSEN)
        listed = "".join(f"<li>{escape(_label(item, v))}</li>" for v in _in_order(item, given))
        return f"<ul>{listed}</ul>"
    return escape(_label(item, given))


# How a question of several answers changed.


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
    #: The whole answer, for the first, and when an option that goes alone
    #: ("None", "I don't know") was given before or now.
    now: tuple[Any, ...] = ()
    before: tuple[Any, ...] = ()
    #: The index of the visit compared with, when it is not the visit just before.
    since: int | None = None


def changes(key: str, visits: Sequence[Visit]) -> list[Change]:
    """The first answer to question ``key`` and each change, each against the last answer given.

    A visit that did not answer, or preferred not to, is skipped: the next
    answer is compared with the one before it, and says since when. When an
    option that goes alone ("None", "I don't know") is in either answer, the
    change is the whole answer before and now rather than added and stopped.
    """
    found: list[Change] = []
    last: tuple[int, tuple[Any, ...]] | None = None
    for index, visit in enumerate(visits):
        given = visit.context.get(key)
        if not isinstance(given, list):
            continue
        item = visit.item(key)
        alone = {o.value for o in item.options if o.exclusive} if item else set()
        now = tuple(_in_order(item, given))
        if last is None:
            found.append(Change(index, first=True, now=now))
        else:
            where, before = last
            since = where if where != index - 1 else None
            if set(before) != set(now):
                if alone & (set(before) | set(now)):
                    found.append(Change(index, now=now, before=before, since=since))
                else:
                    added = tuple(v for v in now if v not in before)
                    stopped = tuple(v for v in before if v not in now)
                    found.append(Change(index, added=added, stopped=stopped, since=since))
        last = index, now
    return found


def _words(visits: Sequence[Visit], numbers: Sequence[int], change: Change, key: str) -> str:
    """A change in words, as HTML; ``numbers`` are the visits' numbers in the tables."""
    item = visits[change.at].item(key)
    if change.first:
        return f"First answer: {_listed(item, change.now)}"
    parts = []
    if change.added:
        parts.append(f"Added: {_listed(item, change.added)}")
    if change.stopped:
        parts.append(f"Stopped: {_listed(item, change.stopped)}")
    if change.before or change.now:
        parts.append(f"Was: {_listed(item, change.before)}. Now: {_listed(item, change.now)}")
    if change.since is not None:
        parts[-1] += f" (since {_when(visits[change.since], numbers[change.since])})"
    return ". ".join(parts)


def _several(q: Questionnaire) -> list[Item]:
    """The context questions of several answers (the medicines)."""
    return [i for i in q.items if i.multiple and i.domain is None]


def _short(item: Item) -> str:
    """A context question's heading: its id in words ("Sexual side effects")."""
    return item.id.replace("_", " ").capitalize()


# The course over time.


def _impact(q: Questionnaire) -> Item | None:
    key = _questionnaire.scoring_key(q).impact
    return next((i for i in q.items if i.id == key), None)


def _score_points(key: str, title: str, course: list[Visit], numbers: list[int]) -> list[Any]:
    points = []
    for number, visit in zip(numbers, course, strict=True):
        result = visit.result(key)
        on = _on(visit, number)
        if result is None or result.scaled is None:
            why = standing(result, _unscored_titles(visit)) if result else "not asked"
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
    return points


def _impact_panel(impact: Item, course: list[Visit], numbers: list[int]) -> _course.Panel:
    levels = sorted(o.value for o in impact.options if isinstance(o.value, int))
    points = []
    for number, visit in zip(numbers, course, strict=True):
        on = _on(visit, number)
        if impact.id not in visit.context:
            points.append(_course.Point(None, words=f"{on}: {NOT_ANSWERED}"))
            continue
        given = visit.context[impact.id]
        said = _label(visit.item(impact.id), given)
        if given not in levels:
            points.append(_course.Point(None, words=f"{on}: {said}"))
            continue
        height = levels.index(given) / max(len(levels) - 1, 1)
        points.append(_course.Point(height, words=f"{on}: {said}", value=said))
    title = f"{_short(impact)}: how much it bothers the person"
    words = [_label(impact, v) for v in levels]
    return _course.word_panel(impact.id, title, words, points)


def _chart(q: Questionnaire, course: list[Visit], numbers: list[int], key: list[str]) -> str:
    """The chart of a respondent's course, by date or by order; its marks' key goes to ``key``."""
    left, width = _course.LEFT, _course.PLOT
    if course[0].when:
        axis = _timeline.by_time([moment(v.when) for v in course], left, width)
    else:
        axis = _timeline.by_order(numbers, left, width)
    panels = [
        _course.score_panel(part, title, _score_points(part, title, course, numbers))
        for part, title in _parts(q)
    ]
    impact = _impact(q)
    if impact is not None:
        panels.append(_impact_panel(impact, course, numbers))
    lanes = []
    for item in _several(q):
        marks = []
        for change in changes(item.id, course):
            marks.append((change.at, str(len(key) + 1)))
            key.append(
                f'<li value="{len(key) + 1}" data-item="{escape(item.id)}" '
                f'data-when="{escape(course[change.at].when)}">{escape(_short(item))}, '
                f"{_when(course[change.at], numbers[change.at])}: "
                f"{_words(course, numbers, change, item.id)}</li>"
            )
        if marks:
            lanes.append(_course.Lane(item.id, _short(item), tuple(marks), circled=True))
    versions = [
        (index, visit.score.version)
        for index, visit in enumerate(course)
        if index == 0 or visit.score.version != course[index - 1].score.version
    ]
    if len(versions) > 1:  # the questionnaire's version changed: marked where it did
        lanes.append(_course.Lane("version", "Questionnaire version", tuple(versions)))
    return _course.chart(axis, [v.when for v in course], panels, lanes)


def _change_table(q: Questionnaire, course: list[Visit], numbers: list[int]) -> str:
    """Each part's change from the first response that scored it to the last, in points."""
    rows = []
    for key, title in _parts(q):
        scored = [
            (number, visit, result)
            for number, visit in zip(numbers, course, strict=True)
            if (result := visit.result(key)) is not None and result.scaled is not None
        ]
        if len(scored) < 2:
            why = "scored at one response only" if scored else "not scored"
            rows.append(
                f'<tr data-part="{escape(key)}"><td>{escape(title)}</td>'
                f'<td class="words" colspan="3">{why}</td></tr>'
            )
            continue
        cells = []
        for number, visit, result in (scored[0], scored[-1]):
            estimate = ", estimated" if result.prorated else ""
            cells.append(
                f"<td>{result.scaled:.1f} <small>({_when(visit, number)}{estimate})</small></td>"
            )
        points = round(scored[-1][2].scaled - scored[0][2].scaled, 1)  # type: ignore[operator]
        sign = "+" if points > 0 else "\u2212" if points < 0 else ""
        rows.append(
            f'<tr data-part="{escape(key)}"><td>{escape(title)}</td>{"".join(cells)}'
            f'<td class="change">{sign}{abs(points):.1f} points</td></tr>'
        )
    return (
        '<table class="changes"><tr><th>Part</th><th>First scored</th><th>Last scored</th>'
        f"<th>Change</th></tr>{''.join(rows)}</table>"
    )


# The tables of every response.


def _row_head(visit: Visit, number: int) -> str:
    return f'<tr data-when="{escape(visit.when)}"><td>{_when(visit, number)}</td>'


def _scores_table(q: Questionnaire, visits: list[Visit]) -> str:
    heads = "".join(f"<th>{escape(title)}</th>" for _, title in _parts(q))
    rows = []
    for number, visit in enumerate(visits, 1):
        unscored = _unscored_titles(visit)
        cells = "".join(
            f"<td>{escape(_title(result, unscored) if result else '-')}</td>"
            for key, _ in _parts(q)
            for result in [visit.result(key)]
        )
        rows.append(f"{_row_head(visit, number)}<td>{escape(visit.score.version)}</td>{cells}</tr>")
    return (
        f'<table class="scores"><tr><th>Completed</th><th>Version</th>{heads}</tr>'
        f"{''.join(rows)}</table>"
    )


def _sequences(visits: Sequence[Visit]) -> list[list[int]]:
    """The indices of the dated visits, and of the undated ones: changes are within each."""
    dated = [i for i, v in enumerate(visits) if v.when]
    undated = [i for i, v in enumerate(visits) if not v.when]
    return [found for found in (dated, undated) if found]


def _answers_table(q: Questionnaire, visits: list[Visit]) -> str:
    """The context questions' answers at each visit, with the changes of lists."""
    items = [i for i in q.items if i.domain is None]
    numbers = list(range(1, len(visits) + 1))
    moved: dict[tuple[str, int], str] = {}
    for item in _several(q):
        for indices in _sequences(visits):
            sequence = [visits[i] for i in indices]
            for change in changes(item.id, sequence):
                if not change.first:
                    words = _words(sequence, [numbers[i] for i in indices], change, item.id)
                    moved[item.id, indices[change.at]] = words
    heads = "".join(
        f'<th class="words{" several" if item.multiple else ""}">{escape(_short(item))}</th>'
        for item in items
    )
    rows = []
    for index, visit in enumerate(visits):
        cells = []
        for item in items:
            text = _answer(visit, item.id)
            if (item.id, index) in moved:
                text += f'<p class="moved">{moved[item.id, index]}</p>'
            cells.append(f'<td class="words" data-item="{escape(item.id)}">{text}</td>')
        rows.append(f"{_row_head(visit, index + 1)}{''.join(cells)}</tr>")
    key = "".join(f"<dt>{escape(_short(item))}:</dt><dd>{escape(item.text)}</dd>" for item in items)
    return (
        f'<table class="answers"><tr><th>Completed</th>{heads}</tr>{"".join(rows)}</table>'
        f'<dl class="questions">{key}</dl>'
    )


def _course_of(visits: list[Visit], q: Questionnaire) -> list[Visit]:
    """The responses charted: to ``q``'s questionnaire, dated ones if two are, else undated ones."""
    same = [v for v in visits if v.score.questionnaire == q.id]
    dated = [v for v in same if v.when]
    undated = [v for v in same if not v.when]
    return dated if len(dated) > 1 else undated if len(undated) > 1 else []


def section(number: int, who: str, visits: list[Visit]) -> str:
    """A respondent's part of the page (``visits``: dated by time, then undated in order)."""
    dated = [v for v in visits if v.when]
    latest_at = max((i for i, v in enumerate(visits) if v.when), default=len(visits) - 1)
    latest = visits[latest_at]
    q = latest.questionnaire
    course = _course_of(visits, q)
    numbers = [next(n for n, v in enumerate(visits, 1) if v is c) for c in course]  # as tabled
    span = f", from {time(dated[0].when)} to {time(dated[-1].when)}" if len(dated) > 1 else ""
    running = (
        f"{shown(who)} · questionnaire {escape(q.id)}, version {escape(q.version)} · "
        f"blunting {escape(__version__)}"
    )
    html = [
        f'<section class="respondent page" id="respondent-{number}">',
        f'<table class="sheet"><thead><tr><td class="running">{running}</td></tr></thead>',
        "<tbody><tr><td>",
        f"<h2>{shown(who)}</h2>",
        f"<p>{plural(len(visits), 'response')}{span}.</p>",
        f"<h3>Latest response ({_when(latest, latest_at + 1)})</h3>",
        (
            "<p>Scaled from 0 (none of the changes asked about) to 100 (the most the "
            "questionnaire can show):</p>"
        ),
        _bars(q, latest),
    ]
    if course:
        key: list[str] = []
        order = "by date" if course[0].when else "responses without a time, in the order given"
        html += [f"<h3>Over time ({order})</h3>", _chart(q, course, numbers, key)]
        if key:
            html.append(f'<ol class="changes-key">{"".join(key)}</ol>')
    left_out = len(visits) - len(course)
    if course and left_out:
        html.append(
            f'<p class="left-out">{plural(left_out, "response")} not on the chart (to another '
            "questionnaire, or with a time when the chart is of those without, or the other "
            "way round): see the tables below.</p>"
        )
    elif len(visits) > 1 and not course:
        html.append(
            '<p class="left-out">No chart: a chart needs two responses with completion times, '
            "or two without.</p>"
        )
    if course:
        html += [
            "<h3>Change since the first response, in points</h3>",
            _change_table(q, course, numbers),
        ]
    html += [
        "<h3>Scores at each response</h3>",
        _scores_table(q, visits),
        "<h3>The person and their medicine, at each response</h3>",
        _answers_table(q, visits),
        "</td></tr></tbody></table></section>",
    ]
    return "".join(html)
