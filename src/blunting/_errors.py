"""Problems, the one collector of them, the exceptions that carry them, and rejections."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from collections.abc import Iterable


@attrs.frozen
class Problem:
    """One thing wrong with a response payload or a questionnaire document.

    .. versionadded:: 0.1.0
    """

    #: Where the problem is, as a JSON Pointer (RFC 6901) into the document
    #: that was checked: ``""`` is the document itself, ``"/answers/crying_2"``
    #: one answer. A missing or unexpected member is named by its own pointer.
    #: In a FHIR resource, a FHIR path instead
    #: (``"QuestionnaireResponse.item[0].item[1].answer[0]"``); in a row of a
    #: REDCap export, its column (``"crying_2"``), or ``""`` for the row.
    path: str
    #: What is wrong, for a person to read.
    message: str
    #: The JSON Schema keyword that failed (``"type"``, ``"required"``, ...),
    #: or a word of ours for checks JSON Schema cannot express.
    keyword: str

    def __str__(self) -> str:
        return f"{self.path or '(root)'}: {self.message}"


class Problems:
    """The one collector of problems: gathers every problem, then raises them all at once."""

    def __init__(self) -> None:
        #: The problems found so far, in the order found.
        self.found: list[Problem] = []

    def add(self, path: str, message: str, keyword: str) -> None:
        """Note one problem."""
        self.found.append(Problem(path, message, keyword))

    def extend(self, problems: Iterable[Problem]) -> None:
        """Note problems found elsewhere."""
        self.found.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.found)

    def raise_as(self, error: type[_ProblemsError]) -> None:
        """Raise ``error`` with every problem noted, if there is any."""
        if self.found:
            raise error(self.found)


class BluntingError(Exception):
    """The root of every exception this library raises on purpose.

    .. versionadded:: 0.1.0
    """


class _ProblemsError(BluntingError):
    """An error made of one or more problems; ``str()`` is the first."""

    problems: tuple[Problem, ...]

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        if not self.problems:
            raise AssertionError("an error needs at least one problem")
        super().__init__(*self.problems)

    def __str__(self) -> str:
        first = str(self.problems[0])
        more = len(self.problems) - 1
        if more:
            return f"{first} (and {more} more problem{'s' if more > 1 else ''})"
        return first


class InvalidResponse(_ProblemsError, ValueError):
    """A response payload that the questionnaire's schema rejects.

    ``problems`` holds every problem found, most relevant first; ``str()``
    shows the most relevant one.

    .. versionadded:: 0.1.0
    """


class InvalidQuestionnaire(_ProblemsError, ValueError):
    """A questionnaire document that breaks the vocabulary or its own key.

    ``problems`` holds every problem found, each with a JSON Pointer into the
    questionnaire document.

    .. versionadded:: 0.1.0
    """


class InvalidStudy(_ProblemsError, ValueError):
    """A study's data that a statistic cannot be computed from, and why.

    ``problems`` names each column (or the data as a whole, at ``""``) and
    what is wrong with it: a column that is missing or not numeric, one
    that does not vary, too few complete rows, a factor of one item.

    .. versionadded:: 0.1.0
    """


class UnknownQuestionnaire(BluntingError, LookupError):
    """A questionnaire id, version, file or ``$id`` that is not known here.

    .. versionadded:: 0.1.0
    """


@attrs.frozen
class Rejection:
    """An input that could not be scored or read, and why.

    :func:`blunting.score_stream` yields one for each input it cannot score,
    and :func:`blunting.redcap.from_redcap_export` for each row it cannot read.

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
