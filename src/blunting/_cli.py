"""The ``blunting`` command line: ``blunting score FILE...``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from blunting._api import score
from blunting._errors import InvalidResponse
from blunting._json import JSONTextError, loads
from blunting._version import __version__

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

#: Exit statuses.
OK, REJECTED, USAGE = 0, 1, 2

_LINE_SUFFIXES = (".jsonl", ".ndjson")


def _payloads(path: Path, data: bytes) -> Iterator[tuple[int, object | JSONTextError]]:
    """``(line number, payload or parse error)`` for each response in a file.

    A ``.jsonl`` or ``.ndjson`` file holds one response per non-blank line;
    any other file holds one JSON response.
    """
    if path.suffix.lower() not in _LINE_SUFFIXES:
        try:
            yield 1, loads(data)
        except JSONTextError as error:
            yield 1, error
        return
    for number, line in enumerate(data.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            yield number, loads(line)
        except JSONTextError as error:
            yield number, error


def _score_files(paths: Sequence[Path]) -> int:
    status = OK
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as error:
            print(f"blunting: cannot read {path}: {error.strerror}", file=sys.stderr)
            return USAGE
        for number, payload in _payloads(path, data):
            if isinstance(payload, JSONTextError):
                print(f"{path}:{number}: (root): {payload}", file=sys.stderr)
                status = REJECTED
                continue
            try:
                result = score(payload)
            except InvalidResponse as error:
                for problem in error.problems:
                    print(f"{path}:{number}: {problem}", file=sys.stderr)
                status = REJECTED
                continue
            print(json.dumps(result.to_dict(), ensure_ascii=False))
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="blunting",
        description="Check and score emotional-blunting questionnaire responses. "
        "A score is not a diagnosis.",
    )
    parser.add_argument("--version", action="version", version=f"blunting {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    scorer = commands.add_parser(
        "score",
        help="score responses, printing one JSON score per line",
        description="Score each response in each FILE and print one JSON score per line. "
        "A .jsonl or .ndjson file holds one response per line; any other file holds one. "
        "Problems go to standard error as FILE:LINE: /json/pointer: message.",
        epilog="example: blunting score examples/complete.json",
    )
    scorer.add_argument("files", nargs="+", type=Path, metavar="FILE")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 rejected input, 2 usage)."""
    arguments = _parser().parse_args(argv)
    return _score_files(arguments.files)


def run() -> None:
    """The console script: run and exit with the status."""
    sys.exit(main())
