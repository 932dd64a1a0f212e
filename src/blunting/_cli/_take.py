"""``blunting take``: the questionnaire in a terminal, one question at a time.

The questions and the scores go to standard error, so that the answers, as
a JSON payload, can go to standard output (or ``--output``). Answers are
read a line at a time from standard input: a keyboard or a pipe.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import textwrap
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from blunting import _questionnaire
from blunting._cli._outputs import atomic, standing

if TYPE_CHECKING:
    from collections.abc import Sequence

    from blunting._questionnaire import Item, Questionnaire
    from blunting._scoring import DomainScore, Score

#: Exit statuses: saved; stopped before the end, nothing saved.
SAVED, STOPPED = 0, 1

#: Characters in a full bar of the chart.
BAR = 20

#: The keys, besides numbers, that a person types.
BACK, CLEAR, STOP = "b", "x", "q"

_HOW = (
    "Type the number of your answer and press Enter. Press Enter alone to skip a "
    f"question, or to keep the answer you gave. Type {BACK} to go back, {CLEAR} to clear "
    f"an answer, or {STOP} to stop without saving."
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


#: The width text is wrapped to when the terminal will not say (or there is none).
WIDTH = 80


def width(talk: TextIO) -> int:
    """The width to wrap text to: the terminal's, ``COLUMNS`` if set, else :data:`WIDTH`."""
    try:
        columns = os.get_terminal_size(talk.fileno()).columns
    except (OSError, ValueError, AttributeError):
        columns = 0
    return max(20, columns or shutil.get_terminal_size((WIDTH, 24)).columns)


class _Conversation:
    def __init__(self, answers_in: TextIO, talk: TextIO) -> None:
        self._in = answers_in
        self._talk = talk
        self._width = width(talk)

    def say(self, text: str = "", indent: str = "", hang: str = "") -> None:
        """Write ``text``, each of its lines wrapped to the width, words kept whole.

        ``indent`` starts the first line of each paragraph, ``hang`` the others.
        """
        for paragraph in text.split("\n"):
            wrapped = textwrap.fill(
                paragraph,
                self._width - 1,  # a full last column makes some terminals wrap again
                initial_indent=indent,
                subsequent_indent=hang or indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
            self._talk.write((wrapped or indent.rstrip()) + "\n")

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
    declined = [n for n in chosen if item.options[n - 1].value is None]
    if item.multiple and declined and len(chosen) > 1:  # null is no element of a list
        return _questionnaire.goes_alone(item.options[declined[0] - 1]) + "."
    return chosen


def _value(item: Item, chosen: list[int]) -> Any:
    values = [item.options[number - 1].value for number in chosen]
    if item.multiple and values != [None]:  # null, "prefer not to answer", is a whole answer
        return values
    return values[0]


def _payload(
    q: Questionnaire, given: dict[str, Any], respondent: str | None, completed: str | None
) -> dict[str, Any]:
    return q.payload(given, respondent=respondent, completed=completed)


def _pointer(item: Item) -> str:
    return f"/{item.group}/{item.id}"


def _labels(item: Item, given: Any) -> str:
    chosen = given if item.multiple and given is not None else [given]
    return ", ".join(o.label for o in item.options if o.value in chosen)


def _show(talk: _Conversation, item: Item, number: int, count: int, given: Any) -> None:
    talk.say()
    talk.say(f"Question {number} of {count}")
    talk.say(item.text)
    if item.description:
        talk.say(item.description)
    if item.multiple:
        talk.say(_MANY)
    for index, option in enumerate(item.options, start=1):
        talk.say(option.label, indent=f"  {index}. ", hang=" " * len(f"  {index}. "))
    if given is not _UNANSWERED:
        talk.say(
            f"(Your answer: {_labels(item, given)}. Press Enter to keep it, "
            f"or type {CLEAR} to clear it.)",
            indent="  ",
        )


_UNANSWERED = object()


class _Interview:
    """Every question asked in turn, with going back, skipping and clearing."""

    def __init__(self, q: Questionnaire, talk: _Conversation, respondent: str | None) -> None:
        self._q = q
        self._talk = talk
        self._respondent = respondent
        #: The answers given so far, by item id.
        self.given: dict[str, Any] = {}

    def run(self) -> dict[str, Any]:
        """Ask every question; the answers given, by item id."""
        q, talk = self._q, self._talk
        talk.say(q.title)
        talk.say("=" * len(q.title))
        if q.description:
            talk.say(q.description)
        talk.say()
        talk.say(_HOW)
        index, shown = 0, -1
        items = q.items
        while index < len(items):
            item = items[index]
            first_context = item.domain is None and (
                index == 0 or items[index - 1].domain is not None
            )
            if first_context and shown != index:
                talk.say()
                talk.say("Now a few questions about you and your medicine. They are not scored.")
            shown = index
            _show(talk, item, index + 1, len(items), self.given.get(item.id, _UNANSWERED))
            index = self._next(item, index, talk.ask("> "))
        return self.given

    def _next(self, item: Item, index: int, text: str) -> int:
        """Act on what was typed at question ``index``; the question to ask next."""
        key = text.lower()
        if key == STOP:
            raise _Stop("stopped")
        if key == BACK:
            return max(0, index - 1)
        if key == CLEAR:
            if self.given.pop(item.id, _UNANSWERED) is not _UNANSWERED:
                self._talk.say("Cleared: this question is now unanswered.")
        elif not text:
            if item.id not in self.given:
                self._talk.say("Skipped: this question is left unanswered.")
        elif not self._take(item, text):
            return index
        return index + 1

    def _take(self, item: Item, text: str) -> bool:
        """Take the answer typed to ``item``; or say why not, and return False."""
        chosen = _choices(text, item)
        if isinstance(chosen, str):
            self._talk.say(chosen)
            return False
        q = self._q
        trial = {**self.given, item.id: _value(item, chosen)}
        found = [
            p
            for p in q.problems(_payload(q, trial, self._respondent, None))
            if p.path == _pointer(item) or p.path.startswith(_pointer(item) + "/")
        ]
        if found:
            self._talk.say(f"That answer cannot be taken: {found[0].message}.")
            return False
        self.given[item.id] = trial[item.id]
        return True


def _bar(scaled: float) -> str:
    filled = round(scaled * BAR / 100)
    return "[" + "#" * filled + "." * (BAR - filled) + f"] {scaled:5.1f}"


def _line(title: str, result: DomainScore, width: int, unscored: Sequence[str] = ()) -> str:
    words = standing(result, unscored)
    if result.scaled is None:
        return f"{title:<{width}}  {words}"
    return f"{title:<{width}}  {_bar(result.scaled)}" + (f"  ({words})" if words else "")


def chart(q: Questionnaire, score: Score) -> tuple[str, list[tuple[str, int]]]:
    """The domain scores and the total as a small text chart (scaled, 0 to 100).

    Its heading, and its lines, each with the indent that a line wrapped
    from it takes (under its bar).
    """
    titles = [(d.title, score.domains[d.id]) for d in q.domains]
    unscored = [title for title, result in titles if result.scaled is None]
    width = max(len(title) for title, _ in [*titles, ("All domains", score.total)])
    heading = (
        "Your scores, from 0 (none of these changes) to 100 (the most this questionnaire can show):"
    )
    lines = [(_line(title, result, width), width + 4) for title, result in titles]
    lines.append((_line("All domains", score.total, width, unscored), width + 4))
    return heading, lines


def take(version: str | None, output: str | None, respondent: str | None) -> int:
    """Run the questionnaire in the terminal; save the answers; show the scores."""
    q = _questionnaire.builtin(version)
    talk = _Conversation(sys.stdin, sys.stderr)
    try:
        given = _Interview(q, talk, respondent).run()
    except _Stop as stop:
        talk.say(f"blunting: {stop}; nothing was saved.")
        return STOPPED
    completed = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    payload = _payload(q, given, respondent, completed)
    score = q.score(payload)  # valid: each answer was checked as it was given
    talk.say()
    heading, lines = chart(q, score)
    talk.say(heading)
    for line, hang in lines:
        talk.say(line, indent="  ", hang=" " * hang)
    talk.say()
    talk.say(_NOT_A_DIAGNOSIS)
    text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    with atomic(output, sys.stdout.buffer) as out:
        out.write(text.encode())
    if output is not None:
        talk.say(f"\nYour answers are saved in {output}.")
    return SAVED
