"""Scoring a table of responses a column at a time, with exactly the results of ``score``.

A row whose cells are plain (numbers of its options in the scale's columns,
values that a check of each distinct value found valid) is checked and
scored here, column by column, with tables of results made by the scoring
rules themselves (``ScoringKey``) when the questionnaire is planned: the
rules are written once, in the scoring layer. Any other row (an invalid one,
or one holding text where a number belongs) becomes its payload and goes
through the questionnaire's own checker and scorer, which say exactly what
``blunting.score`` would.
"""

from __future__ import annotations

import functools
import math
import os
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from blunting._errors import InvalidResponse, Problem, Problems
from blunting._questionnaire import CONTEXT, scoring_key
from blunting._schema import StringRules, string_rules
from blunting._scoring import (
    INSUFFICIENT_ANSWERS,
    RESULT_FIELDS,
    SCORED,
    UNSCORABLE_DOMAINS,
    score_columns,
)
from blunting._tables._layout import (
    DECLINED,
    ENVELOPE,
    MISSING,
    NOT_APPLICABLE,
    check_names,
    completed_text,
    layout,
    not_applicable_value,
    payload_of,
)
from blunting._text import describe, nearest, pointer

if TYPE_CHECKING:
    from collections.abc import Sequence

    from blunting._questionnaire import Item, Questionnaire
    from blunting._scoring import DomainScore, ScoringKey

#: Set in the tests: a row the columns call invalid that the checker finds
#: valid is a fault here, raised rather than mended unseen.
STRICT_ENVIRONMENT = "BLUNTING_STRICT_TABLES"

#: The status of a domain's or the total's result, by its code in the tables below.
_STATUSES = (SCORED, INSUFFICIENT_ANSWERS, UNSCORABLE_DOMAINS)
#: The Arrow type of each of a domain's or the total's result columns.
RESULT_TYPES = {
    "raw": pa.float64(),
    "mean": pa.float64(),
    "scaled": pa.float64(),
    "answered": pa.int64(),
    "prorated": pa.bool_(),
    "status": pa.string(),
}
#: The most entries the total's table of results may have; past it, the
#: totals present are worked out one distinct value at a time.
_MOST_TOTALS = 1 << 20


@attrs.frozen
class _DomainPlan:
    """One domain's results, by (answers counted, their scored sum)."""

    items: tuple[tuple[str, bool], ...]
    #: How many sums a count of answers may have: the stride of the tables.
    width: int
    raw: np.ndarray
    mean: np.ndarray
    scaled: np.ndarray
    status: np.ndarray
    #: The unrounded raw score times ``Plan.common``, an integer: for the total.
    share: np.ndarray


@attrs.frozen
class Plan:
    """What scoring a questionnaire's columns needs, made once per questionnaire."""

    q: Questionnaire
    key: ScoringKey
    schema: pa.Schema
    domains: tuple[_DomainPlan, ...]
    #: A denominator that makes every domain's unrounded raw score whole.
    common: int
    #: The total's raw, mean and scaled by its raw times ``common``, less ``low``; or empty.
    totals: tuple[np.ndarray, ...]
    low: int
    #: The rules of the strings of each column outside the scale that holds
    #: them, when the schema's rules there are ones a column can be checked by.
    strings: dict[str, StringRules]
    #: The names of the scores' columns, in order.
    columns: tuple[str, ...]


def _lcm(values: Sequence[int]) -> int:
    return functools.reduce(math.lcm, values, 1)


@functools.lru_cache(maxsize=32)
def plan(q: Questionnaire) -> Plan:
    """The plan of ``q``: its layout, and the results of every count and sum of answers."""
    key = scoring_key(q)
    low, high = key.minimum, key.maximum
    common = _lcm([n for d in key.domains for n in range(max(d.min_answered, 1), len(d.items) + 1)])
    domains = []
    for domain in key.domains:
        k = len(domain.items)
        width = k * (high - low) + 1
        size = (k + 1) * width
        raw, mean, scaled = (np.full(size, np.nan) for _ in range(3))
        status = np.zeros(size, np.int8)
        share = np.zeros(size, np.int64)
        for n in range(k + 1):
            for offset in range(n * (high - low) + 1):
                total = offset + n * low
                result = key.domain(domain, total, n)
                at = n * width + offset
                status[at] = _STATUSES.index(result.status)
                if result.raw is not None:
                    raw[at], mean[at], scaled[at] = result.raw, result.mean, result.scaled
                    share[at] = total * k * common // n
        domains.append(_DomainPlan(domain.items, width, raw, mean, scaled, status, share))
    items = key.items
    least, most = common * items * low, common * items * high
    totals: tuple[np.ndarray, ...] = (np.empty(0), np.empty(0), np.empty(0))
    if most - least < _MOST_TOTALS:
        totals = _totals(key, common, np.arange(least, most + 1))
    document = q.schema
    members: dict[str, tuple[str, ...]] = {name: (name,) for name in ENVELOPE}
    members.update({i.id: (CONTEXT, i.id) for i in q.items if i.domain is None})
    strings = {
        name: rules
        for name, member in members.items()
        if (rules := string_rules(document, member)) is not None
    }
    names = tuple(scores_schema(q).names)
    return Plan(q, key, layout(q), tuple(domains), common, totals, least, strings, names)


def _totals(key: ScoringKey, common: int, shares: np.ndarray) -> tuple[np.ndarray, ...]:
    """The total's raw, mean and scaled for each sum of the domains' shares (rule 5)."""
    found = [key.total(Fraction(int(s), common), 0, prorated=False) for s in shares]
    return tuple(
        np.array([getattr(r, f) for r in found], np.float64) for f in ("raw", "mean", "scaled")
    )


# --- the columns ---------------------------------------------------------------------


@attrs.define
class _Rows:
    """What the columns say of each row, as the checks go."""

    count: int
    #: Rows the columns find valid so far.
    valid: np.ndarray
    #: Rows that go through the payload path: invalid, or not plain.
    slow: np.ndarray


def _column(data: pa.Table, name: str) -> pa.Array | None:
    if name not in data.column_names:
        return None
    column = data.column(name)
    if isinstance(column, pa.ChunkedArray):
        return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    return column


_REASONS = pa.array([DECLINED, NOT_APPLICABLE], pa.string())


def _present(column: pa.Array) -> np.ndarray:
    """Which cells of ``column`` (of a type with a validity bitmap) are not null."""
    if column.null_count == 0:
        return np.ones(len(column), bool)
    bitmap = column.buffers()[0]
    if bitmap is None:  # a column of nulls
        return np.zeros(len(column), bool)
    bits = np.unpackbits(
        np.frombuffer(bitmap, np.uint8), count=column.offset + len(column), bitorder="little"
    )
    present: np.ndarray = bits[column.offset :].view(bool)
    return present


def _reasons(data: pa.Table, item: Item, rows: _Rows) -> tuple[np.ndarray, np.ndarray]:
    """Rows declined and rows not applicable, by the item's ``_missing`` column; odd ones slow."""
    column = _column(data, item.id + MISSING)
    none = np.zeros(rows.count, bool)
    if column is None or column.null_count == len(column):
        return none, none
    if not pa.types.is_string(column.type):
        rows.slow |= column.is_valid().to_numpy(zero_copy_only=False)
        return none, none
    if column.null_count > len(column) // 2:  # reasons are few: only those cells are read
        given = np.flatnonzero(_present(column))
        column = column.take(pa.array(given))
    else:
        given = np.arange(len(column))
    which = pc.index_in(column, value_set=_REASONS)
    which = pc.fill_null(which, -1).to_numpy(zero_copy_only=False)
    declined, absent = np.zeros(rows.count, bool), np.zeros(rows.count, bool)
    declined[given], absent[given] = which == 0, which == 1
    rows.slow[given[(which < 0) & _present(column)]] = True  # a reason that is neither
    if not item.nullable:
        rows.slow |= declined
    if not_applicable_value(item) is None:
        rows.slow |= absent
    return declined, absent


def _scale(data: pa.Table, item: Item, rows: _Rows) -> tuple[np.ndarray, np.ndarray]:
    """A scored item's answers as integers, and which rows answered it; the rest slow."""
    column = _column(data, item.id)
    declined, absent = _reasons(data, item, rows)
    values = np.zeros(rows.count, np.int64)
    if column is None:
        return values, np.zeros(rows.count, bool)
    kind = column.type
    if pa.types.is_integer(kind):
        given = _present(column)
        # the values as they lie in memory (a null's slot holds any number, and is not read)
        stored = np.frombuffer(column.buffers()[1], kind.to_pandas_dtype())
        values = stored[column.offset : column.offset + len(column)].astype(np.int64)
    elif pa.types.is_floating(kind):
        numbers = pc.fill_null(column, math.nan).to_numpy(zero_copy_only=False)
        given = ~np.isnan(numbers)
        whole = (
            given
            & np.isfinite(numbers)
            & (np.floor(numbers) == numbers)
            & (np.abs(numbers) < 2**53)
        )
        rows.slow |= given & ~whole
        values = np.where(whole, numbers, 0).astype(np.int64)
        given &= whole
    elif pa.types.is_null(kind):
        given = np.zeros(rows.count, bool)
    else:
        given = column.is_valid().to_numpy(zero_copy_only=False)
        rows.slow |= given  # text, lists, ...: as their payloads are
        return values, np.zeros(rows.count, bool)
    least, allowed = _allowed(item)
    if allowed[:-1].all():  # the options are every whole number from the least to the most
        outside = given & ((values < least) | (values > least + len(allowed) - 2))
    else:
        outside = given & ~allowed[np.clip(values - least, -1, len(allowed) - 1)]
    rows.slow |= outside | (given & (declined | absent))  # an answer and a reason: as its payload
    # a value outside the options is not counted here: its row's result is its payload's
    return values, given & ~outside


def _distinct_ok(
    q: Questionnaire, column: pa.Array, member: tuple[str, ...], *, named: bool
) -> np.ndarray:
    """Whether each row's cell is valid where it goes, checked once per distinct value.

    A cell is checked in a payload of its own, by the questionnaire's checker.
    """
    keys: pa.Array | None = column
    if pa.types.is_list(column.type):
        keys = list_keys(column)
    elif not (
        pa.types.is_string(column.type)
        or pa.types.is_integer(column.type)
        or pa.types.is_floating(column.type)  # distinct as numbers: 3.0 is not "3.0"
    ):
        keys = pc.cast(column, pa.string()) if _castable(column) else None
    if keys is None:
        return np.array([_cell_ok(q, member, v, named=named) for v in column.to_pylist()], bool)
    if keys is column:  # each distinct cell is its own key: most often, all of them valid
        distinct = pc.unique(column)
        verdicts = np.array([_cell_ok(q, member, v, named=named) for v in distinct.to_pylist()])
        if verdicts.all():
            return np.ones(len(column), bool)
        at = pc.index_in(column, value_set=distinct).to_numpy(zero_copy_only=False)
        mapped: np.ndarray = verdicts[at.astype(np.intp)]  # a null is among the distinct too
        return mapped
    encoded = pc.dictionary_encode(keys, null_encoding="encode")
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    first = np.empty(len(encoded.dictionary), np.int64)
    first[indices[::-1]] = np.arange(len(indices) - 1, -1, -1)  # the first row of each value
    verdicts = np.zeros(len(encoded.dictionary), bool)
    for value, index in enumerate(first):
        verdicts[value] = _cell_ok(q, member, column[int(index)].as_py(), named=named)
    found: np.ndarray = verdicts[indices]
    return found


def list_keys(column: pa.ListArray) -> pa.Array | None:
    """One key per list, the same for two lists exactly when their elements are (or None).

    Each distinct element gets a number; a list's key is the bytes of its
    elements' numbers, in order (a null list stays null).
    """
    offsets = column.offsets.to_numpy()
    elements = column.values.slice(offsets[0], offsets[-1] - offsets[0])
    try:
        codes = pc.dictionary_encode(elements, null_encoding="encode").indices
    except pa.ArrowNotImplementedError:  # elements that cannot be told apart by Arrow
        return None
    if codes.null_count:  # elements of the null type
        return None
    numbers = codes.to_numpy().astype("<i4")
    starts = ((offsets - offsets[0]) * 4).astype("<i4")
    present = np.packbits(_present(column), bitorder="little")
    return pa.Array.from_buffers(
        pa.binary(),
        len(column),
        [pa.py_buffer(present), pa.py_buffer(starts), pa.py_buffer(numbers)],
    )


def _strings_ok(column: pa.Array, rules: StringRules) -> np.ndarray:
    """Whether each cell of a string column keeps ``rules`` (a null is absent, and valid)."""
    length = pc.utf8_length(column)
    ok = pc.greater_equal(length, rules.min_length)
    if rules.max_length is not None:
        ok = pc.and_(ok, pc.less_equal(length, rules.max_length))
    for pattern, holds in rules.patterns:
        found = pc.match_substring_regex(column, pattern)
        ok = pc.and_(ok, found if holds else pc.invert(found))
    if rules.date_time:
        # the patterns held each of these to a date's digits: each distinct date checked once
        dates = pc.dictionary_encode(
            pc.if_else(ok, pc.utf8_slice_codeunits(column, 0, 10), pa.scalar(None, pa.string()))
        )
        real = pa.array([rules.real_date(d) for d in dates.dictionary.to_pylist()], pa.bool_())
        ok = pc.and_kleene(ok, pc.take(real, dates.indices))  # false stays false
    verdict: np.ndarray = pc.fill_null(ok, fill_value=True).to_numpy(zero_copy_only=False)
    return verdict


def _castable(column: pa.Array) -> bool:
    try:
        pc.cast(column[:0], pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return False
    return True


def _cell_ok(q: Questionnaire, member: tuple[str, ...], value: object, *, named: bool) -> bool:
    """Whether one cell is valid where it goes (absent when null)."""
    if value is None:
        if member[-1] in ("questionnaire", "version"):
            return not named  # a row that names no questionnaire is refused
        return True
    row = {member[-1]: value}
    payload, extra = payload_of(q, row, named=False)
    if extra:
        return False
    at = pointer(member)
    return not any(p.path == at or p.path.startswith(at + "/") for p in q.problems(payload))


# --- scoring ---------------------------------------------------------------------------


def scores_schema(q: Questionnaire, kept: Sequence[pa.Field] = ()) -> pa.Schema:
    """The Arrow schema of the scores of a table in the layout of ``q``, after ``kept``."""
    fields = list(kept)
    for name in score_columns([d.id for d in q.domains]):
        field = name.rpartition("_")[2]
        if name in ENVELOPE:
            fields.append(pa.field(name, pa.string()))
        elif name == "impact":
            fields.append(pa.field(name, pa.int64()))
        else:
            fields.append(pa.field(name, RESULT_TYPES[field]))
    fields += [pa.field("valid", pa.bool_()), pa.field("problems", pa.list_(pa.string()))]
    return pa.schema(fields)


def check_columns(q: Questionnaire, names: Sequence[str], keep: Sequence[str]) -> None:
    """Raise ``InvalidResponse`` naming every column that is not in the layout, or missing."""
    known = tuple(plan(q).schema.names)
    found = Problems()
    outputs = set(score_columns([d.id for d in q.domains])) | {"valid", "problems"}
    for name in keep:
        if name not in names:
            found.add(
                name, f"{describe(name)} is to be kept, but the table has no such column", "column"
            )
        elif name in outputs:
            found.add(
                name, f"{describe(name)} is a column of the scores: it cannot be kept too", "column"
            )
    for name in names:
        if name in known or name in keep:
            continue
        message = f"{describe(name)} is not a column of the layout of {q.id} {q.version}"
        near = nearest(name, known)
        carry = " (to carry it to the scores: keep= in Python, --keep on the command line)"
        message += f": did you mean {describe(near)}?" if near else carry
        found.add(name, message, "column")
    for item in q.items:
        if item.domain is not None and item.id not in names:
            found.add(item.id, f"the column of the scored item {item.id} is missing", "column")
    found.raise_as(InvalidResponse)


def score_table(q: Questionnaire, data: pa.Table, keep: Sequence[str] = ()) -> pa.Table:
    """The scores of every row of ``data`` (in the layout of ``q``), in order, with ``keep``.

    ``data`` is as :func:`normal` makes it.
    """
    check_columns(q, data.column_names, keep)
    p = plan(q)
    count = data.num_rows
    rows = _Rows(count, np.ones(count, bool), np.zeros(count, bool))
    named = "questionnaire" in data.column_names or "version" in data.column_names
    _check_cells(p, data, rows, named=named)
    results = _score_domains(p, data, rows)
    fast = rows.valid & ~rows.slow
    table = _assemble(p, data, keep, results, fast)
    if not fast.all():
        table = _mend(q, data, table, ~fast, _Run(named=named, flagged=~rows.valid, keep=keep))
    return table


@attrs.frozen
class _Run:
    """What mending the slow rows needs to know of the run."""

    #: Whether the table names its questionnaire in its own columns.
    named: bool
    #: The rows the columns found invalid. Under the tests, one that the
    #: checker finds valid is a fault of the columns' checks, and raises.
    flagged: np.ndarray
    #: The columns carried as they came.
    keep: Sequence[str]


def _check_cells(p: Plan, data: pa.Table, rows: _Rows, *, named: bool) -> None:
    """Check the response's own cells and the context questions'.

    A string column is checked by the schema's rules there, when it has
    rules a column can be checked by; any other, a distinct value at a time.
    """
    q = p.q
    for name in ENVELOPE:
        column = _column(data, name)
        if column is not None:
            rows.valid &= _cells_ok(p, column, (name,), rows, named=named)
        elif named and name in ("questionnaire", "version"):
            rows.valid[:] = False
    for item in q.items:
        if item.domain is not None:
            continue
        column = _column(data, item.id)
        declined, absent = _reasons(data, item, rows)
        if column is not None:
            rows.valid &= _cells_ok(p, column, (CONTEXT, item.id), rows, named=named)
            rows.slow |= column.is_valid().to_numpy(zero_copy_only=False) & (declined | absent)


def _cells_ok(
    p: Plan, column: pa.Array, member: tuple[str, ...], rows: _Rows, *, named: bool
) -> np.ndarray:
    """Whether each cell of a column outside the scale is valid where it goes (``member``)."""
    if pa.types.is_union(column.type):  # cells of mixed kinds (from pandas): as their payloads
        rows.slow |= column.is_valid().to_numpy(zero_copy_only=False)
        return np.ones(rows.count, bool)
    rules = p.strings.get(member[-1])
    if rules is not None and pa.types.is_string(column.type):
        return _strings_ok(column, rules)
    return _distinct_ok(p.q, column, member, named=named)


def _score_domains(p: Plan, data: pa.Table, rows: _Rows) -> dict[str, tuple[np.ndarray, ...]]:
    """Each domain's and the total's results, for every row whose scale cells are plain."""
    low, high = p.key.minimum, p.key.maximum
    count = rows.count
    results: dict[str, tuple[np.ndarray, ...]] = {}
    shares = np.zeros(count, np.int64)
    every = np.ones(count, bool)
    any_prorated = np.zeros(count, bool)
    answered_total = np.zeros(count, np.int64)
    for domain, key in zip(p.domains, p.key.domains, strict=True):
        sums = np.zeros(count, np.int64)
        answered = np.zeros(count, np.int64)
        for item_id, reverse in domain.items:
            values, given = _scale(data, _item(p.q, item_id), rows)
            sums += np.where(given, (high + low - values) if reverse else values, 0)
            answered += given
        at = answered * domain.width + (sums - answered * low)
        status = domain.status[at]
        prorated = (status == 0) & (answered < len(domain.items))
        results[key.id] = (
            domain.raw[at],
            domain.mean[at],
            domain.scaled[at],
            answered,
            prorated,
            status,
        )
        every &= status == 0
        any_prorated |= prorated
        shares += np.where(status == 0, domain.share[at], 0)
        answered_total += answered
    results["total"] = _total(p, shares, every, any_prorated, answered_total)
    return results


def normal(data: pa.Table, keep: Sequence[str]) -> pa.Table:
    """``data`` as the core reads it: plain Arrow types, one chunk a column, ``completed`` as text.

    Polars and pandas give large strings, string views and large lists; the
    cells are the same. A time-zone-aware ``completed`` becomes its RFC 3339
    text here, once; one without a time zone is refused. The kept columns
    are left as they came, but for string views, which become large strings.
    """
    check_names(data.column_names)
    columns = {}
    for name in data.column_names:
        column = data.column(name)
        if name == "completed" and pa.types.is_timestamp(column.type):
            if column.type.tz is None:
                message = (
                    "times without a time zone: give each its offset (a time-zone-aware timestamp)"
                )
                raise InvalidResponse([Problem("completed", message, "column")])
            column = completed_text(column.combine_chunks())
        kind = _kept_type(column.type) if name in keep else _plain_type(column.type)
        columns[name] = column if kind == column.type else pc.cast(column, kind)
    return pa.table(columns).combine_chunks()


def _kept_type(kind: pa.DataType) -> pa.DataType:
    """A kept column's type, but for views (Polars' strings), which rows cannot be taken from."""
    if pa.types.is_string_view(kind):
        return pa.large_string()
    if pa.types.is_binary_view(kind):
        return pa.large_binary()
    return kind


def _plain_type(kind: pa.DataType) -> pa.DataType:
    if pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        return pa.string()
    if pa.types.is_large_list(kind) or pa.types.is_list_view(kind) or pa.types.is_list(kind):
        return pa.list_(_plain_type(kind.value_type))
    return kind


@functools.lru_cache(maxsize=256)
def _allowed(item: Item) -> tuple[int, np.ndarray]:
    """The least of ``item``'s options, and whether each whole number from it up is one.

    The table's last entry is false: a value less the least, clipped into
    ``-1 .. len - 1``, reads its own entry or (past either end) that one.
    """
    values = [o.value for o in item.options if type(o.value) is int]
    least = min(values, default=0)
    allowed = np.zeros(max(values, default=0) - least + 2, bool)
    allowed[[v - least for v in values]] = True
    return least, allowed


@functools.lru_cache(maxsize=64)
def _items(q: Questionnaire) -> dict[str, Item]:
    return {item.id: item for item in q.items}


def _item(q: Questionnaire, item_id: str) -> Item:
    return _items(q)[item_id]


def _total(
    p: Plan, shares: np.ndarray, every: np.ndarray, prorated: np.ndarray, answered: np.ndarray
) -> tuple[np.ndarray, ...]:
    if len(p.totals[0]):
        at = np.where(every, shares - p.low, 0)
        raw, mean, scaled = (t[at] for t in p.totals)
    else:
        distinct, back = np.unique(np.where(every, shares, p.low), return_inverse=True)
        raw, mean, scaled = (t[back] for t in _totals(p.key, p.common, distinct))
    nothing = np.full(len(shares), np.nan)
    status = np.where(every, 0, 2).astype(np.int8)
    return (
        np.where(every, raw, nothing),
        np.where(every, mean, nothing),
        np.where(every, scaled, nothing),
        answered,
        every & prorated,
        status,
    )


_STATUS_TEXT = pa.array(_STATUSES, RESULT_TYPES["status"])


def _assemble(
    p: Plan,
    data: pa.Table,
    keep: Sequence[str],
    results: dict[str, Any],
    fast: np.ndarray,
) -> pa.Table:
    """The output columns of the rows scored here; the other rows null, to be mended."""
    q = p.q
    mask = pa.array(~fast)
    columns: dict[str, pa.Array] = {name: data.column(name) for name in keep}
    count = data.num_rows
    named = {"questionnaire": q.id, "version": q.version}  # when the table does not say
    for name in ENVELOPE:
        column = _column(data, name)
        if column is None:
            column = pa.array([named.get(name)] * count, pa.string())
        elif not pa.types.is_string(column.type):
            column = pa.nulls(count, pa.string())  # only slow rows hold other kinds
        columns[name] = pc.if_else(mask, pa.scalar(None, pa.string()), column)
    for part in (*(d.id for d in q.domains), "total"):
        raw, mean, scaled, answered, prorated, status = results[part]
        for field, values in zip(
            RESULT_FIELDS, (raw, mean, scaled, answered, prorated, status), strict=True
        ):
            if field == "status":
                array = pc.take(_STATUS_TEXT, pa.array(status.astype(np.int32), mask=~fast))
            else:
                unscored = np.isnan(values) if values.dtype.kind == "f" else False
                array = pa.array(values, RESULT_TYPES[field], mask=unscored | ~fast)
            columns[f"{part}_{field}"] = array
    columns["impact"] = _impact(p, data, fast)
    columns["valid"] = pa.array(fast)
    columns["problems"] = pa.ListArray.from_arrays(
        pa.array(np.zeros(count + 1, np.int32)), pa.array([], pa.string())
    )
    return pa.table(columns).select([*keep, *p.columns])  # in the order of the scores


def _impact(p: Plan, data: pa.Table, fast: np.ndarray) -> pa.Array:
    column = _column(data, p.key.impact) if p.key.impact else None
    kind = column.type if column is not None else pa.null()
    if not (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
        return pa.nulls(data.num_rows, pa.int64())  # only rows scored by their payloads hold others
    # a valid row's impact is one of its options: a whole number, held as a float by pandas
    kept = pc.if_else(pa.array(fast), column, pa.scalar(None, kind))
    return pc.cast(kept, pa.int64(), safe=False)


def _mend(
    q: Questionnaire, data: pa.Table, table: pa.Table, slow_rows: np.ndarray, run: _Run
) -> pa.Table:
    """The rows the columns did not score, through their payloads: scores or problems."""
    slow = np.flatnonzero(slow_rows)
    cells = data.take(pa.array(slow)).to_pylist()
    names = [name for name in table.column_names if name not in run.keep]
    updates: dict[str, list[Any]] = {name: [] for name in names}
    for index, row in zip(slow, cells, strict=True):
        payload, extra = payload_of(q, row, named=run.named)
        problems = [*extra, *q.problems(payload)]
        if problems:
            refused = {"valid": False, "problems": [str(p) for p in problems]}
            for name in names:
                updates[name].append(refused.get(name))
            continue
        if run.flagged[index] and os.environ.get(STRICT_ENVIRONMENT):
            raise AssertionError(f"row {index}: the columns found it invalid, the checker valid")
        score = q.score(payload)
        parts: dict[str, DomainScore] = {**score.domains, "total": score.total}
        for name in names:
            updates[name].append(_scored_cell(score, parts, name))
    # each row from the columns' results, or (a slow row) from the payload path's
    positions = np.arange(table.num_rows)
    positions[slow] = table.num_rows + np.arange(len(slow))
    at = pa.array(positions)
    columns = {}
    for name in table.column_names:
        column = table.column(name).combine_chunks()
        if name in updates:
            column = pa.concat_arrays([column, pa.array(updates[name], column.type)]).take(at)
        columns[name] = column
    return pa.table(columns)


def _scored_cell(score: Any, parts: dict[str, DomainScore], name: str) -> object:
    """The cell of a score's column ``name``."""
    if name == "valid":
        return True
    if name == "problems":
        return []
    if name in ENVELOPE or name == "impact":
        return getattr(score, name)
    part, _, field = name.rpartition("_")
    return getattr(parts[part], field)
