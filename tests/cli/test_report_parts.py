"""The report's parts, as properties: readable dates, the time axis, the changes of a list."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import given

import blunting
from blunting._cli import _html, _report, _respondent, _timeline
from report_reading import tick_times

Q = blunting.questionnaire()
MEDICINES = next(item for item in Q.items if item.id == "medications")
ALONE = [o.value for o in MEDICINES.options if o.exclusive and o.value is not None]
LISTED = [o.value for o in MEDICINES.options if not o.exclusive]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

zones = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(
    lambda minutes: dt.timezone(dt.timedelta(minutes=minutes))
)
times = st.datetimes(
    min_value=dt.datetime(1900, 1, 1),  # noqa: DTZ001 - made aware below
    max_value=dt.datetime(2200, 1, 1),  # noqa: DTZ001
    timezones=zones,
)


@given(times)
def test_a_readable_date_reads_back_as_the_same_minute_and_offset(when: dt.datetime) -> None:
    text = when.isoformat()
    shown = _html.readable(text)
    found = re.fullmatch(
        r"(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}), (\d{2}):(\d{2})(?::(\d{2}))? ([+-])(\d{2}):(\d{2})",
        shown,
    )
    assert found is not None, shown
    day, month, year, hour, minute, second, sign, zone_h, zone_m = found.groups()
    offset = dt.timedelta(hours=int(zone_h), minutes=int(zone_m)) * (-1 if sign == "-" else 1)
    back = dt.datetime(
        int(year),
        MONTHS.index(month) + 1,
        int(day),
        int(hour),
        int(minute),
        int(second or 0),
        tzinfo=dt.timezone(offset),
    )
    assert back == when.replace(microsecond=0)
    assert back.utcoffset() == when.utcoffset()
    assert (second is not None) == (when.second != 0)


def test_a_readable_date_as_the_issue_shows_it() -> None:
    assert _html.readable("2026-01-05T10:00:00+01:00") == "5 Jan 2026, 10:00 +01:00"
    assert _html.readable("2026-12-31t23:59:30z") == "31 Dec 2026, 23:59:30 +00:00"


@given(times, st.integers(1, 200 * 365 * 86400))
def test_ticks_are_few_inside_the_span_in_order_and_read_back_as_their_times(
    start: dt.datetime, seconds: int
) -> None:
    end = start + dt.timedelta(seconds=seconds)
    found = _timeline.ticks(start, end)
    assert len(found) <= _timeline.MOST_TICKS
    if seconds >= 2:
        assert found
    ats = [at for at, _ in found]
    assert all(start <= at <= end for at in ats)
    assert ats == sorted(set(ats))
    zone = start.tzinfo
    assert zone is not None
    assert tick_times([list(lines) for _, lines in found], zone) == ats  # as a person reads them
    assert all(at.utcoffset() == start.utcoffset() and at.microsecond == 0 for at in ats)
    steps = {b - a for a, b in itertools.pairwise(ats)}
    if steps and steps <= {dt.timedelta(weeks=1), dt.timedelta(weeks=2)}:
        assert all(at.weekday() == 0 and at.time() == dt.time() for at in ats)  # Mondays


def test_ticks_of_a_clock_name_the_day_once_and_when_it_changes() -> None:
    zone = dt.timezone(dt.timedelta(hours=1))
    found = _timeline.ticks(
        dt.datetime(2026, 3, 14, 9, 30, tzinfo=zone), dt.datetime(2026, 3, 14, 16, 10, tzinfo=zone)
    )
    assert [lines for _, lines in found] == [
        ("10:00", "14 Mar 2026"),
        ("11:00",),
        ("12:00",),
        ("13:00",),
        ("14:00",),
        ("15:00",),
        ("16:00",),
    ]
    found = _timeline.ticks(
        dt.datetime(2026, 12, 31, 1, tzinfo=zone), dt.datetime(2027, 1, 2, 23, tzinfo=zone)
    )
    assert [lines for _, lines in found] == [
        ("12:00", "31 Dec 2026"),
        ("00:00", "1 Jan 2027"),
        ("12:00",),
        ("00:00", "2 Jan"),
        ("12:00",),
    ]


def test_years_never_tick_at_year_zero() -> None:
    zone = dt.UTC
    found = _timeline.ticks(dt.datetime(1, 1, 1, tzinfo=zone), dt.datetime(9000, 1, 1, tzinfo=zone))
    assert [lines for _, lines in found] == [("2000",), ("4000",), ("6000",), ("8000",)]


@given(st.lists(times, min_size=2, max_size=12))
def test_positions_are_in_time_order_and_proportional_to_time(whens: list[dt.datetime]) -> None:
    whens.sort()
    axis = _timeline.by_time(whens, 100, 500)
    assert all(100 <= x <= 600 for x in axis.xs)
    stamps = [w.timestamp() for w in whens]
    if stamps[-1] > stamps[0]:
        for x, stamp in zip(axis.xs, stamps, strict=True):
            share = (stamp - stamps[0]) / (stamps[-1] - stamps[0])
            assert x == pytest.approx(axis.xs[0] + (axis.xs[-1] - axis.xs[0]) * share, abs=1e-6)
    assert all(100 <= x <= 600 for x, _ in axis.ticks)


@given(st.integers(1, 200))
def test_responses_without_times_are_evenly_spaced_and_ticked_by_number(count: int) -> None:
    axis = _timeline.by_order(range(1, count + 1), 0, 100)
    gaps = {round(b - a, 9) for a, b in zip(axis.xs, axis.xs[1:], strict=False)}
    assert len(gaps) <= 1
    assert 1 <= len(axis.ticks) <= _timeline.MOST_TICKS
    assert axis.ticks[0] == (axis.xs[0], ("1",))


answers = st.one_of(
    st.just("absent"),
    st.none(),
    st.lists(st.sampled_from(LISTED), max_size=4, unique=True),
    st.sampled_from(ALONE).map(lambda v: [v]),
)


def visits(given: list[Any]) -> list[_respondent.Visit]:
    made = []
    for index, answer in enumerate(given):
        context = {} if answer == "absent" else {"medications": answer}
        payload = {
            "questionnaire": Q.id,
            "version": Q.version,
            "completed": f"2026-01-{index + 1:02d}T09:00:00Z",
            "answers": {},
            "context": context,
        }
        made.append(_respondent.Visit(None, blunting.score(payload), context))
    return made


@given(st.lists(answers, max_size=10))
def test_each_change_turns_the_answer_before_into_the_answer_now(given: list[Any]) -> None:
    found = _respondent.changes("medications", visits(given))
    answered = [(i, a) for i, a in enumerate(given) if isinstance(a, list)]
    if not answered:
        assert found == []
        return
    assert found[0].first
    assert found[0].at == answered[0][0]
    assert set(found[0].now) == set(answered[0][1])
    by_visit = {change.at: change for change in found[1:]}
    for (before_at, before), (at, now) in itertools.pairwise(answered):
        change = by_visit.pop(at, None)
        if set(before) == set(now):
            assert change is None
            continue
        assert change is not None
        assert change.since == (None if before_at == at - 1 else before_at)
        if set(ALONE) & (set(before) | set(now)):
            assert (set(change.before), set(change.now)) == (set(before), set(now))
            assert change.added == change.stopped == ()
        else:
            assert (set(before) | set(change.added)) - set(change.stopped) == set(now)
            assert not set(change.added) & set(before)
            assert set(change.stopped) <= set(before)
    assert by_visit == {}


@given(st.text())
def test_text_from_a_file_is_shown_escaped_with_its_controls_visible(text: str) -> None:
    made = _html.shown(text)
    assert not re.search("[<>\x00-\x08\x0b-\x1f\x7f-\x9f]", made)
    back = re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m[1], 16)), html.unescape(made))
    assert back == re.sub(r"\\u([0-9a-f]{4})", lambda m: chr(int(m[1], 16)), text)


@given(st.text())
def test_a_css_string_holds_any_text_and_nothing_more(text: str) -> None:
    made = _report.css_string(text)
    assert not re.search('["<>\x00-\x1f]', made)
    assert not re.search(r"\\(?![0-9a-f]+ )", made)  # every backslash starts an escape
    assert re.sub(r"\\([0-9a-f]+) ", lambda m: chr(int(m[1], 16)), made) == text


def test_an_unknown_offset_is_shown_as_given() -> None:
    assert _html.readable("2026-01-05T10:00:00-00:00") == "5 Jan 2026, 10:00 -00:00"


@given(st.text(max_size=5), st.integers(0, 10**40), st.integers(0, 10**40), st.text(max_size=5))
def test_respondents_are_ordered_by_their_numbers_as_numbers(
    before: str, one: int, other: int, after: str
) -> None:
    left, right = f"{before}{one}{after}", f"{before}{other}{after}"
    if not (before[-1:].isdigit() or after[:1].isdigit()):  # the numbers stand alone
        assert (_report.natural(left) < _report.natural(right)) == (one < other)


def test_leading_zeros_tie_and_the_text_decides() -> None:
    assert _report.natural("p-02") == _report.natural("p-2")
    names = ["p-10", "p-2", "p-02", "P-1", "p-1a", "p-1"]
    assert sorted(names, key=lambda n: (_report.natural(n), n)) == [
        "P-1",
        "p-1",
        "p-1a",
        "p-02",
        "p-2",
        "p-10",
    ]


def test_a_change_across_a_skipped_response_says_since_when() -> None:
    made = visits([["ssri"], "absent", ["snri"]])
    _, change = _respondent.changes("medications", made)
    words = _respondent._words(made, [1, 2, 3], change, "medications")  # noqa: SLF001
    assert words.endswith(
        f' (since <time datetime="{made[0].when}">{_html.readable(made[0].when)}</time>)'
    )
