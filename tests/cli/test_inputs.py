"""Files as people have them: arrays, byte-order marks, other encodings, the wrong kind.

Each through the real entry point; each output row says where it came from.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import blunting
from blunting import fhir
from blunting._cli import _batch, _inputs
from conftest import ROOT, run
from redcap_export import export, record

if TYPE_CHECKING:
    from pathlib import Path

EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
PAYLOADS = [json.loads(path.read_text()) for path in EXAMPLES]


def records(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_a_json_file_may_hold_an_array_of_responses(tmp_path: Path) -> None:
    path = tmp_path / "all.json"
    bad = {**PAYLOADS[0], "answers": {"crying_1": 9}}
    path.write_text(json.dumps([PAYLOADS[0], bad, *PAYLOADS[1:]], indent=2))
    done = run("score", path)
    assert done.returncode == 1
    found = records(done.stdout)
    assert [(r["source"], r["line"]) for r in found] == [
        (str(path), n) for n in [1, *range(3, len(PAYLOADS) + 2)]
    ]
    for found_record, payload in zip(found, [PAYLOADS[0], *PAYLOADS[1:]], strict=True):
        del found_record["source"], found_record["line"]
        assert found_record == blunting.score(payload).to_dict()
    assert done.stderr.splitlines()[0] == (
        f"{path}:2: /answers/crying_1: 9 is greater than the maximum of 4"
    )


@settings(max_examples=60, deadline=None)
@given(
    chosen=st.lists(st.sampled_from([*PAYLOADS, {"questionnaire": "x"}, 3, "]", [1, "]"]])),
    indent=st.sampled_from([None, 0, 2]),
    block=st.integers(1, 300),
)
def test_an_array_read_in_pieces_gives_what_its_members_give(
    chosen: list[object], indent: int | None, block: int
) -> None:
    data = json.dumps(chosen, indent=indent).encode()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_inputs, "BLOCK", block)
        blocks = list(_inputs.read(io.BytesIO(data), "F", lines=False))
    assert sum(b.size for b in blocks) == len(data)
    assert [json.loads(t) for b in blocks for t in _inputs.texts_of(b)] == chosen
    done = [_batch.handle("jsonl", b) for b in blocks]
    expected = []
    for number, result in enumerate(blunting.score_stream(chosen), start=1):
        if isinstance(result, blunting.Score):
            expected.append(f'{{"source":"F","line":{number},{result.to_json()[1:]}')
    assert b"".join(d.output for d in done).decode().splitlines() == expected
    assert sum(d.accepted + d.rejected for d in done) == len(chosen)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[" + json.dumps(PAYLOADS[0]), "the JSON array is not closed"),
        ("[" + json.dumps(PAYLOADS[0]) + "] {}", "more text after the end of the JSON array"),
    ],
)
def test_an_array_that_does_not_end_well_is_one_problem(
    tmp_path: Path, text: str, said: str
) -> None:
    path = tmp_path / "all.json"
    path.write_text(text)
    done = run("score", path)
    assert done.returncode == 1
    assert len(done.stdout.splitlines()) == (1 if "after" in said else 0)
    problems = done.stderr.splitlines()[:-1]
    assert len(problems) == 1
    assert said in problems[0]


@pytest.mark.parametrize("name", ["one.json", "lines.jsonl"])
def test_a_utf8_byte_order_mark_is_dropped(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(PAYLOADS[0]).encode() + b"\n")
    done = run("score", path)
    assert (done.returncode, done.stderr) == (0, "blunting: 1 scored, 0 rejected\n")
    assert records(done.stdout)[0]["line"] == 1


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_other_encodings_get_one_problem_saying_to_save_as_utf8(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "responses.jsonl"
    path.write_text("\n".join(json.dumps(p) for p in PAYLOADS * 3) + "\n", encoding=encoding)
    done = run("score", path)
    assert done.returncode == 1
    assert done.stdout == ""
    problem, summary = done.stderr.splitlines()
    assert problem.startswith(f"{path}:1: (root): {path} is ")
    assert problem.endswith(
        "save it as UTF-8 (in most editors: Save As, then choose the encoding UTF-8)"
    )
    assert summary == "blunting: 0 scored, 1 rejected (problems above)"


def test_a_syntax_error_is_reported_at_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    text = json.dumps(PAYLOADS[0], indent=2).splitlines()
    text[11] = text[11].rstrip(",")  # a comma missing at the end of line 12
    path.write_text("\n".join(text) + "\n")
    done = run("validate", path)
    assert done.returncode == 1
    line = done.stdout.splitlines()[0]
    assert line.startswith(f"{path}:13: (root): not valid JSON: Expecting ',' delimiter at line 13")


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        ("export.csv", "record_id,crying_1\r\np1,3\r\n", "looks like CSV, not JSON: for a REDCap"),
        ("lines.json", "\n".join(json.dumps(p) for p in PAYLOADS), "(JSON Lines): name it .jsonl"),
        ("pretty.jsonl", json.dumps(PAYLOADS[0], indent=2), "written over many lines"),
        (
            "array.jsonl",
            json.dumps(PAYLOADS, indent=2),
            "holds a JSON array, not one response a line",
        ),
    ],
)
def test_a_file_of_the_wrong_kind_gets_one_problem_that_says_what_to_do(
    tmp_path: Path, name: str, text: str, said: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    for command in ("score", "validate"):
        done = run(command, path)
        assert done.returncode == 1
        out = done.stderr if command == "score" else done.stdout
        problems = [line for line in out.splitlines() if not line.startswith("blunting: ")]
        assert len(problems) == 1
        assert problems[0].startswith(f"{path}:1: (root): {path} ")
        assert said in problems[0]


def test_blank_lines_are_skipped_and_counted_and_no_response_at_all_exits_1(
    tmp_path: Path,
) -> None:
    path = tmp_path / "responses.jsonl"
    path.write_text(json.dumps(PAYLOADS[0]) + "\n\n  \n" + json.dumps(PAYLOADS[1]) + "\n\n")
    done = run("score", path)
    assert done.returncode == 0
    assert [r["line"] for r in records(done.stdout)] == [1, 4]
    assert done.stderr == "blunting: 2 scored, 0 rejected, 3 blank lines skipped\n"
    for text in ("", "\n\n"):
        path.write_text(text)
        done = run("score", path)
        assert done.returncode == 1
        assert done.stdout == ""
        skipped = f" ({len(text)} blank lines skipped)" if text else ""
        assert done.stderr == f"blunting: no response found in the input{skipped}\n"


def test_standard_input_is_named_dash_in_the_output() -> None:
    done = run("score", "-", "--format", "csv", stdin=json.dumps(PAYLOADS[0]) + "\n")
    assert done.returncode == 0
    (row,) = list(csv.DictReader(io.StringIO(done.stdout)))
    assert (row["source"], row["line"]) == ("-", "1")


# --- --from redcap and --from fhir, for every command ----------------------


def _redcap_events() -> str:
    """An export of three rows of one record: baseline, week 8 (rejected), week 8 again."""
    q = blunting.questionnaire(PAYLOADS[0]["version"])
    first = {**record(q, PAYLOADS[0]), "record_id": "p1"}
    bad = {
        **first,
        "crying_1": "9",
        "redcap_repeat_instrument": q.id,
        "redcap_repeat_instance": "2",
    }
    return export(
        q,
        [
            first,
            {**bad, "redcap_event_name": "week_8_arm_1"},
            {**first, "redcap_event_name": "week_8_arm_1"},
        ],
        redcap_repeat_instrument="",
        redcap_repeat_instance="",
    )


REDCAP_EVENTS = _redcap_events()


def test_redcap_events_are_carried_into_the_scores(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(REDCAP_EVENTS)
    done = run("score", "--from", "redcap", path)
    assert done.returncode == 1
    found = records(done.stdout)
    assert [list(r)[:5] for r in found] == [
        [
            "source",
            "line",
            "redcap_event_name",
            "redcap_repeat_instrument",
            "redcap_repeat_instance",
        ]
    ] * 2
    assert [(r["line"], r["redcap_event_name"], r["redcap_repeat_instance"]) for r in found] == [
        (2, "baseline_arm_1", None),
        (4, "week_8_arm_1", None),
    ]
    assert [r["respondent"] for r in found] == ["p1", "p1"]
    assert done.stderr.startswith(f'{path}:3: record "p1": crying_1: ')
    rows = list(
        csv.DictReader(
            io.StringIO(run("score", "--from", "redcap", path, "--format", "csv").stdout)
        )
    )
    assert [(r["line"], r["redcap_event_name"], r["respondent"]) for r in rows] == [
        ("2", "baseline_arm_1", "p1"),
        ("4", "week_8_arm_1", "p1"),
    ]
    assert list(rows[0])[:6] == [
        "source",
        "line",
        "redcap_event_name",
        "redcap_repeat_instrument",
        "redcap_repeat_instance",
        "respondent",
    ]


def test_validate_and_report_read_redcap_exports(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(REDCAP_EVENTS)
    done = run("validate", "--from", "redcap", path)
    assert done.returncode == 1
    assert done.stdout.startswith(f'{path}:3: record "p1": crying_1: ')
    assert done.stderr == "blunting: 2 valid, 1 invalid\n"
    page = tmp_path / "report.html"
    done = run("report", "--from", "redcap", path, "--output", page)
    assert done.returncode == 1
    assert "Respondent p1" in page.read_text()


def test_fhir_responses_one_a_file_in_a_bundle_and_as_ndjson(tmp_path: Path) -> None:
    resources = [fhir.to_questionnaire_response(p) for p in PAYLOADS]
    broken = {**resources[0], "status": "nonsense"}
    one = tmp_path / "response.json"
    one.write_text(json.dumps(resources[0], indent=2))
    bundle = tmp_path / "bundle.json"
    entries = [{"resource": r} for r in [resources[0], broken, *resources[1:]]]
    bundle.write_text(
        json.dumps({"resourceType": "Bundle", "type": "collection", "entry": entries})
    )
    ndjson = tmp_path / "responses.ndjson"
    ndjson.write_text("".join(json.dumps(r) + "\n" for r in [broken, *resources]))

    done = run("score", "--from", "fhir", one)
    assert done.returncode == 0, done.stderr
    (record,) = records(done.stdout)
    assert (record.pop("source"), record.pop("line")) == (str(one), 1)
    assert record == blunting.score(PAYLOADS[0]).to_dict()

    done = run("score", "--from", "fhir", bundle)
    assert done.returncode == 1
    assert [r["line"] for r in records(done.stdout)] == [1, *range(3, len(PAYLOADS) + 2)]
    assert done.stderr.startswith(f"{bundle}:2: QuestionnaireResponse.status: ")

    done = run("validate", "--from", "fhir", ndjson)
    assert done.returncode == 1
    assert done.stdout.startswith(f"{ndjson}:1: QuestionnaireResponse.status: ")
    assert done.stderr == f"blunting: {len(PAYLOADS)} valid, 1 invalid\n"

    page = tmp_path / "report.html"
    done = run("report", "--from", "fhir", ndjson, "--output", page)
    assert done.returncode == 1
    assert page.exists()
