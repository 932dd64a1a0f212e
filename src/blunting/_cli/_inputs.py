"""Inputs of the command line: files and standard input, read in blocks of whole lines.

A ``.jsonl`` or ``.ndjson`` file holds one response a line, any other file
one JSON text; standard input holds lines when its first line is a whole JSON
object. Nothing is read past what a block needs, so memory stays flat.
"""

from __future__ import annotations

import contextlib
import io
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

#: A block of input: its name, the line number of its first line, its bytes,
#: and whether they are lines of JSON (or else one JSON text).
Block = tuple[str, int, bytes, bool]


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


def blocks_of(file: BinaryIO, name: str, head: bytes = b"") -> Iterator[Block]:
    """The lines of ``head`` and then ``file``, in blocks of about ``BLOCK`` bytes.

    A line longer than the limit of a JSON text is cut one byte past the
    limit, so that it is rejected as too long without being held in memory.
    """
    first, rest = 1, head
    while block := file.read(BLOCK):
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
