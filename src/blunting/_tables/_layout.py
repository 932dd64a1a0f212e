"""The wide layout: a questionnaire's responses as a table, one row a response.

Derived from the questionnaire's model, never written for one questionnaire
(docs/tables.md):

- ``questionnaire``, ``version``, ``respondent``, ``completed``: text, each
  optional (without the first two, the caller names the questionnaire);
  ``completed`` may also be a time-zone-aware timestamp;
- one column per question, named by its id, holding its answer as a payload
  holds it: an integer column for a scale, text for an option of words, a list
  of them for a question of several answers. A null cell is no answer;
- ``<id>_missing``, optional, says why an answer is missing when it is:
  ``declined`` ("Prefer not to answer", the payload's ``null``) or
  ``not_applicable`` (the option that says the item's situation did not
  happen).
"""

from __future__ import annotations

import decimal
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from blunting._errors import InvalidQuestionnaire, InvalidResponse, Problem, Problems
from blunting._questionnaire import ANSWERS, CONTEXT, dispatch
from blunting._text import describe, pointer

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from blunting._questionnaire import Item, Questionnaire

#: The response's own columns, in order.
ENVELOPE = ("questionnaire", "version", "respondent", "completed")
#: The suffix of the column that says why a question's answer is missing.
MISSING = "_missing"
#: Why an answer is missing: declined ("Prefer not to answer", ``null``), or
#: the item's situation did not happen (its not-applicable option).
DECLINED, NOT_APPLICABLE = "declined", "not_applicable"

_INTEGERS = (pa.int8(), pa.int16(), pa.int32(), pa.int64())
#: What Arrow raises for values it cannot hold in one column.
NOT_ARROW = (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError)


def value_type(item: Item) -> pa.DataType:
    """The Arrow type of a question's column: the smallest that holds its options."""
    values = [o.value for o in item.options if o.value is not None and not o.not_applicable]
    numbers = [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
    if values and len(numbers) == len(values):
        kind = next(t for t in _INTEGERS if _fits(t, min(numbers), max(numbers)))
    elif all(isinstance(v, str) for v in values):
        kind = pa.string()
    else:
        message = f"the options of {item.id} mix numbers and text: a column holds one kind"
        raise InvalidQuestionnaire([Problem(f"/{item.group}/{item.id}", message, "tables")])
    return pa.list_(kind) if item.multiple else kind


def _fits(kind: pa.DataType, low: int, high: int) -> bool:
    bits = int(kind.bit_width) - 1
    return -(1 << bits) <= low and high < (1 << bits)


def layout(q: Questionnaire) -> pa.Schema:
    """The Arrow schema of the wide layout of ``q``'s responses: every column it may hold.

    Only the columns of the scored items are required in a table; every
    column may hold nulls.
    """
    fields = [
        pa.field(name, pa.string(), metadata={"description": description})
        for name, description in (
            ("questionnaire", "the questionnaire's id"),
            ("version", "the questionnaire's version"),
            ("respondent", "the respondent's id"),
            ("completed", "when the person finished: RFC 3339 text, or a time-zone-aware time"),
        )
    ]
    fields += [
        pa.field(item.id, value_type(item), metadata={"description": item.text}) for item in q.items
    ]
    fields += [
        pa.field(
            item.id + MISSING,
            pa.string(),
            metadata={"description": f"why {item.id} has no answer: declined or not_applicable"},
        )
        for item in q.items
    ]
    return pa.schema(fields, metadata={"questionnaire": q.id, "version": q.version})


def not_applicable_value(item: Item) -> object:
    """The value of an item's not-applicable option, or ``None`` when it has none."""
    return next((o.value for o in item.options if o.not_applicable), None)


def from_payloads(
    payloads: Iterable[object], questionnaire: Questionnaire | None = None
) -> pa.Table:
    """A table in the wide layout of the payloads, a row each, in order.

    Each payload must be valid, for ``questionnaire`` or for the built-in
    questionnaire it names (all of one questionnaire and version); otherwise
    ``InvalidResponse`` names every problem, at ``/<row>/<pointer>``.
    """
    rows: list[dict[str, Any]] = []
    found = Problems()
    q = questionnaire
    for index, payload in enumerate(payloads):
        try:
            named = q if q is not None else dispatch(payload)
        except InvalidResponse as error:
            for problem in error.problems:
                found.add(f"/{index}{problem.path}", problem.message, problem.keyword)
            continue
        if q is None:
            q = named
        elif questionnaire is None and (named.id, named.version) != (q.id, q.version):
            message = (
                f"names {named.id} {named.version}, where the rows before name {q.id} {q.version}"
            )
            found.add(f"/{index}", message, "tables")
            continue
        problems = q.problems(payload)
        for problem in problems:
            found.add(f"/{index}{problem.path}", problem.message, problem.keyword)
        if not problems:
            rows.append(_row(q, payload))  # type: ignore[arg-type]
    found.raise_as(InvalidResponse)
    if q is None:
        message = "no payloads, and no questionnaire: name the questionnaire of an empty table"
        raise InvalidResponse([Problem("", message, "tables")])
    schema = layout(q)
    return pa.table(
        {f.name: pa.array([r.get(f.name) for r in rows], f.type) for f in schema}, schema
    )


def _row(q: Questionnaire, payload: Mapping[str, Any]) -> dict[str, Any]:
    """A valid payload's cells."""
    row = {name: payload.get(name) for name in ENVELOPE}
    for item in q.items:
        group = payload.get(item.group, {})
        if item.id not in group:
            continue
        value = group[item.id]
        if value is None:
            row[item.id + MISSING] = DECLINED
        elif isinstance(value, str) and value == not_applicable_value(item):
            row[item.id + MISSING] = NOT_APPLICABLE
        else:
            row[item.id] = value
    return row


def completed_text(times: pa.Array) -> pa.Array:
    """Time-zone-aware timestamps as RFC 3339 text, in UTC (``2026-03-14T08:30:00Z``)."""
    unit = times.type.unit
    utc = times.cast(pa.timestamp(unit, "UTC"))
    seconds = pc.floor_temporal(utc, unit="second").cast(pa.timestamp("s", "UTC"))
    whole = pc.strftime(seconds, format="%Y-%m-%dT%H:%M:%S")
    if unit == "s":
        return pc.binary_join_element_wise(whole, "Z", "")
    text = pc.strftime(utc, format="%Y-%m-%dT%H:%M:%S")  # seconds with their fraction
    fraction = pc.utf8_slice_codeunits(text, 19)
    trimmed = pc.utf8_rtrim(fraction, characters="0")
    trimmed = pc.if_else(pc.equal(trimmed, "."), "", trimmed)
    return pc.binary_join_element_wise(whole, trimmed, "Z", "")


def payload_of(
    q: Questionnaire, row: Mapping[str, object], *, named: bool
) -> tuple[dict[str, Any], list[Problem]]:
    """The payload a row of cells stands for, and the problems no payload can hold.

    ``named``: whether the table names its questionnaire (its ``questionnaire``
    and ``version`` columns); if not, the payload names ``q``. A NaN cell (how
    pandas holds a missing number) is no answer.
    """
    payload: dict[str, Any] = {} if named else {"questionnaire": q.id, "version": q.version}
    problems: list[Problem] = []
    for name in ENVELOPE:
        value = _plain(row.get(name))
        if value is not None:
            payload[name] = value
    groups: dict[str, dict[str, Any]] = {ANSWERS: {}, CONTEXT: {}}
    for item in q.items:
        if item.id in row or item.id + MISSING in row:
            cell, reason = _plain(row.get(item.id)), _plain(row.get(item.id + MISSING))
            value, problem = _answer(item, cell, reason)
            if value is not _ABSENT:
                groups[item.group][item.id] = value
            if problem is not None:
                problems.append(problem)
    payload[ANSWERS] = groups[ANSWERS]
    if groups[CONTEXT]:
        payload[CONTEXT] = groups[CONTEXT]
    return payload, problems


#: A question a row leaves out of its payload.
_ABSENT = object()


def _answer(item: Item, value: object, reason: object) -> tuple[object, Problem | None]:
    """A question's answer in the payload (or ``_ABSENT``) from its cell and its reason cell."""
    at = pointer((item.group, item.id))
    if reason is None:
        return (_ABSENT if value is None else value), None
    if value is not None:
        message = f"an answer, and a reason it is missing ({reason!r}): give one or the other"
        return value, Problem(at, message, "tables")
    if reason == DECLINED:
        return None, None
    if reason == NOT_APPLICABLE and not_applicable_value(item) is not None:
        return not_applicable_value(item), None
    return _ABSENT, Problem(at, _bad_reason(item, reason), "tables")


def _bad_reason(item: Item, reason: object) -> str:
    known = [DECLINED] + ([NOT_APPLICABLE] if not_applicable_value(item) is not None else [])
    return f"{reason!r} is not why {item.id} may be missing: {' or '.join(map(repr, known))}"


def _plain(value: object) -> Any:
    """A cell as a payload holds it: numpy's scalars as Python's, and numbers as integers.

    A float column of whole numbers with NaN for no answer is how pandas
    holds integers that may be missing: NaN is no answer, ``3.0`` is 3.
    """
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() else value
    if isinstance(value, decimal.Decimal):  # a number Arrow holds as a decimal
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "item") and not isinstance(value, (list, dict, str, bytes)):
        return _plain(value.item())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


#: The kinds of value a mixed column is cut into, and their Arrow types.
_KINDS = {
    "bool": pa.bool_(),
    "int": pa.int64(),
    # a whole number past 64 bits, exactly (up to 76 digits), read back as the number it is
    "big": pa.decimal256(76, 0),
    "float": pa.float64(),
    "str": pa.string(),
}


def _kind(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "null"  # how pandas marks a missing cell
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, np.integer)):
        return "int" if -(2**63) <= int(value) < 2**63 else "big"
    if isinstance(value, (float, np.floating)):
        return "float"
    if isinstance(value, str):
        return "str"
    return "other"


def mixed(name: str, values: list[Any]) -> pa.Array:
    """``values`` as an Arrow dense union: each cell keeps its own kind, for its payload.

    A row with such a cell goes through its payload, which says what is wrong
    with the 3 beside the "3" (or that nothing is). ``None`` and NaN are no value.
    """
    kinds = [_kind(v) for v in values]
    names = sorted(set(kinds))
    groups: dict[str, list[Any]] = {kind: [] for kind in names}
    offsets = []
    for kind, value in zip(kinds, values, strict=True):
        offsets.append(len(groups[kind]))
        groups[kind].append(value)
    children = []
    for kind in names:
        try:
            group = groups[kind]
            child = pa.nulls(len(group)) if kind == "null" else pa.array(group, _KINDS.get(kind))
            children.append(child)  # "other": as Arrow reads it
        except NOT_ARROW as error:
            message = f"holds values that a table cannot hold: {error}"
            raise InvalidResponse([Problem(name, message, "column")]) from error
    codes = pa.array([names.index(kind) for kind in kinds], pa.int8())
    return pa.UnionArray.from_dense(codes, pa.array(offsets, pa.int32()), children, names)


#: In a CSV file in the wide layout, the answers of a question of several answers.
CSV_SEPARATOR = ";"
_WHOLE = "^[+-]?[0-9]+$"
_DECIMAL = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"


def check_names(names: list[str]) -> None:
    """Raise ``InvalidResponse`` naming every column name that a table holds more than once."""
    found = Problems()
    for name in sorted({n for n in names if names.count(n) > 1}):
        found.add(
            name,
            f"{describe(name)} names {names.count(name)} columns: a name is one column",
            "column",
        )
    found.raise_as(InvalidResponse)


def from_text(data: pa.Table, q: Questionnaire) -> pa.Table:
    """A table of text cells (a CSV file's) in the types of the layout of ``q``.

    Where the layout holds integers, a cell that reads as a whole number is
    that number, one that reads as a decimal (``3.5``) that decimal, and any
    other text stays text (the row's problem, as its payload's would be);
    where it holds a list, the cell is split at ``;`` (an empty cell is no
    answer). Other columns stay text.
    """
    check_names(data.column_names)
    schema = layout(q)
    columns = {}
    for name in data.column_names:
        column = data.column(name).combine_chunks()
        kind = schema.field(name).type if name in schema.names else pa.string()
        if pa.types.is_integer(kind):
            column = _numbers(name, column)
        elif pa.types.is_list(kind):
            column = pc.split_pattern(column, CSV_SEPARATOR)
        columns[name] = column
    return pa.table(columns)


def _numbers(name: str, column: pa.Array) -> pa.Array:
    whole = pc.fill_null(pc.match_substring_regex(column, _WHOLE), fill_value=True)
    if pc.all(whole).as_py():
        try:
            return pc.cast(column, pa.int64())
        except NOT_ARROW:
            pass  # a number past 64 bits: the cells one at a time, below
    cells: list[Any] = []
    for text, is_whole, is_decimal in zip(
        column.to_pylist(),
        whole.to_pylist(),
        pc.match_substring_regex(column, _DECIMAL).to_pylist(),
        strict=True,
    ):
        if text is not None and is_whole:
            cells.append(int(text))
        elif is_decimal:
            cells.append(float(text))
        else:
            cells.append(text)
    return mixed(name, cells)
