"""A completion time's RFC 3339 text as the moment it names."""

from __future__ import annotations

import datetime as dt


def moment(text: str) -> dt.datetime:
    """The aware datetime of ``text``, an RFC 3339 date-time that was checked as valid.

    RFC 3339 allows a lower-case ``t`` and ``z``; Python reads upper case.
    """
    return dt.datetime.fromisoformat(text.upper())
