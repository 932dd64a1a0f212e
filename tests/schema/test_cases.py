"""Runs tests/schema/cases/*.json: the compiled verdict, decided, is jsonschema's, case by case.

Each file is laid out as the JSON-Schema-Test-Suite lays its files out:
``[{description, schema, tests: [{description, data, valid}]}]``. The cases
sit at the edges where a compiled comparison can be off by one (every bound,
at, below and above it) and under ``not``, where a wrong "invalid" turns into
a wrong "valid" that nothing checks again.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from blunting._schema import Checker
from blunting._schema._formats import FORMATS
from blunting._schema._keywords import compile_checker

CASES = Path(__file__).parent / "cases"


def _cases() -> list[Any]:
    found: list[Any] = []
    for path in sorted(CASES.glob("*.json")):
        for group in json.loads(path.read_text(encoding="utf-8")):
            found.extend(
                pytest.param(
                    group["schema"],
                    test["data"],
                    test["valid"],
                    id=f"{path.stem}: {group['description']}: {test['description']}",
                )
                for test in group["tests"]
            )
    return found


def test_there_are_cases() -> None:
    assert len(_cases()) > 100


@pytest.mark.parametrize(("schema", "data", "valid"), _cases())
def test_the_compiled_verdict_decides_each_case_as_jsonschema_does(
    schema: dict[str, Any],
    data: Any,
    valid: bool,  # noqa: FBT001
) -> None:
    registry: Registry[Any] = Registry().with_resource(
        "", Resource.from_contents(schema, DRAFT202012)
    )
    verdict = compile_checker(
        schema,
        registry.resolver(),
        Draft202012Validator.VALIDATORS,
        FORMATS.checkers,
        strict=True,
    )
    assert Draft202012Validator(schema, format_checker=FORMATS).is_valid(data) is valid
    assert verdict(data) is valid  # decided, and right
    assert (Checker(schema, registry).problems(data) == ()) is valid
