"""Hostile inputs: payloads and JSON texts built to crash, stall or swell a scorer.

Shared by tests/properties/test_hostile.py, which checks what each gives, and
benchmarks/refusals.py, which times each. Every one must give
``InvalidResponse`` (or a ``Rejection`` in a stream) with its problem at the
pointer given here, or be scored when the pointer is ``None``.
"""

from __future__ import annotations

import json
from typing import Any

ENVELOPE: dict[str, Any] = {"questionnaire": "blunting", "version": "1.0.0"}
HEAD = b'{"questionnaire": "blunting", "version": "1.0.0", '
DEEP = 100_000
BIG = 10_000_000
MANY = 1_000_000


def nested(depth: int) -> Any:
    """``[[...[0]...]]``, ``depth`` arrays deep."""
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


def _answer(value: object) -> dict[str, Any]:
    return {**ENVELOPE, "answers": {"crying_1": value}}


#: (what, payload, pointer of the first problem or None when valid, keyword)
PAYLOADS: list[tuple[str, Any, str | None, str | None]] = [
    (
        "nested 100,000 levels deep",
        {**ENVELOPE, "answers": {}, "context": {"impact": nested(DEEP)}},
        "/context/impact" + "/0" * 62,
        "limit",
    ),
    (
        "a 10 MB string",
        {**ENVELOPE, "answers": {}, "respondent": "x" * BIG},
        "/respondent",
        "maxLength",
    ),
    (
        "a million unknown keys",
        {**ENVELOPE, "answers": {}, **{f"k{n}": n for n in range(MANY)}},
        "",
        "limit",
    ),
    (
        "a million unknown answers",
        {**ENVELOPE, "answers": {f"k{n}": n for n in range(MANY)}},
        "/answers",
        "limit",
    ),
    (
        "a million medicines",
        {**ENVELOPE, "answers": {}, "context": {"medications": ["ssri"] * MANY}},
        "/context/medications",
        "limit",
    ),
    ("10**5000", _answer(10**5000), "/answers/crying_1", "maximum"),
    ("1e308", _answer(1e308), "/answers/crying_1", "maximum"),
    ("-0.0 (scores as 0)", _answer(-0.0), None, None),
    ("NaN", _answer(float("nan")), "/answers/crying_1", "type"),
    ("Infinity", _answer(float("inf")), "/answers/crying_1", "type"),
    ("a top-level array", [_answer(1)], "", "type"),
    ("a top-level string", "blunting", "", "type"),
    ("a top-level number", 1, "", "type"),
    ("a number as a string", _answer("3"), "/answers/crying_1", "type"),
    (
        "keys that are not strings",
        {**ENVELOPE, "answers": {1: 1}},
        "/answers/1",
        "additionalProperties",
    ),
]


def _text(value: object) -> bytes:
    return json.dumps(value).encode()


#: (what, JSON text, pointer of the first problem or None when valid)
TEXTS: list[tuple[str, bytes, str | None]] = [
    (
        "nested 100,000 levels deep",
        HEAD + b'"answers": {}, "x": ' + b"[" * DEEP + b"]" * DEEP + b"}",
        "",
    ),
    ("nested 100,000 levels, never closed", HEAD + b'"answers": ' + b"[" * DEEP, ""),
    ("a 10 MB string", HEAD + b'"answers": {}, "respondent": "' + b"x" * BIG + b'"}', ""),
    (
        "a million unknown keys",
        _text({**ENVELOPE, "answers": {}, **{f"k{n}": n for n in range(MANY)}}),
        "",
    ),
    (
        "50,000 unknown keys (under 1 MiB)",
        _text({**ENVELOPE, "answers": {}, **{f"{n}": 0 for n in range(50_000)}}),
        "",
    ),
    ("10**5000", HEAD + b'"answers": {"crying_1": 1' + b"0" * 5000 + b"}}", ""),
    ("1e308", HEAD + b'"answers": {"crying_1": 1e308}}', "/answers/crying_1"),
    ("1e400", HEAD + b'"answers": {"crying_1": 1e400}}', ""),
    ("-0.0 (scores as 0)", HEAD + b'"answers": {"crying_1": -0.0}}', None),
    ("NaN", HEAD + b'"answers": {"crying_1": NaN}}', ""),
    ("Infinity", HEAD + b'"answers": {"crying_1": Infinity}}', ""),
    ("-Infinity", HEAD + b'"answers": {"crying_1": -Infinity}}', ""),
    ("a duplicate key", HEAD + b'"answers": {"crying_1": 4, "crying_1": 0}}', ""),
    ("invalid UTF-8", HEAD + b'"answers": {}, "respondent": "\xff\xfe"}', ""),
    ("a byte-order mark", b"\xef\xbb\xbf" + HEAD + b'"answers": {}}', ""),
    ("a top-level array", b"[" + HEAD + b'"answers": {}}]', ""),
    ("a top-level string", b'"blunting"', ""),
    ("a top-level number", b"3", ""),
    ("a number as a string", HEAD + b'"answers": {"crying_1": "3"}}', "/answers/crying_1"),
]
