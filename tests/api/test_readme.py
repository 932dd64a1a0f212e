"""The README's Python examples run and print what their comments say."""

from __future__ import annotations

import contextlib
import io
import json
import re
from typing import TYPE_CHECKING

from conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

README = (ROOT / "README.md").read_text(encoding="utf-8")
EMBEDDING, STREAMING, FORMATS = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


def _run(code: str) -> list[str]:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(code, {})  # noqa: S102 - our own README
    return printed.getvalue().splitlines()


def test_embedding_example_prints_what_it_says() -> None:
    lines = _run(EMBEDDING)
    assert lines[:2] == ["2.6", "insufficient_answers"]
    assert lines[2].startswith("{'questionnaire': 'blunting'")


def test_streaming_example_prints_a_score_or_the_problems_of_each_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    example = (ROOT / "examples" / "complete.json").read_bytes()
    line = json.dumps(json.loads(example)).encode()
    (tmp_path / "responses.jsonl").write_bytes(line + b"\n\n" + b'{"a": "\xff"}\n' + line + b"\n")
    monkeypatch.chdir(tmp_path)
    lines = _run(STREAMING)
    assert len(lines) == 4
    assert json.loads(lines[0])["respondent"] == "example-001"
    assert lines[1] == "2 ['(root): no JSON value: the text is blank']"
    assert lines[2].startswith("3 ['(root): not UTF-8 text")
    assert lines[3] == lines[0]


def test_formats_example_reads_a_response_and_an_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from blunting import fhir  # noqa: PLC0415

    example = json.loads((ROOT / "examples" / "complete.json").read_text(encoding="utf-8"))
    response = fhir.to_questionnaire_response(example)
    (tmp_path / "response.json").write_text(json.dumps(response), encoding="utf-8")
    items = [f"{d}_{i}" for d in ("crying", "empathy", "positive") for i in range(1, 7)]
    header = ["record_id", *items, "impact"]
    header += [f"medications___{c}" for c in ("ssri", "snri", "mood_stabilizer", "other")]
    header += ["medications___none", "medications___unknown", "sexual_side_effects"]
    header += ["attribution", "blunting_1_0_0_complete"]
    good = ["p1", *(str(example["answers"][i]) for i in items), "3", "1", *"00000", "", "", "2"]
    bad = ["p2", "9", *[""] * 18, *"000000", "", "", "0"]  # 17 items and impact blank
    rows = [header, good, bad]
    text = "".join(",".join(row) + "\r\n" for row in rows)
    (tmp_path / "export.csv").write_text("\ufeff" + text, encoding="utf-8", newline="")
    monkeypatch.chdir(tmp_path)
    assert _run(FORMATS) == [
        "61.11",  # docs/scoring.md, worked by hand
        "61.11",
        "p2 ['crying_1: \"9\" is not a choice of crying_1 (0, 1, 2, 3, 4, asked_declined)']",
    ]


def test_the_quick_starts_table_is_what_score_prints() -> None:
    from conftest import run  # noqa: PLC0415

    (shown,) = re.findall(r"```text\n(respondent or line.*?)```", README, flags=re.DOTALL)
    examples = sorted((ROOT / "examples").glob("*.json"))
    done = run("score", "--format", "table", *examples)
    assert done.returncode == 0
    assert done.stdout.startswith(shown)
