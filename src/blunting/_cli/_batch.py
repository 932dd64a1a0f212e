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
from blunting._cli._inputs import STDIN, STDIN_NAME, Block, Source, UsageError, texts_of
from blunting._cli._outputs import Made, csv_lines, csv_row, json_lines, table_lines
from blunting._errors import InvalidResponse, Problem, Rejection
from blunting._text import JSONTextError, describe, loads

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

    from tqdm import tqdm

    from blunting._scoring import Score

#: An input of more blocks than this is handled by several processes.
_PARALLEL_FROM = 10
#: Rows of a REDCap export handled together.
_REDCAP_ROWS = 1000


#: What a task that keeps its results keeps of each: its place ``NAME:LINE``, a
#: REDCap row's event columns (``None`` for other inputs), and the result.
Kept = tuple[str, "Mapping[str, str | None] | None", Any]


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
    #: For a task that keeps what it made (``report``, ``stats``): each, as :data:`Kept`.
    kept: list[Kept] = attrs.Factory(list)
    #: How many blank lines held no response, and were skipped.
    blank: int = 0


@attrs.frozen
class Task:
    """What a batch does with each valid payload, and how its results are written."""

    #: ``payload -> result``; raises :class:`InvalidResponse` for an invalid one.
    make: Callable[[Any], Any]
    #: The output text of a block's results, each with where it came from.
    write: Callable[[str, list[Made]], bytes]
    #: ``payload -> result`` for a payload that a reader has checked already
    #: (a row of a REDCap export): it is not checked again.
    make_valid: Callable[[Any], Any]
    #: Whether the results are kept, with their places, rather than written.
    keep: bool = False


def _nothing(_source: str, _made: list[Made]) -> bytes:
    return b""


def _score_text(payload: object, *, valid: bool = False) -> str:
    return _questionnaire.score_text(_questionnaire.dispatch(payload), payload, valid=valid)


def _valid(_payload: object) -> None:
    """Validate a payload that a reader has checked already: nothing more to do."""


def _checked(payload: object) -> object:
    """The payload itself, once it is known to be valid (``stats`` keeps the answers)."""
    validate(payload)
    return payload


def _same(payload: object) -> object:
    return payload


def _score_and_context(payload: Any) -> tuple[Score, Any]:
    """A payload's score, and its answers to context questions as given (``report``).

    A score's ``impact`` is ``None`` both when the question was not answered and
    when the person preferred not to answer; the page tells the two apart.
    """
    return score(payload), payload.get("context")


_JSON_LINES = Task(_score_text, json_lines, functools.partial(_score_text, valid=True))

#: Every task, by name: an output format of ``score``, or another command. The
#: ``json`` format writes the same lines as ``jsonl``, framed as one array.
TASKS = {
    "jsonl": _JSON_LINES,
    "json": _JSON_LINES,
    "csv": Task(csv_row, csv_lines, functools.partial(csv_row, valid=True)),
    "table": Task(score, table_lines, score),
    "validate": Task(validate, _nothing, _valid),
    "report": Task(_score_and_context, _nothing, _score_and_context, keep=True),
    "stats": Task(_checked, _nothing, _same, keep=True),
}


def problem_lines(name: str, line: int, rejection: Rejection) -> Iterator[str]:
    """A rejection's problems, each as ``NAME:LINE: /pointer: message``."""
    return (f"{name}:{line}: {problem}" for problem in rejection.problems)


#: What a blank line starts with, if anything: bytes that sort before every
#: byte a JSON text can start with.
_SPACES = (b"", b" ", b"\t", b"\r")


def _may_be_blank(texts: list[bytes]) -> bool:
    """Whether any line may be blank: one may only if the least of them starts with a space.

    ``min`` compares at C speed; nearly every block has no line to look at again.
    """
    return bool(texts) and min(texts)[:1] in _SPACES


def source_of(name: str) -> str:
    """The ``source`` of an output row: the file, or ``-`` for standard input."""
    return STDIN if name == STDIN_NAME else name


def _one_text(block: Block) -> tuple[list[Any], list[str]]:
    """A whole-file JSON text parsed, or its problem at the line where its syntax breaks."""
    try:
        return [loads(block.data)], []
    except JSONTextError as error:
        problem = Problem("", str(error), "json")
        return [], [f"{block.name}:{error.line or block.first}: {problem}"]


def _bundle(value: Any) -> list[Any] | None:
    """The resources of a FHIR Bundle's entries, in order; ``None`` if not a Bundle."""
    if type(value) is not dict or value.get("resourceType") != "Bundle":
        return None
    entries = value.get("entry")
    if type(entries) is not list:
        return []
    return [e.get("resource", e) if type(e) is dict else e for e in entries]


def _maker(task: str, source_format: str) -> Callable[[Any], Any]:
    """``payload -> result`` of a task, or ``resource -> result`` for FHIR resources."""
    make = TASKS[task].make
    if source_format != "fhir":
        return make
    from blunting._interchange import from_questionnaire_response  # noqa: PLC0415

    valid = TASKS[task].make_valid

    def made(resource: Any) -> Any:
        return valid(from_questionnaire_response(resource))  # the payload it gives is valid

    return made


def handle(task: str, block: Block, source_format: str = "json") -> Done:
    """Check (``task`` "validate"), score or keep a block's responses, in order.

    Lines are parsed as bytes, so that a line that is not UTF-8 is rejected
    on its own; a blank line holds no response, and is counted as such.
    """
    name, first = block.name, block.first
    if block.problem is not None:
        return Done(b"", [f"{name}:{first}: (root): {block.problem}"], 0, 1, block.size)
    texts: list[Any] = texts_of(block)
    numbers = range(first, first + len(texts))
    problems: list[str] = []
    blank = 0
    if block.lines:
        if _may_be_blank(texts):
            numbered = [(n, t) for n, t in zip(numbers, texts, strict=True) if t.strip(b" \t\r")]
            blank = len(texts) - len(numbered)
            numbers, texts = [n for n, _ in numbered], [t for _, t in numbered]  # type: ignore[assignment]
    elif not block.array:
        texts, problems = _one_text(block)
        numbers = range(first, first + len(texts))
        resources = _bundle(texts[0]) if texts and source_format == "fhir" else None
        if resources is not None:  # each entry is a response, numbered from 1
            texts, numbers = resources, range(1, len(resources) + 1)
    work = TASKS[task]
    made: list[Made] = []
    kept: list[Kept] = []
    for number, result in zip(numbers, results(texts, _maker(task, source_format)), strict=True):
        if isinstance(result, Rejection):
            problems += problem_lines(name, number, result)
        elif work.keep:
            kept.append((f"{name}:{number}", None, result))
        else:
            made.append((number, None, result))
    accepted = len(made) + len(kept)
    rejected = len(texts) - accepted + (1 if problems and not texts else 0)
    output = work.write(source_of(name), made)
    return Done(output, problems, accepted, rejected, block.size, kept, blank)


def handled(task: str, blocks: Iterator[Block], jobs: int, source_format: str) -> Iterator[Done]:
    """Each block handled, in order: here, or by ``jobs`` processes for a long input.

    At most ``2 * jobs`` blocks are out at once, so memory stays flat.
    """
    work = functools.partial(handle, task, source_format=source_format)
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
    """Check, score or keep the rows of a REDCap export, in blocks of rows.

    A rejected row's problems read ``NAME:LINE: record ID: column: message``;
    a row's place is the line it starts on, and its event columns go with it.
    """
    from blunting._interchange import redcap_rows  # noqa: PLC0415

    work = TASKS[task]
    name = source.name
    with source.text() as (file, read):
        try:
            rows = redcap_rows(file)
        except InvalidResponse as error:
            yield Done(b"", [f"{name}:1: {p}" for p in error.problems], 0, 1, read())
            return
        made: list[Made] = []
        kept: list[Kept] = []
        problems: list[str] = []
        rejected = 0
        done = 0  # bytes read, and counted in a Done, so far
        for row in rows:
            result = row.result
            if isinstance(result, Rejection):
                rejected += 1
                problems += (
                    f"{name}:{row.line}: record {describe(result.record)}: {problem}"
                    for problem in result.problems
                )
            elif work.keep:
                kept.append((f"{name}:{row.line}", row.events, work.make_valid(result)))
            else:
                made.append((row.line, row.events, work.make_valid(result)))  # checked: valid
            if len(made) + len(kept) + rejected >= _REDCAP_ROWS:
                output = work.write(source_of(name), made)
                accepted = len(made) + len(kept)
                yield Done(output, problems, accepted, rejected, read() - done, kept)
                done = read()
                made, kept, problems, rejected = [], [], [], 0
        output = work.write(source_of(name), made)
        yield Done(output, problems, len(made) + len(kept), rejected, read() - done, kept)


@attrs.frozen
class TableRun:
    """How a run reads tables (``--from table``, Parquet files): their questionnaire and sink."""

    #: The questionnaire the tables answer, or ``None``: each row names its own.
    questionnaire: _questionnaire.Questionnaire | None
    #: Columns carried to the scores as they came.
    keep: tuple[str, ...] = ()
    #: Takes each batch's scores (a Parquet output): ``(source, first line, scores)``.
    sink: Callable[[str, int, Any], object] | None = None


def table_handled(task: str, source: Source, run: TableRun) -> Iterator[Done]:
    """Check, score or keep the rows of a table file (Parquet, or CSV in the wide layout).

    Each batch is checked and scored a column at a time (``blunting.tables``);
    a rejected row's problems read ``NAME:LINE: /pointer: message``, its line
    the row's (from 1 in Parquet, the file's line in CSV). The scores go to
    ``run.sink`` whole; or the valid rows, as payloads, to the task's writer.
    """
    from blunting._cli._table_files import TableFile, arrow  # noqa: PLC0415

    tables = arrow()
    import pyarrow as pa  # noqa: PLC0415 - only tables need it

    work = TASKS[task]
    name = source.name
    file = TableFile.of(source.argument)
    read_as = run.questionnaire or _questionnaire.builtin()
    for column in run.keep:
        if column in ("source", "line") or column in tables.layout(read_as).names:
            message = f"--keep {column}: the scores have a column {column} already"
            raise UsageError(message + " (keep columns outside the layout: ids, visit, arm)")
    size = source.size() or 0
    given = 0  # bytes counted in a Done so far
    for first, data, read in file.batches(read_as):
        scores = tables.score(data, run.questionnaire, keep=run.keep)
        valid = scores.column("valid").to_numpy()
        rejected_rows = [int(i) for i in (~valid).nonzero()[0]]
        found = scores.column("problems").take(pa.array(rejected_rows, pa.int64())).to_pylist()
        problems = [
            f"{name}:{first + index}: {problem}"
            for index, listed in zip(rejected_rows, found, strict=True)
            for problem in listed
        ]
        made: list[Made] = []
        kept: list[Kept] = []
        if run.sink is not None:
            run.sink(source_of(name), first, scores)
        elif work.keep or work.write is not _nothing:
            named = "questionnaire" in data.column_names or "version" in data.column_names
            chosen = [int(i) for i in valid.nonzero()[0]]
            taken = data.take(pa.array(chosen, pa.int64()))
            rows_chosen = tables.normal(taken, ()).to_pylist()  # a timestamp as its text
            for index, row in zip(chosen, rows_chosen, strict=True):
                payload, _ = tables.payload_of(read_as, row, named=named)
                if work.keep:
                    kept.append((f"{name}:{first + index}", None, work.make_valid(payload)))
                else:
                    made.append((first + index, None, work.make_valid(payload)))
        accepted = len(valid) - len(rejected_rows)
        share = max(int(size * read) - given, 0)
        given += share
        yield Done(
            work.write(source_of(name), made),
            problems,
            accepted,
            len(valid) - accepted,
            share,
            kept,
        )
    yield Done(b"", [], 0, 0, size - given)


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


@attrs.frozen
class Counts:
    """What a batch found: responses accepted and rejected, and blank lines skipped."""

    accepted: int
    rejected: int
    blank: int

    def summary(self, accepted: str, rejected: str) -> str:
        """In words: ``"998 scored, 2 rejected, 3 blank lines skipped"``, or that none was found.

        ``accepted`` and ``rejected`` name the two counts.
        """
        skipped = (
            f"{self.blank:,} blank line{'s' if self.blank != 1 else ''} skipped"
            if self.blank
            else ""
        )
        if not self.accepted + self.rejected:
            return "no response found in the input" + (f" ({skipped})" if skipped else "")
        words = f"{self.accepted:,} {accepted}, {self.rejected:,} {rejected}"
        return words + (f", {skipped}" if skipped else "")

    @property
    def status(self) -> int:
        """The exit status: 0 when something was found and nothing rejected, else 1."""
        return 1 if self.rejected or not self.accepted else 0


def run(  # noqa: PLR0913 - what a batch is: its task, inputs and outputs
    task: str,
    inputs: list[Source],
    *,
    source_format: str,
    jobs: int,
    output: Callable[[Done], object],
    problems: BinaryIO,
    table: TableRun | None = None,
) -> Counts:
    """Handle every input in order; how many were accepted, rejected and blank.

    Each block's :class:`Done` goes to ``output``, its problems to
    ``problems``. JSON inputs are read in blocks of lines (by ``jobs``
    processes when long); REDCap exports (``source_format`` "redcap") in
    blocks of rows; tables (``source_format`` "table") in batches, as ``table`` says.
    """
    sizes = [source.size() for source in inputs]
    total = None if None in sizes else sum(size or 0 for size in sizes)
    accepted = rejected = blank = 0
    bar = _progress(total)
    try:
        for source in inputs:
            if source_format == "redcap":
                dones = redcap_handled(task, source)
            elif source_format == "table":
                dones = table_handled(task, source, table or TableRun(None))
            else:
                dones = handled(task, source.blocks(), jobs, source_format)
            try:
                for done in dones:
                    output(done)
                    if done.problems:
                        _report_problems(done.problems, problems, bar)
                    accepted += done.accepted
                    rejected += done.rejected
                    blank += done.blank
                    if bar is not None:
                        bar.update(done.size)
            except OSError as error:
                raise UsageError(f"cannot read {source.name}: {error.strerror}") from None
    finally:
        if bar is not None:
            bar.close()
    return Counts(accepted, rejected, blank)
