"""``blunting take``: the questionnaire in a terminal, one question at a time.

The questions and the scores go to standard error, so that the answers, as
a JSON payload, can go to standard output (or ``--output``). Answers are
read a line at a time from standard input: a keyboard or a pipe.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from blunting import _questionnaire
from blunting._cli._outputs import atomic

if TYPE_CHECKING:
    from blunting._questionnaire import Item, Questionnaire
    from blunting._scoring import DomainScore, Score

#: Exit statuses: saved; stopped before the end, nothing saved.
SAVED, STOPPED = 0, 1

#: Characters in a full bar of the chart.
BAR = 20

_HOW = (
    "Type the number of your answer and press Enter. "
    "Press Enter alone to skip a question, type b to go back, or q to stop without saving."
)
_MANY = "(Type the numbers of all that apply, with spaces or commas between them.)"
_NOT_A_DIAGNOSIS = (
    "These numbers describe your answers. They are not a diagnosis, and there is no "
    "score above which something is wrong.\n"
    "If changes in your feelings bother you or get in the way of your life, they are "
    "worth raising with your doctor. Please do not stop or change a medicine without "
    "talking to them first."
)


class _Stop(Exception):
    """The person stopped, or the input ended, before the last question."""


class _Conversation:
    def __init__(self, answers_in: TextIO, talk: TextIO) -> None:
        self._in = answers_in
        self._talk = talk

    def say(self, text: str = "") -> None:
        self._talk.write(text + "\n")

    def ask(self, prompt: str) -> str:
        self._talk.write(prompt)
        self._talk.flush()
        line = self._in.readline()
        if not line:
            self.say()
            raise _Stop("the input ended before the last question")
        return line.strip()


def _choices(text: str, item: Item) -> list[int] | str:
    """The option numbers (from 1) typed, or why they cannot be taken."""
    numbers = [part for part in re.split(r"[\s,]+", text) if part]
    count = len(item.options)
    wanted = f"a number from 1 to {count}"
    if not item.multiple and len(numbers) != 1:
        return f"Please type one number: {wanted}."
    chosen: list[int] = []
    for part in numbers:
        if not (part.isascii() and part.isdigit() and 1 <= int(part) <= count):
            return f"{part!r} is not an answer here: type {wanted}."
        if int(part) not in chosen:
            chosen.append(int(part))
    return chosen


def _value(item: Item, chosen: list[int]) -> Any:
    values = [item.options[number - 1].value for number in chosen]
    return values if item.multiple else values[0]


def _payload(
    q: Questionnaire, given: dict[str, Any], respondent: str | None, completed: str | None
) -> dict[str, Any]:
    return q.payload(given, respondent=respondent, completed=completed)


def _pointer(item: Item) -> str:
    return f"/{item.group}/{item.id}"


def _show(talk: _Conversation, item: Item, number: int, count: int, given: Any) -> None:
    talk.say()
    talk.say(f"Question {number} of {count}")
    talk.say(item.text)
    if item.description:
        talk.say(item.description)
    if item.multiple:
        talk.say(_MANY)
    for index, option in enumerate(item.options, start=1):
        talk.say(f"  {index}. {option.label}")
    if given is not _UNANSWERED:
        labels = [o.label for o in item.options if o.value in (given if item.multiple else [given])]
        talk.say(f"  (your answer: {', '.join(labels)})")


_UNANSWERED = object()


def _interview(q: Questionnaire, talk: _Conversation, respondent: str | None) -> dict[str, Any]:
    """Ask every question, with going back and skipping; the answers given, by item id."""
    talk.say(q.title)
    talk.say("=" * len(q.title))
    if q.description:
        talk.say(q.description)
    talk.say()
    talk.say(_HOW)
    given: dict[str, Any] = {}
    index, shown = 0, -1
    items = q.items
    while index < len(items):
        item = items[index]
        first_context = item.domain is None and (index == 0 or items[index - 1].domain is not None)
        if first_context and shown != index:
            talk.say()
            talk.say("Now a few questions about you and your medicine. They are not scored.")
        shown = index
        _show(talk, item, index + 1, len(items), given.get(item.id, _UNANSWERED))
        text = talk.ask("> ")
        if text.lower() == "q":
            raise _Stop("stopped")
        if text.lower() == "b":
            index = max(0, index - 1)
            continue
        if not text:
            given.pop(item.id, None)
            index += 1
            continue
        chosen = _choices(text, item)
        if isinstance(chosen, str):
            talk.say(chosen)
            continue
        trial = {**given, item.id: _value(item, chosen)}
        found = [
            p
            for p in q.problems(_payload(q, trial, respondent, None))
            if p.path == _pointer(item) or p.path.startswith(_pointer(item) + "/")
        ]
        if found:
            talk.say(f"That answer cannot be taken: {found[0].message}.")
            continue
        given = trial
        index += 1
    return given


def _bar(scaled: float) -> str:
    filled = round(scaled * BAR / 100)
    return "[" + "#" * filled + "." * (BAR - filled) + f"] {scaled:5.1f}"


def _line(title: str, result: DomainScore, width: int) -> str:
    if result.scaled is None:
        return (
            f"  {title:<{width}}  not scored: {result.answered} of {result.items} "
            "questions answered, too few"
        )
    return f"  {title:<{width}}  {_bar(result.scaled)}"


def chart(q: Questionnaire, score: Score) -> str:
    """The domain scores and the total as a small text chart (scaled, 0 to 100)."""
    titles = [(d.title, score.domains[d.id]) for d in q.domains]
    titles.append(("All domains", score.total))
    width = max(len(title) for title, _ in titles)
    lines = [
        "Your scores, from 0 (none of these changes) to 100 (the most this questionnaire can show):"
    ]
    lines += (_line(title, result, width) for title, result in titles)
    return "\n".join(lines)


def take(version: str | None, output: str | None, respondent: str | None) -> int:
    """Run the questionnaire in the terminal; save the answers; show the scores."""
    q = _questionnaire.builtin(version)
    talk = _Conversation(sys.stdin, sys.stderr)
    try:
        given = _interview(q, talk, respondent)
    except _Stop as stop:
        talk.say(f"blunting: {stop}; nothing was saved.")
        return STOPPED
    completed = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    payload = _payload(q, given, respondent, completed)
    score = q.score(payload)  # valid: each answer was checked as it was given
    talk.say()
    talk.say(chart(q, score))
    talk.say()
    talk.say(_NOT_A_DIAGNOSIS)
    text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    with atomic(output, sys.stdout.buffer) as out:
        out.write(text.encode())
    if output is not None:
        talk.say(f"\nYour answers are saved in {output}.")
    return SAVED
