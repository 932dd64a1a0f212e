"""FHIR R4 out: a questionnaire as a ``Questionnaire``, a payload as a ``QuestionnaireResponse``.

See docs/fhir.md. The resources are plain JSON-ready data (``dict``).
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from blunting._errors import InvalidQuestionnaire, InvalidResponse, Problem, Problems
from blunting._interchange._fhir_expressions import Expressions
from blunting._interchange._fhir_layout import (
    CALCULATED,
    CONTEXT_GROUP,
    DECLINED,
    INTRODUCTION,
    ITEM_CONTROL,
    ITEM_CONTROLS,
    ITEM_WEIGHT,
    NOT_APPLICABLE,
    OPTION_EXCLUSIVE,
    ORDINAL_VALUE,
    SCORE_GROUP,
    STATISTICS,
    Question,
    canonical,
    code_system_url,
    domain_group,
    layout,
    name,
    offered,
    questionnaire_url,
    score_link,
)
from blunting._interchange._fhir_narrative import questionnaire_text, response_text
from blunting._questionnaire import Option, code, dispatch, texts
from blunting._text import describe

if TYPE_CHECKING:
    from collections.abc import Mapping

    from blunting._questionnaire import Questionnaire
    from blunting._scoring import DomainScore, Score


def _answer_option(
    q: Questionnaire, question: Question, option: Option, system: str
) -> dict[str, Any]:
    extensions: list[dict[str, Any]] = []
    weight = question.weight(option, q.scale)
    if weight is not None:  # the score twice: R4's core extension, and the later standard one
        extensions.append({"url": ORDINAL_VALUE, "valueDecimal": weight})
        extensions.append({"url": ITEM_WEIGHT, "valueDecimal": weight})
    if question.item.multiple and option.exclusive:
        extensions.append({"url": OPTION_EXCLUSIVE, "valueBoolean": True})
    made: dict[str, Any] = {"extension": extensions} if extensions else {}
    if option.value is None:
        made["valueCoding"] = {**DECLINED, "display": option.label}
    elif option.not_applicable:
        made["valueCoding"] = {**NOT_APPLICABLE, "display": option.label}
    else:
        made["valueCoding"] = {
            "system": system,
            "code": code(option.value),
            "display": option.label,
        }
    return made


def _control(control: str, display: str) -> dict[str, Any]:
    """The item control extension that shows an item as ``control``."""
    return {
        "url": ITEM_CONTROL,
        "valueCodeableConcept": {
            "coding": [{"system": ITEM_CONTROLS, "code": control, "display": display}]
        },
    }


def _question_item(q: Questionnaire, question: Question, system: str) -> dict[str, Any]:
    item = question.item
    options = offered(item)
    made: dict[str, Any] = {
        # every option in sight, as a scale is shown on paper
        "extension": [
            _control("check-box", "Check-box")
            if item.multiple
            else _control("radio-button", "Radio Button")
        ],
        "linkId": item.id,
        "text": item.text,
        "type": "choice",
        "required": question.item.required,
    }
    if item.multiple:
        made["repeats"] = True
    made["answerOption"] = [_answer_option(q, question, o, system) for o in options]
    if item.description:
        made["item"] = [
            {
                "extension": [_control("help", "Help-Button")],
                "linkId": f"{item.id}:help",
                "text": item.description,
                "type": "display",
            }
        ]
    return made


def _score_item(link: str, text: str, expression: str, description: str) -> dict[str, Any]:
    return {
        "extension": [
            {
                "url": CALCULATED,
                "valueExpression": {
                    "description": description,
                    "language": "text/fhirpath",
                    "expression": expression,
                },
            }
        ],
        "linkId": link,
        "text": text,
        "type": "decimal",
        "readOnly": True,
    }


_MEANINGS = {
    "raw": "mean scored answer times the number of items",
    "mean": "mean scored answer",
    "scaled": "the mean on 0-100",
}


def to_questionnaire(q: Questionnaire, *, url: str | None = None) -> dict[str, Any]:
    """The questionnaire as a FHIR R4 ``Questionnaire`` resource (JSON-ready data).

    See docs/fhir.md for its layout: a group of questions per domain, one of
    context questions, and a group of SDC ``calculatedExpression`` scores.
    ``url`` is the canonical URL of an app's own publication (default:
    ``https://w3id.org/blunting/fhir/Questionnaire/{id}``);
    :class:`InvalidQuestionnaire` if it is not an absolute URL.

    .. versionadded:: 0.1.0
    """
    _fhir_texts(q)
    questions_by_id = layout(q)
    system = code_system_url(q)
    expressions = Expressions(q)
    items: list[dict[str, Any]] = []
    if q.description:
        items.append({"linkId": INTRODUCTION, "text": q.description, "type": "display"})
    items.extend(
        {
            "linkId": domain_group(domain.id),
            "text": domain.title,
            "type": "group",
            "item": [_question_item(q, questions_by_id[i], system) for i in domain.items],
        }
        for domain in q.domains
    )
    context = [
        question for question in questions_by_id.values() if question.item.group == "context"
    ]
    if context:
        items.append(
            {
                "linkId": CONTEXT_GROUP,
                "text": q.context_title,
                "type": "group",
                "item": [_question_item(q, question, system) for question in context],
            }
        )
    scores = [
        _score_item(
            score_link(d.id, statistic),
            f"{d.title}: {statistic}",
            expressions.domain(d, statistic),
            f"{d.title}, {_MEANINGS[statistic]}; empty when fewer than {d.min_answered} "
            "items are answered",
        )
        for d in q.domains
        for statistic in STATISTICS
    ]
    scores += [
        _score_item(
            score_link(None, statistic),
            f"Total: {statistic}",
            expressions.total(statistic),
            f"Total, {_MEANINGS[statistic]}; empty unless every domain is scored",
        )
        for statistic in STATISTICS
    ]
    items.append(
        {
            "linkId": SCORE_GROUP,
            "text": "Scores (not a diagnosis: there are no validated cut-offs)",
            "type": "group",
            "readOnly": True,
            "item": scores,
        }
    )
    return {
        "resourceType": "Questionnaire",
        "id": f"{q.id}-{q.version}",
        "text": questionnaire_text(q),
        "url": questionnaire_url(q, url),
        "version": q.version,
        "name": name(q),
        "title": q.title,
        "status": "active",
        "subjectType": ["Patient"],
        **({"description": q.description} if q.description else {}),
        "item": items,
    }


def _coding(question: Question, value: object, system: str) -> dict[str, Any]:
    if value is None:
        return dict(DECLINED)
    for option in question.item.options:
        if option.not_applicable and option.value == value:
            return {**NOT_APPLICABLE, "display": option.label}
        if option.value is not None and option.value == value:
            return {"system": system, "code": code(option.value), "display": option.label}
    raise AssertionError(f"a valid answer {value!r} that is no option")


def _answers(question: Question, value: object, system: str) -> list[dict[str, Any]]:
    values = value if question.item.multiple and isinstance(value, list) else [value]
    return [{"valueCoding": _coding(question, v, system)} for v in values]


def _answered(link: str, answers: list[dict[str, Any]]) -> dict[str, Any]:
    """A question's item; with no ``answer`` for ``[]`` (no option chosen).

    FHIR has no empty arrays. Read back, such an item is a question shown and
    not answered: absent.
    """
    return {"linkId": link, "answer": answers} if answers else {"linkId": link}


def _score_answers(result: DomainScore, domain: str | None) -> list[dict[str, Any]]:
    found = []
    for statistic in STATISTICS:
        number = getattr(result, statistic)
        if number is not None:
            found.append(
                {"linkId": score_link(domain, statistic), "answer": [{"valueDecimal": number}]}
            )
    return found


def to_questionnaire_response(
    payload: object, *, questionnaire: Questionnaire | None = None, url: str | None = None
) -> dict[str, Any]:
    """A valid payload as a FHIR R4 ``QuestionnaireResponse`` (JSON-ready data).

    The payload is checked first, against ``questionnaire`` or else the
    built-in questionnaire it names: :class:`InvalidResponse` if it is not
    valid. The response holds every answer and the scores;
    :func:`from_questionnaire_response` gives the payload back. It names the
    questionnaire as ``url|version``, with the ``url`` given to
    :func:`to_questionnaire`.

    .. versionadded:: 0.1.0
    """
    q = questionnaire if questionnaire is not None else dispatch(payload)
    named = canonical(q, url)
    _fhir_texts(q)
    score = q.score(payload)
    _not_fhir(payload).raise_as(InvalidResponse)  # type: ignore[arg-type]  # valid: an object
    return _response(q, payload, score, named)  # type: ignore[arg-type]


#: FHIR R4's dateTime (datatypes): capital T and Z, an offset from -14:00 to
#: +14:00, a date alone allowed.
_FHIR_DATE_TIME = re.compile(
    r"([0-9]([0-9]([0-9][1-9]|[1-9]0)|[1-9]00)|[1-9]000)(-(0[1-9]|1[0-2])(-(0[1-9]|[1-2][0-9]"
    r"|3[0-1])(T([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)((0[0-9]"
    r"|1[0-3]):[0-5][0-9]|14:00)))?)?)?"
)
#: The whitespace and control characters that a FHIR string may hold.
_FHIR_SPACES = frozenset(" \t\n\r")


def _is_fhir_string(value: object) -> bool:
    """Whether a FHIR R4 string holds it: no whitespace or control character but four.

    FHIR's pattern allows space, carriage return, line feed, tab, or anything
    that is not whitespace; and FHIR has no other control characters. A lone
    surrogate is no character at all: no JSON encoder can write it as UTF-8.
    """
    return isinstance(value, str) and all(
        c in _FHIR_SPACES or not (c.isspace() or c < " " or "\ud800" <= c <= "\udfff")
        for c in value
    )


@functools.lru_cache(maxsize=64)  # a few questionnaires at a time, as layout()
def _texts_not_fhir(q: Questionnaire) -> tuple[Problem, ...]:
    """Problems of the questionnaire's texts that a FHIR string cannot hold."""
    found = Problems()
    for at, text, _ in texts(q):
        if not (text and _is_fhir_string(text)):
            found.add(
                at,
                f"{describe(text)} is not a FHIR string (not empty; no whitespace or control "
                "character but space, tab, line feed and carriage return)",
                "fhir",
            )
    return tuple(found.found)


def _fhir_texts(q: Questionnaire) -> None:
    """Raise :class:`InvalidQuestionnaire` if FHIR cannot hold one of the questionnaire's texts."""
    problems = _texts_not_fhir(q)
    if problems:
        raise InvalidQuestionnaire(list(problems))


def _not_fhir(payload: Mapping[str, Any]) -> Problems:
    """Problems of a valid payload that FHIR cannot carry unchanged."""
    found = Problems()
    if "respondent" in payload and not _is_fhir_string(payload["respondent"]):
        found.add(
            "/respondent",
            f"{describe(payload['respondent'])} is not a FHIR string (no whitespace or "
            "control character but space, tab, line feed and carriage return)",
            "fhir",
        )
    completed = payload.get("completed")
    if "completed" in payload and not (
        isinstance(completed, str) and _FHIR_DATE_TIME.fullmatch(completed)
    ):
        found.add(
            "/completed",
            f"{describe(completed)} is not a FHIR dateTime (T and Z in capitals, "
            "an offset from -14:00 to +14:00)",
            "fhir",
        )
    return found


def _response(
    q: Questionnaire, payload: Mapping[str, Any], score: Score, named: str
) -> dict[str, Any]:
    questions_by_id = layout(q)
    system = code_system_url(q)
    made: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "text": response_text(q, payload, score),
        "questionnaire": named,
        "status": "completed",
    }
    if "respondent" in payload:
        made["subject"] = {"identifier": {"value": payload["respondent"]}}
    if "completed" in payload:
        made["authored"] = payload["completed"]
    items: list[dict[str, Any]] = []
    answers = payload["answers"]
    for domain in q.domains:
        given = [
            {"linkId": i, "answer": _answers(questions_by_id[i], answers[i], system)}
            for i in domain.items
            if i in answers
        ]
        if given:
            items.append({"linkId": domain_group(domain.id), "item": given})
    if "context" in payload:
        context = payload["context"]
        given = [
            _answered(i, _answers(question, context[i], system))
            for i, question in questions_by_id.items()
            if question.item.group == "context" and i in context
        ]
        items.append(
            {"linkId": CONTEXT_GROUP, "item": given} if given else {"linkId": CONTEXT_GROUP}
        )
    scores = [a for d in q.domains for a in _score_answers(score.domains[d.id], d.id)]
    scores += _score_answers(score.total, None)
    if scores:
        items.append({"linkId": SCORE_GROUP, "item": scores})
    if items:  # FHIR has no empty arrays
        made["item"] = items
    return made
