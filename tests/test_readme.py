"""The README's embedding example runs and prints what its comments say."""

from __future__ import annotations

import contextlib
import io
import re

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_embedding_example_prints_what_it_says() -> None:
    (code,) = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(code, {})  # noqa: S102 - our own README
    lines = printed.getvalue().splitlines()
    assert lines[:2] == ["2.6", "insufficient_answers"]
    assert lines[2].startswith("{'questionnaire': 'blunting'")
