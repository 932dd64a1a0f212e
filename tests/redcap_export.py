"""REDCap raw-data exports made from payloads, as REDCap writes them (docs/redcap.md).

Written here, apart from blunting.redcap, so that what the library reads is
checked against exports it did not make. Used by the tests, the fuzzer's
seeds and benchmarks/formats.py.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import blunting


def record(q: blunting.Questionnaire, payload: dict[str, Any]) -> dict[str, str]:
    """A payload's raw REDCap values: blank for missing, a column a checkbox option.

    Null ("prefer not to answer") is the choice ``asked_declined`` of a radio
    field, and nothing ticked in a checkbox field (docs/redcap.md).
    """
    values = {"record_id": payload.get("respondent", "")}
    for item in q.items:
        group = payload["answers"] if item.domain is not None else payload.get("context", {})
        value = group.get(item.id)
        if item.multiple:
            for option in item.options:
                if option.value is not None:
                    checked = isinstance(value, list) and option.value in value
                    values[f"{item.id}___{option.value}"] = "1" if checked else "0"
        else:
            declined = item.id in group and value is None
            values[item.id] = "asked_declined" if declined else "" if value is None else str(value)
    return values


def export(q: blunting.Questionnaire, records: list[dict[str, str]], **extra: str) -> str:
    """An export of ``records``: REDCap's own columns, the fields, the calc fields, ``extra``."""
    complete = f"{q.id}_{q.version.replace('.', '_')}_complete"
    header = ["record_id", "redcap_event_name"]
    for item in q.items:
        if item.multiple:
            header += (f"{item.id}___{o.value}" for o in item.options if o.value is not None)
        else:
            header.append(item.id)
    header += [f"score_{d.id}_mean" for d in q.domains]
    header += [complete, *extra]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for values in records:
        row = {"redcap_event_name": "baseline_arm_1", **extra, **values, complete: "2"}
        writer.writerow([row.get(name, "") for name in header])
    return out.getvalue()
