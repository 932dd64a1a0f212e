"""Explaining a failure: jsonschema's errors as problems with JSON Pointers.

jsonschema is asked only here, and only about an instance that the compiled
verdict did not pass (see ``_checker``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator, ValidationError, validators
from jsonschema.exceptions import best_match

from blunting._errors import Problem
from blunting._schema._formats import FORMATS
from blunting._text import describe, nearest, pointer

if TYPE_CHECKING:
    from jsonschema.protocols import Validator
    from referencing.jsonschema import SchemaRegistry

_Keyword = Callable[[Any, Any, Any, Any], Iterator[ValidationError]]


#: What jsonschema's keywords raise on values it cannot write or compare: an
#: integer past Python's int-to-string limit, very deep nesting, and numbers
#: that are not JSON's (``1j < 0``, ``Decimal("NaN") < 0``).
_UNWRITABLE = (ValueError, RecursionError, TypeError, ArithmeticError)


def _guarded(keyword: str, check: _Keyword) -> _Keyword:
    """Wrap a keyword so that a value it cannot write or compare still yields an error.

    jsonschema writes values into messages with ``repr``, which fails for an
    integer beyond Python's int-to-string limit and for very deep nesting,
    and compares numbers that JSON does not have (``1j``) as if they were.
    """

    def guarded(
        validator: Any, value: Any, instance: Any, schema: Any
    ) -> Iterator[ValidationError]:
        try:
            yield from check(validator, value, instance, schema)
        except _UNWRITABLE:
            yield ValidationError(f"{describe(instance)} is not valid under {keyword!r}")

    return guarded


#: Draft 2020-12, with every keyword guarded as above; verdicts are unchanged.
_Guarded: type[Validator] = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator,
    validators={
        name: _guarded(name, check) for name, check in Draft202012Validator.VALIDATORS.items()
    },
)


class Validators:
    """jsonschema's validators of one schema: formats checked, no ``$ref`` ever fetched.

    Only when the plain validator fails to write a message (see ``_guarded``)
    is the instance checked again with every keyword guarded, so that rare
    case costs nothing on the usual path.
    """

    def __init__(self, schema: Mapping[str, Any], registry: SchemaRegistry) -> None:
        self._plain = Draft202012Validator(schema, registry=registry, format_checker=FORMATS)
        self._guarded = _Guarded(schema, registry=registry, format_checker=FORMATS)

    def errors(self, instance: Any) -> list[ValidationError]:
        """Every error jsonschema finds in ``instance``."""
        try:
            return list(self._plain.iter_errors(instance))
        except _UNWRITABLE:
            return list(self._guarded.iter_errors(instance))


def _member_names(error: ValidationError) -> Sequence[object]:
    """The members a ``required`` or ``additionalProperties`` error is about."""
    instance: dict[object, object] = error.instance  # type: ignore[assignment]  # objects only
    if error.validator == "required":
        required: list[object] = error.validator_value  # type: ignore[assignment]
        return [name for name in required if name not in instance]
    schema = error.schema if isinstance(error.schema, dict) else {}
    known = schema.get("properties", {})
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    return [
        name
        for name in instance
        if name not in known
        and not (isinstance(name, str) and any(p.search(name) for p in patterns))
    ]


def _unknown_member(name: object, schema: object) -> str:
    """A plain message for a member no property allows, with the nearest known name."""
    message = f"{describe(name)} is not allowed here (no such property)"
    known = schema.get("properties", {}) if isinstance(schema, dict) else {}
    if isinstance(name, str):
        near = nearest(name, tuple(k for k in known if isinstance(k, str)))
        if near is not None:
            message += f": did you mean {describe(near)}?"
    return message


#: JSON Schema's types, as a person would name them.
_KINDS = {
    "integer": "a whole number",
    "number": "a number",
    "string": "text",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


def _kind(value: object) -> str:
    """What kind of JSON value ``value`` is, in words."""
    if isinstance(value, bool):
        return "a true/false value"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "null" if value is None else "not a JSON value"


def _type_message(error: ValidationError) -> str:
    """A plain message for a value of the wrong type, with the fix where there is one.

    ``"3"`` where a number belongs is text: the fix is to write it without quotes.
    """
    wanted = (
        error.validator_value
        if isinstance(error.validator_value, list)
        else [error.validator_value]
    )
    names = [_KINDS.get(str(t), str(t)) for t in wanted]
    expected = " or ".join(names)
    value = error.instance
    if isinstance(value, (list, tuple, dict)):  # described by its kind already
        return f"{describe(value)} is not {expected}"
    message = f"{describe(value)} is {_kind(value)}, not {expected}"
    numeric = {"integer", "number"} & set(map(str, wanted))
    if numeric and isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        message += ": write the number without quotes"
    return message


#: Text that reads as a JSON number.
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")


def _plain_message(error: ValidationError) -> str | None:
    """Plain words for the keywords whose jsonschema messages a person cannot read."""
    keyword = str(error.validator)
    value, bound = error.instance, error.validator_value
    if keyword == "type":
        return _type_message(error)
    if keyword in ("minItems", "maxItems") and isinstance(value, list):
        count = f"{len(value):,} answer{'s' if len(value) != 1 else ''}"
        if keyword == "minItems":
            return f"{count} given: at least {bound} needed here"
        return f"{count} given: at most {bound} allowed here"
    if keyword == "uniqueItems":
        return f"{describe(value)} gives the same answer more than once"
    if keyword == "format" and bound == "date-time":
        return (
            f"{describe(value)} is not a date and time as RFC 3339 writes them, "
            "such as 2026-01-05T10:00:00+01:00"
        )
    return None


def _from_error(error: ValidationError) -> list[Problem]:
    path = pointer(error.absolute_path)
    keyword = str(error.validator)
    if keyword == "required":
        return [
            Problem(f"{path}{pointer([name])}", f"{describe(name)} is a required property", keyword)
            for name in _member_names(error)
        ]
    if keyword == "additionalProperties" and error.validator_value is False:
        return [
            Problem(f"{path}{pointer([name])}", _unknown_member(name, error.schema), keyword)
            for name in _member_names(error)
        ]
    message = _options_message(error) or _plain_message(error) or _short_message(error)
    return [Problem(path, message, keyword)]


#: A message longer than this shows its value in short (see ``describe``).
_LONGEST_MESSAGE = 300


def _short_message(error: ValidationError) -> str:
    """The message of ``error``, with a large value described rather than printed whole.

    jsonschema starts most messages with the ``repr`` of the value, which for a
    10 MB string is a 10 MB message.
    """
    message = error.message
    if len(message) <= _LONGEST_MESSAGE:
        return message
    shown = repr(error.instance)
    if message.startswith(shown):
        return describe(error.instance) + message[len(shown) :]
    return f"{describe(error.instance)} is not valid under {str(error.validator)!r}"


def _options_message(error: ValidationError) -> str | None:
    """A plain message for a value that is none of a question's options.

    jsonschema says "... is not valid under any of the given schemas" when a
    value matches no branch of a ``oneOf``; for options (every branch a
    ``const``) naming the options is clearer.
    """
    branches = error.validator_value
    if (
        error.validator != "oneOf"
        or not error.context
        or not isinstance(branches, list)
        or not all(isinstance(branch, dict) and "const" in branch for branch in branches)
    ):
        return None
    options = ", ".join(describe(branch["const"]) for branch in branches)
    message = f"{describe(error.instance)} is not one of the options ({options})"
    value = error.instance
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        numbers = [b["const"] for b in branches if type(b["const"]) in (int, float)]
        if any(float(value) == number for number in numbers):
            message += ": write the number without quotes"
    return message


#: Keywords whose failure only restates another failure at the same place.
_SUMMARIES = frozenset({"oneOf", "anyOf", "allOf", "if", "then", "else", "not", "$ref"})


def _release(errors: Iterable[ValidationError]) -> None:
    """Break the cycles between errors and their parents, so each is freed at once.

    A ``oneOf`` error holds its branches' errors, and each of those its parent.
    Left to the cyclic garbage collector, they pile up over a long stream.
    """
    for error in errors:
        _release(error.context)
        error.context.clear()
        error.parent = None


def explain(validators: Validators, instance: object) -> tuple[Problem, ...]:
    """Every problem jsonschema finds in ``instance``, the most relevant first.

    A missing or unexpected member gets a problem at its own pointer. At one
    place, a ``type`` problem stands alone (the other keywords then say the
    same thing again), a ``pattern`` problem gives way to a ``format`` problem,
    and a combining keyword (``oneOf``, ...) is reported only when nothing more
    specific failed there.
    """
    try:
        errors = validators.errors(instance)
    except RecursionError:
        return (Problem("", "the payload is nested too deeply to check", "maxDepth"),)
    if not errors:
        return ()
    best = best_match(errors)
    found: dict[Problem, None] = {}
    for error in [best, *errors]:
        for problem in _from_error(error):
            found.setdefault(problem)
    _release(errors)
    by_path: dict[str, set[str]] = {}
    for problem in found:
        by_path.setdefault(problem.path, set()).add(problem.keyword)

    def redundant(problem: Problem) -> bool:
        here = by_path[problem.path]
        if problem.keyword != "type" and "type" in here:
            return True
        if problem.keyword == "pattern" and "format" in here:
            return True  # a pattern that pins a format's syntax down says less than the format
        return problem.keyword in _SUMMARIES and bool(here - _SUMMARIES)

    kept = [problem for problem in found if not redundant(problem)]
    return tuple(kept) if kept else tuple(found)
