"""A study's columns as numbers: from any table ``blunting.tables`` takes, or a 2-D array.

Statistics are computed in memory, on the columns they need: a Polars
LazyFrame is collected, and a Dask or Spark DataFrame gathers those columns
to the caller. Every problem with the columns is named at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from blunting._errors import InvalidStudy, Problem, Problems
from blunting._text import describe, nearest

if TYPE_CHECKING:
    from collections.abc import Sequence


def column_names(data: Any) -> tuple[str, ...] | None:
    """The column names of a table of any engine, or None for an array."""
    if isinstance(data, pa.Table | pa.RecordBatch):
        return tuple(data.column_names)
    module = type(data).__module__.split(".")[0]
    if module == "polars" and type(data).__name__ == "LazyFrame":
        return tuple(data.collect_schema().names())
    if module in ("pandas", "polars", "dask", "pyspark") and hasattr(data, "columns"):
        return tuple(str(name) for name in data.columns)
    return None


def arrow(data: Any, names: Sequence[str] | None = None) -> pa.Table:
    """The columns ``names`` (all, when None) of a table of any engine, as a pyarrow Table."""
    known = column_names(data)
    if known is None:
        raise InvalidStudy([Problem("", f"{_kind(data)} is not a table", "table")])
    wanted = list(known if names is None else names)
    missing = Problems()
    for name in wanted:
        if name not in known:
            near = nearest(name, known)
            hint = f": did you mean {describe(near)}?" if near else ""
            missing.add(name, f"the study has no column {describe(name)}{hint}", "column")
    missing.raise_as(InvalidStudy)
    module = type(data).__module__.split(".")[0]
    if isinstance(data, pa.Table | pa.RecordBatch):
        return pa.table(data).select(wanted)
    if module == "pandas":  # columns by their names as text, as they are named here
        return pa.Table.from_pandas(data.rename(columns=str)[wanted], preserve_index=False)
    if module == "polars":
        chosen = data.select(wanted)
        return (chosen.collect() if type(data).__name__ == "LazyFrame" else chosen).to_arrow()
    if module == "dask":
        chosen = data.rename(columns=str)[wanted].compute()
        return pa.Table.from_pandas(chosen, preserve_index=False)
    chosen = data.select(*wanted)
    if hasattr(chosen, "toArrow"):  # Spark 4: Arrow batches from the executors, no pandas
        found: pa.Table = chosen.toArrow()
        return found
    return pa.Table.from_pandas(chosen.toPandas(), preserve_index=False)


def numbers(data: Any, names: Sequence[str] | None = None) -> tuple[np.ndarray, tuple[str, ...]]:
    """The columns as a float matrix (NaN where a cell is missing), with their names.

    A 2-D array's columns are named by their positions from 1. A column that
    is not numeric, or a number that is not finite, is a problem.
    """
    if column_names(data) is None:
        return _array(data)
    table = arrow(data, names)
    found = Problems()
    columns = []
    for name in table.column_names:
        column = table.column(name)
        kind = column.type
        if pa.types.is_dictionary(kind):
            column, kind = pc.cast(column, kind.value_type), kind.value_type
        if not (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_null(kind)):
            found.add(name, f"column {describe(name)} holds {kind}, not numbers", "type")
            continue
        values = pc.cast(column, pa.float64()).to_numpy(zero_copy_only=False)  # null: NaN
        if np.isinf(values).any():
            found.add(name, f"column {describe(name)} holds an infinite number", "type")
        columns.append(values)
    found.raise_as(InvalidStudy)
    matrix = np.column_stack(columns) if columns else np.empty((table.num_rows, 0))
    return matrix, tuple(table.column_names)


def _array(data: Any) -> tuple[np.ndarray, tuple[str, ...]]:
    try:
        matrix = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError) as error:
        message = f"{_kind(data)} is neither a table nor a 2-D array of numbers ({error})"
        raise InvalidStudy([Problem("", message, "type")]) from None
    if matrix.ndim != 2:
        message = f"an array of {matrix.ndim} dimensions: give rows by columns (2 dimensions)"
        raise InvalidStudy([Problem("", message, "type")])
    if np.isinf(matrix).any():
        raise InvalidStudy([Problem("", "the array holds an infinite number", "type")])
    return matrix, tuple(str(index + 1) for index in range(matrix.shape[1]))


def complete(matrix: np.ndarray) -> np.ndarray:
    """Which rows have every column answered (the listwise rule)."""
    found: np.ndarray = ~np.isnan(matrix).any(axis=1)
    return found


def check_usable(matrix: np.ndarray, names: Sequence[str], *, least_rows: int, what: str) -> None:
    """Raise ``InvalidStudy`` naming each problem that keeps ``what`` from being computed.

    ``matrix`` holds the complete rows only.
    """
    found = Problems()
    rows, count = matrix.shape
    if rows == 0:
        found.add("", f"no row has every column answered: {what} needs complete rows", "rows")
    elif rows < least_rows:
        message = f"{rows} complete row{'s' if rows != 1 else ''}: {what} needs {least_rows}"
        found.add("", f"{message} or more", "rows")
    if rows:
        for index, name in enumerate(names[:count]):
            values = matrix[:, index]
            if values.max() == values.min():
                message = f"column {describe(name)} has the same value in every complete row"
                found.add(name, f"{message}: {what} needs columns that vary", "constant")
    found.raise_as(InvalidStudy)


def _kind(data: Any) -> str:
    return f"a {type(data).__name__}"
