"""Problems in plain words, with the fix where there is one; pointers and keywords as ever."""

from __future__ import annotations

from typing import Any

import pytest

import blunting

ENVELOPE = {"questionnaire": "blunting", "version": "1.0.0"}


def problems(payload: object) -> list[tuple[str, str, str]]:
    with pytest.raises(blunting.InvalidResponse) as raised:
        blunting.validate(payload)
    return [(p.path, p.keyword, p.message) for p in raised.value.problems]


@pytest.mark.parametrize(
    ("answers", "context", "expected"),
    [
        (
            {"crying_1": "3"},
            {},
            (
                "/answers/crying_1",
                "type",
                '"3" is text, not a whole number or null: write the number without quotes',
            ),
        ),
        (
            {"crying_1": "-2.5e1"},
            {},
            (
                "/answers/crying_1",
                "type",
                '"-2.5e1" is text, not a whole number or null: write the number without quotes',
            ),
        ),
        (
            {"crying_1": "three"},
            {},
            ("/answers/crying_1", "type", '"three" is text, not a whole number or null'),
        ),
        (
            {"crying_1": True},
            {},
            ("/answers/crying_1", "type", "true is a true/false value, not a whole number or null"),
        ),
        (
            {"cyring_2": 2},
            {},
            (
                "/answers/cyring_2",
                "additionalProperties",
                '"cyring_2" is not allowed here (no such property): did you mean "crying_2"?',
            ),
        ),
        (
            {"zzz": 2},
            {},
            (
                "/answers/zzz",
                "additionalProperties",
                '"zzz" is not allowed here (no such property)',
            ),
        ),
        (
            {},
            {"medications": ["ssri", "none"]},
            (
                "/context/medications",
                "maxItems",
                '"None" goes alone: choose it without any other answer',
            ),
        ),
        (
            {},
            {"medications": ["unknown", "ssri"]},
            (
                "/context/medications",
                "maxItems",
                '"I don\'t know" goes alone: choose it without any other answer',
            ),
        ),
        (
            {},
            {"medications": []},
            ("/context/medications", "minItems", "0 answers given: at least 1 needed here"),
        ),
        (
            {},
            {"medications": ["ssri", "ssri"]},
            (
                "/context/medications",
                "uniqueItems",
                "an array of 2 items gives the same answer more than once",
            ),
        ),
    ],
)
def test_plain_words_with_the_fix(
    answers: dict[str, Any], context: dict[str, Any], expected: tuple[str, str, str]
) -> None:
    payload = {**ENVELOPE, "answers": answers, "context": context}
    assert problems(payload) == [expected]


def test_a_date_that_is_not_rfc_3339_says_what_one_looks_like() -> None:
    ((path, keyword, message),) = problems({**ENVELOPE, "answers": {}, "completed": "5 Jan 2026"})
    assert (path, keyword) == ("/completed", "format")
    assert message.endswith("such as 2026-01-05T10:00:00+01:00")


def test_a_broken_envelope_does_not_hide_the_other_problems() -> None:
    answers = {"crying_1": 9, "cyring_2": 1}
    for envelope, first in [
        ({"version": "1.0.0"}, [("/questionnaire", "required")]),
        ({"questionnaire": "blunting"}, [("/version", "required")]),
        ({"questionnaire": "blunting", "version": "0.9"}, [("/version", "const")]),
        ({}, [("/questionnaire", "required"), ("/version", "required")]),
    ]:
        found = [(path, keyword) for path, keyword, _ in problems({**envelope, "answers": answers})]
        assert found[: len(first)] == first
        assert sorted(found[len(first) :]) == [
            ("/answers/crying_1", "maximum"),
            ("/answers/cyring_2", "additionalProperties"),
        ]
    # an unknown questionnaire cannot be known: its envelope is all that is said
    assert [
        p[:2] for p in problems({"questionnaire": "other", "version": "1.0.0", "answers": answers})
    ] == [("/questionnaire", "const")]


def test_a_response_that_is_not_an_object() -> None:
    assert problems([1, 2, 3]) == [
        ("", "type", "an array of 3 items is not an object: a response is a JSON object")
    ]
