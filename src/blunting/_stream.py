"""Scoring many responses in one pass: one result per input, in order."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from blunting._errors import InvalidResponse, Problem
from blunting._json import JSONTextError, loads

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from blunting._questionnaire import Questionnaire
    from blunting._scoring import Score


@attrs.frozen
class Rejection:
    """An input that could not be scored or read, and why.

    :func:`score_stream` yields one for each input it cannot score, and
    :func:`blunting.redcap.from_redcap_export` for each row it cannot read.

    .. versionadded:: 0.1.0
    """

    #: Where the input was in the source, counting from 0.
    index: int
    #: Every problem found, most relevant first. A JSON text that cannot be
    #: parsed has one problem, at the root (``""``), with keyword ``"json"``.
    problems: tuple[Problem, ...]
    #: Its line number (``index + 1``) when the input was a line of JSON
    #: text; ``None`` when it was a payload already parsed. For a row of a
    #: REDCap export, the line the row starts on (the header is line 1).
    line: int | None = None
    #: For a row of a REDCap export, its record id; else ``None``.
    record: str | None = None


def score_stream(
    source: Iterable[object], *, questionnaire: Questionnaire | None = None
) -> Iterator[Score | Rejection]:
    """Score every input of ``source``, yielding one :class:`Score` or :class:`Rejection` each.

    ``source`` holds payloads, or lines of JSON text (``str`` or ``bytes``,
    one response a line), or both; an open JSONL file works. Results come
    in input order, one per input: nothing is skipped (a blank line is a
    rejection), and nothing is kept once yielded, so memory stays flat
    however long the source.

    JSON text is parsed strictly (:data:`MAX_TEXT_BYTES`, no duplicate keys,
    no ``NaN`` or ``Infinity``, UTF-8 only). Open a file in binary mode, or
    with ``errors="surrogateescape"``, for lines that are not UTF-8 to be
    rejected one by one; a file opened with the default strict errors stops
    the stream at the first such line with ``UnicodeDecodeError``.

    Each payload is checked against ``questionnaire`` if given, or else
    against the built-in questionnaire and version it names.

    .. versionadded:: 0.1.0
    """
    from blunting._api import scorer  # noqa: PLC0415 - _api imports this module

    return results(source, scorer(questionnaire))


_Result = TypeVar("_Result")


def results(
    source: Iterable[object], score: Callable[[object], _Result]
) -> Iterator[_Result | Rejection]:
    """``score`` of each input, or its :class:`Rejection`: see :func:`score_stream`."""
    for index, item in enumerate(source):
        line = None
        payload: Any = item
        if isinstance(item, (str, bytes)):
            line = index + 1
            try:
                payload = loads(item)
            except JSONTextError as error:
                yield Rejection(index, (Problem("", str(error), "json"),), line)
                continue
        try:
            yield score(payload)
        except InvalidResponse as error:
            yield Rejection(index, error.problems, line)
