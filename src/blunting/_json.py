"""Strict JSON text parsing, and short safe descriptions of JSON values."""

from __future__ import annotations

import json
from typing import Any

#: How many characters of a value a message shows at most.
_SHOWN = 60
#: An integer with more digits than this is described, not shown.
_SHOWN_DIGITS = 40


class JSONTextError(ValueError):
    """JSON text that is not valid, or that ``json.loads`` would accept too loosely."""


def _reject_constant(token: str) -> Any:
    raise JSONTextError(f"{token} is not a JSON number")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise JSONTextError(f"duplicate key {describe(key)} in one object")
        result[key] = value
    return result


def loads(text: str | bytes) -> Any:
    """Parse JSON text strictly: UTF-8, no duplicate keys, no NaN or Infinity.

    ``json.loads`` keeps the last of duplicate keys and accepts ``NaN`` and
    ``Infinity``; both silently change what was sent, so both are errors here.
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise JSONTextError(f"not UTF-8 text: {error.reason} at byte {error.start}") from None
    if text.startswith("\ufeff"):
        raise JSONTextError("JSON text must not start with a byte-order mark")
    try:
        return json.loads(text, object_pairs_hook=_object, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        raise JSONTextError(
            f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except RecursionError:
        raise JSONTextError("JSON text nested too deeply") from None
    except ValueError as error:  # integers longer than Python converts
        if isinstance(error, JSONTextError):
            raise
        raise JSONTextError(f"not usable JSON: {error}") from None


_NAMED = {None: "null", True: "true", False: "false"}


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def describe(value: object) -> str:
    """A short JSON-flavoured rendering of a value, safe for any size."""
    if value is None or isinstance(value, bool):
        text = _NAMED[value]
    elif isinstance(value, int):
        digits = value.bit_length() * 30103 // 100000 + 1
        text = f"an integer of about {digits} digits" if digits > _SHOWN_DIGITS else repr(value)
    elif isinstance(value, float):
        text = repr(value)
    elif isinstance(value, str):
        text = json.dumps(value[:_SHOWN], ensure_ascii=False)
        if len(value) > _SHOWN:
            text = f'{text[:-1]}..." ({_plural(len(value), "character")})'
    elif isinstance(value, dict):
        text = f"an object of {_plural(len(value), 'member')}"
    elif isinstance(value, list):
        text = f"an array of {_plural(len(value), 'item')}"
    else:
        text = f"a {type(value).__name__}, which is not a JSON value"
    return text
