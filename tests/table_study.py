"""Generated studies in the wide layout, and what the payload path says of each row.

Shared by the tests of ``blunting.tables`` on every engine: the reference is
each row's payload (``payload_of``), checked and scored by the questionnaire.
"""

from __future__ import annotations

import math
from typing import Any

import pyarrow as pa
from hypothesis import strategies as st

import blunting
from blunting._questionnaire import dispatch
from blunting._tables import payload_of


def expected(
    q: blunting.Questionnaire, row: dict[str, Any], *, named: bool, dispatched: bool = False
) -> dict[str, Any]:
    """What the payload path says of a row: the score's cells, or the problems.

    ``dispatched``: each row is scored by the questionnaire it names, as
    ``blunting.score`` scores a payload.
    """
    if dispatched:  # a row that names no built-in is read by the latest's layout
        payload, extra = payload_of(blunting.questionnaire(), row, named=named)
        try:
            q = dispatch(payload)
        except blunting.InvalidResponse as error:
            return {"valid": False, "problems": [str(p) for p in (*extra, *error.problems)]}
    payload, extra = payload_of(q, row, named=named)
    problems = [*extra, *q.problems(payload)]
    if problems:
        return {"valid": False, "problems": [str(p) for p in problems]}
    score = q.score(payload)
    cells: dict[str, Any] = {"valid": True, "problems": []}
    for name in ("respondent", "completed", "questionnaire", "version", "impact"):
        cells[name] = getattr(score, name)
    for part, result in [*score.domains.items(), ("total", score.total)]:
        for field in ("raw", "mean", "scaled", "answered", "prorated", "status"):
            cells[f"{part}_{field}"] = getattr(result, field)
    return cells


#: Cells of a scale's integer column: its codes, others, and no answer.
_INTS = st.one_of(st.none(), st.integers(-1, 6), st.sampled_from([0, 1, 2, 3, 4]))
#: Cells of a float column, as pandas holds integers with missing ones.
_FLOATS = st.one_of(
    st.just(math.nan), st.sampled_from([0.0, 1.0, 2.0, 4.0, 3.5, -1.0, 7.0, math.inf])
)
#: Cells of a text column where a number belongs.
_TEXTS = st.one_of(st.none(), st.sampled_from(["not_applicable", "3", "x", ""]))
_REASONS = st.one_of(
    st.none(), st.none(), st.sampled_from(["declined", "not_applicable", "skipped"])
)


def _scale_column(
    draw: st.DrawFn, q: blunting.Questionnaire, count: int
) -> tuple[pa.Array, list[Any]]:
    kind = draw(st.sampled_from(["int", "int", "int", "float", "text"]))
    low, high = q.scale
    if kind == "int":
        cells = draw(
            st.lists(
                st.one_of(st.none(), st.integers(low - 1, high + 1), st.integers(low, high)),
                min_size=count,
                max_size=count,
            )
        )
        return pa.array(cells, draw(st.sampled_from([pa.int8(), pa.int64()]))), cells
    if kind == "float":
        numbers = draw(st.lists(_FLOATS, min_size=count, max_size=count))
        return pa.array(numbers, pa.float64()), numbers
    texts = draw(st.lists(_TEXTS, min_size=count, max_size=count))
    return pa.array(texts, pa.string()), texts


_MEDICINES = st.lists(
    st.sampled_from(["ssri", "snri", "none", "unknown", "other", "aspirin"]), max_size=3
)


@st.composite
def study(draw: st.DrawFn, q: blunting.Questionnaire) -> tuple[pa.Table, bool]:
    """A table in the wide layout of ``q``: answers of every kind, valid and not."""
    count = draw(st.integers(1, 12))
    columns: dict[str, pa.Array] = {}
    named = draw(st.booleans())
    if named:
        columns["questionnaire"] = pa.array(
            draw(
                st.lists(
                    st.sampled_from([q.id, q.id, "other", None]), min_size=count, max_size=count
                )
            ),
            pa.string(),
        )
        columns["version"] = pa.array(
            draw(
                st.lists(
                    st.sampled_from([q.version, q.version, "9.9.9"]), min_size=count, max_size=count
                )
            ),
            pa.string(),
        )
    if draw(st.booleans()):
        who = st.one_of(
            st.none(), st.sampled_from(["p1", "p2", ""]), st.text(min_size=120, max_size=140)
        )
        columns["respondent"] = pa.array(
            draw(st.lists(who, min_size=count, max_size=count)), pa.string()
        )
    if draw(st.booleans()):
        when = st.one_of(
            st.none(),
            st.sampled_from(
                [
                    "2026-03-14T09:30:00+01:00",
                    "2026-02-30T09:30:00Z",
                    "yesterday",
                    "2026-03-14T09:30:00Z",
                ]
            ),
        )
        columns["completed"] = pa.array(
            draw(st.lists(when, min_size=count, max_size=count)), pa.string()
        )
    for item in q.items:
        if item.domain is not None:
            columns[item.id], _ = _scale_column(draw, q, count)
        elif draw(st.booleans()):
            if item.multiple:
                cells = draw(
                    st.lists(st.one_of(st.none(), _MEDICINES), min_size=count, max_size=count)
                )
                columns[item.id] = pa.array(cells, pa.list_(pa.string()))
            else:
                values = [o.value for o in item.options if o.value is not None]
                cell = st.one_of(st.none(), st.sampled_from(values), st.sampled_from(values))
                if all(isinstance(v, int) for v in values):
                    cell = st.one_of(cell, st.just(9))
                    columns[item.id] = pa.array(
                        draw(st.lists(cell, min_size=count, max_size=count)), pa.int64()
                    )
                else:
                    cell = st.one_of(cell, st.just("maybe"))
                    columns[item.id] = pa.array(
                        draw(st.lists(cell, min_size=count, max_size=count)), pa.string()
                    )
        if draw(st.integers(0, 3)) == 0:
            reasons = draw(st.lists(_REASONS, min_size=count, max_size=count))
            columns[item.id + "_missing"] = pa.array(reasons, pa.string())
    return pa.table(columns), named


def cells_of(value: Any) -> Any:
    """A cell as Python holds it, whichever engine gave it: NaN and pandas' NA are None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if type(value).__name__ in {"NAType", "NaTType"}:
        return None
    if hasattr(value, "tolist"):
        return value.tolist()
    return value
