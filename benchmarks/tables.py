"""How long blunting.tables takes to check and score a study, beside reading it, in one run.

    python benchmarks/tables.py [--rows 1000000] [--stream-rows 10000000] [--rounds 3]
                                [--only arrow pandas polars payloads stream dask spark]

A study of realistic responses (benchmarks/run.py's: every field, now and
then a skipped or declined answer, a distinct respondent id and time a row)
is written to Parquet. Each engine is timed beside its own baseline, in the
same round: ``tables.score`` of a table against reading that table from
Parquet (pyarrow, pandas, Polars); the per-payload path (``score_stream``,
on a tenth of the rows, scaled up) against the same read; the command line
streaming a Parquet file of ``--stream-rows`` rows to a Parquet file of
scores against a pyarrow read-and-write of the file in the same batches
(with each process's peak memory); Dask on a LocalCluster of two workers and
Spark ``local[2]`` over ten Parquet files, each scoring and writing against
reading and writing the same files. Each pair runs once untimed first (the
questionnaire's plan is made once per process, imports and caches warm), then
``--rounds`` times. Medians of times and of ratios.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

import blunting
from blunting import tables

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import payload

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

ENGINES = ("arrow", "pandas", "polars", "payloads", "stream", "dask", "spark")
#: Rows made as payloads; a larger study repeats them with new respondent ids.
_MADE = 200_000
#: The rows of a batch, in the command line and in its baseline.
_BATCH = 65_536


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n", maxsplit=1)[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--stream-rows", type=int, default=10_000_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", nargs="+", choices=ENGINES, default=list(ENGINES))
    return parser.parse_args()


def _study(rows: int) -> tuple[pa.Table, list[dict[str, Any]]]:
    """A study of ``rows`` rows, and the payloads its first rows were made from."""
    q = blunting.questionnaire()
    rng = random.Random(7)
    payloads = [payload(rng, index, q) for index in range(min(rows, _MADE))]
    made = tables.from_payloads(payloads, q)
    parts: list[pa.Table] = []
    copy = 0
    while sum(p.num_rows for p in parts) < rows:
        part = made.slice(0, rows - sum(p.num_rows for p in parts))
        if copy:  # the same answers, another respondent
            ids = pc.binary_join_element_wise(part.column("respondent"), f"r{copy}", "-")
            part = part.set_column(part.schema.get_field_index("respondent"), "respondent", ids)
        parts.append(part)
        copy += 1
    return pa.concat_tables(parts).combine_chunks(), payloads


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def _rounds(
    pairs: dict[str, tuple[Callable[[], object], Callable[[], object]]], rounds: int
) -> dict[str, tuple[float, float, float]]:
    """Per name: median baseline seconds, median candidate seconds, median ratio."""
    found = {}
    for name, (baseline, candidate) in pairs.items():
        baseline(), candidate()  # once untimed: the questionnaire's plan, imports, caches
        base, cand = [], []
        for _ in range(rounds):
            base.append(_timed(baseline))
            cand.append(_timed(candidate))
        ratio = statistics.median(c / b for c, b in zip(cand, base, strict=True))
        found[name] = (statistics.median(base), statistics.median(cand), ratio)
    return found


def _in_one_machine(
    path: Path, engines: list[str], rounds: int, payloads: list[Any]
) -> dict[str, tuple[float, float, float]]:
    pairs: dict[str, tuple[Callable[[], object], Callable[[], object]]] = {}
    if "arrow" in engines:
        table = pq.read_table(path)
        pairs["pyarrow Table: tables.score / pq.read_table"] = (
            lambda: pq.read_table(path),
            lambda: tables.score(table),
        )
    if "pandas" in engines:
        import pandas as pd  # noqa: PLC0415 - only when its engine is measured

        frame = pd.read_parquet(path)
        pairs["pandas DataFrame: tables.score / pd.read_parquet"] = (
            lambda: pd.read_parquet(path),
            lambda: tables.score(frame),
        )
    if "polars" in engines:
        import polars as pl  # noqa: PLC0415 - only when its engine is measured

        polars_frame = pl.read_parquet(path)
        pairs["Polars DataFrame: tables.score / pl.read_parquet"] = (
            lambda: pl.read_parquet(path),
            lambda: tables.score(polars_frame),
        )
    if "payloads" in engines:
        rows = pq.ParquetFile(path).metadata.num_rows
        sample = payloads[: max(1, len(payloads) // 10)]

        def per_payload() -> None:  # a tenth of the rows, timed as if all
            start = time.perf_counter()
            for _ in blunting.score_stream(sample):
                pass
            time.sleep((time.perf_counter() - start) * (rows / len(sample) - 1))

        pairs["score_stream of the payloads (per payload) / pq.read_table"] = (
            lambda: pq.read_table(path),
            per_payload,
        )
    return _rounds(pairs, rounds)


_COPY = """
import sys, pyarrow.parquet as pq
source = pq.ParquetFile(sys.argv[1])
with pq.ParquetWriter(sys.argv[2], source.schema_arrow) as writer:
    for batch in source.iter_batches(batch_size=int(sys.argv[3])):
        writer.write_batch(batch)
"""


#: Runs a Python program (its code, or a module with -m) and writes its peak memory to a file.
_MEASURED = """
import runpy, sys
peak_to, what, *rest = sys.argv[1:]
try:
    if what == "-m":
        sys.argv = rest
        runpy.run_module(rest[0], run_name="__main__", alter_sys=True)
    else:
        sys.argv = ["<program>", *rest]
        exec(compile(what, "<program>", "exec"), {"__name__": "__main__"})
except SystemExit as stop:
    if stop.code not in (0, None):
        raise
finally:
    # this program's own high-water mark (ru_maxrss would also count the parent's, before exec)
    status = open("/proc/self/status").read()
    peak = next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))
    with open(peak_to, "w") as file:
        file.write(peak)
"""


def _process(program: list[str], folder: Path) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of a Python program run to its end."""
    peak = folder / "peak.txt"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", _MEASURED, str(peak), *program], check=True)  # noqa: S603
    spent = time.perf_counter() - start
    return spent, int(peak.read_text()) / 1024


def _streamed(folder: Path, study: pa.Table, rows: int, rounds: int) -> list[str]:
    big = folder / "big.parquet"
    # row groups of 131,072 rows, as a writer that streams would make them: each read, one at a time
    with pq.ParquetWriter(big, study.schema) as writer:
        written, copy = 0, 0
        while written < rows:
            part = study.slice(0, rows - written)
            ids = pc.binary_join_element_wise(part.column("respondent"), f"s{copy}", "-")
            writer.write_table(part.set_column(2, "respondent", ids), row_group_size=2 * _BATCH)
            written += part.num_rows
            copy += 1
    copy_out, scores = folder / "copy.parquet", folder / "scores.parquet"
    base, cand, ratio, base_memory, cand_memory = [], [], [], [], []
    for _ in range(rounds):
        b, bm = _process([_COPY, str(big), str(copy_out), str(_BATCH)], folder)
        c, cm = _process(["-m", "blunting", "score", str(big), "--output", str(scores)], folder)
        base.append(b)
        cand.append(c)
        ratio.append(c / b)
        base_memory.append(bm)
        cand_memory.append(cm)
    if pq.ParquetFile(scores).metadata.num_rows != rows:
        raise SystemExit(f"{scores} does not hold a row of scores for each of {rows:,} rows")
    label = (
        f"Parquet to Parquet, {rows:,} rows, streaming: `blunting score big.parquet "
        "--output scores.parquet` / pyarrow read-and-write in the same batches"
    )
    median = statistics.median
    peaks = f"{max(base_memory):.0f} MB | {max(cand_memory):.0f} MB"
    return [
        f"| {label} | {median(base):.2f} s | {median(cand):.2f} s | {median(ratio):.2f} |",
        f"| peak memory of those processes | {peaks} | |",
    ]


def _parts(folder: Path, study: pa.Table, count: int) -> Path:
    parts = folder / "parts"
    parts.mkdir()
    size = -(-study.num_rows // count)
    for index in range(count):
        pq.write_table(study.slice(index * size, size), parts / f"part-{index:02}.parquet")
    return parts


@contextlib.contextmanager
def _dask_cluster() -> Iterator[None]:
    from distributed import Client, LocalCluster  # noqa: PLC0415 - only when measured

    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, Client(cluster):  # type: ignore[no-untyped-call]
        yield


def _dask(parts: Path, folder: Path, rounds: int) -> dict[str, tuple[float, float, float]]:
    import dask.dataframe as dd  # noqa: PLC0415 - only when measured

    with _dask_cluster():
        return _rounds(
            {
                "Dask, 2 workers, 10 partitions: score and write / read and write": (
                    lambda: dd.read_parquet(parts, dtype_backend="pyarrow").to_parquet(
                        folder / "dask-copy", overwrite=True
                    ),
                    lambda: tables.score(
                        dd.read_parquet(parts, dtype_backend="pyarrow")
                    ).to_parquet(folder / "dask-scores", overwrite=True),
                )
            },
            rounds,
        )


def _spark(parts: Path, folder: Path, rounds: int) -> dict[str, tuple[float, float, float]]:
    from pyspark.sql import SparkSession  # noqa: PLC0415 - only when measured

    os.environ["PYSPARK_PYTHON"] = sys.executable
    spark = (
        SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false").getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    try:

        def frame() -> Any:
            return spark.read.parquet(str(parts))

        return _rounds(
            {
                "Spark local[2], 10 files: score and write / read and write": (
                    lambda: frame().write.mode("overwrite").parquet(str(folder / "spark-copy")),
                    lambda: (
                        tables.score(frame())
                        .write.mode("overwrite")
                        .parquet(str(folder / "spark-scores"))
                    ),
                )
            },
            rounds,
        )
    finally:
        spark.stop()


def main() -> None:
    arguments = _arguments()
    engines = arguments.only
    study, payloads = _study(arguments.rows)
    print(
        f"{arguments.rows:,} rows of blunting {blunting.questionnaire().version}; "
        f"medians of {arguments.rounds} rounds; {os.cpu_count()} processors"
    )
    lines = ["| what | baseline | blunting | ratio |", "|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        path = folder / "study.parquet"
        pq.write_table(study, path)
        found = _in_one_machine(path, engines, arguments.rounds, payloads)
        parts = _parts(folder, study, 10) if {"dask", "spark"} & set(engines) else None
        if parts is not None and "dask" in engines:
            found |= _dask(parts, folder, arguments.rounds)
        if parts is not None and "spark" in engines:
            found |= _spark(parts, folder, arguments.rounds)
        for label, (base, cand, ratio) in found.items():
            lines.append(f"| {label} | {base:.2f} s | {cand:.2f} s | {ratio:.2f} |")
        if "stream" in engines:
            lines += _streamed(folder, study, arguments.stream_rows, arguments.rounds)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
