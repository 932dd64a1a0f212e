"""The public surface, the exceptions, and bad input of every kind."""

from __future__ import annotations

import importlib
import json
import math
import pkgutil
from typing import Any

import pytest

import blunting
from blunting._schema._explain import explain
from conftest import ROOT
from hostile import nested


def _payload(**answers: Any) -> dict[str, Any]:
    return {"questionnaire": "blunting", "version": "1.1.0", "answers": answers}


def test_public_surface() -> None:
    assert sorted(blunting.__all__) == sorted(
        [
            "BluntingError",
            "Domain",
            "DomainScore",
            "InvalidQuestionnaire",
            "InvalidResponse",
            "InvalidStudy",
            "Item",
            "MAX_TEXT_BYTES",
            "Option",
            "Problem",
            "Questionnaire",
            "Rejection",
            "Score",
            "UnknownQuestionnaire",
            "__version__",
            "load",
            "questionnaire",
            "score",
            "score_stream",
            "validate",
        ]
    )
    for name in blunting.__all__:
        assert getattr(blunting, name) is not None
    # the only public modules: the two formats, the tables and the statistics, each small
    public_modules = {
        module.name for module in pkgutil.iter_modules(blunting.__path__) if module.name[0] != "_"
    }
    assert public_modules == {"fhir", "redcap", "stats", "tables"}
    others = {n for n in dir(blunting) if not n.startswith("_") and n not in blunting.__all__}
    assert others <= public_modules
    surfaces = {
        "fhir": ["from_questionnaire_response", "to_questionnaire", "to_questionnaire_response"],
        "redcap": ["from_redcap_export", "to_redcap_dictionary"],
        "tables": ["from_payloads", "layout", "score", "score_batches"],
        "stats": sorted(
            [
                "CFA",
                "ICC",
                "Analysis",
                "Correlations",
                "ItemStatistics",
                "Reliability",
                "Retest",
                "analyze",
                "cfa",
                "icc",
                "reliability",
                "retest",
            ]
        ),
    }
    for name, surface in surfaces.items():
        module = importlib.import_module(f"blunting.{name}")
        assert sorted(module.__all__) == surface
        assert all(callable(getattr(module, function)) for function in surface)


def test_exceptions_inherit_the_root_and_the_builtin_they_resemble() -> None:
    assert issubclass(blunting.InvalidResponse, blunting.BluntingError)
    assert issubclass(blunting.InvalidResponse, ValueError)
    assert issubclass(blunting.InvalidQuestionnaire, blunting.BluntingError)
    assert issubclass(blunting.InvalidQuestionnaire, ValueError)
    assert issubclass(blunting.UnknownQuestionnaire, blunting.BluntingError)
    assert issubclass(blunting.UnknownQuestionnaire, LookupError)
    assert issubclass(blunting.InvalidStudy, blunting.BluntingError)
    assert issubclass(blunting.InvalidStudy, ValueError)


def test_values_are_frozen() -> None:
    score = blunting.score(_payload(crying_1=1))
    with pytest.raises(AttributeError):
        score.impact = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        score.domains["crying"] = score.total  # type: ignore[index]
    problem = blunting.Problem("/a", "bad", "type")
    with pytest.raises(AttributeError):
        problem.path = "/b"  # type: ignore[misc]


def test_validate_returns_none_for_a_valid_payload() -> None:
    blunting.validate(_payload(crying_1=0))
    blunting.questionnaire().validate(_payload(crying_1=0))


def test_str_of_an_invalid_response_is_its_best_problem() -> None:
    with pytest.raises(blunting.InvalidResponse) as raised:
        blunting.validate(_payload(crying_1=7, crying_2="x", crying_3=None))
    error = raised.value
    assert len(error.problems) == 2
    assert str(error) == f"{error.problems[0]} (and 1 more problem)"
    assert str(error.problems[0]).startswith("/answers/crying_")
    with pytest.raises(blunting.InvalidResponse) as raised:
        blunting.validate(_payload(crying_1=7))
    assert str(raised.value) == "/answers/crying_1: 7 is greater than the maximum of 4"
    assert raised.value.problems[0].keyword == "maximum"


def test_problem_str_names_the_root() -> None:
    assert str(blunting.Problem("", "not an object", "type")) == "(root): not an object"


@pytest.mark.parametrize(
    "payload",
    [None, [], "blunting", 3, 3.5, True, object(), {"questionnaire", "version"}],
    ids=repr,
)
def test_a_payload_that_is_not_an_object(payload: Any) -> None:
    for check in (blunting.validate, blunting.score, blunting.questionnaire().score):
        with pytest.raises(blunting.InvalidResponse) as raised:
            check(payload)
        assert [p.path for p in raised.value.problems] == [""]


@pytest.mark.parametrize(
    ("payload", "paths"),
    [
        ({"answers": {}}, ["/questionnaire", "/version"]),
        ({"questionnaire": "other", "version": "1.0.0", "answers": {}}, ["/questionnaire"]),
        ({"questionnaire": ["blunting"], "version": "1.0.0", "answers": {}}, ["/questionnaire"]),
        ({"questionnaire": "blunting", "version": "9", "answers": {}}, ["/version"]),
        ({"questionnaire": "blunting", "version": {}, "answers": {}}, ["/version"]),
        ({"questionnaire": "blunting", "answers": {}}, ["/version"]),
    ],
)
def test_a_payload_naming_no_known_questionnaire(payload: Any, paths: list[str]) -> None:
    with pytest.raises(blunting.InvalidResponse) as raised:
        blunting.score(payload)
    assert [p.path for p in raised.value.problems] == paths


@pytest.mark.parametrize(
    "value",
    [
        True,
        "3",
        3.5,
        math.nan,
        math.inf,
        -math.inf,
        10**5000,
        -(10**5000),
        {"a": 1},
        (1,),
        {1},
        object(),
    ],
    ids=lambda v: type(v).__name__ + (":big" if isinstance(v, int) and abs(v) > 10**100 else ""),
)
def test_bad_answers_raise_invalid_response_and_nothing_else(value: Any) -> None:
    with pytest.raises(blunting.InvalidResponse) as raised:
        blunting.score(_payload(crying_1=value))
    assert [p.path for p in raised.value.problems] == ["/answers/crying_1"]
    assert len(str(raised.value)) < 200


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("x" * 10_000_000, '"xxx'),
        (list(range(1_000)), "an array of 1,000 items is not a whole number"),
        (list(range(1_000_000)), "an array of 1,000,000 items is more than the 1,000 that"),
        ({str(n): n for n in range(100_000)}, "an object of 100,000 members is more than the"),
    ],
    ids=["10 MB string", "1,000 items", "a million items", "100,000 members"],
)
def test_large_values_are_described_in_short(value: Any, message: str) -> None:
    with pytest.raises(blunting.InvalidResponse) as raised:
        blunting.score(_payload(crying_1=value))
    (problem,) = raised.value.problems
    assert problem.path == "/answers/crying_1"
    assert problem.message.startswith(message)
    assert len(problem.message) < 200


def test_a_long_message_that_does_not_start_with_the_value() -> None:
    schema = blunting.questionnaire().schema
    schema["properties"]["respondent"] = {"const": "x" * 1000}
    q = blunting.load(schema)
    with pytest.raises(blunting.InvalidResponse) as raised:
        q.score({**_payload(), "respondent": "y"})
    assert [p.message for p in raised.value.problems] == ["\"y\" is not valid under 'const'"]


def test_unknown_item_ids_are_each_named() -> None:
    with pytest.raises(blunting.InvalidResponse) as raised:
        blunting.score(_payload(crying_9=1, sadness=2))
    assert sorted(p.path for p in raised.value.problems) == [
        "/answers/crying_9",
        "/answers/sadness",
    ]


def test_keys_that_are_not_strings() -> None:
    payload = _payload()
    payload["answers"] = {1: 2, ("a",): 3}
    with pytest.raises(blunting.InvalidResponse) as raised:
        blunting.score(payload)
    assert sorted(p.path for p in raised.value.problems) == ["/answers/('a',)", "/answers/1"]


def test_pointers_escape_slash_and_tilde() -> None:
    payload = _payload()
    payload["answers"]["a/b~c"] = 1
    with pytest.raises(blunting.InvalidResponse) as raised:
        blunting.score(payload)
    assert [p.path for p in raised.value.problems] == ["/answers/a~1b~0c"]


def test_deep_nesting_is_a_problem_not_a_recursion_error() -> None:
    payload = _payload()
    payload["context"] = {"medications": nested(100_000)}
    with pytest.raises(blunting.InvalidResponse) as raised:
        blunting.score(payload)
    assert raised.value.problems


def test_a_validator_that_recurses_too_deeply_gives_a_problem() -> None:
    class Deep:
        def errors(self, _instance: object) -> Any:
            raise RecursionError

    assert [p.keyword for p in explain(Deep(), {})] == ["maxDepth"]  # type: ignore[arg-type]


def test_integral_floats_are_scored_as_integers() -> None:
    score = blunting.score(
        {
            "questionnaire": "blunting",
            "version": "1.0.0",
            "answers": dict.fromkeys(
                ["crying_1", "crying_2", "crying_3", "crying_4", "crying_5"], 3.0
            ),
            "context": {"impact": 1.0},
        }
    )
    assert score.domains["crying"].raw == 18.0
    assert score.impact == 1
    assert isinstance(score.impact, int)


def test_score_echoes_what_was_sent() -> None:
    payload = {
        **_payload(crying_1=1),
        "respondent": "p-1",
        "completed": "2026-01-02T03:04:05.678+05:30",
        "context": {"impact": 0, "medications": ["snri", "other"], "attribution": "unsure"},
    }
    score = blunting.score(payload)
    assert (score.questionnaire, score.version) == ("blunting", "1.1.0")
    assert score.respondent == "p-1"
    assert score.completed == "2026-01-02T03:04:05.678+05:30"
    assert score.impact == 0
    assert score.context == {"medications": ("snri", "other"), "attribution": "unsure"}
    assert score.to_dict()["context"] == {"medications": ["snri", "other"], "attribution": "unsure"}
    assert score.library_version == blunting.__version__


def test_date_time_is_really_checked() -> None:
    q = blunting.questionnaire()
    assert q.problems({**_payload(), "completed": "2026-02-30T10:00:00Z"})
    assert not q.problems({**_payload(), "completed": "2028-02-29T10:00:00Z"})


def test_help_on_the_results_explains_every_field_and_status() -> None:
    import attrs  # noqa: PLC0415

    for cls in (blunting.Score, blunting.DomainScore):
        text = cls.__doc__ or ""
        for field in attrs.fields(cls):
            assert field.name in text, (cls, field.name)
    schema = json.loads((ROOT / "schemas" / "vocabulary" / "1" / "score.json").read_text())
    for status in schema["$defs"]["result"]["properties"]["status"]["enum"]:
        assert f'"{status}"' in (blunting.DomainScore.__doc__ or ""), status
