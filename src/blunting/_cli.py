"""The ``blunting`` command line: ``blunting score FILE...``."""

from __future__ import annotations

import argparse
import collections
import itertools
import multiprocessing
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from blunting._stream import Rejection, score_stream
from blunting._version import __version__

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

#: Exit statuses.
OK, REJECTED, USAGE = 0, 1, 2

_LINE_SUFFIXES = (".jsonl", ".ndjson")


#: Lines scored together, in one process, between writes.
_CHUNK = 2_000
#: A file of more lines than this is scored by several processes.
_PARALLEL_FROM = 20_000


def _inputs(path: Path) -> Iterator[str | bytes]:
    """The responses of a file as JSON texts: one per line of a ``.jsonl`` or ``.ndjson`` file.

    Lines are read as UTF-8 with undecodable bytes kept (as lone surrogates),
    so that such a line is rejected on its own and the rest still read.
    """
    if path.suffix.lower() not in _LINE_SUFFIXES:
        yield path.read_bytes()
        return
    with path.open(encoding="utf-8", errors="surrogateescape", newline="\n") as lines:
        yield from lines


#: A chunk of inputs: the file's name, the line number of the first, the texts.
_Chunk = tuple[str, int, list[str | bytes]]
#: What scoring a chunk gives: the scores' JSON lines, and the problem lines.
_Scored = tuple[str, list[str]]


def _score_chunk(chunk: _Chunk) -> _Scored:
    name, first, texts = chunk
    scores: list[str] = []
    problems: list[str] = []
    for result in score_stream(texts):
        if isinstance(result, Rejection):
            problems += (f"{name}:{first + result.index}: {p}" for p in result.problems)
        else:
            scores.append(result.to_json())
    return "".join(line + "\n" for line in scores), problems


def _chunks(path: Path) -> Iterator[_Chunk]:
    texts: list[str | bytes] = []
    first = 1
    for texts_read, text in enumerate(_inputs(path), start=1):
        texts.append(text)
        if len(texts) == _CHUNK:
            yield str(path), first, texts
            texts, first = [], texts_read + 1
    if texts:
        yield str(path), first, texts


def _scored(chunks: Iterator[_Chunk], jobs: int) -> Iterator[_Scored]:
    """Each chunk scored, in order: here, or by ``jobs`` processes for a long input.

    At most ``2 * jobs`` chunks are out at once, so memory stays flat.
    """
    if jobs <= 1:
        yield from map(_score_chunk, chunks)
        return
    ahead = list(itertools.islice(chunks, _PARALLEL_FROM // _CHUNK))
    if len(ahead) < _PARALLEL_FROM // _CHUNK:  # too short to be worth more processes
        yield from map(_score_chunk, ahead)
        return
    with multiprocessing.Pool(jobs) as pool:
        running = collections.deque(pool.apply_async(_score_chunk, (c,)) for c in ahead)
        for chunk in chunks:
            yield running.popleft().get()
            running.append(pool.apply_async(_score_chunk, (chunk,)))
        while running:
            yield running.popleft().get()


def _score_files(paths: Sequence[Path], jobs: int) -> int:
    status = OK
    for path in paths:
        try:
            for scores, problems in _scored(_chunks(path), jobs):
                sys.stdout.write(scores)
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
