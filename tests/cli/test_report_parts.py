"""The report's parts, as properties: readable dates, the time axis, the changes of a list."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import given

import blunting
from blunting._cli import _html, _report, _timeline

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


@given(times, st.integers(60, 200 * 365 * 86400))
def test_ticks_are_few_inside_the_span_in_order_and_on_the_calendar(
    start: dt.datetime, seconds: int
) -> None:
    end = start + dt.timedelta(seconds=seconds)
    found = _timeline.ticks(start, end)
    assert 1 <= len(found) <= _timeline.MOST_TICKS
    ats = [at for at, _ in found]
    assert all(start <= at <= end for at in ats)
    assert ats == sorted(set(ats))
    assert len({lines for _, lines in found}) == len(found)  # no two labels alike
    for at, _ in found:  # whole minutes, in the first time's offset
        assert (at.second, at.microsecond) == (0, 0)
        assert at.utcoffset() == start.utcoffset()


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
    axis = _timeline.by_order(count, 0, 100)
    gaps = {round(b - a, 9) for a, b in zip(axis.xs, axis.xs[1:], strict=False)}
    assert len(gaps) <= 1
    assert 1 <= len(axis.ticks) <= _timeline.MOST_TICKS
    assert axis.ticks[0] == (axis.xs[0], ("1",))


answers = st.one_of(
    st.just("absent"),
    st.none(),
    st.lists(st.sampled_from(LISTED), min_size=1, max_size=4, unique=True),
    st.sampled_from(ALONE).map(lambda v: [v]),
)


def visits(given: list[Any]) -> list[_report.Visit]:
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
        made.append(_report.Visit(f"x:{index}", None, blunting.score(payload), context))
    return made


@given(st.lists(answers, max_size=10))
def test_each_change_turns_the_answer_before_into_the_answer_now(given: list[Any]) -> None:
    found = _report.changes(MEDICINES, visits(given))
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
        assert change.since == (
            None if before_at == at - 1 else f"2026-01-{before_at + 1:02d}T09:00:00Z"
        )
        if set(ALONE) & (set(before) | set(now)):
            assert (set(change.before), set(change.now)) == (set(before), set(now))
            assert change.added == change.stopped == ()
        else:
            assert (set(before) | set(change.added)) - set(change.stopped) == set(now)
            assert not set(change.added) & set(before)
            assert set(change.stopped) <= set(before)
    assert by_visit == {}
