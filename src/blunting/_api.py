"""The module-level functions of :mod:`blunting`: thin doors to the questionnaire layer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from blunting import _questionnaire
from blunting._errors import InvalidResponse, Problem, Rejection
from blunting._text import JSONTextError, loads

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Iterable, Iterator, Mapping

    from blunting._questionnaire import Questionnaire
    from blunting._scoring import Score


def questionnaire(
    version: str | None = None,
    *,
    id: str = _questionnaire.DEFAULT_QUESTIONNAIRE,  # noqa: A002 - the questionnaire's id
) -> Questionnaire:
    """A built-in questionnaire; its latest version when ``version`` is ``None``.

    Raises :class:`UnknownQuestionnaire` for an id or version not built in.

    .. versionadded:: 0.1.0
    """
    return _questionnaire.builtin(version, id=id)


def load(source: str | os.PathLike[str] | Mapping[str, Any]) -> Questionnaire:
    """Load a questionnaire written in the blunting vocabulary (docs/vocabulary.md).

    ``source`` is a path to a JSON file, the ``$id`` of a built-in
    questionnaire, or the parsed document itself (which is copied, never
    changed). Nothing is ever fetched from a network.

    Raises :class:`InvalidQuestionnaire` with every problem found, each with a
    JSON Pointer into the document, or :class:`UnknownQuestionnaire` for a file
    or ``$id`` that cannot be found.

    .. versionadded:: 0.1.0
    """
    return _questionnaire.load(source)


def validate(payload: object) -> None:
    """Check a payload against the built-in questionnaire and version it names.

    Raises :class:`InvalidResponse` with every problem found.

    .. versionadded:: 0.1.0
    """
    _questionnaire.dispatch(payload).validate(payload)


def score(payload: object) -> Score:
    """Validate and score a payload with the built-in questionnaire and version it names.

    Raises :class:`InvalidResponse` with every problem found.

    .. versionadded:: 0.1.0
    """
    return _questionnaire.dispatch(payload).score(payload)


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
    return results(source, score if questionnaire is None else questionnaire.score)


_Result = TypeVar("_Result")


def results(
    source: Iterable[object], make: Callable[[object], _Result]
) -> Iterator[_Result | Rejection]:
    """``make`` of each input, or its :class:`Rejection`: see :func:`score_stream`.

    ``make`` raises :class:`InvalidResponse` for a payload it refuses.
    """
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
            yield make(payload)
        except InvalidResponse as error:
            yield Rejection(index, error.problems, line)
