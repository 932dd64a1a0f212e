"""Hypothesis strategies for payloads of any questionnaire in the vocabulary.

Everything here is read from a Questionnaire object, never written for one
questionnaire, so the same strategies serve the built-in and the test ones.
"""

from __future__ import annotations

import copy
import math
from datetime import UTC, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from hypothesis import strategies as st

if TYPE_CHECKING:
    import blunting

#: Values that are never a valid answer to a scored item, whatever its scale.
NOT_AN_ANSWER: list[Any] = [
    True,
    False,
    "3",
    "",
    2.5,
    float("nan"),
    float("inf"),
    float("-inf"),
    1e308,
    2**64,
    -(2**64),
    [],
    [1],
    {},
    {"value": 1},
]

#: Strings that are not RFC 3339 date-times.
NOT_A_DATE_TIME = [
    "2026-02-30T10:00:00Z",
    "2026-02-29T10:00:00Z",
    "2026-13-01T10:00:00Z",
    "2026-03-01T24:00:00Z",
    "2026-03-01T10:60:00Z",
    "2026-03-01T10:00:00",
    "2026-03-01",
    "10:00:00Z",
    "2026-03-01T10:00:00Z\n",
    " 2026-03-01T10:00:00Z",
    "2026-03-01T10:00:00+24:00",
    "yesterday",
    "",
]


def scored(q: blunting.Questionnaire) -> list[blunting.Item]:
    return [item for item in q.items if item.domain is not None]


def unscored(q: blunting.Questionnaire) -> list[blunting.Item]:
    return [item for item in q.items if item.domain is None]


def _optional_members(
    members: dict[str, st.SearchStrategy[Any]],
) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional=members)


def counted(item: blunting.Item, value: Any) -> bool:
    """Whether an answer to a scored item counts (docs/scoring.md, rule 1).

    Neither null nor the option that says the item's situation did not happen.
    """
    return value is not None and not any(
        o.not_applicable and o.value == value for o in item.options
    )


def answers(
    q: blunting.Questionnaire, *, complete: bool = False
) -> st.SearchStrategy[dict[str, Any]]:
    """Answers to the scored items: any subset (or all), each an option (null included).

    ``complete``: every item answered with an answer that counts.
    """
    members = {item.id: st.sampled_from([o.value for o in item.options]) for item in scored(q)}
    if complete:
        values = {
            item.id: st.sampled_from([o.value for o in item.options if counted(item, o.value)])
            for item in scored(q)
        }
        return st.fixed_dictionaries(values)
    return _optional_members(members)


def _context_value(item: blunting.Item) -> st.SearchStrategy[Any]:
    values = [o.value for o in item.options]
    if item.multiple:
        choices = [value for value in values if value is not None]
        # [] is valid only where the question allows it (1.1.0): payloads() filters
        return st.none() | st.lists(st.sampled_from(choices), unique=True)
    return st.sampled_from(values)


def context(q: blunting.Questionnaire) -> st.SearchStrategy[dict[str, Any]]:
    return _optional_members({item.id: _context_value(item) for item in unscored(q)})


def date_times() -> st.SearchStrategy[str]:
    offsets = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(
        lambda minutes: timezone(timedelta(minutes=minutes))
    )
    return st.builds(
        lambda moment, zone: moment.replace(tzinfo=UTC).astimezone(zone).isoformat(),
        st.datetimes(
            min_value=datetime(1900, 1, 2),  # noqa: DTZ001 - naive, given a zone below
            max_value=datetime(2200, 1, 1),  # noqa: DTZ001
        ),
        offsets,
    )


def payloads(
    q: blunting.Questionnaire, *, complete: bool = False
) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads the questionnaire accepts (some context combinations are filtered out)."""
    required = {
        "questionnaire": st.just(q.id),
        "version": st.just(q.version),
        "answers": answers(q, complete=complete),
    }
    optional: dict[str, st.SearchStrategy[Any]] = {
        "respondent": st.text(min_size=1, max_size=128),
        "completed": date_times(),
    }
    if unscored(q):
        optional["context"] = context(q)
    return st.fixed_dictionaries(required, optional=optional).filter(lambda p: not q.problems(p))


#: Values that test the edges of JSON Schema's types and of Python's equality.
HOSTILE: list[Any] = [
    True,
    False,
    None,
    0,
    1,
    4,
    5,
    -1,
    3.0,
    -0.0,
    0.0,
    4.0,
    2.5,
    1e308,
    -1e308,
    2**64,
    -(2**64),
    10**30,
    math.nan,
    math.inf,
    -math.inf,
    "",
    "3",
    "yes",
    "ssri",
    "none",
    "unknown",
    "blunting",
    "1.0.0",
    "x" * 129,
    [],
    [None],
    [True],
    [1],
    ["ssri"],
    ["ssri", "ssri"],
    ["none", "ssri"],
    ["unknown", "none"],
    ["ssri", "snri"],
    [["ssri"]],
    {},
    {"crying_1": 1},
    {"value": 1},
    *NOT_A_DATE_TIME,
    "2024-02-29T10:00:00Z",
    "2026-03-01t10:00:00z",
    "2026-03-01T10:00:00.5+05:30",
    # date-times that some validators' formats accept and RFC 3339 does not
    "2026-03-01 10:00:00Z",
    "2026-03-01T10:00:00+01",
    "2026-03-01T10:00:00+0100",
    "2016-12-31T23:59:60Z",
    "0000-03-01T10:00:00Z",
    "\u0662\u0660\u0662\u0666-03-01T10:00:00Z",
    "\U0001f600" * 128,
    "\U0001f600" * 129,
]


def _paths(value: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside a payload, the payload itself included."""
    found = [at]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*at, index))
    return found


def _container(payload: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        payload = payload[part]
    return payload


@st.composite
def mutated(draw: st.DrawFn, q: blunting.Questionnaire) -> Any:
    """A valid payload, then one to three changes: values replaced, members removed or added."""
    payload = copy.deepcopy(draw(payloads(q)))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(payload)))
        change = draw(st.sampled_from(["replace", "remove", "add"]))
        value = copy.deepcopy(draw(st.sampled_from(HOSTILE)))  # HOSTILE stays as it is
        if not path:
            payload = value if change == "replace" else payload
            continue
        parent = _container(payload, path[:-1])
        if change == "replace":
            parent[path[-1]] = value
        elif change == "remove":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            name = draw(st.sampled_from(["crying_1", "impact", "extra", "answers", "positive_9"]))
            parent[name] = value
        else:
            parent.append(value)
        if not isinstance(payload, (dict, list)):
            break
    return payload
