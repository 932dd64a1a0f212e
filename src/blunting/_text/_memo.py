"""One bounded memo: remembered values that start over when there are too many."""

from __future__ import annotations

from typing import TypeVar

_Key = TypeVar("_Key")
_Value = TypeVar("_Value")

#: How many entries one memo holds at most; past this it starts over. Every
#: memo of the library remembers what repeats between responses (answer
#: patterns, dates, serialized parts), of which a few thousand cover most data.
LIMIT = 1 << 14


class Memo(dict[_Key, _Value]):
    """A ``dict`` that is emptied, rather than grown, once it holds :data:`LIMIT` entries.

    Look values up with ``get``; store them with :meth:`remember`. Emptying
    at once costs less than keeping an order of use, and the values are
    quick to make again.
    """

    __slots__ = ()

    def remember(self, key: _Key, value: _Value) -> _Value:
        """Store ``value`` under ``key`` and return it."""
        if len(self) >= LIMIT:
            self.clear()
        self[key] = value
        return value
