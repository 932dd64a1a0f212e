"""The model answers what forms and converters ask, without their reading the schema."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given

import blunting
from conftest import BUILTIN_PATH, MINI_PATH, read_json
from strategies import payloads

BUILTIN = blunting.questionnaire()
MINI_DOCUMENT = read_json(MINI_PATH)


def test_items_know_their_group() -> None:
    assert [item.group for item in BUILTIN.items] == ["answers"] * 18 + ["context"] * 4
    assert BUILTIN.context_title == "About you and your medicine"


def _exclusive(q: blunting.Questionnaire, item_id: str) -> list[object]:
    (item,) = [item for item in q.items if item.id == item_id]
    return [option.value for option in item.options if option.exclusive]


def test_options_that_stand_alone_are_exclusive() -> None:
    # null, worded by the key's null_title, is a whole answer: it stands alone
    assert _exclusive(BUILTIN, "medications") == ["none", "unknown", None]
    old = blunting.questionnaire("1.0.0")
    assert _exclusive(old, "medications") == ["none", "unknown"]
    single = [o for item in BUILTIN.items if not item.multiple for o in item.options]
    assert single
    assert not any(option.exclusive for option in single)


def test_exclusive_options_come_from_what_the_schema_means() -> None:
    document = read_json(BUILTIN_PATH)
    medications = document["properties"]["context"]["properties"]["medications"]
    del medications["if"], medications["then"]
    assert _exclusive(blunting.load(document), "medications") == [None]  # no rule: only null alone
    # the same rule for one option, said another way
    medications["not"] = {"type": "array", "minItems": 2, "contains": {"const": "unknown"}}
    assert _exclusive(blunting.load(document), "medications") == ["unknown", None]
    # an option that may not come first is not alone: it may come second
    medications["not"] = {"type": "array", "prefixItems": [{"const": "other"}], "minItems": 2}
    assert _exclusive(blunting.load(document), "medications") == [None]


def test_exclusive_options_of_a_document_whose_id_ends_in_an_empty_fragment() -> None:
    document = read_json(BUILTIN_PATH)
    document["$id"] += "#"  # allowed by Draft 2020-12
    assert _exclusive(blunting.load(document), "medications") == ["none", "unknown", None]


def test_nullable_and_required_come_from_the_schema() -> None:
    document = copy.deepcopy(MINI_DOCUMENT)
    answers = document["properties"]["answers"]
    answers["required"] = ["a1"]
    answers["properties"]["a2"]["type"] = "integer"
    a2 = answers["properties"]["a2"]
    a2["oneOf"] = [option for option in a2["oneOf"] if option["const"] is not None]
    a2.pop("default", None)  # a default of null would not be a valid answer
    assert "title" not in document["properties"]["context"]
    q = blunting.load(document)
    by_id = {item.id: item for item in q.items}
    assert (by_id["a1"].required, by_id["a1"].nullable) == (True, True)
    assert (by_id["a2"].required, by_id["a2"].nullable) == (False, False)
    assert by_id["mood"].group == "context"
    assert q.context_title == "Context"  # a group without a title


def test_medications_may_be_null_though_its_options_are_not() -> None:
    old = blunting.questionnaire("1.0.0")
    medications = next(item for item in old.items if item.id == "medications")
    assert medications.multiple
    assert all(option.value is not None for option in medications.options)
    assert medications.nullable  # "type": ["array", "null"]


def test_null_is_worded_by_the_key_where_a_question_cannot_list_it() -> None:
    medications = next(item for item in BUILTIN.items if item.id == "medications")
    assert medications.options[-1] == blunting.Option(None, "Prefer not to answer", exclusive=True)
    document = read_json(BUILTIN_PATH)
    document["x-scoring"]["null_title"] = "Rather not say"
    reworded = blunting.load(document)
    for item in reworded.items:  # a question that lists null keeps its own words
        (declined,) = [o.label for o in item.options if o.value is None]
        assert declined == ("Rather not say" if item.multiple else "Prefer not to answer")
    from blunting._questionnaire import texts  # noqa: PLC0415 - the pointer of each text

    worded = {at: text for at, text, option in texts(reworded) if option is not None}
    assert worded["/x-scoring/null_title"] == "Rather not say"


def test_a_payload_puts_each_answer_in_its_place_in_the_questionnaires_order() -> None:
    made = BUILTIN.payload(
        {"impact": 2, "crying_2": 1, "crying_1": None},
        respondent="r1",
        completed="2026-01-05T10:00:00Z",
    )
    assert json.dumps(made) == json.dumps(
        {
            "questionnaire": "blunting",
            "version": "1.1.0",
            "respondent": "r1",
            "completed": "2026-01-05T10:00:00Z",
            "answers": {"crying_1": None, "crying_2": 1},
            "context": {"impact": 2},
        }
    )
    assert BUILTIN.problems(made) == ()


def test_a_payload_without_context_answers_has_no_context() -> None:
    assert BUILTIN.payload({}) == {"questionnaire": "blunting", "version": "1.1.0", "answers": {}}


@pytest.mark.parametrize("answers", [["crying_1"], "crying_1", None])
def test_answers_that_are_not_a_mapping_are_refused(answers: Any) -> None:
    with pytest.raises(blunting.InvalidResponse) as raised:
        BUILTIN.payload(answers)
    assert [(p.path, p.keyword) for p in raised.value.problems] == [("/answers", "type")]


def test_an_answer_to_no_question_is_refused_by_name() -> None:
    with pytest.raises(blunting.InvalidResponse) as raised:
        BUILTIN.payload({"crying_1": 1, "cyring_2": 1, "x/y": 0})
    assert [problem.path for problem in raised.value.problems] == [
        "/answers/cyring_2",
        "/answers/x~1y",
    ]


@given(payload=payloads(BUILTIN))
def test_a_valid_payload_is_made_again_from_its_answers(payload: dict[str, Any]) -> None:
    answers = {**payload["answers"], **payload.get("context", {})}
    made = BUILTIN.payload(
        answers, respondent=payload.get("respondent"), completed=payload.get("completed")
    )
    if "context" in payload and not payload["context"]:
        made["context"] = {}  # an empty context: nothing to tell it from none
    assert made == payload
    assert BUILTIN.score(made) == BUILTIN.score(payload)
