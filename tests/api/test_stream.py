"""score_stream: one result per input, in order, nothing kept; Score.to_json."""

from __future__ import annotations

import json
import tracemalloc
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

import blunting
from conftest import MINI_PATH, ROOT, mixed_lines
from strategies import payloads

if TYPE_CHECKING:
    from pathlib import Path


BUILTIN = blunting.questionnaire()
EXAMPLE = json.loads((ROOT / "examples" / "complete.json").read_text())
INVALID = {**EXAMPLE, "answers": {"crying_1": 9}}

#: Inputs that cannot be scored, each with the first problem's keyword.
BAD_INPUTS: list[tuple[object, str]] = [
    (INVALID, "maximum"),
    (json.dumps(INVALID), "maximum"),
    ("", "json"),
    ("   \n", "json"),
    ('{"questionnaire": "blunting", "questionnaire": "blunting"}', "json"),
    ('{"a": NaN}', "json"),
    ('{"a": Infinity}', "json"),
    (b'{"a": "\xff"}', "json"),
    ("\ufeff" + json.dumps(EXAMPLE), "json"),
    ("{oops", "json"),
    ("[]", "type"),
    ("x" * (blunting.MAX_TEXT_BYTES + 1), "json"),
    ([], "type"),
    (None, "type"),
]


@st.composite
def mixed_sources(draw: st.DrawFn) -> list[object]:
    """Valid payloads and their JSON text, with bad inputs in between."""
    good = st.one_of(
        payloads(BUILTIN),
        payloads(BUILTIN).map(json.dumps),
        payloads(BUILTIN).map(lambda payload: json.dumps(payload).encode()),
    )
    bad = st.sampled_from([item for item, _ in BAD_INPUTS])
    return draw(st.lists(st.one_of(good, bad), max_size=12))


def _expected(item: object) -> blunting.Score | None:
    payload = item
    if isinstance(item, (str, bytes)):
        try:
            payload = json.loads(item)
        except ValueError:
            return None
    try:
        return blunting.score(payload)
    except blunting.InvalidResponse:
        return None


@given(source=mixed_sources())
def test_one_result_per_input_in_order(source: list[object]) -> None:
    results = list(blunting.score_stream(iter(source)))
    assert len(results) == len(source)
    for index, (item, result) in enumerate(zip(source, results, strict=True)):
        expected = _expected(item)
        if isinstance(result, blunting.Rejection):
            assert expected is None
            assert result.index == index
            assert result.line == (index + 1 if isinstance(item, (str, bytes)) else None)
            assert result.problems
        else:
            assert result == expected


@pytest.mark.parametrize(("item", "keyword"), BAD_INPUTS)
def test_each_bad_input_is_rejected_with_its_problem(item: object, keyword: str) -> None:
    (result,) = blunting.score_stream([item])
    assert isinstance(result, blunting.Rejection)
    assert result.problems[0].keyword == keyword


def test_a_questionnaire_can_be_given() -> None:
    mini = blunting.load(MINI_PATH)
    (result,) = blunting.score_stream([EXAMPLE], questionnaire=mini)
    assert isinstance(result, blunting.Rejection)
    assert "/questionnaire" in [problem.path for problem in result.problems]


def test_an_open_jsonl_file_works_in_text_and_binary_mode(tmp_path: Path) -> None:
    path = tmp_path / "responses.jsonl"
    path.write_bytes(
        b"\n".join([json.dumps(EXAMPLE).encode(), b'{"a": "\xff"}', json.dumps(INVALID).encode()])
        + b"\n"
    )
    with path.open("rb") as lines:
        binary = list(blunting.score_stream(lines))
    with path.open(encoding="utf-8", errors="surrogateescape") as lines:
        text = list(blunting.score_stream(lines))
    for results in (binary, text):
        assert [type(result).__name__ for result in results] == ["Score", "Rejection", "Rejection"]
        assert [getattr(result, "line", None) for result in results] == [None, 2, 3]
        assert "not UTF-8" in results[1].problems[0].message  # type: ignore[union-attr]
    with path.open(encoding="utf-8") as lines, pytest.raises(UnicodeDecodeError):
        list(blunting.score_stream(lines))


def _peak(count: int) -> int:
    tracemalloc.start()
    try:
        results = 0
        for _ in blunting.score_stream(mixed_lines(count)):
            results += 1
        assert results == count
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_however_long_the_stream() -> None:
    _peak(100)  # warm up: questionnaire built, caches filled
    small, large = _peak(2_000), _peak(20_000)
    assert large < small * 1.5 + 64_000, (small, large)
