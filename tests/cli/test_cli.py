"""The command line, through its real entry point (``python -m blunting``)."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import stat
import subprocess
import sys
import time
from typing import TYPE_CHECKING

import pytest
from jsonschema import Draft202012Validator

import blunting
from blunting import fhir, redcap
from conftest import ROOT, in_terminal, run

if TYPE_CHECKING:
    from pathlib import Path

EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
PAYLOADS = [json.loads(path.read_text()) for path in EXAMPLES]
SCORE_SCHEMA = json.loads((ROOT / "schemas" / "vocabulary" / "1" / "score.json").read_text())


def mixed_file(tmp_path: Path) -> Path:
    """Good, invalid, blank, broken and good lines, in that order."""
    good = json.loads(EXAMPLES[0].read_text())
    bad = {**good, "answers": {"crying_1": 9}}
    path = tmp_path / "responses.jsonl"
    path.write_text(
        "\n".join([json.dumps(good), json.dumps(bad), "", "{oops", json.dumps(good)]) + "\n"
    )
    return path


def mixed_problems(path: Path) -> list[str]:
    return [
        f"{path}:2: /answers/crying_1: 9 is greater than the maximum of 4",
        (
            f"{path}:4: (root): not valid JSON: Expecting property name enclosed in double quotes "
            "at line 1 column 2"
        ),
    ]


def test_scores_the_examples() -> None:
    assert EXAMPLES
    done = run("score", *EXAMPLES)
    assert done.returncode == 0, done.stderr
    assert done.stderr == f"blunting: {len(EXAMPLES)} scored, 0 rejected\n"
    lines = done.stdout.splitlines()
    assert len(lines) == len(EXAMPLES)
    for line, path in zip(lines, EXAMPLES, strict=True):
        score = json.loads(line)
        Draft202012Validator(SCORE_SCHEMA).validate(score)
        assert (score.pop("source"), score.pop("line")) == (str(path), 1)
        assert score == blunting.score(json.loads(path.read_text())).to_dict()


def test_a_rejected_line_in_the_middle_of_a_jsonl_file(tmp_path: Path) -> None:
    path = mixed_file(tmp_path)
    done = run("score", path)
    assert done.returncode == 1
    assert len(done.stdout.splitlines()) == 2
    assert done.stderr.splitlines() == [
        *mixed_problems(path),
        "blunting: 2 scored, 2 rejected, 1 blank line skipped (problems above)",
    ]
    records = [json.loads(line) for line in done.stdout.splitlines()]
    # each score led by where it came from: the first and the fifth line
    assert [(r["source"], r["line"]) for r in records] == [(str(path), 1), (str(path), 5)]
    assert [list(r)[:3] for r in records] == [["source", "line", "questionnaire"]] * 2


def test_duplicate_keys_are_rejected_not_silently_merged(tmp_path: Path) -> None:
    path = tmp_path / "dupe.json"
    path.write_text(
        '{"questionnaire": "blunting", "version": "1.0.0", "answers": {}, "answers": {}}'
    )
    done = run("score", path)
    assert done.returncode == 1
    assert "duplicate key" in done.stderr


def test_a_missing_file_is_a_usage_error_without_traceback(tmp_path: Path) -> None:
    done = run("score", tmp_path / "nope.json")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"blunting: cannot read {tmp_path / 'nope.json'}: No such file or directory"
    ]


@pytest.mark.parametrize("args", [(), ("score",), ("frobnicate",)])
def test_usage_errors(args: tuple[str, ...]) -> None:
    done = run(*args)
    assert done.returncode == 2
    assert "usage:" in done.stderr


def test_version_and_help() -> None:
    done = run("--version")
    assert (done.returncode, done.stdout.strip()) == (0, f"blunting {blunting.__version__}")
    for command in ("validate", "score", "schema", "take", "export", "report"):
        done = run(command, "--help")
        assert done.returncode == 0
        assert f"example:\n  blunting {command}" in done.stdout
    done = run("--help")
    assert done.returncode == 0
    assert "not a diagnosis" in done.stdout


# --- score: formats, output files, rejects ---------------------------------

#: The CSV columns, as docs/command-line.md documents them: stable.
CSV_HEADER = [
    "source",
    "line",
    "respondent",
    "completed",
    "questionnaire",
    "version",
    *(
        f"{part}_{column}"
        for part in ("crying", "empathy", "positive", "total")
        for column in ("raw", "mean", "scaled", "answered", "prorated", "status")
    ),
    "impact",
]


def test_csv_has_the_documented_columns_and_one_row_per_scored_response(tmp_path: Path) -> None:
    path = mixed_file(tmp_path)
    done = run("score", path, "--format", "csv")
    assert done.returncode == 1
    rows = list(csv.reader(io.StringIO(done.stdout, newline="")))
    assert rows[0] == CSV_HEADER
    assert len(rows) == 3
    example = json.loads(EXAMPLES[0].read_text())
    assert [(row[0], row[1]) for row in rows[1:]] == [(str(path), "1"), (str(path), "5")]
    for row in rows[1:]:
        cells = dict(zip(CSV_HEADER, row, strict=True))
        assert cells["respondent"] == example["respondent"]
        assert cells["completed"] == example["completed"]
        assert cells["impact"] == str(example["context"]["impact"])
        # examples/complete.json: every answer given, none prorated
        assert cells["crying_answered"] == "6"
        assert cells["total_answered"] == "18"
        assert cells["total_prorated"] == "false"
        assert cells["total_status"] == "scored"


def test_csv_cells_carry_the_score_exactly() -> None:
    done = run("score", *EXAMPLES, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(done.stdout, newline="")))
    assert len(rows) == len(EXAMPLES)
    for row, path in zip(rows, EXAMPLES, strict=True):
        score = blunting.score(json.loads(path.read_text())).to_dict()
        for part, result in [*score["domains"].items(), ("total", score["total"])]:
            for column, value in result.items():
                if column == "items":
                    continue
                expected = "" if value is None else json.dumps(value)
                assert row[f"{part}_{column}"] == expected.strip('"'), (path, part, column)
        impact = score["impact"]
        assert row["impact"] == ("" if impact is None else str(impact))


def test_json_format_is_one_array_of_the_jsonl_scores(tmp_path: Path) -> None:
    path = mixed_file(tmp_path)
    lines = run("score", path).stdout.splitlines()
    array = json.loads(run("score", path, "--format", "json").stdout)
    assert array == [json.loads(line) for line in lines]
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    done = run("score", empty, "--format", "json")
    assert (done.returncode, json.loads(done.stdout)) == (1, [])
    assert done.stderr == "blunting: no response found in the input\n"


def test_output_and_rejects_files(tmp_path: Path) -> None:
    path = mixed_file(tmp_path)
    output, rejects = tmp_path / "scores.jsonl", tmp_path / "rejects.txt"
    done = run("score", path, "--output", output, "--rejects", rejects)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == f"blunting: 2 scored, 2 rejected, 1 blank line skipped (see {rejects})\n"
    assert len(output.read_text().splitlines()) == 2
    assert rejects.read_text().splitlines() == mixed_problems(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [path.name, output.name, rejects.name]
    )


def test_an_unreadable_input_leaves_the_output_as_it_was(tmp_path: Path) -> None:
    output = tmp_path / "scores.jsonl"
    output.write_text("earlier scores\n")
    done = run("score", EXAMPLES[0], tmp_path, "--output", output)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"blunting: cannot read {tmp_path}: Is a directory"]
    assert output.read_text() == "earlier scores\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [output.name]


@pytest.mark.parametrize("where", ["missing/scores.jsonl", "."])
def test_an_output_that_cannot_be_written_is_a_usage_error(tmp_path: Path, where: str) -> None:
    done = run("score", EXAMPLES[0], "--output", tmp_path / where)
    assert done.returncode == 2
    assert done.stderr.startswith(f"blunting: cannot write {tmp_path / where}: ")
    assert len(done.stderr.splitlines()) == 1


@pytest.mark.parametrize("option", ["--form", "--rej", "--out"])
def test_an_option_is_taken_only_in_full(option: str) -> None:
    # a new option never changes what a script's abbreviation meant
    done = run("score", EXAMPLES[0], option, "x")
    assert done.returncode == 2
    assert "unrecognized arguments" in done.stderr
    assert option in done.stderr


@pytest.mark.skipif(not hasattr(signal, "SIGINT"), reason="needs SIGINT")
def test_ctrl_c_leaves_no_partial_output(tmp_path: Path) -> None:
    output = tmp_path / "scores.jsonl"
    output.write_text("earlier scores\n")
    line = EXAMPLES[0].read_text().replace("\n", "") + "\n"
    with subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "blunting", "score", "-", "--output", str(output)],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # as from a terminal, even when the tests run in a background job, which ignores SIGINT
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    ) as process:
        assert process.stdin is not None
        assert process.stderr is not None
        process.stdin.write(line * 10)
        process.stdin.flush()
        deadline = time.monotonic() + 60
        while not any(p.name.endswith(".part") for p in tmp_path.iterdir()):
            assert time.monotonic() < deadline, "the command never started its output"
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        stderr = process.stderr.read()
        status = process.wait(timeout=60)
    assert status == 130
    assert stderr.strip() == "blunting: interrupted"
    assert output.read_text() == "earlier scores\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [output.name]


def test_a_reader_that_stops_early_gets_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text((EXAMPLES[0].read_text().replace("\n", "") + "\n") * 20_000)
    with subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "blunting", "score", str(path), "--jobs", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None
        assert process.stderr is not None
        process.stdout.readline()
        process.stdout.close()  # like `| head -1`
        stderr = process.stderr.read()
        status = process.wait(timeout=60)
    assert b"Traceback" not in stderr
    assert b"Error" not in stderr
    assert status == -signal.SIGPIPE  # a shell shows 128 + 13 = 141 (docs/command-line.md)


# --- validate ---------------------------------------------------------------


def test_validate_prints_every_problem_and_exits_1(tmp_path: Path) -> None:
    path = mixed_file(tmp_path)
    done = run("validate", path, *EXAMPLES)
    assert done.returncode == 1
    assert done.stdout.splitlines() == mixed_problems(path)
    assert done.stderr == f"blunting: {2 + len(EXAMPLES)} valid, 2 invalid, 1 blank line skipped\n"


def test_validate_exits_0_when_all_are_valid() -> None:
    done = run("validate", *EXAMPLES)
    assert (done.returncode, done.stdout) == (0, "")
    assert done.stderr == f"blunting: {len(EXAMPLES)} valid, 0 invalid\n"


def test_validate_reads_standard_input_as_one_json_text_or_as_lines() -> None:
    pretty = EXAMPLES[0].read_text()
    assert "\n  " in pretty  # spread over lines: one JSON text
    done = run("validate", "-", stdin=pretty)
    assert (done.returncode, done.stderr) == (0, "blunting: 1 valid, 0 invalid\n")
    compact = json.dumps(json.loads(pretty))
    done = run("validate", "-", stdin=f"{compact}\n{{}}\n{compact}\n")
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        '<stdin>:2: /questionnaire: "questionnaire" is a required property',
        '<stdin>:2: /version: "version" is a required property',
        # the one questionnaire built in: what else the response lacks is said too
        '<stdin>:2: /answers: "answers" is a required property',
    ]
    assert done.stderr == "blunting: 2 valid, 1 invalid\n"


@pytest.mark.parametrize("command", ["validate", "score", "report"])
def test_unreadable_inputs_are_usage_errors(tmp_path: Path, command: str) -> None:
    extra = ("--output", str(tmp_path / "out.html")) if command == "report" else ()
    for unreadable, reason in [
        (tmp_path / "nope.json", "No such file or directory"),
        (tmp_path, "Is a directory"),
    ]:
        done = run(command, EXAMPLES[0], unreadable, *extra)
        assert done.returncode == 2
        assert done.stdout == ""
        assert done.stderr.splitlines() == [f"blunting: cannot read {unreadable}: {reason}"]


# --- schema -----------------------------------------------------------------


def test_schema_prints_the_questionnaire_and_score_schemas() -> None:
    done = run("schema")
    assert done.returncode == 0
    assert json.loads(done.stdout) == blunting.questionnaire().schema
    assert json.loads(run("schema", "questionnaire", "--version", "1.0.0").stdout) == (
        blunting.questionnaire("1.0.0").schema
    )
    assert json.loads(run("schema", "score").stdout) == SCORE_SCHEMA


def test_schema_of_an_unknown_version_is_a_usage_error() -> None:
    done = run("schema", "--version", "9.9.9")
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith('blunting: no version "9.9.9"')


# --- progress ---------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_progress_bar_shows_on_a_terminal_only(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text((EXAMPLES[0].read_text().replace("\n", "") + "\n") * 100_000)
    leader, follower = os.openpty()
    with subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "blunting", "score", str(path), "--jobs", "1"],
        stdout=subprocess.DEVNULL,
        stderr=follower,
    ) as process:
        os.close(follower)
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 1 << 16)
            except OSError:  # the terminal closed with the command
                break
            if not chunk:
                break
            shown += chunk
        assert process.wait(timeout=120) == 0
    os.close(leader)
    text = shown.decode()
    assert "blunting: " in text
    assert "%|" in text  # the bar: percent done, then the bar itself
    assert text.rstrip().endswith("blunting: 100,000 scored, 0 rejected")


# --- export, and scoring REDCap exports ------------------------------------


def test_export_fhir() -> None:
    done = run("export", "fhir")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == fhir.to_questionnaire(blunting.questionnaire())


def test_export_redcap_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "dictionary.csv"
    done = run("export", "redcap", "--version", "1.0.0", "--output", target)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    with target.open(newline="", encoding="utf-8") as file:
        assert file.read() == redcap.to_redcap_dictionary(blunting.questionnaire("1.0.0"))


def test_export_of_an_unknown_version() -> None:
    done = run("export", "fhir", "--version", "9.9.9")
    assert done.returncode == 2
    assert done.stderr.startswith("blunting: no version")


#: A REDCap raw-data export of the instrument, as REDCap writes it: a byte
#: order mark, CRLF, a quoted id with a newline, another instrument's column.
REDCAP_EXPORT = (
    "\ufeffrecord_id,redcap_event_name,"
    + ",".join(f"{d}_{i}" for d in ("crying", "empathy", "positive") for i in range(1, 7))
    + ",impact,"
    + ",".join(f"medications___{c}" for c in ("ssri", "snri", "mood_stabilizer", "other", "none"))
    + ",medications___unknown,sexual_side_effects,attribution,phq9_1,blunting_1_0_0_complete\r\n"
    + ",".join(["p1", "baseline", *"323231222122331233", "3", *"100000", "yes", "unsure", "4", "2"])
    + "\r\n"
    + ",".join(['"p\n2"', "baseline", "9", *[""] * 18, *"100010", "", "", "", "0"])
    + "\r\n"
    + ",".join(["p3", "baseline", *[""] * 19, *"000000", "", "", "", "0"])
    + "\r\n"
)


def test_score_from_redcap(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(REDCAP_EXPORT.encode())
    done = run("score", "--from", "redcap", path, "--format", "csv")
    assert done.returncode == 1
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [row["respondent"] for row in rows] == ["p1", "p3"]
    # examples/complete.json, worked by hand in docs/scoring.md
    assert (rows[0]["total_mean"], rows[0]["total_scaled"]) == ("2.44", "61.11")
    assert rows[1]["total_status"] == "unscorable_domains"
    assert done.stderr.splitlines() == [
        (
            f'{path}:3: record "p\\n2": crying_1: "9" is not a choice of crying_1 '
            "(0, 1, 2, 3, 4, asked_declined)"
        ),
        (
            f'{path}:3: record "p\\n2": medications: "None" goes alone: '
            "choose it without any other answer"
        ),
        "blunting: 2 scored, 1 rejected (problems above)",
    ]


def test_a_long_redcap_export_keeps_every_row_in_order(tmp_path: Path) -> None:
    header, good, bad, _ = REDCAP_EXPORT.split("\r\n", 3)
    rows = [
        (bad if index % 7 == 0 else good).replace("p1", f"r{index}", 1) for index in range(2500)
    ]
    path = tmp_path / "export.csv"
    path.write_text("\r\n".join([header, *rows]) + "\r\n", encoding="utf-8")
    done = run("score", "--from", "redcap", path, "--format", "csv")
    assert done.returncode == 1
    scored = [row["respondent"] for row in csv.DictReader(io.StringIO(done.stdout))]
    assert scored == [f"r{index}" for index in range(2500) if index % 7]
    rejected = [line for line in done.stderr.splitlines() if "crying_1" in line]
    assert len(rejected) == len(range(0, 2500, 7))
    assert rejected[1].startswith(
        f"{path}:10: "
    )  # row 0 (bad) takes lines 2-3: its id has a newline
    assert done.stderr.endswith("blunting: 2,142 scored, 358 rejected (problems above)\n")


def test_redcap_bytes_that_are_not_utf8_reject_their_row_only(tmp_path: Path) -> None:
    header, good, _, _ = REDCAP_EXPORT.split("\r\n", 3)
    text = "\r\n".join(
        [header, good, good.replace("p1", "p\udcff", 1), good.replace(",3,", ",\udcfe,", 1)]
    )
    path = tmp_path / "export.csv"
    path.write_bytes((text + "\r\n").encode("utf-8", "surrogateescape"))
    done = run("score", "--from", "redcap", path)
    assert done.returncode == 1
    assert [json.loads(line)["respondent"] for line in done.stdout.splitlines()] == ["p1"]
    assert done.stderr.splitlines() == [
        f'{path}:3: record "p\\udcff": record_id: the record id is not UTF-8 text',
        (
            f'{path}:4: record "p1": crying_1: "\\udcfe" is not a choice of crying_1 '
            "(0, 1, 2, 3, 4, asked_declined)"
        ),
        "blunting: 1 scored, 2 rejected (problems above)",
    ]


def test_score_from_redcap_with_a_header_that_does_not_fit(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("record_id,crying_1\r\n1,2\r\n")
    done = run("score", "--from", "redcap", path)
    assert done.returncode == 1
    assert done.stderr.startswith(f"{path}:1: (root): the header has no column")
    assert done.stderr.endswith("blunting: 0 scored, 1 rejected (problems above)\n")


def test_score_from_redcap_on_standard_input() -> None:
    done = run("score", "--from", "redcap", "-", stdin=REDCAP_EXPORT)
    assert done.returncode == 1
    assert len(done.stdout.splitlines()) == 2


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_files_written_all_at_once_honour_the_umask(tmp_path: Path, umask: int) -> None:
    """A file replaced all at once gets the mode a plainly created file would."""
    responses = mixed_file(tmp_path)
    written = {name: tmp_path / name for name in ("scores.csv", "rejects.txt", "r.html", "d.csv")}
    commands: list[list[str | Path]] = [
        ["score", responses, "--format", "csv", "--output", written["scores.csv"]],
        ["score", responses, "--rejects", written["rejects.txt"]],
        ["report", responses, "--output", written["r.html"]],
        ["export", "redcap", "--output", written["d.csv"]],
    ]
    for command in commands:
        assert run(*command, umask=umask).returncode in (0, 1)
    for path in written.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask, path.name


# --- score on a terminal: a table for people ---------------------------------


def score_on_a_terminal(*args: str | Path) -> tuple[int, str, str]:
    """``blunting score ARGS`` with its standard output a terminal: status, output, errors."""
    return in_terminal("score", *args, attached=("stdout",))


def test_on_a_terminal_score_prints_a_table_people_read(tmp_path: Path) -> None:
    path = tmp_path / "responses.jsonl"
    anonymous = {key: value for key, value in PAYLOADS[1].items() if key != "respondent"}
    path.write_text("\n".join(json.dumps(p) for p in [PAYLOADS[0], anonymous]) + "\n")
    status, shown, errors = score_on_a_terminal(path)
    assert status == 0, errors
    lines = shown.splitlines()
    assert lines[0].split() == [
        "respondent",
        "or",
        "line",
        "completed",
        "crying",
        "empathy",
        "positive",
        "total",
    ]
    assert set(lines[1]) == {"-"}
    for line, payload, who in [
        (lines[2], PAYLOADS[0], PAYLOADS[0].get("respondent")),
        (lines[3], anonymous, f"{path}:2"),
    ]:
        score = blunting.score(payload)
        cells = [
            UNSCORED if r.scaled is None else f"{r.scaled:.1f}{'*' if r.prorated else ''}"
            for r in [*score.domains.values(), score.total]
        ]
        expected_who = who if len(who) <= 24 else who[:23] + "\u2026"
        assert line.split() == [expected_who, (payload.get("completed") or "")[:10], *cells]
    words = " ".join(shown.split())
    assert "higher means more emotional blunting" in words
    assert "A score is not a diagnosis" in words
    assert "{" not in shown  # no JSON for people
    # piped, or to a file, the output stays JSON lines, for programs
    assert run("score", path).stdout.startswith('{"source":')


UNSCORED = "-"
