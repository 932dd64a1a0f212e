"""Building a questionnaire from its document: the vocabulary's checks, then the pieces."""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

from referencing import Resource
from referencing.exceptions import Unresolvable
from referencing.jsonschema import DRAFT202012

from blunting._errors import InvalidQuestionnaire, Problem, Problems
from blunting._questionnaire._model import Domain, Item, Option, Questionnaire
from blunting._questionnaire._resources import shipped, vocabulary_registry
from blunting._schema import CHECKED_FORMATS, Checker, pattern_problem
from blunting._scoring import DomainKey, Scorer, ScoringKey
from blunting._text import describe, pointer

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from referencing.jsonschema import SchemaRegistry


def _options(
    question: Mapping[str, Any],
    key: Mapping[str, Any],
    exclusive: frozenset[object] = frozenset(),
    *,
    scored: bool,
) -> tuple[Option, ...]:
    """A question's options, in order; a null one last when the key words null for it.

    A question that takes null but cannot list it (one of several answers,
    whose options are for the list's elements) gets the key's ``null_title``
    as the words of null. A scored item's option of the key's
    ``not_applicable`` value is marked as such.
    """
    not_applicable = key.get("not_applicable") if scored else None
    options = tuple(
        Option(
            option["const"],
            option["title"],
            exclusive=option["const"] in exclusive,
            not_applicable=not_applicable is not None and option["const"] == not_applicable,
        )
        for option in _choices(question)["oneOf"]
    )
    title = key.get("null_title")
    if title is not None and _nullable(question) and all(o.value is not None for o in options):
        options += (Option(None, title, exclusive="items" in question),)
    return options


def _exclusive(
    document: Mapping[str, Any], registry: SchemaRegistry, group: str, item: str
) -> frozenset[object]:
    """The options of a multiple-choice question that its schema lets stand only alone.

    Read from what the schema accepts, not from how it says it: an option is
    exclusive when it is a valid answer by itself and no answer of it and one
    other option, in either order, is valid.
    """
    question = document["properties"][group]["properties"][item]
    values = [option["const"] for option in question["items"]["oneOf"]]
    checker = Checker(
        {"$ref": f"{document['$id'].removesuffix('#')}#/properties/{group}/properties/{item}"},
        registry,
        limits=False,
    )

    def valid(answer: list[object]) -> bool:
        verdict = checker.verdict(answer)
        return not checker.problems(answer) if verdict is None else verdict

    return frozenset(
        value
        for value in values
        if len(values) > 1
        and valid([value])
        and not any(
            valid([value, other]) or valid([other, value]) for other in values if other != value
        )
    )


def _choices(question: Mapping[str, Any]) -> Mapping[str, Any]:
    """The schema that holds a question's options: itself, or its ``items``."""
    choices: Mapping[str, Any] = question.get("items", question)
    return choices


def _walk(
    node: object, at: tuple[object, ...] = ()
) -> Iterator[tuple[tuple[object, ...], str, Any]]:
    """Every ``(path, keyword, value)`` in a document, for keywords found by name."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield at, key, value
            yield from _walk(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*at, index))


class _Checker:
    """The cross-reference rules of the vocabulary (docs/vocabulary.md)."""

    def __init__(
        self, document: dict[str, Any], registry: SchemaRegistry, checker: Checker
    ) -> None:
        self.document = document
        self.registry = registry
        self.checker = checker
        self.found = Problems()
        properties = document["properties"]
        self.scored: dict[str, Any] = properties["answers"]["properties"]
        self.context: dict[str, Any] = properties.get("context", {}).get("properties", {})
        self.key: dict[str, Any] = document["x-scoring"]

    def problem(self, path: tuple[object, ...], message: str, keyword: str) -> None:
        self.found.add(pointer(path), message, keyword)

    def run(self) -> Problems:
        low, high = self.key["scale"]["minimum"], self.key["scale"]["maximum"]
        if low >= high:
            self.problem(
                ("x-scoring", "scale", "maximum"),
                f"maximum ({high}) must be greater than minimum ({low})",
                "scale",
            )
        self._membership(self._domains())
        self._impact()
        self._not_applicable()
        if low < high:
            for item, question in self.scored.items():
                self._bounds(item, question, low, high)
        for group, questions in (("answers", self.scored), ("context", self.context)):
            for item, question in questions.items():
                self._options(("properties", group, "properties", item), question)
        self._references_and_formats()
        if not self.found:
            self._defaults()
        return self.found

    def _membership(self, owner: dict[str, str]) -> None:
        """Every scored item is in a domain; every reverse key is a scored item."""
        for item in self.scored:
            if item not in owner:
                self.problem(
                    ("properties", "answers", "properties", item),
                    f"scored item {describe(item)} is in no domain",
                    "domains",
                )
        for index, item in enumerate(self.key.get("reverse", [])):
            if item not in owner:
                self.problem(
                    ("x-scoring", "reverse", index),
                    f"{describe(item)} is not an item of any domain",
                    "reverse",
                )

    def _domains(self) -> dict[str, str]:
        owner: dict[str, str] = {}
        seen: set[str] = set()
        for index, domain in enumerate(self.key["domains"]):
            at = ("x-scoring", "domains", index)
            if domain["id"] in seen:
                self.problem(
                    (*at, "id"), f"domain id {describe(domain['id'])} is used twice", "domains"
                )
            seen.add(domain["id"])
            for position, item in enumerate(domain["items"]):
                if item not in self.scored:
                    self.problem(
                        (*at, "items", position),
                        f"{describe(item)} is not a question under /properties/answers/properties",
                        "domains",
                    )
                elif item in owner:
                    self.problem(
                        (*at, "items", position),
                        f"{describe(item)} is already in domain {describe(owner[item])}; "
                        "an item belongs to exactly one domain",
                        "domains",
                    )
                else:
                    owner[item] = domain["id"]
            if domain["min_answered"] > len(domain["items"]):
                self.problem(
                    (*at, "min_answered"),
                    f"min_answered ({domain['min_answered']}) is more than the domain's "
                    f"{len(domain['items'])} items",
                    "min_answered",
                )
        return owner

    def _impact(self) -> None:
        impact = self.key.get("impact")
        if impact is None:
            return
        question = self.context.get(impact)
        if question is None:
            self.problem(
                ("x-scoring", "impact"),
                f"{describe(impact)} is not a question under /properties/context/properties",
                "impact",
            )
        elif "items" in question or not all(
            _is_int(option["const"]) or option["const"] is None for option in question["oneOf"]
        ):
            self.problem(
                ("x-scoring", "impact"),
                f"the impact question {describe(impact)} must take one integer answer",
                "impact",
            )

    def _not_applicable(self) -> None:
        """The not-applicable value, if any, is an option of some scored item."""
        value = self.key.get("not_applicable")
        if value is not None and not any(
            option["const"] == value
            for question in self.scored.values()
            for option in question.get("oneOf", ())
        ):
            self.problem(
                ("x-scoring", "not_applicable"),
                f"{describe(value)} is not an option of any scored item",
                "not_applicable",
            )

    def _bounds(self, item: str, question: Mapping[str, Any], low: int, high: int) -> None:
        at = ("properties", "answers", "properties", item)
        if "items" in question:
            self.problem((*at, "items"), "a scored item takes one answer, not a list", "scale")
            return
        skipped = (None, self.key.get("not_applicable"))
        codes = [option["const"] for option in question["oneOf"] if option["const"] not in skipped]
        if not all(_is_int(code) for code in codes) or sorted(codes) != list(range(low, high + 1)):
            self.problem(
                (*at, "oneOf"),
                f"the options must be the integers {low} to {high}, once each "
                "(and optionally null and the not-applicable option)",
                "scale",
            )
        for bound, expected in (("minimum", low), ("maximum", high)):
            if bound in question and question[bound] != expected:
                self.problem(
                    (*at, bound),
                    f"{bound} ({describe(question[bound])}) differs from the scale's {expected}",
                    "scale",
                )

    def _options(self, at: tuple[object, ...], question: Mapping[str, Any]) -> None:
        choices = _choices(question)
        if choices is not question:
            at = (*at, "items")
        codes = [option["const"] for option in choices["oneOf"]]
        if len({json.dumps(code) for code in codes}) != len(codes):
            self.problem((*at, "oneOf"), "two options have the same value", "oneOf")
        enum = choices.get("enum")
        if enum is not None and (len(enum) != len(codes) or any(c not in enum for c in codes)):
            self.problem((*at, "enum"), "enum must list exactly the options' values", "enum")

    def _defaults(self) -> None:
        """A question's ``default`` (always null) must be a valid answer to it."""
        envelope = self.document["properties"]
        payload: dict[str, Any] = {
            "questionnaire": envelope["questionnaire"]["const"],
            "version": envelope["version"]["const"],
            "answers": {item: None for item, q in self.scored.items() if "default" in q},
        }
        if "context" in envelope:
            payload["context"] = {item: None for item, q in self.context.items() if "default" in q}
        for problem in self.checker.problems(payload):
            group, item = problem.path.split("/")[1:3]  # identifiers: nothing to unescape
            self.problem(
                ("properties", group, "properties", item, "default"),
                f"the default null is not a valid answer here: {problem.message}",
                "default",
            )

    def _references_and_formats(self) -> None:
        resolver = self.registry.resolver(base_uri=self.document["$id"])
        targets: dict[tuple[object, ...], object] = {}  # each $ref's place, and its target
        for at, keyword, value in _walk(self.document):
            if keyword == "$ref" and isinstance(value, str):
                try:
                    targets[at] = resolver.lookup(value).contents
                except Unresolvable:
                    self.problem(
                        (*at, keyword),
                        f"{describe(value)} does not resolve here (nothing is fetched)",
                        "$ref",
                    )
            elif keyword in ("$dynamicRef", "$recursiveRef"):
                self.problem(
                    (*at, keyword),
                    f"{keyword} is not used in a questionnaire: where it leads depends on "
                    "the way taken to it",
                    "$ref",
                )
            elif keyword == "format" and isinstance(value, str) and value not in CHECKED_FORMATS:
                self.problem(
                    (*at, keyword), f"format {describe(value)} would not be checked", "format"
                )
            elif keyword == "pattern" and isinstance(value, str):
                self._pattern((*at, keyword), value)
            elif keyword == "patternProperties" and isinstance(value, dict):
                for pattern in value:
                    self._pattern((*at, keyword, pattern), pattern)
        for at in _recursive(self.document, targets):
            self.problem(
                (*at, "$ref"),
                "this $ref leads back to itself: a questionnaire's schema is not recursive",
                "$ref",
            )

    def _pattern(self, at: tuple[object, ...], pattern: str) -> None:
        reason = pattern_problem(pattern)
        if reason is not None:
            self.problem(at, f"pattern {describe(pattern)} is refused: {reason}", "pattern")


def _recursive(
    document: object, targets: dict[tuple[object, ...], object]
) -> list[tuple[object, ...]]:
    """The places of the ``$ref`` keywords that lead, through other references, back to themselves.

    A ``$ref`` leads to every ``$ref`` inside its target. Targets outside the
    document (the shipped schemas) lead nowhere new.
    """
    places = {id(node): at for at, node in _nodes(document)}
    leads: dict[tuple[object, ...], list[tuple[object, ...]]] = {}
    for at, target in targets.items():
        inside = places.get(id(target))
        leads[at] = (
            [] if inside is None else [other for other in targets if other[: len(inside)] == inside]
        )
    recursive = []
    for start in targets:
        seen: set[tuple[object, ...]] = set()
        stack = list(leads[start])
        while stack:
            at = stack.pop()
            if at == start:
                recursive.append(start)
                break
            if at not in seen:
                seen.add(at)
                stack += leads[at]
    return recursive


def _nodes(node: object, at: tuple[object, ...] = ()) -> list[tuple[tuple[object, ...], object]]:
    """Every object and array of a document, with its place."""
    found: list[tuple[tuple[object, ...], object]] = []
    if isinstance(node, dict):
        found.append((at, node))
        for key, value in node.items():
            found += _nodes(value, (*at, key))
    elif isinstance(node, list):
        found.append((at, node))
        for index, value in enumerate(node):
            found += _nodes(value, (*at, index))
    return found


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@functools.cache
def _meta() -> Checker:
    return Checker(shipped("vocabulary/1/meta.json"), vocabulary_registry(), limits=False)


def build(document: object) -> Questionnaire:
    """Check a parsed questionnaire document and build its :class:`Questionnaire`."""
    if not isinstance(document, dict):
        raise InvalidQuestionnaire(
            [Problem("", f"{describe(document)} is not a questionnaire document", "type")]
        )
    found = _meta().problems(document)
    if found:
        raise InvalidQuestionnaire(found)
    registry = vocabulary_registry().with_resource(
        document["$id"], Resource.from_contents(document, DRAFT202012)
    )
    checker = Checker(document, registry)
    _Checker(document, registry, checker).run().raise_as(InvalidQuestionnaire)
    key = document["x-scoring"]
    envelope = document["properties"]
    reverse = frozenset(key.get("reverse", ()))
    domains = tuple(
        Domain(
            id=domain["id"],
            title=domain["title"],
            items=tuple(domain["items"]),
            min_answered=domain["min_answered"],
            description=domain.get("description"),
        )
        for domain in key["domains"]
    )
    owner = {item: domain.id for domain in domains for item in domain.items}
    groups = [
        (envelope[group], group)
        for group in ("answers", "context")
        if group in envelope  # context is optional
    ]
    items = tuple(
        Item(
            id=item,
            text=question["title"],
            domain=owner.get(item),
            reverse=item in reverse,
            options=_options(
                question,
                key,
                _exclusive(document, registry, group, item) if "items" in question else frozenset(),
                scored=group == "answers",
            ),
            description=question.get("description"),
            multiple="items" in question,
            required=item in schema.get("required", ()),
            nullable=_nullable(question),
        )
        for schema, group in groups
        for item, question in schema.get("properties", {}).items()
    )
    qid = envelope["questionnaire"]["const"]
    version = envelope["version"]["const"]
    return Questionnaire(
        id=qid,
        version=version,
        title=document["title"],
        items=items,
        domains=domains,
        scale=(key["scale"]["minimum"], key["scale"]["maximum"]),
        description=document.get("description"),
        context_title=envelope["context"].get("title", "Context")
        if "context" in envelope
        else None,
        document=json.dumps(document, ensure_ascii=False, separators=(",", ":")),
        checker=checker,
        scorer=Scorer(
            ScoringKey(
                questionnaire=qid,
                version=version,
                minimum=key["scale"]["minimum"],
                maximum=key["scale"]["maximum"],
                domains=tuple(
                    DomainKey(
                        id=domain.id,
                        items=tuple((item, item in reverse) for item in domain.items),
                        min_answered=domain.min_answered,
                    )
                    for domain in domains
                ),
                impact=key.get("impact"),
                not_applicable=key.get("not_applicable"),
            )
        ),
    )


def _nullable(question: Mapping[str, Any]) -> bool:
    """Whether ``null`` may answer a question: an option, or a type, says so."""
    types = question.get("type")
    return any(option["const"] is None for option in _choices(question)["oneOf"]) or (
        types == "null" or (isinstance(types, list) and "null" in types)
    )
