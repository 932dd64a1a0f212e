"""A coverage-guided fuzzer (atheris, on libFuzzer) for everything that reads input.

    pip install atheris
    python fuzz/fuzz_blunting.py -max_total_time=60 [CORPUS_DIR ...]

Each input is a byte string. It is read as the command line reads a file (as
JSON lines, and as one JSON text), scored as a line of ``score_stream``, read
as a REDCap export, and, when it parses, handed as a payload to ``score``,
``validate``, ``Questionnaire.problems`` and the FHIR conversions, as a
QuestionnaireResponse to ``fhir.from_questionnaire_response``, and as a
questionnaire document to ``load``. Any
exception that is not one of the library's own (``BluntingError``) is a crash:
libFuzzer stops and writes the input that caused it to ``crash-...``.
The first corpus folder given (fuzz/.corpus/, not kept in git, when none is)
is seeded with examples/ (as payloads, FHIR responses and a REDCap export)
and the payloads and JSON texts of conformance/;
what libFuzzer finds is added to it for the next run.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from redcap_export import export, record  # the tests' own, for seeds

with atheris.instrument_imports():
    import blunting
    from blunting import fhir, redcap
    from blunting._cli import _batch, _inputs

QUESTIONNAIRE = blunting.questionnaire()
ROOT = Path(__file__).resolve().parent.parent


def _payloads(data: bytes) -> list[object]:
    try:
        value = json.loads(data)
    except (ValueError, RecursionError):
        return []
    return [value]


def test_one_input(data: bytes) -> None:
    """What libFuzzer calls with each input."""
    blocks = [
        block
        for lines in (True, False, None)
        for block in _inputs.read(io.BytesIO(data), "FUZZ", lines=lines)
    ]
    for block in blocks:
        for task in ("validate", "jsonl", "csv"):
            done = _batch.handle(task, block)
            if done.accepted + done.rejected + done.blank != _inputs.expected(block):
                raise AssertionError("an input was lost")
    (result,) = blunting.score_stream([data])
    if not isinstance(result, (blunting.Score, blunting.Rejection)):
        raise TypeError(result)
    with contextlib.suppress(blunting.InvalidResponse):
        for row in redcap.from_redcap_export(data.decode("utf-8", "surrogateescape")):
            if isinstance(row, dict):
                blunting.validate(row)
            elif not isinstance(row, blunting.Rejection):
                raise TypeError(row)
    for payload in _payloads(data):
        with contextlib.suppress(blunting.BluntingError):
            blunting.score(payload)
        with contextlib.suppress(blunting.BluntingError):
            blunting.validate(payload)
        QUESTIONNAIRE.problems(payload)
        with contextlib.suppress(blunting.BluntingError):
            blunting.validate(fhir.from_questionnaire_response(payload))
        with contextlib.suppress(blunting.BluntingError):
            fhir.to_questionnaire_response(payload)
        if isinstance(payload, dict):
            with contextlib.suppress(blunting.BluntingError):
                blunting.load(payload)


def _seeds(folder: Path) -> None:
    """Write the examples and the conformance suite's responses into ``folder``."""
    examples = sorted((ROOT / "examples").glob("*.json"))
    texts = [path.read_bytes() for path in examples]
    payloads = [json.loads(text) for text in texts]
    texts += (json.dumps(fhir.to_questionnaire_response(p)).encode() for p in payloads)
    texts.append(export(QUESTIONNAIRE, [record(QUESTIONNAIRE, p) for p in payloads]).encode())
    for path in sorted((ROOT / "conformance").glob("*.json")):
        if path.name == "case-file.schema.json":
            continue
        for case in json.loads(path.read_text(encoding="utf-8"))["cases"]:
            text = case["text"] if "text" in case else json.dumps(case["payload"])
            texts.append(text.encode())
    for text in texts:
        (folder / hashlib.sha256(text).hexdigest()[:16]).write_bytes(text)


def main() -> None:
    """Run libFuzzer with the arguments given (see ``-help=1``)."""
    arguments = list(sys.argv)
    folders = [argument for argument in arguments[1:] if not argument.startswith("-")]
    if not folders:
        folders.append(str(ROOT / "fuzz" / ".corpus"))
        arguments.append(folders[0])
    Path(folders[0]).mkdir(parents=True, exist_ok=True)
    _seeds(Path(folders[0]))
    atheris.Setup(arguments, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
