"""The results of ``blunting.stats``: frozen values, each with the rule it was computed by.

``Analysis.to_dict()`` is JSON-ready (``null`` for a statistic that cannot
be computed, such as a correlation with a column that does not vary) and
valid against ``schemas/vocabulary/1/analysis.json``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import attrs

from blunting._scoring import freeze

#: Every result says this: the statistics describe the data they came from.
STATEMENT = (
    "These statistics describe this sample. They are not norms, cut-offs or "
    "severity bands, and a score is not a diagnosis."
)
#: How rows with a missing answer are handled, as every result states it.
LISTWISE = "listwise: only rows with every column answered are used"


@attrs.frozen
class ItemStatistics:
    """One item's statistics in :class:`Reliability`.

    ``mean``, ``sd``, ``floor`` and ``ceiling`` are over the item's own
    answered cells; ``item_total`` (the correlation with the sum of the
    other items) and ``alpha_if_deleted`` over the complete rows.

    .. versionadded:: 0.1.0
    """

    name: str
    #: Whether the item was reversed (``low + high - answer``) before anything else.
    reversed: bool
    mean: float
    sd: float
    #: The share of all rows given where the item has no answer.
    missing: float
    #: The shares of answered cells at the scale's lowest and highest value.
    floor: float
    ceiling: float
    item_total: float | None
    alpha_if_deleted: float | None


@attrs.frozen
class Reliability:
    """The reliability of one domain's items (or the columns of an array).

    .. versionadded:: 0.1.0
    """

    #: The complete rows used, and the rows given.
    n: int
    rows: int
    alpha: float
    #: Feldt's 95% interval (Feldt, Woodruff & Salih, 1987).
    alpha_ci: tuple[float, float]
    #: McDonald's omega total from a one-factor model; None when one cannot be
    #: fitted (two items, no more complete rows than items, no convergence).
    omega: float | None
    items: tuple[ItemStatistics, ...]
    #: The values that count as the floor and the ceiling.
    scale: tuple[float, float]
    rule: str = LISTWISE


@attrs.frozen
class CFA:
    """A confirmatory factor model's fit, by maximum likelihood (lavaan's definitions).

    .. versionadded:: 0.1.0
    """

    n: int
    chi2: float
    df: int
    cfi: float
    #: Not bounded; 1 when the model has no degrees of freedom (lavaan's).
    tli: float
    rmsea: float | None
    #: RMSEA's 90% interval.
    rmsea_ci: tuple[float, float] | None
    srmr: float
    #: Standardized loadings (``std.all``), by factor, then column.
    loadings: Mapping[str, Mapping[str, float]] = attrs.field(converter=freeze)
    estimator: str = "ML"
    rule: str = LISTWISE


@attrs.frozen
class ICC:
    """Intraclass correlations of n subjects by k occasions (McGraw & Wong, 1996).

    .. versionadded:: 0.1.0
    """

    n: int
    k: int
    #: ICC(A,1): two-way, absolute agreement, single measures; and its 95%
    #: interval (a bound that the F distribution cannot give, as for a very
    #: negative ICC, is NaN; ``null`` in JSON).
    agreement: float
    agreement_ci: tuple[float, float]
    #: ICC(C,1): two-way, consistency, single measures; and its 95% interval.
    consistency: float
    consistency_ci: tuple[float, float]
    rule: str = LISTWISE


@attrs.frozen
class Retest:
    """Test-retest: each respondent's first two valid responses, paired.

    ``parts`` holds, for each domain and the total, the ICC of the raw scores
    of the pairs where both are scored (None when fewer than two are).

    .. versionadded:: 0.1.0
    """

    pairs: int
    within: dt.timedelta | None
    parts: Mapping[str, ICC | None] = attrs.field(converter=freeze)
    #: How many of ``pairs`` each part's ICC used.
    used: Mapping[str, int] = attrs.field(converter=freeze)
    rule: str = (
        "each respondent's first two valid responses by completion time, "
        "paired when the second came within the window; raw scores"
    )


@attrs.frozen
class Correlations:
    """Pearson's correlations of the domains' raw scores, over rows scored in every domain.

    .. versionadded:: 0.1.0
    """

    n: int
    names: tuple[str, ...]
    matrix: tuple[tuple[float | None, ...], ...]


@attrs.frozen
class Analysis:
    """Everything :func:`blunting.stats.analyze` finds in a study.

    .. versionadded:: 0.1.0
    """

    questionnaire: str
    version: str
    #: The rows given, those the questionnaire found valid (the rest are not
    #: used), and those used: each respondent's first valid response.
    rows: int
    valid: int
    used: int
    #: By domain; None for a domain of one item.
    reliability: Mapping[str, Reliability | None] = attrs.field(converter=freeze)
    #: None when the questionnaire's model is not identified (one factor of two items).
    cfa: CFA | None
    correlations: Correlations
    retest: Retest | None
    statement: str = STATEMENT

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (valid against ``schemas/vocabulary/1/analysis.json``)."""
        found: dict[str, Any] = _plain(self)
        return found


def _plain(value: Any) -> Any:
    if attrs.has(type(value)):
        return {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value
