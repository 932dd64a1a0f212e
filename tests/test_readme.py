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
EMBEDDING, STREAMING = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


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
