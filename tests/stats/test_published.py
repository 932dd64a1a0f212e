"""``blunting.stats`` gives the values others published for the same data, to the digits shown."""

from __future__ import annotations

import pytest

from blunting import stats

semopy_examples = pytest.importorskip("semopy.examples.holzinger39")


def test_the_three_factor_model_of_holzinger_and_swineford_fits_as_lavaan_publishes() -> None:
    # lavaan's tutorial (cfa of HolzingerSwineford1939): chi-square 85.306 on 24 df,
    # CFI 0.931, TLI 0.896, RMSEA 0.092 (90% CI 0.071-0.114), SRMR 0.065
    data = semopy_examples.get_data()
    model = {
        "visual": ["x1", "x2", "x3"],
        "textual": ["x4", "x5", "x6"],
        "speed": ["x7", "x8", "x9"],
    }
    fit = stats.cfa(data, model)
    assert fit.n == 301
    assert fit.df == 24
    assert round(fit.chi2, 3) == 85.306
    assert round(fit.cfi, 3) == 0.931
    assert fit.tli is not None
    assert round(fit.tli, 3) == 0.896
    assert fit.rmsea is not None
    assert round(fit.rmsea, 3) == 0.092
    assert fit.rmsea_ci is not None
    assert [round(bound, 3) for bound in fit.rmsea_ci] == [0.071, 0.114]
    assert round(fit.srmr, 3) == 0.065
    # lavaan's standardized solution (std.all) of the same model
    assert round(fit.loadings["visual"]["x1"], 3) == 0.772
    assert round(fit.loadings["textual"]["x5"], 3) == 0.855
    assert round(fit.loadings["speed"]["x8"], 3) == 0.723
    assert fit.estimator == "ML"


#: Shrout & Fleiss (1979), Table 2: six subjects (rows) rated by four judges (columns).
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


def test_the_iccs_of_shrout_and_fleiss_are_theirs() -> None:
    found = stats.icc(SHROUT_FLEISS)
    assert (found.n, found.k) == (6, 4)
    assert round(found.agreement, 2) == 0.29  # their ICC(2,1)
    assert round(found.consistency, 2) == 0.71  # their ICC(3,1)
    # the intervals psych::ICC prints for these data: lower bounds to 3 digits, upper to 2
    low, high = found.agreement_ci
    assert (round(low, 3), round(high, 2)) == (0.019, 0.76)
    low, high = found.consistency_ci
    assert (round(low, 3), round(high, 2)) == (0.342, 0.95)
