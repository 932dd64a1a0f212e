"""The engines a study's table may be held in, each handed to the Arrow core and back.

pyarrow tables and record batches are scored as they are; a pandas or Polars
DataFrame goes to Arrow and its scores come back as the same kind.
"""

from __future__ import annotations

import functools
import json
import os
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from blunting._errors import InvalidResponse, Problem
from blunting._questionnaire import builtin, dispatch, load
from blunting._tables._core import (
    check_columns,
    normal,
    score_table,
    scores_schema,
)
from blunting._tables._layout import NOT_ARROW, check_names, mixed, payload_of

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from blunting._questionnaire import Questionnaire


def score(
    data: Any, questionnaire: Questionnaire | None = None, *, keep: Sequence[str] = ()
) -> Any:
    """The scores of every row of ``data``, as the same kind of table, in the same order.

    ``data``: a pyarrow ``Table`` or ``RecordBatch``, or a pandas or Polars
    ``DataFrame``, in the wide layout (docs/tables.md). ``keep``: columns to
    carry to the scores, first (ids, visit, arm). Without ``questionnaire``,
    each row is scored by the built-in questionnaire its ``questionnaire``
    and ``version`` cells name.
    """
    keep = tuple(keep)
    if isinstance(data, pa.RecordBatch):
        return _one_batch(_arrow(pa.Table.from_batches([data]), questionnaire, keep))
    if isinstance(data, pa.Table):
        return _arrow(data, questionnaire, keep)
    engine = _ENGINES.get(type(data).__module__.split(".")[0], _not_a_table)
    return engine(data, questionnaire, keep)


def _not_a_table(data: Any, *_: object) -> Any:
    kind = type(data).__name__
    message = (
        f"a {kind} is not a table: give a pyarrow Table, a pandas or Polars DataFrame, "
        "a Polars LazyFrame, or a Dask or Spark DataFrame"
    )
    raise InvalidResponse([Problem("", message, "table")])


def _polars(data: Any, q: Questionnaire | None, keep: tuple[str, ...]) -> Any:
    import polars as pl  # noqa: PLC0415 - only for Polars' tables

    if isinstance(data, pl.DataFrame):
        # Polars' own strings, as they lie in memory (made plain by the core, on threads)
        arrow = data.to_arrow(compat_level=pl.CompatLevel.newest())
        return pl.from_arrow(_arrow(arrow, q, keep))
    if isinstance(data, pl.LazyFrame):
        return _lazy(data, q, keep)
    return _not_a_table(data, q, keep)


def score_batches(
    batches: Iterable[pa.RecordBatch],
    questionnaire: Questionnaire | None = None,
    *,
    keep: Sequence[str] = (),
) -> Iterator[pa.RecordBatch]:
    """A scored record batch for each of ``batches``, in order: memory bounded by a batch."""
    keep = tuple(keep)
    for batch in batches:
        yield _one_batch(_arrow(pa.Table.from_batches([batch]), questionnaire, keep))


# --- engines that score later, or elsewhere -----------------------------------------------


@attrs.frozen
class _Part:
    """What scoring one part of a table needs, sent to where the part is: a worker, a task.

    The questionnaire travels as its document and is built once in each
    process that scores a part.
    """

    document: str | None
    keep: tuple[str, ...]

    @classmethod
    def of(cls, q: Questionnaire | None, keep: tuple[str, ...]) -> _Part:
        return cls(None if q is None else json.dumps(q.schema), keep)

    def questionnaire(self) -> Questionnaire | None:
        return None if self.document is None else _loaded(self.document)

    def pandas(self, frame: Any) -> Any:
        return _pandas(frame, self.questionnaire(), self.keep)

    def polars(self, frame: Any) -> Any:
        return _polars(frame, self.questionnaire(), self.keep)

    def batches(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return score_batches(batches, self.questionnaire(), keep=self.keep)


@functools.lru_cache(maxsize=8)
def _loaded(document: str) -> Questionnaire:
    return load(json.loads(document))


def _planned(
    q: Questionnaire | None, names: Sequence[str], keep: tuple[str, ...], kept: Sequence[pa.Field]
) -> pa.Schema:
    """The schema of the scores, once the columns are known to be right (``q``'s, or a built-in's).

    Without ``q``, the columns are those of the built-in questionnaires, whose
    domains are the same; each row is checked by the one it names when scored.
    """
    if q is not None:
        check_columns(q, names, keep)
    return scores_schema(q or builtin(), kept)


def _lazy(data: Any, q: Questionnaire | None, keep: tuple[str, ...]) -> Any:
    """A Polars LazyFrame's scores, as a LazyFrame: scored when it is collected."""
    import polars as pl  # noqa: PLC0415 - only for Polars' tables

    schema = data.collect_schema()
    planned = _planned(q, schema.names(), keep, [])
    scores = dict(pl.DataFrame(planned.empty_table()).schema)
    output = {name: schema[name] for name in keep} | scores
    return data.map_batches(_Part.of(q, keep).polars, schema=output)


def _dask(data: Any, q: Questionnaire | None, keep: tuple[str, ...]) -> Any:
    """A Dask DataFrame's scores, as a Dask DataFrame: each partition scored where it is."""
    part = _Part.of(q, keep)
    _planned(q, list(data.columns), keep, [])
    meta = _pandas(data._meta, q, keep)  # noqa: SLF001 - Dask's description of a partition
    return data.map_partitions(part.pandas, meta=meta)


def _spark(data: Any, q: Questionnaire | None, keep: tuple[str, ...]) -> Any:
    """A Spark DataFrame's scores, as a Spark DataFrame: Arrow batches scored on the executors."""
    from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema  # noqa: PLC0415

    # the names and the kept columns' types; a time is one instant, whatever its zone
    arrow = to_arrow_schema(data.schema, timezone="UTC")
    planned = _planned(q, arrow.names, keep, [arrow.field(name) for name in keep])
    return data.mapInArrow(_Part.of(q, keep).batches, from_arrow_schema(planned))


def _one_batch(table: pa.Table) -> pa.RecordBatch:
    """A table as one record batch, with its schema even when it has no rows."""
    batches = table.combine_chunks().to_batches()
    if not batches:
        empty = [pa.array([], f.type) for f in table.schema]
        return pa.RecordBatch.from_arrays(empty, schema=table.schema)
    return batches[0]


def _pandas(data: Any, q: Questionnaire | None, keep: tuple[str, ...]) -> Any:
    import pandas as pd  # noqa: PLC0415 - only for pandas' tables

    scores = _arrow(_from_pandas(data), q, keep)
    # pandas' Arrow-backed columns hold the scores as they are: no copy, nulls kept
    result = scores.drop_columns(list(keep)).to_pandas(types_mapper=pd.ArrowDtype)
    result.index = data.index
    kept = data[list(keep)]  # as they came, whatever they hold
    return pd.concat([kept, result], axis=1) if keep else result


#: What pandas infers of an object column that Arrow may read as numbers or truths.
_ONE_KIND = frozenset({"integer", "floating", "mixed-integer-float", "boolean", "empty"})


def _from_pandas(data: Any) -> pa.Table:
    """A pandas DataFrame as Arrow; a column that mixes kinds (3 and "3") as a union of them.

    Arrow would refuse such a column, or read ``[3.5, True]`` as numbers (a
    true as 1.0): each cell keeps its kind instead, for its row's payload.
    """
    import pandas as pd  # noqa: PLC0415 - only for pandas' tables

    check_names([str(name) for name in data.columns])
    try:
        table = pa.Table.from_pandas(data, preserve_index=False)
    except NOT_ARROW:
        table = None
    columns = {}
    for at, name in enumerate(data.columns):
        series = data[name]
        column: Any = table.column(at) if table is not None else None
        if column is None:
            try:
                column = pa.array(series, from_pandas=True)
            except NOT_ARROW:
                column = None
        merged = (
            column is not None
            and series.dtype == object
            and (
                pa.types.is_integer(column.type)
                or pa.types.is_floating(column.type)
                or pa.types.is_boolean(column.type)
            )
            and pd.api.types.infer_dtype(series, skipna=True) not in _ONE_KIND
        )
        if column is None or merged:
            column = mixed(
                str(name), [None if v is pd.NA or v is pd.NaT else v for v in series.tolist()]
            )
        columns[str(name)] = column
    return pa.table(columns)


#: Rows a thread scores at a time, at least, when a table is cut into slices.
_SLICE = 1 << 17


def _sliced(q: Questionnaire, table: pa.Table, keep: tuple[str, ...]) -> pa.Table:
    """``score_table`` on slices of a large table, one a processor, on threads.

    Arrow's and numpy's kernels let other threads run while they work, so
    slices are scored side by side; the slices' scores, joined, are in order.
    """
    threads = min(os.cpu_count() or 1, table.num_rows // _SLICE)
    if threads < 2:
        return score_table(q, normal(table, keep), keep)
    size = -(-table.num_rows // threads)
    slices = [table.slice(start, size) for start in range(0, table.num_rows, size)]
    with ThreadPoolExecutor(threads) as pool:
        parts = list(pool.map(lambda part: score_table(q, normal(part, keep), keep), slices))
    return pa.concat_tables(parts)


def _arrow(table: pa.Table, q: Questionnaire | None, keep: tuple[str, ...]) -> pa.Table:
    """The scores of ``table``, as it came (each slice of it made plain on its thread)."""
    check_names(table.column_names)
    if q is not None:
        return _sliced(q, table, keep)
    if "questionnaire" not in table.column_names or "version" not in table.column_names:
        message = "the table has no questionnaire and version columns: name its questionnaire"
        raise InvalidResponse([Problem("", message, "column")])
    groups = by_questionnaire(table)
    if len(groups) != 1:  # the table is cut by questionnaire: plain first, to be taken from
        table = normal(table, keep)
    parts, order = [], []
    for (qid, version), rows in groups:
        named = _builtin(qid, version)
        part = table if len(rows) == len(table) else table.take(pa.array(rows))
        parts.append(_sliced(named, part, keep) if named else _unnamed(normal(part, keep), keep))
        order.append(rows)
    if not parts:
        return score_table(builtin(), normal(table, keep), keep)
    if len(parts) == 1:
        return parts[0]
    joined = pa.concat_tables(parts, promote_options="default")
    return joined.take(pa.array(np.argsort(np.concatenate(order), kind="stable")))


def by_questionnaire(table: pa.Table) -> list[tuple[tuple[str, str], np.ndarray]]:
    """The questionnaire and version each group of rows names, with the rows, in order."""
    names = [_names(table.column(name)) for name in ("questionnaire", "version")]
    distinct = [pc.unique(column) for column in names]
    if all(len(values) == 1 for values in distinct):  # a study of one questionnaire, most often
        qid, version = (values[0].as_py() for values in distinct)
        return [((qid, version), np.arange(table.num_rows))]
    pairs = pc.binary_join_element_wise(*names, "\x1f")
    encoded = pc.dictionary_encode(pairs).combine_chunks()
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    found = []
    for code, pair in enumerate(encoded.dictionary.to_pylist()):
        qid, _, version = pair.partition("\x1f")
        found.append(((qid, version), np.flatnonzero(indices == code)))
    return found


def _names(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A column naming questionnaires as text: empty where it names none (its rows refused)."""
    try:
        text = pc.cast(column, pa.string())
    except NOT_ARROW:
        return pa.chunked_array([pa.nulls(len(column), pa.string())]).fill_null("")
    return pc.fill_null(text, "")


def _unnamed(part: pa.Table, keep: tuple[str, ...]) -> pa.Table:
    """Rows that name no built-in questionnaire: each refused as ``blunting.score`` refuses it."""
    latest = builtin()
    schema = scores_schema(latest, [part.schema.field(name) for name in keep])
    columns = {name: part.column(name) for name in keep}
    for field in schema:
        if field.name not in columns:
            columns[field.name] = pa.nulls(part.num_rows, field.type)
    columns["valid"] = pa.array([False] * part.num_rows)
    problems = []
    for row in part.to_pylist():
        payload, extra = payload_of(latest, row, named=True)
        try:
            dispatch(payload)
        except InvalidResponse as error:
            problems.append([str(p) for p in (*extra, *error.problems)])
    columns["problems"] = pa.array(problems, pa.list_(pa.string()))
    return pa.table(columns, schema=schema)


def _builtin(qid: str, version: str) -> Questionnaire | None:
    try:
        return builtin(version, id=qid)
    except LookupError:
        return None


#: Each engine's scorer, by the top-level module of its tables' class.
_ENGINES: dict[str, Callable[[Any, Questionnaire | None, tuple[str, ...]], Any]] = {
    "pandas": _pandas,
    "polars": _polars,
    "dask": _dask,
    "pyspark": _spark,
}
