"""The report's memory and time as its input grows, beside scoring the same input, in one run.

    python benchmarks/report.py [--respondents 2000] [--visits 4] [--growth 4]

A clinic's responses (each respondent ``--visits`` times, dated, with
medicines that change) are written as JSON lines, once at the size given and
once ``--growth`` times larger. Each size is run, each command in a process
of its own, by ``blunting report`` and, as the baseline, by ``blunting score``
of the same file. Printed: each run's peak memory (the process's maximum
resident set) and time, and the ratios that matter:

- the report's peak memory at the larger size to the smaller: about 1 when
  memory is bounded (the responses wait on disk, and the page is written a
  respondent at a time), about ``--growth`` if the responses were kept;
- the report's time to the score command's, at each size.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: Runs one command in this process and prints its peak memory, in KiB.
_CHILD = """
import resource, sys
from blunting._cli._main import main
status = main(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""

_EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "complete.json"


def write_clinic(path: Path, respondents: int, visits: int) -> int:
    """A clinic's responses as JSON lines, respondents interleaved; how many were written."""
    rng = random.Random(7)
    example = json.loads(_EXAMPLE.read_text())
    medicines = (["ssri"], ["ssri"], ["snri"], ["snri", "mood_stabilizer"], ["none"])
    with path.open("w") as out:
        for visit in range(visits):
            for number in range(respondents):
                made = dict(example)
                made["respondent"] = f"r{number:07d}"
                made["completed"] = f"2026-{visit % 12 + 1:02d}-{number % 28 + 1:02d}T09:00:00Z"
                made["answers"] = {key: rng.randint(0, 4) for key in example["answers"]}
                made["context"] = {
                    "impact": rng.randint(0, 4),
                    "medications": medicines[(visit + number) % len(medicines)],
                    "sexual_side_effects": rng.choice(["yes", "no", None]),
                }
                out.write(json.dumps(made) + "\n")
    return respondents * visits


def run(*args: str) -> tuple[float, int]:
    """The seconds and peak KiB of one ``blunting`` command in a process of its own."""
    start = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", _CHILD, *args], capture_output=True, text=True, check=False
    )
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return took, int(done.stderr.strip().splitlines()[-1])


def main() -> None:
    """Print each run, and the ratios."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n", maxsplit=1)[0])
    parser.add_argument("--respondents", type=int, default=2000)
    parser.add_argument("--visits", type=int, default=4)
    parser.add_argument("--growth", type=int, default=4)
    arguments = parser.parse_args()
    peaks, ratios = [], []
    with tempfile.TemporaryDirectory() as folder:
        for respondents in (arguments.respondents, arguments.respondents * arguments.growth):
            source = Path(folder) / f"clinic-{respondents}.jsonl"
            count = write_clinic(source, respondents, arguments.visits)
            page = Path(folder) / "report.html"
            base, base_kib = run("score", str(source), "--output", str(Path(folder) / "s.jsonl"))
            took, kib = run("report", str(source), "--output", str(page))
            size = page.stat().st_size / 2**20
            print(
                f"{count:>9,} responses: report {took:6.2f} s, {kib / 1024:6.1f} MiB peak, "
                f"page {size:6.1f} MiB; score {base:6.2f} s, {base_kib / 1024:6.1f} MiB peak"
            )
            peaks.append(kib)
            ratios.append(took / base)
    print(f"report peak memory, {arguments.growth}x the responses: {peaks[1] / peaks[0]:.2f}x")
    print(f"report time / score time: {ratios[0]:.2f} and {ratios[1]:.2f}")


if __name__ == "__main__":
    main()
