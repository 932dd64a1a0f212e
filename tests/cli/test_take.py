"""``blunting take``, with answers piped in as a person would type them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

import blunting
from blunting._cli._take import chart
from conftest import in_terminal

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


def flat(text: str) -> str:
    """``text`` with every run of white space as one space: as wrapping leaves its words."""
    return " ".join(text.split())


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
    talk = flat(done.stderr)
    assert Q.description is not None
    assert "past two weeks" in Q.description
    assert Q.description in talk
    for item in Q.items:
        assert flat(item.text) in talk
    score = blunting.score(payload)
    for domain in Q.domains:
        scaled = score.domains[domain.id].scaled
        assert scaled is not None
        bar = "#" * round(scaled * 20 / 100)
        assert f"{domain.title}" in talk
        assert f"[{bar}{'.' * (20 - len(bar))}] {scaled:5.1f}" in done.stderr
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
    assert "not scored: 1 of 6 answered, too few" in done.stderr
    why = "not scored, as Crying, Empathy and Positive feelings were not scored"
    assert why in flat(done.stderr)
    assert done.stderr.count("Skipped: this question is left unanswered.") == len(Q.items) - 1


def test_an_answer_the_schema_refuses_is_asked_again() -> None:
    medications = next(item for item in CONTEXT if item.multiple)
    none = number(medications, "none")
    typed = [""] * len(SCORED) + [""]
    typed += [f"{none} 1", none, "", ""]
    done = take(typed)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["context"] == {medications.id: ["none"]}
    assert 'That answer cannot be taken: "None" goes alone' in done.stderr


def test_prefer_not_to_answer_a_list_is_null_in_the_questionnaires_words() -> None:
    medications = next(item for item in CONTEXT if item.multiple)
    declined = number(medications, None)
    assert medications.options[int(declined) - 1].label == "Prefer not to answer"
    typed = [""] * len(SCORED) + ["", f"1 {declined}", declined, "b", "", "", ""]
    done = take(typed)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["context"] == {medications.id: None}
    assert '"Prefer not to answer" goes alone: choose it without any other answer.' in (done.stderr)
    assert "(Your answer: Prefer not to answer." in flat(done.stderr)


def test_nothing_like_this_happened_is_an_answer_that_is_not_scored() -> None:
    crying_6 = next(item for item in SCORED if item.id == "crying_6")
    typed = [number(item, 2) for item in SCORED]
    typed[SCORED.index(crying_6)] = number(crying_6, "not_applicable")
    done = take([*typed, "", "", "", ""])
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["answers"]["crying_6"] == "not_applicable"
    assert "Nothing like this happened in the past two weeks" in done.stderr
    assert "(estimated from 5 of 6 answers)" in flat(done.stderr)


def test_output_file_and_stopping(tmp_path: Path) -> None:
    output = tmp_path / "me.json"
    done = take([""] * len(Q.items), "--output", output)
    assert done.returncode == 0
    assert done.stdout == ""
    assert f"saved in {output}" in flat(done.stderr)
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


def take_in_terminal(typed: list[str], columns: int) -> tuple[int, str, str]:
    """``take`` at a terminal ``columns`` wide: its status, what it showed, its output.

    Standard input and standard error are the terminal, as for a person at a
    keyboard; standard output (the answers) is a pipe.
    """
    return in_terminal(
        "take",
        attached=("stdin", "stderr"),
        typed="".join(line + "\n" for line in typed),
        columns=columns,
    )


def test_text_is_wrapped_to_the_terminal_without_breaking_words() -> None:
    columns = 42
    status, shown, out = take_in_terminal([""] * len(Q.items), columns)
    assert status == 0, shown
    json.loads(out)
    typed_lines = {""}
    lines = [line for line in shown.split("\n") if line not in typed_lines]
    assert max(map(len, lines)) < columns
    words = " ".join(shown.split())
    for item in Q.items:  # every text whole, its words in order, however it was wrapped
        assert " ".join(item.text.split()) in words
        for option in item.options:
            assert " ".join(option.label.split()) in words
    # a line is broken only between words: no line of an item's text ends inside a word
    assert max(len(w) for w in words.split()) < columns
    assert any(len(line) > columns // 2 for line in lines)


def test_going_back_and_pressing_enter_keeps_the_answer() -> None:
    first, second = SCORED[0], SCORED[1]
    typed = [number(first, 2), number(second, 3), "b", "b", "", "", "x"]
    typed += [""] * (len(Q.items) - 3)
    status, shown, out = take_in_terminal(typed, 100)
    assert status == 0, shown
    payload = json.loads(out)
    # the first kept through two Enters; the second kept, then the third cleared before any answer
    assert payload["answers"] == {first.id: 2, second.id: 3}
    label = first.options[2].label
    assert f"(Your answer: {label}. Press Enter to keep it, or type x to clear it.)" in shown
    assert "Cleared" not in shown  # x on a question never answered clears nothing


def test_x_clears_an_answer_given_earlier() -> None:
    first = SCORED[0]
    typed = [number(first, 4), "b", "x", *[""] * (len(Q.items) - 1)]
    done = take(typed)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["answers"] == {}
    assert "Cleared: this question is now unanswered." in done.stderr


def test_the_chart_marks_an_estimated_domain() -> None:
    first_domain = [item for item in SCORED if item.domain == Q.domains[0].id]
    typed = [""] + [number(item, 2) for item in SCORED[1:]] + [""] * len(CONTEXT)
    done = take(typed)
    assert done.returncode == 0, done.stderr
    score = blunting.score(json.loads(done.stdout))
    result = score.domains[Q.domains[0].id]
    assert result.prorated
    assert result.answered == len(first_domain) - 1
    chart = flat(done.stderr[done.stderr.index("Your scores") :])
    words = f"(estimated from {result.answered} of {result.items} answers)"
    assert re.search(rf"{Q.domains[0].title} \[#+\.+\] +50\.0 {re.escape(words)}", chart)
    assert re.search(rf"{Q.domains[1].title} \[#+\.+\] +50\.0 {Q.domains[2].title}", chart)
    assert chart.count("estimated") == 2  # the first domain, and the total


@pytest.mark.parametrize(
    ("left_out", "total"),
    [
        ({"crying": 2}, "not scored, as Crying was not scored"),
        (
            {"crying": 2, "positive": 6},
            "not scored, as Crying and Positive feelings were not scored",
        ),
        (
            {"crying": 6, "empathy": 3, "positive": 2},
            "not scored, as Crying, Empathy and Positive feelings were not scored",
        ),
        ({"crying": 1, "empathy": 1}, "(estimated from 16 of 18 answers)"),  # 16 of 18 again
    ],
)
def test_the_chart_says_why_the_total_is_not_scored(left_out: dict[str, int], total: str) -> None:
    answers: dict[str, object] = {}
    for domain in Q.domains:
        members = [item for item in SCORED if item.domain == domain.id]
        answers |= {item.id: 2 for item in members[left_out.get(domain.id, 0) :]}
    _, lines = chart(Q, Q.score(Q.payload(answers)))
    assert lines[-1][0].startswith("All domains")
    assert lines[-1][0].endswith(total)
