"""Tables on disk for the command line: Parquet and CSV files in the wide layout, in batches.

Needs the ``tables`` extra. A file is told by its first bytes (Parquet
starts with ``PAR1``); anything else is read as CSV text in the wide layout,
every cell as text until the layout says what it holds (``from_text``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from blunting._cli._inputs import STDIN, UsageError

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pyarrow as pa

    from blunting._questionnaire import Questionnaire

#: Rows read, checked and scored together: memory is bounded by a batch.
BATCH_ROWS = 65_536
PARQUET_MAGIC = b"PAR1"


def arrow() -> Any:
    """``blunting._tables``, or a :class:`UsageError` that says how to install it."""
    try:
        from blunting import _tables  # noqa: PLC0415 - only tables need pyarrow
    except ImportError as error:
        message = f"tables need blunting's tables extra: pip install 'blunting[tables]' ({error})"
        raise UsageError(message) from None
    return _tables


@attrs.frozen
class TableFile:
    """A table on disk: its batches in order, each with the line of its first row."""

    path: Path
    parquet: bool

    @classmethod
    def of(cls, argument: str) -> TableFile:
        if argument == STDIN:
            raise UsageError("a table is read from a file, not standard input ('-')")
        path = Path(argument)
        with path.open("rb") as file:
            return cls(path, file.read(len(PARQUET_MAGIC)) == PARQUET_MAGIC)

    def rows(self) -> int | None:
        """How many rows, when the file says so without being read (Parquet)."""
        if not self.parquet:
            return None
        import pyarrow.parquet as pq  # noqa: PLC0415

        rows: int = pq.ParquetFile(self.path).metadata.num_rows
        return rows

    def batches(self, q: Questionnaire) -> Iterator[tuple[int, pa.Table]]:
        """Each batch in the types of the layout of ``q``, with the line of its first row.

        A Parquet file's rows are numbered from 1; a CSV file's by the line of
        the file each starts on when no cell holds a line break (its header is line 1).
        """
        import pyarrow as pa  # noqa: PLC0415

        tables = arrow()
        first = 1  # the line of the batch's first row
        if self.parquet:
            import pyarrow.parquet as pq  # noqa: PLC0415

            for batch in pq.ParquetFile(self.path).iter_batches(batch_size=BATCH_ROWS):
                yield first, pa.Table.from_batches([batch])
                first += batch.num_rows
            return
        first = 2
        for batch in _csv_batches(self.path):
            yield first, tables.from_text(pa.Table.from_batches([batch]), q)
            first += batch.num_rows


def _csv_batches(path: Path) -> Iterator[pa.RecordBatch]:
    """A CSV file's rows, every cell as text: an empty cell (quoted or not) is no value."""
    import pyarrow as pa  # noqa: PLC0415
    from pyarrow import csv  # noqa: PLC0415

    with path.open("rb") as file:
        header = file.readline()
    columns = csv.read_csv(pa.py_buffer(header)).column_names
    convert = csv.ConvertOptions(
        column_types=dict.fromkeys(columns, pa.string()),
        strings_can_be_null=True,
        null_values=[""],
        quoted_strings_can_be_null=True,
    )
    reader = csv.open_csv(
        path, read_options=csv.ReadOptions(block_size=1 << 22), convert_options=convert
    )
    for batch in reader:
        if batch.num_rows:
            yield batch
