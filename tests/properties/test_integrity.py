"""Integrity: threads change nothing, streams lose nothing, scores hold only what was sent."""

from __future__ import annotations

import copy
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import blunting
from conftest import MINI_PATH
from strategies import mutated, payloads

BUILTIN = blunting.questionnaire()
MINI = blunting.load(MINI_PATH)
THREADS = 8


def _outcome(q: blunting.Questionnaire, payload: object) -> object:
    """The score of ``payload``, or its problems: what a caller sees."""
    try:
        return q.score(payload)
    except blunting.InvalidResponse as error:
        return error.problems


@settings(max_examples=25, deadline=None)
@given(
    batch=st.lists(
        st.one_of(payloads(BUILTIN), mutated(BUILTIN)).map(lambda p: (BUILTIN, p))
        | st.one_of(payloads(MINI), mutated(MINI)).map(lambda p: (MINI, p)),
        min_size=1,
        max_size=40,
    )
)
def test_scoring_from_eight_threads_gives_what_scoring_in_sequence_gives(
    batch: list[tuple[blunting.Questionnaire, Any]],
) -> None:
    work = batch * 20  # enough calls that the threads run at once
    expected = [_outcome(q, payload) for q, payload in work]
    with ThreadPoolExecutor(THREADS) as pool:
        found = list(pool.map(lambda job: _outcome(*job), work))
    assert found == expected


def test_streams_in_eight_threads_give_what_one_stream_gives() -> None:
    lines = [
        json.dumps(
            {"questionnaire": "blunting", "version": "1.0.0", "answers": {"crying_1": n % 5}}
        )
        for n in range(400)
    ]
    lines[::7] = ["{not json"] * len(lines[::7])
    expected = list(blunting.score_stream(lines))
    with ThreadPoolExecutor(THREADS) as pool:
        runs = list(pool.map(lambda _: list(blunting.score_stream(lines)), range(THREADS * 2)))
    assert all(run == expected for run in runs)


def _text(item: tuple[str, Any]) -> str | bytes:
    kind, value = item
    text: str | bytes = json.dumps(value, allow_nan=False) if kind == "payload" else value
    return text


BAD_LINES = st.sampled_from(
    [
        b"",
        b"   ",
        b"{",
        b"[]",
        b"3",
        b"\xff\xfe{}",
        b'{"a": NaN}',
        b'{"a": 1, "a": 2}',
        "\ufeff{}",
        '{"questionnaire": "blunting", "version": "9.9.9", "answers": {}}',
    ]
)


@given(
    source=st.lists(
        st.one_of(
            payloads(BUILTIN).map(lambda p: ("payload", p)),
            BAD_LINES.map(lambda line: ("bad", line)),
        ),
        max_size=30,
    )
)
def test_a_stream_gives_each_input_one_result_in_order_bad_lines_among_good(
    source: list[tuple[str, Any]],
) -> None:
    results = list(blunting.score_stream([_text(item) for item in source]))
    assert len(results) == len(source)  # inputs = scores + rejections
    for index, ((kind, value), result) in enumerate(zip(source, results, strict=True)):
        if kind == "payload":
            assert result == BUILTIN.score(value)
        else:
            assert isinstance(result, blunting.Rejection)
            assert (result.index, result.line) == (index, index + 1)


def _leaves(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*at, key))]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in _leaves(item, (*at, index))]
    return [(at, value)]


@settings(max_examples=300)
@given(data=st.data())
def test_a_score_holds_only_values_the_payload_held_and_the_payload_is_unchanged(
    data: st.DataObject,
) -> None:
    q = data.draw(st.sampled_from([BUILTIN, MINI]))
    payload = data.draw(payloads(q))
    sent = copy.deepcopy(payload)
    score = q.score(payload).to_dict()
    assert payload == sent  # scoring changes nothing it is handed
    for member in ("questionnaire", "version", "respondent", "completed"):
        assert score[member] == payload.get(member)
        assert type(score[member]) is type(payload.get(member))
    impact = "impact" if q is BUILTIN else None  # mini has no impact question
    context = payload.get("context", {})
    others = {item: value for item, value in context.items() if item != impact}
    assert score["context"] == others
    assert _leaves(score["context"]) == _leaves(others)
    for (_, echoed), (_, sent_value) in zip(
        _leaves(score["context"]), _leaves(others), strict=True
    ):
        assert type(echoed) is type(sent_value)
    assert score["impact"] == context.get(impact)
    assert type(score["impact"]) is type(context.get(impact))


@given(data=st.data())
def test_a_rejected_payload_is_left_as_it_was(data: st.DataObject) -> None:
    payload = data.draw(mutated(BUILTIN))  # values from strategies.HOSTILE
    sent = copy.deepcopy(payload)
    _outcome(BUILTIN, payload)
    assert repr(payload) == repr(sent)  # repr: NaN is not equal to itself
