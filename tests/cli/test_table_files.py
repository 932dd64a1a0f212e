"""``blunting score`` of tables: Parquet and CSV in the wide layout, Parquet or CSV out.

The reference is the command line's own output for the same responses held
as JSON lines: a table of them gives the same scores and the same rejections,
row for row, in batches of any size.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import blunting
from blunting import tables
from blunting._cli import _batch, _inputs, _main, _table_files
from blunting._tables._layout import _row
from conftest import ROOT
from strategies import payloads

if TYPE_CHECKING:
    from pathlib import Path

Q = blunting.questionnaire()


def _csv_text(table: pa.Table) -> bytes:
    """``table`` as CSV in the wide layout: a question of several answers as ``;``-joined text."""
    columns = {}
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_list(column.type):
            column = pa.array(
                [None if v is None else ";".join(v) for v in column.to_pylist()], pa.string()
            )
        columns[name] = column
    sink = io.BytesIO()
    pa_csv.write_csv(pa.table(columns), sink)
    return sink.getvalue()


def _rows(text: str) -> list[list[str]]:
    """CSV rows without their ``source`` and ``line``."""
    return [row[2:] for row in csv.reader(io.StringIO(text, newline=""))]


def _run(arguments: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = _main.main(arguments)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


_PAYLOADS = st.lists(
    st.one_of(
        payloads(Q),
        payloads(Q).map(lambda p: {**p, "answers": {**p["answers"], "crying_2": 7}}),
        payloads(Q).map(lambda p: {**p, "respondent": "x" * 130}),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sent=_PAYLOADS, batch=st.integers(1, 5))
def test_a_table_scores_as_its_responses_do_as_json_lines(
    sent: list[dict[str, Any]],
    batch: int,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_table_files, "BATCH_ROWS", batch)
    folder = tmp_path_factory.mktemp("tables")
    lines = folder / "responses.jsonl"
    lines.write_text("".join(json.dumps(p) + "\n" for p in sent))
    study = pa.Table.from_pylist([_row(Q, p) for p in sent], schema=tables.layout(Q))
    pq.write_table(study, folder / "study.parquet", row_group_size=2)
    (folder / "study.csv").write_bytes(_csv_text(study))
    status, want, want_err = _run(["score", "--format", "csv", str(lines)], capsys)
    for arguments in (
        ["score", "--format", "csv", str(folder / "study.parquet")],
        ["score", "--format", "csv", "--from", "table", str(folder / "study.csv")],
    ):
        got_status, got, got_err = _run(arguments, capsys)
        assert got_status == status
        assert _rows(got) == _rows(want)
        assert _problems(got_err) == _problems(want_err)
        assert got_err.splitlines()[-1] == want_err.splitlines()[-1]
        if arguments[-1].endswith(".parquet"):  # a Parquet row's line is its number, as here
            assert got_err == want_err.replace(str(lines), arguments[-1])


def _problems(text: str) -> list[str]:
    """The problems reported, without their places (a JSON line, a table's row)."""
    return [line.split(": ", 1)[1] for line in text.splitlines()[:-1]]


def _study(folder: Path) -> Path:
    sent = [json.loads(p.read_text("utf-8")) for p in sorted((ROOT / "examples").glob("*.json"))]
    study = tables.from_payloads(sent).append_column("visit", pa.array(range(len(sent))))
    pq.write_table(study, folder / "study.parquet")
    return folder / "study.parquet"


def test_parquet_scores_are_the_tables_scores_with_their_places(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    study = _study(tmp_path)
    out = tmp_path / "scores.parquet"
    status, printed, err = _run(
        ["score", str(study), "--output", str(out), "--keep", "visit"], capsys
    )
    assert (status, printed) == (_main.OK, "")
    assert err == "blunting: 4 scored, 0 rejected\n"
    scores = pq.read_table(out)
    assert scores.column_names[:3] == ["source", "line", "visit"]
    assert scores.column("line").to_pylist() == [1, 2, 3, 4]
    assert scores.drop(["source", "line"]).equals(
        tables.score(pq.read_table(study), keep=["visit"])
    )


def test_text_where_a_number_belongs_is_the_rows_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    study = pq.read_table(_study(tmp_path)).drop(["visit"])
    text = _csv_text(study).decode().splitlines()
    header = text[0].split(",")
    at = header.index('"crying_1"')
    for line, cell in ((1, '"x"'), (2, "3.5"), (3, '""')):
        cells = text[line].split(",")
        cells[at] = cell
        text[line] = ",".join(cells)
    (tmp_path / "study.csv").write_text("\n".join(text) + "\n")
    status, _, err = _run(["score", "--from", "table", str(tmp_path / "study.csv")], capsys)
    assert status == _main.REJECTED
    assert f'{tmp_path / "study.csv"}:2: /answers/crying_1: "x" is text' in err
    where = tmp_path / "study.csv"
    assert f"{where}:3: /answers/crying_1: 3.5 is a number, not a whole number" in err
    assert err.splitlines()[-1] == "blunting: 2 scored, 2 rejected (problems above)"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["examples/complete.json", "--output", "x.parquet"],
            "a Parquet output holds the scores of tables",
        ),
        (["STUDY", "--keep", "visit"], "--keep carries a table's columns into a Parquet output"),
        (
            ["examples/complete.json", "--version", "1.0.0"],
            "--version names the questionnaire of a table",
        ),
        (["STUDY", "--from", "redcap"], "a Parquet file is a table"),
        (["STUDY", "--output", "x.parquet", "--format", "csv"], "leave out --format"),
        (["-", "--from", "table"], "a table is read from a file, not standard input"),
        (["STUDY", "--output", "x.parquet", "--keep", "line"], "the scores have a column line"),
        (
            ["STUDY", "--output", "x.parquet", "--keep", "crying_1"],
            "keep columns outside the layout",
        ),
    ],
)
def test_what_tables_cannot_be_asked(
    arguments: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    study = str(_study(tmp_path))
    arguments = [
        study if a == "STUDY" else str(tmp_path / a) if a.endswith(".parquet") else a
        for a in arguments
    ]
    status, _, err = _run(["score", *arguments], capsys)
    assert status == _main.USAGE
    assert message in err


def test_a_table_without_its_questionnaire_is_named_by_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    study = pq.read_table(_study(tmp_path)).drop(["questionnaire", "version", "visit"])
    pq.write_table(study, tmp_path / "bare.parquet")
    status, _, err = _run(["score", str(tmp_path / "bare.parquet")], capsys)
    assert status == _main.USAGE
    assert "name its questionnaire" in err
    status, out, _ = _run(
        ["score", str(tmp_path / "bare.parquet"), "--version", "1.1.0", "--format", "csv"], capsys
    )
    assert status == _main.OK
    assert len(out.splitlines()) == 5


def test_an_empty_table_gives_an_empty_parquet_file_with_the_scores_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty.csv").write_text("crying_1,crying_2\n")
    out = tmp_path / "scores.parquet"
    status, _, err = _run(
        ["score", "--from", "table", str(tmp_path / "empty.csv"), "--output", str(out)], capsys
    )
    assert status == _main.REJECTED  # nothing found
    assert err == "blunting: no response found in the input\n"
    assert pq.read_table(out).num_rows == 0
    assert "total_scaled" in pq.read_table(out).column_names


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_a_table_is_read_in_batches_that_count_the_whole_file_for_the_progress_bar(
    suffix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_table_files, "BATCH_ROWS", 1)
    study = pq.read_table(_study(tmp_path)).drop(["visit"])
    path = tmp_path / f"study{suffix}"
    if suffix == ".csv":
        path.write_bytes(_csv_text(study))
    else:
        pq.write_table(study, path)
    dones = list(_batch.table_handled("validate", _inputs.Source(str(path)), _batch.TableRun(None)))
    assert sum(done.accepted for done in dones) == study.num_rows
    assert sum(done.size for done in dones) == path.stat().st_size
    assert all(done.size >= 0 for done in dones)
    if suffix == ".parquet":  # a batch a row: the bar moves with each
        assert sum(1 for done in dones if done.size) >= study.num_rows


def test_a_parquet_output_holds_every_row_rejected_ones_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    study = pq.read_table(_study(tmp_path))
    rows = study.to_pylist()
    rows[1]["crying_3"] = 9  # outside the options
    pq.write_table(pa.Table.from_pylist(rows, schema=study.schema), tmp_path / "bad.parquet")
    out = tmp_path / "scores.parquet"
    status, _, _ = _run(
        ["score", str(tmp_path / "bad.parquet"), "--output", str(out), "--keep", "visit"], capsys
    )
    assert status == _main.REJECTED
    scores = pq.read_table(out)
    assert scores.column("line").to_pylist() == list(range(1, study.num_rows + 1))
    assert scores.column("valid").to_pylist()[1] is False
    assert scores.column("problems").to_pylist()[1]
    expected = tables.score(pq.read_table(tmp_path / "bad.parquet"), keep=["visit"])
    assert scores.drop(["source", "line"]).equals(expected)


def test_a_timestamp_completion_time_is_written_and_shown_as_its_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A time-zone-aware ``completed`` column is the same study as its RFC 3339 text in UTC."""
    sent = [json.loads(p.read_text("utf-8")) for p in sorted((ROOT / "examples").glob("*.json"))]
    times = [dt.datetime(2026, 3, day, 8, 30, tzinfo=dt.UTC) for day in range(1, len(sent) + 1)]
    for made, when in zip(sent, times, strict=True):
        made["completed"] = when.isoformat().replace("+00:00", "Z")
    as_text = tables.from_payloads(sent)
    at = as_text.column_names.index("completed")
    stamped = as_text.set_column(at, "completed", pa.array(times, pa.timestamp("us", "UTC")))
    pq.write_table(as_text, tmp_path / "text.parquet")
    pq.write_table(stamped, tmp_path / "stamped.parquet")
    for output_format in ("jsonl", "csv", "table"):
        outputs = []
        for name in ("text", "stamped"):
            source = str(tmp_path / f"{name}.parquet")
            status, printed, err = _run(["score", "--format", output_format, source], capsys)
            assert (status, err) == (_main.OK, f"blunting: {len(sent)} scored, 0 rejected\n")
            outputs.append(printed.replace(source, "SOURCE"))
        assert outputs[0] == outputs[1]
        assert "2026-03-01" in outputs[1]
    pages = []
    for name in ("text", "stamped"):
        page = tmp_path / f"{name}.html"
        status, _, err = _run(
            ["report", str(tmp_path / f"{name}.parquet"), "--output", str(page)], capsys
        )
        assert status == _main.OK, err
        pages.append(page.read_text())
    assert pages[0] == pages[1]
