"""The scoring rules (docs/scoring.md), applied to a validated payload."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final

import attrs

from blunting._version import __version__

SCORED: Final = "scored"
INSUFFICIENT_ANSWERS: Final = "insufficient_answers"
UNSCORABLE_DOMAINS: Final = "unscorable_domains"


def round2(value: Fraction) -> float:
    """``value`` rounded to 2 decimals, half away from zero, computed exactly."""
    hundredths, remainder = divmod(abs(value.numerator) * 100, value.denominator)
    if 2 * remainder >= value.denominator:
        hundredths += 1
    return (hundredths if value.numerator >= 0 else -hundredths) / 100


@attrs.frozen
class DomainScore:
    """The result for one domain, or for the total.

    .. versionadded:: 0.1.0
    """

    #: Mean scored value times the number of items; ``None`` when unscorable.
    raw: float | None
    #: Mean scored value of the answered items; ``None`` when unscorable.
    mean: float | None
    #: The mean mapped onto 0-100; ``None`` when unscorable.
    scaled: float | None
    #: How many of the items were answered.
    answered: int
    #: How many items there are.
    items: int
    #: Whether ``raw`` stands in for missing answers (fewer answered than items).
    prorated: bool
    #: ``"scored"``, ``"insufficient_answers"`` or ``"unscorable_domains"``.
    status: str

    def to_dict(self) -> dict[str, Any]:
        """This result as JSON-ready data."""
        return attrs.asdict(self)


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _thaw(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [_thaw(item) for item in value]
    return value


def _freeze(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({key: _freeze(item) for key, item in value.items()})
    if isinstance(value, list):
        return tuple(_freeze(item) for item in value)
    return value


@attrs.frozen
class Score:
    """The score of one response: its domains, total, and unscored context.

    A score is not a diagnosis, and there are no cut-offs.

    .. versionadded:: 0.1.0
    """

    #: Id of the questionnaire that was answered.
    questionnaire: str
    #: Version of the questionnaire that was answered.
    version: str
    #: Results by domain id, in the questionnaire's order.
    domains: Mapping[str, DomainScore]
    #: The result over all domains.
    total: DomainScore
    #: The answer to the impact question (unscored), or ``None``.
    impact: int | None
    #: The other context answers (unscored), exactly as given; arrays as tuples.
    context: Mapping[str, Any]
    #: The response's respondent id, or ``None``.
    respondent: str | None = None
    #: The response's completion time as given, or ``None``.
    completed: str | None = None
    #: Version of this library, which computed the score.
    library_version: str = __version__

    def to_dict(self) -> dict[str, Any]:
        """This score as JSON-ready data, valid against the score schema."""
        return {
            "questionnaire": self.questionnaire,
            "version": self.version,
            "library_version": self.library_version,
            "respondent": self.respondent,
            "completed": self.completed,
            "domains": {key: result.to_dict() for key, result in self.domains.items()},
            "total": self.total.to_dict(),
            "impact": self.impact,
            "context": _thaw(self.context),
        }


@attrs.frozen
class DomainKey:
    """How one domain is scored."""

    id: str
    #: ``(item id, reverse-keyed)`` for each item, in order.
    items: tuple[tuple[str, bool], ...]
    min_answered: int


@attrs.frozen
class ScoringKey:
    """Everything scoring needs, read from a questionnaire's ``x-scoring``."""

    questionnaire: str
    version: str
    minimum: int
    maximum: int
    domains: tuple[DomainKey, ...]
    impact: str | None

    def score(self, payload: Mapping[str, Any]) -> Score:
        """Score a payload that the questionnaire's schema has accepted."""
        answers: Mapping[str, Any] = payload["answers"]
        results: dict[str, DomainScore] = {}
        raws: list[Fraction] = []
        for domain in self.domains:
            answered = total = 0
            for item, reverse in domain.items:
                answer = answers.get(item)
                if answer is not None:
                    value = int(answer)
                    total += self.minimum + self.maximum - value if reverse else value
                    answered += 1
            items = len(domain.items)
            if answered < domain.min_answered:
                results[domain.id] = _unscored(answered, items, INSUFFICIENT_ANSWERS)
                continue
            mean = Fraction(total, answered)
            raws.append(mean * items)
            results[domain.id] = self._scored(
                raws[-1], mean, answered, items, prorated=answered < items
            )
        item_count = sum(result.items for result in results.values())
        answered_count = sum(result.answered for result in results.values())
        if len(raws) == len(self.domains):
            raw = sum(raws, Fraction(0))
            prorated = any(result.prorated for result in results.values())
            overall = self._scored(
                raw, raw / item_count, answered_count, item_count, prorated=prorated
            )
        else:
            overall = _unscored(answered_count, item_count, UNSCORABLE_DOMAINS)
        context = dict(payload.get("context", {}))
        impact = context.pop(self.impact, None) if self.impact is not None else None
        return Score(
            questionnaire=self.questionnaire,
            version=self.version,
            domains=MappingProxyType(results),
            total=overall,
            impact=None if impact is None else int(impact),
            context=_freeze(context),
            respondent=payload.get("respondent"),
            completed=payload.get("completed"),
        )

    def _scored(
        self, raw: Fraction, mean: Fraction, answered: int, items: int, *, prorated: bool
    ) -> DomainScore:
        """A scored result, from exact values: rules 3, 5 and 6 of docs/scoring.md."""
        scaled = (mean - self.minimum) * 100 / (self.maximum - self.minimum)
        return DomainScore(
            raw=round2(raw),
            mean=round2(mean),
            scaled=round2(scaled),
            answered=answered,
            items=items,
            prorated=prorated,
            status=SCORED,
        )


def _unscored(answered: int, items: int, status: str) -> DomainScore:
    return DomainScore(
        raw=None,
        mean=None,
        scaled=None,
        answered=answered,
        items=items,
        prorated=False,
        status=status,
    )
