"""Tables on disk for the command line: Parquet and CSV files in the wide layout, in batches.

Needs the ``tables`` extra. A file is told by its name (``.parquet``);
anything else is read as CSV text in the wide layout, every cell as text
until the layout says what it holds (``from_text``), once from its start (so
a pipe will do).
"""

from __future__ import annotations

import contextlib
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
#: Files read as Parquet; any other table is read as CSV.
PARQUET_SUFFIXES = (".parquet",)


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
        """The table a command-line argument names: Parquet by its name, else CSV."""
        if argument == STDIN:
            raise UsageError("a table is read from a file, not standard input ('-')")
        return cls(Path(argument), argument.lower().endswith(PARQUET_SUFFIXES))

    @contextlib.contextmanager
    def _readable(self) -> Iterator[None]:
        """A file that cannot be read as a table is a :class:`UsageError`."""
        import pyarrow as pa  # noqa: PLC0415

        try:
            yield
        except (pa.ArrowException, UnicodeDecodeError) as error:
            raise UsageError(f"cannot read {self.path} as a table: {error}") from None

    def batches(self, q: Questionnaire) -> Iterator[tuple[int, pa.Table, float]]:
        """Each batch in the types of the layout of ``q``, with the line of its first row.

        And the share of the file read so far, for the progress bar. A Parquet
        file's rows are numbered from 1; a CSV file's by the line of the file
        each starts on when no cell holds a line break (its header is line 1).
        A file that cannot be read as one is a :class:`UsageError`.
        """
        with self._readable():
            yield from self._batches(q)

    def _batches(self, q: Questionnaire) -> Iterator[tuple[int, pa.Table, float]]:
        import pyarrow as pa  # noqa: PLC0415

        tables = arrow()
        first = 1  # the line of the batch's first row
        if self.parquet:
            import pyarrow.parquet as pq  # noqa: PLC0415

            # not pre-buffered: a row group's columns are read as needed, in half the memory
            source = pq.ParquetFile(self.path, pre_buffer=False)
            rows = max(source.metadata.num_rows, 1)
            for batch in source.iter_batches(batch_size=BATCH_ROWS):
                yield first, pa.Table.from_batches([batch]), (first - 1 + batch.num_rows) / rows
                first += batch.num_rows
            return
        first = 2
        for batch, read in _csv_batches(self.path):
            yield first, tables.from_text(pa.Table.from_batches([batch]), q), read
            first += batch.num_rows


def _csv_batches(path: Path) -> Iterator[tuple[pa.RecordBatch, float]]:
    """A CSV file's rows, every cell as text: an empty cell, quoted or not, is no value.

    Each batch comes with the share of the file read so far (0 from a pipe).
    The file is read once, from its start: its header names the columns.
    """
    import csv as csv_text  # noqa: PLC0415

    import pyarrow as pa  # noqa: PLC0415
    from pyarrow import csv  # noqa: PLC0415

    with path.open("rb") as file:
        header = file.readline().decode("utf-8-sig")
        columns = next(csv_text.reader([header]), [])
        if not columns or not file.peek(1):
            return  # no header, or no row
        convert = csv.ConvertOptions(
            column_types=dict.fromkeys(columns, pa.string()),
            strings_can_be_null=True,
            null_values=[""],
            quoted_strings_can_be_null=True,
        )
        read = csv.ReadOptions(column_names=columns, block_size=1 << 22)
        size = max(path.stat().st_size, 1)
        for batch in csv.open_csv(file, read_options=read, convert_options=convert):
            if batch.num_rows:
                yield batch, min(file.tell() / size, 1.0) if file.seekable() else 0.0
