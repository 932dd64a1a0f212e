"""``blunting.tables`` gives every row exactly what ``blunting.score`` gives its payload.

The reference is the payload path: each row's payload (``payload_of``),
checked and scored by the questionnaire itself. The columns' path must agree
on every row: the verdict, each problem, each number.
"""

from __future__ import annotations

import decimal
import json
import math
from typing import Any

import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

import blunting
from blunting import tables
from blunting._tables import _core, _engines, payload_of
from blunting._tables._core import STRICT_ENVIRONMENT
from conftest import MINI_PATH, ROOT
from strategies import payloads
from table_study import cells_of, expected, study

Q = blunting.questionnaire()
Q10 = blunting.questionnaire("1.0.0")
MINI = blunting.load(MINI_PATH)
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


@pytest.fixture(autouse=True)
def _strict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(STRICT_ENVIRONMENT, "1")
    # tables of a few rows are cut into slices, scored on threads, as large ones are
    monkeypatch.setattr(_engines, "_SLICE", 2)


def _agree(
    q: blunting.Questionnaire,
    data: pa.Table,
    scores: pa.Table,
    *,
    named: bool,
    dispatched: bool = False,
) -> None:
    assert scores.num_rows == data.num_rows
    for index, (row, got) in enumerate(zip(data.to_pylist(), scores.to_pylist(), strict=True)):
        want = expected(q, row, named=named, dispatched=dispatched)
        assert got["valid"] == want["valid"], (index, row, got["problems"], want["problems"])
        for name, value in want.items():
            assert got[name] == value, (index, name, row)
        if not want["valid"]:
            assert all(got[n] is None for n in got if n not in ("valid", "problems")), (index, got)


def test_the_examples_score_as_their_payloads() -> None:
    payloads = [json.loads(path.read_text(encoding="utf-8")) for path in EXAMPLES]
    data = tables.from_payloads(payloads)
    scores = tables.score(data)
    assert scores.column("valid").to_pylist() == [True] * len(payloads)
    for payload, got in zip(payloads, scores.to_pylist(), strict=True):
        score = blunting.score(payload)
        assert got["total_scaled"] == score.total.scaled
        assert got["crying_prorated"] == score.domains["crying"].prorated
    _agree(Q, data, scores, named=True, dispatched=True)


# --- generated tables ------------------------------------------------------------------


@pytest.mark.parametrize("q", [Q, Q10, MINI], ids=["1.1.0", "1.0.0", "mini"])
@given(data=st.data())
def test_every_row_of_a_generated_table_scores_as_its_payload(
    q: blunting.Questionnaire, data: st.DataObject
) -> None:
    table, named = data.draw(study(q))
    dispatched = named and q is not MINI
    scores = tables.score(table, None if dispatched else q)
    _agree(q, table, scores, named=named, dispatched=dispatched)


@pytest.mark.parametrize("q", [Q, Q10, MINI], ids=["1.1.0", "1.0.0", "mini"])
@given(data=st.data())
def test_payloads_make_a_table_that_gives_them_back(
    q: blunting.Questionnaire, data: st.DataObject
) -> None:
    sent = data.draw(st.lists(payloads(q), min_size=1, max_size=8))
    table = tables.from_payloads(sent, q)
    assert table.schema == tables.layout(q)
    for payload, row in zip(sent, table.to_pylist(), strict=True):
        back, extra = payload_of(q, row, named=True)
        assert extra == []
        assert back == _without_empty_context(payload)


@given(data=st.data())
def test_a_kept_column_of_string_views_is_carried_on_every_row(data: st.DataObject) -> None:
    table, _ = data.draw(study(Q))
    sites = [data.draw(st.one_of(st.none(), st.text(max_size=4))) for _ in range(table.num_rows)]
    plain = table.append_column("site", pa.array(sites, pa.string()))
    views = table.append_column("site", pa.array(sites, pa.string_view()))  # as Polars holds text
    want = tables.score(plain, Q, keep=("site",))
    got = tables.score(views, Q, keep=("site",))
    assert got.column("site").to_pylist() == sites  # invalid rows, scored apart, too
    assert got.drop(["site"]).equals(want.drop(["site"]))


_ELEMENTS = st.one_of(st.none(), st.sampled_from(["", "a", "b", "a\x1f", "\x1fb", "a\x1fb"]))


@given(lists=st.lists(st.one_of(st.none(), st.lists(_ELEMENTS, max_size=3)), max_size=12))
def test_two_lists_share_a_key_exactly_when_they_are_the_same(
    lists: list[list[str | None] | None],
) -> None:
    column = pa.array([None, *lists], pa.list_(pa.string())).slice(1)  # a slice, as threads see
    keys = _core.list_keys(column)
    assert keys is not None
    found = keys.to_pylist()
    for i, first in enumerate(lists):
        for j, second in enumerate(lists):
            assert (found[i] == found[j]) == (first == second), (first, second)


def _without_empty_context(payload: dict[str, Any]) -> dict[str, Any]:
    """A payload as a row gives it back: an empty ``context`` is no context."""
    if payload.get("context") == {}:
        payload = {k: v for k, v in payload.items() if k != "context"}
    return payload


@given(data=st.data())
def test_pandas_and_polars_tables_score_as_arrow_ones(data: st.DataObject) -> None:
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    table, _ = data.draw(study(Q))
    table = table.drop([c for c in ("questionnaire", "version") if c in table.column_names])
    arrow = tables.score(table, Q, keep=("crying_1",))
    frame = table.to_pandas()  # integers with nulls become floats with NaN, as pandas holds them
    frame.index = pd.RangeIndex(10, 10 + len(frame))
    from_pandas = tables.score(frame, Q, keep=("crying_1",))
    assert isinstance(from_pandas, pd.DataFrame)
    assert list(from_pandas.index) == list(frame.index)
    assert list(from_pandas.columns) == arrow.column_names
    for name in arrow.column_names:
        if name == "crying_1":
            continue
        assert [cells_of(v) for v in from_pandas[name]] == arrow.column(name).to_pylist(), name
    from_polars = tables.score(pl.from_arrow(table), Q, keep=("crying_1",))
    assert isinstance(from_polars, pl.DataFrame)

    def plain(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{name: cells_of(value) for name, value in row.items()} for row in rows]

    assert plain(from_polars.to_arrow().to_pylist()) == plain(arrow.to_pylist())


#: Cells of a pandas object column that mixes kinds, as a spreadsheet's import gives them.
_MIXED = st.one_of(
    st.none(),
    st.just(math.nan),
    st.integers(-1, 5),
    st.sampled_from([3.5, 2.0, True, "3", "x", "p1", "", "2026-03-14T09:30:00Z"]),
)


@given(data=st.data())
def test_pandas_columns_that_mix_kinds_score_as_their_payloads(data: st.DataObject) -> None:
    pd = pytest.importorskip("pandas")
    sent = data.draw(st.lists(payloads(Q), min_size=1, max_size=8))  # valid, but for the mixed
    frame = tables.from_payloads(sent, Q).drop(["questionnaire", "version"]).to_pandas()
    names = ["crying_1", "positive_6", "respondent", "completed", "impact", "attribution"]
    for name in data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True)):
        cells = data.draw(st.lists(_MIXED, min_size=len(frame), max_size=len(frame)))
        frame[name] = pd.Series(cells, dtype=object, index=frame.index)
    visits = ([1, "two", None] * 3)[: len(frame)]
    frame["visit"] = pd.Series(visits, dtype=object, index=frame.index)
    scores = tables.score(frame, Q, keep=["visit"])
    assert list(scores["visit"]) == list(frame["visit"])  # kept as they came
    for index, (row, got) in enumerate(
        zip(frame.to_dict("records"), scores.to_dict("records"), strict=True)
    ):
        sent_row = {k: cells_of(v) for k, v in row.items() if k != "visit"}
        want = expected(Q, sent_row, named=False)
        for name, value in want.items():
            assert cells_of(got[name]) == value, (index, name, sent_row)


def test_a_pandas_number_past_64_bits_or_a_decimal_is_read_as_the_number_it_is() -> None:
    pd = pytest.importorskip("pandas")
    frame = _examples_table().to_pandas()
    kept = list(frame["crying_1"])[2:]  # the examples' own answers, or NaN beside a reason
    frame["crying_1"] = pd.Series([decimal.Decimal(2), 2**70, *kept], dtype=object)
    scores = tables.score(frame)
    assert list(scores["valid"]) == [True, False, True, True]
    assert scores["crying_raw"][0] == tables.score(_examples_table())["crying_raw"][0].as_py() - 1
    assert list(scores["problems"][1]) == [
        f"/answers/crying_1: {2**70} is greater than the maximum of 4"
    ]
    frame["crying_1"] = pd.Series([1, 10**80, *kept], dtype=object)  # past what a table holds
    with pytest.raises(blunting.InvalidResponse) as raised:
        tables.score(frame)
    assert [p.path for p in raised.value.problems] == ["crying_1"]
    assert "a table cannot hold" in raised.value.problems[0].message


def test_a_name_of_two_columns_is_named() -> None:
    pd = pytest.importorskip("pandas")
    data = _examples_table()
    twice = pa.Table.from_arrays(
        [*data.columns, data.column("crying_1")], names=[*data.column_names, "crying_1"]
    )
    frame = pd.concat([data.to_pandas(), data.to_pandas()[["crying_1"]]], axis=1)
    for table in (twice, frame):
        with pytest.raises(blunting.InvalidResponse) as raised:
            tables.score(table)
        assert [str(p) for p in raised.value.problems] == [
            'crying_1: "crying_1" names 2 columns: a name is one column'
        ]


# --- the layout's mistakes, and the engines' edges -------------------------------------


def _examples_table() -> pa.Table:
    payloads = [json.loads(path.read_text(encoding="utf-8")) for path in EXAMPLES]
    return tables.from_payloads(payloads)


def test_a_column_outside_the_layout_is_named_with_the_one_meant() -> None:
    data = _examples_table().rename_columns(
        [
            "Crying_1" if n == "crying_1" else "visit" if n == "version" else n
            for n in _examples_table().column_names
        ]
    )
    with pytest.raises(blunting.InvalidResponse) as raised:
        tables.score(data, Q)
    problems = {p.path: p.message for p in raised.value.problems}
    assert problems["Crying_1"].endswith('did you mean "crying_1"?')
    assert problems["crying_1"] == "the column of the scored item crying_1 is missing"
    assert "keep= in Python, --keep on the command line" in problems["visit"]
    kept = tables.score(
        data.rename_columns([n.lower() for n in data.column_names]), Q, keep=["visit"]
    )
    assert kept.column_names[0] == "visit"
    assert kept.column("visit").to_pylist() == data.column("visit").to_pylist()


def test_times_without_a_time_zone_are_refused_and_aware_ones_are_read_in_utc() -> None:
    data = _examples_table().drop(["completed"])
    naive = pa.array([None, None, None, None], pa.timestamp("s"))
    with pytest.raises(blunting.InvalidResponse, match="without a time zone"):
        tables.score(data.append_column("completed", naive))
    aware = pa.array(
        [0, 1_700_000_000_500_000, None, 86_400_000_000], pa.timestamp("us", "Europe/Paris")
    )
    scores = tables.score(data.append_column("completed", aware))
    assert scores.column("completed").to_pylist() == [
        "1970-01-01T00:00:00Z",
        "2023-11-14T22:13:20.5Z",
        None,
        "1970-01-02T00:00:00Z",
    ]
    assert scores.column("valid").to_pylist() == [True] * 4


def test_record_batches_are_scored_a_batch_at_a_time() -> None:
    data = _examples_table()
    whole = tables.score(data)
    batches = list(tables.score_batches(data.to_batches(max_chunksize=3)))
    assert [b.num_rows for b in batches] == [3, 1]
    joined = pa.Table.from_batches(batches)
    assert joined.column("total_scaled").to_pylist() == whole.column("total_scaled").to_pylist()
    one = tables.score(data.to_batches()[0])
    assert isinstance(one, pa.RecordBatch)
    nothing = pa.RecordBatch.from_pylist([], schema=data.schema)
    empty = list(tables.score_batches([nothing], Q))
    assert empty[0].num_rows == 0
    assert empty[0].schema.names == whole.schema.names


def test_a_table_without_its_questionnaire_must_be_given_one() -> None:
    data = _examples_table().drop(["questionnaire", "version"])
    with pytest.raises(blunting.InvalidResponse, match="name its questionnaire"):
        tables.score(data)
    assert tables.score(data, Q).column("valid").to_pylist() == [True] * 4
    with pytest.raises(blunting.InvalidResponse, match="is not a table"):
        tables.score([{"crying_1": 1}], Q)


def test_the_layout_is_the_questionnaires() -> None:
    schema = tables.layout(Q)
    assert schema.names[:4] == ["questionnaire", "version", "respondent", "completed"]
    assert schema.field("crying_4").type == pa.int8()
    assert schema.field("medications").type == pa.list_(pa.string())
    assert schema.field("attribution").type == pa.string()
    assert schema.field("crying_4_missing").type == pa.string()
    assert schema.field("crying_1").metadata[b"description"].decode() == Q.items[0].text
    mini = tables.layout(MINI)
    scored = [item.id for item in MINI.items if item.domain]
    assert all(mini.field(i).type == pa.int8() for i in scored)
