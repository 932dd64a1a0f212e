"""The "fast" extra: orjson, used only where its value is sure to be the standard library's."""

from __future__ import annotations

import importlib
import json
import os
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blunting._text import JSONTextError, _json

# Installed by the test extra: CI must compare the two parsers, not skip.
orjson = (
    importlib.import_module("orjson") if os.environ.get("CI") else pytest.importorskip("orjson")
)


def _exact(a: Any, b: Any) -> bool:
    """Equal, with the same types, key order and float bits."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_exact(a[key], b[key]) for key in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_exact, a, b))
    if isinstance(a, float):
        return repr(a) == repr(b)
    return bool(a == b)


NUMBER_TEXTS = st.from_regex(
    r"-?(0|[1-9][0-9]{0,24})(\.[0-9]{1,24})?([eE][+-]?[0-9]{1,3})?", fullmatch=True
)
KEYS = st.sampled_from(["a", "b", "c:", ":d", "é", "x y"])


def _values(leaves: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """JSON texts with spacing of every kind, and now and then a duplicate key."""
    spaces = st.sampled_from(["", " ", "\n", "\t ", "\r\n"])

    def objects(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        member = st.tuples(KEYS.map(json.dumps), spaces, spaces, children)
        return st.lists(member, max_size=4).map(
            lambda members: "{" + ",".join(f"{k}{s}:{t}{v}" for k, s, t, v in members) + "}"
        )

    def arrays(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.lists(children, max_size=4).map(lambda items: "[" + ", ".join(items) + "]")

    return st.recursive(leaves, lambda c: st.one_of(objects(c), arrays(c)), max_leaves=12)


LEAVES = st.one_of(
    NUMBER_TEXTS,
    st.sampled_from(["true", "false", "null", "NaN", "-Infinity", "1" * 30, "-0", "-0.0"]),
    st.text(max_size=6).map(lambda t: json.dumps(t, ensure_ascii=False)),
    st.text(max_size=6).map(json.dumps),  # with escapes
    st.sampled_from(['"a\tb"', '"\x7f"', '"\\ud800"', '"\\"', "01", "1.", ".5", "[1,]"]),
)


@given(text=_values(LEAVES) | st.text(alphabet='{}[]":,0123456789.e-+ tfnrul\\', max_size=30))
def test_orjson_is_used_only_where_it_gives_the_standard_librarys_value(text: str) -> None:
    quick = _json._quick(text.encode())  # noqa: SLF001 - the two parsers compared
    try:
        strict = _json._strict(text)  # noqa: SLF001
    except JSONTextError:
        assert quick is _json._UNSURE  # noqa: SLF001
    else:
        assert quick is _json._UNSURE or _exact(quick, strict), (quick, strict)  # noqa: SLF001


def _spoiled(data: bytes, spoil: list[tuple[int, bytes]]) -> bytes:
    """``data`` with some bytes replaced by others: a BOM, a stray byte, half a character."""
    for at, garbage in spoil:
        where = at % (len(data) + 1)
        data = data[:where] + garbage + data[where + 1 :]
    return data


@given(
    text=_values(LEAVES),
    spoil=st.lists(
        st.tuples(
            st.integers(0, 200),
            st.sampled_from([b"\xef\xbb\xbf", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\x00", b'"'])
            | st.binary(max_size=3),
        ),
        max_size=2,
    ),
)
def test_bytes_are_taken_by_orjson_only_where_they_are_valid_utf_8_json(
    text: str, spoil: list[tuple[int, bytes]]
) -> None:
    data = _spoiled(text.encode(), spoil)
    quick = _json._quick(data)  # noqa: SLF001 - before any decoding, as loads does for bytes
    try:
        strict = _json._strict(_json._unicode(data))  # noqa: SLF001
    except JSONTextError:
        assert quick is _json._UNSURE  # noqa: SLF001
    else:
        assert quick is _json._UNSURE or _exact(quick, strict), (quick, strict)  # noqa: SLF001


@given(number=NUMBER_TEXTS)
def test_numbers_parse_to_the_same_value_either_way(number: str) -> None:
    text = f'{{"n": {number}}}'
    quick = _json._quick(text.encode())  # noqa: SLF001
    try:
        strict = _json._strict(text)  # noqa: SLF001
    except JSONTextError:  # past a float, or not an integer but read as one
        assert quick is _json._UNSURE  # noqa: SLF001
        return
    try:
        written = orjson.dumps(strict["n"])
    except TypeError:  # an integer past 64 bits: orjson cannot write it
        written = None
    if written == number.encode():  # written as orjson writes it
        assert quick is not _json._UNSURE  # noqa: SLF001
    if quick is not _json._UNSURE:  # noqa: SLF001
        assert _exact(quick, strict)


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',
        '{"a" : 1, "a": 2}',  # spacing that a count of '":' would miss
        '{"a": {"b": ":", "b": ":"}}',
        '{"n": 18446744073709551616}',  # past 64 bits: orjson gives a float
        '{"n": -9223372036854775809}',
        '{"n": 1.50}',  # a number written another way
        '{"s": "\\u00e9"}',  # an escape orjson writes as the character
        '{"a":\t1}',  # spacing other than spaces
        '{"a": "b c", "d": 1}',  # a space in a string: every space may not be spacing
    ],
)
def test_what_orjson_would_change_is_left_to_the_standard_library(text: str) -> None:
    assert _json._quick(text.encode()) is _json._UNSURE  # noqa: SLF001


@pytest.mark.parametrize("separators", [(", ", ": "), (",", ":")], ids=["json.dumps", "compact"])
def test_orjson_parses_the_usual_serializations(separators: tuple[str, str]) -> None:
    payload = {"s": "a:b,c", "n": [0, -1, 2.5, None, True], "o": {"é": "x"}}
    text = json.dumps(payload, ensure_ascii=False, separators=separators)
    quick = _json._quick(text.encode())  # noqa: SLF001
    assert quick is not _json._UNSURE  # noqa: SLF001
    assert _exact(quick, payload)
