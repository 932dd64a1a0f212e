"""Strict JSON text parsing: what is read is exactly what was sent."""

from __future__ import annotations

import functools
import json
import math
import re
import sys
from typing import TYPE_CHECKING, Any

from blunting._text._describe import SHOWN, describe

if TYPE_CHECKING:
    from types import ModuleType


class JSONTextError(ValueError):
    """JSON text that is not valid, or that ``json.loads`` would accept too loosely."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        #: The line of the text (from 1) where its syntax goes wrong, when known.
        self.line = line


#: The largest JSON text taken, in UTF-8 bytes. A response is a few hundred
#: bytes; anything past this is refused before it is parsed.
MAX_TEXT_BYTES = 1 << 20

#: The deepest a JSON value may nest: a response is three levels deep. Text
#: nested deeper is refused before it is parsed.
MAX_DEPTH = 64

#: A JSON string, once its escaped backslashes and quotes are gone.
_STRING = re.compile(rb'"[^"]*"')
#: Every byte but JSON's brackets.
_NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
#: Curly brackets made square: a level is a level, of an array or an object.
_SQUARE = bytes.maketrans(b"{}", b"[]")


def _nested_too_deeply(data: bytes) -> bool:
    """Whether JSON text has more than ``MAX_DEPTH`` arrays and objects open at once.

    Arrays and objects count alike: ``[{"a": [1]}]`` is three levels. Counted
    only when it might be too deep, so that a response costs two counts.
    Strings are taken out, every bracket is made a square one, then innermost
    pairs are peeled: one pass a level, each a copy at C speed. (Text whose
    brackets do not match is not valid JSON: the parser says where.)
    """
    if data.count(b"[") + data.count(b"{") <= MAX_DEPTH:
        return False
    data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
    brackets = _STRING.sub(b"", data).translate(_SQUARE, _NOT_BRACKETS)
    for _ in range(MAX_DEPTH):
        peeled = brackets.replace(b"[]", b"")
        if peeled == brackets:
            return False  # all peeled, or not balanced: the parser says which
        brackets = peeled
    return bool(brackets)


#: JSON's whitespace: what may surround a value (not all of Python's).
_WHITESPACE = " \t\n\r"


def _reject_constant(token: str) -> Any:
    raise JSONTextError(f"{token} is not a JSON number")


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:  # pragma: no branch - a duplicate is found
            if key in seen:
                raise JSONTextError(f"duplicate key {describe(key)} in one object")
            seen.add(key)
    return result


def _float(token: str) -> float:
    """A JSON number with a fraction or exponent, unless reading it as a float changes its kind.

    A float holds about 17 digits: ``1e400`` would become infinity, and
    ``1e-400`` or ``2.0000000000000001``, which are not integers, would become
    ``0.0`` or ``2.0``, which JSON Schema takes for integers. Both are refused
    here, so that a value is never changed into an answer it was not.
    """
    value = float(token)
    if value.is_integer():
        if not _is_integer(token):
            raise JSONTextError(
                f"the number {_token(token)} is not an integer, but would be read as {value!r}"
            )
    elif not math.isfinite(value):
        raise JSONTextError(f"the number {_token(token)} is too large to be read")
    return value


#: A JSON number with a fraction or an exponent (the scanner has checked it).
_NUMBER = re.compile(r"-?([0-9]+)(?:\.([0-9]+))?(?:[eE]([-+]?[0-9]+))?")
#: An exponent with more digits than this is past any float (and ``int`` of a
#: very long text raises).
_EXPONENT_DIGITS = 18


def _is_integer(token: str) -> bool:
    """Whether a JSON number's text stands for an integer: ``3.0``, ``25e-1`` no, ``1e3`` yes."""
    whole, fraction, exponent = _NUMBER.fullmatch(token).groups()  # type: ignore[union-attr]
    digits = whole + (fraction or "")
    significant = digits.rstrip("0")
    if not significant.strip("0"):
        return True  # zero, however written
    if exponent is None:
        shift = -len(fraction or "")
    elif len(exponent.lstrip("+-")) > _EXPONENT_DIGITS:
        return not exponent.startswith("-")
    else:
        shift = int(exponent) - len(fraction or "")
    return shift + len(digits) - len(significant) >= 0


def _token(token: str) -> str:
    return token if len(token) <= SHOWN else f"{token[:SHOWN]}... ({len(token):,} characters)"


_DECODER = json.JSONDecoder(
    object_pairs_hook=_object, parse_constant=_reject_constant, parse_float=_float
)


@functools.cache
def orjson_module() -> ModuleType | None:
    """orjson, from the "fast" extra, when installed: imported when first needed."""
    try:
        import orjson  # noqa: PLC0415 - its import takes longer than ours
    except ImportError:  # the test extra installs it; the tests hide it too
        return None
    return orjson


#: What ``_quick`` gives when it cannot be sure.
_UNSURE: Any = object()


def _quick(data: bytes) -> Any:
    """The value orjson gives ``data``, where it is sure to be ``loads``'s; else ``_UNSURE``.

    orjson refuses what ``loads`` refuses (``NaN``, lone surrogates, bytes
    that are not UTF-8, a byte-order mark, bad syntax), but keeps the last of
    duplicate keys and turns integers past 64 bits into floats. So its value
    is taken only when orjson writes it back as ``data`` itself, byte for
    byte, leaving aside spaces when the value has none in its strings (so
    that every space in ``data`` is between tokens, as after
    ``json.dumps``'s ``,`` and ``:``). Such text is the value's own
    serialization, which any faithful parser reads as that value. A lost
    duplicate, a changed number or a rewritten escape all fail the test.
    """
    orjson = orjson_module()
    if orjson is None:
        return _UNSURE
    data = data.strip(b" \t\n\r")
    try:
        value = orjson.loads(data)
        again = orjson.dumps(value)
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        return _UNSURE
    if again == data or (b" " not in again and again == data.replace(b" ", b"")):
        return value
    return _UNSURE


def _size(text: str) -> int:
    """The size of ``text`` in UTF-8 bytes, counted only when it may matter."""
    if len(text) * 4 <= MAX_TEXT_BYTES:
        return len(text)  # at most 4 bytes a character: small enough either way
    return len(text.encode("utf-8", "surrogatepass"))


def loads(text: str | bytes) -> Any:
    r"""Parse JSON text strictly: UTF-8, no duplicate keys, no NaN or Infinity.

    ``json.loads`` keeps the last of duplicate keys and accepts ``NaN`` and
    ``Infinity``; both silently change what was sent, so both are errors
    here, as are a byte-order mark, text that is not UTF-8 (a ``str`` read
    with ``errors="surrogateescape"`` carries such bytes as lone
    surrogates, and a ``\u`` escape can make one), blank text, and text
    longer than ``MAX_TEXT_BYTES``.
    """
    if isinstance(text, bytes) and len(text) <= MAX_TEXT_BYTES:
        if _nested_too_deeply(text):
            raise JSONTextError(_TOO_DEEP)
        value = _quick(text)  # before decoding: orjson refuses what is not UTF-8
        return _strict(_unicode(text)) if value is _UNSURE else value
    text = _unicode(text)
    data = text.encode()  # _unicode has made sure that it encodes
    if _nested_too_deeply(data):
        raise JSONTextError(_TOO_DEEP)
    value = _quick(data)
    return _strict(text) if value is _UNSURE else value


_TOO_DEEP = f"JSON text nested more than {MAX_DEPTH} levels deep"


def _strict(text: str) -> Any:
    """``loads`` of UTF-8 text, by the standard library's parser."""
    try:
        if text[:1] in _WHITESPACE:
            if not text.strip(_WHITESPACE):
                raise JSONTextError("no JSON value: the text is blank")
            value = _DECODER.decode(text)
        else:
            value, end = _DECODER.raw_decode(text)
            if end != len(text) and text[end:].strip(_WHITESPACE):
                _DECODER.decode(text)  # raises, saying where the extra data starts
    except json.JSONDecodeError as error:
        raise JSONTextError(
            f"not valid JSON: {error.msg} at line {error.lineno:,} column {error.colno:,}",
            error.lineno,
        ) from None
    except RecursionError:
        raise JSONTextError("JSON text nested too deeply") from None
    except ValueError as error:
        if isinstance(error, JSONTextError):
            raise
        # an integer longer than Python converts from text (sys.get_int_max_str_digits)
        raise JSONTextError(
            f"an integer of more than {sys.get_int_max_str_digits():,} digits is not read"
        ) from None
    if "\\u" in text and _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(value):
        raise JSONTextError(
            "not UTF-8 text: a \\u escape stands for a lone surrogate, half of a UTF-16 pair"
        )
    return value


#: A ``\u`` escape of a surrogate, which is only a character as half of a pair.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_lone_surrogate(value: Any) -> bool:
    """Whether any string in a parsed JSON value, key or value, holds a lone surrogate."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str:
            if _SURROGATE.search(item):
                return True
        elif kind is dict:
            stack += item
            stack += item.values()
        elif kind is list:
            stack += item
    return False


def _unicode(text: str | bytes) -> str:
    """``text`` as a ``str`` of UTF-8 text no longer than the limit, or JSONTextError."""
    if isinstance(text, bytes):
        if len(text) > MAX_TEXT_BYTES:
            raise JSONTextError(_too_long(len(text)))
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as error:
            raise JSONTextError(f"not UTF-8 text: {error.reason} at byte {error.start:,}") from None
    elif _size(text) > MAX_TEXT_BYTES:
        raise JSONTextError(_too_long(_size(text)))
    if not text.isascii():
        if text.startswith("\ufeff"):
            raise JSONTextError("JSON text must not start with a byte-order mark")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as error:
            raise JSONTextError(
                f"not UTF-8 text: a lone surrogate or undecodable byte at character {error.start:,}"
            ) from None
    return text


def _too_long(size: int) -> str:
    # one byte past the limit is all that the command line reads of a longer text
    least = "at least " if size == MAX_TEXT_BYTES + 1 else ""
    return f"JSON text of {least}{size:,} bytes is longer than the limit of {MAX_TEXT_BYTES:,}"
