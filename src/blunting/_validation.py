"""Turning jsonschema's verdicts into problems with JSON Pointers."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from jsonschema import Draft202012Validator, FormatChecker, ValidationError, validators
from jsonschema.exceptions import best_match

from blunting._errors import Problem
from blunting._fast import Verdict, compile_checker
from blunting._formats import is_date_time
from blunting._json import describe, pointer

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


def _formats() -> FormatChecker:
    """Draft 2020-12's format checks, with ``date-time`` our own (see ``_formats``).

    jsonschema checks ``date-time`` only when rfc3339-validator is installed,
    and its pattern ends in ``$``, which also accepts a trailing newline.
    """
    checker = FormatChecker()
    checker.checkers = dict(Draft202012Validator.FORMAT_CHECKER.checkers)
    checker.checkers["date-time"] = (is_date_time, ())
    checker.checkers["regex"] = (_is_regex, (re.error,))
    return checker


def _is_regex(instance: object) -> bool:
    """Whether ``instance`` compiles as a regular expression, as jsonschema checks it.

    ``re`` warns of some patterns (``[a--z]``: "possible set difference"),
    which an application that turns warnings into errors would see as a
    crash; the loader refuses such patterns with a problem instead.
    """
    if not isinstance(instance, str):
        return True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return re.compile(instance) is not None


_FORMATS = _formats()
#: The formats that are really checked.
CHECKED_FORMATS = frozenset(_FORMATS.checkers)


class _Errors(Protocol):
    def verdict(self, instance: object) -> Verdict: ...
    def iter_errors(self, instance: Any) -> Iterator[ValidationError]: ...


class Compiled:
    """A schema ready to check instances: formats checked, no ``$ref`` ever fetched.

    ``verdict`` is a checker compiled from the schema (see ``_fast``): it gives
    jsonschema's verdict at a fraction of the cost, or none when it cannot be
    sure. jsonschema's own validator finds the errors. Only when it fails to
    write a message (see ``_guarded``) is the instance checked again with every
    keyword guarded, so that rare case costs nothing on the usual path.
    """

    def __init__(self, schema: Mapping[str, Any], registry: SchemaRegistry) -> None:
        self._plain = Draft202012Validator(schema, registry=registry, format_checker=_FORMATS)
        self._guarded = _Guarded(schema, registry=registry, format_checker=_FORMATS)
        self.verdict: Callable[[object], Verdict] = compile_checker(
            schema,
            registry.resolver(base_uri=schema.get("$id", "")),
            Draft202012Validator.VALIDATORS,
            _FORMATS.checkers,
        )

    def iter_errors(self, instance: Any) -> Iterator[ValidationError]:
        """Every error jsonschema finds in ``instance``."""
        try:
            errors = list(self._plain.iter_errors(instance))
        except _UNWRITABLE:
            errors = list(self._guarded.iter_errors(instance))
        return iter(errors)


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
            Problem(
                f"{path}{pointer([name])}",
                f"{describe(name)} is not allowed here (no such property)",
                keyword,
            )
            for name in _member_names(error)
        ]
    return [Problem(path, _options_message(error) or _short_message(error), keyword)]


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
    return f"{describe(error.instance)} is not one of the options ({options})"


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


def problems(validator: _Errors, instance: object) -> tuple[Problem, ...]:
    """Every problem the schema finds in ``instance``, the most relevant first.

    A missing or unexpected member gets a problem at its own pointer. At one
    place, a ``type`` problem stands alone (the other keywords then say the
    same thing again), a ``pattern`` problem gives way to a ``format`` problem,
    and a combining keyword (``oneOf``, ...) is reported only when nothing more
    specific failed there.
    """
    if validator.verdict(instance) is True:
        return ()
    try:
        errors = list(validator.iter_errors(instance))
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
