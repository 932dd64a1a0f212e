"""A pattern's RE2 form, and a schema's rules for the strings at a place, say what the checker says.

Arrow checks a table's strings with RE2, which has no look-ahead. Each
pattern's RE2 parts must match exactly the strings that Python's ``re`` (the
checker's engine) finds, and ``string_rules`` must say "valid" of exactly the
strings the questionnaire's own checker accepts there.
"""

from __future__ import annotations

import copy
import functools
import re
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import blunting
from blunting._schema import pattern_problem, string_rules
from blunting._schema._patterns import re2_parts
from blunting._tables._core import _strings_ok
from conftest import BUILTIN_PATH, read_json

DOCUMENT = read_json(BUILTIN_PATH)

#: The pieces of patterns in the common subset, look-aheads in every place.
PIECES = st.sampled_from(
    [
        *("a", "b", "0", "[a-z]", "[^a]", "[\\s\\S]", "(", "(?:", "(?=", "(?!", ")", "|"),
        *("*", "+", "?", "{2}", "{1,3}", "\\.", "\\u00e9", "\\x41", "[\\u0041-\\u005a]"),
        *("(?![\\s\\S])", "\\(", "\\)", "\\n", "[\\\\u0041]", "[x\\u0041\\]]"),
    ]
)
SUBJECTS = st.text(alphabet="abAZ0.\né()\u2028 \\u41x{}]", max_size=12)


def _re2_says(parts: tuple[tuple[str, bool], ...], subjects: list[str]) -> list[bool]:
    column = pa.array(subjects, pa.string())
    verdict = pa.array([True] * len(subjects))
    for part, holds in parts:
        found = pc.match_substring_regex(column, part)
        verdict = pc.and_(verdict, found if holds else pc.invert(found))
    said: list[bool] = verdict.to_pylist()
    return said


@given(pieces=st.lists(PIECES, max_size=10), subjects=st.lists(SUBJECTS, min_size=1, max_size=8))
@example(pieces=["(?!", "0", "0", ")", "[a-z]", "(?![\\s\\S])"], subjects=["00a", "a", "ab", "0a"])
@example(pieces=["(?!", "a", "|", "b", ")", "[\\s\\S]"], subjects=["a", "b", "c"])
@example(pieces=["(?=", "a", ")", "[a-z]", "+", "(?![\\s\\S])"], subjects=["ab", "ba", "a\n"])
@example(pieces=["[\\\\u0041]", "+", "(?![\\s\\S])"], subjects=["x{}", "u41", "\\", "A"])
def test_re2_parts_match_what_the_pattern_matches(pieces: list[str], subjects: list[str]) -> None:
    pattern = "^" + "".join(pieces)
    if pattern_problem(pattern) is not None:
        return
    parts = re2_parts(pattern)
    if parts is None:  # a look-ahead that RE2 cannot say
        assert "(?=" in pattern or "(?!" in pattern.replace("(?![\\s\\S])", "")
        return
    expected = [re.search(pattern, s) is not None for s in subjects]
    assert _re2_says(parts, subjects) == expected


def test_the_date_times_pattern_has_an_re2_form() -> None:
    parts = re2_parts(DOCUMENT["properties"]["completed"]["pattern"])
    assert parts is not None
    assert parts[0] == ("^(?:0000)", False)
    assert parts[-1][0].endswith("\\z")


@functools.cache
def _with_respondent(index: int) -> blunting.Questionnaire:
    document = copy.deepcopy(DOCUMENT)
    document["properties"]["respondent"] = RESPONDENT_SCHEMAS[index]
    return blunting.load(document)


RESPONDENT_SCHEMAS = [
    {"type": "string"},
    {"type": "string", "minLength": 2, "maxLength": 3},
    {"type": "string", "pattern": "^(?!0)[a-z0-9é]{1,4}(?![\\s\\S])", "title": "id"},
    {"type": "string", "format": "date-time"},
    {"type": "string", "format": "date-time", "maxLength": 25, "x-note": "kept"},
    DOCUMENT["properties"]["completed"],
]

DATE_TIMES = st.builds(
    lambda y, m, d, rest: f"{y}-{m}-{d}{rest}",
    st.sampled_from(["0000", "0001", "1900", "2000", "2023", "2024", "99999", "2x24"]),
    st.sampled_from(["01", "02", "12", "13", "00", "2"]),
    st.sampled_from(["01", "28", "29", "30", "31", "32", "00"]),
    st.sampled_from(
        [
            "T10:00:00Z",
            "t23:59:59.5+01:00",
            "T24:00:00Z",
            "T10:00:60Z",
            "T10:00:00",
            "T10:00:00+24:00",
            "T10:00:00z\n",
            " 10:00:00Z",
            "T10:00:00.Z",
        ]
    ),
)


@pytest.mark.parametrize("index", range(len(RESPONDENT_SCHEMAS)))
@given(values=st.lists(DATE_TIMES | SUBJECTS | st.text(max_size=30), min_size=1, max_size=10))
def test_string_rules_say_what_the_checker_says(index: int, values: list[str]) -> None:
    q = _with_respondent(index)
    rules = string_rules(q.schema, ("respondent",))
    assert rules is not None
    checked = _strings_ok(pa.array(values, pa.string()), rules).tolist()
    expected = [
        not any(p.path == "/respondent" for p in q.problems({**_payload(), "respondent": value}))
        for value in values
    ]
    assert checked == expected


def _payload() -> dict[str, Any]:
    return {"questionnaire": "blunting", "version": DOCUMENT["properties"]["version"]["const"]}


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("respondent", {"type": ["string", "null"]}),
        ("respondent", {"enum": ["a", "b"]}),
        ("respondent", {"format": "email"}),
        ("respondent", {"pattern": "^a(?=b)b"}),
        ("respondent", {"allOf": [{"maxLength": 3}]}),
        ("", {"allOf": [{"properties": {"respondent": {"maxLength": 3}}}]}),
        ("", {"dependentSchemas": {"completed": {"required": ["respondent"]}}}),
    ],
)
def test_a_schema_that_could_say_more_has_no_string_rules(
    where: str, change: dict[str, Any]
) -> None:
    document = copy.deepcopy(DOCUMENT)
    place = document["properties"][where] if where else document
    place.update(change)
    assert string_rules(document, ("respondent",)) is None
    assert string_rules(DOCUMENT, ("respondent",)) is not None


def test_no_string_rules_where_no_string_is_described() -> None:
    assert string_rules(DOCUMENT, ("questionnaire",)) is None  # a const
    assert string_rules(DOCUMENT, ("nowhere",)) is None
    assert string_rules(DOCUMENT, ("respondent", "deeper")) is None
