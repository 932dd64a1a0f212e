"""The model of a questionnaire: its items, domains and options, and what it does with payloads."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from blunting._errors import InvalidResponse, Problem
from blunting._text import describe, pointer

if TYPE_CHECKING:
    from collections.abc import Iterator

    from blunting._schema import Checker
    from blunting._scoring import Results, Score, Scorer, ScoringKey

#: The payload members that hold answers: scored items, then context questions.
ANSWERS, CONTEXT = "answers", "context"
#: Where a questionnaire words null for the questions that cannot list it.
NULL_TITLE = ("x-scoring", "null_title")


@attrs.frozen
class Option:
    """One answer option of an item.

    .. versionadded:: 0.1.0
    """

    #: The code a payload sends for this option; ``None`` is "prefer not to answer"
    #: (as a whole answer, also on a question of several answers).
    value: int | str | None
    #: The option's label, for a person to read.
    label: str
    #: Whether the option must stand alone in a multiple-choice answer ("None",
    #: "I don't know"): read from what the question's schema accepts.
    #:
    #: .. versionadded:: 0.1.0
    exclusive: bool = False
    #: Whether the option says the situation a scored item asks about did not
    #: happen ("Nothing like this happened in the past two weeks"): an answer
    #: of it counts as missing (docs/scoring.md, rule 1). Marked by the
    #: scoring key's ``not_applicable``.
    #:
    #: .. versionadded:: 0.1.0
    not_applicable: bool = False


@attrs.frozen
class Item:
    """One question: a scored item or an unscored context question.

    .. versionadded:: 0.1.0
    """

    #: The stable id, the key of its answer in the payload.
    id: str
    #: The question as a person reads it.
    text: str
    #: The domain a scored item belongs to; ``None`` for a context question.
    domain: str | None
    #: Whether a higher answer means less blunting (scored as min + max - answer).
    reverse: bool
    #: The answer options, in order.
    options: tuple[Option, ...]
    #: Further help text shown with the question, if any.
    description: str | None = None
    #: Whether the answer is a list of option values rather than one value.
    multiple: bool = False
    #: Whether a payload must answer it (its schema's ``required``).
    #:
    #: .. versionadded:: 0.1.0
    required: bool = False
    #: Whether ``null`` ("prefer not to answer") is a valid answer to it.
    #:
    #: .. versionadded:: 0.1.0
    nullable: bool = False

    @property
    def group(self) -> str:
        """The payload member that holds its answer: ``"answers"`` or ``"context"``.

        .. versionadded:: 0.1.0
        """
        return ANSWERS if self.domain is not None else CONTEXT


def code(value: int | str) -> str:
    """An answer option's code: its value as text (``"3"``, ``"ssri"``).

    FHIR codings and REDCap choices carry these codes; ``null`` has none.
    """
    return str(value)


def codes(item: Item) -> dict[str, int | str]:
    """An item's answer options' values by their code, in order."""
    return {code(o.value): o.value for o in item.options if o.value is not None}


def texts(q: Questionnaire) -> Iterator[tuple[str, str, Option | None]]:
    """Every text a person reads, with its JSON Pointer into the document.

    ``(pointer, text, option)``: the option is the one whose label it is, else
    ``None``. Converters check with it that their format can hold each text.
    """
    yield "/title", q.title, None
    if q.description is not None:
        yield "/description", q.description, None
    if q.context_title is not None:  # its own title, or the default "Context"
        yield pointer(("properties", CONTEXT, "title")), q.context_title, None
    for index, domain in enumerate(q.domains):
        yield pointer(("x-scoring", "domains", index, "title")), domain.title, None
    groups = q.schema["properties"]
    for item in q.items:
        at = ("properties", item.group, "properties", item.id)
        yield pointer((*at, "title")), item.text, None
        if item.description is not None:
            yield pointer((*at, "description")), item.description, None
        question = groups[item.group]["properties"][item.id]
        choices = (*at, "items") if item.multiple else at
        listed = len((question["items"] if item.multiple else question)["oneOf"])
        for index, option in enumerate(item.options):
            # an option past the listed ones is null, worded by the key's null_title
            place = (*choices, "oneOf", index, "title") if index < listed else NULL_TITLE
            yield pointer(place), option.label, option


def labels(item: Item) -> dict[str, str]:
    """An item's answer options' labels by their code, in order."""
    return {code(o.value): o.label for o in item.options if o.value is not None}


@attrs.frozen
class Domain:
    """One scored domain.

    .. versionadded:: 0.1.0
    """

    #: The stable id, the key of its result in a score.
    id: str
    #: A short name.
    title: str
    #: The ids of its items, in order.
    items: tuple[str, ...]
    #: How many of its items must be answered for it to be scored.
    min_answered: int
    #: What the domain is about.
    description: str | None = None


@attrs.frozen
class Questionnaire:
    """A questionnaire: its items and domains, and the checks and scoring of its responses.

    Get one with :func:`blunting.questionnaire` or :func:`blunting.load`.

    .. versionadded:: 0.1.0
    """

    #: The questionnaire id a payload names.
    id: str
    #: The version a payload names.
    version: str
    #: Its title.
    title: str
    #: Every question: scored items first, then context questions.
    items: tuple[Item, ...] = attrs.field(eq=False)
    #: The scored domains, in order.
    domains: tuple[Domain, ...] = attrs.field(eq=False)
    #: The lowest and highest answer code of a scored item.
    scale: tuple[int, int] = attrs.field(eq=False)
    _document: str = attrs.field(repr=False, alias="document")
    _checker: Checker = attrs.field(repr=False, eq=False, alias="checker")
    _scorer: Scorer = attrs.field(repr=False, eq=False, alias="scorer")
    #: Its introduction for the person answering (the recall period is here).
    description: str | None = attrs.field(default=None, eq=False)
    #: The title of its group of context questions, if it has one.
    #:
    #: .. versionadded:: 0.1.0
    context_title: str | None = attrs.field(default=None, eq=False)

    @property
    def schema(self) -> dict[str, Any]:
        """The questionnaire's JSON Schema: a fresh copy, so changing it changes nothing here."""
        result: dict[str, Any] = json.loads(self._document)
        return result

    def problems(self, payload: object) -> tuple[Problem, ...]:
        """Every problem with ``payload``, most relevant first; empty when it is valid."""
        return _worded(self, self._checker.problems(payload), payload)

    def validate(self, payload: object) -> None:
        """Raise :class:`InvalidResponse` with every problem unless ``payload`` is valid."""
        found = self.problems(payload)
        if found:
            raise InvalidResponse(found)

    def score(self, payload: object) -> Score:
        """Validate ``payload``, then score it (see docs/scoring.md)."""
        if self._checker.verdict(payload) is not True:  # once: see checked()
            _explained(self, payload)
        return self._scorer.score(payload)  # type: ignore[arg-type]  # valid: an object

    def payload(
        self,
        answers: Mapping[str, Any],
        *,
        respondent: str | None = None,
        completed: str | None = None,
    ) -> dict[str, Any]:
        """A payload of ``answers`` (by item id, scored and context alike), in this order.

        ``answers`` and ``context`` hold the answers given to their items, in
        the questionnaire's order (``context`` only when one is given);
        ``respondent`` and ``completed`` only when given. The payload is not
        checked: pass it to :meth:`problems`. ``answers`` that is not a mapping,
        or a key of it that is no item id, raises :class:`InvalidResponse`,
        naming each such key.

        .. versionadded:: 0.1.0
        """
        if not isinstance(answers, Mapping):
            raise InvalidResponse(
                [Problem("/answers", f"{describe(answers)} is not of type 'object'", "type")]
            )
        known = {item.id for item in self.items}
        unknown = [
            Problem(
                pointer((ANSWERS, item_id)),
                f"{describe(item_id)} is not a question of {self.id} {self.version}",
                "additionalProperties",
            )
            for item_id in answers
            if item_id not in known
        ]
        if unknown:
            raise InvalidResponse(unknown)
        made: dict[str, Any] = {"questionnaire": self.id, "version": self.version}
        if respondent is not None:
            made["respondent"] = respondent
        if completed is not None:
            made["completed"] = completed
        for group in (ANSWERS, CONTEXT):
            given = {
                i.id: answers[i.id] for i in self.items if i.group == group and i.id in answers
            }
            if given or group == ANSWERS:
                made[group] = given
        return made


def checked(q: Questionnaire, payload: object) -> Mapping[str, Any]:
    """``payload``, once it is known to be valid for ``q``; else :class:`InvalidResponse`.

    The compiled verdict runs once; only a payload it does not pass is explained.
    """
    if q._checker.verdict(payload) is not True:  # noqa: SLF001 - this module's own class
        _explained(q, payload)
    return payload  # type: ignore[return-value]  # valid: an object


def _explained(q: Questionnaire, payload: object) -> None:
    """Raise :class:`InvalidResponse` for a payload the verdict did not pass, unless it is valid.

    Asked after the verdict, which it does not ask again.
    """
    found = _worded(q, q._checker.explain(payload), payload)  # noqa: SLF001 - its own class
    if found:
        raise InvalidResponse(found)


def _worded(
    q: Questionnaire, problems: tuple[Problem, ...], payload: object
) -> tuple[Problem, ...]:
    """``problems``, with what the questionnaire knows put in words: an option that goes alone.

    Pointers and keywords are kept; only a message changes. JSON Schema says
    that a list holding "None" is too long; the questionnaire knows why.
    """
    if not any(problem.keyword == "maxItems" for problem in problems):
        return problems
    return tuple(_alone(q, problem, payload) for problem in problems)


def _alone(q: Questionnaire, problem: Problem, payload: object) -> Problem:
    """A ``maxItems`` problem of a list that holds an option that must stand alone, in words."""
    if problem.keyword != "maxItems" or not isinstance(payload, dict):
        return problem
    for item in q.items:
        if problem.path != f"/{item.group}/{item.id}":
            continue
        group = payload.get(item.group)
        given = group.get(item.id) if isinstance(group, dict) else None
        if not isinstance(given, list):
            return problem
        alone = [
            o for o in item.options if o.exclusive and o.value is not None and o.value in given
        ]
        if alone:
            return Problem(problem.path, goes_alone(alone[0]), "maxItems")
    return problem


def goes_alone(option: Option) -> str:
    """Why an option that stands alone cannot be chosen with others, in plain words."""
    return f'"{option.label}" goes alone: choose it without any other answer'


def score_text(q: Questionnaire, payload: object, *, valid: bool = False) -> str:
    """``q.score(payload).to_json()``, made without making the :class:`Score`.

    ``valid`` says that the payload was checked already (by a reader that
    returns only valid payloads, such as ``from_redcap_export``): it is not
    checked again.
    """
    if not valid and q._checker.verdict(payload) is not True:  # noqa: SLF001 - its own class
        _explained(q, payload)
    return q._scorer.score_text(payload)  # type: ignore[arg-type]  # noqa: SLF001 - valid: an object


def scoring_key(q: Questionnaire) -> ScoringKey:
    """The rules' key of ``q``: for scoring whole columns of answers at once (``_tables``)."""
    return q._scorer.key  # noqa: SLF001 - this module's own class


def results(
    q: Questionnaire, payload: object, *, valid: bool = False
) -> tuple[Mapping[str, Any], Results, int | None]:
    """A valid payload, its results and its impact answer, made without making a :class:`Score`.

    ``valid``: as for :func:`score_text`.
    """
    checked_payload: Mapping[str, Any] = payload if valid else checked(q, payload)  # type: ignore[assignment]
    scorer = q._scorer  # noqa: SLF001 - this module's own class
    return (
        checked_payload,
        scorer.results(checked_payload["answers"]),
        scorer.impact(checked_payload.get("context")),
    )
