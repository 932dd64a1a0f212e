"""The scoring rules of docs/scoring.md, exactly: the key, and one domain's or the total's result.

Everything here works on exact numbers (``Fraction``) and rounds once, at the
end (rule 6). How answers are summed quickly, and which results are
remembered, is ``_scorer``'s business; the rules are only here.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Final

import attrs

from blunting._scoring._results import DomainScore

SCORED: Final = "scored"
INSUFFICIENT_ANSWERS: Final = "insufficient_answers"
UNSCORABLE_DOMAINS: Final = "unscorable_domains"


@attrs.frozen
class DomainKey:
    """How one domain is scored."""

    id: str
    #: ``(item id, reverse-keyed)`` for each item, in order.
    items: tuple[tuple[str, bool], ...]
    #: How many of its items must be answered for it to be scored (rules 3 and 4).
    min_answered: int


@attrs.frozen
class ScoringKey:
    """Everything scoring needs, read from a questionnaire's ``x-scoring``."""

    questionnaire: str
    version: str
    #: The lowest and highest answer code of a scored item.
    minimum: int
    maximum: int
    domains: tuple[DomainKey, ...]
    #: The id of the context question whose answer is the score's ``impact``.
    impact: str | None
    #: The answer that says an item's situation did not happen: missing (rule 1).
    not_applicable: str | None = None

    @property
    def items(self) -> int:
        """How many scored items there are."""
        return sum(len(domain.items) for domain in self.domains)

    def domain(self, domain: DomainKey, total: int, answered: int) -> DomainScore:
        """Rules 3 and 4: a domain's result from the sum of its scored values and their count.

        Scored values (rule 2) leave out missing answers (rule 1): ``total`` is
        the sum of the ``answered`` ones.
        """
        items = len(domain.items)
        if answered < domain.min_answered:
            return unscored(answered, items, INSUFFICIENT_ANSWERS)
        mean = Fraction(total, answered)
        return self._scored(mean * items, mean, answered, items, prorated=answered < items)

    def total(self, raw: Fraction | None, answered: int, *, prorated: bool) -> DomainScore:
        """Rule 5: the total from the sum of the domains' unrounded raw scores.

        ``raw`` is ``None`` when any domain is not scored.
        """
        items = self.items
        if raw is None:
            return unscored(answered, items, UNSCORABLE_DOMAINS)
        return self._scored(raw, raw / items, answered, items, prorated=prorated)

    def _scored(
        self, raw: Fraction, mean: Fraction, answered: int, items: int, *, prorated: bool
    ) -> DomainScore:
        """A scored result from exact values: the scaled score (rule 3), rounded once (rule 6)."""
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


def round2(value: Fraction) -> float:
    """Rule 6: ``value`` rounded to 2 decimals, half away from zero, computed exactly."""
    hundredths, remainder = divmod(abs(value.numerator) * 100, value.denominator)
    if 2 * remainder >= value.denominator:
        hundredths += 1
    return (hundredths if value.numerator >= 0 else -hundredths) / 100


def unscored(answered: int, items: int, status: str) -> DomainScore:
    """A result that is not scored: no numbers, and why."""
    return DomainScore(
        raw=None,
        mean=None,
        scaled=None,
        answered=answered,
        items=items,
        prorated=False,
        status=status,
    )
