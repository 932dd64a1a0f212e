"""The conformance suite (conformance/), read once: its files, and each case as a test parameter.

Shared by tests/api/test_conformance.py, which runs every case, and the tests
that give the same cases to other validators and converters.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

import pytest

import blunting
from conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path

SUITE = ROOT / "conformance"
CASE_SCHEMA = json.loads((SUITE / "case-file.schema.json").read_text(encoding="utf-8"))
FILES = sorted(path for path in SUITE.glob("*.json") if path.name != "case-file.schema.json")


def cases() -> list[Any]:
    """Every case of the suite, as ``(questionnaire path, case)``, with its file and description."""
    params: list[Any] = []
    for path in FILES:
        document = json.loads(path.read_text(encoding="utf-8"))
        questionnaire = (path.parent / document["questionnaire"]).resolve()
        params.extend(
            pytest.param(questionnaire, case, id=f"{path.stem}: {case['description']}")
            for case in document["cases"]
        )
    return params


@functools.cache
def load(questionnaire: Path) -> blunting.Questionnaire:
    return blunting.load(questionnaire)
