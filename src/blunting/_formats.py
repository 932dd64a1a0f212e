"""The ``date-time`` format, checked exactly and quickly."""

from __future__ import annotations

import calendar
import re

#: RFC 3339 ``date-time`` (section 5.6) as rfc3339-validator writes it, which
#: is what jsonschema uses on the upper-cased text, with two differences that
#: change nothing but speed and one flaw:
#:
#: - ``T`` and ``Z`` may be lower-case, instead of upper-casing the text first:
#:   no character but ``t`` and ``z`` upper-cases into anything this pattern
#:   accepts (checked over all of Unicode by the tests);
#: - the pattern must match in full: rfc3339-validator's ``$`` also matched
#:   before a trailing newline, which RFC 3339 does not allow.
_DATE_TIME = re.compile(
    r"\d{4}-(?:0[1-9]|1[0-2])-\d{2}"  # full-date; that the day exists is checked below
    r"[Tt](?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?"  # partial-time
    r"(?:[Zz]|[+-](?:[01]\d|2[0-3]):[0-5]\d)",  # time-offset
    re.ASCII,
)

#: Dates seen, and whether each exists; bounded (see ``_real_date``).
_DATES: dict[str, bool] = {}
_REMEMBERED_DATES = 1 << 14


def _real_date(date: str) -> bool:
    """Whether a ``YYYY-MM-DD`` text names a day that exists (year 0 does not)."""
    real = _DATES.get(date)
    if real is None:
        year, month, day = int(date[:4]), int(date[5:7]), int(date[8:])
        real = year > 0 and 1 <= day <= calendar.monthrange(year, month)[1]
        if len(_DATES) >= _REMEMBERED_DATES:
            _DATES.clear()
        _DATES[date] = real
    return real


def is_date_time(instance: object) -> bool:
    """Whether ``instance`` is an RFC 3339 date-time; any non-string passes, as in JSON Schema.

    Leap seconds (``:60``) are not accepted, as in jsonschema.
    """
    if not isinstance(instance, str):
        return True
    return _DATE_TIME.fullmatch(instance) is not None and _real_date(instance[:10])
