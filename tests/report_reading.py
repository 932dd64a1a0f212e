"""Reading the report as a person does: written here, apart from the report's code."""

from __future__ import annotations

import datetime as dt
import re

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_CLOCK = re.compile(r"(\d{2}):(\d{2})(?::(\d{2}))?")
_DAY = re.compile(r"(\d{1,2}) ([A-Z][a-z]{2})(?: (\d{4}))?")


def tick_times(labels: list[list[str]], zone: dt.tzinfo) -> list[dt.datetime]:
    """The times an axis's tick labels name, in order, in ``zone``.

    "Feb" over "2026" is 1 Feb 2026 at midnight; "5 Feb" over "2026" the 5th;
    "2026" alone 1 Jan; "10:00" over "5 Feb 2026" that hour, and a clock
    alone, or over a day without its year, keeps the day or year of the
    tick before.
    """
    found: list[dt.datetime] = []
    day: dt.date | None = None
    for lines in labels:
        clock = _CLOCK.fullmatch(lines[0])
        if clock:
            if len(lines) > 1:
                parts = _DAY.fullmatch(lines[1])
                assert parts is not None, lines
                year = int(parts[3]) if parts[3] else day.year  # type: ignore[union-attr]
                day = dt.date(year, MONTHS.index(parts[2]) + 1, int(parts[1]))
            assert day is not None, "the first clock tick names its day"
            hour, minute, second = int(clock[1]), int(clock[2]), int(clock[3] or 0)
            found.append(dt.datetime.combine(day, dt.time(hour, minute, second), zone))
            continue
        parts = _DAY.fullmatch(lines[0])
        if parts and len(lines) == 2:
            day = dt.date(int(lines[1]), MONTHS.index(parts[2]) + 1, int(parts[1]))
        elif lines[0] in MONTHS:
            day = dt.date(int(lines[1]), MONTHS.index(lines[0]) + 1, 1)
        else:
            (year,) = lines
            day = dt.date(int(year), 1, 1)
        found.append(dt.datetime.combine(day, dt.time(), zone))
    return found
