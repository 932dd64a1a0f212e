"""The engines a study's table may be held in, each handed to the Arrow core and back.

pyarrow tables and record batches are scored as they are; a pandas or Polars
DataFrame goes to Arrow and its scores come back as the same kind.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from blunting._errors import InvalidResponse, Problem
from blunting._questionnaire import builtin, dispatch
from blunting._scoring import score_columns
from blunting._tables._core import RESULT_TYPES, normal, score_table
from blunting._tables._layout import payload_of

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

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
    module = type(data).__module__.split(".")[0]
    if module == "pandas":
        return _pandas(data, questionnaire, keep)
    if module == "polars":
        import polars as pl  # noqa: PLC0415 - only for Polars' tables

        if isinstance(data, pl.DataFrame):
            return pl.from_arrow(_arrow(data.to_arrow(), questionnaire, keep))
    kind = type(data).__name__
    message = f"a {kind} is not a table: give a pyarrow Table, or a pandas or Polars DataFrame"
    raise InvalidResponse([Problem("", message, "table")])


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


def _one_batch(table: pa.Table) -> pa.RecordBatch:
    """A table as one record batch, with its schema even when it has no rows."""
    batches = table.combine_chunks().to_batches()
    if not batches:
        empty = [pa.array([], f.type) for f in table.schema]
        return pa.RecordBatch.from_arrays(empty, schema=table.schema)
    return batches[0]


def _pandas(data: Any, q: Questionnaire | None, keep: tuple[str, ...]) -> Any:
    import pandas as pd  # noqa: PLC0415 - only for pandas' tables

    table = pa.Table.from_pandas(data, preserve_index=False)
    scores = _arrow(table, q, keep)
    kinds = {
        pa.int64(): pd.Int64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
        pa.float64(): pd.Float64Dtype(),
        pa.string(): pd.StringDtype(),
    }
    result = scores.to_pandas(types_mapper=kinds.get)
    result.index = data.index
    return result


#: Rows a thread scores at a time, at least, when a table is cut into slices.
_SLICE = 1 << 17


def _sliced(q: Questionnaire, table: pa.Table, keep: tuple[str, ...]) -> pa.Table:
    """``score_table`` on slices of a large table, one a processor, on threads.

    Arrow's and numpy's kernels let other threads run while they work, so
    slices are scored side by side; the slices' scores, joined, are in order.
    """
    threads = min(os.cpu_count() or 1, table.num_rows // _SLICE)
    if threads < 2:
        return score_table(q, table, keep)
    size = -(-table.num_rows // threads)
    slices = [table.slice(start, size) for start in range(0, table.num_rows, size)]
    with ThreadPoolExecutor(threads) as pool:
        parts = list(pool.map(lambda part: score_table(q, part, keep), slices))
    return pa.concat_tables(parts)


def _arrow(table: pa.Table, q: Questionnaire | None, keep: tuple[str, ...]) -> pa.Table:
    table = normal(table, keep)
    if q is not None:
        return _sliced(q, table, keep)
    if "questionnaire" not in table.column_names or "version" not in table.column_names:
        message = "the table has no questionnaire and version columns: name its questionnaire"
        raise InvalidResponse([Problem("", message, "column")])
    pairs = pc.binary_join_element_wise(
        pc.fill_null(pc.cast(table.column("questionnaire"), pa.string()), ""),
        pc.fill_null(pc.cast(table.column("version"), pa.string()), ""),
        "\x1f",
    )
    encoded = pc.dictionary_encode(pairs).combine_chunks()
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    parts, order = [], []
    for code, pair in enumerate(encoded.dictionary.to_pylist()):
        rows = np.flatnonzero(indices == code)
        qid, _, version = pair.partition("\x1f")
        named = _builtin(qid, version)
        part = table if len(rows) == len(table) else table.take(pa.array(rows))
        parts.append(_sliced(named, part, keep) if named else _unnamed(part, keep))
        order.append(rows)
    if not parts:
        return score_table(builtin(), table, keep)
    if len(parts) == 1:
        return parts[0]
    joined = pa.concat_tables(parts, promote_options="default")
    return joined.take(pa.array(np.argsort(np.concatenate(order), kind="stable")))


def _unnamed(part: pa.Table, keep: tuple[str, ...]) -> pa.Table:
    """Rows that name no built-in questionnaire: each refused as ``blunting.score`` refuses it."""
    latest = builtin()
    columns = {name: part.column(name) for name in keep}
    for name in score_columns([d.id for d in latest.domains]):
        field = name.rpartition("_")[2]
        kind = pa.int64() if name == "impact" else RESULT_TYPES.get(field, pa.string())
        columns[name] = pa.nulls(part.num_rows, kind)
    columns["valid"] = pa.array([False] * part.num_rows)
    problems = []
    for row in part.to_pylist():
        payload, extra = payload_of(latest, row, named=True)
        try:
            dispatch(payload)
        except InvalidResponse as error:
            problems.append([str(p) for p in (*extra, *error.problems)])
    columns["problems"] = pa.array(problems, pa.list_(pa.string()))
    return pa.table(columns)


def _builtin(qid: str, version: str) -> Questionnaire | None:
    try:
        return builtin(version, id=qid)
    except LookupError:
        return None
