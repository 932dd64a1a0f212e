"""A form renderer nobody here wrote shows each questionnaire unchanged.

react-jsonschema-form (run by Node.js, from tests/external/renderers/) renders the
questionnaire's schema as is. The form must show every question's text and
every option's label in order, and the data it starts with must invent no
answer: a person who skips everything sends nothing to score.
"""

from __future__ import annotations

import json
import subprocess
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import pytest

import blunting
from conftest import MINI_PATH, ROOT, node_for

if TYPE_CHECKING:
    from pathlib import Path

RENDERERS = ROOT / "tests" / "external" / "renderers"
QUESTIONNAIRES = {
    "blunting": ROOT / "schemas" / "blunting" / "1.1.0" / "questionnaire.json",
    "blunting 1.0.0": ROOT / "schemas" / "blunting" / "1.0.0" / "questionnaire.json",
    "mini": MINI_PATH,
}


@pytest.fixture(scope="session")
def node() -> str:
    return node_for(RENDERERS, "the renderer tests")


class _Form(HTMLParser):
    """Labels by the id they are for, and the option texts of each select."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: dict[str, str] = {}
        self.options: dict[str, list[str]] = {}
        self.multiple: set[str] = set()
        self._label: str | None = None
        self._select: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "label":
            self._label = attributes.get("for")
            self._text = []
        elif tag == "select":
            self._select = attributes["id"]
            self.options[self._select or ""] = []
            if "multiple" in attributes:
                self.multiple.add(self._select or "")
        elif tag == "option":
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label is not None:
            self.labels[self._label] = "".join(self._text).rstrip("*")
            self._label = None
        elif tag == "option" and self._select is not None:
            self.options[self._select].append("".join(self._text))
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        self._text.append(data)


def _render(node: str, path: Path) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - node, from PATH, on our own script
        [node, RENDERERS / "render.mjs", path],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert done.stderr == "", done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


@pytest.mark.parametrize("name", QUESTIONNAIRES)
def test_every_question_and_option_is_shown(node: str, name: str) -> None:
    q = blunting.load(QUESTIONNAIRES[name])
    form = _Form()
    form.feed(_render(node, QUESTIONNAIRES[name])["html"])
    for item in q.items:
        element = f"root_{'answers' if item.domain else 'context'}_{item.id}"
        assert form.labels[element] == item.text
        shown = [text for text in form.options[element] if text]  # "" is the blank choice
        # a list's options are its elements'; null (the questionnaire's words for it, in
        # 1.1.0) is no element: a form sends it by leaving the list alone
        declined = [] if item.multiple else [o.label for o in item.options if o.value is None]
        assert shown == [o.label for o in item.options if o.value is not None] + declined
        assert (element in form.multiple) == item.multiple


@pytest.mark.parametrize("name", QUESTIONNAIRES)
def test_the_form_starts_with_no_invented_answer(node: str, name: str) -> None:
    q = blunting.load(QUESTIONNAIRES[name])
    defaults = _render(node, QUESTIONNAIRES[name])["defaults"]
    assert q.problems(defaults) == ()
    score = q.score(defaults)
    assert all(result.answered == 0 for result in score.domains.values())
    assert score.impact is None
    assert all(value is None for value in score.context.values())
