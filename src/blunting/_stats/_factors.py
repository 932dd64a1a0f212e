"""Confirmatory factor models: fitted by semopy, judged by the formulas of lavaan, here.

semopy (MIT) finds the maximum-likelihood estimates: its ``MLW`` objective,
handed the covariance matrix of the complete rows divided by ``n`` (as
lavaan's default ``likelihood = "normal"`` does), and ``n``. Its own fit
statistics are not used: its log-likelihood, AIC and BIC are wrong, it has
no SRMR, and its CFI may pass 1. They are computed here from the sample
covariance ``S`` and the fitted one ``Sigma``, as lavaan computes them:

- ``F = log|Sigma| + tr(S Sigma^-1) - log|S| - p`` and ``chi2 = n F``, on
  ``df = p(p + 1)/2 - q`` degrees of freedom (``q`` free parameters);
- the baseline: every column on its own (``Sigma = diag(S)``), on ``p(p - 1)/2``;
- CFI ``1 - max(chi2 - df, 0) / max(chi2 - df, chi2_b - df_b, 0)``, in [0, 1];
- TLI ``(chi2_b/df_b - chi2/df) / (chi2_b/df_b - 1)``, not bounded, and 1
  without degrees of freedom or when ``chi2_b = df_b`` (lavaan's);
- RMSEA ``sqrt(max(chi2 - df, 0) / (df n))``, and its 90% interval from the
  noncentral chi-square distribution (the noncentralities that put ``chi2``
  at its 0.95 and 0.05 quantiles);
- SRMR (Bentler's, lavaan's default): the root mean square of
  ``(s_ij - sigma_ij) / sqrt(s_ii s_jj)`` over the lower triangle and diagonal.

The loadings are standardized (lavaan's ``std.all``).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import optimize, stats

from blunting._errors import InvalidStudy, Problem, Problems
from blunting._stats._data import check_usable
from blunting._stats._results import CFA
from blunting._text import describe

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

#: How closely the optimizer must reach the minimum of the discrepancy.
_TOLERANCE = 1e-12
#: The chance each end of RMSEA's 90% interval leaves outside it.
_RMSEA_TAIL = 0.05


def check_model(names: Sequence[str], factors: Mapping[str, Sequence[str]]) -> None:
    """Raise ``InvalidStudy`` naming every problem of the model itself."""
    found = Problems()
    if not factors:
        found.add("", "the model has no factor: give {factor: [column, ...]}", "model")
    for factor, columns in factors.items():
        for column in sorted({c for c in columns if list(columns).count(c) > 1}):
            found.add(column, f"factor {describe(factor)} names {describe(column)} twice", "model")
        if len(set(columns)) < 2:
            message = f"factor {describe(factor)} has one column: give it two or more"
            found.add(factor, message, "model")
        for column in columns:
            if column not in names:
                found.add(column, f"factor {describe(factor)} names no column of the data", "model")
    found.raise_as(InvalidStudy)


def _counts(factors: Mapping[str, Sequence[str]]) -> tuple[int, int]:
    """The moments of the columns of ``factors``, and the model's free parameters.

    Each factor's first loading is fixed to 1; the others, the factors'
    variances and covariances, and each column's residual variance are free.
    """
    p = len({c for columns in factors.values() for c in columns})
    m = len(factors)
    loadings = sum(len(columns) for columns in factors.values()) - m
    return p * (p + 1) // 2, loadings + m * (m + 1) // 2 + p


def identified(factors: Mapping[str, Sequence[str]]) -> bool:
    """Whether ``factors`` (each of distinct columns) has no more free parameters than moments."""
    if not factors or any(len(columns) < 2 for columns in factors.values()):
        return False
    moments, free = _counts(factors)
    return moments >= free


def fit(
    matrix: np.ndarray, names: Sequence[str], factors: Mapping[str, Sequence[str]]
) -> tuple[CFA, dict[str, dict[str, float]], dict[str, float]]:
    """Fit ``factors`` to the complete rows ``matrix`` (columns ``names``) by maximum likelihood.

    With the fit: the unstandardized loadings on factors of variance 1, by
    factor then column, and the residual variances, by column.
    """
    check_model(names, factors)
    moments, free = _counts(factors)
    df = moments - free
    if df < 0:
        message = f"the model has {free} free parameters for {moments} moments"
        raise InvalidStudy([Problem("", f"{message}: it is not identified", "model")])
    used = list(dict.fromkeys(c for columns in factors.values() for c in columns))
    data = matrix[:, [names.index(c) for c in used]]
    check_usable(data, used, least_rows=len(used) + 1, what="a factor model")
    n, p = data.shape
    sample = np.cov(data, rowvar=False, bias=True)
    if np.linalg.eigvalsh(sample).min() <= 1e-12 * np.trace(sample):
        message = "the columns are linearly dependent (one is made of others): drop one"
        raise InvalidStudy([Problem("", message, "model")])
    model, order = _semopy(sample, n, used, factors)
    sigma = model.calc_sigma()[0]
    s = sample[np.ix_(order, order)]
    chi2 = max(n * _discrepancy(s, sigma), 0.0)
    baseline = n * (np.log(np.diag(s)).sum() - np.linalg.slogdet(s)[1])
    baseline_df = p * (p - 1) // 2
    spread = max(chi2 - df, baseline - baseline_df, 0.0)
    cfi = 1.0 if spread == 0 else 1 - max(chi2 - df, 0.0) / spread
    tli, rmsea, rmsea_ci = 1.0, None, None
    if df > 0 and baseline != baseline_df:  # else 1, as lavaan's lav_fit_tli
        tli = (baseline / baseline_df - chi2 / df) / (baseline / baseline_df - 1)
    if df > 0:
        rmsea = float(np.sqrt(max(chi2 - df, 0.0) / (df * n)))
        rmsea_ci = (
            _rmsea_bound(chi2, df, n, 1 - _RMSEA_TAIL),
            _rmsea_bound(chi2, df, n, _RMSEA_TAIL),
        )
    sd = np.sqrt(np.diag(s))
    residual = (s - sigma) / np.outer(sd, sd)
    srmr = float(np.sqrt(np.mean(residual[np.tril_indices(p)] ** 2)))
    loadings, raw = _loadings(model, sigma, used, factors)
    theta = np.diag(model.mx_theta)
    observed = [used[index] for index in order]
    fitted = CFA(
        n=n,
        chi2=float(chi2),
        df=df,
        cfi=float(cfi),
        tli=float(tli),
        rmsea=rmsea,
        rmsea_ci=rmsea_ci,
        srmr=srmr,
        loadings=loadings,
    )
    return fitted, raw, {c: float(v) for c, v in zip(observed, theta, strict=True)}


def _semopy(
    sample: np.ndarray, n: int, used: list[str], factors: Mapping[str, Sequence[str]]
) -> tuple[Any, list[int]]:
    """Semopy's model fitted to ``sample``, and the order of its columns among ``used``."""
    import pandas as pd  # noqa: PLC0415 - semopy's own dependency, for the stats extra
    import semopy  # noqa: PLC0415 - the stats extra

    # semopy's model syntax reads names: the columns and factors go by plain ones
    column = {name: f"v{index}" for index, name in enumerate(used)}
    lines = [
        f"f{index} =~ " + " + ".join(column[c] for c in columns)
        for index, columns in enumerate(factors.values())
    ]
    model = semopy.Model("\n".join(lines))
    plain = [column[c] for c in used]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # judged below, by the result
        try:
            result = model.fit(
                cov=pd.DataFrame(sample, index=plain, columns=plain),
                obj="MLW",
                n_samples=n,
                options={"ftol": _TOLERANCE},  # SLSQP's default stops a few digits short
            )
            sigma = model.calc_sigma()[0]
        except (np.linalg.LinAlgError, ValueError, ZeroDivisionError) as error:
            message = f"the factor model could not be fitted ({error})"
            raise InvalidStudy([Problem("", message, "model")]) from None
    if not result.success or not np.all(np.isfinite(sigma)):
        message = f"the factor model did not converge ({result.message})"
        raise InvalidStudy([Problem("", message, "model")])
    order = [plain.index(name) for name in model.names_lambda[0]]
    return model, order


def _discrepancy(s: np.ndarray, sigma: np.ndarray) -> float:
    p = s.shape[0]
    sign, fitted = np.linalg.slogdet(sigma)
    if sign <= 0:
        message = "the fitted covariance is not positive definite: the model does not fit the data"
        raise InvalidStudy([Problem("", message, "model")])
    inverse = np.linalg.inv(sigma)
    return float(fitted + np.trace(s @ inverse) - np.linalg.slogdet(s)[1] - p)


def _rmsea_bound(chi2: float, df: int, n: int, level: float) -> float:
    """The RMSEA whose noncentrality puts ``chi2`` at the ``level`` quantile (0 if none)."""
    if stats.chi2.cdf(chi2, df) < level:
        return 0.0

    def off(noncentrality: float) -> float:
        return float(stats.ncx2.cdf(chi2, df, noncentrality)) - level

    high = max(chi2, 1.0)
    while off(high) > 0:
        high *= 2
    noncentrality = optimize.brentq(off, 1e-12, high, xtol=1e-12)
    return float(np.sqrt(noncentrality / (n * df)))


def _loadings(
    model: Any, sigma: np.ndarray, used: list[str], factors: Mapping[str, Sequence[str]]
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    observed, latent = model.names_lambda
    lam = model.mx_lambda
    variances = np.diag(model.mx_psi)
    latent_order = list(model.names_psi[0])
    standard: dict[str, dict[str, float]] = {}
    raw: dict[str, dict[str, float]] = {}
    for index, (factor, columns) in enumerate(factors.items()):
        at = latent.index(f"f{index}")
        deviation = np.sqrt(variances[latent_order.index(f"f{index}")])
        standard[factor], raw[factor] = {}, {}
        for name in columns:
            row = observed.index(f"v{used.index(name)}")
            raw[factor][name] = float(lam[row, at] * deviation)
            standard[factor][name] = float(lam[row, at] * deviation / np.sqrt(sigma[row, row]))
    return standard, raw


def omega(matrix: np.ndarray, names: Sequence[str]) -> float | None:
    """McDonald's omega total from a one-factor model: ``(sum l)^2 / ((sum l)^2 + sum theta)``.

    None when a one-factor model cannot be fitted: fewer than three columns
    (it is not identified), no more complete rows than columns, columns made
    of each other, or a fit that does not converge.
    """
    rows, columns = matrix.shape
    if columns < 3 or rows <= columns:
        return None
    try:
        _, raw, residuals = fit(matrix, names, {"factor": list(names)})
    except InvalidStudy:
        return None
    common = sum(raw["factor"].values()) ** 2
    return float(common / (common + sum(residuals.values())))
