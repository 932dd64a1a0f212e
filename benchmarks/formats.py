"""How long the FHIR and REDCap conversions take, beside baselines timed in the same run.

    python benchmarks/formats.py [--rounds 5] [--rows 10000]

FHIR: per response, ``fhir.from_questionnaire_response`` and
``fhir.to_questionnaire_response`` beside ``json.loads`` of the
QuestionnaireResponse's text (what reading it at all costs) and
``blunting.score`` of the payload.

REDCap: a raw-data export of realistic responses (benchmarks/run.py's),
``from_redcap_export`` alone and followed by ``blunting.score``, beside the
standard library's ``csv.reader`` over the same text. Medians over rounds of
times and of ratios.
"""

from __future__ import annotations

import csv
import io
import json
import random
import sys
from pathlib import Path

import blunting
from blunting import fhir, redcap

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from run import payload, rows_and_rounds, side_by_side

from redcap_export import export, record


def main() -> None:
    arguments = rows_and_rounds(__doc__ or "", rows=10_000, rounds=5)
    q = blunting.questionnaire()
    rng = random.Random(7)
    example = payload(rng, 1, q)
    resource = fhir.to_questionnaire_response(example)
    text = json.dumps(resource)
    per_response = side_by_side(
        {
            "json.loads of the resource's text": lambda: json.loads(text),
            "blunting.score of the payload": lambda: blunting.score(example),
            "fhir.from_questionnaire_response": lambda: fhir.from_questionnaire_response(resource),
            "fhir.to_questionnaire_response": lambda: fhir.to_questionnaire_response(example),
        },
        "json.loads of the resource's text",
        arguments.rounds,
        2000,
    )
    print("FHIR, one realistic response")
    print(f"{'':40} {'per call':>10} {'ratio':>7}")
    for name, (seconds, ratio) in per_response.items():
        print(f"{name:40} {seconds * 1e6:8.1f} us {ratio:6.2f}x")

    text = export(q, [record(q, payload(rng, i, q)) for i in range(arguments.rows)])

    def read() -> None:
        for _ in redcap.from_redcap_export(text):
            pass

    def read_and_score() -> None:
        for result in redcap.from_redcap_export(text):
            if isinstance(result, dict):
                blunting.score(result)

    whole = side_by_side(
        {
            "csv.reader": lambda: list(csv.reader(io.StringIO(text, newline=""))),
            "from_redcap_export": read,
            "from_redcap_export, then score": read_and_score,
        },
        "csv.reader",
        arguments.rounds,
        1,
    )
    print(f"\nREDCap, an export of {arguments.rows:,} rows ({len(text) / 2**20:.1f} MiB)")
    print(f"{'':40} {'per row':>10} {'ratio':>7}")
    for name, (seconds, ratio) in whole.items():
        print(f"{name:40} {seconds / arguments.rows * 1e6:8.1f} us {ratio:6.2f}x")


if __name__ == "__main__":
    main()
