"""``stats.analyze`` and ``stats.retest`` on whole studies in the wide layout."""

from __future__ import annotations

import copy
import datetime as dt
import json
from importlib import resources

import attrs
import jsonschema
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

import blunting
from blunting import stats, tables
from blunting._cli import _stats_page
from conftest import MINI_PATH
from simulated_study import close_json, simulated

Q = blunting.questionnaire()
MINI = blunting.load(MINI_PATH)
ANALYSIS = json.loads(
    resources.files("blunting").joinpath("schemas/vocabulary/1/analysis.json").read_text("utf-8")
)


def _valid(analysis: stats.Analysis) -> dict[str, object]:
    found = analysis.to_dict()
    text = json.dumps(found, allow_nan=False)  # JSON-ready: no NaN, no tuples, no timedelta
    jsonschema.Draft202012Validator(ANALYSIS, format_checker=None).validate(json.loads(text))
    assert "not norms" in str(found["statement"])
    return found


@pytest.mark.parametrize("q", [Q, MINI], ids=["built-in", "mini"])
def test_a_study_is_analyzed_by_its_questionnaires_own_model(q: blunting.Questionnaire) -> None:
    table = simulated(q, 1500, seed=21, missing=0.02)
    found = stats.analyze(table, q)
    assert (found.questionnaire, found.version) == (q.id, q.version)
    assert found.rows == found.valid == found.used == 1500
    assert list(found.reliability) == [d.id for d in q.domains]
    for domain in q.domains:
        alone = stats.reliability(table, q, domain=domain.id)
        assert found.reliability[domain.id] == alone
    fit = found.cfa
    assert fit is not None
    assert set(fit.loadings) == {d.id for d in q.domains}
    assert fit.cfi > 0.95
    assert all(value > 0 for f in fit.loadings.values() for value in f.values())
    assert found.correlations.names == tuple(d.id for d in q.domains)
    assert found.retest is None  # nobody answered twice
    _valid(found)


def test_the_correlations_are_of_the_domains_raw_scores() -> None:
    table = simulated(Q, 500, seed=22, missing=0.05)
    found = stats.analyze(table).correlations
    scores = tables.score(table, Q)
    raw = np.column_stack(
        [scores.column(f"{d.id}_raw").to_numpy(zero_copy_only=False) for d in Q.domains]
    ).astype(float)
    raw = raw[~np.isnan(raw).any(axis=1)]
    assert found.n == len(raw)
    assert np.allclose(np.array(found.matrix, float), np.corrcoef(raw, rowvar=False))


def test_invalid_rows_and_later_responses_are_left_out_and_counted() -> None:
    table = simulated(Q, 400, seed=23, twice=True)
    broken = table.set_column(
        table.schema.get_field_index("crying_1"),
        "crying_1",
        pa.array([7] * 10 + table.column("crying_1").to_pylist()[10:], pa.int8()),
    )
    found = stats.analyze(broken)
    assert (found.rows, found.valid, found.used) == (800, 790, 400)
    # respondents p0..p9 lost their first response: their second is their first valid one
    first = stats.analyze(table.slice(0, 400))
    empathy, before = found.reliability["empathy"], first.reliability["empathy"]
    assert empathy is not None
    assert before is not None
    assert empathy.n == before.n
    assert found.retest is not None
    assert found.retest.pairs == 390
    _valid(found)


def test_retest_pairs_each_respondents_first_two_responses() -> None:
    table = simulated(Q, 300, seed=24, twice=True)
    found = stats.retest(table)
    assert found.pairs == 300
    assert set(found.parts) == {"crying", "empathy", "positive", "total"}
    scores = tables.score(table, Q)
    for part, icc in found.parts.items():
        raw = scores.column(f"{part}_raw").to_numpy(zero_copy_only=False).astype(float)
        pairs = np.column_stack([raw[:300], raw[300:]])
        pairs = pairs[~np.isnan(pairs).any(axis=1)]
        assert icc == stats.icc(pairs)
        assert found.used[part] == len(pairs)
        assert icc is not None
        assert icc.agreement > 0.5  # the same latent scores, fresh noise


def test_retest_within_a_window_leaves_out_later_second_responses() -> None:
    table = simulated(Q, 100, seed=25, twice=True)
    times = table.column("completed").to_pylist()
    moved = [
        (dt.datetime.fromisoformat(t) + dt.timedelta(days=30)).isoformat() if i >= 150 else t
        for i, t in enumerate(times)
    ]
    late = table.set_column(table.schema.get_field_index("completed"), "completed", pa.array(moved))
    assert stats.retest(late).pairs == 100
    within = stats.retest(late, within=dt.timedelta(days=14))
    assert within.pairs == 50
    assert within.within == dt.timedelta(days=14)
    with pytest.raises(blunting.InvalidStudy, match="within the window"):
        stats.retest(late, within=dt.timedelta(days=1))


def test_a_study_that_names_several_questionnaires_must_say_which() -> None:
    one = simulated(Q, 50, seed=26)
    older = one.set_column(
        one.schema.get_field_index("version"), "version", pa.array(["1.0.0"] * 50)
    )
    both = pa.concat_tables([one, older])
    with pytest.raises(blunting.InvalidStudy, match="names 2 questionnaires"):
        stats.analyze(both)
    unknown = one.set_column(one.schema.get_field_index("version"), "version", pa.array(["9"] * 50))
    with pytest.raises(blunting.InvalidStudy, match="not a built-in"):
        stats.analyze(unknown)
    assert stats.analyze(one.drop(["questionnaire", "version"])).version == Q.version


def test_each_engine_gives_the_arrow_tables_analysis() -> None:
    pl = pytest.importorskip("polars")
    table = simulated(Q, 300, seed=27, twice=True)
    want = stats.analyze(table).to_dict()
    assert stats.analyze(pl.from_arrow(table)).to_dict() == want
    assert stats.analyze(pl.from_arrow(table).lazy()).to_dict() == want
    frame = table.to_pandas()
    assert stats.analyze(frame).to_dict() == want


def test_a_table_of_several_domains_must_name_one() -> None:
    table = simulated(Q, 50, seed=28)
    with pytest.raises(blunting.InvalidStudy, match="name one"):
        stats.reliability(table)
    with pytest.raises(blunting.InvalidStudy, match="no domain"):
        stats.reliability(table, domain="joy")
    with pytest.raises(blunting.InvalidStudy, match="6 items"):
        stats.reliability(np.zeros((5, 4)), domain="crying")
    with pytest.raises(blunting.InvalidStudy, match="not a table"):
        stats.retest([[1, 2]])


def test_a_value_outside_the_options_is_named() -> None:
    table = simulated(Q, 50, seed=29)
    wrong = table.set_column(
        table.schema.get_field_index("crying_3"),
        "crying_3",
        pc.add(table.column("crying_3"), 10),
    )
    with pytest.raises(blunting.InvalidStudy) as caught:
        stats.reliability(wrong, domain="crying")
    assert caught.value.problems[0].path == "crying_3"
    assert "not its options" in caught.value.problems[0].message


def _one_item_domain() -> blunting.Questionnaire:
    """The mini questionnaire with a4 moved to a domain of its own."""
    document = copy.deepcopy(MINI.schema)
    scoring = document["x-scoring"]
    scoring["domains"][0].update(items=["a1", "a2", "a3"], min_answered=2)
    scoring["domains"].append({"id": "gamma", "title": "Gamma", "items": ["a4"], "min_answered": 1})
    return blunting.load(document)


def test_a_domain_of_one_item_has_no_reliability_and_no_factor() -> None:
    q = _one_item_domain()
    found = stats.analyze(simulated(q, 400, seed=34), q)
    assert found.reliability["gamma"] is None
    assert found.reliability["alpha"] is not None
    assert found.cfa is not None
    assert set(found.cfa.loadings) == {"alpha", "beta"}
    _valid(found)
    with pytest.raises(blunting.InvalidStudy, match=r"1 column \(a4\)"):
        stats.reliability(simulated(q, 50, seed=35), q, domain="gamma")


def test_the_page_escapes_every_name(study_page_analysis: stats.Analysis) -> None:
    hostile = "<b>x</b>"
    renamed = attrs.evolve(
        study_page_analysis,
        questionnaire="<script>alert(1)</script>",
        reliability=dict.fromkeys([hostile], study_page_analysis.reliability["crying"]),
    )
    found = _stats_page.page(renamed, 0)
    assert "<b>" not in found
    assert "<script>" not in found
    assert "&lt;b&gt;x&lt;/b&gt;" in found


@pytest.fixture
def study_page_analysis() -> stats.Analysis:
    return stats.analyze(simulated(Q, 200, seed=36))


def test_a_third_response_changes_neither_the_pairs_nor_the_first_response() -> None:
    twice = simulated(Q, 200, seed=37, twice=True)
    later = simulated(Q, 200, seed=38)  # other answers, from the same respondents ...
    times = [
        (dt.datetime.fromisoformat(t) + dt.timedelta(days=60)).isoformat()
        for t in later.column("completed").to_pylist()
    ]  # ... two months on
    later = later.set_column(
        later.schema.get_field_index("completed"), "completed", pa.array(times)
    )
    thrice = pa.concat_tables([later, twice])  # the latest first, in the table's order
    assert stats.retest(thrice) == stats.retest(twice)
    found, first = stats.analyze(thrice), stats.analyze(twice.slice(0, 200))
    assert (found.used, found.retest) == (200, stats.retest(twice))
    assert close_json(
        {k: v for k, v in found.to_dict().items() if k not in ("rows", "valid", "retest")},
        {k: v for k, v in first.to_dict().items() if k not in ("rows", "valid", "retest")},
    )
