"""HL7 FHIR R4 in: a ``QuestionnaireResponse`` read into a payload, every problem at its FHIR path.

See docs/fhir.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from blunting._errors import InvalidResponse, Problem, Problems, UnknownQuestionnaire
from blunting._interchange._fhir_layout import (
    BASE_URL,
    CONTEXT_GROUP,
    DECLINED,
    NOT_APPLICABLE,
    SCORE_GROUP,
    Question,
    canonical,
    checked_url,
    code_system_url,
    domain_group,
    layout,
    questionnaire_url,
)
from blunting._questionnaire import DEFAULT_QUESTIONNAIRE, builtin, catalogue_ids
from blunting._text import describe

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from blunting._questionnaire import Questionnaire

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


def _unnamed(named: object, given: Questionnaire | None, published: str | None) -> str | None:
    """Why ``named`` names neither ``given`` nor a built-in questionnaire; ``None`` if it does.

    ``published`` is an app's own canonical URL for it, if it has one.
    """
    if not isinstance(named, str):
        return f"{describe(named)} is not a canonical URL of a questionnaire (url|version)"
    url, _, version = named.partition("|")
    if given is not None:
        if url == questionnaire_url(given, published) and version in ("", given.version):
            return None
        return f"{describe(named)} is not {describe(canonical(given, published))}"
    why = None
    if published is not None:
        if url != published:
            why = f"{describe(named)} is not {describe(published)} with a version (url|version)"
    else:
        qid = url.rpartition("/")[2]
        if url != f"{BASE_URL}/Questionnaire/{qid}" or qid not in catalogue_ids():
            known = ", ".join(describe(f"{BASE_URL}/Questionnaire/{i}") for i in catalogue_ids())
            why = f"{describe(named)} is not a built-in questionnaire ({known})"
    if why is None and not version:
        why = f"{describe(named)} names no version (url|version)"
    return why


class _Reader:
    """Reads a QuestionnaireResponse into a payload, collecting every problem."""

    def __init__(self) -> None:
        self.found = Problems()
        #: Where each part of the payload came from: JSON Pointer -> FHIR path.
        self.origin: dict[str, str] = {"": "QuestionnaireResponse"}

    def problem(self, at: str, message: str, keyword: str) -> None:
        self.found.add(at, message, keyword)

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
        self, resource: Mapping[str, Any], given: Questionnaire | None, published: str | None
    ) -> Questionnaire | None:
        """The questionnaire the resource names: ``given``, or a built-in one."""
        named = resource.get("questionnaire")
        if given is not None and named is None:
            return given
        why = _unnamed(named, given, published)
        if why is None:
            url, _, version = named.partition("|")  # type: ignore[union-attr]  # a str
            if given is not None:
                return given
            qid = DEFAULT_QUESTIONNAIRE if published is not None else url.rpartition("/")[2]
            try:
                return builtin(version, id=qid)
            except UnknownQuestionnaire as error:
                why = str(error)
        self.problem("QuestionnaireResponse.questionnaire", why, "questionnaire")
        return None

    def value(self, question: Question, answers: list[Any], at: str, system: str) -> object:
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
                f"{at}.answer", f"{len(values):,} answers to a question that takes one", "answer"
            )
            return _BAD
        return values[0]

    def option(self, question: Question, coding: object, at: str, system: str) -> object:
        node = self.mapping(coding, at)
        if node is None:
            return _BAD
        code, used = node.get("code"), node.get("system")
        if used == DECLINED["system"] and code == DECLINED["code"] and question.item.nullable:
            return None
        absent = question.not_applicable
        if used == NOT_APPLICABLE["system"] and code == NOT_APPLICABLE["code"] and absent:
            return absent
        if used == system and isinstance(code, str) and code in question.codes:
            return question.codes[code]
        offered = ", ".join(question.codes)
        others = [
            name
            for name, has in (
                ("asked-declined", question.item.nullable),
                ("not-applicable", absent),
            )
            if has
        ]
        self.problem(
            at,
            f"{describe(used)}#{describe(code)} is not an answer option of "
            f"{describe(question.item.id)} (codes {offered} of {system}"
            f"{', or ' + ' or '.join(others) if others else ''})",
            "answerOption",
        )
        return _BAD

    def group(
        self,
        node: Mapping[str, Any],
        at: str,
        where: str,
        questions: Mapping[str, Question],
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
        self, resource: object, given: Questionnaire | None, published: str | None
    ) -> tuple[Questionnaire | None, dict[str, Any]]:
        node = self.mapping(resource, _ROOT)
        if node is None or not self.envelope(node):
            return None, {}
        q = self.questionnaire(node, given, published)
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
        questions_by_id = layout(q)
        system = code_system_url(q)
        groups = {domain_group(d.id): d.items for d in q.domains}
        context = tuple(
            i for i, question in questions_by_id.items() if question.item.group == "context"
        )
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
            questions = {i: questions_by_id[i] for i in groups[link]}
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
    resource: object, *, questionnaire: Questionnaire | None = None, url: str | None = None
) -> dict[str, Any]:
    """The payload of a FHIR R4 ``QuestionnaireResponse`` to a blunting questionnaire.

    The resource names its questionnaire as ``url|version`` (a built-in one,
    unless ``questionnaire`` is given). With ``url``, an app's own canonical
    URL (given to :func:`to_questionnaire` too), it must name that url: the
    questionnaire is then ``questionnaire``, or else the built-in ``blunting``
    questionnaire of the version named. Raises :class:`InvalidResponse` with
    every problem, each at a FHIR path such as
    ``QuestionnaireResponse.item[2].item[0].answer[0]``; the payload returned
    is valid. See docs/fhir.md for what is read.

    .. versionadded:: 0.1.0
    """
    if url is not None:
        checked_url(url)
    reader = _Reader()
    q, payload = reader.read(resource, questionnaire, url)
    found = reader.found
    if q is not None:  # the schema's problems too, but one problem at a place is enough
        named = {problem.path for problem in found.found}
        found.extend(
            Problem(at, problem.message, problem.keyword)
            for problem in q.problems(payload)
            if (at := reader.where(problem.path)) not in named
        )
    found.raise_as(InvalidResponse)
    return payload
