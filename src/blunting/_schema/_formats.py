"""The formats checked: ``date-time`` exactly and quickly, the rest as jsonschema does."""

from __future__ import annotations

import calendar
import re
import warnings

from jsonschema import Draft202012Validator, FormatChecker

from blunting._text import Memo

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

#: The same pattern for RE2 (the engine of Arrow's string functions), searched in a value.
DATE_TIME = "^" + _DATE_TIME.pattern + "\\z"

#: Dates seen, and whether each exists.
_DATES: Memo[str, bool] = Memo()


def real_date(date: str) -> bool:
    """Whether a ``YYYY-MM-DD`` text names a day that exists (year 0 does not)."""
    real = _DATES.get(date)
    if real is None:
        year, month, day = int(date[:4]), int(date[5:7]), int(date[8:])
        real = _DATES.remember(date, year > 0 and 1 <= day <= calendar.monthrange(year, month)[1])
    return real


def is_date_time(instance: object) -> bool:
    """Whether ``instance`` is an RFC 3339 date-time; any non-string passes, as in JSON Schema.

    Leap seconds (``:60``) are not accepted, as in jsonschema.
    """
    if not isinstance(instance, str):
        return True
    return _DATE_TIME.fullmatch(instance) is not None and real_date(instance[:10])


def _formats() -> FormatChecker:
    """Draft 2020-12's format checks, with ``date-time`` our own (see ``is_date_time``).

    jsonschema checks ``date-time`` only when rfc3339-validator is installed,
    and its pattern ends in ``$``, which also accepts a trailing newline.
    """
    checker = FormatChecker()
    checker.checkers = dict(Draft202012Validator.FORMAT_CHECKER.checkers)
    checker.checkers["date-time"] = (is_date_time, ())
    checker.checkers["regex"] = (_is_regex, (re.error,))
    return checker


def _is_regex(instance: object) -> bool:
    """Whether ``instance`` compiles as a regular expression, as jsonschema checks it.

    ``re`` warns of some patterns (``[a--z]``: "possible set difference"),
    which an application that turns warnings into errors would see as a
    crash; the loader refuses such patterns with a problem instead.
    """
    if not isinstance(instance, str):
        return True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return re.compile(instance) is not None


#: Draft 2020-12's format checks, as this library configures them.
FORMATS = _formats()
#: The formats that are really checked.
CHECKED_FORMATS = frozenset(FORMATS.checkers)
