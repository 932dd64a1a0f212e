"""REDCap: the data dictionary, its calc fields, and raw-data exports read back.

No REDCap runs here. The dictionary is checked against REDCap's documented
format; its calc fields are evaluated by a small interpreter of REDCap's
documented calc semantics (blank values are ignored by mean(), a blank
field makes arithmetic blank, round() rounds half away from zero) and must
give our means.
"""

from __future__ import annotations

import csv
import io
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import blunting
from blunting import redcap
from conftest import BUILTIN_PATH, MINI_PATH, ROOT, read_json
from redcap_export import export, record
from strategies import payloads

if TYPE_CHECKING:
    from collections.abc import Callable

BUILTIN = blunting.questionnaire()
MINI = blunting.load(MINI_PATH)
QUESTIONNAIRES = {"blunting": BUILTIN, "mini": MINI}
questionnaires = st.sampled_from(sorted(QUESTIONNAIRES)).map(QUESTIONNAIRES.__getitem__)

#: The first line of REDCap's data dictionary template: its columns, in order.
HEADER = (
    "Variable / Field Name,Form Name,Section Header,Field Type,Field Label,"
    '"Choices, Calculations, OR Slider Labels",Field Note,'
    "Text Validation Type OR Show Slider Number,Text Validation Min,Text Validation Max,"
    "Identifier?,Branching Logic (Show field only if...),Required Field?,Custom Alignment,"
    "Question Number (surveys only),Matrix Group Name,Matrix Ranking?,Field Annotation"
)
COLUMNS = next(csv.reader([HEADER]))


def _dictionary(q: blunting.Questionnaire) -> list[dict[str, str]]:
    text = redcap.to_redcap_dictionary(q)
    assert text.partition("\r\n")[0] == HEADER
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(COLUMNS) == 18
    assert all(len(row) == len(COLUMNS) for row in rows)
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]


# -- the dictionary ----------------------------------------------------------------------


def test_the_dictionary_of_the_builtin_questionnaire() -> None:
    rows = _dictionary(BUILTIN)
    names = [row["Variable / Field Name"] for row in rows]
    assert names[0] == "record_id"
    assert names[1:] == [item.id for item in BUILTIN.items] + [
        "score_crying_mean",
        "score_empathy_mean",
        "score_positive_mean",
        "score_total_mean",
    ]
    assert {row["Form Name"] for row in rows} == {"blunting_1_1_0"}
    by_name = {row["Variable / Field Name"]: row for row in rows}
    crying_1 = by_name["crying_1"]
    assert crying_1["Field Type"] == "radio"
    assert crying_1["Section Header"] == "Crying"
    assert crying_1["Field Label"] == BUILTIN.items[0].text
    assert crying_1["Choices, Calculations, OR Slider Labels"] == (
        "0, Not at all | 1, A little | 2, Somewhat | 3, Quite a lot | 4, Very much"
        " | asked_declined, Prefer not to answer"
    )
    assert by_name["crying_2"]["Section Header"] == ""
    assert by_name["empathy_1"]["Section Header"] == "Empathy"
    assert by_name["positive_1"]["Section Header"] == "Positive feelings"
    assert by_name["impact"]["Section Header"] == "About you and your medicine"
    assert "Reverse-keyed" in by_name["crying_6"]["Field Annotation"]
    medications = by_name["medications"]
    assert medications["Field Type"] == "checkbox"
    assert medications["Field Note"] == "Choose all that apply."
    # ticking "None" or "I don't know" unticks the medicines, as the schema wants
    assert medications["Field Annotation"] == "@NONEOFTHEABOVE='none,unknown'"
    assert by_name["impact"]["Field Annotation"] == ""
    assert medications["Choices, Calculations, OR Slider Labels"].startswith(
        "ssri, An SSRI, such as sertraline, fluoxetine"
    )
    assert by_name["attribution"]["Choices, Calculations, OR Slider Labels"] == (
        "yes, Yes | no, No | unsure, Not sure | asked_declined, Prefer not to answer"
    )
    for name in ("score_crying_mean", "score_total_mean"):
        assert by_name[name]["Field Type"] == "calc"
        assert by_name[name]["Field Annotation"] == "@HIDDEN-SURVEY"
    assert "not a diagnosis" in by_name["score_crying_mean"]["Section Header"]


@pytest.mark.parametrize("q", QUESTIONNAIRES.values(), ids=QUESTIONNAIRES)
def test_names_are_in_redcaps_alphabet(q: blunting.Questionnaire) -> None:
    for row in _dictionary(q):
        for column in ("Variable / Field Name", "Form Name"):
            assert re.fullmatch(r"[a-z][a-z0-9_]{0,99}", row[column]), row[column]
        if row["Field Type"] in ("radio", "checkbox"):
            for choice in row["Choices, Calculations, OR Slider Labels"].split(" | "):
                code, _, label = choice.partition(", ")
                assert re.fullmatch(r"[A-Za-z0-9_]+", code)
                assert label


def test_every_label_redcap_cannot_hold_is_refused() -> None:
    document = read_json(BUILTIN_PATH)
    properties = document["properties"]
    properties["answers"]["properties"]["crying_1"]["oneOf"][0]["title"] = "Never | not"
    properties["context"]["properties"]["medications"]["items"]["oneOf"][1]["title"] = "An\nSNRI"
    with pytest.raises(blunting.InvalidQuestionnaire) as caught:
        redcap.to_redcap_dictionary(blunting.load(document))
    assert [p.path for p in caught.value.problems] == [
        "/properties/answers/properties/crying_1/oneOf/0/title",
        "/properties/context/properties/medications/items/oneOf/1/title",
    ]


def test_a_field_name_defined_twice_is_refused() -> None:
    document = read_json(MINI_PATH)
    answers = document["properties"]["answers"]["properties"]
    answers["record_id"] = answers.pop("a4")
    document["x-scoring"]["domains"][0]["items"][3] = "record_id"
    with pytest.raises(blunting.InvalidQuestionnaire, match="record_id"):
        redcap.to_redcap_dictionary(blunting.load(document))


# -- the calc fields, by REDCap's documented semantics ----------------------------------


BLANK = math.nan


def _round(value: float, places: int) -> float:
    if math.isnan(value):
        return BLANK
    return float(Decimal(repr(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


class _Text:
    """A cell that holds text (a not-applicable code): no number, whatever is done to it.

    It may be computed with in a branch that ``if`` does not take (our
    ``iff`` runs both); a mean given it is a calc that scores text.
    """

    def __sub__(self, other: object) -> _Text:
        return self

    __rsub__ = __add__ = __radd__ = __mul__ = __rmul__ = __sub__


def _mean(*values: float) -> float:
    assert not any(isinstance(v, _Text) for v in values), "a mean of a text answer"
    given = [v for v in values if not math.isnan(v)]
    return sum(given) / len(given) if given else BLANK


def _if(condition: bool, then: float, otherwise: float) -> float:  # noqa: FBT001
    return then if condition else otherwise


def _calc(expression: str) -> Callable[[dict[str, str]], float]:
    """A REDCap calc expression as a Python function of a record's raw values."""
    python = re.sub(r'\[(\w+)\] <> ""', r'(cell("\1") != "")', expression)
    python = re.sub(r'\[(\w+)\] <> "(\w+)"', r'(cell("\1") != "\2")', python)
    python = re.sub(r"\[(\w+)\]", r'v("\1")', python)
    python = python.replace('""', "BLANK").replace("if(", "iff(")
    python = python.replace("!= BLANK", '!= ""')
    code = compile(python, "<calc>", "eval")

    def evaluate(values: dict[str, str]) -> float:
        def cell(name: str) -> str:
            return values.get(name, "")

        def v(name: str) -> float | _Text:
            text = cell(name)
            if text == "":
                return BLANK
            try:
                return float(text)
            except ValueError:
                return _Text()

        names = {
            "v": v,
            "cell": cell,
            "math": math,
            "iff": _if,
            "mean": _mean,
            "round": _round,
            "BLANK": BLANK,
        }
        result: float = eval(code, {"__builtins__": {}}, names)  # noqa: S307 - our own calc
        return result

    return evaluate


@given(st.data())
def test_the_calc_fields_give_our_means(data: st.DataObject) -> None:
    q = data.draw(questionnaires)
    payload = data.draw(payloads(q, complete=data.draw(st.booleans())))
    score = q.score(payload)
    calcs = {
        row["Variable / Field Name"]: _calc(row["Choices, Calculations, OR Slider Labels"])
        for row in _dictionary(q)
        if row["Field Type"] == "calc"
    }
    values = record(q, payload)
    results = [*(score.domains[d.id] for d in q.domains), score.total]
    names = [f"score_{d.id}_mean" for d in q.domains] + ["score_total_mean"]
    for name, result in zip(names, results, strict=True):
        value = calcs[name](values)
        if result.mean is None:
            assert math.isnan(value), name
        else:
            assert value == result.mean, name


# -- reading an export -------------------------------------------------------------------


def _expected(q: blunting.Questionnaire, payload: dict[str, Any], record: str) -> dict[str, Any]:
    """What a payload becomes through REDCap, by docs/redcap.md."""
    # null is a radio field's choice asked_declined: it comes back null; in a checkbox
    # field, null and [] (no option chosen) are nothing ticked: they come back absent
    several = {item.id for item in q.items if item.multiple}
    answers = dict(payload["answers"])
    context = {
        k: v
        for k, v in payload.get("context", {}).items()
        if not (k in several and v in (None, []))
    }
    for item in q.items:
        if item.multiple and item.id in context:
            context[item.id] = [o.value for o in item.options if o.value in context[item.id]]
    expected: dict[str, Any] = {"questionnaire": q.id, "version": q.version}
    if q is BUILTIN:  # a questionnaire without respondent ids gets none
        expected["respondent"] = record
    expected["answers"] = answers
    if context:
        expected["context"] = context
    return expected


records = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=40)


@given(st.data())
def test_an_export_reads_back_as_its_payloads(data: st.DataObject) -> None:
    q = data.draw(questionnaires)
    drawn = data.draw(st.lists(st.tuples(payloads(q), records), max_size=5))
    rows = [{**record(q, p), "record_id": r} for p, r in drawn]
    read = list(redcap.from_redcap_export(export(q, rows), questionnaire=q))
    assert read == [_expected(q, p, r) for p, r in drawn]
    # and each payload makes the row it was read from
    payloads_read = [p for p in read if isinstance(p, dict)]
    made = [
        {**record(q, p), "record_id": r} for p, (_, r) in zip(payloads_read, drawn, strict=True)
    ]
    assert made == rows


@pytest.mark.parametrize("version", ["1.0.0", "1.1.0"])
def test_a_builtin_instrument_is_found_by_its_complete_column(version: str) -> None:
    text = export(blunting.questionnaire(version), [{"record_id": "7", "crying_1": "3"}])
    (payload,) = redcap.from_redcap_export(text)
    assert payload == {
        "questionnaire": "blunting",
        "version": version,
        "respondent": "7",
        "answers": {"crying_1": 3},
    }


def test_prefer_not_to_answer_is_a_choice_that_reads_back_as_null() -> None:
    text = export(BUILTIN, [{"record_id": "9", "crying_1": "asked_declined", "impact": "2"}])
    (payload,) = redcap.from_redcap_export(text)
    assert isinstance(payload, dict)
    assert payload["answers"] == {"crying_1": None}  # declined, where a blank is absent
    assert payload["context"] == {"impact": 2}
    rows = {row["Variable / Field Name"]: row for row in _dictionary(BUILTIN)}
    calc = rows["score_crying_mean"]["Choices, Calculations, OR Slider Labels"]
    assert '[crying_1] <> "asked_declined"' in calc


def test_an_option_coded_as_redcaps_prefer_not_to_answer_is_refused() -> None:
    document = read_json(MINI_PATH)
    document["properties"]["context"]["properties"]["mood"]["oneOf"][0]["const"] = "asked_declined"
    with pytest.raises(blunting.InvalidQuestionnaire, match="asked_declined"):
        redcap.to_redcap_dictionary(blunting.load(document))


def test_did_not_happen_is_a_choice_that_reads_back_and_counts_as_missing() -> None:
    rows = {row["Variable / Field Name"]: row for row in _dictionary(BUILTIN)}
    choices = rows["crying_6"]["Choices, Calculations, OR Slider Labels"]
    assert choices.endswith(
        "| not_applicable, Nothing like this happened in the past two weeks"
        " | asked_declined, Prefer not to answer"
    )
    text = export(BUILTIN, [{"record_id": "8", "crying_6": "not_applicable"}])
    (payload,) = redcap.from_redcap_export(text)
    assert isinstance(payload, dict)
    assert payload["answers"] == {"crying_6": "not_applicable"}
    assert blunting.score(payload).domains["crying"].answered == 0


def test_a_file_with_a_byte_order_mark_and_quoted_newlines(tmp_path: Any) -> None:
    text = export(BUILTIN, [{"record_id": "a\nb", "crying_1": "9"}, {"record_id": "c"}])
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8-sig", newline="")
    with path.open(encoding="utf-8-sig", newline="") as file:
        first, second = redcap.from_redcap_export(file)
    assert isinstance(first, blunting.Rejection)
    assert (first.index, first.line, first.record) == (0, 2, "a\nb")
    assert second == {
        "questionnaire": "blunting",
        "version": "1.1.0",
        "respondent": "c",
        "answers": {},
    }


def test_a_bad_row_is_reported_with_its_record_and_every_problem() -> None:
    rows = [
        {"record_id": "1", "crying_1": "2"},
        {
            "record_id": "2",
            "crying_1": "5",
            "impact": "x",
            "medications___ssri": "1",
            "medications___none": "1",
            "medications___other": "2",
        },
        {"record_id": "", "crying_2": "1"},
        {"record_id": "4"},
    ]
    results = list(redcap.from_redcap_export(export(BUILTIN, rows)))
    assert isinstance(results[0], dict)
    assert isinstance(results[3], dict)
    bad = results[1]
    assert isinstance(bad, blunting.Rejection)
    assert (bad.index, bad.line, bad.record) == (1, 3, "2")
    assert [(p.path, p.keyword) for p in bad.problems] == [
        ("crying_1", "choice"),
        ("impact", "choice"),
        ("medications___other", "choice"),
        ("medications", "maxItems"),
    ]
    no_id = results[2]
    assert isinstance(no_id, blunting.Rejection)
    assert [(p.path, p.keyword) for p in no_id.problems] == [("record_id", "minLength")]


def test_a_row_that_is_not_csv_is_rejected_and_reading_goes_on() -> None:
    text = export(BUILTIN, [{"record_id": "1"}]) + "2," + "x" * 200_000 + "\r\n"
    text += export(BUILTIN, [{"record_id": "3"}]).partition("\r\n")[2]
    first, second, third = redcap.from_redcap_export(text)
    assert isinstance(first, dict)
    assert isinstance(second, blunting.Rejection)
    assert (second.index, second.line, second.problems[0].keyword) == (1, 3, "csv")
    assert isinstance(third, dict)
    assert isinstance(third, dict)
    assert third["respondent"] == "3"


def test_a_row_of_the_wrong_length_is_rejected() -> None:
    text = export(BUILTIN, [{"record_id": "1"}]) + "2,baseline\r\n"
    first, second = redcap.from_redcap_export(text)
    assert isinstance(first, dict)
    assert isinstance(second, blunting.Rejection)
    assert second.record == "2"
    assert second.problems[0].keyword == "csv"


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("", "header"),
        ("record_id,crying_1\r\n1,2\r\n", "questionnaire"),
        ("record_id,blunting_1_0_0_complete\r\n", "header"),
        ("record_id,crying_1,crying_1,blunting_1_0_0_complete\r\n", "header"),
        ("record_id," + "x" * 200_000 + "\r\n", "csv"),
    ],
    ids=["empty", "no instrument", "a field missing", "a column twice", "not CSV"],
)
def test_a_header_that_does_not_fit_raises(text: str, keyword: str) -> None:
    with pytest.raises(blunting.InvalidResponse) as caught:
        list(redcap.from_redcap_export(text))
    assert caught.value.problems[0].keyword == keyword


def test_columns_of_other_instruments_are_not_read() -> None:
    text = export(BUILTIN, [{"record_id": "1", "crying_1": "1"}], phq9_1="3")
    (payload,) = redcap.from_redcap_export(text)
    assert isinstance(payload, dict)
    assert payload["answers"] == {"crying_1": 1}


def test_the_examples_through_redcap_score_the_same() -> None:
    for path in sorted((ROOT / "examples").glob("*.json")):
        payload = read_json(path)
        (read,) = redcap.from_redcap_export(export(BUILTIN, [record(BUILTIN, payload)]))
        assert isinstance(read, dict)
        ours, theirs = BUILTIN.score(payload).to_dict(), BUILTIN.score(read).to_dict()
        assert ours["domains"] == theirs["domains"]
        assert ours["total"] == theirs["total"]
