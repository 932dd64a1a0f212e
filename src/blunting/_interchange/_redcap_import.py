"""REDCap in: a raw-data export (CSV) read into payloads, a row at a time, none dropped.

See docs/redcap.md.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

import attrs

from blunting._errors import InvalidResponse, Problem, Problems, Rejection
from blunting._interchange._redcap_layout import CHECKBOX, EVENT_COLUMNS, choices, form_name
from blunting._questionnaire import builtins
from blunting._text import describe

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from blunting._questionnaire import Item, Questionnaire


@attrs.frozen
class _Columns:
    """Where each field of the questionnaire is in an export's header."""

    q: Questionnaire
    record: int
    #: Single-answer questions: item id -> column index.
    single: dict[str, int]
    #: Several-answer questions: item id -> (code, column index) per option.
    several: dict[str, list[tuple[object, int]]]
    #: Whether the payload has a respondent id, for the record id.
    respondent: bool
    #: Each question's choices by code: the payload value (``None``: declined).
    codes: dict[str, dict[str, int | str | None]]


def _header_problem(message: str, keyword: str = "header") -> InvalidResponse:
    return InvalidResponse([Problem("", message, keyword)])


def _pick(header: list[str], given: Questionnaire | None) -> Questionnaire:
    if given is not None:
        return given
    for q in builtins():
        if f"{form_name(q)}_complete" in header:
            return q
    forms = ", ".join(describe(f"{form_name(q)}_complete") for q in builtins())
    raise _header_problem(
        f"the header has no column of a built-in instrument ({forms}): pass the questionnaire",
        "questionnaire",
    )


def _columns(header: list[str], given: Questionnaire | None) -> _Columns:
    if not header or not header[0]:
        raise _header_problem("the export has no header, or its first column has no name")
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise _header_problem(f"columns named twice: {', '.join(map(describe, duplicates))}")
    q = _pick(header, given)
    index = {name: position for position, name in enumerate(header)}
    single: dict[str, int] = {}
    several: dict[str, list[tuple[object, int]]] = {}
    missing: list[str] = []
    for item in q.items:
        if item.multiple:
            values = [o.value for o in item.options if o.value is not None]
            names = [f"{item.id}{CHECKBOX}{value}" for value in values]
            missing += (name for name in names if name not in index)
            several[item.id] = [
                (value, index.get(name, -1)) for value, name in zip(values, names, strict=True)
            ]
        elif item.id in index:
            single[item.id] = index[item.id]
        else:
            missing.append(item.id)
    if missing:
        raise _header_problem(
            f"the export has no column {', '.join(map(describe, missing))} "
            f"of {q.id} {q.version}: export every field of the instrument"
        )
    respondent = "respondent" in q.schema["properties"]
    by_code = {item.id: {c: value for c, (value, _) in choices(item).items()} for item in q.items}
    return _Columns(q, 0, single, several, respondent, by_code)


#: What a blank cell, or a field with nothing checked, holds: no answer.
_BLANK = object()


def _checked(columns: _Columns, item: Item, row: list[str], found: Problems) -> Any:
    """The options checked of a checkbox field, in option order; ``_BLANK`` for none."""
    chosen = []
    for code, position in columns.several[item.id]:
        cell = row[position]
        if cell == "1":
            chosen.append(code)
        elif cell not in ("0", ""):
            column = f"{item.id}{CHECKBOX}{code}"
            found.add(column, f"{describe(cell)} is not 0 or 1", "choice")
    return chosen or _BLANK


def _chosen(columns: _Columns, item: Item, row: list[str], found: Problems) -> Any:
    """The option chosen in a radio field (``None``: declined); ``_BLANK`` for a blank cell."""
    cell = row[columns.single[item.id]]
    if cell == "":
        return _BLANK
    values = columns.codes[item.id]
    if cell not in values:
        message = f"{describe(cell)} is not a choice of {item.id} ({', '.join(values)})"
        found.add(item.id, message, "choice")
        return _BLANK
    return values[cell]


def _read_row(columns: _Columns, row: list[str]) -> tuple[dict[str, Any], Problems]:
    q = columns.q
    found = Problems()
    given: dict[str, Any] = {}
    for item in q.items:
        read = _checked if item.multiple else _chosen
        value = read(columns, item, row, found)
        if value is not _BLANK:
            given[item.id] = value
    respondent = row[columns.record] if columns.respondent else None
    return q.payload(given, respondent=respondent), found


def _column(path: str, header: list[str]) -> str:
    """The export column that a JSON Pointer into a payload came from."""
    parts = path.split("/")
    if path == "/respondent":
        return header[0]
    if len(parts) >= 3 and parts[1] in ("answers", "context"):
        return parts[2]
    return ""


def _lines(source: str | Iterable[str]) -> Iterable[str]:
    return io.StringIO(source, newline="") if isinstance(source, str) else source


@attrs.frozen
class Row:
    """A row of a REDCap export, read: where it is, and its payload or rejection."""

    #: The line it starts on (the header is line 1).
    line: int
    #: Its cells of the event columns the export has (:data:`EVENT_COLUMNS`), by
    #: name; a blank cell is ``None``.
    events: dict[str, str | None]
    #: A valid payload, or why there is none.
    result: dict[str, Any] | Rejection


def from_redcap_export(
    source: str | Iterable[str], *, questionnaire: Questionnaire | None = None
) -> Iterator[dict[str, Any] | Rejection]:
    """The payloads of a REDCap raw-data export (CSV), one per row, in order.

    ``source`` is the CSV text, or its lines (a file opened with
    ``newline=""``). The instrument is found by its ``…_complete`` column
    (``blunting_1_0_0_complete``), or else ``questionnaire`` must be given.
    Each row gives a valid payload, or a :class:`Rejection` naming its record
    id, its line and every problem, each at its column: no row is dropped. A
    header that lacks a field raises :class:`InvalidResponse`. A blank cell
    is an absent answer. See docs/redcap.md.

    .. versionadded:: 0.1.0
    """
    return (row.result for row in redcap_rows(source, questionnaire=questionnaire))


def redcap_rows(
    source: str | Iterable[str], *, questionnaire: Questionnaire | None = None
) -> Iterator[Row]:
    """Each row of a REDCap raw-data export, read: see :func:`from_redcap_export`.

    The header is read at once: a header that lacks a field raises
    :class:`InvalidResponse` here, not when the rows are read.
    """
    reader = csv.reader(_lines(source))
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise _header_problem(f"line 1: not CSV: {error}", "csv") from None
    if header is None:
        raise _header_problem("the export is empty")
    header = [name.removeprefix("\ufeff") if i == 0 else name for i, name in enumerate(header)]
    columns = _columns(header, questionnaire)
    events = [(name, header.index(name)) for name in EVENT_COLUMNS if name in header]
    return _rows(reader, header, columns, events)


def _rows(
    reader: Any, header: list[str], columns: _Columns, events: list[tuple[str, int]]
) -> Iterator[Row]:
    """Each row read; a row that is not CSV is rejected, and reading goes on."""
    index = 0
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader, None)
        except csv.Error as error:
            rejection = Rejection(index, (Problem("", f"not CSV: {error}", "csv"),), line)
            yield Row(line, dict.fromkeys(name for name, _ in events), rejection)
        else:
            if row is None:
                return
            where = {name: (row[at] or None) if at < len(row) else None for name, at in events}
            yield Row(line, where, _result(columns, header, row, index, line))
        index += 1
        line = reader.line_num + 1


def _is_text(cell: str) -> bool:
    """Whether a cell is text: not bytes that were not UTF-8, kept as lone surrogates."""
    try:
        cell.encode()
    except UnicodeEncodeError:
        return False
    return True


def _result(
    columns: _Columns, header: list[str], row: list[str], index: int, line: int
) -> dict[str, Any] | Rejection:
    record = row[0] if row else None
    if len(row) != len(header):
        problem = Problem("", f"{len(row):,} cells in a row of {len(header):,} columns", "csv")
        return Rejection(index, (problem,), line, record)
    payload, found = _read_row(columns, row)
    if not _is_text(row[columns.record]):  # read with errors="surrogateescape"
        found.add(header[columns.record], "the record id is not UTF-8 text", "utf-8")
    named = {problem.path for problem in found.found}
    found.extend(
        problem
        for problem in (
            Problem(_column(p.path, header), p.message, p.keyword)
            for p in columns.q.problems(payload)
        )
        if problem.path not in named
    )
    return Rejection(index, tuple(found.found), line, record) if found else payload
