"""The command line, through its real entry point (``python -m blunting``)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from jsonschema import Draft202012Validator

import blunting
from conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path

EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
SCORE_SCHEMA = json.loads((ROOT / "schemas" / "vocabulary" / "1" / "score.json").read_text())


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "blunting", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_scores_the_examples() -> None:
    assert EXAMPLES
    done = run("score", *EXAMPLES)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    lines = done.stdout.splitlines()
    assert len(lines) == len(EXAMPLES)
    for line, path in zip(lines, EXAMPLES, strict=True):
        score = json.loads(line)
        Draft202012Validator(SCORE_SCHEMA).validate(score)
        assert score["respondent"] == json.loads(path.read_text())["respondent"]


def test_a_rejected_line_in_the_middle_of_a_jsonl_file(tmp_path: Path) -> None:
    good = json.loads(EXAMPLES[0].read_text())
    bad = {**good, "answers": {"crying_1": 9}}
    path = tmp_path / "responses.jsonl"
    path.write_text(
        "\n".join([json.dumps(good), json.dumps(bad), "", "{oops", json.dumps(good)]) + "\n"
    )
    done = run("score", path)
    assert done.returncode == 1
    assert len(done.stdout.splitlines()) == 2
    assert done.stderr.splitlines() == [
        f"{path}:2: /answers/crying_1: 9 is greater than the maximum of 4",
        f"{path}:3: (root): no JSON value: the text is blank",
        (
            f"{path}:4: (root): not valid JSON: Expecting property name enclosed in double quotes "
            "at line 1 column 2"
        ),
    ]


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
    done = run("score", "--help")
    assert done.returncode == 0
    assert "example: blunting score" in done.stdout
