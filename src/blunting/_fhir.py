"""HL7 FHIR R4: a questionnaire as a ``Questionnaire``, a payload as a ``QuestionnaireResponse``.

Everything here is derived from the questionnaire's own document and scoring
key, so any questionnaire in the blunting vocabulary exports the same way.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

import attrs

from blunting._api import dispatch
from blunting._api import questionnaire as builtin
from blunting._errors import InvalidResponse, Problem, UnknownQuestionnaire
from blunting._json import describe
from blunting._questionnaire import Option, code, codes
from blunting._resources import catalogue

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from blunting._questionnaire import Domain, Item, Questionnaire
    from blunting._scoring import DomainScore, Score

#: Canonical URLs of this library's FHIR resources start here; identifiers, never fetched.
BASE_URL = "https://w3id.org/blunting/fhir"
#: The standard extension that gives an answer option its score.
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
#: SDC's extension for an item whose answer a FHIRPath expression computes.
CALCULATED = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
#: The standard extension that shows a display item as help for its parent.
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
#: "Prefer not to answer" (a ``null`` answer): asked, and declined.
DECLINED = {
    "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason",
    "code": "asked-declined",
}

#: linkIds of the items that are not questions. Every one has a colon, which
#: an item id never has, so they never clash with a question's linkId.
INTRODUCTION = "display:introduction"
CONTEXT_GROUP = "context:questions"
SCORE_GROUP = "score:group"
_STATISTICS = ("raw", "mean", "scaled")


def domain_group(domain: str) -> str:
    """The linkId of a domain's group of questions."""
    return f"domain:{domain}"


def score_link(domain: str | None, statistic: str) -> str:
    """The linkId of a domain's (or, for ``None``, the total's) raw, mean or scaled score."""
    return f"score:total:{statistic}" if domain is None else f"score:domain:{domain}:{statistic}"


def questionnaire_url(q: Questionnaire) -> str:
    """The canonical URL of a questionnaire's FHIR ``Questionnaire`` (versioned apart)."""
    return f"{BASE_URL}/Questionnaire/{q.id}"


def code_system_url(q: Questionnaire) -> str:
    """The canonical URL of the CodeSystem of a questionnaire's answer options."""
    return f"{BASE_URL}/CodeSystem/{q.id}"


def _literal(text: str) -> str:
    """A FHIRPath string literal."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


@attrs.frozen
class _Question:
    """A question as FHIR sees it: the item, where it sits, and what it accepts."""

    item: Item
    #: "answers" or "context": the payload member that holds its answer.
    group: str
    nullable: bool
    required: bool
    #: Its options by code (see :func:`codes`).
    codes: Mapping[str, int | str]

    def weight(self, option: Option, scale: tuple[int, int]) -> int | None:
        """The score of an option: the scored value of a scored item's answer."""
        if self.item.domain is None or option.value is None:
            return None
        value = int(option.value)
        return scale[0] + scale[1] - value if self.item.reverse else value


@functools.lru_cache(maxsize=64)  # a few questionnaires at a time; loaded ones are let go
def _layout(q: Questionnaire) -> dict[str, _Question]:
    """Every question by id, in order: the scored items by domain, then the context."""
    schema = q.schema["properties"]
    found: dict[str, _Question] = {}
    by_id = {item.id: item for item in q.items}
    order = [item for d in q.domains for item in d.items]
    order += [item.id for item in q.items if item.domain is None]
    for item_id in order:
        item = by_id[item_id]
        group = "answers" if item.domain is not None else "context"
        question = schema[group]["properties"][item_id]
        types = question.get("type")
        nullable = any(o.value is None for o in item.options) or (
            types == "null" or (isinstance(types, list) and "null" in types)
        )
        required = item_id in schema[group].get("required", ())
        found[item_id] = _Question(item, group, nullable, required, codes(item))
    return found


def _answer_option(
    q: Questionnaire, question: _Question, option: Option, system: str
) -> dict[str, Any]:
    if option.value is None:
        return {"valueCoding": {**DECLINED, "display": option.label}}
    made: dict[str, Any] = {}
    weight = question.weight(option, q.scale)
    if weight is not None:
        made["extension"] = [{"url": ITEM_WEIGHT, "valueDecimal": weight}]
    made["valueCoding"] = {"system": system, "code": code(option.value), "display": option.label}
    return made


def _question_item(q: Questionnaire, question: _Question, system: str) -> dict[str, Any]:
    item = question.item
    options = list(item.options)
    if question.nullable and all(o.value is not None for o in options):
        options.append(Option(None, "Prefer not to answer"))
    made: dict[str, Any] = {
        "linkId": item.id,
        "text": item.text,
        "type": "choice",
        "required": question.required,
    }
    if item.multiple:
        made["repeats"] = True
    made["answerOption"] = [_answer_option(q, question, o, system) for o in options]
    if item.description:
        made["item"] = [
            {
                "extension": [
                    {
                        "url": ITEM_CONTROL,
                        "valueCodeableConcept": {
                            "coding": [
                                {
                                    "system": "http://hl7.org/fhir/questionnaire-item-control",
                                    "code": "help",
                                    "display": "Help-Button",
                                }
                            ]
                        },
                    }
                ],
                "linkId": f"{item.id}:help",
                "text": item.description,
                "type": "display",
            }
        ]
    return made


class _Expressions:
    """FHIRPath expressions for the scores, following docs/scoring.md.

    Each score is a ratio of whole numbers computed from a domain's count of
    answered items ``n`` and the sum of their weights ``s``, rounded once to 2
    decimals, half up: ``(100 * N / D).round(0) / 100``. A single division of
    whole numbers keeps the result exact until that rounding, so the engines'
    decimal arithmetic and JavaScript numbers both give our rounding.
    """

    def __init__(self, q: Questionnaire) -> None:
        self.q = q
        self.system = _literal(code_system_url(q))

    def _weights(self, domain: Domain) -> str:
        return (
            f"%resource.item.where(linkId = {_literal(domain_group(domain.id))})"
            f".item.answer.value.where(system = {self.system}).weight()"
        )

    def n(self, domain: Domain) -> str:
        return f"{self._weights(domain)}.count()"

    def s(self, domain: Domain) -> str:
        return f"{self._weights(domain)}.sum()"

    @staticmethod
    def _rounded(numerator: str, denominator: str) -> str:
        return f"((100 * ({numerator}) / ({denominator})).round(0) / 100)"

    def _when(self, domains: Iterable[Domain], value: str) -> str:
        condition = " and ".join(f"({self.n(d)} >= {d.min_answered})" for d in domains)
        return f"iif({condition}, {value})"

    def domain(self, domain: Domain, statistic: str) -> str:
        low, high = self.q.scale
        k = len(domain.items)
        n, s = self.n(domain), self.s(domain)
        numerator, denominator = {
            "raw": (f"{k} * {s}", n),
            "mean": (s, n),
            "scaled": (f"100 * ({s} - {low} * {n})", f"{high - low} * {n}"),
        }[statistic]
        return self._when((domain,), self._rounded(numerator, denominator))

    def total(self, statistic: str) -> str:
        low, high = self.q.scale
        domains = self.q.domains
        items = sum(len(d.items) for d in domains)

        def others(domain: Domain) -> str:
            return "".join(f" * {self.n(e)}" for e in domains if e is not domain)

        # raw = sum of k_d * s_d / n_d, over the common denominator P = product of n_d
        raw = " + ".join(f"{len(d.items)} * {self.s(d)}{others(d)}" for d in domains)
        product = " * ".join(self.n(d) for d in domains)
        numerator, denominator = {
            "raw": (raw, product),
            "mean": (raw, f"{items} * {product}"),
            "scaled": (
                f"100 * ({raw} - {items * low} * {product})",
                f"{items * (high - low)} * {product}",
            ),
        }[statistic]
        return self._when(domains, self._rounded(numerator, denominator))


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


def _code_system(q: Questionnaire) -> dict[str, Any]:
    concepts: dict[str, str] = {}
    for question in _layout(q).values():
        for option in question.item.options:
            if option.value is not None:
                concepts.setdefault(code(option.value), option.label)
    return {
        "resourceType": "CodeSystem",
        "id": "answers",
        "url": code_system_url(q),
        "version": q.version,
        "name": _name(q) + "Answers",
        "title": f"Answer options of {q.title}",
        "status": "active",
        "content": "complete",
        "caseSensitive": True,
        "concept": [{"code": code, "display": label} for code, label in concepts.items()],
    }


def _name(q: Questionnaire) -> str:
    """A computer-friendly name (``^[A-Z][A-Za-z0-9_]*$``) from the id."""
    return q.id[:1].upper() + q.id[1:]


def to_questionnaire(q: Questionnaire) -> dict[str, Any]:
    """The questionnaire as a FHIR R4 ``Questionnaire`` resource (JSON-ready data).

    See docs/fhir.md for its layout: a group of questions per domain, one of
    context questions, and a group of SDC ``calculatedExpression`` scores.

    .. versionadded:: 0.1.0
    """
    layout = _layout(q)
    system = code_system_url(q)
    expressions = _Expressions(q)
    items: list[dict[str, Any]] = []
    if q.description:
        items.append({"linkId": INTRODUCTION, "text": q.description, "type": "display"})
    items.extend(
        {
            "linkId": domain_group(domain.id),
            "text": domain.title,
            "type": "group",
            "item": [_question_item(q, layout[i], system) for i in domain.items],
        }
        for domain in q.domains
    )
    context = [question for question in layout.values() if question.group == "context"]
    if context:
        items.append(
            {
                "linkId": CONTEXT_GROUP,
                "text": q.schema["properties"]["context"].get("title", "Context"),
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
        for statistic in _STATISTICS
    ]
    scores += [
        _score_item(
            score_link(None, statistic),
            f"Total: {statistic}",
            expressions.total(statistic),
            f"Total, {_MEANINGS[statistic]}; empty unless every domain is scored",
        )
        for statistic in _STATISTICS
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
        "contained": [_code_system(q)],
        "url": questionnaire_url(q),
        "version": q.version,
        "name": _name(q),
        "title": q.title,
        "status": "active",
        "subjectType": ["Patient"],
        **({"description": q.description} if q.description else {}),
        "item": items,
    }


def canonical(q: Questionnaire) -> str:
    """How a ``QuestionnaireResponse`` names the questionnaire: ``url|version``."""
    return f"{questionnaire_url(q)}|{q.version}"


def _coding(question: _Question, value: object, system: str) -> dict[str, Any]:
    if value is None:
        return dict(DECLINED)
    for option in question.item.options:
        if option.value is not None and option.value == value:
            return {"system": system, "code": code(option.value), "display": option.label}
    raise AssertionError(f"a valid answer {value!r} that is no option")


def _answers(question: _Question, value: object, system: str) -> list[dict[str, Any]]:
    values = value if question.item.multiple and isinstance(value, list) else [value]
    return [{"valueCoding": _coding(question, v, system)} for v in values]


def _score_answers(result: DomainScore, domain: str | None) -> list[dict[str, Any]]:
    found = []
    for statistic in _STATISTICS:
        number = getattr(result, statistic)
        if number is not None:
            found.append(
                {"linkId": score_link(domain, statistic), "answer": [{"valueDecimal": number}]}
            )
    return found


def to_questionnaire_response(
    payload: object, *, questionnaire: Questionnaire | None = None
) -> dict[str, Any]:
    """A valid payload as a FHIR R4 ``QuestionnaireResponse`` (JSON-ready data).

    The payload is checked first, against ``questionnaire`` or else the
    built-in questionnaire it names: :class:`InvalidResponse` if it is not
    valid. The response holds every answer and the scores;
    :func:`from_questionnaire_response` gives the payload back.

    .. versionadded:: 0.1.0
    """
    q = questionnaire if questionnaire is not None else dispatch(payload)
    score = q.score(payload)
    found = _not_fhir(payload)  # type: ignore[arg-type]  # valid: an object
    if found:
        raise InvalidResponse(found)
    return _response(q, payload, score)  # type: ignore[arg-type]


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
    that is not whitespace; and FHIR has no other control characters.
    """
    return isinstance(value, str) and all(
        c in _FHIR_SPACES or not (c.isspace() or c < " ") for c in value
    )


def _not_fhir(payload: Mapping[str, Any]) -> list[Problem]:
    """Problems of a valid payload that FHIR cannot carry unchanged."""
    found = []
    if "respondent" in payload and not _is_fhir_string(payload["respondent"]):
        found.append(
            Problem(
                "/respondent",
                f"{describe(payload['respondent'])} is not a FHIR string (no whitespace or "
                "control character but space, tab, line feed and carriage return)",
                "fhir",
            )
        )
    completed = payload.get("completed")
    if "completed" in payload and not (
        isinstance(completed, str) and _FHIR_DATE_TIME.fullmatch(completed)
    ):
        found.append(
            Problem(
                "/completed",
                f"{describe(completed)} is not a FHIR dateTime (T and Z in capitals, "
                "an offset from -14:00 to +14:00)",
                "fhir",
            )
        )
    return found


def _response(q: Questionnaire, payload: Mapping[str, Any], score: Score) -> dict[str, Any]:
    layout = _layout(q)
    system = code_system_url(q)
    made: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": canonical(q),
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
            {"linkId": i, "answer": _answers(layout[i], answers[i], system)}
            for i in domain.items
            if i in answers
        ]
        if given:
            items.append({"linkId": domain_group(domain.id), "item": given})
    if "context" in payload:
        context = payload["context"]
        given = [
            {"linkId": i, "answer": _answers(question, context[i], system)}
            for i, question in layout.items()
            if question.group == "context" and i in context
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


# -- reading a QuestionnaireResponse ------------------------------------------------------

#: Elements of a QuestionnaireResponse that are allowed and not read: they say
#: nothing about the answers.
_IGNORED_ROOT = frozenset(
    {"id", "meta", "implicitRules", "language", "text", "contained", "extension", "identifier",
     "basedOn", "partOf", "encounter", "author", "source"}
)  # fmt: skip
_IGNORED_ITEM = frozenset({"id", "extension", "definition", "text"})
_FINISHED = ("completed", "amended")
_ROOT = "QuestionnaireResponse"
#: The top-level elements read: those above and those that make the payload.
_READ_ROOT = (
    *_IGNORED_ROOT,
    "resourceType",
    "questionnaire",
    "status",
    "subject",
    "authored",
    "item",
)


def _get(node: object, key: str) -> object:
    return node.get(key) if isinstance(node, dict) else None


def _unnamed(named: object, given: Questionnaire | None) -> str | None:
    """Why ``named`` names neither ``given`` nor a built-in questionnaire; ``None`` if it does."""
    if not isinstance(named, str):
        return f"{describe(named)} is not a canonical URL of a questionnaire (url|version)"
    url, _, version = named.partition("|")
    if given is not None:
        if url == questionnaire_url(given) and version in ("", given.version):
            return None
        return f"{describe(named)} is not {describe(canonical(given))}"
    qid = url.rpartition("/")[2]
    if url != f"{BASE_URL}/Questionnaire/{qid}" or qid not in catalogue():
        known = ", ".join(describe(f"{BASE_URL}/Questionnaire/{qid}") for qid in catalogue())
        return f"{describe(named)} is not a built-in questionnaire ({known})"
    if not version:
        return f"{describe(named)} names no version (url|version)"
    return None


class _Reader:
    """Reads a QuestionnaireResponse into a payload, collecting every problem."""

    def __init__(self) -> None:
        self.found: list[Problem] = []
        #: Where each part of the payload came from: JSON Pointer -> FHIR path.
        self.origin: dict[str, str] = {"": "QuestionnaireResponse"}

    def problem(self, at: str, message: str, keyword: str) -> None:
        self.found.append(Problem(at, message, keyword))

    def mapping(self, value: object, at: str) -> Mapping[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.problem(at, f"{describe(value)} is not a JSON object", "type")
        return None

    def array(self, value: object, at: str) -> list[Any]:
        if isinstance(value, list) and value:
            return value
        self.problem(at, f"{describe(value)} is not a non-empty array", "type")
        return []

    def members(self, node: Mapping[str, Any], at: str, known: Iterable[str]) -> None:
        allowed = set(known)
        for key in node:
            if key not in allowed:
                keyword = "modifierExtension" if key == "modifierExtension" else "element"
                why = (
                    "a modifier extension changes what the answers mean, unknown here"
                    if key == "modifierExtension"
                    else "is not an element read here"
                )
                self.problem(f"{at}.{key}", f"{describe(key)}: {why}", keyword)

    def questionnaire(
        self, resource: Mapping[str, Any], given: Questionnaire | None
    ) -> Questionnaire | None:
        """The questionnaire the resource names: ``given``, or a built-in one."""
        named = resource.get("questionnaire")
        if given is not None and named is None:
            return given
        why = _unnamed(named, given)
        if why is None:
            url, _, version = named.partition("|")  # type: ignore[union-attr]  # a str
            if given is not None:
                return given
            try:
                return builtin(version, id=url.rpartition("/")[2])
            except UnknownQuestionnaire as error:
                why = str(error)
        self.problem("QuestionnaireResponse.questionnaire", why, "questionnaire")
        return None

    def value(self, question: _Question, answers: list[Any], at: str, system: str) -> object:
        """The payload value of a question's answers, or ``_BAD``."""
        values: list[object] = []
        for index, answer in enumerate(answers):
            where = f"{at}.answer[{index}]"
            node = self.mapping(answer, where)
            if node is None:
                values.append(_BAD)
                continue
            self.members(node, where, ("valueCoding", "id", "extension"))
            coding = node.get("valueCoding")
            values.append(self.option(question, coding, f"{where}.valueCoding", system))
        if not values or _BAD in values:
            return _BAD
        if question.item.multiple:
            if values == [None]:
                return None
            if None in values:
                self.problem(f"{at}.answer", "'asked-declined' must be the only answer", "answer")
                return _BAD
            return values
        if len(values) > 1:
            self.problem(
                f"{at}.answer", f"{len(values)} answers to a question that takes one", "answer"
            )
            return _BAD
        return values[0]

    def option(self, question: _Question, coding: object, at: str, system: str) -> object:
        node = self.mapping(coding, at)
        if node is None:
            return _BAD
        code, used = node.get("code"), node.get("system")
        if used == DECLINED["system"] and code == DECLINED["code"] and question.nullable:
            return None
        if used == system and isinstance(code, str) and code in question.codes:
            return question.codes[code]
        offered = ", ".join(question.codes)
        self.problem(
            at,
            f"{describe(used)}#{describe(code)} is not an answer option of "
            f"{describe(question.item.id)} (codes {offered} of {system}"
            f"{', or asked-declined' if question.nullable else ''})",
            "answerOption",
        )
        return _BAD

    def group(
        self,
        node: Mapping[str, Any],
        at: str,
        where: str,
        questions: Mapping[str, _Question],
        system: str,
    ) -> dict[str, Any]:
        self.members(node, at, (*_IGNORED_ITEM, "linkId", "item"))
        found: dict[str, Any] = {}
        if "item" not in node:
            return found
        for index, child in enumerate(self.array(node["item"], f"{at}.item")):
            child_at = f"{at}.item[{index}]"
            item = self.mapping(child, child_at)
            if item is None:
                continue
            link = item.get("linkId")
            question = questions.get(link) if isinstance(link, str) else None
            if question is None or not isinstance(link, str):
                known = ", ".join(map(describe, questions))
                self.problem(
                    f"{child_at}.linkId",
                    f"{describe(link)} is not a question here ({known})",
                    "linkId",
                )
                continue
            if link in found:
                self.problem(f"{child_at}.linkId", f"{describe(link)} is answered twice", "linkId")
                continue
            self.members(item, child_at, (*_IGNORED_ITEM, "linkId", "answer"))
            if "answer" not in item:
                continue  # shown, not answered: absent
            value = self.value(
                question, self.array(item["answer"], f"{child_at}.answer"), child_at, system
            )
            if value is not _BAD:
                found[link] = value
                here = f"/{where}/{link}"  # ids are identifiers: nothing to escape
                self.origin[here] = child_at
                if isinstance(value, list):
                    for position in range(len(value)):
                        self.origin[f"{here}/{position}"] = f"{child_at}.answer[{position}]"
        return found

    def read(
        self, resource: object, given: Questionnaire | None
    ) -> tuple[Questionnaire | None, dict[str, Any]]:
        node = self.mapping(resource, _ROOT)
        if node is None or not self.envelope(node):
            return None, {}
        q = self.questionnaire(node, given)
        if q is None:
            return None, {}
        payload: dict[str, Any] = {"questionnaire": q.id, "version": q.version}
        identifier = _get(_get(node, "subject"), "identifier")
        if isinstance(identifier, dict) and "value" in identifier:
            payload["respondent"] = identifier["value"]
            self.origin["/respondent"] = f"{_ROOT}.subject.identifier.value"
        if "authored" in node:
            payload["completed"] = node["authored"]
            self.origin["/completed"] = f"{_ROOT}.authored"
        payload["answers"] = {}
        self.origin["/answers"] = f"{_ROOT}.item"
        if "item" in node:
            self.groups(q, self.array(node["item"], f"{_ROOT}.item"), payload)
        return q, payload

    def envelope(self, node: Mapping[str, Any]) -> bool:
        """Whether it is a QuestionnaireResponse; every problem of its top-level elements."""
        if node.get("resourceType") != _ROOT:
            self.problem(
                f"{_ROOT}.resourceType",
                f"{describe(node.get('resourceType'))} is not {describe(_ROOT)}",
                "resourceType",
            )
            return False
        self.members(node, _ROOT, _READ_ROOT)
        if node.get("status") not in _FINISHED:
            self.problem(
                f"{_ROOT}.status",
                f"{describe(node.get('status'))} is not a finished response (completed or amended)",
                "status",
            )
        return True

    def groups(self, q: Questionnaire, items: list[Any], payload: dict[str, Any]) -> None:
        """Read the top-level items: a group per domain, the context group, the scores."""
        layout = _layout(q)
        system = code_system_url(q)
        groups = {domain_group(d.id): d.items for d in q.domains}
        context = tuple(i for i, question in layout.items() if question.group == "context")
        if context:
            groups[CONTEXT_GROUP] = context
        seen: set[str] = set()
        for index, child in enumerate(items):
            at = f"{_ROOT}.item[{index}]"
            item = self.mapping(child, at)
            link = item.get("linkId") if item is not None else None
            if item is None or link == SCORE_GROUP:  # scores: computed, never read
                continue
            twice = isinstance(link, str) and link in seen
            if twice or not isinstance(link, str) or link not in groups:
                known = ", ".join(map(describe, [*groups, SCORE_GROUP]))
                why = "appears twice" if twice else f"is not a group here ({known})"
                self.problem(f"{at}.linkId", f"{describe(link)} {why}", "linkId")
                continue
            seen.add(link)
            where = "context" if link == CONTEXT_GROUP else "answers"
            questions = {i: layout[i] for i in groups[link]}
            found = self.group(item, at, where, questions, system)
            if where == "context":
                payload["context"] = found
                self.origin["/context"] = at
            else:
                payload["answers"].update(found)

    def where(self, path: str) -> str:
        """The FHIR path that a JSON Pointer into the payload came from."""
        while path not in self.origin:
            path = path.rpartition("/")[0]
        return self.origin[path]


class _Bad:
    def __repr__(self) -> str:
        return "<bad>"


_BAD: Any = _Bad()


def from_questionnaire_response(
    resource: object, *, questionnaire: Questionnaire | None = None
) -> dict[str, Any]:
    """The payload of a FHIR R4 ``QuestionnaireResponse`` to a blunting questionnaire.

    The resource names its questionnaire as ``url|version`` (a built-in one,
    unless ``questionnaire`` is given). Raises :class:`InvalidResponse` with
    every problem, each at a FHIR path such as
    ``QuestionnaireResponse.item[2].item[0].answer[0]``; the payload returned
    is valid. See docs/fhir.md for what is read.

    .. versionadded:: 0.1.0
    """
    reader = _Reader()
    q, payload = reader.read(resource, questionnaire)
    found = reader.found
    if q is not None:  # the schema's problems too, but one problem at a place is enough
        named = {problem.path for problem in found}
        for problem in q.problems(payload):
            at = reader.where(problem.path)
            if at not in named:
                found.append(Problem(at, problem.message, problem.keyword))
    if found:
        raise InvalidResponse(found)
    return payload
