"""The compiled verdict runs once per payload, on every path: valid, invalid and undecided.

A payload that fails is explained by jsonschema after the one verdict, never
after a second or third; a valid one is scored after it.
"""

from __future__ import annotations

import contextlib
import enum
import io
import json
from typing import TYPE_CHECKING, Any

import pytest

import blunting
from blunting import fhir, redcap
from blunting._cli import _batch
from conftest import ROOT
from redcap_export import export, record

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

BUILTIN = blunting.questionnaire()
EXAMPLE = json.loads((ROOT / "examples" / "complete.json").read_text())


class Answer(enum.IntEnum):
    """Not a JSON type: the compiled verdict leaves it to jsonschema, which accepts it."""

    SOME = 2


#: Payloads by the path they take through the checker.
PAYLOADS = {
    "valid": EXAMPLE,
    "invalid": {**EXAMPLE, "answers": {"crying_1": 9}},
    "undecided, valid": {**EXAMPLE, "answers": {"crying_1": Answer.SOME}},
    "undecided, invalid": {**EXAMPLE, "answers": {"crying_1": (2,)}},
    "not an object": [EXAMPLE],
    "past a limit": {**EXAMPLE, "extra": list(range(2_000))},
}


@pytest.fixture
def verdicts(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every payload the built-in questionnaire's compiled verdict is asked about."""
    asked: list[object] = []
    checker = BUILTIN._checker  # noqa: SLF001 - the checker under test
    verdict = checker.verdict

    def counted(payload: object) -> bool | None:
        asked.append(payload)
        return verdict(payload)

    monkeypatch.setattr(checker, "verdict", counted)
    return asked


def _quietly(call: Callable[[], object]) -> None:
    with contextlib.suppress(blunting.InvalidResponse):
        call()


CALLS: dict[str, Callable[[Any], object]] = {
    "blunting.score": blunting.score,
    "blunting.validate": blunting.validate,
    "Questionnaire.score": BUILTIN.score,
    "Questionnaire.validate": BUILTIN.validate,
    "Questionnaire.problems": BUILTIN.problems,
    "score_stream": lambda payload: list(blunting.score_stream([payload])),
    "the command line's JSON": _batch.TASKS["jsonl"].make,
    "the command line's CSV": _batch.TASKS["csv"].make,
    "fhir.to_questionnaire_response": fhir.to_questionnaire_response,
}


@pytest.mark.parametrize("path", PAYLOADS)
@pytest.mark.parametrize("call", CALLS)
def test_each_call_asks_the_verdict_once(verdicts: list[object], call: str, path: str) -> None:
    payload = PAYLOADS[path]
    _quietly(lambda: CALLS[call](payload))
    if isinstance(payload, list) and not call.startswith("Questionnaire."):
        assert verdicts == []  # names no questionnaire: refused before any is asked
    else:
        assert verdicts == [payload]


def test_a_fhir_response_read_in_asks_the_verdict_once(verdicts: list[object]) -> None:
    resource = fhir.to_questionnaire_response(EXAMPLE)
    verdicts.clear()
    assert fhir.from_questionnaire_response(resource) == EXAMPLE
    assert len(verdicts) == 1


def test_each_row_of_a_redcap_export_asks_the_verdict_once(verdicts: list[object]) -> None:
    rows = [record(BUILTIN, EXAMPLE), {**record(BUILTIN, EXAMPLE), "crying_1": "9"}]
    results = list(redcap.from_redcap_export(io.StringIO(export(BUILTIN, rows), newline="")))
    assert [type(result) for result in results] == [dict, blunting.Rejection]
    assert len(verdicts) == 2


def test_a_loaded_questionnaire_asks_its_own_verdict_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from blunting._schema._keywords import compile_checker  # noqa: PLC0415

    asked: list[object] = []

    def counting(*args: Any, **kwargs: Any) -> Callable[[object], bool | None]:
        verdict = compile_checker(*args, **kwargs)

        def counted(payload: object) -> bool | None:
            asked.append(payload)
            return verdict(payload)

        return counted

    monkeypatch.setattr("blunting._schema._checker.compile_checker", counting)
    mini = blunting.load(ROOT / "conformance" / "questionnaires" / "mini.json")
    asked.clear()  # building it checked the defaults
    for payload in (
        {"questionnaire": "mini", "version": "0.1.0", "answers": {"a1": 1}},
        {"questionnaire": "mini", "version": "0.1.0", "answers": {"a1": 9}},
    ):
        _quietly(lambda payload=payload: mini.score(payload))  # type: ignore[misc]
        assert asked == [payload]
        asked.clear()


@pytest.mark.parametrize("task", ["jsonl", "csv"])
def test_the_command_line_checks_each_row_of_a_redcap_export_once(
    verdicts: list[object], task: str, tmp_path: Path
) -> None:
    from blunting._cli._inputs import Source  # noqa: PLC0415

    rows = [record(BUILTIN, EXAMPLE), {**record(BUILTIN, EXAMPLE), "crying_1": "9"}]
    path = tmp_path / "export.csv"
    path.write_text(export(BUILTIN, rows), encoding="utf-8")
    (done,) = _batch.redcap_handled(task, Source(str(path)))
    assert (done.accepted, done.rejected) == (1, 1)
    assert len(verdicts) == 2  # once a row, by the reader; not again to score it
