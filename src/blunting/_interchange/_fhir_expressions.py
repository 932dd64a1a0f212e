"""FHIRPath expressions that compute the scores in a FHIR form filler, exactly as docs/scoring.md.

Each is an SDC ``calculatedExpression`` of the exported ``Questionnaire``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from blunting._interchange._fhir_layout import code_system_url, domain_group, literal

if TYPE_CHECKING:
    from collections.abc import Iterable

    from blunting._questionnaire import Domain, Questionnaire


class Expressions:
    """FHIRPath expressions for the scores, following docs/scoring.md.

    Each score is a ratio of whole numbers computed from a domain's count of
    answered items ``n`` and the sum of their weights ``s``, rounded once to 2
    decimals, half up: ``(100 * N / D).round(0) / 100``. A single division of
    whole numbers keeps the result exact until that rounding, so the engines'
    decimal arithmetic and JavaScript numbers both give our rounding.
    """

    def __init__(self, q: Questionnaire) -> None:
        self.q = q
        self.system = literal(code_system_url(q))

    def _weights(self, domain: Domain) -> str:
        return (
            f"%resource.item.where(linkId = {literal(domain_group(domain.id))})"
            f".item.answer.value.where(system = {self.system}).weight()"
        )

    def n(self, domain: Domain) -> str:
        return f"{self._weights(domain)}.count()"

    def s(self, domain: Domain) -> str:
        return f"{self._weights(domain)}.sum()"

    @staticmethod
    def _rounded(numerator: str, denominator: str) -> str:
        return f"((100 * ({numerator}) / ({denominator})).round(0) / 100)"

    def _when(self, domains: Iterable[Domain], value: str) -> str:
        condition = " and ".join(f"({self.n(d)} >= {d.min_answered})" for d in domains)
        return f"iif({condition}, {value})"

    def domain(self, domain: Domain, statistic: str) -> str:
        low, high = self.q.scale
        k = len(domain.items)
        n, s = self.n(domain), self.s(domain)
        numerator, denominator = {
            "raw": (f"{k} * {s}", n),
            "mean": (s, n),
            "scaled": (f"100 * ({s} - {low} * {n})", f"{high - low} * {n}"),
        }[statistic]
        return self._when((domain,), self._rounded(numerator, denominator))

    def total(self, statistic: str) -> str:
        low, high = self.q.scale
        domains = self.q.domains
        items = sum(len(d.items) for d in domains)

        def others(domain: Domain) -> str:
            return "".join(f" * {self.n(e)}" for e in domains if e is not domain)

        # raw = sum of k_d * s_d / n_d, over the common denominator P = product of n_d
        raw = " + ".join(f"{len(d.items)} * {self.s(d)}{others(d)}" for d in domains)
        product = " * ".join(self.n(d) for d in domains)
        numerator, denominator = {
            "raw": (raw, product),
            "mean": (raw, f"{items} * {product}"),
            "scaled": (
                f"100 * ({raw} - {items * low} * {product})",
                f"{items * (high - low)} * {product}",
            ),
        }[statistic]
        return self._when(domains, self._rounded(numerator, denominator))
