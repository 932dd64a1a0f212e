"""Checking and scoring files of responses for the command line, in blocks of lines.

A file is read in blocks of whole lines; each block is checked or scored on
its own (here, or by worker processes for a long input), and the results are
written in input order. Nothing is kept once written, so memory stays flat.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import io
import itertools
import multiprocessing
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import attrs

from blunting._api import dispatch, questionnaire, score_text, validate
from blunting._errors import InvalidResponse
from blunting._json import MAX_TEXT_BYTES, describe
from blunting._resources import catalogue
from blunting._stream import Rejection, results

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from blunting._scoring import DomainScore

#: The name that stands for standard input, and the name it has in messages.
STDIN, STDIN_NAME = "-", "<stdin>"
#: Suffixes of files that hold one response a line; any other file holds one.
LINE_SUFFIXES = (".jsonl", ".ndjson")
#: What the ``score`` command can write.
FORMATS = ("jsonl", "json", "csv")

#: Bytes of whole lines read, and handled together, at a time (the last line
#: of a block runs on into the next block when it is longer).
_BLOCK = 1 << 20
#: An input of more blocks than this is handled by several processes.
_PARALLEL_FROM = 10

#: A block of input: its name, the line number of its first line, its bytes,
#: and whether they are lines of JSON (or else one JSON text).
Block = tuple[str, int, bytes, bool]


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


@attrs.frozen
class Source:
    """One input to read: a file by its path, or standard input (``-``)."""

    argument: str

    @property
    def name(self) -> str:
        """Its name in messages."""
        return STDIN_NAME if self.argument == STDIN else self.argument

    def size(self) -> int | None:
        """Its size in bytes, if known before reading."""
        if self.argument == STDIN:
            return None
        with contextlib.suppress(OSError):
            return Path(self.argument).stat().st_size
        return None

    def check(self) -> str | None:
        """Why it cannot be read, or ``None``: asked before anything is written."""
        if self.argument == STDIN:
            return None
        path = Path(self.argument)
        try:
            with path.open("rb"):
                pass
        except OSError as error:
            return f"cannot read {self.name}: {error.strerror}"
        return None

    def blocks(self) -> Iterator[Block]:
        """Its content in blocks: see :func:`blocks_of`.

        A ``.jsonl`` or ``.ndjson`` file holds one response a line, any other
        file one JSON text. Standard input holds lines when its first line
        starts with ``{`` and ends with ``}``, and one JSON text otherwise.
        """
        if self.argument == STDIN:
            stream = sys.stdin.buffer
            first = stream.readline(_LONGEST + 1)  # a line, with its newline
            head = first.strip()
            if head.startswith(b"{") and (head.endswith(b"}") or len(first) > _LONGEST):
                yield from blocks_of(stream, self.name, first)
            else:
                yield self.name, 1, _text(first, stream), False
            return
        path = Path(self.argument)
        with path.open("rb") as file:
            if path.suffix.lower() in LINE_SUFFIXES:
                yield from blocks_of(file, self.name)
            else:
                yield self.name, 1, _text(b"", file), False


#: Bytes read of a JSON text at most: one more than the limit, which is enough
#: to reject it, so that a huge input is never held in memory.
_LONGEST = MAX_TEXT_BYTES + 1


def _text(head: bytes, file: BinaryIO) -> bytes:
    """One JSON text: ``head`` and the rest of ``file``, up to one byte past the limit."""
    return (head + file.read(max(0, _LONGEST - len(head))))[:_LONGEST]


def _rest_of_line(file: BinaryIO) -> bytes:
    """Skip to the end of the line: its newline and what follows it in the last read."""
    while block := file.read(_BLOCK):
        end = block.find(b"\n")
        if end >= 0:
            return block[end:]
    return b""


def blocks_of(file: BinaryIO, name: str, head: bytes = b"") -> Iterator[Block]:
    """The lines of ``head`` and then ``file``, in blocks of about ``_BLOCK`` bytes.

    A line longer than the limit of a JSON text is cut one byte past the
    limit, so that it is rejected as too long without being held in memory.
    """
    first, rest = 1, head
    while block := file.read(_BLOCK):
        block = rest + block
        end = block.rfind(b"\n") + 1
        if end:
            yield name, first, block[:end], True
            first += block.count(b"\n", 0, end)
        rest = block[end:]
        if len(rest) > _LONGEST:  # a line too long to parse: keep enough to reject it
            rest = rest[:_LONGEST] + _rest_of_line(file)
    if rest:
        yield name, first, rest, True


def texts_of(block: Block) -> list[bytes]:
    """The JSON texts of a block: its lines, or all of it."""
    _, _, data, lines = block
    if not lines:
        return [data]
    texts = data.split(b"\n")
    if data.endswith(b"\n"):
        texts.pop()
    return texts


def problem_lines(block: Block, rejection: Rejection) -> Iterator[str]:
    """A rejection's problems, each as ``NAME:LINE: /pointer: message``."""
    name, first, _, _ = block
    return (f"{name}:{first + rejection.index}: {p}" for p in rejection.problems)


def handle(task: str, block: Block) -> Done:
    """Check (``task`` "validate") or score a block, one response a line or all of it.

    Lines are parsed as bytes, so that a line that is not UTF-8 is rejected
    on its own.
    """
    texts = texts_of(block)
    made: list[Any] = []
    problems: list[str] = []
    for result in results(texts, _MAKERS[task]):
        if isinstance(result, Rejection):
            problems += problem_lines(block, result)
        else:
            made.append(result)
    accepted = len(made)
    output = _WRITERS[task](made)
    return Done(output, problems, accepted, len(texts) - accepted, len(block[2]))


def _lines(texts: list[str]) -> bytes:
    """JSON texts, one a line."""
    return ("\n".join(texts) + "\n").encode() if texts else b""


#: The columns of the CSV output, after respondent, completed, questionnaire and version.
_RESULT_COLUMNS = ("raw", "mean", "scaled", "answered", "prorated", "status")


@functools.cache
def csv_domains() -> tuple[str, ...]:
    """The domain ids that have CSV columns: of every built-in questionnaire, in order."""
    found: dict[str, None] = {}
    for qid, versions in catalogue().items():
        for version in versions:
            found.update(dict.fromkeys(d.id for d in questionnaire(version, id=qid).domains))
    return tuple(found)


def csv_header() -> list[str]:
    """The CSV output's columns: documented in the README, and stable."""
    columns = ["respondent", "completed", "questionnaire", "version"]
    for part in (*csv_domains(), "total"):
        columns += (f"{part}_{column}" for column in _RESULT_COLUMNS)
    columns.append("impact")
    return columns


def _field(value: str | None) -> str:
    """A CSV field: empty for null; quoted (RFC 4180) when it holds a comma, quote or newline."""
    if value is None:
        return ""
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _result_fields(result: DomainScore | None) -> str:
    """A domain's or the total's six CSV fields, joined."""
    if result is None:
        return "," * (len(_RESULT_COLUMNS) - 1)
    values = (getattr(result, column) for column in _RESULT_COLUMNS)
    return ",".join(
        "" if v is None else ("true" if v else "false") if type(v) is bool else str(v)
        for v in values
    )


#: How many results' fields are remembered; past this many they start over.
_REMEMBERED_FIELDS = 1 << 14
#: The results' fields of a row, by questionnaire and results text: results
#: repeat, so each is written once.
_RESULT_FIELDS: dict[tuple[str, str, str], str] = {}


def csv_row(payload: object) -> str:
    """The CSV row of a payload's score (see :func:`csv_header`), ending in CRLF.

    Made without making the :class:`Score`: from the scoring key's remembered
    results of the payload's answers, which are the score's.
    """
    q = dispatch(payload)
    checked = q._checked(payload)  # noqa: SLF001 - this package's own
    key = q._key  # noqa: SLF001
    domains, total, text = key._results_for(checked["answers"])  # noqa: SLF001
    remembered = (q.id, q.version, text)
    fields = _RESULT_FIELDS.get(remembered)
    if fields is None:
        if len(_RESULT_FIELDS) >= _REMEMBERED_FIELDS:
            _RESULT_FIELDS.clear()
        fields = _RESULT_FIELDS[remembered] = ",".join(
            [*(_result_fields(domains.get(d)) for d in csv_domains()), _result_fields(total)]
        )
    context = checked.get("context")
    impact = context.get(key.impact) if context and key.impact is not None else None
    return (
        f"{_field(checked.get('respondent'))},{_field(checked.get('completed'))},"
        f"{_field(q.id)},{_field(q.version)},{fields},"
        f"{'' if impact is None else int(impact)}\r\n"
    )


#: Rows of a REDCap export handled together.
_REDCAP_ROWS = 1000


def redcap_handled(task: str, source: Source) -> Iterator[Done]:
    """Score (``task``: an output format) the rows of a REDCap export, in blocks of rows.

    A rejected row's problems read ``NAME:LINE: record ID: column: message``.
    """
    from blunting._redcap import from_redcap_export  # noqa: PLC0415

    with contextlib.ExitStack() as stack:
        binary: BinaryIO = (
            sys.stdin.buffer
            if source.argument == STDIN
            else stack.enter_context(Path(source.argument).open("rb"))
        )
        # bytes that are not UTF-8 reject their row, not the file (see _redcap)
        file = io.TextIOWrapper(binary, "utf-8-sig", "surrogateescape", newline="")
        stack.callback(file.detach)  # standard input stays open
        read = binary.tell if binary.seekable() else lambda: 0
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
                made.append(_MAKERS[task](result))
            if len(made) + rejected >= _REDCAP_ROWS:
                yield Done(_WRITERS[task](made), problems, len(made), rejected, read() - done)
                done = read()
                made, problems, rejected = [], [], 0
        yield Done(_WRITERS[task](made), problems, len(made), rejected, read() - done)


def _csv_lines(rows: list[str]) -> bytes:
    return "".join(rows).encode()


def _valid(payload: object) -> None:
    validate(payload)


_MAKERS: dict[str, Callable[[Any], Any]] = {
    "jsonl": score_text,
    "json": score_text,
    "csv": csv_row,
    "validate": _valid,
}
_WRITERS: dict[str, Callable[[list[Any]], bytes]] = {
    "jsonl": _lines,
    "json": _lines,
    "csv": _csv_lines,
    "validate": lambda _made: b"",
}


def handled(task: str, blocks: Iterator[Block], jobs: int) -> Iterator[Done]:
    """Each block handled, in order: here, or by ``jobs`` processes for a long input.

    At most ``2 * jobs`` blocks are out at once, so memory stays flat.
    """
    work = functools.partial(handle, task)
    if jobs <= 1:
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


class JSONArray:
    """Writes JSON lines out as one JSON array, one element a line."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._first = True
        out.write(b"[\n")

    def write(self, lines: bytes) -> None:
        """Add the JSON texts of ``lines`` (each ending in a newline) to the array."""
        if not lines:
            return
        if not self._first:
            self._out.write(b",\n")
        self._first = False
        # a JSON text written compactly holds no raw newline: each is a separator
        self._out.write(lines[:-1].replace(b"\n", b",\n"))

    def close(self) -> None:
        """End the array."""
        self._out.write(b"\n]\n" if not self._first else b"]\n")


@contextlib.contextmanager
def atomic(path: str | None, standard: BinaryIO) -> Iterator[BinaryIO]:
    """Write to ``path`` all at once, or to ``standard`` when ``path`` is ``None``.

    The text goes to a temporary file beside ``path``, which replaces
    ``path`` only when everything was written: on an error or Ctrl-C the
    temporary file is removed, and ``path`` is left as it was.
    """
    if path is None:
        yield standard
        standard.flush()
        return
    target = Path(path)
    descriptor, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".part"
    )
    try:
        with os.fdopen(descriptor, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        umask = os.umask(0)
        os.umask(umask)
        Path(temporary).chmod(0o666 & ~umask)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def writable(path: str | None) -> str | None:
    """Why an output file cannot be written, or ``None``: asked before any work."""
    if path is None:
        return None
    target = Path(path)
    if target.is_dir():
        return f"cannot write {path}: Is a directory"
    if not target.parent.is_dir():
        return f"cannot write {path}: No such directory {str(target.parent)!r}"
    if not os.access(target.parent, os.W_OK):
        return f"cannot write {path}: Permission denied"
    return None
