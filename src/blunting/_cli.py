"""The ``blunting`` command line: ``blunting score FILE...``."""

from __future__ import annotations

import argparse
import collections
import itertools
import multiprocessing
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from blunting._api import score_text
from blunting._stream import Rejection, results
from blunting._version import __version__

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

#: Exit statuses.
OK, REJECTED, USAGE = 0, 1, 2

_LINE_SUFFIXES = (".jsonl", ".ndjson")


#: Bytes of whole lines read, and scored together, at a time (the last line
#: of a block runs on into the next block when it is longer).
_BLOCK = 1 << 20
#: A file of more blocks than this is scored by several processes.
_PARALLEL_FROM = 10

#: A block of a file: its name, the line number of its first line, its bytes,
#: and whether they are lines of JSON (or else one JSON text).
_Block = tuple[str, int, bytes, bool]
#: What scoring a block gives: the scores' JSON lines (UTF-8), and the problem lines.
_Scored = tuple[bytes, list[str]]


def _blocks(path: Path) -> Iterator[_Block]:
    """The file in blocks of whole lines; a file that is not ``.jsonl`` is one block."""
    with path.open("rb") as file:
        if path.suffix.lower() in _LINE_SUFFIXES:
            yield from _blocks_of(file, str(path))
        else:
            yield str(path), 1, file.read(), False


def _blocks_of(file: BinaryIO, name: str) -> Iterator[_Block]:
    """The lines of ``file`` in blocks of about ``_BLOCK`` bytes, each ending a line."""
    first, rest = 1, b""
    while block := file.read(_BLOCK):
        block = rest + block
        end = block.rfind(b"\n") + 1
        if end:
            yield name, first, block[:end], True
            first += block.count(b"\n", 0, end)
        rest = block[end:]
    if rest:
        yield name, first, rest, True


def _score_block(block: _Block) -> _Scored:
    """Score a block: one response a line (numbered from ``first``), or all of it.

    Lines are parsed as bytes, so that a line that is not UTF-8 is rejected
    on its own.
    """
    name, first, data, lines = block
    texts = [data]
    if lines:
        texts = data.split(b"\n")
        if data.endswith(b"\n"):
            texts.pop()
    scores: list[str] = []
    problems: list[str] = []
    for result in results(texts, score_text):
        if isinstance(result, Rejection):
            problems += (f"{name}:{first + result.index}: {p}" for p in result.problems)
        else:
            scores.append(result)
    scores.append("")  # a newline after the last score too
    return "\n".join(scores).encode(), problems


def _scored(blocks: Iterator[_Block], jobs: int) -> Iterator[_Scored]:
    """Each block scored, in order: here, or by ``jobs`` processes for a long input.

    At most ``2 * jobs`` blocks are out at once, so memory stays flat.
    """
    if jobs <= 1:
        yield from map(_score_block, blocks)
        return
    ahead = list(itertools.islice(blocks, _PARALLEL_FROM + 1))
    if len(ahead) <= _PARALLEL_FROM:  # too short to be worth more processes
        yield from map(_score_block, ahead)
        return
    with multiprocessing.Pool(jobs) as pool:
        running = collections.deque(
            pool.apply_async(_score_block, (block,)) for block in ahead[: 2 * jobs]
        )
        for block in itertools.chain(ahead[2 * jobs :], blocks):
            yield running.popleft().get()
            running.append(pool.apply_async(_score_block, (block,)))
        while running:
            yield running.popleft().get()


def _score_files(paths: Sequence[Path], jobs: int) -> int:
    """Print the scores of every file's responses as JSON lines, in UTF-8."""
    status = OK
    sys.stdout.flush()
    out = sys.stdout.buffer
    for path in paths:
        try:
            for scores, problems in _scored(_blocks(path), jobs):
                out.write(scores)
                if problems:
                    status = REJECTED
                    sys.stderr.write("".join(line + "\n" for line in problems))
        except OSError as error:
            print(f"blunting: cannot read {path}: {error.strerror}", file=sys.stderr)
            return USAGE
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
    scorer.add_argument(
        "--jobs",
        type=_positive,
        default=os.cpu_count() or 1,
        metavar="N",
        help="processes to score a long JSONL file with (default: one per CPU, %(default)s here)",
    )
    return parser


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of processes")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 rejected input, 2 usage)."""
    arguments = _parser().parse_args(argv)
    return _score_files(arguments.files, arguments.jobs)


def run() -> None:
    """The console script: run and exit with the status."""
    sys.exit(main())
