"""FHIR R4 narrative: the human-readable ``text`` of each exported resource.

A narrative is ``{"status": "generated", "div": XHTML}``. The XHTML holds
only FHIR's basic formatting elements (``div``, ``h2``, ``h3``, ``p``, ``ol``,
``li``, ``table``, ``tr``, ``th``, ``td``) with no attributes but the XHTML
namespace, and every text in it is escaped, so it is safe to show as it is.
It is a rendering for people: readers of a resource never take data from it.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING, Any

from blunting._interchange._fhir_layout import STATISTICS

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from blunting._questionnaire import Item, Questionnaire
    from blunting._scoring import DomainScore, Score

#: Characters that XML 1.0 cannot hold (nor FHIR strings): shown as U+FFFD.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
NOT_A_DIAGNOSIS = "A score is not a diagnosis: the questionnaire has no validated cut-offs."


def _text(value: object) -> str:
    return escape(_NOT_XML.sub("\ufffd", str(value)), quote=False)


def _element(tag: str, content: str) -> str:
    return f"<{tag}>{content}</{tag}>"


def _narrative(parts: Iterable[str]) -> dict[str, str]:
    return {
        "status": "generated",
        "div": '<div xmlns="http://www.w3.org/1999/xhtml">' + "".join(parts) + "</div>",
    }


def _question(item: Item) -> str:
    options = "; ".join(option.label for option in item.options)
    return _element("li", _text(item.text) + _element("p", _text(f"Options: {options}")))


def questionnaire_text(q: Questionnaire) -> dict[str, str]:
    """The narrative of the exported ``Questionnaire``: its questions and their options."""
    by_id = {item.id: item for item in q.items}
    parts = [_element("h2", _text(q.title)), _element("p", _text(f"Version {q.version}."))]
    if q.description:
        parts.append(_element("p", _text(q.description)))
    for domain in q.domains:
        parts.append(_element("h3", _text(domain.title)))
        parts.append(_element("ol", "".join(_question(by_id[i]) for i in domain.items)))
    context = [item for item in q.items if item.domain is None]
    if context:
        parts.append(_element("h3", _text(q.context_title)))
        parts.append(_element("ol", "".join(_question(item) for item in context)))
    parts.append(_element("p", _text(NOT_A_DIAGNOSIS)))
    return _narrative(parts)


def _answer(item: Item, value: object) -> str:
    """The labels of a valid answer: its options', or "Prefer not to answer" for null."""
    labels: dict[object, str] = {option.value: option.label for option in item.options}
    labels.setdefault(None, "Prefer not to answer")
    values: list[object] = value if item.multiple and isinstance(value, list) else [value]
    return "; ".join(labels[v] for v in values)


def _row(cells: Iterable[str], tag: str = "td") -> str:
    return _element("tr", "".join(_element(tag, _text(cell)) for cell in cells))


def _score_row(title: str, result: DomainScore) -> str:
    numbers = [getattr(result, statistic) for statistic in STATISTICS]
    return _row([title, *("not scored" if n is None else str(n) for n in numbers)])


def response_text(q: Questionnaire, payload: Mapping[str, Any], score: Score) -> dict[str, str]:
    """The narrative of an exported ``QuestionnaireResponse``: the answers, then the scores."""
    parts = [_element("h2", _text(f"{q.title}, version {q.version}"))]
    if "respondent" in payload:
        parts.append(_element("p", _text(f"Respondent: {payload['respondent']}")))
    if "completed" in payload:
        parts.append(_element("p", _text(f"Completed: {payload['completed']}")))
    rows = [
        _row([item.text, _answer(item, payload[item.group][item.id])])
        for item in q.items
        if item.id in payload.get(item.group, {})
    ]
    if rows:
        parts.append(_element("table", _row(["Question", "Answer"], "th") + "".join(rows)))
    else:
        parts.append(_element("p", "No question was answered."))
    header = _row(["Score", "Raw", "Mean", "Scaled (0-100)"], "th")
    scores = [_score_row(d.title, score.domains[d.id]) for d in q.domains]
    scores.append(_score_row("Total", score.total))
    parts.append(_element("table", header + "".join(scores)))
    parts.append(_element("p", _text(NOT_A_DIAGNOSIS)))
    return _narrative(parts)
