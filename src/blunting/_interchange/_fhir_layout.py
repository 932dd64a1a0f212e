"""HL7 FHIR R4: how a questionnaire is laid out as FHIR items, shared by export and import.

Everything here is derived from the questionnaire's model, so any
questionnaire in the blunting vocabulary is laid out the same way.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

import attrs

from blunting._errors import InvalidQuestionnaire, Problem
from blunting._questionnaire import Option, codes
from blunting._text import describe

if TYPE_CHECKING:
    from collections.abc import Mapping

    from blunting._questionnaire import Item, Questionnaire

#: Canonical URLs of this library's FHIR resources start here; identifiers, never fetched.
BASE_URL = "https://w3id.org/blunting/fhir"
#: The extension that gives an answer option its score (from the extension pack after R4).
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
#: R4's core extension that gives an answer option its score.
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
#: R4's core extension for an answer option that must stand alone ("None").
OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
#: SDC's extension for an item whose answer a FHIRPath expression computes.
CALCULATED = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
#: R4's core extension that says how an item is shown (radio buttons, help).
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
#: The code system of ``ITEM_CONTROL``'s codes.
ITEM_CONTROLS = "http://hl7.org/fhir/questionnaire-item-control"
#: "Prefer not to answer" (a ``null`` answer): asked, and declined.
DECLINED = {
    "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
    "code": "asked-declined",
}

#: An absolute URL (a scheme, then no whitespace, control character or lone surrogate) that a FHIR
#: canonical reference can hold: no ``|`` (it comes before a version) and no
#: ``#`` (a fragment would name a contained resource).
_CANONICAL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s|#\x00-\x1f\x7f\ud800-\udfff]+")

#: "Nothing like this happened" (a scored item's not-applicable option): no value,
#: and no weight, so a form filler's ``weight()`` never looks it up elsewhere.
NOT_APPLICABLE = {
    "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
    "code": "not-applicable",
}

#: The words of "prefer not to answer" where the questionnaire gives none.
DECLINED_LABEL = "Prefer not to answer"

#: linkIds of the items that are not questions. Every one has a colon, which
#: an item id never has, so they never clash with a question's linkId.
INTRODUCTION = "display:introduction"
CONTEXT_GROUP = "context:questions"
SCORE_GROUP = "score:group"
STATISTICS = ("raw", "mean", "scaled")


def domain_group(domain: str) -> str:
    """The linkId of a domain's group of questions."""
    return f"domain:{domain}"


def score_link(domain: str | None, statistic: str) -> str:
    """The linkId of a domain's (or, for ``None``, the total's) raw, mean or scaled score."""
    return f"score:total:{statistic}" if domain is None else f"score:domain:{domain}:{statistic}"


def checked_url(url: object) -> str:
    """An app's own canonical URL, checked to be an absolute URL a canonical reference can hold."""
    if not (isinstance(url, str) and _CANONICAL.fullmatch(url)):
        raise InvalidQuestionnaire(
            [
                Problem(
                    "",
                    f"url {describe(url)} is not an absolute URL without '|', '#' or whitespace",
                    "url",
                )
            ]
        )
    return url


def questionnaire_url(q: Questionnaire, url: str | None = None) -> str:
    """The canonical URL of a questionnaire's FHIR ``Questionnaire`` (versioned apart).

    ``url`` is the one an app gives for its own publication of it (checked).
    """
    return f"{BASE_URL}/Questionnaire/{q.id}" if url is None else checked_url(url)


def code_system_url(q: Questionnaire) -> str:
    """The canonical URL of the CodeSystem of a questionnaire's answer options."""
    return f"{BASE_URL}/CodeSystem/{q.id}"


def literal(text: str) -> str:
    """A FHIRPath string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


@attrs.frozen
class Question:
    """A question as FHIR sees it: the item, and its options by code."""

    item: Item
    #: Its options by code (see :func:`blunting._questionnaire.codes`), but the
    #: not-applicable one, which is ``NOT_APPLICABLE``.
    codes: Mapping[str, int | str]
    #: The value of its not-applicable option, if it has one.
    not_applicable: int | str | None = None

    def weight(self, option: Option, scale: tuple[int, int]) -> int | None:
        """The score of an option: the scored value of a scored item's answer.

        Null and the not-applicable option have none: they count as missing.
        """
        if self.item.domain is None or option.value is None or option.not_applicable:
            return None
        value = int(option.value)
        return scale[0] + scale[1] - value if self.item.reverse else value


def offered(item: Item) -> tuple[Option, ...]:
    """A question's options as FHIR offers them: "Prefer not to answer" last wherever null is.

    A question that takes null without listing it as an option gets it; as the
    whole answer, it stands alone on a question of several answers.
    """
    if item.nullable and all(o.value is not None for o in item.options):
        return (*item.options, Option(None, DECLINED_LABEL, exclusive=item.multiple))
    return item.options


@functools.lru_cache(maxsize=64)  # a few questionnaires at a time; loaded ones are let go
def layout(q: Questionnaire) -> dict[str, Question]:
    """Every question by id, in order: the scored items by domain, then the context."""
    by_id = {item.id: item for item in q.items}
    order = [item for d in q.domains for item in d.items]
    order += [item.id for item in q.items if item.domain is None]
    return {item_id: _question(by_id[item_id]) for item_id in order}


def _question(item: Item) -> Question:
    absent = [o.value for o in item.options if o.not_applicable]
    coded = {code: value for code, value in codes(item).items() if value not in absent}
    return Question(item, coded, absent[0] if absent else None)


def canonical(q: Questionnaire, url: str | None = None) -> str:
    """How a ``QuestionnaireResponse`` names the questionnaire: ``url|version``."""
    return f"{questionnaire_url(q, url)}|{q.version}"


def name(q: Questionnaire) -> str:
    """A computer-friendly name (``^[A-Z][A-Za-z0-9_]*$``) from the id."""
    return q.id[:1].upper() + q.id[1:]
