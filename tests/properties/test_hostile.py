"""Hostile inputs give InvalidResponse (or a Rejection) with a clear problem, and nothing else.

The cases are in tests/hostile.py; benchmarks/refusals.py times them. Memory
is bounded here: tracemalloc's peak while each is refused.
"""

from __future__ import annotations

import re
import tracemalloc
from typing import TYPE_CHECKING, Any

import pytest

import blunting
from blunting._schema import _limits
from blunting._text import _json
from conftest import ROOT, run
from hostile import BIG, PAYLOADS, TEXTS

if TYPE_CHECKING:
    from pathlib import Path

#: The most memory refusing one input may take, beyond the input itself.
MOST_MEMORY = 2 * BIG + (8 << 20)  # jsonschema's message holds the 10 MB string, once


def _ids(cases: list[Any]) -> list[str]:
    return [case[0] for case in cases]


#: A quoted value in a message: what was sent, shown as it was.
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


def _counts_have_separators(message: str) -> bool:
    """Whether every number of 1,000 or more in a message, outside quoted values, has commas."""
    return re.search(r"(?<![\d,.])\d{4,}", _QUOTED.sub('""', message)) is None


@pytest.mark.parametrize(("what", "payload", "path", "keyword"), PAYLOADS, ids=_ids(PAYLOADS))
def test_each_hostile_payload_is_refused_with_its_problem(
    what: str, payload: Any, path: str | None, keyword: str | None
) -> None:
    del what
    tracemalloc.start()
    try:
        if path is None:
            assert blunting.score(payload).domains["crying"].answered == 1
            return
        with pytest.raises(blunting.InvalidResponse) as raised:
            blunting.score(payload)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    first = raised.value.problems[0]
    assert (first.path, first.keyword) == (path, keyword)
    assert all(_counts_have_separators(p.message) for p in raised.value.problems)
    assert len(str(raised.value)) < 300
    assert peak < MOST_MEMORY
    with pytest.raises(blunting.InvalidResponse):
        blunting.validate(payload)


@pytest.mark.parametrize(("what", "text", "path"), TEXTS, ids=_ids(TEXTS))
def test_each_hostile_text_is_rejected_in_a_stream(
    what: str, text: bytes, path: str | None
) -> None:
    del what
    tracemalloc.start()
    try:
        results = list(blunting.score_stream([text, text.decode("utf-8", "surrogateescape")]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    for result in results:
        if path is None:
            assert isinstance(result, blunting.Score)
        else:
            assert isinstance(result, blunting.Rejection)
            assert result.problems[0].path == path
            assert len(str(result.problems[0])) < 300
            assert _counts_have_separators(result.problems[0].message), result.problems[0]
    assert peak < MOST_MEMORY + 4 * len(text)


def test_the_command_line_reports_every_hostile_line_at_its_place(tmp_path: Path) -> None:
    path = tmp_path / "hostile.jsonl"
    path.write_bytes(b"\n".join(text for _, text, _ in TEXTS) + b"\n")
    done = run("validate", path)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    reported: dict[int, str] = {}
    for line in done.stdout.splitlines():
        match = re.match(rf"{re.escape(str(path))}:([0-9]+): (\(root\)|/[^ ]*): ", line)
        assert match, line
        reported.setdefault(int(match[1]), match[2])
    expected = {
        number: ("(root)" if path == "" else path)
        for number, (_, _, path) in enumerate(TEXTS, 1)
        if path is not None
    }
    assert reported == expected


@pytest.mark.parametrize(("what", "text", "path"), TEXTS[:5], ids=_ids(TEXTS[:5]))
def test_the_command_line_refuses_a_hostile_file_at_once(
    tmp_path: Path, what: str, text: bytes, path: str | None
) -> None:
    del what
    file = tmp_path / "response.json"
    file.write_bytes(text)
    done = run("score", file)
    assert done.returncode == 1
    assert done.stdout == ""
    assert f"{file}:1: {'(root)' if path == '' else path}: " in done.stderr


def test_the_docs_state_the_limits_that_are_enforced() -> None:
    readme = (ROOT / "docs" / "app-developers.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| a payload (parsed) |"))
    assert f"{_json.MAX_DEPTH} levels deep" in row
    assert f"{_limits.MAX_MEMBERS:,} members in one object" in row
    assert f"{_limits.MAX_VALUES:,} values in all" in row
    assert f"| nesting, in text | {_json.MAX_DEPTH} levels |" in readme
    assert f"{blunting.MAX_TEXT_BYTES:,} bytes of UTF-8" in readme


def test_a_payload_of_more_values_than_the_limit_is_refused_at_once() -> None:
    many = [list(range(_limits.MAX_MEMBERS))] * (_limits.MAX_VALUES // _limits.MAX_MEMBERS + 1)
    payload = {"questionnaire": "blunting", "version": "1.0.0", "answers": {}, "extra": many}
    with pytest.raises(blunting.InvalidResponse) as raised:
        blunting.score(payload)
    assert [(p.path, p.keyword) for p in raised.value.problems] == [("", "limit")]
    assert "more than 10,000 values" in str(raised.value)


def test_long_lines_are_rejected_each_at_their_line_without_being_held(tmp_path: Path) -> None:
    good = (ROOT / "examples" / "complete.json").read_bytes().replace(b"\n", b"")
    long = b'{"x": "' + b"y" * (3 * blunting.MAX_TEXT_BYTES) + b'"}'
    path = tmp_path / "long.jsonl"
    path.write_bytes(b"\n".join([good, long, good, long]))  # the last line has no newline
    done = run("validate", path)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"{path}:{line}: (root): JSON text of at least 1,048,577 bytes is longer than the "
        "limit of 1,048,576"
        for line in (2, 4)
    ]
    assert "2 valid, 2 invalid" in done.stderr
