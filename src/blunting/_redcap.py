"""REDCap: a questionnaire as a data dictionary, and a raw-data export as payloads.

Everything here is derived from the questionnaire's own document and scoring
key, so any questionnaire in the blunting vocabulary exports the same way.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

import attrs

from blunting._api import questionnaire as builtin
from blunting._errors import InvalidQuestionnaire, InvalidResponse, Problem
from blunting._json import describe, pointer
from blunting._questionnaire import codes, labels
from blunting._resources import catalogue
from blunting._stream import Rejection

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from blunting._questionnaire import Domain, Item, Questionnaire

#: REDCap's data dictionary columns, in its order.
COLUMNS = (
    "Variable / Field Name",
    "Form Name",
    "Section Header",
    "Field Type",
    "Field Label",
    "Choices, Calculations, OR Slider Labels",
    "Field Note",
    "Text Validation Type OR Show Slider Number",
    "Text Validation Min",
    "Text Validation Max",
    "Identifier?",
    "Branching Logic (Show field only if...)",
    "Required Field?",
    "Custom Alignment",
    "Question Number (surveys only)",
    "Matrix Group Name",
    "Matrix Ranking?",
    "Field Annotation",
)
#: The record id field that the dictionary starts with, as REDCap requires.
RECORD_ID = "record_id"
#: Checkbox columns of an export are the field name, three underscores, the code.
_CHECKBOX = "___"


def form_name(q: Questionnaire) -> str:
    """The REDCap instrument's name: the id and version, in REDCap's alphabet."""
    return f"{q.id}_{q.version.replace('.', '_')}"


def mean_field(domain: Domain | None) -> str:
    """The calc field of a domain's mean, or (``None``) of the total's."""
    return "score_total_mean" if domain is None else f"score_{domain.id}_mean"


#: The dictionary's cells that are filled in, by a short name.
_CELLS = {
    name: COLUMNS.index(column)
    for name, column in {
        "name": "Variable / Field Name",
        "form": "Form Name",
        "section": "Section Header",
        "type": "Field Type",
        "label": "Field Label",
        "choices": "Choices, Calculations, OR Slider Labels",
        "note": "Field Note",
        "required": "Required Field?",
        "annotation": "Field Annotation",
    }.items()
}


def _row(**cells: str) -> list[str]:
    row = [""] * len(COLUMNS)
    for key, value in cells.items():
        row[_CELLS[key]] = value
    return row


def _choices(item: Item) -> str:
    return " | ".join(f"{code}, {label}" for code, label in labels(item).items())


def _labels(q: Questionnaire) -> Iterator[Problem]:
    """A problem for each option label that a REDCap choice cannot hold."""
    for item in q.items:
        group = "answers" if item.domain is not None else "context"
        at = ("properties", group, "properties", item.id, *(("items",) if item.multiple else ()))
        for index, option in enumerate(item.options):
            if option.value is not None and ("|" in option.label or "\n" in option.label):
                yield Problem(
                    pointer((*at, "oneOf", index, "title")),
                    f"{describe(option.label)}: a REDCap choice has no '|' or newline",
                    "title",
                )


class _Calc:
    """REDCap calc expressions for the domain means (docs/redcap.md)."""

    def __init__(self, q: Questionnaire) -> None:
        self.q = q
        self.reverse = {item.id for item in q.items if item.reverse}

    def _value(self, item: str) -> str:
        low, high = self.q.scale
        if item in self.reverse:
            return f'if([{item}] <> "", {low + high} - [{item}], "")'
        return f"[{item}]"

    def answered(self, domain: Domain) -> str:
        counts = " + ".join(f'if([{item}] <> "", 1, 0)' for item in domain.items)
        return f"({counts}) >= {domain.min_answered}"

    def mean(self, domain: Domain) -> str:
        return f"mean({', '.join(map(self._value, domain.items))})"

    def domain(self, domain: Domain) -> str:
        return f'if({self.answered(domain)}, round({self.mean(domain)}, 2), "")'

    def total(self) -> str:
        domains = self.q.domains
        condition = " and ".join(f"({self.answered(d)})" for d in domains)
        raw = " + ".join(f"{len(d.items)} * {self.mean(d)}" for d in domains)
        items = sum(len(d.items) for d in domains)
        return f'if({condition}, round(({raw}) / {items}, 2), "")'


def _fields(q: Questionnaire) -> list[str]:
    """Every field name the dictionary defines, the record id first."""
    names = [RECORD_ID, *(item.id for item in q.items)]
    names += [mean_field(d) for d in q.domains]
    names.append(mean_field(None))
    return names


def _check(q: Questionnaire) -> None:
    """Raise :class:`InvalidQuestionnaire` with everything REDCap cannot take."""
    names = _fields(q)
    found = [
        Problem(
            pointer(("x-scoring", "domains")),
            f"REDCap field {describe(name)} would be defined twice",
            "redcap",
        )
        for name in sorted({name for name in names if names.count(name) > 1})
    ]
    found += _labels(q)
    if found:
        raise InvalidQuestionnaire(found)


def to_redcap_dictionary(q: Questionnaire) -> str:
    """The questionnaire as a REDCap data dictionary: CSV text to upload.

    One instrument (named by :func:`form_name`), a radio field per
    question (a checkbox field for one that takes several answers), a
    section header per domain, and calc fields of the domain and total means,
    hidden on surveys. See docs/redcap.md.

    .. versionadded:: 0.1.0
    """
    _check(q)
    form = form_name(q)
    calc = _Calc(q)
    schema = q.schema["properties"]
    rows = [list(COLUMNS), _row(name=RECORD_ID, form=form, type="text", label="Record ID")]
    required = set(schema["answers"].get("required", ()))
    by_id = {item.id: item for item in q.items}
    for domain in q.domains:
        for position, item_id in enumerate(domain.items):
            item = by_id[item_id]
            low, high = q.scale
            rows.append(
                _row(
                    name=item.id,
                    form=form,
                    section=domain.title if position == 0 else "",
                    type="radio",
                    label=item.text,
                    choices=_choices(item),
                    note=item.description or "",
                    required="y" if item.id in required else "",
                    annotation=f"Reverse-keyed: scored as {low + high} - answer."
                    if item.reverse
                    else "",
                )
            )
    context = [item for item in q.items if item.domain is None]
    required = set(schema.get("context", {}).get("required", ()))
    for position, item in enumerate(context):
        rows.append(
            _row(
                name=item.id,
                form=form,
                section=schema["context"].get("title", "Context") if position == 0 else "",
                type="checkbox" if item.multiple else "radio",
                label=item.text,
                choices=_choices(item),
                note=item.description or "",
                required="y" if item.id in required else "",
            )
        )
    means = [(mean_field(d), f"{d.title}: mean", calc.domain(d)) for d in q.domains]
    means.append((mean_field(None), "Total: mean", calc.total()))
    for position, (name, label, expression) in enumerate(means):
        rows.append(
            _row(
                name=name,
                form=form,
                section="Scores (not a diagnosis: there are no validated cut-offs)"
                if position == 0
                else "",
                type="calc",
                label=label,
                choices=expression,
                annotation="@HIDDEN-SURVEY",
            )
        )
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


# -- reading an export -------------------------------------------------------------------


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
    #: Each question's options by code.
    codes: dict[str, dict[str, int | str]]


def _header_problem(message: str, keyword: str = "header") -> InvalidResponse:
    return InvalidResponse([Problem("", message, keyword)])


def _pick(header: list[str], given: Questionnaire | None) -> Questionnaire:
    if given is not None:
        return given
    for qid, versions in catalogue().items():
        for version in versions:
            q = builtin(version, id=qid)
            if f"{form_name(q)}_complete" in header:
                return q
    forms = ", ".join(
        describe(f"{form_name(builtin(v, id=qid))}_complete")
        for qid, versions in catalogue().items()
        for v in versions
    )
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
            names = [f"{item.id}{_CHECKBOX}{value}" for value in values]
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
    return _Columns(q, 0, single, several, respondent, {item.id: codes(item) for item in q.items})


def _checked(columns: _Columns, item: Item, row: list[str], found: list[Problem]) -> Any:
    """The options checked of a checkbox field, in option order; ``None`` for none."""
    chosen = []
    for code, position in columns.several[item.id]:
        cell = row[position]
        if cell == "1":
            chosen.append(code)
        elif cell not in ("0", ""):
            column = f"{item.id}{_CHECKBOX}{code}"
            found.append(Problem(column, f"{describe(cell)} is not 0 or 1", "choice"))
    return chosen or None


def _chosen(columns: _Columns, item: Item, row: list[str], found: list[Problem]) -> Any:
    """The option chosen in a radio field; ``None`` for a blank cell."""
    cell = row[columns.single[item.id]]
    if cell == "":
        return None
    values = columns.codes[item.id]
    if cell not in values:
        message = f"{describe(cell)} is not a choice of {item.id} ({', '.join(values)})"
        found.append(Problem(item.id, message, "choice"))
    return values.get(cell)


def _read_row(columns: _Columns, row: list[str]) -> tuple[dict[str, Any], list[Problem]]:
    q = columns.q
    found: list[Problem] = []
    answers: dict[str, Any] = {}
    context: dict[str, Any] = {}
    for item in q.items:
        read = _checked if item.multiple else _chosen
        value = read(columns, item, row, found)
        if value is not None:
            (answers if item.domain is not None else context)[item.id] = value
    payload: dict[str, Any] = {"questionnaire": q.id, "version": q.version}
    if columns.respondent:
        payload["respondent"] = row[columns.record]
    payload["answers"] = answers
    if context:
        payload["context"] = context
    return payload, found


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
    reader = csv.reader(_lines(source))
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise _header_problem(f"line 1: not CSV: {error}", "csv") from None
    if header is None:
        raise _header_problem("the export is empty")
    header = [name.removeprefix("\ufeff") if i == 0 else name for i, name in enumerate(header)]
    columns = _columns(header, questionnaire)
    return _rows(reader, header, columns)


def _rows(
    reader: Any, header: list[str], columns: _Columns
) -> Iterator[dict[str, Any] | Rejection]:
    """Each row's payload or rejection; a row that is not CSV is rejected, and reading goes on."""
    index = 0
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader, None)
        except csv.Error as error:
            yield Rejection(index, (Problem("", f"not CSV: {error}", "csv"),), line)
        else:
            if row is None:
                return
            yield _result(columns, header, row, index, line)
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
        problem = Problem("", f"{len(row)} cells in a row of {len(header)} columns", "csv")
        return Rejection(index, (problem,), line, record)
    payload, found = _read_row(columns, row)
    if not _is_text(row[columns.record]):  # read with errors="surrogateescape"
        found.append(Problem(header[columns.record], "the record id is not UTF-8 text", "utf-8"))
    named = {problem.path for problem in found}
    found += (
        problem
        for problem in (
            Problem(_column(p.path, header), p.message, p.keyword)
            for p in columns.q.problems(payload)
        )
        if problem.path not in named
    )
    return Rejection(index, tuple(found), line, record) if found else payload
