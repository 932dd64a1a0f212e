"""Dask and Spark score a partitioned Parquet study row by row as ``blunting.score`` does.

A real ``dask.distributed`` cluster (``LocalCluster``, two worker processes)
and a real local Spark session (``local[2]``) read generated studies written
as several Parquet files, and score them where the partitions are; every row
is held to its payload's result. Polars' lazy frames stay lazy until collected.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import attrs
import dask.dataframe as dd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from distributed import Client, LocalCluster
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyspark.sql import SparkSession

import blunting
from blunting import stats, tables
from conftest import MINI_PATH
from simulated_study import close_json, simulated
from table_study import cells_of, expected, study

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

Q = blunting.questionnaire()
MINI = blunting.load(MINI_PATH)

#: Each example starts jobs on a cluster: fewer of them than elsewhere.
_ON_A_CLUSTER = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Client]:
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield client


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    os.environ["PYSPARK_PYTHON"] = sys.executable  # the executors' Python: this one
    session = (
        SparkSession.builder.master("local[2]")
        .appName("blunting-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def _written(table: pa.Table, folder: Path, parts: int) -> Path:
    """``table`` with a ``row`` number, as ``parts`` Parquet files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.parquet"):
        old.unlink()
    table = table.append_column("row", pa.array(range(table.num_rows), pa.int64()))
    size = -(-table.num_rows // parts)
    for index in range(parts):
        piece = table.slice(index * size, size)
        if piece.num_rows:
            pq.write_table(piece, folder / f"part-{index:02}.parquet")
    return folder


def _check_rows(
    q: blunting.Questionnaire, sent: pa.Table, got: list[dict[str, Any]], *, named: bool
) -> None:
    """Every row of ``sent`` once in ``got`` (by its kept ``row``), with its payload's result."""
    assert sorted(row["row"] for row in got) == list(range(sent.num_rows))  # nothing lost or merged
    rows = sent.to_pylist()
    for scored in got:
        row = rows[scored["row"]]
        want = expected(q, row, named=named)
        assert cells_of(scored["valid"]) == want["valid"], (row, scored["problems"], want)
        for name, value in want.items():
            assert cells_of(scored[name]) == value, (name, row)


@pytest.mark.parametrize("q", [Q, MINI], ids=["1.1.0", "mini"])
@_ON_A_CLUSTER
@given(data=st.data(), parts=st.integers(1, 4))
def test_dask_scores_each_partition_where_it_is(
    q: blunting.Questionnaire,
    data: st.DataObject,
    parts: int,
    dask_client: Client,  # noqa: ARG001 - the cluster the partitions are scored on
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    table, named = data.draw(study(q))
    folder = _written(table, tmp_path_factory.mktemp("dask"), parts)
    frame = dd.read_parquet(folder)
    scores = tables.score(frame, q, keep=["row"])
    assert isinstance(scores, dd.DataFrame)
    assert scores.npartitions == frame.npartitions  # scored where they are, not gathered
    got = scores.compute()  # type: ignore[no-untyped-call]
    assert list(got["row"]) == list(range(table.num_rows))  # Dask keeps the partitions' order
    _check_rows(q, table, got.to_dict("records"), named=named)


@pytest.mark.parametrize("q", [Q, MINI], ids=["1.1.0", "mini"])
@_ON_A_CLUSTER
@given(data=st.data(), parts=st.integers(1, 4))
def test_spark_scores_arrow_batches_on_its_executors(
    q: blunting.Questionnaire,
    data: st.DataObject,
    parts: int,
    spark: SparkSession,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    table, named = data.draw(study(q))
    folder = _written(table, tmp_path_factory.mktemp("spark"), parts)
    frame = spark.read.parquet(str(folder))
    scores = tables.score(frame, q, keep=["row"])
    assert type(scores).__name__ == "DataFrame"
    assert (
        scores.columns
        == tables.score(
            table.append_column("row", pa.array(range(table.num_rows), pa.int64())), q, keep=["row"]
        ).column_names
    )
    _check_rows(q, table, [row.asDict() for row in scores.collect()], named=named)


def test_spark_and_dask_refuse_a_layout_mistake_before_any_job(
    spark: SparkSession, tmp_path: Path
) -> None:
    table = tables.from_payloads([{"questionnaire": "blunting", "version": "1.1.0", "answers": {}}])
    table = table.rename_columns(["Crying_1" if n == "crying_1" else n for n in table.column_names])
    folder = _written(table, tmp_path, 1)
    for frame in (spark.read.parquet(str(folder)), dd.read_parquet(folder)):
        with pytest.raises(blunting.InvalidResponse) as raised:
            tables.score(frame, Q, keep=["row"])
        assert 'did you mean "crying_1"?' in str(raised.value)


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_a_polars_lazy_frame_stays_lazy_and_scores_as_arrow(data: st.DataObject) -> None:
    table, _ = data.draw(study(Q))
    table = table.drop([c for c in ("questionnaire", "version") if c in table.column_names])
    table = table.append_column("row", pa.array(range(table.num_rows), pa.int64()))
    lazy = tables.score(pl.DataFrame(table).lazy(), Q, keep=["row"])
    assert isinstance(lazy, pl.LazyFrame)
    arrow = tables.score(table, Q, keep=["row"])
    got = lazy.collect().to_arrow()
    assert got.column_names == arrow.column_names

    def plain(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{name: cells_of(value) for name, value in row.items()} for row in rows]

    assert plain(got.to_pylist()) == plain(arrow.to_pylist())


def test_spark_reads_times_with_their_zone(spark: SparkSession, tmp_path: Path) -> None:
    payloads = [
        {"questionnaire": "blunting", "version": "1.1.0", "answers": {"crying_1": 1}},
        {"questionnaire": "blunting", "version": "1.1.0", "answers": {}},
    ]
    table = tables.from_payloads(payloads).drop(["completed"])
    times = pa.array([1_700_000_000_500_000, None], pa.timestamp("us", "Europe/Paris"))
    table = table.append_column("completed", times).append_column("seen", times)
    folder = _written(table, tmp_path, 1)
    scores = tables.score(spark.read.parquet(str(folder)), Q, keep=["row", "seen"])
    got = sorted((row.asDict() for row in scores.collect()), key=lambda row: row["row"])
    arrow = tables.score(table, Q, keep=["seen"]).to_pylist()
    assert [row["completed"] for row in got] == ["2023-11-14T22:13:20.5Z", None]
    assert [row["completed"] for row in arrow] == ["2023-11-14T22:13:20.5Z", None]
    assert [row["valid"] for row in got] == [True, True]
    assert got[0]["seen"] is not None  # kept, a time


@pytest.mark.usefixtures("dask_client")  # the Dask study is computed on the cluster
def test_stats_gather_a_dask_or_spark_studys_columns_and_analyze_them(
    spark: SparkSession, tmp_path: Path
) -> None:
    study = simulated(Q, 150, seed=41, twice=True, missing=0.02)
    folder = tmp_path / "study"
    folder.mkdir()
    pq.write_table(study.slice(0, 150), folder / "part-0.parquet")
    pq.write_table(study.slice(150), folder / "part-1.parquet")
    want = stats.analyze(study).to_dict()
    for frame in (dd.read_parquet(folder), spark.read.parquet(str(folder))):
        assert close_json(stats.analyze(frame).to_dict(), want)
        crying = stats.reliability(frame, domain="crying")  # rows in another order: sums differ
        assert close_json(
            attrs.asdict(crying), attrs.asdict(stats.reliability(study, domain="crying"))
        )
