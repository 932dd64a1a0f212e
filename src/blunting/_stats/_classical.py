"""Classical statistics of a questionnaire's items, each from its published formula.

- Cronbach's alpha, with the 95% interval of Feldt, Woodruff & Salih (1987):
  ``1 - (1 - alpha) * F``, F the F distribution's 0.975 and 0.025 quantiles
  on ``n - 1`` and ``(n - 1)(k - 1)`` degrees of freedom, ``n`` the rows used.
- Intraclass correlations of McGraw & Wong (1996), two-way models, single
  measures: ICC(A,1) (absolute agreement) and ICC(C,1) (consistency), with
  their F-based 95% intervals (their Table 7; for ICC(A,1), Satterthwaite's
  degrees of freedom).

Every statistic takes complete rows only; the callers say how many.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

#: The confidence of every interval here.
CONFIDENCE = 0.95


def alpha(matrix: np.ndarray) -> float:
    """Cronbach's alpha of the columns of ``matrix`` (complete rows, two columns or more).

    NaN when the sum of the columns does not vary.
    """
    k = matrix.shape[1]
    items = matrix.var(axis=0, ddof=1).sum()
    total = matrix.sum(axis=1).var(ddof=1)
    if total == 0:
        return math.nan
    return float(k / (k - 1) * (1 - items / total))


def feldt(value: float, rows: int, items: int) -> tuple[float, float]:
    """The 95% interval of Cronbach's alpha ``value`` (Feldt, Woodruff & Salih, 1987)."""
    tail = (1 - CONFIDENCE) / 2
    first, second = rows - 1, (rows - 1) * (items - 1)
    low = 1 - (1 - value) * stats.f.ppf(1 - tail, first, second)
    high = 1 - (1 - value) * stats.f.ppf(tail, first, second)
    return float(low), float(high)


def item_total(matrix: np.ndarray) -> np.ndarray:
    """Each column's correlation with the sum of the other columns (corrected item-total)."""
    total = matrix.sum(axis=1)
    found = np.empty(matrix.shape[1])
    for index in range(matrix.shape[1]):
        rest = total - matrix[:, index]
        found[index] = correlation(matrix[:, index], rest)
    return found


def alpha_without(matrix: np.ndarray) -> np.ndarray:
    """Cronbach's alpha of the other columns, for each column (NaN when one column is left)."""
    k = matrix.shape[1]
    if k < 3:
        return np.full(k, np.nan)
    return np.array([alpha(np.delete(matrix, index, axis=1)) for index in range(k)])


def correlation(first: np.ndarray, second: np.ndarray) -> float:
    """Pearson's r of two columns of two rows or more; NaN when either does not vary."""
    spread = first.std() * second.std()
    if spread == 0:
        return float("nan")
    found = ((first - first.mean()) * (second - second.mean())).mean() / spread
    return float(np.clip(found, -1.0, 1.0))  # rounding may pass 1 by a hair


def icc(ratings: np.ndarray) -> tuple[float, tuple[float, float], float, tuple[float, float]]:
    """ICC(A,1) and its interval, ICC(C,1) and its interval, of n subjects by k occasions."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # judged by the caller
        return _icc(ratings)


def _icc(ratings: np.ndarray) -> tuple[float, tuple[float, float], float, tuple[float, float]]:
    n, k = ratings.shape
    grand = ratings.mean()
    rows = k * ((ratings.mean(axis=1) - grand) ** 2).sum() / (n - 1)
    columns = n * ((ratings.mean(axis=0) - grand) ** 2).sum() / (k - 1)
    total = ((ratings - grand) ** 2).sum()
    error = (total - rows * (n - 1) - columns * (k - 1)) / ((n - 1) * (k - 1))
    error = max(error, 0.0)  # rounding of a perfect fit
    tail = 1 - (1 - CONFIDENCE) / 2
    consistency = (rows - error) / (rows + (k - 1) * error)
    df1, df2 = n - 1, (n - 1) * (k - 1)
    if error == 0:
        consistency_ci = (1.0, 1.0)
    else:
        ratio = rows / error
        low = ratio / stats.f.ppf(tail, df1, df2)
        high = ratio * stats.f.ppf(tail, df2, df1)
        consistency_ci = ((low - 1) / (low + k - 1), (high - 1) / (high + k - 1))
    spread = rows + (k - 1) * error + k * (columns - error) / n
    agreement = (rows - error) / spread
    agreement_ci = _agreement_interval(agreement, (n, k), (rows, columns, error), tail)
    return (
        float(agreement),
        agreement_ci,
        float(consistency),
        (float(consistency_ci[0]), float(consistency_ci[1])),
    )


def _agreement_interval(
    value: float, shape: tuple[int, int], squares: tuple[float, float, float], tail: float
) -> tuple[float, float]:
    """McGraw & Wong's (1996) interval of ICC(A,1), with Satterthwaite's degrees of freedom.

    ``squares``: the mean squares of the rows, the columns and the error.
    """
    n, k = shape
    rows, columns, error = squares
    if value >= 1 or (error == 0 and columns == 0):
        return (1.0, 1.0)
    a = k * value / (n * (1 - value))
    b = 1 + k * value * (n - 1) / (n * (1 - value))
    v = (a * columns + b * error) ** 2 / (
        (a * columns) ** 2 / (k - 1) + (b * error) ** 2 / ((n - 1) * (k - 1))
    )
    if not (math.isfinite(v) and v > 0):  # the columns' and the error's parts cancel out
        return (math.nan, math.nan)
    lower_f = stats.f.ppf(tail, n - 1, v)
    upper_f = stats.f.ppf(tail, v, n - 1)
    if not (math.isfinite(lower_f) and math.isfinite(upper_f)):  # degrees of freedom near 0
        return (math.nan, math.nan)
    scale = k * columns + (k * n - k - n) * error
    low = n * (rows - lower_f * error) / (lower_f * scale + n * rows)
    high = n * (upper_f * rows - error) / (scale + n * upper_f * rows)
    if not low <= high:  # the approximation breaks down (a negative ICC, near-0 freedom)
        return (math.nan, math.nan)
    return _bound(low), _bound(high)


def _bound(value: float) -> float:
    """A bound, or NaN where the F distribution cannot give one (a very negative ICC)."""
    return float(value) if math.isfinite(value) else math.nan


def shares(matrix: np.ndarray, value: float) -> np.ndarray:
    """For each column, the share of its answered cells equal to ``value``."""
    answered = ~np.isnan(matrix)
    hits = (matrix == value) & answered
    counts = answered.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        found: np.ndarray = np.where(counts > 0, hits.sum(axis=0) / counts, np.nan)
    return found
