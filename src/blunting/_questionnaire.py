"""Questionnaires: their items and domains, and the checks and scoring of responses."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import attrs

from blunting._errors import InvalidResponse
from blunting._limits import beyond_limits

if TYPE_CHECKING:
    from collections.abc import Mapping

    from blunting._errors import Problem
    from blunting._scoring import Score, ScoringKey
    from blunting._validation import Compiled


@attrs.frozen
class Option:
    """One answer option of an item.

    .. versionadded:: 0.1.0
    """

    #: The code a payload sends for this option; ``None`` is "prefer not to answer".
    value: int | str | None
    #: The option's label, for a person to read.
    label: str


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


def code(value: int | str) -> str:
    """An answer option's code: its value as text (``"3"``, ``"ssri"``).

    FHIR codings and REDCap choices carry these codes; ``null`` has none.
    """
    return str(value)


def codes(item: Item) -> dict[str, int | str]:
    """An item's answer options' values by their code, in order."""
    return {code(o.value): o.value for o in item.options if o.value is not None}


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
    _validator: Compiled = attrs.field(repr=False, eq=False, alias="validator")
    _key: ScoringKey = attrs.field(repr=False, eq=False, alias="key")
    #: Its introduction for the person answering (the recall period is here).
    description: str | None = attrs.field(default=None, eq=False)

    @property
    def schema(self) -> dict[str, Any]:
        """The questionnaire's JSON Schema: a fresh copy, so changing it changes nothing here."""
        result: dict[str, Any] = json.loads(self._document)
        return result

    def problems(self, payload: object) -> tuple[Problem, ...]:
        """Every problem with ``payload``, most relevant first; empty when it is valid."""
        if self._validator.verdict(payload) is True:
            return ()
        found = beyond_limits(payload)
        if found:
            return found
        from blunting._validation import problems  # noqa: PLC0415 - loads jsonschema

        return problems(self._validator, payload)

    def validate(self, payload: object) -> None:
        """Raise :class:`InvalidResponse` with every problem unless ``payload`` is valid."""
        found = self.problems(payload)
        if found:
            raise InvalidResponse(found)

    def score(self, payload: object) -> Score:
        """Validate ``payload``, then score it (see docs/scoring.md)."""
        return self._key.score(self._checked(payload))

    def _score_text(self, payload: object) -> str:
        """``self.score(payload).to_json()``, made without making the :class:`Score`."""
        return self._key.score_text(self._checked(payload))

    def _checked(self, payload: object) -> Mapping[str, Any]:
        """``payload``, once it is known to be valid; else :class:`InvalidResponse`."""
        if self._validator.verdict(payload) is not True:
            self.validate(payload)
        return payload  # type: ignore[return-value]  # valid: an object
