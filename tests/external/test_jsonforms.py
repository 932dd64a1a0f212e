"""JSON Forms, with its Material renderers, shows each questionnaire unchanged in Chromium.

JSON Forms 3.8.0 (``@jsonforms/*`` on npm, pinned in
tests/external/jsonforms/package-lock.json and bundled by esbuild) renders the
questionnaire's schema with no UI schema, as an app developer would try it
first. The host gives it a Draft 2020-12 validator, Ajv's 2020 class with
ajv-formats (docs/vocabulary.md, section 6): then every question and option
label is shown unchanged, and what a person chooses by clicking is a payload
that scores. With JSON Forms' defaults the whole form fails, which the docs say.
"""

from __future__ import annotations

import json
import subprocess
import time
from typing import TYPE_CHECKING, Any

import pytest

import blunting
from conftest import MINI_PATH, ROOT, local_page, node_for

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page

JSONFORMS = ROOT / "tests" / "external" / "jsonforms"
SITE = "http://jsonforms.test/"
QUESTIONNAIRES = {
    "blunting": blunting.questionnaire(),
    "blunting 1.0.0": blunting.questionnaire("1.0.0"),
    "mini": blunting.load(MINI_PATH),
}


@pytest.fixture(scope="module")
def page(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    """A page with JSON Forms loaded; nothing is fetched from anywhere else."""
    node = node_for(JSONFORMS, "JSON Forms")
    built = tmp_path_factory.mktemp("jsonforms") / "app.js"
    subprocess.run(  # noqa: S603 - node, from PATH, on our own script
        [node, JSONFORMS / "build.mjs", built], check=True, timeout=300
    )
    files = {"index.html": JSONFORMS / "index.html", "app.js": built}
    yield from local_page(
        browser, SITE, files.get, "typeof window.showForm === 'function'", "the form"
    )


def show(page: Page, q: blunting.Questionnaire, *, configured: bool = True) -> None:
    """The form, starting as an app starts it: the envelope, and no answer."""
    start = {"questionnaire": q.id, "version": q.version, "answers": {}}
    page.evaluate("([s, d, c]) => window.showForm(s, d, c)", [q.schema, start, configured])


def settled(page: Page, expected: dict[str, Any]) -> dict[str, Any]:
    """The form's data once it is ``expected``, or, after 10 s, as it is (JSON Forms is async)."""
    deadline = time.monotonic() + 10
    while True:
        data: dict[str, Any] = page.evaluate("window.form.data")
        if data == expected or time.monotonic() > deadline:
            return data
        page.wait_for_timeout(50)


def choose(page: Page, item: blunting.Item, value: object) -> None:
    """Choose an answer as a person does: open the question's list, click the words."""
    (label,) = [o.label for o in item.options if o.value == value]
    page.get_by_role("combobox", name=item.text, exact=True).click()
    page.get_by_role("option", name=label, exact=True).click()


def test_with_its_defaults_jsonforms_cannot_show_a_draft_2020_12_schema(page: Page) -> None:
    show(page, QUESTIONNAIRES["blunting"], configured=False)
    failed = page.locator("#failed").inner_text()
    assert 'no schema with key or ref "https://json-schema.org/draft/2020-12/schema"' in failed


@pytest.mark.parametrize("name", QUESTIONNAIRES)
def test_every_question_and_option_label_is_shown(page: Page, name: str) -> None:
    q = QUESTIONNAIRES[name]
    show(page, q)
    for item in q.items:
        listed = [o.label for o in item.options if o.value is not None]
        if item.multiple:  # a box per option of the list; null is no element of it
            boxes = [page.get_by_role("checkbox", name=label, exact=True) for label in listed]
            assert all(box.count() == 1 for box in boxes), item.id
            continue
        page.get_by_role("combobox", name=item.text, exact=True).click()
        shown = page.get_by_role("option").all_inner_texts()
        page.keyboard.press("Escape")
        declined = [o.label for o in item.options if o.value is None]
        assert shown == listed + declined, item.id


def test_what_a_person_clicks_is_a_payload_that_scores(page: Page) -> None:
    q = QUESTIONNAIRES["blunting"]
    by_id = {item.id: item for item in q.items}
    show(page, q)
    answers: dict[str, Any] = {}
    for index, item in enumerate(i for i in q.items if i.domain is not None):
        answers[item.id] = index % 5
        choose(page, item, answers[item.id])
    choose(page, by_id["crying_6"], "not_applicable")  # changed: nothing sad happened
    answers["crying_6"] = "not_applicable"
    choose(page, by_id["empathy_2"], None)  # "Prefer not to answer"
    answers["empathy_2"] = None
    choose(page, by_id["impact"], 3)
    choose(page, by_id["attribution"], "unsure")
    page.get_by_role("checkbox", name=by_id["medications"].options[0].label, exact=True).check()
    page.get_by_role("checkbox", name=by_id["medications"].options[2].label, exact=True).check()
    expected = {
        "questionnaire": "blunting",
        "version": q.version,
        "answers": answers,
        "context": {
            "impact": 3,
            "attribution": "unsure",
            "medications": ["ssri", "mood_stabilizer"],
        },
    }
    data = settled(page, expected)
    assert data == expected
    assert page.evaluate("window.form.errors") == []
    score = q.score(data)
    assert score.domains["crying"].answered == 5  # "did not happen" is missing
    assert score.domains["empathy"].answered == 5  # and so is null
    assert json.loads(score.to_json()) == blunting.score(expected).to_dict()


def test_unticking_every_medicine_leaves_a_payload_that_1_1_0_takes(page: Page) -> None:
    q = QUESTIONNAIRES["blunting"]
    show(page, q)
    box = page.get_by_role("checkbox", name="None", exact=True)
    box.check()
    box.uncheck()  # the list is left empty: [] is no answer (docs/scoring.md)
    expected = {
        "questionnaire": "blunting",
        "version": q.version,
        "answers": {},
        "context": {"medications": []},
    }
    data = settled(page, expected)
    assert data == expected
    assert page.evaluate("window.form.errors") == []
    assert q.problems(data) == ()
    assert blunting.questionnaire("1.0.0").problems({**data, "version": "1.0.0"}) != ()
