"""Runs the conformance suite (conformance/): each case becomes one test.

The suite is data, in a form any language can read (conformance/README.md);
this runner is what another implementation would write to prove that it
validates and scores the same.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import pytest
from jsonschema import Draft202012Validator

import blunting
from conformance_suite import CASE_SCHEMA, FILES, SUITE, cases, load

if TYPE_CHECKING:
    from pathlib import Path


def test_the_suite_has_every_file() -> None:
    assert [path.name for path in FILES] == [
        "blunting-1.0.0-json-text.json",
        "blunting-1.0.0-scoring.json",
        "blunting-1.0.0-validation.json",
        "blunting-1.1.0.json",
        "mini-0.1.0.json",
    ]


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_case_file_is_valid(path: Path) -> None:
    Draft202012Validator(CASE_SCHEMA).validate(json.loads(path.read_text(encoding="utf-8")))


def _result(q: blunting.Questionnaire, case: dict[str, Any]) -> blunting.Score | blunting.Rejection:
    if "text" in case:
        (result,) = blunting.score_stream([case["text"].encode()], questionnaire=q)
        return result
    payload = case["payload"]
    try:
        return q.score(payload)
    except blunting.InvalidResponse as error:
        return blunting.Rejection(0, error.problems)


@pytest.mark.parametrize(("questionnaire", "case"), cases())
def test_case(questionnaire: Path, case: dict[str, Any]) -> None:
    q = load(questionnaire)
    result = _result(q, case)
    if case["valid"]:
        assert isinstance(result, blunting.Score), result
        scored = result.to_dict()
        for member, expected in case["score"].items():
            assert scored[member] == expected, member
    else:
        assert isinstance(result, blunting.Rejection), result
        assert sorted({p.path for p in result.problems}) == sorted(case["problems"])
    if "payload" in case:
        assert (not q.problems(case["payload"])) == case["valid"]


def test_the_suites_readme_counts_its_cases() -> None:
    readme = (SUITE / "README.md").read_text(encoding="utf-8")
    counted = dict(
        re.findall(r"^\| `([^`]+\.json)` \| [^|]+ \| ([0-9]+) \|$", readme, re.MULTILINE)
    )
    assert counted == {
        path.name: str(len(json.loads(path.read_text(encoding="utf-8"))["cases"])) for path in FILES
    }
