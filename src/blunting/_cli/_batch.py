"""The one batch runner of the command line: every input, in blocks, in order, counted.

``validate``, ``score`` and ``report`` all run here. A source is read in
blocks (``_inputs``); each block is checked or scored on its own (here, or by
worker processes for a long input) and its results handed on in input order.
Nothing is kept once handed on, so memory stays flat.
"""

from __future__ import annotations

import collections
import functools
import itertools
import multiprocessing
import os
import sys
from typing import TYPE_CHECKING, Any, BinaryIO

import attrs

from blunting import _questionnaire
from blunting._api import results, score, validate
from blunting._cli._inputs import Block, Source, texts_of
from blunting._cli._outputs import csv_lines, csv_row, json_lines
from blunting._errors import InvalidResponse, Rejection
from blunting._text import describe

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from tqdm import tqdm

#: An input of more blocks than this is handled by several processes.
_PARALLEL_FROM = 10
#: Rows of a REDCap export handled together.
_REDCAP_ROWS = 1000


class UsageError(Exception):
    """A usage or I/O problem: printed as one line, with exit status 2."""


@attrs.frozen
class Done:
    """What handling one block gives: small enough to cross between processes."""

    #: Text to write to the output, in UTF-8.
    output: bytes
    #: One ``NAME:LINE: /pointer: message`` line per problem.
    problems: list[str]
    #: How many inputs were valid (and scored, when scoring).
    accepted: int
    #: How many were not.
    rejected: int
    #: The bytes of input it came from.
    size: int
    #: For a task that keeps what it made (``report``): each, with its place ``NAME:LINE``.
    kept: list[tuple[str, Any]] = attrs.Factory(list)


@attrs.frozen
class Task:
    """What a batch does with each valid payload, and how its results are written."""

    #: ``payload -> result``; raises :class:`InvalidResponse` for an invalid one.
    make: Callable[[Any], Any]
    #: The output text of a block's results.
    write: Callable[[list[Any]], bytes]
    #: ``payload -> result`` for a payload that a reader has checked already
    #: (a row of a REDCap export): it is not checked again.
    make_valid: Callable[[Any], Any] | None = None
    #: Whether the results are kept, with their places, rather than written.
    keep: bool = False


def _nothing(_made: list[Any]) -> bytes:
    return b""


def _score_text(payload: object, *, valid: bool = False) -> str:
    return _questionnaire.score_text(_questionnaire.dispatch(payload), payload, valid=valid)


_JSON_LINES = Task(_score_text, json_lines, functools.partial(_score_text, valid=True))

#: Every task, by name: an output format of ``score``, or another command. The
#: ``json`` format writes the same lines as ``jsonl``, framed as one array.
TASKS = {
    "jsonl": _JSON_LINES,
    "json": _JSON_LINES,
    "csv": Task(csv_row, csv_lines, functools.partial(csv_row, valid=True)),
    "validate": Task(validate, _nothing),
    "report": Task(score, _nothing, keep=True),
}


def problem_lines(name: str, line: int, rejection: Rejection) -> Iterator[str]:
    """A rejection's problems, each as ``NAME:LINE: /pointer: message``."""
    return (f"{name}:{line}: {problem}" for problem in rejection.problems)


def handle(task: str, block: Block) -> Done:
    """Check (``task`` "validate"), score or keep a block, one response a line or all of it.

    Lines are parsed as bytes, so that a line that is not UTF-8 is rejected
    on its own.
    """
    name, first, data, _ = block
    texts = texts_of(block)
    work = TASKS[task]
    made: list[Any] = []
    kept: list[tuple[str, Any]] = []
    problems: list[str] = []
    for index, result in enumerate(results(texts, work.make)):
        if isinstance(result, Rejection):
            problems += problem_lines(name, first + index, result)
        elif work.keep:
            kept.append((f"{name}:{first + index}", result))
        else:
            made.append(result)
    accepted = len(made) + len(kept)
    return Done(work.write(made), problems, accepted, len(texts) - accepted, len(data), kept)


def handled(task: str, blocks: Iterator[Block], jobs: int) -> Iterator[Done]:
    """Each block handled, in order: here, or by ``jobs`` processes for a long input.

    At most ``2 * jobs`` blocks are out at once, so memory stays flat.
    """
    work = functools.partial(handle, task)
    if jobs <= 1 or TASKS[task].keep:
        yield from map(work, blocks)
        return
    ahead = list(itertools.islice(blocks, _PARALLEL_FROM + 1))
    if len(ahead) <= _PARALLEL_FROM:  # too short to be worth more processes
        yield from map(work, ahead)
        return
    with multiprocessing.Pool(jobs) as pool:
        running = collections.deque(pool.apply_async(work, (block,)) for block in ahead[: 2 * jobs])
        for block in itertools.chain(ahead[2 * jobs :], blocks):
            yield running.popleft().get()
            running.append(pool.apply_async(work, (block,)))
        while running:
            yield running.popleft().get()


def redcap_handled(task: str, source: Source) -> Iterator[Done]:
    """Score (``task``: an output format) the rows of a REDCap export, in blocks of rows.

    A rejected row's problems read ``NAME:LINE: record ID: column: message``.
    """
    from blunting._interchange import from_redcap_export  # noqa: PLC0415

    make = TASKS[task].make_valid
    if make is None:  # the command line offers --from redcap to score only
        raise AssertionError(f"no way to {task} rows that a reader has checked")
    write = TASKS[task].write
    with source.text() as (file, read):
        try:
            rows = from_redcap_export(file)
        except InvalidResponse as error:
            yield Done(b"", [f"{source.name}:1: {p}" for p in error.problems], 0, 1, read())
            return
        made: list[Any] = []
        problems: list[str] = []
        rejected = 0
        done = 0  # bytes read, and counted in a Done, so far
        for result in rows:
            if isinstance(result, Rejection):
                rejected += 1
                problems += (
                    f"{source.name}:{result.line}: record {describe(result.record)}: {problem}"
                    for problem in result.problems
                )
            else:
                made.append(make(result))  # checked by the reader: valid
            if len(made) + rejected >= _REDCAP_ROWS:
                yield Done(write(made), problems, len(made), rejected, read() - done)
                done = read()
                made, problems, rejected = [], [], 0
        yield Done(write(made), problems, len(made), rejected, read() - done)


def sources(arguments: Iterable[str]) -> list[Source]:
    """The inputs named, once each is known to be readable; else :class:`UsageError`."""
    found = [Source(argument) for argument in arguments]
    for source in found:
        why = source.check()
        if why is not None:
            raise UsageError(why)
    return found


def _progress(total: int | None) -> tqdm[Any] | None:
    """A progress bar over bytes read, on standard error when it is a terminal."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm  # noqa: PLC0415 - only a terminal needs it

    try:
        columns, lines = os.get_terminal_size(sys.stderr.fileno())
    except OSError:  # pragma: no cover - a terminal that will not say its size
        columns = lines = 0
    return tqdm(
        total=total,
        # a terminal that says it has no size would get no bar
        ncols=columns or 80,
        nrows=lines or 24,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        delay=0.5,  # a short input is done before any bar shows
        leave=False,
        file=sys.stderr,
        desc="blunting",
    )


def _report_problems(lines: list[str], to: BinaryIO, bar: tqdm[Any] | None) -> None:
    # a REDCap record id that was not UTF-8 is shown escaped
    text = "".join(line + "\n" for line in lines).encode(errors="backslashreplace")
    if bar is not None and to is sys.stderr.buffer:
        with bar.external_write_mode():
            to.write(text)
            to.flush()
    else:
        to.write(text)


def run(  # noqa: PLR0913 - what a batch is: its task, inputs and outputs
    task: str,
    inputs: list[Source],
    *,
    source_format: str,
    jobs: int,
    output: Callable[[Done], object],
    problems: BinaryIO,
) -> tuple[int, int]:
    """Handle every input in order; the counts of accepted and rejected inputs.

    Each block's :class:`Done` goes to ``output``, its problems to
    ``problems``. JSON inputs are read in blocks of lines (by ``jobs``
    processes when long); REDCap exports (``source_format`` "redcap") in
    blocks of rows.
    """
    sizes = [source.size() for source in inputs]
    total = None if None in sizes else sum(size or 0 for size in sizes)
    accepted = rejected = 0
    bar = _progress(total)
    try:
        for source in inputs:
            dones = (
                redcap_handled(task, source)
                if source_format == "redcap"
                else handled(task, source.blocks(), jobs)
            )
            try:
                for done in dones:
                    output(done)
                    if done.problems:
                        _report_problems(done.problems, problems, bar)
                    accepted += done.accepted
                    rejected += done.rejected
                    if bar is not None:
                        bar.update(done.size)
            except OSError as error:
                raise UsageError(f"cannot read {source.name}: {error.strerror}") from None
    finally:
        if bar is not None:
            bar.close()
    return accepted, rejected
