"""How long blunting.tables takes to check and score a study, beside reading it, in one run.

    python benchmarks/tables.py [--rows 1000000] [--rounds 3]

A study of realistic responses (benchmarks/run.py's: every field, now and
then a skipped or declined answer, distinct respondent ids and times) is
written to Parquet. Timed side by side, each round: reading it with
``pyarrow.parquet.read_table`` (the baseline), ``tables.score`` of the table
read, and ``score_stream`` of the same rows' payloads (the per-payload path,
on a tenth of the rows, scaled up). Medians of times and of ratios.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyarrow.parquet as pq

import blunting
from blunting import tables

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import payload, rows_and_rounds


def main() -> None:
    arguments = rows_and_rounds(__doc__ or "", rows=1_000_000, rounds=3)
    q = blunting.questionnaire()
    rng = random.Random(7)
    payloads = [payload(rng, index, q) for index in range(arguments.rows)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "study.parquet"
        pq.write_table(tables.from_payloads(payloads, q), path)
        sample = payloads[: max(1, arguments.rows // 10)]
        times: dict[str, list[float]] = {"read": [], "score": [], "stream": []}
        for _ in range(arguments.rounds):
            start = time.perf_counter()
            table = pq.read_table(path)
            times["read"].append(time.perf_counter() - start)
            start = time.perf_counter()
            scores = tables.score(table, q)
            times["score"].append(time.perf_counter() - start)
            start = time.perf_counter()
            for _ in blunting.score_stream(sample, questionnaire=q):
                pass
            times["stream"].append((time.perf_counter() - start) * len(payloads) / len(sample))
    if scores.num_rows != arguments.rows:
        raise SystemExit(f"scored {scores.num_rows:,} rows of {arguments.rows:,}")
    print(f"{arguments.rows:,} rows of {q.id} {q.version}, medians of {arguments.rounds} rounds")
    print("| what | time | x read_table |")
    print("|---|---|---|")
    labels = {
        "read": "pyarrow.parquet.read_table (baseline)",
        "score": "tables.score of the table read",
        "stream": "score_stream of the rows' payloads (per payload)",
    }
    for name, label in labels.items():
        spent = times[name]
        ratio = statistics.median(t / r for t, r in zip(spent, times["read"], strict=True))
        print(f"| {label} | {statistics.median(spent):.2f} s | {ratio:.1f} |")


if __name__ == "__main__":
    main()
