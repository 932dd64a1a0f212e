"""The examples score as docs/scoring.md works them out by hand, in both versions."""

from __future__ import annotations

from typing import Any

import pytest

import blunting
from conftest import ROOT, read_json

EXAMPLES = ROOT / "examples"

#: Per example, the scaled score of each domain and the total (None: not scored)
#: and whether it is prorated, copied from the worked examples of docs/scoring.md.
WORKED: dict[str, dict[str, tuple[float | None, bool]]] = {
    "complete": {
        "crying": (66.67, False),
        "empathy": (45.83, False),
        "positive": (70.83, False),
        "total": (61.11, False),
    },
    "prorated": {
        "crying": (15.0, True),
        "empathy": (16.67, False),
        "positive": (35.0, True),
        "total": (22.22, True),
    },
    "unscorable": {
        "crying": (None, False),
        "empathy": (95.83, False),
        "positive": (100.0, False),
        "total": (None, False),
    },
    "not_applicable": {
        "crying": (65.0, True),
        "empathy": (45.83, False),
        "positive": (70.83, False),
        "total": (60.56, True),
    },
}


def _scaled(payload: dict[str, Any]) -> dict[str, tuple[float | None, bool]]:
    score = blunting.score(payload)
    found = {name: (r.scaled, r.prorated) for name, r in score.domains.items()}
    found["total"] = (score.total.scaled, score.total.prorated)
    return found


def test_every_example_is_worked_by_hand() -> None:
    assert sorted(path.stem for path in EXAMPLES.glob("*.json")) == sorted(WORKED)


@pytest.mark.parametrize("name", WORKED)
def test_an_example_scores_as_worked_by_hand(name: str) -> None:
    payload = read_json(EXAMPLES / f"{name}.json")
    assert payload["version"] == "1.1.0"
    assert _scaled(payload) == WORKED[name]


@pytest.mark.parametrize("name", ["complete", "prorated", "unscorable"])
def test_the_same_answers_to_1_0_0_score_the_same(name: str) -> None:
    old = read_json(EXAMPLES / "1.0.0" / f"{name}.json")
    new = read_json(EXAMPLES / f"{name}.json")
    assert old["version"] == "1.0.0"
    assert {**old, "version": "1.1.0"} == new
    assert blunting.score(old).domains == blunting.score(new).domains
    assert blunting.score(old).total == blunting.score(new).total


def test_any_questionnaire_may_mark_an_option_as_not_applicable() -> None:
    """The rule is the vocabulary's: a key's ``not_applicable`` on another questionnaire."""
    from conftest import MINI_PATH  # noqa: PLC0415 - only here

    document = read_json(MINI_PATH)
    answers = document["properties"]["answers"]["properties"]
    for item in ("a2", "b3"):  # reverse-keyed: a guess of "Never" would score 5
        answers[item]["type"] = ["integer", "string", "null"]
        answers[item]["oneOf"].insert(5, {"const": "no_occasion", "title": "It did not come up"})
    document["x-scoring"]["not_applicable"] = "no_occasion"
    q = blunting.load(document)
    assert [o.value for o in q.items[1].options if o.not_applicable] == ["no_occasion"]
    given = {"a1": 2, "a2": "no_occasion", "a3": 4, "a4": 3}
    payload = {"questionnaire": q.id, "version": q.version, "answers": given}
    alpha = q.score(payload).domains["alpha"]
    # a2 missing: n = 3, s = 2 + 4 + 3 = 9, mean 3.0, raw 3.0 x 4 = 12.0, prorated
    assert (alpha.answered, alpha.mean, alpha.raw, alpha.prorated) == (3, 3.0, 12.0, True)
    wrong = {**payload, "answers": {"a1": "no_occasion"}}  # a1 does not offer it
    assert [p.path for p in q.problems(wrong)] == ["/answers/a1"]
