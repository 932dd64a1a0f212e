"""REDCap out: a questionnaire as a data dictionary (CSV text to upload).

See docs/redcap.md. Everything is derived from the questionnaire's model, so
any questionnaire in the blunting vocabulary exports the same way.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from blunting._errors import InvalidQuestionnaire, Problem
from blunting._interchange._redcap_layout import (
    COLUMNS,
    DECLINED,
    RECORD_ID,
    choices,
    form_name,
    mean_field,
    missing,
)
from blunting._questionnaire import code, codes, texts
from blunting._text import describe, pointer

if TYPE_CHECKING:
    from collections.abc import Iterator

    from blunting._questionnaire import Domain, Item, Questionnaire

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
    return " | ".join(f"{code}, {label}" for code, (_, label) in choices(item).items())


def _alone(item: Item) -> str:
    """REDCap's action tag that unticks the other choices when one that stands alone is ticked."""
    alone = [code(o.value) for o in item.options if o.exclusive and o.value is not None]
    return f"@NONEOFTHEABOVE='{','.join(alone)}'" if item.multiple and alone else ""


def _labels(q: Questionnaire) -> Iterator[Problem]:
    """A problem for each option label that a REDCap choice cannot hold."""
    for at, label, option in texts(q):
        if option is not None and option.value is not None and ("|" in label or "\n" in label):
            yield Problem(at, f"{describe(label)}: a REDCap choice has no '|' or newline", "title")


class _Calc:
    """REDCap calc expressions for the domain means (docs/redcap.md)."""

    def __init__(self, q: Questionnaire) -> None:
        self.q = q
        self.reverse = {item.id for item in q.items if item.reverse}
        #: Per scored item, the codes of its choices that count as missing.
        self.absent = {item.id: missing(item) for item in q.items}

    def _counts(self, item: str) -> str:
        """The condition that an item's answer counts: given, not declined, not "did not happen"."""
        return " and ".join([f'[{item}] <> ""', *(f'[{item}] <> "{c}"' for c in self.absent[item])])

    def _value(self, item: str) -> str:
        low, high = self.q.scale
        if item in self.reverse:
            return f'if({self._counts(item)}, {low + high} - [{item}], "")'
        if self.absent[item]:
            return f'if({self._counts(item)}, [{item}], "")'
        return f"[{item}]"

    def answered(self, domain: Domain) -> str:
        counts = " + ".join(f"if({self._counts(item)}, 1, 0)" for item in domain.items)
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
    found += [
        Problem(
            pointer(("properties", item.group, "properties", item.id)),
            f"an option's code {describe(DECLINED)} is REDCap's code here for "
            "prefer not to answer (null)",
            "redcap",
        )
        for item in q.items
        if DECLINED in codes(item)
    ]
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
    rows = [list(COLUMNS), _row(name=RECORD_ID, form=form, type="text", label="Record ID")]
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
                    required="y" if item.required else "",
                    annotation=f"Reverse-keyed: scored as {low + high} - answer."
                    if item.reverse
                    else "",
                )
            )
    context = [item for item in q.items if item.domain is None]
    for position, item in enumerate(context):
        rows.append(
            _row(
                name=item.id,
                form=form,
                section=(q.context_title or "") if position == 0 else "",
                type="checkbox" if item.multiple else "radio",
                label=item.text,
                choices=_choices(item),
                note=item.description or "",
                required="y" if item.required else "",
                annotation=_alone(item),
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
