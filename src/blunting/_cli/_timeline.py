"""The report's axis of time: where a response's time falls, and the ticks people read.

Points are placed by the instant each response was completed, so they are
spaced as the visits were. Ticks fall on calendar steps (seconds, minutes,
hours, days, Mondays, first days of months, years) in the offset of the
respondent's first dated response, labelled in short lines ("5 Jan" over
"2026"; "10:00" over "5 Jan 2026", then "11:00" alone on the same day).
Responses with no completion time are placed in their order instead, evenly,
and the axis says so.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import attrs

from blunting._cli._html import MONTHS

if TYPE_CHECKING:
    from collections.abc import Sequence

#: At most this many ticks on an axis: their labels never crowd each other.
MOST_TICKS = 7
#: The space left before the first and after the last point, as a share of the span.
_PAD = 0.04

_Tick = tuple[float, tuple[str, ...]]


def _seconds(start: dt.datetime, n: int) -> Iterator[dt.datetime]:
    at = start.replace(microsecond=0)
    at -= dt.timedelta(seconds=at.second % n)
    while True:
        yield at
        at += dt.timedelta(seconds=n)


def _minutes(start: dt.datetime, n: int) -> Iterator[dt.datetime]:
    at = start.replace(second=0, microsecond=0)
    at -= dt.timedelta(minutes=at.minute % n)
    while True:
        yield at
        at += dt.timedelta(minutes=n)


def _hours(start: dt.datetime, n: int) -> Iterator[dt.datetime]:
    at = start.replace(minute=0, second=0, microsecond=0)
    at -= dt.timedelta(hours=at.hour % n)
    while True:
        yield at
        at += dt.timedelta(hours=n)


def _days(start: dt.datetime, n: int) -> Iterator[dt.datetime]:
    at = start.replace(hour=0, minute=0, second=0, microsecond=0)
    while True:
        yield at
        at += dt.timedelta(days=n)


def _weeks(start: dt.datetime, n: int) -> Iterator[dt.datetime]:
    at = start.replace(hour=0, minute=0, second=0, microsecond=0)
    at -= dt.timedelta(days=at.weekday())  # a Monday
    while True:
        yield at
        at += dt.timedelta(weeks=n)


def _months(start: dt.datetime, n: int) -> Iterator[dt.datetime]:
    months = (start.year * 12 + start.month - 1) // n * n
    while True:
        year, month = divmod(months, 12)
        yield start.replace(
            year=year, month=month + 1, day=1, hour=0, minute=0, second=0, microsecond=0
        )
        months += n


def _years(start: dt.datetime, n: int) -> Iterator[dt.datetime]:
    year = start.year // n * n or n  # there is no year 0
    while True:
        yield start.replace(year=year, month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        year += n


def _date(at: dt.datetime, before: dt.datetime | None) -> tuple[str, ...]:
    """A clock tick's second line: the day, when it is not the tick before's (its year first)."""
    if before is not None and before.date() == at.date():
        return ()
    day = f"{at.day} {MONTHS[at.month - 1]}"
    return (f"{day} {at.year:04d}" if before is None or before.year != at.year else day,)


def _clock(at: dt.datetime, before: dt.datetime | None) -> tuple[str, ...]:
    return (f"{at:%H:%M}", *_date(at, before))


def _clock_seconds(at: dt.datetime, before: dt.datetime | None) -> tuple[str, ...]:
    return (f"{at:%H:%M:%S}", *_date(at, before))


def _day(at: dt.datetime, _before: dt.datetime | None) -> tuple[str, ...]:
    return (f"{at.day} {MONTHS[at.month - 1]}", f"{at.year:04d}")


def _month(at: dt.datetime, _before: dt.datetime | None) -> tuple[str, ...]:
    return (MONTHS[at.month - 1], f"{at.year:04d}")


def _year(at: dt.datetime, _before: dt.datetime | None) -> tuple[str, ...]:
    return (f"{at.year:04d}",)


_Steps = Callable[[dt.datetime, int], Iterator[dt.datetime]]
_Label = Callable[[dt.datetime, "dt.datetime | None"], tuple[str, ...]]
#: The calendar steps an axis may tick at, finest first, each with its label: a
#: clock's ticks name their day only where it changes, so that labels stay short.
_STEPS: tuple[tuple[_Steps, int, _Label], ...] = (
    *((_seconds, n, _clock_seconds) for n in (1, 5, 15, 30)),
    *((_minutes, n, _clock) for n in (1, 5, 15, 30)),
    *((_hours, n, _clock) for n in (1, 2, 3, 6, 12)),
    *((_days, n, _day) for n in (1, 2)),
    *((_weeks, n, _day) for n in (1, 2)),
    *((_months, n, _month) for n in (1, 2, 3, 6)),
    *((_years, n, _year) for n in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)),
)


def ticks(start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, tuple[str, ...]]]:
    """Ticks between two aware times, in ``start``'s offset, each with its label's lines.

    The finest calendar step that gives at most :data:`MOST_TICKS` of them.
    """
    for steps, n, label in _STEPS:
        found: list[dt.datetime] = []
        try:
            for at in steps(start, n):
                if at > end:
                    break
                if at >= start:
                    found.append(at)
                    if len(found) > MOST_TICKS:
                        break
        except (OverflowError, ValueError):  # past the year 9999
            pass
        if len(found) <= MOST_TICKS:
            return [
                (at, label(at, found[index - 1] if index else None))
                for index, at in enumerate(found)
            ]
    return []  # pragma: no cover - the coarsest step gives two ticks at most


@attrs.frozen
class Axis:
    """Where each response falls across ``width`` pixels from ``left``, and the ticks."""

    #: Each response's position, in order.
    xs: tuple[float, ...]
    #: ``(x, lines of its label)`` for each tick.
    ticks: tuple[_Tick, ...]
    #: Whether the positions are by time; else by order, evenly.
    timed: bool


def by_time(times: Sequence[dt.datetime], left: float, width: float) -> Axis:
    """An axis of aware times (in order), ticked in the first one's offset."""
    zone = times[0].tzinfo
    first, last = times[0].timestamp(), times[-1].timestamp()
    pad = (last - first) * _PAD or 86400.0  # all at one time: a day either side
    low, high = first - pad, last + pad

    def x(stamp: float) -> float:
        return left + width * (stamp - low) / (high - low)

    try:
        start = dt.datetime.fromtimestamp(low, zone)
        end = dt.datetime.fromtimestamp(high, zone)
    except (OverflowError, ValueError, OSError):  # the padding went past the calendar
        start, end = times[0], times[-1]
    found = tuple((x(at.timestamp()), lines) for at, lines in ticks(start, end))
    return Axis(tuple(x(t.timestamp()) for t in times), found, timed=True)


def by_order(numbers: Sequence[int], left: float, width: float) -> Axis:
    """An axis of responses with no times, evenly spaced, ticked by their ``numbers``."""
    step = width / len(numbers)
    xs = tuple(left + step * (index + 0.5) for index in range(len(numbers)))
    shown = max(1, -(-len(numbers) // MOST_TICKS))  # every nth: at most MOST_TICKS show
    found = tuple(
        (x, (f"{number}",))
        for index, (x, number) in enumerate(zip(xs, numbers, strict=True))
        if index % shown == 0
    )
    return Axis(xs, found, timed=False)
