"""FHIR R4: the exported Questionnaire, and payloads to QuestionnaireResponses and back.

Two clients nobody here wrote check the export: fhir.resources parses every
resource with its R4B models (the closest it has to R4, and strict about
unknown elements), and the FHIRPath engine on npm (fhirpath, which implements
weight()) evaluates the calculatedExpressions, which must give our scores.
"""

from __future__ import annotations

import copy
import json
import re
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree as ET

import pytest
from fhir.resources.R4B.questionnaire import Questionnaire as FHIRQuestionnaire
from fhir.resources.R4B.questionnaireresponse import (
    QuestionnaireResponse as FHIRQuestionnaireResponse,
)
from hypothesis import assume, example, given
from hypothesis import strategies as st

import blunting
from blunting import fhir
from conformance_suite import cases
from conftest import (
    ITEM_WEIGHT,
    MINI_PATH,
    ORDINAL_VALUE,
    ROOT,
    NodeScript,
    fhir_items,
    node_for,
    read_json,
    weighed_by,
)
from strategies import payloads

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

BUILTIN = blunting.questionnaire()
MINI = blunting.load(MINI_PATH)
QUESTIONNAIRES = {
    "blunting": BUILTIN,
    "blunting 1.0.0": blunting.questionnaire("1.0.0"),
    "mini": MINI,
}
FHIRPATH = ROOT / "tests" / "external" / "fhirpath"
SYSTEM = "https://w3id.org/blunting/fhir/CodeSystem/blunting"
OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
DECLINED_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
COMPLETE = read_json(ROOT / "examples" / "complete.json")


def _questionnaire(name: str) -> blunting.Questionnaire:
    return QUESTIONNAIRES[name]


def _name(q: blunting.Questionnaire) -> str:
    (name,) = [name for name, each in QUESTIONNAIRES.items() if each == q]
    return name


questionnaires = st.sampled_from(sorted(QUESTIONNAIRES)).map(_questionnaire)


def _response(q: blunting.Questionnaire, payload: dict[str, Any]) -> dict[str, Any]:
    return fhir.to_questionnaire_response(payload, questionnaire=q)


def _back(q: blunting.Questionnaire, resource: object) -> dict[str, Any]:
    return fhir.from_questionnaire_response(resource, questionnaire=q)


# -- the Questionnaire -------------------------------------------------------------------


@pytest.mark.parametrize("q", QUESTIONNAIRES.values(), ids=QUESTIONNAIRES)
def test_the_questionnaire_parses_with_fhir_resources(q: blunting.Questionnaire) -> None:
    resource = fhir.to_questionnaire(q)
    parsed = FHIRQuestionnaire.model_validate(resource)
    assert parsed.url == f"https://w3id.org/blunting/fhir/Questionnaire/{q.id}"
    assert parsed.version == q.version
    # and it is plain JSON data
    assert json.loads(json.dumps(resource, allow_nan=False)) == resource


def test_fhir_resources_refuses_what_r4_does_not_have() -> None:
    resource = fhir.to_questionnaire(BUILTIN)
    resource["item"][1]["item"][0]["answerOption"][0]["valueScore"] = 3
    with pytest.raises(ValueError, match="valueScore"):
        FHIRQuestionnaire.model_validate(resource)


def test_the_questionnaire_layout() -> None:
    resource = fhir.to_questionnaire(BUILTIN)
    top = [(item["linkId"], item["type"]) for item in resource["item"]]
    assert top == [
        ("display:introduction", "display"),
        ("domain:crying", "group"),
        ("domain:empathy", "group"),
        ("domain:positive", "group"),
        ("context:questions", "group"),
        ("score:group", "group"),
    ]
    assert resource["item"][0]["text"] == BUILTIN.description
    for domain, group in zip(BUILTIN.domains, resource["item"][1:4], strict=True):
        assert group["text"] == domain.title
        assert [item["linkId"] for item in group["item"]] == list(domain.items)
    links = [item["linkId"] for item in fhir_items(resource["item"])]
    assert len(links) == len(set(links))
    # no contained CodeSystem: R4 lets a contained resource be reached only by a
    # "#id" reference (dom-3), and Coding.system must be absolute
    assert "contained" not in resource
    first = resource["item"][1]["item"][0]["answerOption"][0]["valueCoding"]
    assert first == {"system": SYSTEM, "code": "0", "display": "Not at all"}


def _by_link(resource: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["linkId"]: item for item in fhir_items(resource["item"])}


@pytest.mark.parametrize("q", QUESTIONNAIRES.values(), ids=QUESTIONNAIRES)
def test_every_question_with_its_options_and_weights(q: blunting.Questionnaire) -> None:
    items = _by_link(fhir.to_questionnaire(q))
    low, high = q.scale
    for question in q.items:
        item = items[question.id]
        assert item["text"] == question.text
        assert item["type"] == "choice"
        assert item["required"] is False  # every question may be skipped
        assert item.get("repeats", False) is question.multiple
        coded = [o for o in item["answerOption"] if o["valueCoding"]["code"] != "asked-declined"]
        offered = [o for o in question.options if o.value is not None]
        # "Nothing like this happened": FHIR's own code for no value that applies
        assert [o["valueCoding"]["code"] for o in coded] == [
            "not-applicable" if o.not_applicable else str(o.value) for o in offered
        ]
        assert all(
            o["valueCoding"]["system"] == DECLINED_SYSTEM
            for o in coded
            if o["valueCoding"]["code"] == "not-applicable"
        )
        assert [o["valueCoding"]["display"] for o in coded] == [o.label for o in offered]
        weights = [
            [(e["url"], e["valueDecimal"]) for e in o.get("extension", []) if "valueDecimal" in e]
            for o in coded
        ]
        if question.domain is None:
            assert weights == [[] for _ in offered]  # context questions are not scored
            continue
        scored = [
            None
            if o.not_applicable
            else low + high - o.value  # type: ignore[operator]
            if question.reverse
            else o.value
            for o in offered
        ]
        # each weight twice: R4's core ordinalValue, and itemWeight (the extension pack's);
        # none on "Nothing like this happened": it counts as missing, as null does
        assert weights == [
            [] if w is None else [(ORDINAL_VALUE, w), (ITEM_WEIGHT, w)] for w in scored
        ]


def test_prefer_not_to_answer_is_asked_declined() -> None:
    items = _by_link(fhir.to_questionnaire(BUILTIN))
    declined = items["crying_1"]["answerOption"][-1]
    assert declined == {
        "valueCoding": {
            "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
            "code": "asked-declined",
            "display": "Prefer not to answer",
        }
    }
    # medications may be null though it lists no null option: 1.1.0 words it in its key
    # (null_title), 1.0.0 does not, and the library's words stand in
    for q in (BUILTIN, blunting.questionnaire("1.0.0")):
        medications = _by_link(fhir.to_questionnaire(q))["medications"]["answerOption"][-1]
        assert medications["valueCoding"]["code"] == "asked-declined"
        assert medications["valueCoding"]["display"] == "Prefer not to answer"
    document = BUILTIN.schema
    document["x-scoring"]["null_title"] = "Rather not say"
    reworded = _by_link(fhir.to_questionnaire(blunting.load(document)))
    assert reworded["medications"]["answerOption"][-1]["valueCoding"]["display"] == "Rather not say"


def test_a_question_with_help_text_has_a_help_item() -> None:
    items = _by_link(fhir.to_questionnaire(BUILTIN))
    (help_item,) = items["medications"]["item"]
    assert help_item["type"] == "display"
    assert help_item["text"] == "Choose all that apply."
    assert help_item["extension"][0]["valueCodeableConcept"]["coding"][0]["code"] == "help"


def _exclusive_codes(item: dict[str, Any]) -> list[str]:
    mark = {"url": OPTION_EXCLUSIVE, "valueBoolean": True}
    return [
        option["valueCoding"]["code"]
        for option in item["answerOption"]
        if mark in option.get("extension", [])
    ]


@pytest.mark.parametrize("q", QUESTIONNAIRES.values(), ids=QUESTIONNAIRES)
def test_options_that_stand_alone_are_marked_exclusive(q: blunting.Questionnaire) -> None:
    items = _by_link(fhir.to_questionnaire(q))
    for question in q.items:
        expected = [str(o.value) for o in question.options if o.exclusive and o.value is not None]
        if question.multiple and question.nullable:
            expected.append("asked-declined")  # null is the whole answer, never one of several
        assert _exclusive_codes(items[question.id]) == expected
    if q is BUILTIN:
        assert _exclusive_codes(items["medications"]) == ["none", "unknown", "asked-declined"]


def test_a_null_among_several_answers_is_not_marked_exclusive() -> None:
    """Where the schema lets null sit beside other answers, nothing says it stands alone."""
    document = read_json(MINI_PATH)
    document["properties"]["context"]["properties"]["tags"] = {
        "title": "Tags",
        "type": "array",
        "items": {"oneOf": [{"const": "ab", "title": "A"}, {"const": None, "title": "Declined"}]},
    }
    q = blunting.load(document)
    assert [o.exclusive for o in next(i for i in q.items if i.id == "tags").options] == [False] * 2
    assert _exclusive_codes(_by_link(fhir.to_questionnaire(q))["tags"]) == []


def _controls(item: dict[str, Any]) -> list[str]:
    return [
        coding["code"]
        for extension in item.get("extension", [])
        if extension["url"] == "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
        for coding in extension["valueCodeableConcept"]["coding"]
    ]


def test_every_option_is_in_sight() -> None:
    items = _by_link(fhir.to_questionnaire(BUILTIN))
    assert _controls(items["crying_1"]) == ["radio-button"]
    assert _controls(items["impact"]) == ["radio-button"]
    assert _controls(items["medications"]) == ["check-box"]


# -- the narrative ------------------------------------------------------------------------

XHTML = "{http://www.w3.org/1999/xhtml}"
#: FHIR's basic formatting elements that the narrative uses.
NARRATIVE_ELEMENTS = {"div", "h2", "h3", "p", "ol", "li", "table", "tr", "th", "td"}


def _shown(resource: dict[str, Any]) -> str:
    """The text a person sees in a resource's narrative, after checking that it is safe."""
    narrative = resource["text"]
    assert narrative["status"] == "generated"
    root = ET.fromstring(narrative["div"])  # noqa: S314 - well-formed XML, ours
    assert root.tag == f"{XHTML}div"
    for element in root.iter():
        assert element.tag.startswith(XHTML)
        assert element.tag.removeprefix(XHTML) in NARRATIVE_ELEMENTS
        assert element.attrib == {}  # nothing to run, nothing to fetch
    return " ".join(" ".join(root.itertext()).split())


@pytest.mark.parametrize("q", QUESTIONNAIRES.values(), ids=QUESTIONNAIRES)
def test_the_questionnaire_has_a_narrative_of_its_questions(q: blunting.Questionnaire) -> None:
    shown = _shown(fhir.to_questionnaire(q))
    assert shown.startswith(f"{q.title} Version {q.version}.")
    for question in q.items:
        assert " ".join(question.text.split()) in shown
    if q is BUILTIN:
        assert "Options: Not at all; A little" in shown
        # medications takes null without listing it: offered as in the form
        assert "None; I don't know; Prefer not to answer" in shown
    assert "A score is not a diagnosis" in shown


def test_the_response_narrative_shows_answers_and_scores() -> None:
    payload = {**COMPLETE, "respondent": "<script>alert('x')</script> & co"}
    shown = _shown(fhir.to_questionnaire_response(payload))
    assert "Respondent: <script>alert('x')</script> & co" in shown  # as text, never as markup
    assert "Completed: 2026-03-14T09:30:00+01:00" in shown
    assert "When something sad happened, I could cry as easily as I normally do. A little" in shown
    assert "An SSRI, such as sertraline" in shown
    assert "Crying 16.0 2.67 66.67" in shown  # docs/scoring.md, worked by hand
    assert "Total 44.0 2.44 61.11" in shown


def test_an_unanswered_response_says_so() -> None:
    payload = {"questionnaire": "blunting", "version": "1.0.0", "answers": {"crying_1": None}}
    shown = _shown(fhir.to_questionnaire_response(payload))
    assert "Prefer not to answer" in shown
    assert "Crying not scored not scored not scored" in shown
    empty = {"questionnaire": "blunting", "version": "1.0.0", "answers": {}}
    assert "No question was answered." in _shown(fhir.to_questionnaire_response(empty))


def _hostile(*texts: str) -> tuple[blunting.Questionnaire, dict[str, Any]]:
    """The mini questionnaire with these texts as its title, a1's question and first label."""
    document = read_json(MINI_PATH)
    first = document["properties"]["answers"]["properties"]["a1"]
    document["title"], first["title"], first["oneOf"][0]["title"] = texts
    value = first["oneOf"][0]["const"]
    payload = {"questionnaire": "mini", "version": "0.1.0", "answers": {"a1": value}}
    return blunting.load(document), payload


def test_the_narrative_shows_markup_in_texts_as_text() -> None:
    markup = "<b>&amp;</b> ]]> \ufffe"
    q, payload = _hostile(markup, markup, markup)
    shown = _shown(fhir.to_questionnaire(q))
    # markup shown as text; what XML cannot hold (U+FFFE) as U+FFFD
    assert shown.startswith("<b>&amp;</b> ]]> \ufffd Version 0.1.0.")
    assert shown.count("<b>&amp;</b>") == 3
    response = fhir.to_questionnaire_response(payload, questionnaire=q)
    assert "<b>&amp;</b> ]]> \ufffd" in _shown(response)


def test_texts_that_fhir_cannot_hold_are_refused_each_at_its_place() -> None:
    q, payload = _hostile("a\x01b", "d\u2028e", "c\ud800")
    expected = [
        ("/title", "fhir"),
        ("/properties/answers/properties/a1/title", "fhir"),
        ("/properties/answers/properties/a1/oneOf/0/title", "fhir"),
    ]
    converters: list[Callable[[], object]] = [
        lambda: fhir.to_questionnaire(q),
        lambda: fhir.to_questionnaire_response(payload, questionnaire=q),
    ]
    for convert in converters:
        with pytest.raises(blunting.InvalidQuestionnaire) as caught:
            convert()
        assert [(p.path, p.keyword) for p in caught.value.problems] == expected


def test_an_empty_context_title_is_refused() -> None:
    document = read_json(MINI_PATH)
    document["properties"]["context"]["title"] = ""  # a FHIR string is never empty
    with pytest.raises(blunting.InvalidQuestionnaire) as caught:
        fhir.to_questionnaire(blunting.load(document))
    assert [(p.path, p.keyword) for p in caught.value.problems] == [
        ("/properties/context/title", "fhir")
    ]


def test_a_respondent_id_with_a_lone_surrogate_is_refused() -> None:
    with pytest.raises(blunting.InvalidResponse) as caught:
        fhir.to_questionnaire_response({**COMPLETE, "respondent": "a\ud800"})
    assert [(p.path, p.keyword) for p in caught.value.problems] == [("/respondent", "fhir")]


@given(st.data())
def test_every_narrative_is_safe_xhtml(data: st.DataObject) -> None:
    q = data.draw(questionnaires)
    resource = _carried(q, data.draw(payloads(q)))
    assume(resource is not None)
    assert resource is not None
    _shown(resource)


# -- an app's own canonical URL -----------------------------------------------------------

APP_URL = "https://fhir.example.org/Questionnaire/emotional-blunting"


def test_an_app_publishes_under_its_own_url() -> None:
    assert fhir.to_questionnaire(BUILTIN, url=APP_URL)["url"] == APP_URL
    resource = fhir.to_questionnaire_response(COMPLETE, url=APP_URL)
    assert resource["questionnaire"] == f"{APP_URL}|1.1.0"
    assert fhir.from_questionnaire_response(resource, url=APP_URL) == COMPLETE
    assert fhir.from_questionnaire_response(resource, url=APP_URL, questionnaire=BUILTIN) == (
        COMPLETE
    )
    # the app's url is not ours, nor ours the app's
    with pytest.raises(blunting.InvalidResponse) as caught:
        fhir.from_questionnaire_response(resource)
    assert [p.path for p in caught.value.problems] == ["QuestionnaireResponse.questionnaire"]
    ours = fhir.to_questionnaire_response(COMPLETE)
    for given_questionnaire in (None, BUILTIN):
        with pytest.raises(blunting.InvalidResponse) as caught:
            fhir.from_questionnaire_response(ours, url=APP_URL, questionnaire=given_questionnaire)
        assert [p.path for p in caught.value.problems] == ["QuestionnaireResponse.questionnaire"]


def test_an_apps_questionnaire_under_its_url() -> None:
    payload = {"questionnaire": "mini", "version": "0.1.0", "answers": {"a1": 1}}
    resource = fhir.to_questionnaire_response(payload, questionnaire=MINI, url=APP_URL)
    assert resource["questionnaire"] == f"{APP_URL}|0.1.0"
    assert fhir.from_questionnaire_response(resource, questionnaire=MINI, url=APP_URL) == payload


@pytest.mark.parametrize(
    "url",
    ["fhir.example.org/Questionnaire/x", "https://a.example/q|1", "https://a.example/q#x",
     "https://a.example/ q", "", 7, "https://a.example/\x00", "https://a.example/\ud800"],
)  # fmt: skip
def test_a_url_that_is_no_canonical_url_is_refused(url: Any) -> None:
    resource = fhir.to_questionnaire_response(COMPLETE)
    calls: list[Callable[[], object]] = [
        lambda: fhir.to_questionnaire(BUILTIN, url=url),
        lambda: fhir.to_questionnaire_response(COMPLETE, url=url),
        lambda: fhir.from_questionnaire_response(resource, url=url),
    ]
    for call in calls:
        with pytest.raises(blunting.InvalidQuestionnaire) as caught:
            call()
        assert [(p.path, p.keyword) for p in caught.value.problems] == [("", "url")]


# -- payloads to responses and back ------------------------------------------------------


def _fhir_refuses(member: str, value: str) -> bool:
    """Whether FHIR cannot hold a respondent id or completion time as it is.

    fhir.resources checks a dateTime fully, but a string only for holding some
    match of FHIR's pattern ``[ \\r\\n\\t\\S]+``: the whole string must match,
    and FHIR has no control characters in a string but tab, line feed and
    carriage return.
    """
    element = "authored" if member == "completed" else "subject"
    given = value if member == "completed" else {"identifier": {"value": value}}
    try:
        FHIRQuestionnaireResponse.model_validate(
            {"resourceType": "QuestionnaireResponse", "status": "completed", element: given}
        )
    except ValueError:
        return True
    whole = re.fullmatch(r"[ \r\n\t\S]+", value) is not None
    return not whole or any(ord(c) < 32 and c not in "\t\n\r" for c in value)


def _carried(q: blunting.Questionnaire, payload: dict[str, Any]) -> dict[str, Any] | None:
    """The payload's QuestionnaireResponse; ``None`` when FHIR cannot carry it, rightly."""
    refused = {
        m for m in ("respondent", "completed") if m in payload and _fhir_refuses(m, payload[m])
    }
    problems: tuple[blunting.Problem, ...] = ()
    resource = None
    try:
        resource = _response(q, payload)
    except blunting.InvalidResponse as error:
        problems = error.problems
    assert {(p.path, p.keyword) for p in problems} == {(f"/{m}", "fhir") for m in refused}
    return resource


def _as_fhir_carries(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload as it comes back from FHIR: ``[]`` (no option chosen, no answer) absent.

    FHIR has no empty list: the question is written shown and not answered.
    """
    if "context" not in payload:
        return payload
    return {**payload, "context": {k: v for k, v in payload["context"].items() if v != []}}


def _answers_only(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload without its respondent id and completion time."""
    return {k: v for k, v in payload.items() if k not in ("respondent", "completed")}


@given(st.data())
@example(data=None)
def test_a_payload_round_trips_exactly(data: Any) -> None:
    if data is None:  # what FHIR cannot carry as it is
        payload = {**COMPLETE, "respondent": "a\u2003b", "completed": "2026-03-14t09:30:00-23:00"}
        assert _carried(BUILTIN, payload) is None
        return
    q = data.draw(questionnaires)
    payload = data.draw(payloads(q))
    resource = _carried(q, payload)
    assume(resource is not None)
    assert resource is not None
    text = json.dumps(resource, allow_nan=False)
    back = _back(q, json.loads(text))
    expected = _as_fhir_carries(payload)
    assert back == expected
    assert json.dumps(back, sort_keys=True) == json.dumps(expected, sort_keys=True)
    # written again, the same resource; or, where [] came back absent, its own
    assert _response(q, back) == (resource if expected == payload else _response(q, expected))


def test_an_empty_list_of_medicines_is_a_question_not_answered() -> None:
    payload = {**COMPLETE, "context": {"impact": 1, "medications": []}}
    resource = fhir.to_questionnaire_response(payload)
    (group,) = [i for i in resource["item"] if i["linkId"] == "context:questions"]
    assert group["item"][1] == {"linkId": "medications"}  # shown, no answer: no empty array
    assert fhir.from_questionnaire_response(resource)["context"] == {"impact": 1}
    assert "Which kinds of medicine" not in resource["text"]["div"]  # no answer shown
    assert blunting.score(payload).context == {"medications": ()}  # scored as given


@given(payloads(BUILTIN))
def test_a_builtin_response_names_its_questionnaire(payload: dict[str, Any]) -> None:
    payload = _answers_only(payload)
    resource = fhir.to_questionnaire_response(payload)
    assert (
        resource["questionnaire"] == "https://w3id.org/blunting/fhir/Questionnaire/blunting|1.1.0"
    )
    assert fhir.from_questionnaire_response(resource) == _as_fhir_carries(payload)


@given(st.data())
def test_every_response_parses_with_fhir_resources(data: st.DataObject) -> None:
    q = data.draw(questionnaires)
    resource = _carried(q, data.draw(payloads(q)))
    assume(resource is not None)
    FHIRQuestionnaireResponse.model_validate(resource)


def test_the_response_of_the_complete_example() -> None:
    resource = fhir.to_questionnaire_response(COMPLETE)
    assert resource["subject"] == {"identifier": {"value": "example-001"}}
    assert resource["authored"] == "2026-03-14T09:30:00+01:00"
    items = _by_link(resource)
    assert items["crying_6"]["answer"] == [
        {"valueCoding": {"system": SYSTEM, "code": "1", "display": "A little"}}
    ]
    assert [a["valueCoding"]["code"] for a in items["medications"]["answer"]] == ["ssri"]
    # the scores of docs/scoring.md, worked by hand
    assert items["score:domain:crying:scaled"]["answer"] == [{"valueDecimal": 66.67}]
    assert items["score:total:mean"]["answer"] == [{"valueDecimal": 2.44}]
    assert items["score:total:scaled"]["answer"] == [{"valueDecimal": 61.11}]


def test_null_and_absent_stay_apart() -> None:
    payload = {
        "questionnaire": "blunting",
        "version": "1.0.0",
        "answers": {"crying_1": None},
        "context": {"medications": None},
    }
    resource = fhir.to_questionnaire_response(payload)
    items = _by_link(resource)
    assert items["crying_1"]["answer"][0]["valueCoding"]["code"] == "asked-declined"
    assert "crying_2" not in items
    assert fhir.from_questionnaire_response(resource) == payload
    empty = {**payload, "context": {}}
    assert fhir.from_questionnaire_response(fhir.to_questionnaire_response(empty)) == empty


def test_an_integral_float_becomes_its_integer() -> None:
    payload = {"questionnaire": "blunting", "version": "1.0.0", "answers": {"crying_1": 3.0}}
    back = fhir.from_questionnaire_response(fhir.to_questionnaire_response(payload))
    assert back == payload
    assert type(back["answers"]["crying_1"]) is int


def test_an_invalid_payload_is_not_converted() -> None:
    payload = {"questionnaire": "blunting", "version": "1.0.0", "answers": {"crying_1": 9}}
    with pytest.raises(blunting.InvalidResponse) as caught:
        fhir.to_questionnaire_response(payload)
    assert [p.path for p in caught.value.problems] == ["/answers/crying_1"]


# -- what a response may not be ----------------------------------------------------------


def _complete_response() -> dict[str, Any]:
    return fhir.to_questionnaire_response(COMPLETE)


def _problems(resource: object) -> list[tuple[str, str]]:
    with pytest.raises(blunting.InvalidResponse) as caught:
        fhir.from_questionnaire_response(resource)
    assert isinstance(caught.value, ValueError)
    return [(p.path, p.keyword) for p in caught.value.problems]


def _coding(system: str, code: str) -> dict[str, Any]:
    return {"valueCoding": {"system": system, "code": code}}


MALFORMED: list[Any] = [
    ("not an object", lambda r: [r], [("QuestionnaireResponse", "type")]),
    (
        "another resource",
        lambda r: {**r, "resourceType": "Questionnaire"},
        [("QuestionnaireResponse.resourceType", "resourceType")],
    ),
    (
        "no questionnaire",
        lambda r: {k: v for k, v in r.items() if k != "questionnaire"},
        [("QuestionnaireResponse.questionnaire", "questionnaire")],
    ),
    (
        "no version",
        lambda r: {**r, "questionnaire": r["questionnaire"].partition("|")[0]},
        [("QuestionnaireResponse.questionnaire", "questionnaire")],
    ),
    (
        "an unknown version",
        lambda r: {**r, "questionnaire": r["questionnaire"].replace("1.1.0", "9.9.9")},
        [("QuestionnaireResponse.questionnaire", "questionnaire")],
    ),
    (
        "another questionnaire",
        lambda r: {**r, "questionnaire": "http://loinc.org/q/44249-1|1"},
        [("QuestionnaireResponse.questionnaire", "questionnaire")],
    ),
    (
        "in progress",
        lambda r: {**r, "status": "in-progress"},
        [("QuestionnaireResponse.status", "status")],
    ),
    (
        "a modifier extension",
        lambda r: {**r, "modifierExtension": [{"url": "http://example.org/x"}]},
        [("QuestionnaireResponse.modifierExtension", "modifierExtension")],
    ),
    (
        "an element R4 does not have",
        lambda r: {**r, "answers": {}},
        [("QuestionnaireResponse.answers", "element")],
    ),
    (
        "an unknown group",
        lambda r: {**r, "item": [{"linkId": "domain:sleep"}, *r["item"]]},
        [("QuestionnaireResponse.item[0].linkId", "linkId")],
    ),
    (
        "a group twice",
        lambda r: {**r, "item": [r["item"][0], *r["item"]]},
        [("QuestionnaireResponse.item[1].linkId", "linkId")],
    ),
    (
        "a question in the wrong group",
        lambda r: _set(r, ["item", 1, "item", 0, "linkId"], "crying_1"),
        [("QuestionnaireResponse.item[1].item[0].linkId", "linkId")],
    ),
    (
        "a question twice",
        lambda r: _set(r, ["item", 0, "item", 1, "linkId"], "crying_1"),
        [("QuestionnaireResponse.item[0].item[1].linkId", "linkId")],
    ),
    (
        "a code of no option",
        lambda r: _set(r, ["item", 0, "item", 2, "answer", 0], _coding(SYSTEM, "7")),
        [("QuestionnaireResponse.item[0].item[2].answer[0].valueCoding", "answerOption")],
    ),
    (
        "a code of another system",
        lambda r: _set(r, ["item", 0, "item", 2, "answer", 0], _coding("http://loinc.org", "3")),
        [("QuestionnaireResponse.item[0].item[2].answer[0].valueCoding", "answerOption")],
    ),
    (
        "an integer where a coding belongs",
        lambda r: _set(r, ["item", 0, "item", 2, "answer", 0], {"valueInteger": 3}),
        [
            ("QuestionnaireResponse.item[0].item[2].answer[0].valueInteger", "element"),
            ("QuestionnaireResponse.item[0].item[2].answer[0].valueCoding", "type"),
        ],
    ),
    (
        "two answers to a question that takes one",
        lambda r: _set(
            r, ["item", 1, "item", 0, "answer"], [_coding(SYSTEM, "1"), _coding(SYSTEM, "2")]
        ),
        [("QuestionnaireResponse.item[1].item[0].answer", "answer")],
    ),
    (
        "an empty answer list",
        lambda r: _set(r, ["item", 1, "item", 0, "answer"], []),
        [("QuestionnaireResponse.item[1].item[0].answer", "type")],
    ),
    (
        "declined beside a medicine",
        lambda r: _set(
            r,
            ["item", 3, "item", 1, "answer"],
            [
                _coding(SYSTEM, "ssri"),
                _coding(
                    "http://terminology.hl7.org/CodeSystem/data-absent-reason", "asked-declined"
                ),
            ],
        ),
        [("QuestionnaireResponse.item[3].item[1].answer", "answer")],
    ),
    (
        "none beside a medicine: the schema's own rule, at the answers",
        lambda r: _set(
            r, ["item", 3, "item", 1, "answer"], [_coding(SYSTEM, "ssri"), _coding(SYSTEM, "none")]
        ),
        [("QuestionnaireResponse.item[3].item[1]", "maxItems")],
    ),
    (
        "the same medicine twice",
        lambda r: _set(
            r, ["item", 3, "item", 1, "answer"], [_coding(SYSTEM, "ssri"), _coding(SYSTEM, "ssri")]
        ),
        [("QuestionnaireResponse.item[3].item[1]", "uniqueItems")],
    ),
    (
        "a date with no time",
        lambda r: {**r, "authored": "2026-03-14"},
        [("QuestionnaireResponse.authored", "format")],
    ),
    (
        "an empty respondent id",
        lambda r: {**r, "subject": {"identifier": {"value": ""}}},
        [("QuestionnaireResponse.subject.identifier.value", "minLength")],
    ),
    (
        "nested items under an answer",
        lambda r: _set(r, ["item", 0, "item", 0, "answer", 0, "item"], []),
        [("QuestionnaireResponse.item[0].item[0].answer[0].item", "element")],
    ),
]


def _set(resource: dict[str, Any], path: list[Any], value: object) -> dict[str, Any]:
    changed = copy.deepcopy(resource)
    node: Any = changed
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return changed


@pytest.mark.parametrize(
    ("change", "expected"), [case[1:] for case in MALFORMED], ids=[case[0] for case in MALFORMED]
)
def test_a_malformed_response_names_every_problem_at_its_fhir_path(
    change: Any, expected: list[tuple[str, str]]
) -> None:
    assert _problems(change(_complete_response())) == expected


def test_problems_in_several_places_are_all_named() -> None:
    resource = _complete_response()
    resource = _set(resource, ["status"], "entered-in-error")
    resource = _set(resource, ["item", 0, "item", 0, "answer", 0], _coding(SYSTEM, "x"))
    resource = _set(resource, ["item", 2, "item", 5, "answer", 0], _coding(SYSTEM, "y"))
    assert _problems(resource) == [
        ("QuestionnaireResponse.status", "status"),
        ("QuestionnaireResponse.item[0].item[0].answer[0].valueCoding", "answerOption"),
        ("QuestionnaireResponse.item[2].item[5].answer[0].valueCoding", "answerOption"),
    ]


def test_problems_of_structure_and_of_the_schema_are_named_together() -> None:
    resource = _set(_complete_response(), ["status"], "in-progress")
    resource = _set(resource, ["item", 0, "item", 2, "answer", 0], _coding(SYSTEM, "7"))
    medicines = [_coding(SYSTEM, "ssri"), _coding(SYSTEM, "none")]
    resource = _set(resource, ["item", 3, "item", 1, "answer"], medicines)
    assert _problems(resource) == [
        ("QuestionnaireResponse.status", "status"),
        ("QuestionnaireResponse.item[0].item[2].answer[0].valueCoding", "answerOption"),
        ("QuestionnaireResponse.item[3].item[1]", "maxItems"),
    ]


def test_elements_that_say_nothing_about_the_answers_are_allowed() -> None:
    resource = {
        "id": "qr-1",
        "meta": {"versionId": "2"},
        "text": {"status": "generated", "div": "<div>...</div>"},
        "encounter": {"reference": "Encounter/7"},
        **_complete_response(),
    }
    resource["item"][0]["text"] = "Crying"
    resource["item"][0]["item"][0]["text"] = "shown as the person saw it"
    assert fhir.from_questionnaire_response(resource) == COMPLETE


def test_an_item_shown_and_not_answered_is_absent() -> None:
    resource = _set(_complete_response(), ["item", 0, "item", 0], {"linkId": "crying_1"})
    payload = fhir.from_questionnaire_response(resource)
    assert "crying_1" not in payload["answers"]


def test_the_score_group_is_never_read() -> None:
    resource = _complete_response()
    resource["item"][-1]["item"][0]["answer"] = [{"valueDecimal": 99}]
    assert fhir.from_questionnaire_response(resource) == COMPLETE


def test_a_given_questionnaire_must_be_the_one_named() -> None:
    resource = _complete_response()
    with pytest.raises(blunting.InvalidResponse) as caught:
        fhir.from_questionnaire_response(resource, questionnaire=MINI)
    assert caught.value.problems[0].path == "QuestionnaireResponse.questionnaire"


@given(st.data())
def test_a_wrong_code_is_named_at_its_answer(data: st.DataObject) -> None:
    q = data.draw(questionnaires)
    payload = _answers_only(data.draw(payloads(q, complete=True)))
    resource = _response(q, payload)
    group = data.draw(st.integers(0, len(q.domains) - 1))
    question = data.draw(st.integers(0, len(resource["item"][group]["item"]) - 1))
    code = data.draw(st.text(min_size=1).filter(lambda c: c not in {str(v) for v in range(-1, 7)}))
    at = ["item", group, "item", question, "answer", 0, "valueCoding", "code"]
    with pytest.raises(blunting.InvalidResponse) as caught:
        _back(q, _set(resource, at, code))
    assert [p.path for p in caught.value.problems] == [
        f"QuestionnaireResponse.item[{group}].item[{question}].answer[0].valueCoding"
    ]


# -- the calculated scores, evaluated by the FHIRPath engine -----------------------------


class FHIRPath(NodeScript):
    """The fhirpath npm package in one Node.js process (tests/external/fhirpath/evaluate.mjs)."""

    def __init__(self, node: str, questionnaire: dict[str, Any]) -> None:
        super().__init__(node, FHIRPATH / "evaluate.mjs", questionnaire)

    def values(self, response: dict[str, Any]) -> dict[str, list[list[Any]]]:
        """Each calculated item's value, with JavaScript numbers and with precise decimals."""
        values: dict[str, list[list[Any]]] = self.ask(response)
        return values


#: The Questionnaire as exported, and as read by a form filler that knows only
#: R4's ordinalValue, or only itemWeight.
WEIGHTS = ("both", ORDINAL_VALUE, ITEM_WEIGHT)


@pytest.fixture(scope="module")
def engines() -> Iterator[dict[tuple[str, str], FHIRPath]]:
    node = node_for(FHIRPATH, "the FHIRPath engine")
    running = {}
    for name, q in QUESTIONNAIRES.items():
        resource = fhir.to_questionnaire(q)
        for weights in WEIGHTS:
            shown = resource if weights == "both" else weighed_by(resource, weights)
            running[name, weights] = FHIRPath(node, shown)
    yield running
    for engine in running.values():
        engine.close()


def _expected(score: blunting.Score) -> dict[str, list[Any]]:
    expected: dict[str, list[Any]] = {}
    parts: list[tuple[str, blunting.DomainScore]] = [
        (f"score:domain:{domain}", result) for domain, result in score.domains.items()
    ]
    parts.append(("score:total", score.total))
    for link, result in parts:
        for statistic in ("raw", "mean", "scaled"):
            value = getattr(result, statistic)
            expected[f"{link}:{statistic}"] = [] if value is None else [value]
    return expected


def _check(
    engines: dict[tuple[str, str], FHIRPath], q: blunting.Questionnaire, payload: Any
) -> None:
    response = _response(q, _answers_only(payload))
    response["item"] = [i for i in response.get("item", []) if i["linkId"] != "score:group"]
    expected = _expected(q.score(payload))
    for weights in WEIGHTS:
        values = engines[_name(q), weights].values(response)
        assert {link: native for link, (native, _) in values.items()} == expected
        assert {link: precise for link, (_, precise) in values.items()} == expected


@given(data=st.data())
@example(data=None)  # the complete example, worked by hand in docs/scoring.md
def test_the_engine_gives_our_scores(engines: dict[tuple[str, str], FHIRPath], data: Any) -> None:
    if data is None:
        _check(engines, BUILTIN, COMPLETE)
        return
    q = data.draw(questionnaires)
    payload = data.draw(payloads(q, complete=data.draw(st.booleans())))
    _check(engines, q, payload)


@pytest.mark.parametrize(
    ("questionnaire", "case"),
    [c for c in cases() if c.values[1]["valid"] and "payload" in c.values[1]],
)
def test_the_engine_gives_the_conformance_scores(
    engines: dict[tuple[str, str], FHIRPath], questionnaire: Any, case: dict[str, Any]
) -> None:
    q = blunting.load(questionnaire)
    values = engines[_name(q), "both"].values(_response(q, _answers_only(case["payload"])))
    for part in (*case["score"].get("domains", {}).items(), ("total", case["score"].get("total"))):
        name, result = part
        if result is None:
            continue
        link = "score:total" if name == "total" else f"score:domain:{name}"
        for statistic in ("raw", "mean", "scaled"):
            value = result[statistic]
            assert values[f"{link}:{statistic}"] == [[] if value is None else [value]] * 2


# -- every invariant of FHIR R4, evaluated by the FHIRPath engine --------------------------


class Invariants(NodeScript):
    """Every constraint of the R4 4.0.1 StructureDefinitions (external/fhirpath/invariants.mjs)."""

    def __init__(self, node: str) -> None:
        super().__init__(node, FHIRPATH / "invariants.mjs", "4.0.1")

    def check(self, resource: dict[str, Any]) -> tuple[list[tuple[str, str]], set[str]]:
        """The invariants that fail, as (key, where), and the keys evaluated."""
        answer = self.ask(resource)
        failed = [(f["key"], f["at"]) for f in answer["failed"]]
        return failed, set(answer["checked"])


@pytest.fixture(scope="module")
def invariants() -> Iterator[Invariants]:
    running = Invariants(node_for(FHIRPATH, "the FHIRPath engine"))
    yield running
    running.close()


@pytest.mark.parametrize("url", [None, APP_URL])
@pytest.mark.parametrize("q", QUESTIONNAIRES.values(), ids=QUESTIONNAIRES)
def test_every_r4_invariant_holds_on_the_questionnaire(
    invariants: Invariants, q: blunting.Questionnaire, url: str | None
) -> None:
    failed, checked = invariants.check(fhir.to_questionnaire(q, url=url))
    assert failed == []  # errors and warnings alike
    assert {
        "dom-3",
        "dom-6",
        "que-1",
        "que-2",
        "que-4",
        "ext-1",
        "ele-1",
        "txt-1",
        "regex",
    } <= checked


@given(st.data())
@example(data=None)
def test_every_r4_invariant_holds_on_generated_responses(invariants: Invariants, data: Any) -> None:
    resource: dict[str, Any] | None = fhir.to_questionnaire_response(COMPLETE)
    if data is not None:
        q = data.draw(questionnaires)
        resource = _carried(q, data.draw(payloads(q)))
        assume(resource is not None)
    assert resource is not None
    failed, checked = invariants.check(resource)
    assert failed == []
    assert {"dom-3", "dom-6", "ele-1", "txt-1", "txt-2", "regex"} <= checked
    if "item" in resource:
        assert "qrs-1" in checked


def _broken(change: Any) -> dict[str, Any]:
    resource = fhir.to_questionnaire(BUILTIN)
    change(resource)
    return resource


BROKEN: list[Any] = [
    (
        "a contained CodeSystem that nothing refers to as #answers",
        lambda r: r.update(
            contained=[
                {
                    "resourceType": "CodeSystem",
                    "id": "answers",
                    "text": r["text"],
                    "url": SYSTEM,
                    "name": "BluntingAnswers",
                    "status": "active",
                    "content": "complete",
                }
            ]
        ),
        [("dom-3", "Questionnaire")],
    ),
    ("no narrative", lambda r: r.pop("text"), [("dom-6", "Questionnaire")]),
    (
        "a script in the narrative",
        lambda r: r["text"].update(
            div='<div xmlns="http://www.w3.org/1999/xhtml"><script>x()</script></div>'
        ),
        # R4 checks the narrative's XHTML with htmlChecks() in both txt-1 and txt-2
        [("txt-1", "Questionnaire.text.div"), ("txt-2", "Questionnaire.text.div")],
    ),
    (
        "a linkId twice",
        lambda r: r["item"][2]["item"][0].update(linkId="crying_1"),
        [("que-2", "Questionnaire")],
    ),
    (
        "an empty group",
        lambda r: r["item"][1].update(item=[]),
        [("que-1", "Questionnaire.item[1]")],
    ),
    (
        "an extension with a value and extensions",
        lambda r: r["item"][1]["item"][0]["extension"][0].update(
            extension=[r["item"][1]["item"][0]["extension"][0].copy()]
        ),
        [("ext-1", "Questionnaire.item[1].item[0].extension[0]")],
    ),
    (
        "an empty string",
        lambda r: r["item"][1].update(text=""),
        [("regex", "Questionnaire.item[1].text")],
    ),
    (
        "a date that is no date",
        lambda r: r.update(date="2026-13-01"),
        [("regex", "Questionnaire.date")],
    ),
    (
        "an element R4 does not have",
        lambda r: r["item"][1]["item"][0]["answerOption"][0].update(valueScore=3),
        [("walk", "Questionnaire.item[1].item[0].answerOption[0].valueScore")],
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"), [case[1:] for case in BROKEN], ids=[case[0] for case in BROKEN]
)
def test_the_invariant_check_finds_what_breaks_r4(
    invariants: Invariants, change: Any, expected: list[tuple[str, str]]
) -> None:
    failed, _ = invariants.check(_broken(change))
    assert failed == expected


def test_the_invariant_check_reads_responses_too(invariants: Invariants) -> None:
    resource = fhir.to_questionnaire_response(COMPLETE)
    resource["item"][0]["item"][0]["item"] = [{"linkId": "nested"}]  # answer and items both
    failed, _ = invariants.check(resource)
    assert failed == [("qrs-1", "QuestionnaireResponse.item[0].item[0]")]


def test_a_schema_problem_of_one_of_several_answers_is_placed_at_that_answer() -> None:
    """Each element of a several-answer question maps back to its own ``answer[i]``."""
    document = read_json(MINI_PATH)
    document["properties"]["context"]["properties"]["tags"] = {
        "title": "Tags",
        "type": ["array", "null"],
        "default": None,
        "items": {
            "oneOf": [{"const": "ab", "title": "Short"}, {"const": "abcd", "title": "Long"}],
            "maxLength": 3,  # so the option "abcd" is never a valid answer
        },
    }
    q = blunting.load(document)
    payload = {
        "questionnaire": "mini",
        "version": "0.1.0",
        "answers": {},
        "context": {"tags": ["ab"]},
    }
    resource = fhir.to_questionnaire_response(payload, questionnaire=q)
    (group,) = [
        i for i, item in enumerate(resource["item"]) if item["linkId"] == "context:questions"
    ]
    answers = resource["item"][group]["item"][0]["answer"]
    answers.append(copy.deepcopy(answers[0]))
    answers[1]["valueCoding"]["code"] = "abcd"
    with pytest.raises(blunting.InvalidResponse) as raised:
        fhir.from_questionnaire_response(resource, questionnaire=q)
    assert [(p.path, p.keyword) for p in raised.value.problems] == [
        (f"QuestionnaireResponse.item[{group}].item[0].answer[1]", "maxLength")
    ]
