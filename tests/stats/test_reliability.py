"""``stats.reliability``: alpha and its interval, omega, and each item's statistics."""

from __future__ import annotations

import copy
import math

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import optimize
from scipy import stats as scipy_stats

import blunting
from blunting import stats
from conftest import MINI_PATH
from simulated_study import simulated

Q = blunting.questionnaire()
MINI = blunting.load(MINI_PATH)


def _alpha(matrix: np.ndarray) -> float:
    """Cronbach's alpha from the covariance matrix: k/(k-1) (1 - trace / sum)."""
    covariance = np.cov(matrix, rowvar=False)
    k = matrix.shape[1]
    return float(k / (k - 1) * (1 - np.trace(covariance) / covariance.sum()))


def _feldt(alpha: float, n: int, k: int) -> tuple[float, float]:
    """Feldt, Woodruff & Salih (1987): 1 - (1 - alpha) F at 0.975 and 0.025."""
    first, second = n - 1, (n - 1) * (k - 1)
    return (
        1 - (1 - alpha) * scipy_stats.f.isf(0.025, first, second),
        1 - (1 - alpha) * scipy_stats.f.isf(0.975, first, second),
    )


_ANSWERS = hnp.arrays(
    np.int8,
    st.tuples(st.integers(7, 30), st.integers(2, 6)),  # more rows than items
    elements=st.integers(0, 4),
)


def _varied(matrix: np.ndarray) -> bool:
    """Whether each column varies, and so does the sum of each set of all columns but one."""
    totals = matrix.sum(axis=1)[:, None] - matrix
    return bool((np.ptp(matrix, axis=0) > 0).all() and (np.ptp(totals, axis=0) > 0).all())


@given(matrix=_ANSWERS)
def test_alpha_and_its_interval_are_the_textbook_ones(matrix: np.ndarray) -> None:
    assume(_varied(matrix))
    found = stats.reliability(matrix)
    want = _alpha(matrix.astype(float))
    assert math.isclose(found.alpha, want, rel_tol=1e-9, abs_tol=1e-9)
    assert np.allclose(found.alpha_ci, _feldt(want, *matrix.shape), rtol=1e-9, atol=1e-9)
    assert found.alpha_ci[0] <= found.alpha <= found.alpha_ci[1]
    for item in found.items:
        assert item.item_total is None or -1 <= item.item_total <= 1
    assert (found.n, found.rows) == (matrix.shape[0], matrix.shape[0])


@given(matrix=_ANSWERS, data=st.data())
def test_alpha_is_the_same_whatever_the_order_of_rows_and_items(
    matrix: np.ndarray, data: st.DataObject
) -> None:
    assume(_varied(matrix))
    rows = data.draw(st.permutations(range(matrix.shape[0])))
    items = data.draw(st.permutations(range(matrix.shape[1])))
    first = stats.reliability(matrix)
    second = stats.reliability(matrix[rows][:, items])
    assert math.isclose(first.alpha, second.alpha, rel_tol=1e-9, abs_tol=1e-12)
    assert np.allclose(first.alpha_ci, second.alpha_ci)


def test_the_interval_counts_the_rows_left_after_listwise_deletion() -> None:
    matrix = simulated_matrix(200, seed=1)
    matrix[::4, 0] = np.nan  # a quarter of the rows lose one answer
    found = stats.reliability(matrix)
    complete = matrix[~np.isnan(matrix).any(axis=1)]
    assert (found.n, found.rows) == (150, 200)
    assert math.isclose(found.alpha, _alpha(complete))
    assert np.allclose(found.alpha_ci, _feldt(found.alpha, 150, matrix.shape[1]))
    wrong = _feldt(found.alpha, 200, matrix.shape[1])  # n taken before the rows were dropped
    assert found.alpha_ci[1] - found.alpha_ci[0] > wrong[1] - wrong[0]
    assert found.rule.startswith("listwise")


def simulated_matrix(rows: int, *, seed: int) -> np.ndarray:
    table = simulated(Q, rows, seed=seed)
    return np.column_stack(
        [table.column(f"crying_{i}").to_numpy(zero_copy_only=False) for i in range(1, 7)]
    ).astype(float)


def test_each_items_statistics_are_its_own() -> None:
    table = simulated(Q, 400, seed=2, missing=0.05)
    found = stats.reliability(table, domain="empathy")
    names = [f"empathy_{i}" for i in range(1, 7)]
    raw = np.column_stack([table.column(n).to_numpy(zero_copy_only=False) for n in names]).astype(
        float
    )
    assert [item.name for item in found.items] == names
    reverse = [item.reversed for item in found.items]
    assert reverse == [n == "empathy_5" for n in names]  # the key's reverse-keyed item
    scored = raw.copy()
    scored[:, 4] = 4 - scored[:, 4]
    complete = scored[~np.isnan(scored).any(axis=1)]
    assert found.n == len(complete)
    for index, item in enumerate(found.items):
        own = scored[~np.isnan(scored[:, index]), index]
        assert math.isclose(item.mean, own.mean())
        assert math.isclose(item.sd, own.std(ddof=1))
        assert math.isclose(item.missing, np.isnan(raw[:, index]).mean())
        assert math.isclose(item.floor, (own == 0).mean())
        assert math.isclose(item.ceiling, (own == 4).mean())
        rest = np.delete(complete, index, axis=1)
        assert item.item_total is not None
        assert math.isclose(item.item_total, np.corrcoef(complete[:, index], rest.sum(1))[0, 1])
        assert item.alpha_if_deleted is not None
        assert math.isclose(item.alpha_if_deleted, _alpha(rest))
    assert found.scale == (0.0, 4.0)


def test_an_array_named_as_a_domain_is_reversed_by_its_key() -> None:
    table = simulated(Q, 300, seed=3)
    names = [f"positive_{i}" for i in range(1, 7)]
    array = np.column_stack([table.column(n).to_numpy(zero_copy_only=False) for n in names])
    as_table = stats.reliability(table.select(names))
    as_domain = stats.reliability(array, domain="positive")
    as_is = stats.reliability(array)
    assert as_table == as_domain
    assert as_is.alpha < as_domain.alpha  # positive_3 unreversed works against the others
    assert not any(item.reversed for item in as_is.items)


def _flipped(q: blunting.Questionnaire, item: str) -> blunting.Questionnaire:
    document = copy.deepcopy(q.schema)
    reverse = document["x-scoring"]["reverse"]
    document["x-scoring"]["reverse"] = (
        [i for i in reverse if i != item]
        if item in reverse
        else [
            *reverse,
            item,
        ]
    )
    return blunting.load(document)


def test_reversing_a_reverse_keyed_item_changes_alpha() -> None:
    table = simulated(MINI, 300, seed=4)
    keyed = stats.reliability(table, MINI, domain="alpha")
    unkeyed = stats.reliability(table, _flipped(MINI, "a2"), domain="alpha")
    assert keyed.alpha > 0.6
    assert unkeyed.alpha < keyed.alpha - 0.2
    assert [i.reversed for i in keyed.items] == [False, True, False, False]


def _omega(matrix: np.ndarray) -> float:
    """Omega total of a one-factor model fitted here by maximum likelihood, apart from semopy.

    Loadings and log residual variances are free; the discrepancy
    ``log|S| - log|Sigma| ...`` of ``Sigma = l l' + diag(psi)`` is minimized.
    """
    sample = np.cov(matrix, rowvar=False, bias=True)
    k = sample.shape[0]

    def discrepancy(parameters: np.ndarray) -> float:
        loadings, residuals = parameters[:k], np.exp(parameters[k:])
        sigma = np.outer(loadings, loadings) + np.diag(residuals)
        _, logdet = np.linalg.slogdet(sigma)
        return float(logdet + np.trace(sample @ np.linalg.inv(sigma)))

    start = np.concatenate([np.sqrt(np.diag(sample)) * 0.7, np.log(np.diag(sample) * 0.5)])
    found = optimize.minimize(discrepancy, start, method="BFGS", options={"gtol": 1e-10})
    loadings, residuals = found.x[:k], np.exp(found.x[k:])
    return float(loadings.sum() ** 2 / (loadings.sum() ** 2 + residuals.sum()))


def test_omega_is_the_one_factor_models_as_fitted_apart() -> None:
    table = simulated(Q, 800, seed=7)
    found = stats.reliability(table, domain="positive")
    matrix = np.column_stack(
        [table.column(f"positive_{i}").to_numpy(zero_copy_only=False) for i in range(1, 7)]
    ).astype(float)
    matrix[:, 2] = 4 - matrix[:, 2]  # positive_3 is reverse-keyed
    matrix = matrix[~np.isnan(matrix).any(axis=1)]
    assert found.omega == pytest.approx(_omega(matrix), abs=1e-5)


def test_fewer_complete_rows_than_items_are_refused() -> None:
    matrix = simulated_matrix(6, seed=8)
    with pytest.raises(blunting.InvalidStudy, match="6 complete rows: reliability needs 7"):
        stats.reliability(matrix)


def test_omega_is_the_one_factor_models() -> None:
    table = simulated(Q, 2000, seed=5)
    found = stats.reliability(table, domain="crying")
    loadings = [0.8 - 0.06 * i for i in range(6)]  # the simulation's, before categories
    # omega of standardized items with those loadings, as the population's
    want = sum(loadings) ** 2 / (sum(loadings) ** 2 + sum(1 - w**2 for w in loadings))
    assert found.omega is not None
    assert abs(found.omega - want) < 0.05
    assert found.omega >= found.alpha - 0.01  # congeneric items: omega at least alpha


@pytest.mark.parametrize("engine", ["pandas", "polars"])
def test_every_engine_gives_the_arrow_tables_result(engine: str) -> None:
    table = simulated(Q, 200, seed=6, missing=0.05)
    want = stats.reliability(table, domain="crying")
    if engine == "pandas":
        pytest.importorskip("pandas")
        other = table.to_pandas()
    else:
        pl = pytest.importorskip("polars")
        other = pl.from_arrow(table)
    assert stats.reliability(other, domain="crying") == want
    assert stats.reliability(pa.Table.from_batches(table.to_batches()), domain="crying") == want


def test_a_sum_that_does_not_vary_is_named_or_left_out() -> None:
    a = np.array([0, 1, 2, 3, 4, 2, 1], float)
    c = np.array([0, 1, 0, 1, 0, 0, 1], float)
    with pytest.raises(blunting.InvalidStudy, match="sum of the items is the same"):
        stats.reliability(np.column_stack([a, 4 - a]))
    found = stats.reliability(np.column_stack([a, 4 - a, c]))
    assert found.items[2].alpha_if_deleted is None  # the other two always sum to 4
    assert found.items[0].alpha_if_deleted is not None


def test_a_reversed_item_of_a_scale_from_1_to_5_is_6_minus_its_answer() -> None:
    table = simulated(MINI, 300, seed=9, missing=0.05)
    found = stats.reliability(table, MINI, domain="alpha")
    raw = table.column("a2").to_numpy(zero_copy_only=False).astype(float)
    raw = raw[~np.isnan(raw)]
    item = found.items[1]
    assert (item.name, item.reversed) == ("a2", True)
    assert math.isclose(item.mean, 6 - raw.mean())  # 1 + 5 - answer
    assert math.isclose(item.floor, (raw == 5).mean())  # a 5 reversed is the floor, 1
    assert math.isclose(item.ceiling, (raw == 1).mean())
    assert found.scale == (1.0, 5.0)
