"""Arbitrary input through the whole public API: only documented exceptions escape.

Every entry point that takes input from outside (``score``, ``validate``,
``Questionnaire.problems``, ``load``, ``score_stream``, the command line's
file reader, the FHIR and REDCap readers) is handed arbitrary JSON-like
values, Python values that JSON cannot hold, and arbitrary bytes or text.
Each must return, or raise one of the library's exceptions
(``BluntingError``), never anything else.
fuzz/ holds a coverage-guided harness (atheris) for longer runs.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import blunting
from blunting import fhir, redcap
from blunting._cli import _batch, _inputs
from conftest import BUILTIN_PATH, read_json
from strategies import mutated

BUILTIN = blunting.questionnaire()
ENVELOPE = {"questionnaire": "blunting", "version": "1.0.0"}
DOCUMENT = read_json(BUILTIN_PATH)
EXAMPLES = max(300, settings().max_examples)

#: Any scalar a payload might hold, JSON or not.
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**400), max_value=10**400)
    | st.floats()
    | st.text()
    | st.sampled_from(["blunting", "1.0.0", "crying_1", "impact", "ssri", "none", ""])
)
#: Values JSON cannot hold: they too must be refused with a problem.
NOT_JSON = st.sampled_from(
    [
        *(b"bytes", (1, 2), {1, 2}, frozenset(), object(), 1j, ..., bytearray(b"3")),
        *(Decimal("NaN"), Decimal("sNaN"), Decimal(2), Decimal("1e999999")),
        *(Fraction(1, 3), Fraction(4, 2)),
    ]
)
KEYS = st.text(max_size=12) | st.sampled_from(
    ["questionnaire", "version", "answers", "context", "respondent", "completed", "crying_1"]
)


def json_like(leaves: st.SearchStrategy[Any] = SCALARS) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaves,
        lambda children: (
            st.lists(children, max_size=6) | st.dictionaries(KEYS, children, max_size=6)
        ),
        max_leaves=30,
    )


ANYTHING = json_like(SCALARS | NOT_JSON) | st.dictionaries(
    st.integers() | st.none() | KEYS, json_like(), max_size=4
)
#: Payloads that name the questionnaire, so that the checks go deep.
ENVELOPED = st.fixed_dictionaries(
    {"questionnaire": st.just("blunting"), "version": st.just("1.0.0")},
    optional={
        "answers": st.dictionaries(KEYS, json_like(SCALARS | NOT_JSON), max_size=20),
        "context": json_like(SCALARS | NOT_JSON),
        "respondent": json_like(),
        "completed": st.text() | json_like(),
    },
)
INPUTS = ANYTHING | ENVELOPED | mutated(BUILTIN)


def _only_ours(call: Any, *args: Any) -> None:
    with contextlib.suppress(blunting.BluntingError):
        call(*args)


@settings(max_examples=EXAMPLES)
@given(payload=INPUTS)
def test_score_validate_and_problems_raise_only_their_own_errors(payload: Any) -> None:
    sent = repr(payload)
    _only_ours(blunting.score, payload)
    _only_ours(blunting.validate, payload)
    _only_ours(BUILTIN.score, payload)
    assert isinstance(BUILTIN.problems(payload), tuple)
    assert repr(payload) == sent  # nothing handed in is changed


@settings(max_examples=EXAMPLES)
@given(source=st.lists(INPUTS | st.binary() | st.text(), max_size=5))
@example(source=[{"questionnaire": "blunting", "version": "1.0.0", "answers": {"crying_1": 1j}}])
@example(source=[{**ENVELOPE, "answers": {}, "context": {"impact": Decimal("sNaN")}}])
def test_score_stream_gives_one_result_per_input_whatever_it_is(source: list[Any]) -> None:
    results = list(blunting.score_stream(source))
    assert len(results) == len(source)
    assert all(isinstance(r, (blunting.Score, blunting.Rejection)) for r in results)


@settings(max_examples=EXAMPLES)
@given(data=st.binary(max_size=2000) | st.text(max_size=2000).map(str.encode))
def test_the_command_lines_reader_takes_any_bytes(data: bytes) -> None:
    for lines in (True, False, None):  # a .jsonl file, another file, standard input
        blocks = list(_inputs.read(io.BytesIO(data), "FILE", lines=lines))
        assert sum(block.size for block in blocks) == len(data)
        for task in ("validate", "jsonl", "csv"):
            for block in blocks:
                done = _batch.handle(task, block)
                assert done.accepted + done.rejected + done.blank == _inputs.expected(block)


def _spoiled(document: Any, data: st.DataObject) -> Any:
    """The questionnaire document with one to three places set to arbitrary values."""
    document = copy.deepcopy(document)
    for _ in range(data.draw(st.integers(1, 3))):
        parent: Any = None
        node, key = document, None
        while isinstance(node, (dict, list)) and node and data.draw(st.booleans()):
            key = data.draw(
                st.sampled_from(sorted(node) if isinstance(node, dict) else range(len(node)))
            )
            parent, node = node, node[key]
        if parent is None:
            return data.draw(ANYTHING)
        parent[key] = data.draw(json_like())
    return document


@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_load_raises_only_its_own_errors_and_what_it_loads_scores_safely(
    data: st.DataObject,
) -> None:
    document = _spoiled(DOCUMENT, data) if data.draw(st.booleans()) else data.draw(ANYTHING)
    try:
        q = blunting.load(document)  # type: ignore[arg-type]  # anything at all
    except blunting.BluntingError:
        return
    _only_ours(q.score, data.draw(INPUTS))


@pytest.mark.parametrize("source", [b"{}", b"\xff", "nope.json", "", 3, None, [], object()])
def test_load_of_odd_sources(source: Any) -> None:
    _only_ours(blunting.load, source)


RESPONSE = fhir.to_questionnaire_response(
    read_json(BUILTIN_PATH.parents[3] / "examples" / "complete.json")
)


@settings(max_examples=EXAMPLES)
@given(data=st.data())
@example(data=None)
def test_fhir_reading_raises_only_its_own_errors_and_gives_valid_payloads(data: Any) -> None:
    if data is None:  # a linkId that cannot be a key
        resource: Any = {**RESPONSE, "item": [{"linkId": ["domain:crying"]}]}
    elif data.draw(st.booleans()):
        resource = _spoiled(RESPONSE, data)
    else:
        resource = data.draw(INPUTS)
    sent = repr(resource)
    try:
        payload = fhir.from_questionnaire_response(resource)
    except blunting.InvalidResponse:
        pass
    else:
        blunting.validate(payload)
    _only_ours(fhir.to_questionnaire_response, resource)
    assert repr(resource) == sent


def _export(rows: list[list[str]]) -> str:
    header = ["record_id", *(i.id for i in BUILTIN.items if not i.multiple)]
    header += [f"medications___{o.value}" for o in BUILTIN.items[19].options]
    header.append("blunting_1_0_0_complete")
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue()


CELLS = st.sampled_from(["", "0", "1", "4", "9", "yes", "none", " 3", "\udcff"]) | st.text(
    max_size=5
)


@settings(max_examples=EXAMPLES)
@given(
    text=st.text()
    | st.binary().map(lambda data: data.decode("utf-8", "surrogateescape"))
    | st.lists(st.lists(CELLS, min_size=20, max_size=31)).map(_export)
)
def test_redcap_reading_gives_a_payload_or_a_rejection_a_row(text: str) -> None:
    try:
        results = list(redcap.from_redcap_export(text))
    except blunting.InvalidResponse:
        return
    for result in results:
        if isinstance(result, dict):
            blunting.validate(result)
        else:
            assert isinstance(result, blunting.Rejection)
            assert result.problems
