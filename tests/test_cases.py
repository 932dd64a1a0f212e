"""Runs the JSON case files in tests/cases/: each case becomes one test."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import blunting
from conftest import ROOT

CASES = Path(__file__).parent / "cases"
CASE_SCHEMA = json.loads((CASES / "case-file.schema.json").read_text(encoding="utf-8"))
FILES = sorted(path for path in CASES.glob("*.json") if path.name != "case-file.schema.json")


def _cases() -> list[Any]:
    params: list[Any] = []
    for path in FILES:
        document = json.loads(path.read_text(encoding="utf-8"))
        params.extend(
            pytest.param(document["questionnaire"], case, id=f"{path.stem}: {case['description']}")
            for case in document["cases"]
        )
    return params


@functools.cache
def _load(questionnaire: str) -> blunting.Questionnaire:
    return blunting.load(ROOT / questionnaire)


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_case_file_is_valid(path: Path) -> None:
    Draft202012Validator(CASE_SCHEMA).validate(json.loads(path.read_text(encoding="utf-8")))


@pytest.mark.parametrize(("questionnaire", "case"), _cases())
def test_case(questionnaire: str, case: dict[str, Any]) -> None:
    q = _load(questionnaire)
    payload = case["payload"]
    problems = q.problems(payload)
    assert (not problems) == case["valid"], problems
    if case["valid"]:
        result = q.score(payload).to_dict()
        for member, expected in case["score"].items():
            assert result[member] == expected, member
    else:
        assert sorted({p.path for p in problems}) == sorted(case["problems"])
        with pytest.raises(blunting.InvalidResponse):
            q.score(payload)
