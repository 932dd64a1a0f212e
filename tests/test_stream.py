"""score_stream: one result per input, in order, nothing kept; Score.to_json."""

from __future__ import annotations

import copy
import csv
import io
import itertools
import json
import tracemalloc
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import blunting
from blunting import _questionnaire
from blunting._cli import _batch, _inputs, _main, _outputs
from blunting._text import _memo
from conftest import MINI_PATH, ROOT
from strategies import payloads

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from blunting._scoring import Scorer

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


def _lines(count: int) -> Iterator[str]:
    """``count`` JSON lines, good and bad, made as they are read."""
    texts = [json.dumps(EXAMPLE), json.dumps(INVALID), "{oops"]
    for index in range(count):
        payload = copy.deepcopy(EXAMPLE)
        payload["respondent"] = f"r-{index}"
        yield json.dumps(payload) if index % 3 == 0 else texts[index % 3]


def _peak(count: int) -> int:
    tracemalloc.start()
    try:
        results = 0
        for _ in blunting.score_stream(_lines(count)):
            results += 1
        assert results == count
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_stays_flat_however_long_the_stream() -> None:
    _peak(100)  # warm up: questionnaire built, caches filled
    small, large = _peak(2_000), _peak(20_000)
    assert large < small * 1.5 + 64_000, (small, large)


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


# -- the command line, in chunks and in several processes --------------------------


def test_the_command_line_scores_long_files_in_parallel_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text("".join(line + "\n" for line in _lines(101)))
    monkeypatch.setattr(_inputs, "BLOCK", 1000)
    monkeypatch.setattr(_batch, "_PARALLEL_FROM", 3)
    for command in (["score", "--format", "csv"], ["score", "--format", "json"], ["validate"]):
        outputs = []
        for jobs in ("1", "2"):
            assert _main.main([*command, "--jobs", jobs, str(path)]) == _main.REJECTED
            outputs.append(capsys.readouterr())
        assert outputs[0] == outputs[1]
    outputs = []
    for jobs in ("1", "2"):
        assert _main.main(["score", "--jobs", jobs, str(path)]) == _main.REJECTED
        outputs.append(capsys.readouterr())
    assert outputs[0] == outputs[1]
    assert len(outputs[0].out.splitlines()) == 34  # every third line is scored
    assert outputs[0].err.splitlines()[-1] == "blunting: 34 scored, 67 rejected (problems above)"
    assert outputs[0].err.splitlines()[0].startswith(f"{path}:2: /answers/crying_1:")
    assert f"{path}:3: (root): not valid JSON" in outputs[0].err


#: Lines of a JSONL file, as bytes: good, bad, blank, CRLF, not UTF-8.
FILE_LINES = st.lists(
    st.sampled_from(
        [
            json.dumps(EXAMPLE).encode(),
            json.dumps({**EXAMPLE, "respondent": "\u00e9\u6f22"}, ensure_ascii=False).encode(),
            json.dumps(INVALID).encode(),
            b"",
            b"   ",
            json.dumps(EXAMPLE).encode() + b"\r",
            b'{"a": "\xff\xfe"}',
            b"\xe6\xbc",  # a character cut short
            b"{oops",
            b'"' + b"x" * 3000 + b'"',  # longer than a block
        ]
    ),
    max_size=20,
)


@given(lines=FILE_LINES, newline_at_end=st.booleans(), block=st.integers(1, 400))
def test_the_command_line_reads_a_file_line_by_line_in_blocks(
    lines: list[bytes],
    newline_at_end: bool,  # noqa: FBT001
    block: int,
) -> None:
    data = b"\n".join(lines) + (b"\n" if newline_at_end and lines else b"")
    expected_out: list[str] = []
    expected_err: list[str] = []
    in_file = data.split(b"\n")
    if not in_file[-1]:
        in_file.pop()  # what follows the last newline: no line
    for number, result in enumerate(blunting.score_stream(in_file), start=1):
        if isinstance(result, blunting.Rejection):
            expected_err += (f"FILE:{number}: {problem}" for problem in result.problems)
        else:
            expected_out.append(result.to_json())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_inputs, "BLOCK", block)
        blocks = list(_inputs.blocks_of(io.BytesIO(data), "FILE"))
    assert b"".join(data for _, _, data, _ in blocks) == data
    scored = [_batch.handle("jsonl", b) for b in blocks]
    assert b"".join(done.output for done in scored).decode().splitlines() == expected_out
    assert [line for done in scored for line in done.problems] == expected_err
    assert sum(done.accepted for done in scored) == len(expected_out)
    assert sum(done.accepted + done.rejected for done in scored) == len(in_file)
    assert sum(done.size for done in scored) == len(data)


@pytest.mark.parametrize("jobs", ["0", "-1", "many"])
def test_jobs_must_be_a_positive_number(jobs: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        _main.main(["score", "--jobs", jobs, "x.jsonl"])
    assert exited.value.code == _main.USAGE
    assert "is not a whole number of processes" in capsys.readouterr().err


def test_what_is_remembered_is_bounded_and_forgotten_safely(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from blunting._schema import _formats  # noqa: PLC0415
    from blunting._scoring import _writer  # noqa: PLC0415

    monkeypatch.setattr(_memo, "LIMIT", 2)
    for index in range(30):
        payload = copy.deepcopy(EXAMPLE)
        payload["answers"]["crying_1"] = index % 5
        payload["completed"] = f"2026-03-{1 + index % 28:02d}T10:00:00Z"
        payload["context"]["impact"] = index % 5
        score = blunting.score(payload)
        assert score == blunting.score(copy.deepcopy(payload))
        assert score.to_json() == _serialized(score)
        assert _questionnaire.score_text(BUILTIN, payload) == score.to_json()
        assert _csv(payload) == _csv_oracle(score)
    assert len(_writer._SERIALIZED) <= 2  # noqa: SLF001
    assert len(_outputs._RESULT_CELLS) <= 2  # noqa: SLF001
    assert len(BUILTIN._scorer._context_parts) <= 2  # noqa: SLF001
    assert len(_formats._DATES) <= 2  # noqa: SLF001


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


def _csv(payload: object) -> str:
    """The CSV row that ``blunting score --format csv`` writes for ``payload``."""
    return _outputs.csv_rows([_outputs.csv_row(payload)]).decode()


def _csv_oracle(score: blunting.Score) -> str:
    """The CSV row of a score, written by the csv module from ``Score.to_dict()``."""
    data = score.to_dict()

    def cell(value: object) -> object:
        return "" if value is None else json.dumps(value) if type(value) is bool else value

    row: list[object] = [
        cell(data["respondent"]),
        cell(data["completed"]),
        data["questionnaire"],
        data["version"],
    ]
    for result in [*data["domains"].values(), data["total"]]:
        row += (
            cell(result[c]) for c in ("raw", "mean", "scaled", "answered", "prorated", "status")
        )
    row.append(cell(data["impact"]))
    text = io.StringIO()
    csv.writer(text).writerow(row)
    return text.getvalue()


@given(payload=payloads(BUILTIN), respondent=st.sampled_from(["a,b", 'say "hi"', "x\ny", "é"]))
def test_a_csv_row_is_the_csv_modules_row_of_the_score(
    payload: dict[str, Any], respondent: str
) -> None:
    assert list(_outputs.csv_domains()) == [d.id for d in BUILTIN.domains]
    for given_payload in (payload, {**payload, "respondent": respondent}):
        row = _csv(given_payload)
        assert row == _csv_oracle(blunting.score(given_payload))
        assert next(csv.reader(io.StringIO(row, newline="")))[0] == given_payload.get(
            "respondent", ""
        )
