"""Loading questionnaires: the built-in content, the vocabulary's rules, sources."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

import blunting
from conftest import MINI_PATH, ROOT

if TYPE_CHECKING:
    from pathlib import Path

SCHEMAS = ROOT / "schemas" / "blunting"
VERSIONS = ("1.0.0", "1.1.0")
CANONICAL = SCHEMAS / "1.1.0" / "questionnaire.json"
ID = "https://w3id.org/blunting/schemas/blunting/1.1.0/questionnaire.json"
#: The scored items of 1.1.0 that say "this did not happen" (docs/scoring.md).
SITUATIONAL = ("crying_4", "crying_6", "empathy_1", "empathy_5")


def _document(version: str = "1.1.0") -> dict[str, Any]:
    text = (SCHEMAS / version / "questionnaire.json").read_text(encoding="utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


def _paths_of(document: Any) -> set[str]:
    with pytest.raises(blunting.InvalidQuestionnaire) as raised:
        blunting.load(document)
    return {problem.path for problem in raised.value.problems}


# --- the built-in questionnaire ---


@pytest.mark.parametrize("version", VERSIONS)
def test_the_shipped_schema_is_the_canonical_file(version: str) -> None:
    assert blunting.questionnaire(version).schema == _document(version)
    assert blunting.questionnaire(version) == blunting.load(
        SCHEMAS / version / "questionnaire.json"
    )


def test_latest_version_and_explicit_version_agree() -> None:
    q = blunting.questionnaire()
    assert (q.id, q.version) == ("blunting", "1.1.0")
    assert blunting.questionnaire("1.1.0") is q
    assert blunting.questionnaire("1.1.0", id="blunting") is q
    assert blunting.questionnaire("1.0.0").version == "1.0.0"


@pytest.mark.parametrize("version", VERSIONS)
def test_content_of_each_version(version: str) -> None:
    q = blunting.questionnaire(version)
    assert [d.id for d in q.domains] == ["crying", "empathy", "positive"]
    assert q.scale == (0, 4)
    for domain in q.domains:
        assert len(domain.items) == 6
        assert domain.min_answered == 5
        items = [item for item in q.items if item.domain == domain.id]
        assert [item.id for item in items] == list(domain.items)
        assert any(item.reverse for item in items), f"{domain.id} needs a reverse-keyed item"
        for item in items:
            situational = version != "1.0.0" and item.id in SITUATIONAL
            assert [o.value for o in item.options] == [0, 1, 2, 3, 4] + (
                ["not_applicable"] if situational else []
            ) + [None]
            assert [o.not_applicable for o in item.options] == [False] * 5 + (
                [True] if situational else []
            ) + [False]
            assert item.text.strip()
            assert not item.multiple
    context = {item.id: item for item in q.items if item.domain is None}
    assert set(context) == {"impact", "medications", "sexual_side_effects", "attribution"}
    assert [o.value for o in context["impact"].options] == [0, 1, 2, 3, 4, None]
    assert context["medications"].multiple
    medicines = ["ssri", "snri", "mood_stabilizer", "other", "none", "unknown"]
    declined = [] if version == "1.0.0" else [None]  # 1.1.0 words null: its null_title
    assert [o.value for o in context["medications"].options] == medicines + declined
    sexual = ["yes", "no"] + (["prefer_not_to_say"] if version == "1.0.0" else []) + [None]
    assert [o.value for o in context["sexual_side_effects"].options] == sexual
    assert [o.value for o in context["attribution"].options] == ["yes", "no", "unsure", None]
    assert q.description is not None
    assert "past two weeks" in q.description


def test_every_question_that_takes_null_words_it_in_1_1_0() -> None:
    """The FHIR and REDCap exports and take show these words, never the library's own."""
    q = blunting.questionnaire("1.1.0")
    for item in q.items:
        assert item.nullable, item.id
        assert [o.label for o in item.options if o.value is None] == ["Prefer not to answer"]


def test_1_1_0_keeps_the_items_wording_and_key_of_1_0_0() -> None:
    """The two versions are scored the same way: only the options said below differ."""
    old, new = _document("1.0.0"), _document("1.1.0")
    assert old["description"] == new["description"]
    for group in ("answers", "context"):
        before = old["properties"][group]["properties"]
        after = new["properties"][group]["properties"]
        assert list(before) == list(after)
        for name in before:
            assert before[name]["title"] == after[name]["title"], name
            assert before[name].get("description") == after[name].get("description"), name
    key = {k: v for k, v in new["x-scoring"].items() if k not in ("not_applicable", "null_title")}
    assert key == old["x-scoring"]
    answers = new["properties"]["answers"]["properties"]
    assert sorted(name for name, q in answers.items() if len(q["oneOf"]) == 7) == list(SITUATIONAL)
    for name in SITUATIONAL:
        assert answers[name]["oneOf"][5] == {
            "const": "not_applicable",
            "title": "Nothing like this happened in the past two weeks",
        }
    medications = new["properties"]["context"]["properties"]["medications"]
    assert "minItems" not in medications  # [] is no answer: a form that unticks all sends it


def test_every_question_is_shown_by_a_form_renderer_as_title_and_oneof_options() -> None:
    """react-jsonschema-form and JSON Forms read title and oneOf [{const, title}]."""
    schema = blunting.questionnaire().schema
    for group in ("answers", "context"):
        for name, question in schema["properties"][group]["properties"].items():
            options = question.get("items", question)["oneOf"]
            assert question["title"], name
            assert all(set(option) == {"const", "title"} for option in options), name


def test_schema_is_a_copy() -> None:
    q = blunting.questionnaire()
    q.schema["properties"].clear()
    assert q.schema["properties"]


def test_questionnaires_are_values() -> None:
    q = blunting.questionnaire()
    assert hash(q) == hash(blunting.load(CANONICAL))
    assert q != blunting.load(MINI_PATH)
    assert q != blunting.questionnaire("1.0.0")


# --- sources ---


def test_load_by_builtin_id_never_fetches() -> None:
    assert blunting.load(ID) is blunting.questionnaire()
    with pytest.raises(blunting.UnknownQuestionnaire, match="nothing is fetched"):
        blunting.load("https://example.org/questionnaire.json")


def test_load_a_mapping_copies_it() -> None:
    document = _document()
    before = json.dumps(document)
    q = blunting.load(document)
    assert json.dumps(document) == before
    document["properties"]["answers"]["properties"].clear()
    assert len(q.schema["properties"]["answers"]["properties"]) == 18


def test_unknown_builtins() -> None:
    with pytest.raises(blunting.UnknownQuestionnaire, match=r"9\.9\.9"):
        blunting.questionnaire("9.9.9")
    with pytest.raises(blunting.UnknownQuestionnaire, match="nope"):
        blunting.questionnaire(id="nope")
    with pytest.raises(LookupError):
        blunting.questionnaire("0.0.1")


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(blunting.UnknownQuestionnaire, match="cannot read"):
        blunting.load(tmp_path / "missing.json")
    with pytest.raises(blunting.UnknownQuestionnaire, match="cannot read"):
        blunting.load(tmp_path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"{", "not valid JSON"),
        (b'{"a": 1, "a": 2}', "duplicate key"),
        (b'{"a": NaN}', "NaN"),
        (b"\xff\xfe", "UTF-8"),
        (b"[]", "not a questionnaire document"),
    ],
)
def test_files_that_are_not_documents(tmp_path: Path, text: bytes, message: str) -> None:
    path = tmp_path / "q.json"
    path.write_bytes(text)
    with pytest.raises(blunting.InvalidQuestionnaire, match=message) as raised:
        blunting.load(str(path))
    assert [p.path for p in raised.value.problems] == [""]


@pytest.mark.parametrize("source", [None, 3, b"{}", ["a"]])
def test_load_of_something_else(source: Any) -> None:
    with pytest.raises(blunting.InvalidQuestionnaire, match="takes a path"):
        blunting.load(source)


def test_a_mapping_that_is_not_json() -> None:
    with pytest.raises(blunting.InvalidQuestionnaire, match="not JSON"):
        blunting.load({"title": float("nan")})
    with pytest.raises(blunting.InvalidQuestionnaire, match="not JSON"):
        blunting.load({"title": {1, 2}})


# --- the vocabulary's rules, each with the path of what breaks it ---


def _edit(change: Any) -> dict[str, Any]:
    document = _document()
    change(document)
    return document


def _key(document: dict[str, Any]) -> dict[str, Any]:
    key: dict[str, Any] = document["x-scoring"]
    return key


ANSWERS = "/properties/answers/properties"


@pytest.mark.parametrize(
    ("change", "paths"),
    [
        pytest.param(
            lambda d: _key(d)["domains"][0]["items"].__setitem__(0, "nope"),
            {"/x-scoring/domains/0/items/0", f"{ANSWERS}/crying_1"},
            id="a domain names an item that does not exist",
        ),
        pytest.param(
            lambda d: _key(d)["domains"][1]["items"].append("crying_1"),
            {"/x-scoring/domains/1/items/6"},
            id="an item in two domains",
        ),
        pytest.param(
            lambda d: _key(d)["domains"][2].__setitem__("min_answered", 7),
            {"/x-scoring/domains/2/min_answered"},
            id="min_answered above the item count",
        ),
        pytest.param(
            lambda d: _key(d)["domains"][1].__setitem__("id", "crying"),
            {"/x-scoring/domains/1/id"},
            id="a domain id used twice",
        ),
        pytest.param(
            lambda d: _key(d).__setitem__("scale", {"minimum": 4, "maximum": 0}),
            {"/x-scoring/scale/maximum"},
            id="scale upside down",
        ),
        pytest.param(
            lambda d: _key(d)["reverse"].append("impact"),
            {"/x-scoring/reverse/3"},
            id="a reverse key that is not a scored item",
        ),
        pytest.param(
            lambda d: _key(d).__setitem__("impact", "nope"),
            {"/x-scoring/impact"},
            id="impact names no context question",
        ),
        pytest.param(
            lambda d: _key(d).__setitem__("impact", "attribution"),
            {"/x-scoring/impact"},
            id="impact names a question with text answers",
        ),
        pytest.param(
            lambda d: d["properties"]["answers"]["properties"]["crying_2"]["oneOf"].pop(4),
            {f"{ANSWERS}/crying_2/oneOf"},
            id="an item's options miss a scale point",
        ),
        pytest.param(
            lambda d: d["properties"]["answers"]["properties"]["crying_2"].__setitem__(
                "maximum", 5
            ),
            {f"{ANSWERS}/crying_2/maximum"},
            id="an item's maximum differs from the scale",
        ),
        pytest.param(
            lambda d: d["properties"]["context"]["properties"]["attribution"].__setitem__(
                "enum", ["yes", "no"]
            ),
            {"/properties/context/properties/attribution/enum"},
            id="enum and options disagree",
        ),
        pytest.param(
            lambda d: d["properties"]["context"]["properties"]["medications"]["items"]["oneOf"][
                1
            ].__setitem__("const", "ssri"),
            {"/properties/context/properties/medications/items/oneOf"},
            id="two options with one value",
        ),
        pytest.param(
            lambda d: d["properties"]["answers"]["properties"]["crying_4"].pop("type"),
            {f"{ANSWERS}/crying_4/type"},
            id="a question without a type",
        ),
        pytest.param(
            lambda d: d["properties"]["context"]["properties"]["attribution"]["oneOf"].pop(),
            {"/properties/context/properties/attribution/default"},
            id="a default of null that is not an option",
        ),
        pytest.param(
            lambda d: d["properties"]["answers"]["properties"]["crying_4"].__setitem__(
                "default", 0
            ),
            {f"{ANSWERS}/crying_4/default"},
            id="a default that invents an answer",
        ),
        pytest.param(
            lambda d: d["properties"]["answers"]["properties"]["crying_3"].__setitem__(
                "$ref", "https://example.org/elsewhere.json"
            ),
            {f"{ANSWERS}/crying_3/$ref"},
            id="a reference that does not resolve locally",
        ),
        pytest.param(
            lambda d: d["properties"]["completed"].__setitem__("format", "no-such-format"),
            {"/properties/completed/format"},
            id="a format nothing checks",
        ),
        pytest.param(
            lambda d: d.pop("x-scoring"),
            {"/x-scoring"},
            id="no scoring key",
        ),
        pytest.param(
            lambda d: _key(d)["domains"][0].pop("min_answered"),
            {"/x-scoring/domains/0/min_answered"},
            id="a domain without min_answered",
        ),
        pytest.param(
            lambda d: d["properties"]["version"].__setitem__("const", "1.0.0\n"),
            {"/properties/version/const"},
            id="a version with a trailing newline",
        ),
        pytest.param(
            lambda d: d["properties"]["answers"].__setitem__("additionalProperties", True),  # noqa: FBT003
            {"/properties/answers/additionalProperties"},
            id="answers left open",
        ),
        pytest.param(
            lambda d: d["properties"]["answers"]["properties"].__setitem__(
                "crying_1", d["properties"]["context"]["properties"]["medications"]
            ),
            {f"{ANSWERS}/crying_1/items"},
            id="a scored item that takes a list",
        ),
        pytest.param(
            lambda d: d["properties"]["answers"]["properties"]["crying_1"].pop("oneOf"),
            {f"{ANSWERS}/crying_1"},
            id="an item without options",
        ),
        pytest.param(
            lambda d: _key(d).__setitem__("not_applicable", "did_not_happen"),
            {"/x-scoring/not_applicable"} | {f"{ANSWERS}/{item}/oneOf" for item in SITUATIONAL},
            id="a not-applicable value that no item offers",
        ),
        pytest.param(
            lambda d: _key(d).__setitem__("not_applicable", 9),
            {"/x-scoring/not_applicable"},
            id="a not-applicable value that could be an answer code",
        ),
        pytest.param(
            lambda d: _key(d).pop("not_applicable"),
            {f"{ANSWERS}/{item}/oneOf" for item in SITUATIONAL},
            id="an option outside the scale not marked as not applicable",
        ),
        pytest.param(
            lambda d: _key(d).__setitem__("null_title", ""),
            {"/x-scoring/null_title"},
            id="null worded with no words",
        ),
    ],
)
def test_each_broken_rule_is_named_at_its_path(change: Any, paths: set[str]) -> None:
    assert _paths_of(_edit(change)) == paths


def test_all_problems_are_reported_at_once() -> None:
    def change(d: dict[str, Any]) -> None:
        _key(d)["domains"][2]["min_answered"] = 9
        _key(d)["impact"] = "nope"

    assert _paths_of(_edit(change)) == {"/x-scoring/domains/2/min_answered", "/x-scoring/impact"}


def test_a_questionnaire_without_context_questions() -> None:
    document = json.loads(MINI_PATH.read_text(encoding="utf-8"))
    del document["properties"]["context"]
    q = blunting.load(document)
    assert all(item.domain is not None for item in q.items)
    score = q.score({"questionnaire": "mini", "version": "0.1.0", "answers": {"a1": 2}})
    assert (score.impact, dict(score.context)) == (None, {})
    with pytest.raises(blunting.InvalidResponse) as raised:
        q.score({"questionnaire": "mini", "version": "0.1.0", "answers": {}, "context": {}})
    assert [p.path for p in raised.value.problems] == ["/context"]
