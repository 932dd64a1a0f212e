"""Inputs of the command line: files and standard input, read in blocks.

A ``.jsonl`` or ``.ndjson`` file holds one response a line; any other file
one JSON response, or a JSON array of them; standard input holds lines when
its first line is a whole JSON object. A file that is plainly something else
(UTF-16 text, CSV, JSON Lines in a ``.json`` file, one response written over
many lines in a ``.jsonl`` file) gets one problem saying what it looks like
and what to do. Nothing is read past what a block needs, so memory stays flat.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import attrs

from blunting._text import MAX_TEXT_BYTES

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

#: The name that stands for standard input, and the name it has in messages.
STDIN, STDIN_NAME = "-", "<stdin>"
#: Suffixes of files that hold one response a line; any other file holds one.
LINE_SUFFIXES = (".jsonl", ".ndjson")

#: Bytes of whole lines read, and handled together, at a time (the last line
#: of a block runs on into the next block when it is longer).
BLOCK = 1 << 20

#: The byte-order mark of UTF-8, which Windows editors write; the command
#: line drops it from the start of a file.
UTF8_BOM = b"\xef\xbb\xbf"


class UsageError(Exception):
    """A usage or I/O problem: printed as one line, with exit status 2."""


@attrs.frozen
class Block:
    """A part of an input, handled on its own (here, or in a worker process)."""

    #: The input's name in messages.
    name: str
    #: The number of its first response: a line, or a place in a JSON array.
    first: int
    #: Lines of JSON (``lines``), or else one JSON text.
    data: bytes = b""
    lines: bool = False
    #: Whether it holds responses of a JSON array, numbered from ``first``, in ``texts``.
    array: bool = False
    texts: tuple[bytes, ...] = ()
    #: Why the whole input cannot be read as responses: one problem, at ``first``.
    problem: str | None = None
    #: The bytes of input it stands for.
    size: int = 0


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
        """Its content in blocks: lines of JSON, one JSON text, or a JSON array's responses.

        A ``.jsonl`` or ``.ndjson`` file holds one response a line, any other
        file one JSON text or an array of them. Standard input holds lines when
        its first line is a whole JSON object, and one JSON text otherwise. A
        leading UTF-8 byte-order mark is dropped.
        """
        if self.argument == STDIN:
            yield from read(sys.stdin.buffer, self.name, lines=None)
            return
        path = Path(self.argument)
        with path.open("rb") as file:
            yield from read(file, self.name, lines=path.suffix.lower() in LINE_SUFFIXES)

    @contextlib.contextmanager
    def text(self) -> Iterator[tuple[io.TextIOWrapper, Callable[[], int]]]:
        """Its content as CSV text, and a function giving how many bytes have been read.

        UTF-8, with a byte-order mark dropped; bytes that are not UTF-8 are
        kept as lone surrogates, so that they reject their row, not the file.
        Standard input is left open.
        """
        with contextlib.ExitStack() as stack:
            binary: BinaryIO = (
                sys.stdin.buffer
                if self.argument == STDIN
                else stack.enter_context(Path(self.argument).open("rb"))
            )
            file = io.TextIOWrapper(binary, "utf-8-sig", "surrogateescape", newline="")
            stack.callback(file.detach)
            yield file, (binary.tell if binary.seekable() else lambda: 0)


#: Bytes read of a JSON text at most: one more than the limit, which is enough
#: to reject it, so that a huge input is never held in memory.
_LONGEST = MAX_TEXT_BYTES + 1

#: Bytes read from the start of an input to tell what it holds.
_SNIFF = 1 << 16

#: Byte-order marks of encodings other than UTF-8, longest first.
_OTHER_BOMS = (
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\xfe\xff", "UTF-16"),
    (b"\xff\xfe", "UTF-16"),
)
_WHITESPACE = b" \t\r\n"
_SAVE_AS_UTF8 = "save it as UTF-8 (in most editors: Save As, then choose the encoding UTF-8)"


def _first_lines(head: bytes) -> list[bytes]:
    """The first two lines of ``head`` that are not blank, stripped."""
    found = []
    for line in head.split(b"\n"):
        if line.strip(_WHITESPACE):
            found.append(line.strip(_WHITESPACE))
            if len(found) == 2:
                break
    return found


def _whole_object(line: bytes) -> bool:
    return line.startswith(b"{") and line.endswith(b"}")


def _is_csv(line: bytes) -> bool:
    """Whether a first line looks like a CSV header or row rather than JSON."""
    return line[:1] not in b'{["' and b"," in line


def _not_utf8(head: bytes, name: str) -> str | None:
    """Why an input is not UTF-8 text, from its first bytes, or ``None``."""
    for mark, encoding in _OTHER_BOMS:
        if head.startswith(mark):
            return f"{name} is {encoding} text, not UTF-8: {_SAVE_AS_UTF8}"
    if b"\x00" in head[:1024]:
        return f"{name} is not UTF-8 text (it holds zero bytes, as UTF-16 does): {_SAVE_AS_UTF8}"
    return None


def _not_lines(start: bytes, first: list[bytes], name: str) -> str | None:
    """Why an input that should hold one response a line plainly does not, or ``None``."""
    if start == b"[" and not _whole_object(first[0]):
        return (
            f"{name} holds a JSON array, not one response a line: "
            "name it .json, or write one response a line"
        )
    if first[0] == b"{":
        return (
            f"{name} holds one JSON response written over many lines, not one "
            "response a line: name it .json, or write each response on one line"
        )
    return None


def sniff(head: bytes, *, lines: bool | None, name: str) -> tuple[str, str | None]:
    """What an input holds, from its first bytes: ``"lines"``, ``"text"`` or ``"array"``.

    ``lines``: a ``.jsonl`` file (``True``), another file (``False``), or
    standard input (``None``: lines when the first line is a whole object).
    With it, why the input cannot be read as it stands, or ``None``.
    """
    first = _first_lines(head)
    why = _not_utf8(head, name)
    if why is None and first and _is_csv(first[0]):
        why = f"{name} looks like CSV, not JSON: for a REDCap raw-data export, use --from redcap"
    start = head.lstrip(_WHITESPACE)[:1]
    if lines is None:
        lines = (
            bool(first)
            and first[0][:1] == b"{"
            and (
                _whole_object(first[0]) or b"\n" not in head  # a first line longer than the head
            )
        )
    if lines:
        return "lines", why or (_not_lines(start, first, name) if first else None)
    if start == b"[":
        return "array", why
    if why is None and len(first) == 2 and _whole_object(first[0]) and first[1][:1] == b"{":
        why = (
            f"{name} holds one JSON response a line (JSON Lines): "
            "name it .jsonl, or put the responses in one JSON array"
        )
    return "text", why


def read(file: BinaryIO, name: str, *, lines: bool | None) -> Iterator[Block]:
    """The blocks of an input: see :meth:`Source.blocks`; ``lines`` as for :func:`sniff`."""
    head = file.read(_SNIFF)
    skipped = len(UTF8_BOM) if head.startswith(UTF8_BOM) else 0
    head = head[skipped:]
    kind, why = sniff(head, lines=lines, name=name)
    if why is not None:
        yield Block(name, 1, problem=why, size=skipped + len(head) + _rest(file))
    elif kind == "lines":
        yield from blocks_of(file, name, head, skipped)
    elif kind == "array":
        yield from elements_of(file, name, head, skipped)
    else:
        text = _text(head, file)
        yield Block(name, 1, text, size=skipped + len(text))


def expected(block: Block) -> int:
    """How many responses, rejections and blank lines handling ``block`` must count."""
    return 1 if block.problem is not None else len(texts_of(block))


def _rest(file: BinaryIO) -> int:
    """Read the rest of a file that is not read as responses; its size in bytes."""
    size = 0
    while block := file.read(BLOCK):
        size += len(block)
    return size


def _text(head: bytes, file: BinaryIO) -> bytes:
    """One JSON text: ``head`` and the rest of ``file``, up to one byte past the limit."""
    return (head + file.read(max(0, _LONGEST - len(head))))[:_LONGEST]


def _rest_of_line(file: BinaryIO) -> bytes:
    """Skip to the end of the line: its newline and what follows it in the last read."""
    while block := file.read(BLOCK):
        end = block.find(b"\n")
        if end >= 0:
            return block[end:]
    return b""


def blocks_of(file: BinaryIO, name: str, head: bytes = b"", skipped: int = 0) -> Iterator[Block]:
    """The lines of ``head`` and then ``file``, in blocks of about ``BLOCK`` bytes.

    A line longer than the limit of a JSON text is cut one byte past the
    limit, so that it is rejected as too long without being held in memory.
    ``skipped``: bytes dropped before ``head`` (a byte-order mark), counted
    in the first block's size.
    """
    first, rest = 1, head
    while block := file.read(BLOCK):
        block = rest + block
        end = block.rfind(b"\n") + 1
        if end:
            yield Block(name, first, block[:end], lines=True, size=end + skipped)
            skipped = 0
            first += block.count(b"\n", 0, end)
        rest = block[end:]
        if len(rest) > _LONGEST:  # a line too long to parse: keep enough to reject it
            rest = rest[:_LONGEST] + _rest_of_line(file)
    if rest or skipped:
        yield Block(name, first, rest, lines=True, size=len(rest) + skipped)


#: The parts of JSON text that shape an array: strings, a string cut off by the
#: end of what has been read so far, and brackets and commas.
_TOKEN = re.compile(
    rb'(?P<string>"(?:[^"\\]|\\.)*")|(?P<open>"(?:[^"\\]|\\.)*\\?\Z)|(?P<mark>[\[\]{},])',
    re.DOTALL,
)
#: Responses of an array handed on together.
_ELEMENTS = 1000


@attrs.define
class _Array:
    """Where reading a JSON array has got to: see :func:`elements_of`."""

    data: bytes
    #: Where scanning resumes in ``data``.
    scan: int = 0
    #: Where the current response starts in ``data``; ``None`` outside the array.
    start: int | None = None
    #: The first bytes of a response too long to hold whole, or ``None``.
    long: bytes | None = None
    depth: int = 0
    #: Whether the array has ended, and then whether anything follows it.
    ended: bool = False
    trailing: bool = False
    pending: list[bytes] = attrs.Factory(list)

    def read(self) -> None:
        """Cut out every response that ends in what has been read."""
        for match in _TOKEN.finditer(self.data, self.scan):
            if match.lastgroup == "open":  # cut off: scanned again with more
                return
            if self.ended:
                self.trailing = True
                self.scan = len(self.data)
                return
            self.scan = match.end()
            if match.lastgroup == "mark":
                self._mark(match)
        if self.ended and self.data[self.scan :].strip(_WHITESPACE):
            self.trailing = True
        self.scan = len(self.data)

    def _mark(self, match: re.Match[bytes]) -> None:
        mark = match.group()
        if mark in b"[{":
            self.depth += 1
            if self.depth == 1:
                self.start = match.end()
        elif self.depth == 1 and mark in b",]}":
            end = match.start() if mark != b"}" else match.end()
            text = self.long if self.long is not None else self.data[self.start : end]
            if mark == b"," or text.strip(_WHITESPACE):
                self.pending.append(text)
            self.long, self.start = None, match.end()
            if mark != b",":
                self.depth, self.ended, self.start = 0, True, None
        elif mark != b",":
            self.depth -= 1

    def more(self, data: bytes) -> None:
        """Add the next bytes read, dropping what is done with."""
        start = self.start
        if start is not None and self.long is None and self.scan - start > _LONGEST:
            self.long = self.data[start : start + _LONGEST]
        keep = self.scan if start is None or self.long is not None else start
        self.data = self.data[keep:] + data
        self.scan -= keep
        self.start = None if start is None else max(0, start - keep)


def elements_of(file: BinaryIO, name: str, head: bytes, skipped: int = 0) -> Iterator[Block]:
    """The responses of a JSON array, each its own JSON text, in blocks.

    The array is read in pieces, never whole: each response is cut out at
    the commas between the array's members and parsed on its own, with its
    own limit (a response longer than the limit is cut one byte past it). An
    array that is not closed, or text after its end, is one more problem.
    """
    array = _Array(head)
    size = skipped + len(head)
    number = 1
    while True:
        array.read()
        if len(array.pending) >= _ELEMENTS:
            yield Block(name, number, array=True, texts=tuple(array.pending), size=size)
            number += len(array.pending)
            array.pending, size = [], 0
        more = file.read(BLOCK)
        if not more:
            break
        size += len(more)
        array.more(more)
    if array.pending:
        yield Block(name, number, array=True, texts=tuple(array.pending), size=size)
        number += len(array.pending)
        size = 0
    if not array.ended:
        why = f"{name}: the JSON array is not closed: a ']' is missing at the end"
        yield Block(name, number, problem=why, size=size)
    elif array.trailing:
        why = f"{name}: there is more text after the end of the JSON array"
        yield Block(name, number, problem=why, size=size)
    elif size:
        yield Block(name, number, array=True, size=size)


def texts_of(block: Block) -> list[bytes]:
    """The JSON texts of a block: its lines, a JSON array's responses, or all of it."""
    if block.problem is not None:
        return []
    if block.array:
        return list(block.texts)
    if not block.lines:
        return [block.data]
    if not block.data:
        return []
    texts = block.data.split(b"\n")
    if block.data.endswith(b"\n"):
        texts.pop()
    return texts
