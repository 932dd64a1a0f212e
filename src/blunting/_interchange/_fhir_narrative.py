"""FHIR R4 narrative: the human-readable ``text`` of each exported resource.

A narrative is ``{"status": "generated", "div": XHTML}``. The XHTML holds
only FHIR's basic formatting elements (``div``, ``h2``, ``h3``, ``p``, ``ol``,
``li``, ``table``, ``tr``, ``th``, ``td``) with no attributes but the XHTML
namespace, and every text in it is escaped, so it is safe to show as it is.
It is a rendering for people: readers of a resource never take data from it.
"""

from __future__ import annotations

import functools
import re
from html import escape
from typing import TYPE_CHECKING, Any

import attrs

from blunting._interchange._fhir_layout import STATISTICS, offered

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from blunting._questionnaire import Item, Questionnaire
    from blunting._scoring import DomainScore, Score

#: The characters that a FHIR string may hold and XML 1.0 may not: shown as U+FFFD.
#: (Control characters and lone surrogates never get here: the export refuses
#: texts and respondent ids that hold them.)
_NOT_XML = re.compile("[\ufffe\uffff]")
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
    options = "; ".join(option.label for option in offered(item))
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


@attrs.frozen
class _Shown:
    """What every response's narrative shows of a questionnaire, made once."""

    heading: str
    #: Per question in order: its group, its id, and its table row by answer
    #: value (null: "Prefer not to answer"); for a question of several answers,
    #: the row's start and its options' labels instead.
    questions: tuple[tuple[str, str, dict[object, str] | tuple[str, dict[object, str]]], ...]
    domains: tuple[tuple[str, str], ...]


@functools.lru_cache(maxsize=64)  # a few questionnaires at a time, as layout()
def _shown(q: Questionnaire) -> _Shown:
    questions: list[tuple[str, str, dict[object, str] | tuple[str, dict[object, str]]]] = []
    for item in q.items:
        labels: dict[object, str] = {o.value: _text(o.label) for o in offered(item)}
        start = f"<tr><td>{_text(item.text)}</td><td>"
        if item.multiple:
            questions.append((item.group, item.id, (start, labels)))
        else:
            rows = {value: f"{start}{label}</td></tr>" for value, label in labels.items()}
            questions.append((item.group, item.id, rows))
    return _Shown(
        heading=_element("h2", _text(f"{q.title}, version {q.version}")),
        questions=tuple(questions),
        domains=tuple((d.id, _text(d.title)) for d in q.domains),
    )


def _cells(cells: Iterable[str], tag: str = "td") -> str:
    """A table row of cells already escaped."""
    return "<tr>" + "".join(f"<{tag}>{cell}</{tag}>" for cell in cells) + "</tr>"


def _row(cells: Iterable[str], tag: str = "td") -> str:
    return _cells((_text(cell) for cell in cells), tag)


def _score_row(title: str, result: DomainScore) -> str:
    numbers = [getattr(result, statistic) for statistic in STATISTICS]
    return _cells([title, *("not scored" if n is None else str(n) for n in numbers)])


_QUESTION_HEADER = _row(["Question", "Answer"], "th")
_SCORE_HEADER = _row(["Score", "Raw", "Mean", "Scaled (0-100)"], "th")
_NOT_A_DIAGNOSIS = _element("p", _text(NOT_A_DIAGNOSIS))


def response_text(q: Questionnaire, payload: Mapping[str, Any], score: Score) -> dict[str, str]:
    """The narrative of an exported ``QuestionnaireResponse``: the answers, then the scores."""
    shown = _shown(q)
    parts = [shown.heading]
    if "respondent" in payload:
        parts.append(_element("p", _text(f"Respondent: {payload['respondent']}")))
    if "completed" in payload:
        parts.append(_element("p", _text(f"Completed: {payload['completed']}")))
    rows = []
    for group, item_id, shows in shown.questions:
        given = payload.get(group)
        if given is None or item_id not in given:
            continue
        value = given[item_id]
        if value == []:  # no option chosen: no answer, as in the response's items
            continue
        if isinstance(shows, dict):
            rows.append(shows[value])
        else:
            start, labels = shows
            values: list[object] = value if isinstance(value, list) else [value]
            rows.append(start + "; ".join(labels[v] for v in values) + "</td></tr>")
    if rows:
        parts.append(_element("table", _QUESTION_HEADER + "".join(rows)))
    else:
        parts.append(_element("p", "No question was answered."))
    scores = [_score_row(title, score.domains[d]) for d, title in shown.domains]
    scores.append(_score_row("Total", score.total))
    parts.append(_element("table", _SCORE_HEADER + "".join(scores)))
    parts.append(_NOT_A_DIAGNOSIS)
    return _narrative(parts)
