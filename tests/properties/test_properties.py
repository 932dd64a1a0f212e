"""Properties of validation and scoring, for the built-in and a test questionnaire."""

from __future__ import annotations

import copy
import functools
import json
import math
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import blunting
import strategies
from conftest import MINI_PATH, ROOT

BUILTIN = blunting.questionnaire()
MINI = blunting.load(MINI_PATH)
QUESTIONNAIRES = pytest.mark.parametrize(
    "q", [BUILTIN, blunting.questionnaire("1.0.0"), MINI], ids=lambda q: f"{q.id} {q.version}"
)
SCORE_SCHEMA = json.loads((ROOT / "schemas" / "vocabulary" / "1" / "score.json").read_text())


@functools.cache
def _without_reverse_keys(q: blunting.Questionnaire) -> blunting.Questionnaire:
    document = q.schema
    document["x-scoring"]["reverse"] = []
    return blunting.load(document)


@QUESTIONNAIRES
@given(data=st.data())
def test_valid_payloads_score_within_bounds(q: blunting.Questionnaire, data: st.DataObject) -> None:
    payload = data.draw(strategies.payloads(q))
    score = q.score(payload)
    low, high = q.scale
    by_id = {item.id: item for item in q.items}
    for domain in q.domains:
        result = score.domains[domain.id]
        assert result.items == len(domain.items)
        assert 0 <= result.answered <= result.items
        assert result.answered == sum(
            strategies.counted(by_id[i], payload["answers"].get(i)) for i in domain.items
        )
        if result.answered < domain.min_answered:
            assert result.status == "insufficient_answers"
            assert (result.raw, result.mean, result.scaled) == (None, None, None)
            continue
        assert result.status == "scored"
        assert result.mean is not None
        assert result.raw is not None
        assert result.scaled is not None
        assert low <= result.mean <= high
        assert low * result.items <= result.raw <= high * result.items
        assert 0 <= result.scaled <= 100
        assert result.prorated == (result.answered < result.items)
    scorable = all(result.status == "scored" for result in score.domains.values())
    assert (score.total.status == "scored") == scorable
    if scorable:
        assert score.total.mean is not None
        assert low <= score.total.mean <= high


@QUESTIONNAIRES
@given(data=st.data())
def test_score_output_matches_the_score_schema_and_round_trips(
    q: blunting.Questionnaire, data: st.DataObject
) -> None:
    score = q.score(data.draw(strategies.payloads(q)))
    document = score.to_dict()
    Draft202012Validator(SCORE_SCHEMA).validate(document)
    assert json.loads(json.dumps(document, allow_nan=False)) == document
    assert list(document["domains"]) == [domain.id for domain in q.domains]


@QUESTIONNAIRES
@given(data=st.data())
def test_scoring_is_pure(q: blunting.Questionnaire, data: st.DataObject) -> None:
    payload = data.draw(strategies.payloads(q))
    before = copy.deepcopy(payload)
    assert q.score(payload) == q.score(payload)
    assert payload == before


@QUESTIONNAIRES
@given(data=st.data())
def test_raising_one_answer_moves_its_domain_the_right_way(
    q: blunting.Questionnaire, data: st.DataObject
) -> None:
    high = q.scale[1]
    payload = data.draw(strategies.payloads(q))
    answered = [
        i
        for i in strategies.scored(q)
        if strategies.counted(i, payload["answers"].get(i.id)) and payload["answers"][i.id] != high
    ]
    if not answered:
        return
    item = data.draw(st.sampled_from(answered))
    raised = copy.deepcopy(payload)
    raised["answers"][item.id] = int(payload["answers"][item.id]) + 1
    note(f"raised {item.id} (reverse={item.reverse})")
    before = q.score(payload).domains[item.domain]  # type: ignore[index]
    after = q.score(raised).domains[item.domain]  # type: ignore[index]
    assert before.status == after.status
    if before.status != "scored":
        return
    assert before.mean is not None
    assert after.mean is not None
    if item.reverse:
        assert after.mean <= before.mean
    else:
        assert after.mean >= before.mean


@QUESTIONNAIRES
@given(data=st.data())
def test_reverse_keying_twice_is_identity(q: blunting.Questionnaire, data: st.DataObject) -> None:
    """Un-reversing the key and reversing each answer by hand gives the same scores."""
    plain = _without_reverse_keys(q)
    low, high = q.scale
    payload = data.draw(strategies.payloads(q))
    flipped = copy.deepcopy(payload)
    for item in strategies.scored(q):
        if item.reverse and strategies.counted(item, flipped["answers"].get(item.id)):
            flipped["answers"][item.id] = low + high - flipped["answers"][item.id]
    assert plain.score(flipped).domains == q.score(payload).domains
    assert plain.score(flipped).total == q.score(payload).total


@QUESTIONNAIRES
@given(data=st.data())
def test_complete_responses_are_never_prorated(
    q: blunting.Questionnaire, data: st.DataObject
) -> None:
    score = q.score(data.draw(strategies.payloads(q, complete=True)))
    assert score.total.status == "scored"
    assert not score.total.prorated
    assert score.total.answered == score.total.items


# --- every invalid mutation is rejected, with a problem at the right place ---


def _mutations(q: blunting.Questionnaire) -> st.SearchStrategy[tuple[str, Any]]:
    """``(expected pointer, function that breaks a valid payload)``."""
    low, high = q.scale
    bad_answer = st.sampled_from([*strategies.NOT_AN_ANSWER, low - 1, high + 1])
    names = st.from_regex(r"[a-z_]{1,12}", fullmatch=True)
    scored_ids = [item.id for item in strategies.scored(q)]

    def set_member(path: tuple[str, ...], value: Any) -> Any:
        def mutate(payload: dict[str, Any]) -> None:
            node = payload
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node[path[-1]] = value

        return mutate

    def drop(key: str) -> Any:
        return lambda payload: payload.pop(key)

    single = [i for i in strategies.unscored(q) if not i.multiple]
    options = [
        st.tuples(st.sampled_from(scored_ids), bad_answer).map(
            lambda t: (f"/answers/{t[0]}", set_member(("answers", t[0]), t[1]))
        ),
        names.filter(lambda n: n not in scored_ids).map(
            lambda n: (f"/answers/{n}", set_member(("answers", n), low))
        ),
        names.filter(lambda n: n not in q.schema["properties"]).map(
            lambda n: (f"/{n}", set_member((n,), 1))
        ),
        st.sampled_from(["questionnaire", "version", "answers"]).map(lambda k: (f"/{k}", drop(k))),
        st.sampled_from(["questionnaire", "version"]).map(
            lambda k: (f"/{k}", set_member((k,), "not-" + k))
        ),
        st.sampled_from(["", "x" * 129, 7, None]).map(
            lambda v: ("/respondent", set_member(("respondent",), v))
        ),
        st.sampled_from([*strategies.NOT_A_DATE_TIME, 20260301, None]).map(
            lambda v: ("/completed", set_member(("completed",), v))
        ),
        st.sampled_from([None, [], "context", 1]).map(
            lambda v: ("/context", set_member(("context",), v))
        ),
    ]
    if single:
        options.append(
            st.tuples(
                st.sampled_from([i.id for i in single]), st.sampled_from(["??", 99, 1.5, [], True])
            ).map(lambda t: (f"/context/{t[0]}", set_member(("context", t[0]), t[1])))
        )
    return st.one_of(options)


@QUESTIONNAIRES
@given(data=st.data())
def test_every_invalid_mutation_is_rejected_at_its_path(
    q: blunting.Questionnaire, data: st.DataObject
) -> None:
    payload = data.draw(strategies.payloads(q))
    expected, mutate = data.draw(_mutations(q))
    mutate(payload)
    note(f"expected a problem at {expected!r}")
    with pytest.raises(blunting.InvalidResponse) as raised:
        q.score(payload)
    assert {problem.path for problem in raised.value.problems} == {expected}
    assert all(problem.message for problem in raised.value.problems)


@given(
    value=st.sampled_from(strategies.NOT_AN_ANSWER)
    | st.integers().filter(lambda n: not 0 <= n <= 4)
    | st.floats().filter(lambda x: math.isnan(x) or not (x.is_integer() and 0 <= x <= 4))
)
def test_no_bad_answer_is_ever_scored(value: Any) -> None:
    payload = {
        "questionnaire": BUILTIN.id,
        "version": BUILTIN.version,
        "answers": {"crying_1": value},
    }
    with pytest.raises(blunting.InvalidResponse) as raised:
        blunting.score(payload)
    assert [p.path for p in raised.value.problems] == ["/answers/crying_1"]
