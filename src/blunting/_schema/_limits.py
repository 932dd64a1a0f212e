"""Limits on a payload's shape, checked before a payload that fails is explained.

A valid payload is a few dozen values (its questionnaire's objects are closed
and its options few), so these limits never touch one. A payload that fails
the compiled checker is explained by jsonschema, whose work grows with the
payload; a payload past these limits is reported by them instead, at once.
"""

from __future__ import annotations

from typing import Any

from blunting._errors import Problem
from blunting._text import MAX_DEPTH, describe, pointer

#: The most members one object, or items one array, of a payload may hold.
MAX_MEMBERS = 1_000
#: The most values a payload may hold in all, at every depth.
MAX_VALUES = 10_000


def beyond_limits(payload: object) -> tuple[Problem, ...]:
    """A problem for each place where ``payload`` goes past a limit; empty when none does.

    Nothing past a limit is looked into: the work done is bounded by the
    limits, however large the payload.
    """
    found: list[Problem] = []
    values = 0
    stack: list[tuple[Any, tuple[object, ...]]] = [(payload, ())]
    while stack:
        value, at = stack.pop()
        if not isinstance(value, (dict, list)):
            continue
        if len(at) >= MAX_DEPTH:
            found.append(Problem(pointer(at), f"nested more than {MAX_DEPTH} levels deep", "limit"))
            continue
        if len(value) > MAX_MEMBERS:
            found.append(
                Problem(
                    pointer(at),
                    f"{describe(value)} is more than the {MAX_MEMBERS:,} that one place "
                    "of a payload may hold",
                    "limit",
                )
            )
            continue
        values += len(value)
        if values > MAX_VALUES:
            found.append(Problem("", f"the payload holds more than {MAX_VALUES:,} values", "limit"))
            break
        members = value.items() if isinstance(value, dict) else enumerate(value)
        stack.extend((member, (*at, key)) for key, member in members)
    return tuple(sorted(found, key=lambda problem: problem.path))
