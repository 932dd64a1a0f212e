"""Speed of blunting against json.loads, measured side by side in one run.

    python benchmarks/run.py            # 1,000,000-line batch, a few minutes
    python benchmarks/run.py --quick    # 100,000 lines

Every figure is a ratio to a baseline timed in the same run, round by round
(the median of the rounds' ratios), because shared machines are noisy:

- per payload: ``Questionnaire.score(payload)`` and others against
  ``json.loads`` of the payload's JSON text (``json.dumps(payload)``); and
  payloads that fail, refused with every problem;
- batch: ``blunting score FILE.jsonl > out.jsonl`` against reading the file and
  ``json.loads``-ing every line, each in a fresh process; with the peak memory
  of the command and its workers. When the "fast" extra (orjson) is installed, the
  command line is also timed as it runs without it;
- import: ``python -c "import blunting"`` against ``import jsonschema``.

fastjsonschema and jsonschema-rs are timed too when they are installed; they
are not dependencies of blunting.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import timeit
from pathlib import Path
from typing import TYPE_CHECKING, Any

import blunting

if TYPE_CHECKING:
    from collections.abc import Callable

ROOT = Path(__file__).resolve().parent.parent


def _one_of(item: blunting.Item) -> list[Any]:
    """The answers a question takes one of: its options' values (null among them)."""
    return [o.value for o in item.options]


def payload(rng: random.Random, index: int, q: blunting.Questionnaire) -> dict[str, Any]:
    """A realistic, valid response: every field, now and then a skipped or null answer.

    A scored item is answered on its scale (the not-applicable option is not
    drawn); context answers are drawn from each question's own options.
    """
    answers: dict[str, Any] = {
        item.id: rng.choice(
            [o.value for o in item.options if o.value is not None and not o.not_applicable]
        )
        for item in q.items
        if item.domain is not None
    }
    if rng.random() < 0.1:
        answers[rng.choice(list(answers))] = None
    if rng.random() < 0.05:
        del answers[rng.choice(list(answers))]
    context = {item.id: item for item in q.items if item.domain is None}
    medications = [["ssri"], ["snri"], ["ssri", "mood_stabilizer"], ["none"], ["unknown"], None]
    return {
        "questionnaire": q.id,
        "version": q.version,
        "respondent": f"site-{rng.randint(1, 40):02d}-{index:07d}",
        "completed": (
            f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
            f"T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}+01:00"
        ),
        "answers": answers,
        "context": {
            "impact": rng.choice(_one_of(context["impact"])),
            "medications": rng.choice(medications),
            "sexual_side_effects": rng.choice(_one_of(context["sexual_side_effects"])),
            "attribution": rng.choice(_one_of(context["attribution"])),
        },
    }


def rows_and_rounds(doc: str, *, rows: int, rounds: int) -> argparse.Namespace:
    """The ``--rows`` and ``--rounds`` of a benchmark script, with its docstring's first line."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--rounds", type=int, default=rounds)
    parser.add_argument("--rows", type=int, default=rows)
    return parser.parse_args()


def side_by_side(
    candidates: dict[str, Callable[[], object]], baseline: str, rounds: int, number: int
) -> dict[str, tuple[float, float]]:
    """Per candidate: (median seconds a call, median ratio to the baseline), over rounds."""
    times: dict[str, list[float]] = {name: [] for name in candidates}
    for _ in range(rounds):
        for name, call in candidates.items():
            calls = max(1, number // 50) if name.startswith("jsonschema ") else number
            times[name].append(timeit.timeit(call, number=calls) / calls)
    return {
        name: (
            statistics.median(spent),
            statistics.median(t / b for t, b in zip(spent, times[baseline], strict=True)),
        )
        for name, spent in times.items()
    }


def per_payload(rounds: int) -> list[tuple[str, str, float, float]]:
    q = blunting.questionnaire()
    rng = random.Random(7)
    example = json.loads((ROOT / "examples" / "complete.json").read_text())
    prorated = json.loads((ROOT / "examples" / "prorated.json").read_text())
    absent = json.loads((ROOT / "examples" / "not_applicable.json").read_text())
    payloads = {
        "example (every field)": example,
        "answers only": {k: example[k] for k in ("questionnaire", "version", "answers")},
        "prorated (2 missing)": prorated,
        "one item did not happen": absent,
        "random (every field)": payload(rng, 1, q),
    }
    rows = []
    from jsonschema import Draft202012Validator  # noqa: PLC0415 - timed here, not imported

    plain = Draft202012Validator(q.schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    for label, value in payloads.items():
        text = json.dumps(value)
        candidates: dict[str, Callable[[], object]] = {
            "json.loads(text)": functools.partial(json.loads, text),
            "Questionnaire.score(payload)": functools.partial(q.score, value),
            "blunting.score(payload)": functools.partial(blunting.score, value),
            "Questionnaire.validate(payload)": functools.partial(q.validate, value),
            "jsonschema (prebuilt validator)": functools.partial(plain.validate, value),
        }
        candidates.update(_others(q.schema, value))
        for name, (seconds, ratio) in side_by_side(
            candidates, "json.loads(text)", rounds, 2_000
        ).items():
            rows.append((label, name, seconds, ratio))
    return rows


def _refuse(q: blunting.Questionnaire, value: object) -> None:
    try:
        q.score(value)
    except blunting.InvalidResponse:
        return
    raise AssertionError("a payload that should be refused was scored")


def refused(rounds: int) -> list[tuple[str, str, float, float]]:
    """Payloads that fail: checked once, explained by jsonschema, refused with every problem."""
    q = blunting.questionnaire()
    example = json.loads((ROOT / "examples" / "complete.json").read_text())
    payloads = {
        "an answer out of range": {**example, "answers": {**example["answers"], "crying_1": 9}},
        "an unknown item": {**example, "answers": {**example["answers"], "cyring_2": 1}},
        "a number as text": {**example, "answers": {**example["answers"], "crying_1": "3"}},
    }
    rows = []
    for label, value in payloads.items():
        candidates: dict[str, Callable[[], object]] = {
            "json.loads(text)": functools.partial(json.loads, json.dumps(value)),
            "Questionnaire.score(payload) refuses": functools.partial(_refuse, q, value),
            "Questionnaire.problems(payload)": functools.partial(q.problems, value),
        }
        for name, (seconds, ratio) in side_by_side(
            candidates, "json.loads(text)", rounds, 50
        ).items():
            rows.append((label, name, seconds, ratio))
    return rows


def _others(schema: dict[str, Any], value: object) -> dict[str, Callable[[], object]]:
    """fastjsonschema and jsonschema-rs, when installed and able to take the schema."""
    found: dict[str, Callable[[], object]] = {}
    try:
        import fastjsonschema  # type: ignore[import-not-found, unused-ignore]  # noqa: PLC0415

        check = fastjsonschema.compile(schema)
        check(value)
        found["fastjsonschema (draft 7 rules)"] = lambda: check(value)
    except Exception as error:  # noqa: BLE001 - not installed, or cannot take the schema
        print(f"  fastjsonschema: not timed ({type(error).__name__}: {error})", file=sys.stderr)
    try:
        import jsonschema_rs  # type: ignore[import-not-found, unused-ignore]  # noqa: PLC0415

        validator = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
        found["jsonschema-rs (compiled Rust)"] = lambda: validator.is_valid(value)
    except Exception as error:  # noqa: BLE001
        print(f"  jsonschema-rs: not timed ({type(error).__name__}: {error})", file=sys.stderr)
    return found


_BASELINE = "import json, sys\nfor line in open(sys.argv[1]):\n    json.loads(line)\n"
#: The command line as it runs without the "fast" extra (orjson) installed.
_WITHOUT_FAST = (
    "import sys\nsys.modules['orjson'] = None\nfrom blunting import _cli\n"
    "sys.argv[0] = 'blunting'\n_cli.run()\n"
)


def _has_fast_extra() -> bool:
    try:
        import orjson  # type: ignore[import-not-found, unused-ignore]  # noqa: F401, PLC0415
    except ImportError:
        return False
    return True


def _run(command: list[str], output: Path) -> tuple[float, int]:
    """Wall seconds of one process, and the peak memory (bytes) of it and its workers."""
    with output.open("wb") as sink:
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 - our own commands
            command, stdout=sink, stderr=subprocess.DEVNULL
        )
        peak = [0]
        watcher = threading.Thread(target=_watch_peak, args=(process.pid, peak))
        watcher.start()
        _, status, usage = os.wait4(process.pid, 0)
        spent = time.perf_counter() - started
        watcher.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        raise SystemExit(f"{command} failed with status {process.returncode}")
    return spent, peak[0] or usage.ru_maxrss * 1024


def _watch_peak(pid: int, peak: list[int]) -> None:
    """The peak memory of a running process and its workers, read from Linux's /proc.

    Every 50 ms, the proportional set size of the process and of every
    process it started is summed (a page that n processes share counts 1/n
    in each, so the sum is what they hold together); ``peak`` holds the
    largest sum seen. The process's own ``ru_maxrss`` would leave out its
    workers, and on Linux it keeps the memory of this process, from which it
    was started.
    """
    while True:
        tree, held = [pid], 0
        for member in tree:
            try:
                held += _resident(member)
                for task in Path(f"/proc/{member}/task").iterdir():
                    tree += map(int, (task / "children").read_text().split())
            except (OSError, ValueError):  # gone, or not Linux
                continue
        if not held:  # the process has ended
            return
        peak[0] = max(peak[0], held)
        time.sleep(0.05)


def _resident(pid: int) -> int:
    """The proportional set size of a process, in bytes; 0 once it has ended."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) * 1024
    return 0  # a zombie: its memory is freed


def batch(lines: int, rounds: int) -> list[tuple[str, float, float, int]]:
    q = blunting.questionnaire()
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "responses.jsonl"
        with source.open("w") as file:
            for index in range(lines):
                file.write(json.dumps(payload(rng, index, q)) + "\n")
        extra = " (with the fast extra)" if _has_fast_extra() else ""
        cpus = str(os.cpu_count() or 1)
        commands = {
            "read + json.loads every line": [sys.executable, "-c", _BASELINE, str(source)],
            f"blunting score --jobs 1{extra}": [
                *(sys.executable, "-m", "blunting", "score", "--jobs", "1"),
                str(source),
            ],
            f"blunting score --jobs {cpus}{extra}": [
                *(sys.executable, "-m", "blunting", "score", "--jobs", cpus),
                str(source),
            ],
            f"blunting score --format csv --jobs {cpus}{extra}": [
                *(sys.executable, "-m", "blunting", "score", "--format", "csv", "--jobs", cpus),
                str(source),
            ],
        }
        if extra:
            for jobs in ("1", cpus):
                commands[f"blunting score --jobs {jobs} (without the fast extra)"] = [
                    *(sys.executable, "-c", _WITHOUT_FAST, "score", "--jobs", jobs),
                    str(source),
                ]
        spent: dict[str, list[float]] = {name: [] for name in commands}
        peak: dict[str, int] = dict.fromkeys(commands, 0)
        for _ in range(rounds):
            for name, command in commands.items():
                seconds, memory = _run(command, Path(folder) / "out.jsonl")
                spent[name].append(seconds)
                peak[name] = max(peak[name], memory)
        baseline = spent["read + json.loads every line"]
        return [
            (
                name,
                statistics.median(times),
                statistics.median(t / b for t, b in zip(times, baseline, strict=True)),
                peak[name],
            )
            for name, times in spent.items()
        ]


def imports(rounds: int) -> list[tuple[str, float, float]]:
    statements = {
        "python -c pass": "pass",
        "import jsonschema": "import jsonschema",
        "import blunting": "import blunting",
    }
    spent: dict[str, list[float]] = {name: [] for name in statements}
    for _ in range(rounds):
        for name, statement in statements.items():
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", statement], check=True)  # noqa: S603
            spent[name].append(time.perf_counter() - started)
    baseline = spent["import jsonschema"]
    return [
        (
            name,
            statistics.median(times),
            statistics.median(t / b for t, b in zip(times, baseline, strict=True)),
        )
        for name, times in spent.items()
    ]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} CPUs; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; blunting {blunting.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines in the batch file")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the batch")
    parser.add_argument("--quick", action="store_true", help="100,000 lines, fewer rounds")
    arguments = parser.parse_args()
    lines = 100_000 if arguments.quick else arguments.lines
    print(f"Machine: {machine()}\n")
    print("Per payload (median of rounds; ratio to json.loads of the payload's JSON text):\n")
    print("| payload | what | time | x json.loads |\n|---|---|---|---|")
    for label, name, seconds, ratio in per_payload(15 if arguments.quick else 41):
        print(f"| {label} | {name} | {seconds * 1e6:.1f} us | {ratio:.2f} |")
    print("\nRefused payloads (median of rounds; ratio to json.loads of the payload's text):\n")
    print("| payload | what | time | x json.loads |\n|---|---|---|---|")
    for label, name, seconds, ratio in refused(15 if arguments.quick else 41):
        print(f"| {label} | {name} | {seconds * 1e6:.0f} us | {ratio:.1f} |")
    print(
        f"\nBatch, {lines:,} lines of JSONL (scores out as JSONL, or CSV where it says; "
        "ratio to reading + json.loads):\n"
    )
    print("| what | time | x read + json.loads | peak memory |\n|---|---|---|---|")
    for name, seconds, ratio, memory in batch(lines, arguments.rounds):
        print(f"| {name} | {seconds:.2f} s | {ratio:.2f} | {memory / 2**20:.0f} MB |")
    print("\nImport, in a fresh process (median of 21):\n")
    print("| what | time | x import jsonschema |\n|---|---|---|")
    for name, seconds, ratio in imports(21):
        print(f"| {name} | {seconds * 1e3:.0f} ms | {ratio:.2f} |")


if __name__ == "__main__":
    main()
