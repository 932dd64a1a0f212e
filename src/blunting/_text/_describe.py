"""Short, safe descriptions of JSON values, and JSON Pointers, for messages."""

from __future__ import annotations

import difflib
import functools
import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

#: How many characters of a value a message shows at most.
SHOWN = 60
#: An integer with more digits than this is described, not shown.
_SHOWN_DIGITS = 40


@functools.lru_cache(maxsize=256)  # a misspelt name repeats in a batch; each is looked up once
def nearest(name: str, known: tuple[str, ...]) -> str | None:
    """The known name nearest to ``name``, if one is near enough to be what was meant."""
    near = difflib.get_close_matches(name, known, 1, 0.75)
    return near[0] if near else None


def pointer(parts: Iterable[object]) -> str:
    """An RFC 6901 JSON Pointer from path parts."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


_NAMED = {None: "null", True: "true", False: "false"}


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def describe(value: object) -> str:
    """A short JSON-flavoured rendering of a value, safe for any size."""
    if value is None or isinstance(value, bool):
        text = _NAMED[value]
    elif isinstance(value, int):
        digits = value.bit_length() * 30103 // 100000 + 1
        text = f"an integer of about {digits:,} digits" if digits > _SHOWN_DIGITS else repr(value)
    elif isinstance(value, float):
        text = repr(value)
    elif isinstance(value, str):
        text = json.dumps(value[:SHOWN], ensure_ascii=False)
        if len(value) > SHOWN:
            text = f'{text[:-1]}..." ({_plural(len(value), "character")})'
    elif isinstance(value, dict):
        text = f"an object of {_plural(len(value), 'member')}"
    elif isinstance(value, list):
        text = f"an array of {_plural(len(value), 'item')}"
    else:
        text = f"a {type(value).__name__}, which is not a JSON value"
    return text
