"""How long, and how much memory, refusing each hostile input takes.

    python benchmarks/refusals.py

The inputs are those of tests/hostile.py, which tests/properties/test_hostile.py checks
for their problems. Each is timed (the median of 5 rounds) and set beside a
baseline timed in the same rounds: ``json.loads`` of one JSON text of 1 MiB
(``blunting.MAX_TEXT_BYTES``), the largest text blunting reads. Peak memory
is tracemalloc's, while the input is refused, beyond the input itself.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import TYPE_CHECKING, Any

import blunting

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from hostile import PAYLOADS, TEXTS

if TYPE_CHECKING:
    from collections.abc import Callable

ROUNDS = 5


def _score(payload: object) -> str:
    try:
        blunting.score(payload)
    except blunting.InvalidResponse as error:
        return _outcome(error.problems[0])
    return "scored"


def _outcome(problem: blunting.Problem) -> str:
    path = problem.path or "(root)"
    return f"{problem.keyword} at {path if len(path) < 40 else path[:30] + '/...'}"


def _stream(text: bytes) -> str:
    (result,) = blunting.score_stream([text])
    if isinstance(result, blunting.Rejection):
        return _outcome(result.problems[0])
    return "scored"


def _seconds(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def _peak(work: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    baseline_text = json.dumps(["x" * 1000] * ((blunting.MAX_TEXT_BYTES - 2) // 1006))
    cases: list[tuple[str, Callable[[], str]]] = [
        *((f"payload: {what}", _bind(_score, payload)) for what, payload, _, _ in PAYLOADS),
        *((f"text: {what}", _bind(_stream, text)) for what, text, _ in TEXTS),
    ]
    _score(PAYLOADS[1][1])  # builds the questionnaire and imports jsonschema
    print(f"baseline: json.loads of a {len(baseline_text):,}-byte JSON text")
    print()
    print("| input | outcome | time | x baseline | peak memory |")
    print("|---|---|---|---|---|")
    for what, work in cases:
        ratios, times = [], []
        for _ in range(ROUNDS):
            base = _seconds(lambda: json.loads(baseline_text))
            took = _seconds(work)
            times.append(took)
            ratios.append(took / base)
        peak = _peak(work)
        print(
            f"| {what} | {work()} | {statistics.median(times) * 1000:.1f} ms "
            f"| {statistics.median(ratios):.2f} | {peak / 2**20:.1f} MB |"
        )


def _bind(function: Callable[[Any], str], value: object) -> Callable[[], str]:
    return lambda: function(value)


if __name__ == "__main__":
    main()
