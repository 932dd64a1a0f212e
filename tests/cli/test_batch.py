"""The batch runner of the command line: blocks, worker processes, CSV rows, bounded memos."""

from __future__ import annotations

import copy
import csv
import io
import json
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import blunting
from blunting import _questionnaire
from blunting._cli import _batch, _inputs, _main, _outputs
from blunting._text import _memo
from conftest import ROOT, mixed_lines
from strategies import payloads

if TYPE_CHECKING:
    from pathlib import Path


BUILTIN = blunting.questionnaire()
EXAMPLE = json.loads((ROOT / "examples" / "complete.json").read_text())
INVALID = {**EXAMPLE, "answers": {"crying_1": 9}}


def _serialized(score: blunting.Score) -> str:
    return json.dumps(score.to_dict(), ensure_ascii=False, separators=(",", ":"))


# -- the command line, in chunks and in several processes --------------------------


def test_the_command_line_scores_long_files_in_parallel_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text("".join(line + "\n" for line in mixed_lines(101)))
    monkeypatch.setattr(_inputs, "BLOCK", 1000)
    monkeypatch.setattr(_batch, "_PARALLEL_FROM", 3)
    written: dict[str, str] = {}
    for command in (["score", "--format", "csv"], ["score", "--format", "json"], ["validate"]):
        outputs = []
        for jobs in ("1", "2"):
            assert _main.main([*command, "--jobs", jobs, str(path)]) == _main.REJECTED
            outputs.append(capsys.readouterr())
        assert outputs[0] == outputs[1]
        written[command[-1]] = outputs[0].out
    outputs = []
    for jobs in ("1", "2"):
        assert _main.main(["score", "--jobs", jobs, str(path)]) == _main.REJECTED
        outputs.append(capsys.readouterr())
    assert outputs[0] == outputs[1]
    # one array of many blocks: the JSON scores are the JSON lines' scores
    lines = [json.loads(line) for line in outputs[0].out.splitlines()]
    assert json.loads(written["json"]) == lines
    assert len(list(csv.reader(io.StringIO(written["csv"], newline="")))) == 1 + len(lines)
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
            b"\t \r",  # blank, as a Windows editor may leave it
            b" " + json.dumps(EXAMPLE).encode(),  # starts with a space, and is not blank
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
    blank = [line for line in in_file if not line.strip(b" \t\r")]
    numbered = [(n, line) for n, line in enumerate(in_file, start=1) if line.strip(b" \t\r")]
    results = blunting.score_stream(line for _, line in numbered)
    for (number, _), result in zip(numbered, results, strict=True):
        if isinstance(result, blunting.Rejection):
            expected_err += (f"FILE:{number}: {problem}" for problem in result.problems)
        else:
            expected_out.append(f'{{"source":"FILE","line":{number},{result.to_json()[1:]}')
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_inputs, "BLOCK", block)
        blocks = list(_inputs.blocks_of(io.BytesIO(data), "FILE"))
    assert b"".join(b.data for b in blocks) == data
    scored = [_batch.handle("jsonl", b) for b in blocks]
    assert b"".join(done.output for done in scored).decode().splitlines() == expected_out
    assert [line for done in scored for line in done.problems] == expected_err
    assert sum(done.accepted for done in scored) == len(expected_out)
    assert sum(done.accepted + done.rejected for done in scored) == len(numbered)
    assert sum(done.blank for done in scored) == len(blank)
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
    assert len(_outputs._RESULT_FIELDS) <= 2  # noqa: SLF001
    assert len(BUILTIN._scorer._context_parts) <= 2  # noqa: SLF001
    assert len(_formats._DATES) <= 2  # noqa: SLF001


def _csv(payload: object) -> str:
    """The CSV row that ``blunting score --format csv`` writes for ``payload``."""
    return _outputs.csv_row(payload)


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


@given(
    payload=payloads(BUILTIN), respondent=st.sampled_from(["a,b", 'say "hi"', "x\ny", "x\ry", "é"])
)
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
