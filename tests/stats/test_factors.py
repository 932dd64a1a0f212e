"""``stats.cfa`` and ``stats.icc`` on data of known structure, and on data they cannot use."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import blunting
from blunting import stats
from simulated_study import loadings, simulated

Q = blunting.questionnaire()
MODEL = {d.id: [i.id for i in Q.items if i.domain == d.id] for d in Q.domains}


def _reversed(table: pa.Table) -> pa.Table:
    """The items reversed by the key, as ``analyze`` reads them."""
    for name in ("crying_6", "empathy_5", "positive_3"):
        at = table.schema.get_field_index(name)
        table = table.set_column(at, name, pa.compute.subtract(4, table.column(name)))
    return table


def test_the_model_that_made_the_data_is_recovered_and_fits() -> None:
    table = _reversed(simulated(Q, 3000, seed=11))
    fit = stats.cfa(table, MODEL)
    assert fit.n == 3000
    assert fit.df == 18 * 19 // 2 - (3 * 6 * 2 + 3)  # loadings and residuals, 3 covariances
    assert fit.cfi > 0.97
    assert fit.rmsea is not None
    assert fit.rmsea < 0.05
    assert fit.srmr < 0.05
    made = loadings(Q)
    for factor, columns in MODEL.items():
        found = [fit.loadings[factor][c] for c in columns]
        assert (
            np.argsort(found)[::-1].tolist()
            == np.argsort([made[c] for c in columns])[::-1].tolist()
        )
        assert all(abs(f - made[c]) < 0.12 for f, c in zip(found, columns, strict=True))


def test_a_model_that_did_not_make_the_data_fits_worse() -> None:
    table = _reversed(simulated(Q, 3000, seed=12))
    right = stats.cfa(table, MODEL)
    wrong = stats.cfa(table, {"one": [c for columns in MODEL.values() for c in columns]})
    assert wrong.chi2 > right.chi2 * 5
    assert wrong.cfi < right.cfi - 0.1
    assert wrong.rmsea is not None
    assert right.rmsea is not None
    assert wrong.rmsea > right.rmsea


_NOISE = hnp.arrays(
    np.float64, st.tuples(st.integers(12, 40), st.just(6)), elements=st.integers(0, 4)
)


@settings(max_examples=40, deadline=None)
@given(matrix=_NOISE)
def test_fit_indices_stay_in_their_ranges_or_the_data_are_refused(matrix: np.ndarray) -> None:
    try:
        fit = stats.cfa(matrix, {"a": ["1", "2", "3"], "b": ["4", "5", "6"]})
    except blunting.InvalidStudy as error:  # named, never a numpy or semopy error
        refused = error.problems
    else:
        refused = ()
    if refused:
        return
    assert 0 <= fit.cfi <= 1
    assert fit.chi2 >= 0
    assert fit.srmr >= 0
    assert fit.rmsea is not None
    assert fit.rmsea >= 0
    assert fit.rmsea_ci is not None
    assert fit.rmsea_ci[0] <= fit.rmsea <= fit.rmsea_ci[1]


def _problems(call: Any) -> list[tuple[str, str]]:
    with pytest.raises(blunting.InvalidStudy) as caught:
        call()
    assert isinstance(caught.value, ValueError)
    return [(p.path, p.message) for p in caught.value.problems]


def test_what_a_factor_model_cannot_use_is_named() -> None:
    table = _reversed(simulated(Q, 100, seed=13))
    one = _problems(lambda: stats.cfa(table, {"a": ["crying_1"], "b": ["crying_2", "crying_3"]}))
    assert one[0][0] == "a"
    assert "two or more" in one[0][1]
    unknown = _problems(lambda: stats.cfa(table, {"a": ["crying_01", "crying_2", "crying_3"]}))
    assert unknown[0][0] == "crying_01"
    constant = table.set_column(
        table.schema.get_field_index("crying_2"), "crying_2", pa.array([1] * 100, pa.int8())
    )
    same = _problems(lambda: stats.cfa(constant, {"a": ["crying_1", "crying_2", "crying_3"]}))
    assert same[0][0] == "crying_2"
    assert "same value" in same[0][1]
    few = _problems(
        lambda: stats.cfa(table.slice(0, 3), {"a": ["crying_1", "crying_2", "crying_3"]})
    )
    assert "3 complete rows" in few[0][1]
    text = _problems(lambda: stats.cfa(table, {"a": ["respondent", "crying_2", "crying_3"]}))
    assert text[0][0] == "respondent"
    assert "not numbers" in text[0][1]
    empty = table.set_column(
        table.schema.get_field_index("crying_1"), "crying_1", pa.nulls(100, pa.int8())
    )
    nothing = _problems(lambda: stats.cfa(empty, {"a": ["crying_1", "crying_2", "crying_3"]}))
    assert "no row has every column answered" in nothing[0][1]
    twice = np.column_stack([np.arange(10.0), np.arange(10.0) * 2, np.sin(np.arange(10.0))])
    dependent = _problems(lambda: stats.cfa(twice, {"a": ["1", "2", "3"]}))
    assert "linearly dependent" in dependent[0][1]


def test_what_an_icc_cannot_use_is_named() -> None:
    assert "two subjects" in _problems(lambda: stats.icc([[1, 2]]))[0][1]
    assert "two columns" in _problems(lambda: stats.icc([[1], [2]]))[0][1]
    assert "the same" in _problems(lambda: stats.icc([[3, 3], [3, 3]]))[0][1]
    assert "2 dimensions" in _problems(lambda: stats.icc([1, 2, 3]))[0][1]
    assert "neither a table" in _problems(lambda: stats.icc([["a", "b"], ["c", "d"]]))[0][1]


@given(
    ratings=hnp.arrays(
        np.float64, st.tuples(st.integers(3, 20), st.integers(2, 5)), elements=st.integers(0, 9)
    )
)
def test_an_icc_is_at_most_one_and_inside_its_interval(ratings: np.ndarray) -> None:
    if np.ptp(ratings.mean(axis=1)) == 0:  # subjects alike: named, never a numpy warning
        with pytest.raises(blunting.InvalidStudy, match="mean rating is the same"):
            stats.icc(ratings)
        return
    found = stats.icc(ratings)
    for value, (low, high) in (
        (found.agreement, found.agreement_ci),
        (found.consistency, found.consistency_ci),
    ):
        assert value <= 1 + 1e-12
        # McGraw & Wong's bounds hold the estimate when subjects differ more than chance
        if value >= 0 and not (math.isnan(low) or math.isnan(high)):
            assert low <= value + 1e-9
            assert value <= high + 1e-9
    shifted = stats.icc(ratings + np.arange(ratings.shape[1]) * 100)  # later occasions rate higher
    assert math.isclose(shifted.consistency, found.consistency, abs_tol=1e-9)
    if found.consistency >= 0:  # subjects differ more than chance: a bias between occasions
        assert shifted.agreement <= found.agreement + 1e-9  # costs agreement, not consistency


def test_a_column_named_twice_or_a_model_not_identified_is_refused() -> None:
    matrix = np.random.default_rng(1).normal(size=(50, 4))
    twice = _problems(lambda: stats.cfa(matrix, {"a": ["1", "1", "2", "3"]}))
    assert twice[0] == ("1", 'factor "a" names "1" twice')
    alone = _problems(lambda: stats.cfa(matrix, {"a": ["1", "1"]}))
    assert ("a", 'factor "a" has one column: give it two or more') in alone
    pair = _problems(lambda: stats.cfa(matrix, {"a": ["1", "2"]}))
    assert "not identified" in pair[0][1]


def test_a_model_without_degrees_of_freedom_fits_exactly_as_lavaan_says() -> None:
    table = _reversed(simulated(Q, 500, seed=14))
    fit = stats.cfa(table, {"crying": ["crying_1", "crying_2", "crying_3"]})
    assert fit.df == 0
    assert fit.chi2 == pytest.approx(0, abs=1e-6)
    assert fit.cfi == pytest.approx(1.0)
    assert fit.tli == 1.0  # lavaan's, without degrees of freedom
    assert fit.rmsea is None
    assert fit.rmsea_ci is None


def test_a_pandas_frame_with_unnamed_columns_is_read_by_position_names() -> None:
    pd = pytest.importorskip("pandas")
    ratings = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9]]
    assert stats.icc(pd.DataFrame(ratings)) == stats.icc(ratings)
    frame = pd.DataFrame(np.random.default_rng(2).normal(size=(60, 3)))
    fit = stats.cfa(frame, {"f": ["0", "1", "2"]})  # its columns 0, 1, 2, by name as text
    assert set(fit.loadings["f"]) == {"0", "1", "2"}


def test_an_interval_the_f_approximation_cannot_give_is_nan_without_a_warning() -> None:
    # the columns' and the error's parts of Satterthwaite's freedom all but cancel out
    found = stats.icc([[5, 100], [2, 102], [2, 102], [2, 102]])
    assert found.agreement < 0
    assert all(math.isnan(bound) for bound in found.agreement_ci)
    low, high = found.consistency_ci
    assert low <= found.consistency <= high


def test_noise_is_fitted_as_noise_not_refused() -> None:
    fitted = []
    for seed in range(20):
        noise = np.random.default_rng(seed).normal(size=(200, 6))
        try:
            fitted.append(stats.cfa(noise, {"a": ["1", "2", "3"], "b": ["4", "5", "6"]}))
        except blunting.InvalidStudy:
            continue
    assert len(fitted) >= 15  # the property above is not passed by refusing everything
    for fit in fitted:
        assert fit.rmsea is not None
        n = fit.n
        assert fit.rmsea == pytest.approx(math.sqrt(max(fit.chi2 - fit.df, 0) / (fit.df * n)))
        assert 0 <= fit.cfi <= 1


def test_rmsea_is_lavaans_formula_on_n() -> None:
    fit = stats.cfa(_reversed(simulated(Q, 400, seed=15)), MODEL)
    assert fit.rmsea == pytest.approx(math.sqrt(max(fit.chi2 - fit.df, 0) / (fit.df * fit.n)))
