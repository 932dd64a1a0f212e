"""What a schema asks of the strings at one place, in terms a column-wise engine can check.

A table holds a response's strings a column at a time. When the schema that
applies at a place is made of ``properties`` on the way and of ``type``,
``minLength``, ``maxLength``, ``pattern`` and ``format: date-time`` at the
place itself, its verdict on a string there is exactly :class:`StringRules`,
which a column engine checks without Python per value. Any other schema gets
``None``: its strings are checked one at a time, by the checker.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from blunting._schema._formats import DATE_TIME, real_date
from blunting._schema._patterns import pattern_problem, re2_parts

if TYPE_CHECKING:
    from collections.abc import Callable

#: Keywords that say nothing of whether an instance is valid.
_ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$comment",
    }
)
#: Keywords of an object on the way that constrain nothing at a named member.
_ON_THE_WAY = _ANNOTATIONS | {
    "$schema",
    "$id",
    "$defs",
    "type",
    "required",
    "properties",
    "additionalProperties",
}
_AT_THE_PLACE = _ANNOTATIONS | {"type", "minLength", "maxLength", "pattern", "format"}


@attrs.frozen
class StringRules:
    """A string is valid at its place exactly when it keeps every rule here."""

    min_length: int
    max_length: int | None
    #: RE2 patterns, each to match (``True``) or not (``False``), searched in the string.
    patterns: tuple[tuple[str, bool], ...]
    #: Whether ``real_date`` must hold of the string's first ten characters: a
    #: date-time's (whose syntax is then among the patterns).
    date_time: bool
    real_date: Callable[[str], bool] = attrs.field(default=real_date, repr=False)


def _plain(schema: dict[str, Any], allowed: frozenset[str]) -> bool:
    return all(key in allowed or key.startswith("x-") for key in schema)


def string_rules(schema: object, member: tuple[str, ...]) -> StringRules | None:
    """The rules of a string at ``member`` (a path of property names), or ``None``.

    ``None`` also when a string is not valid there at all, or when anything
    on the way could say more than the rules.
    """
    for name in member:
        if not isinstance(schema, dict) or not _plain(schema, _ON_THE_WAY):
            return None
        properties = schema.get("properties")
        if not isinstance(properties, dict) or name not in properties:
            return None
        schema = properties[name]
    if (
        not isinstance(schema, dict)
        or not _plain(schema, _AT_THE_PLACE)
        or schema.get("type") not in ("string", ["string"])
        or schema.get("format", "date-time") != "date-time"
    ):
        return None
    patterns: tuple[tuple[str, bool], ...] | None = ()
    if "pattern" in schema:
        pattern = schema["pattern"]
        patterns = None if pattern_problem(pattern) else re2_parts(pattern)
    if patterns is None:
        return None
    if "format" in schema:
        patterns += ((DATE_TIME, True),)
    return StringRules(
        min_length=schema.get("minLength", 0),
        max_length=schema.get("maxLength"),
        patterns=patterns,
        date_time="format" in schema,
    )
