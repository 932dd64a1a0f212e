"""A questionnaire file nobody here wrote: never fetched, never run, never slow.

``blunting.load`` refuses what could reach the network, recurse without end,
or take a backtracking regular-expression engine years: each with a problem
at the JSON Pointer of what is refused (docs/vocabulary.md, section 4).
"""

from __future__ import annotations

import copy
import json
import re
import socket
import warnings
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import blunting
from blunting._schema import pattern_problem
from conftest import BUILTIN_PATH, read_json

DOCUMENT = read_json(BUILTIN_PATH)
CRYING_1 = "/properties/answers/properties/crying_1"


def _refused(change: Any) -> dict[str, str]:
    document = copy.deepcopy(DOCUMENT)
    change(document)
    with pytest.raises(blunting.InvalidQuestionnaire) as raised:
        blunting.load(document)
    return {problem.path: problem.message for problem in raised.value.problems}


def _question(document: dict[str, Any]) -> dict[str, Any]:
    question: dict[str, Any] = document["properties"]["answers"]["properties"]["crying_1"]
    return question


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        pytest.fail(f"a connection was attempted: {args} {kwargs}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize(
    "reference",
    [
        "http://localhost:1/elsewhere.json",
        "https://example.org/schema.json#/$defs/x",
        "file:///etc/passwd",
        "//example.org/x.json",
        "https://json-schema.org/draft/2019-09/schema",
    ],
)
def test_a_reference_outside_is_a_problem_not_a_download(reference: str) -> None:
    problems = _refused(lambda d: _question(d).__setitem__("$ref", reference))
    assert problems == {
        f"{CRYING_1}/$ref": f'"{reference}" does not resolve here (nothing is fetched)'
    }


@pytest.mark.usefixtures("no_network")
def test_an_id_or_a_uri_elsewhere_is_never_fetched(tmp_path: Any) -> None:
    document = copy.deepcopy(DOCUMENT)
    document["$id"] = "http://localhost:1/questionnaire.json"
    assert blunting.load(document).id == "blunting"
    with pytest.raises(blunting.UnknownQuestionnaire, match="nothing is fetched"):
        blunting.load("http://localhost:1/questionnaire.json")
    path = tmp_path / "q.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert blunting.load(path).id == "blunting"


def _defs_and_ref(document: dict[str, Any], defs: dict[str, Any], reference: str) -> None:
    document["$defs"] = defs
    _question(document)["$ref"] = reference


@pytest.mark.parametrize(
    ("change", "place"),
    [
        pytest.param(
            lambda d: _defs_and_ref(d, {"a": {"$ref": "#/$defs/a"}}, "#/$defs/a"),
            "/$defs/a/$ref",
            id="a reference to itself",
        ),
        pytest.param(
            lambda d: _defs_and_ref(
                d,
                {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}},
                "#/$defs/a",
            ),
            "/$defs/b/allOf/0/$ref",
            id="two references round in a circle",
        ),
        pytest.param(
            lambda d: _question(d).__setitem__("$ref", "#"),
            f"{CRYING_1}/$ref",
            id="a reference to the whole document",
        ),
        pytest.param(
            lambda d: _question(d).__setitem__("$ref", "#/properties/answers"),
            f"{CRYING_1}/$ref",
            id="a reference to what holds it",
        ),
    ],
)
def test_recursive_references_are_refused(change: Any, place: str) -> None:
    problems = _refused(change)
    assert "leads back to itself" in problems[place]


def test_a_reference_that_leads_elsewhere_in_the_document_is_fine() -> None:
    document = copy.deepcopy(DOCUMENT)
    document["$defs"] = {"scale": {"minimum": 0}, "alias": {"$ref": "#/$defs/scale"}}
    _question(document)["$ref"] = "#/$defs/alias"
    assert blunting.load(document).score({**_payload(), "answers": {"crying_1": 2}})


def _payload() -> dict[str, Any]:
    return {"questionnaire": "blunting", "version": "1.1.0", "answers": {}}


@pytest.mark.parametrize("keyword", ["$dynamicRef", "$recursiveRef"])
def test_dynamic_references_are_refused(keyword: str) -> None:
    problems = _refused(lambda d: _question(d).__setitem__(keyword, "#meta"))
    assert f"{CRYING_1}/{keyword}" in problems


#: Patterns that a backtracking engine can take years over, or that languages read differently.
REFUSED_PATTERNS = {
    "^(a+)+$": "grows exponentially",
    "^(a+)+(?![\\s\\S])": "grows exponentially",
    "^(a|aa)+(?![\\s\\S])": "grows exponentially",
    "^(?:[a-z]+[0-9]*)*(?![\\s\\S])": "grows exponentially",
    "^[a-z]*[a-z]*!": "grows as a power",
    "^a{0,1000}b{0,1000}c{0,1000}": "more than 1,000,000 ways",
    "a+b": "must start with ^",
    "^a|b+": "lets what follows it match anywhere",
    "^[0-9]+$": "$ also matches before a final newline",
    "^\\d+(?![\\s\\S])": "\\d means different characters",
    "^\\w+": "\\w means different characters",
    "^\\s": "\\s means different characters",
    "^a.b": ". matches different characters",
    "^(?<=a)b": "look-behinds",
    "^(?i)abc": "flags",
    "^(?P<x>a)": "named",
    "^(a)\\1": "not read alike",
    "^\\p{L}": "not read alike",
    "^a{2,1}": "wrong way round",
    "^a{1001}": "at most 1,000",
    "^a{": "must be escaped",
    "^a**": "cannot itself repeat",
    "^a*+": "cannot itself repeat",
    "^[a--z]": "set operation",
    "^[[a]]": "set operation",
    "^[]a]": "empty class",
    "^(?=a)*b": "look-ahead cannot repeat",
    "^\\u12": "4 hexadecimal digits",
    "^(ab": "not closed",
    "^[ab": "not closed",
    "^ab)": "closes nothing",
}


@pytest.mark.parametrize(("pattern", "reason"), REFUSED_PATTERNS.items())
def test_dangerous_or_unportable_patterns_are_refused(pattern: str, reason: str) -> None:
    problem = pattern_problem(pattern)
    assert problem is not None
    assert reason in problem
    problems = _refused(lambda d: d["properties"]["respondent"].__setitem__("pattern", pattern))
    message = problems["/properties/respondent/pattern"]
    assert reason in message or message.endswith("is not a 'regex'")  # Python cannot compile it


def test_pattern_properties_names_are_patterns_too() -> None:
    problems = _refused(
        lambda d: d["properties"]["answers"].__setitem__(
            "patternProperties", {"^(x+)+": {"type": "null"}}
        )
    )
    assert "grows exponentially" in problems["/properties/answers/patternProperties/^(x+)+"]


ACCEPTED_PATTERNS = [
    "^[a-z][a-z0-9_]{0,63}(?![\\s\\S])",
    "^(?:0|[1-9][0-9]{0,8})\\.(?:0|[1-9][0-9]{0,8})(?![\\s\\S])",
    "^(?!0000)[0-9]{4}-[0-9]{2}(?:\\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})(?![\\s\\S])",
    "^[^\\]\\\\]*(?![\\s\\S])",
    "^(?:ab)*c",
    "^\\u00e9\\x41\\/\\.\\n[\\-_]",
    "^[\\s\\S]{1,128}(?![\\s\\S])",
]


@pytest.mark.parametrize("pattern", ACCEPTED_PATTERNS)
def test_patterns_in_the_common_subset_are_used(pattern: str) -> None:
    assert pattern_problem(pattern) is None
    document = copy.deepcopy(DOCUMENT)
    document["properties"]["respondent"]["pattern"] = pattern
    blunting.load(document)


#: The pieces patterns are made of, dangerous and safe.
PIECES = st.sampled_from(
    [
        *("^", "a", "b", "[a-z]", "[^a]", "[\\s\\S]", "(", "(?:", "(?=", "(?!", ")", "|"),
        *("*", "+", "?", "{2}", "{1,3}", "{2,}", "\\.", "\\d", ".", "$", "\\", "[", "]"),
        *("{", "-", "(?![\\s\\S])"),
    ]
)


@given(pieces=st.lists(PIECES, max_size=12), subject=st.text("ab-.\n", max_size=40))
def test_an_accepted_pattern_compiles_and_matches_without_complaint(
    pieces: list[str], subject: str
) -> None:
    pattern = "".join(pieces)
    if pattern_problem(pattern) is not None:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compiled = re.compile(pattern)
    compiled.search(subject)
    assert pattern.startswith("^")
    assert "$" not in pattern.replace("\\$", "")


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [("^a{12345}", "at most 1,000"), ("^a{0,99999}", "at most 1,000"), ("^a{2,}?b*", "open-ended")],
)
def test_repetition_bounds(pattern: str, reason: str) -> None:
    assert reason in (pattern_problem(pattern) or "")


def test_lazy_repetitions_are_read_alike() -> None:
    assert pattern_problem("^a{1,3}?b+?c??(?![\\s\\S])") is None


def test_a_pattern_that_is_not_a_string_is_a_problem_of_the_meta_schema() -> None:
    problems = _refused(lambda d: d["properties"]["respondent"].__setitem__("pattern", 3))
    assert "/properties/respondent/pattern" in problems
