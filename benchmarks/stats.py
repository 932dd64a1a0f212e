"""How long blunting.stats takes to analyze a study, beside scoring it, in one run.

    python benchmarks/stats.py [--respondents 50000] [--rounds 3]

A study of known structure (tests/simulated_study.py: three correlated
domains, 3% of answers missing), every respondent answering twice, so
100,000 rows by default, is analyzed whole by ``stats.analyze``: scoring
every row, each domain's reliability (with omega's one-factor model), the
three-factor model, the correlations and test-retest. Beside it, in the same
rounds, ``tables.score`` of the same table: the work the analysis starts
from. Medians of the times and of their ratios; each timed once untimed first.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import blunting
from blunting import stats, tables

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from simulated_study import simulated

if TYPE_CHECKING:
    from collections.abc import Callable


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    """Print the times, and the analysis' ratio to scoring the same rows."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n", maxsplit=1)[0])
    parser.add_argument("--respondents", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    q = blunting.questionnaire()
    made = time.perf_counter()
    study = simulated(q, arguments.respondents, seed=1, twice=True, missing=0.03)
    made = time.perf_counter() - made

    def baseline() -> object:
        return tables.score(study, q)

    def candidate() -> object:
        return stats.analyze(study, q)

    baseline(), candidate()  # imports (semopy's take a second or two), plans, caches
    base, cand = [], []
    for _ in range(arguments.rounds):
        base.append(_timed(baseline))
        cand.append(_timed(candidate))
    ratio = statistics.median(c / b for c, b in zip(cand, base, strict=True))
    print(
        f"{study.num_rows:,} rows ({arguments.respondents:,} respondents, twice), made in "
        f"{made:.1f} s; medians of {arguments.rounds} rounds"
    )
    print("| what | seconds |")
    print("|---|---|")
    print(f"| `tables.score` of the study | {statistics.median(base):.2f} |")
    print(f"| `stats.analyze` of the study | {statistics.median(cand):.2f} |")
    print(f"| ratio | {ratio:.1f} |")


if __name__ == "__main__":
    main()
