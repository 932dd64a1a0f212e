"""LHC-Forms, the NLM's FHIR form filler, fills in the exported Questionnaire in Chromium.

LHC-Forms (``lforms`` on npm, pinned in tests/external/lforms/package-lock.json;
its package carries its built files) is a client nobody here wrote that
implements SDC calculations. The page loads its files as its README says;
answers are chosen by clicking the option words, as a person would; the
scores it computes must be ``blunting.score``'s, and the QuestionnaireResponse
it makes must read back to the same answers and scores.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, example, given, settings

import blunting
from blunting import fhir
from conftest import (
    ITEM_WEIGHT,
    ORDINAL_VALUE,
    ROOT,
    fhir_items,
    local_page,
    node_for,
    read_json,
    weighed_by,
)
from strategies import payloads

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page

LFORMS = ROOT / "tests" / "external" / "lforms"
BUILTIN = blunting.questionnaire()
QUESTIONNAIRE = fhir.to_questionnaire(BUILTIN)
COMPLETE = read_json(ROOT / "examples" / "complete.json")
DECLINED = "Prefer not to answer"
SITE = "http://lforms.test/"


@pytest.fixture(scope="module")
def page(browser: Browser) -> Iterator[Page]:
    """A page with LHC-Forms loaded; nothing is fetched from anywhere else."""
    node_for(LFORMS, "LHC-Forms")  # installs the npm package
    built = LFORMS / "node_modules" / "lforms" / "dist" / "lforms"
    yield from local_page(
        browser,
        SITE,
        lambda path: LFORMS / "index.html" if path == "index.html" else built / path,
        "typeof window.LForms?.Util?.addFormToPage === 'function'",
        "LHC-Forms",
    )


def show(
    page: Page,
    questionnaire: dict[str, Any] = QUESTIONNAIRE,
    *,
    response: dict[str, Any] | None = None,
    weights_hidden: bool = True,
) -> None:
    """Show the Questionnaire (with a saved response), as docs/fhir.md tells an app to."""
    page.evaluate(
        """async ([questionnaire, response, hidden]) => {
          LForms.Util.removeFormsFromPage('form');
          let form = LForms.Util.convertFHIRQuestionnaireToLForms(questionnaire, 'R4');
          if (response) {
            form = LForms.Util.mergeFHIRDataIntoLForms(
              'QuestionnaireResponse', response, form, 'R4');
          }
          form.templateOptions = {...form.templateOptions, displayScoreWithAnswerText: !hidden};
          await LForms.Util.addFormToPage(form, 'form');
        }""",
        [questionnaire, response, weights_hidden],
    )


def _options(page: Page, link: str) -> Any:
    item = page.locator(f'lhc-item[id^="item-{link}/"]')
    return item.locator("label.ant-radio-wrapper, label.ant-checkbox-wrapper")


def choose(page: Page, link: str, label: str) -> None:
    """Click an option of a question by its words, as a person would."""
    _options(page, link).filter(has_text=re.compile(f"^{re.escape(label)}$")).click()


def answer(page: Page, payload: dict[str, Any]) -> None:
    """Answer the shown form as the payload does: every answer, by its option's words."""
    for item in BUILTIN.items:
        given = payload.get(item.group, {})
        if item.id not in given:
            continue
        value = given[item.id]
        labels = {o.value: o.label for o in item.options if o.value is not None}
        values = value if isinstance(value, list) else [value]
        for one in values:
            choose(page, item.id, DECLINED if one is None else labels[one])


def response(page: Page) -> dict[str, Any]:
    """The QuestionnaireResponse that LHC-Forms makes of the form."""
    made: dict[str, Any] = page.evaluate(
        "LForms.Util.getFormFHIRData('QuestionnaireResponse', 'R4', "
        "document.getElementById('form'))"
    )
    return made


def scores(resource: dict[str, Any]) -> dict[str, Any]:
    """The calculated scores in a QuestionnaireResponse by linkId (None: no answer)."""
    return {
        item["linkId"]: item["answer"][0]["valueDecimal"] if "answer" in item else None
        for item in fhir_items(resource.get("item", []))
        if item["linkId"].startswith("score:") and item["linkId"] != "score:group"
    }


def expected(payload: dict[str, Any]) -> dict[str, Any]:
    score = blunting.score(payload)
    parts = [(f"score:domain:{d}", r) for d, r in score.domains.items()]
    parts.append(("score:total", score.total))
    return {
        f"{link}:{statistic}": getattr(result, statistic)
        for link, result in parts
        for statistic in ("raw", "mean", "scaled")
    }


def _shown_scores(resource: dict[str, Any]) -> dict[str, Any]:
    """Every score, None where LHC-Forms has none."""
    found = scores(resource)
    return {link: found.get(link) for link in expected(COMPLETE)}


#: Estimated scores: two items left out and one declined, so domains are prorated.
PRORATED = {
    **COMPLETE,
    "answers": {
        **{k: v for k, v in COMPLETE["answers"].items() if k not in ("crying_1", "empathy_2")},
        "positive_3": None,
    },
}


def _in_option_order(context: dict[str, Any]) -> dict[str, Any]:
    """The context answers; several answers in their options' order, as LHC-Forms gives them.

    An empty list (no option chosen: no answer) is no answer in FHIR: absent.
    """
    order = {item.id: [o.value for o in item.options] for item in BUILTIN.items}
    return {
        link: sorted(value, key=order[link].index) if isinstance(value, list) else value
        for link, value in context.items()
        if value != []
    }


def _fill_and_check(page: Page, payload: dict[str, Any], questionnaire: dict[str, Any]) -> None:
    show(page, questionnaire)
    answer(page, payload)
    made = response(page)
    assert _shown_scores(made) == expected(payload)
    back = fhir.from_questionnaire_response(made)  # LHC-Forms' own response, read back
    assert back["answers"] == payload["answers"]
    assert back.get("context", {}) == _in_option_order(payload.get("context", {}))
    assert blunting.score(back).domains == blunting.score(payload).domains
    assert blunting.score(back).total == blunting.score(payload).total


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payloads(BUILTIN, complete=False))
@example(COMPLETE)
@example(PRORATED)
@example({"questionnaire": "blunting", "version": "1.1.0", "answers": {}})
@example({**COMPLETE, "answers": {"crying_6": "not_applicable"}, "context": {"medications": []}})
def test_lforms_computes_our_scores_and_its_response_reads_back(
    page: Page, payload: dict[str, Any]
) -> None:
    _fill_and_check(page, payload, QUESTIONNAIRE)


def test_the_prorated_example_is_prorated() -> None:
    assert {r.prorated for r in blunting.score(PRORATED).domains.values()} == {True}


@pytest.mark.parametrize("url", [ORDINAL_VALUE, ITEM_WEIGHT], ids=["ordinalValue", "itemWeight"])
@pytest.mark.parametrize("payload", [COMPLETE, PRORATED], ids=["complete", "prorated"])
def test_lforms_computes_the_same_from_either_weight(
    page: Page, url: str, payload: dict[str, Any]
) -> None:
    _fill_and_check(page, payload, weighed_by(QUESTIONNAIRE, url))


BY_ID = {item.id: item for item in BUILTIN.items}


def test_a_person_does_not_see_the_weights(page: Page) -> None:
    crying_6 = BY_ID["crying_6"]
    assert crying_6.reverse
    show(page)
    words = [o.label for o in crying_6.options if o.value is not None]
    assert _options(page, "crying_6").all_inner_texts() == [*words, DECLINED]
    # what docs/fhir.md's option hides: by default, each option's score beside its words
    show(page, weights_hidden=False)
    assert _options(page, "crying_6").all_inner_texts()[0] == "Not at all - 4"


def test_a_saved_response_goes_on_calculating(page: Page) -> None:
    show(page, response=fhir.to_questionnaire_response(COMPLETE))
    assert _shown_scores(response(page)) == expected(COMPLETE)
    choose(page, "crying_1", "Very much")
    changed = {**COMPLETE, "answers": {**COMPLETE["answers"], "crying_1": 4}}
    assert _shown_scores(response(page)) == expected(changed)


def test_an_option_that_must_stand_alone_is_refused_beside_another(page: Page) -> None:
    """LHC-Forms lets a person tick "None" beside a medicine (it does not apply optionExclusive).

    blunting then refuses its response, naming the question.
    """
    show(page)
    choose(page, "medications", BY_ID["medications"].options[0].label)
    choose(page, "medications", "None")
    made = response(page)
    with pytest.raises(blunting.InvalidResponse) as caught:
        fhir.from_questionnaire_response(made)
    ((path, keyword),) = [(p.path, p.keyword) for p in caught.value.problems]
    assert keyword == "maxItems"
    assert re.fullmatch(r"QuestionnaireResponse\.item\[\d+\]\.item\[\d+\]", path)
