"""Strict JSON text, and short descriptions of values in messages."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from blunting._text import MAX_DEPTH, MAX_TEXT_BYTES, JSONTextError, describe, loads

#: Every test here runs with the "fast" extra's parser and without it.
pytestmark = pytest.mark.usefixtures("fast_extra")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1, "a": 2}', "duplicate key"),
        ('{"a": {"b": 1, "b": 1}}', "duplicate key"),
        ("[NaN]", "NaN is not a JSON number"),
        ("[Infinity]", "Infinity"),
        ("[-Infinity]", "-Infinity"),
        ("\ufeff{}", "byte-order mark"),
        (b"\xef\xbb\xbf{}", "byte-order mark"),
        (b'{"a": "\xff"}', "not UTF-8"),
        ("{", "not valid JSON"),
        ("", "no JSON value: the text is blank"),
        (" \t\r\n", "no JSON value: the text is blank"),
        ("[" * 100_000 + "]" * 100_000, "nested more than 64 levels deep"),
        ('{"a":' * 65 + "1" + "}" * 65, "nested more than 64 levels deep"),
        ("[" * 100_000, "nested too deeply"),  # not balanced: the parser's own limit
        ("1" * 5000, "an integer of more than 4,300 digits is not read"),
        ('{"a": "\\ud800"}', "lone surrogate"),
        ('{"\\uDC00": 1}', "lone surrogate"),
        (' ["x", {"b": ["\\udbff"]}]', "lone surrogate"),
        ('"\\ude00\\ud83d"', "lone surrogate"),  # a pair the wrong way round
    ],
)
def test_loose_json_is_rejected(text: str | bytes, message: str) -> None:
    with pytest.raises(JSONTextError, match=message):
        loads(text)


def _nested(kinds: list[bool], inner: str) -> str:
    """Arrays (True) and objects (False) nested in the order of ``kinds``, around ``inner``."""
    opened = "".join("[" if kind else '{"[{": ' for kind in kinds)
    return opened + inner + "".join("]" if kind else "}" for kind in reversed(kinds))


@given(
    kinds=st.lists(st.booleans(), min_size=MAX_DEPTH - 2, max_size=2 * MAX_DEPTH + 2),
    inner=st.sampled_from(["1", "[]", "{}", '"]}]}"', '"\\\\"']),
)
@example(kinds=[True] * (MAX_DEPTH + 1), inner="1")
@example(kinds=[False] * (MAX_DEPTH + 1), inner="1")
@example(kinds=[i % 2 == 0 for i in range(MAX_DEPTH + 1)], inner="1")
@example(kinds=[i % 2 == 0 for i in range(2 * MAX_DEPTH)], inner="1")
@example(kinds=[i % 2 == 1 for i in range(MAX_DEPTH)], inner="1")
def test_text_is_refused_when_more_than_max_depth_arrays_and_objects_are_open_at_once(
    kinds: list[bool], inner: str
) -> None:
    text = _nested(kinds, inner)
    depth = len(kinds) + (inner in {"[]", "{}"})  # brackets in a string are not levels
    if depth > MAX_DEPTH:
        with pytest.raises(JSONTextError, match=f"nested more than {MAX_DEPTH} levels deep"):
            loads(text)
    else:
        assert loads(text) is not None


def test_strict_json_still_parses_json() -> None:
    assert loads(b'{"a": [1, 2.5, null, true, "\xc3\xa9"]}') == {"a": [1, 2.5, None, True, "é"]}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('"\\ud83d\\ude00"', "\U0001f600"),  # a surrogate pair: one character
        ('"\\\\ud800"', "\\ud800"),  # an escaped backslash, then letters
        ('{"\\u00e9": "\\uD83D\\uDE00"}', {"é": "\U0001f600"}),
    ],
)
def test_escapes_that_make_characters_are_fine(text: str, value: object) -> None:
    assert loads(text) == value


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (True, "true"),
        (False, "false"),
        (3, "3"),
        (10**100, "an integer of about 101 digits"),
        (2.5, "2.5"),
        ("ab", '"ab"'),
        ("x" * 100, '"' + "x" * 60 + '..." (100 characters)'),
        ({}, "an object of 0 members"),
        ([1], "an array of 1 item"),
        ({1, 2}, "a set, which is not a JSON value"),
    ],
)
def test_describe(value: object, text: str) -> None:
    assert describe(value) == text


@pytest.mark.parametrize(
    ("text", "value"),
    [(" {}", {}), ("\t[1] \r\n", [1]), ("{} \n", {}), ('"ünïcode"', "ünïcode")],
)
def test_whitespace_around_a_value_is_fine(text: str, value: object) -> None:
    assert loads(text) == value


@pytest.mark.parametrize("text", ["{} x", "[1] [2]", " {} x"])
def test_extra_data_after_the_value_is_rejected(text: str) -> None:
    with pytest.raises(JSONTextError, match="Extra data"):
        loads(text)


@pytest.mark.parametrize("size", [MAX_TEXT_BYTES + 1])
def test_text_longer_than_the_limit_is_refused_before_parsing(size: int) -> None:
    for text in (
        b"[" + b" " * (size - 2) + b"]",
        "[" + " " * (size - 2) + "]",
        "é" * (size // 2 + 1),
    ):
        with pytest.raises(JSONTextError, match="longer than the limit"):
            loads(text)
    assert loads("[" + " " * (MAX_TEXT_BYTES - 2) + "]") == []
