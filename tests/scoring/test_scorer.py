"""The scorer: results remembered and bounded, and Score.to_json, the one writer of a score."""

from __future__ import annotations

import copy
import itertools
import json
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import blunting
from blunting import _questionnaire
from blunting._text import _memo
from conftest import MINI_PATH, ROOT
from strategies import payloads

if TYPE_CHECKING:
    from blunting._scoring import Scorer


BUILTIN = blunting.questionnaire()
EXAMPLE = json.loads((ROOT / "examples" / "complete.json").read_text())
INVALID = {**EXAMPLE, "answers": {"crying_1": 9}}


def test_remembered_results_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_memo, "LIMIT", 5)
    scorer = _one_domain_key()
    remembered = scorer._remembered  # noqa: SLF001 - the cache under test
    seen: set[object] = set()
    for a, b in itertools.product([None, *range(5)], repeat=2):
        scorer.results({"a": a, "b": b})
        assert len(remembered) <= 5
        seen.update(remembered)
    assert len(seen) > 5  # forgotten when full, then filled again
    assert blunting.score(EXAMPLE) == blunting.score(copy.deepcopy(EXAMPLE))


# -- Score.to_json ---------------------------------------------------------------


@given(payload=payloads(BUILTIN))
def test_to_json_is_to_dict_serialized(payload: dict[str, Any]) -> None:
    score = blunting.score(payload)
    assert score.to_json() == json.dumps(score.to_dict(), ensure_ascii=False, separators=(",", ":"))


MINI = blunting.load(MINI_PATH)


@pytest.mark.usefixtures("fast_extra")
@given(data=st.data())
def test_score_text_is_the_scores_json(data: st.DataObject) -> None:
    questionnaire = data.draw(st.sampled_from([BUILTIN, MINI]))
    payload = data.draw(payloads(questionnaire))
    text = _questionnaire.score_text(questionnaire, payload)  # what the command line prints
    assert text == questionnaire.score(payload).to_json()


@pytest.mark.usefixtures("fast_extra")
@pytest.mark.parametrize(
    "context",
    [
        {"impact": 2, "q": 2**70},  # past 64 bits: orjson cannot write it
        {"impact": 2.0, "q": [1.0, "\u00e9", None]},
        {"impact": 2, "q": [1, "\u00e9", None]},
        {"impact": 2, "q": "\x7f\u2028"},
        {"impact": None},
        {},
    ],
)
def test_context_texts_are_the_scores_json(context: dict[str, Any]) -> None:
    key = _one_domain_key(impact="impact")
    for _ in range(2):  # the second time, from what was remembered
        payload = {"answers": {"a": 1, "b": 2}, "context": context}
        assert key.score_text(payload) == key.score(payload).to_json()


def _one_domain_key(impact: str | None = None) -> Scorer:
    """A scorer of one domain of two items, ``a`` and ``b``, on a 0-4 scale."""
    from blunting._scoring import DomainKey, Scorer, ScoringKey  # noqa: PLC0415

    return Scorer(
        ScoringKey(
            questionnaire="one",
            version="1",
            minimum=0,
            maximum=4,
            domains=(DomainKey(id="d", items=(("a", False), ("b", False)), min_answered=1),),
            impact=impact,
        )
    )


def test_a_total_is_never_taken_for_a_domain_result() -> None:
    # One domain, so a total's key (raw sum, answered, prorated) can equal a
    # domain's key (index, sum, answered): (0, 1, True) == (0, 1, 1).
    key = _one_domain_key()
    first = key.score({"answers": {"a": 1, "b": None}})
    second = key.score({"answers": {"a": 0, "b": None}})
    assert (first.total.raw, second.total.raw) == (2.0, 0.0)
    assert second.total == second.domains["d"]


@pytest.mark.parametrize(
    "values",
    [[1, 1.0, True], [0, -0.0, 0.0, False], [("a",), ("a", "b")], [None, "null"], [(1,), (1.0,)]],
)
def test_to_json_never_mixes_up_equal_values_of_other_types(values: list[object]) -> None:
    for _ in range(2):  # the second time, from what was remembered
        for value in values:
            score = _with_context({"question": value})
            assert score.to_json() == _serialized(score)


def test_to_json_refuses_what_json_cannot_hold_as_json_dumps_does() -> None:
    score = _with_context({"question": object()})
    with pytest.raises(TypeError, match="not JSON serializable"):
        _serialized(score)
    with pytest.raises(TypeError, match="not JSON serializable"):
        score.to_json()


def _with_context(context: dict[str, Any]) -> blunting.Score:
    base = blunting.score(EXAMPLE)
    return blunting.Score(
        questionnaire=base.questionnaire,
        version=base.version,
        domains=base.domains,
        total=base.total,
        impact=None,
        context=context,
    )


def _serialized(score: blunting.Score) -> str:
    return json.dumps(score.to_dict(), ensure_ascii=False, separators=(",", ":"))


def test_nested_context_values_are_frozen_and_serialized() -> None:
    context = {"list": [1, [2, {"a": [3]}]], "object": {"b": (4,)}}
    score = _with_context(_scoring_freeze(context))
    assert score.to_dict()["context"] == {"list": [1, [2, {"a": [3]}]], "object": {"b": [4]}}
    assert score.to_json() == _serialized(score)


def _scoring_freeze(value: Any) -> Any:
    from blunting._scoring._results import freeze  # noqa: PLC0415

    return freeze(value)


def test_the_fast_constructor_refuses_a_class_with_more_to_do() -> None:
    import attrs  # noqa: PLC0415

    from blunting._scoring._results import _constructor  # noqa: PLC0415

    @attrs.frozen
    class Checked:
        value: int = attrs.field(validator=attrs.validators.instance_of(int))

    with pytest.raises(TypeError, match="more to do"):
        _constructor(Checked)
