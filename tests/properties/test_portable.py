"""The schemas mean the same in every language: three validators nobody here wrote agree.

Every payload case of the conformance suite, and payloads mutated with values
at the edges of JSON Schema's types and formats, get the same verdict from:

- jsonschema (Python), with its format checker on;
- jsonschema-rs (Rust, from the package registry), with formats validated;
- Ajv (JavaScript, tests/external/ajv/), in strict mode, with ajv-formats and the
  vocabulary's annotation keyword declared;

and from blunting itself. The questionnaires get the same verdict from the
vocabulary's meta-schema under all three.
"""

from __future__ import annotations

import functools
import json
import math
from typing import TYPE_CHECKING, Any

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

import blunting
from conformance_suite import cases, load
from conftest import BUILTIN_PATH, MINI_PATH, ROOT, NodeScript, node_for, read_json
from strategies import mutated

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

AJV = ROOT / "tests" / "external" / "ajv"
SCHEMAS = ROOT / "schemas"
META = read_json(SCHEMAS / "vocabulary" / "1" / "meta.json")
SCORE = read_json(SCHEMAS / "vocabulary" / "1" / "score.json")
QUESTIONNAIRES = {
    "builtin": BUILTIN_PATH,
    "builtin 1.0.0": SCHEMAS / "blunting" / "1.0.0" / "questionnaire.json",
    "mini": MINI_PATH,
}
#: Examples per property: a few hundred, more under a longer profile.
EXAMPLES = max(300, settings().max_examples)


class Ajv(NodeScript):
    """Ajv in one Node.js process, asked an instance at a time (tests/external/ajv/verdicts.mjs)."""

    def __init__(self, node: str, schemas: list[Any]) -> None:
        super().__init__(node, AJV / "verdicts.mjs", schemas)

    def is_valid(self, schema_id: str, instance: object) -> bool:
        valid, _ = self.ask([schema_id, instance])
        return bool(valid)


@pytest.fixture(scope="session")
def ajv() -> Iterator[Ajv]:
    node = node_for(AJV, "Ajv")
    schemas = [META, SCORE, *(read_json(path) for path in QUESTIONNAIRES.values())]
    validator = Ajv(node, schemas)
    yield validator
    validator.close()


def _registry() -> Registry[Any]:
    return Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema, DRAFT202012)) for schema in (META, SCORE)
    )


class Verdicts:
    """The verdicts of jsonschema, jsonschema-rs and Ajv on one schema."""

    def __init__(self, schema: dict[str, Any], ajv: Ajv) -> None:
        self._id = schema["$id"]
        self._python = Draft202012Validator(
            schema,
            registry=_registry(),
            format_checker=Draft202012Validator.FORMAT_CHECKER,
        )
        self._rust = jsonschema_rs.Draft202012Validator(
            schema,
            validate_formats=True,
            offline=True,
            registry=jsonschema_rs.Registry([(META["$id"], META), (SCORE["$id"], SCORE)]),
        )
        self._ajv = ajv

    def of(self, instance: object) -> dict[str, bool]:
        return {
            "jsonschema": self._python.is_valid(instance),
            "jsonschema-rs": self._rust.is_valid(instance),
            "ajv": self._ajv.is_valid(self._id, instance),
        }


@functools.cache
def _verdicts(questionnaire: Path, ajv: Ajv) -> Verdicts:
    """The three validators of a questionnaire, built once."""
    return Verdicts(read_json(questionnaire), ajv)


def _is_json(value: object) -> bool:
    """Whether ``value`` can be written as JSON text (no NaN, no infinities)."""
    try:
        json.dumps(value, allow_nan=False)
    except ValueError:
        return False
    return True


def _payload_cases() -> list[Any]:
    return [case for case in cases() if "payload" in case.values[1]]


@pytest.mark.parametrize(("questionnaire", "case"), _payload_cases())
def test_three_validators_give_each_case_its_verdict(
    questionnaire: Path, case: dict[str, Any], ajv: Ajv
) -> None:
    verdicts = _verdicts(questionnaire, ajv).of(case["payload"])
    assert verdicts == dict.fromkeys(verdicts, case["valid"])


@pytest.mark.parametrize("name", QUESTIONNAIRES)
@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data())
def test_three_validators_and_blunting_agree_on_mutated_payloads(
    name: str, data: st.DataObject, ajv: Ajv
) -> None:
    path = QUESTIONNAIRES[name]
    payload = data.draw(mutated(load(path)).filter(_is_json))
    expected = not load(path).problems(payload)
    verdicts = _verdicts(path, ajv).of(payload)
    assert verdicts == dict.fromkeys(verdicts, expected)


@pytest.mark.parametrize("name", QUESTIONNAIRES)
def test_three_validators_accept_each_questionnaire_under_the_meta_schema(
    name: str, ajv: Ajv
) -> None:
    verdicts = Verdicts(META, ajv).of(read_json(QUESTIONNAIRES[name]))
    assert verdicts == dict.fromkeys(verdicts, True)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["x-scoring"].pop("domains"),
        lambda d: d["properties"]["answers"]["properties"]["crying_1"].pop("title"),
        lambda d: d["properties"]["answers"]["properties"]["crying_1"].__setitem__(
            "items", {"oneOf": [{"const": 1, "title": "one"}]}
        ),
        lambda d: d["properties"]["version"].__setitem__("const", "1.0.0\n"),
        lambda d: d["properties"]["questionnaire"].__setitem__("const", "blunting\n"),
        lambda d: d["properties"]["questionnaire"].__setitem__("const", "bl\u0131nting"),
        lambda d: d["properties"]["version"].__setitem__("const", "\u0661.0.0"),
    ],
    ids=[
        "no domains",
        "a question without text",
        "a question with options and items",
        "a version with a trailing newline",
        "an id with a trailing newline",
        "an id with a dotless i",
        "a version with an Arabic-Indic digit",
    ],
)
def test_three_validators_refuse_each_broken_questionnaire(change: Any, ajv: Ajv) -> None:
    document = read_json(QUESTIONNAIRES["builtin"])
    change(document)
    verdicts = Verdicts(META, ajv).of(document)
    assert verdicts == dict.fromkeys(verdicts, False)
    with pytest.raises(blunting.InvalidQuestionnaire):
        blunting.load(document)


def test_scores_are_valid_under_the_score_schema_in_all_three(ajv: Ajv) -> None:
    for path in sorted((ROOT / "examples").glob("*.json")):
        score = blunting.score(json.loads(path.read_text(encoding="utf-8"))).to_dict()
        verdicts = Verdicts(SCORE, ajv).of(score)
        assert verdicts == dict.fromkeys(verdicts, True), path.name


def test_python_re_traps_are_real() -> None:
    """What the schemas avoid: Python's $ matches before a final newline, \\d any digit."""
    import re  # noqa: PLC0415 - only here

    assert re.search(r"^[0-9]+$", "1\n")
    assert re.search(r"^[0-9]+(?![\s\S])", "1\n") is None
    assert re.search(r"^\d$", "\u0661")
    assert math.isnan(json.loads("NaN"))  # and json.loads takes NaN: blunting's parser does not


def test_formats_are_checked_only_when_asked_which_is_why_each_validator_is_asked() -> None:
    """The trap: with no format checker, 30 February passes; blunting always checks it."""
    schema = read_json(QUESTIONNAIRES["builtin"])
    payload = {"questionnaire": "blunting", "version": "1.1.0", "answers": {}}
    payload["completed"] = "2026-02-30T10:00:00Z"  # fits the pattern: only the format refuses it
    assert Draft202012Validator(schema, registry=_registry()).is_valid(payload)
    assert jsonschema_rs.Draft202012Validator(schema, validate_formats=False).is_valid(payload)
    assert not Draft202012Validator(
        schema, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    ).is_valid(payload)
    assert blunting.questionnaire().problems(payload)[0].keyword == "format"
