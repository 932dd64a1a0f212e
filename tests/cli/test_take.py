"""``blunting take``, with answers piped in as a person would type them."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

import blunting

if TYPE_CHECKING:
    from pathlib import Path

Q = blunting.questionnaire()
SCORED = [item for item in Q.items if item.domain is not None]
CONTEXT = [item for item in Q.items if item.domain is None]


def take(typed: list[str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "blunting", "take", *map(str, args)],
        input="".join(line + "\n" for line in typed),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def number(item: blunting.Item, value: int | str | None) -> str:
    """What a person types to choose the option with ``value``."""
    return str([option.value for option in item.options].index(value) + 1)


def test_every_answer_typed_is_saved_and_scored() -> None:
    answers = {item.id: index % 5 for index, item in enumerate(SCORED)}
    typed = [number(item, answers[item.id]) for item in SCORED]
    typed += [number(CONTEXT[0], 2), "1, 3", "2", "3"]
    done = take(typed, "--respondent", "me")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    blunting.validate(payload)
    assert payload["respondent"] == "me"
    assert payload["answers"] == answers
    assert payload["context"] == {
        CONTEXT[0].id: 2,
        CONTEXT[1].id: [CONTEXT[1].options[0].value, CONTEXT[1].options[2].value],
        CONTEXT[2].id: CONTEXT[2].options[1].value,
        CONTEXT[3].id: CONTEXT[3].options[2].value,
    }
    talk = done.stderr
    assert Q.description is not None
    assert "past two weeks" in Q.description
    assert Q.description in talk
    for item in Q.items:
        assert item.text in talk
    score = blunting.score(payload)
    for domain in Q.domains:
        scaled = score.domains[domain.id].scaled
        assert scaled is not None
        bar = "#" * round(scaled * 20 / 100)
        assert f"{domain.title}" in talk
        assert f"[{bar}{'.' * (20 - len(bar))}] {scaled:5.1f}" in talk
    assert "not a diagnosis" in talk
    assert "worth raising with your doctor" in talk


def test_skip_go_back_and_retry() -> None:
    first, second = SCORED[0], SCORED[1]
    typed = [
        number(first, 4),
        "b",  # back at the first question already: stays there
        number(first, 1),  # changes the answer
        "",  # skips the second
        "b",  # goes back to the second
        "7",  # no such option: asked again
        "one",  # not a number: asked again
        "1 2",  # two answers to a one-answer question: asked again
        number(second, None),  # "prefer not to answer" is an answer: null
    ]
    typed += [""] * (len(Q.items) - 2)
    done = take(typed)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["answers"] == {first.id: 1, second.id: None}
    assert "context" not in payload
    assert "'7' is not an answer here" in done.stderr
    assert "'one' is not an answer here" in done.stderr
    assert "Please type one number" in done.stderr
    score = blunting.score(payload)
    assert score.total.scaled is None
    assert "not scored: 1 of 6 questions answered, too few" in done.stderr


def test_an_answer_the_schema_refuses_is_asked_again() -> None:
    medications = next(item for item in CONTEXT if item.multiple)
    none = number(medications, "none")
    typed = [""] * len(SCORED) + [""]
    typed += [f"{none} 1", none, "", ""]
    done = take(typed)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["context"] == {medications.id: ["none"]}
    assert "That answer cannot be taken" in done.stderr


def test_output_file_and_stopping(tmp_path: Path) -> None:
    output = tmp_path / "me.json"
    done = take([""] * len(Q.items), "--output", output)
    assert done.returncode == 0
    assert done.stdout == ""
    assert f"saved in {output}" in done.stderr
    blunting.validate(json.loads(output.read_text()))

    stopped = tmp_path / "stopped.json"
    for typed in (["1", "q"], ["1", "2"]):  # q, or the input ends
        done = take(typed, "--output", stopped)
        assert done.returncode == 1
        assert done.stdout == ""
        assert "nothing was saved" in done.stderr
        assert not stopped.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [output.name]


def test_the_readme_example_answers_option_3_everywhere() -> None:
    done = take(["3"] * len(Q.items), "--respondent", "demo")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["answers"] == {item.id: item.options[2].value for item in SCORED}
    assert blunting.score(payload).respondent == "demo"
