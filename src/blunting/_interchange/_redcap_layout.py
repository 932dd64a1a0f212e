"""REDCap: the names that the data dictionary defines and an export's header holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from blunting._questionnaire import code

if TYPE_CHECKING:
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
CHECKBOX = "___"
#: Columns that REDCap adds to an export of a longitudinal project or of
#: repeating instruments: which event, and which repeat, a row is.
EVENT_COLUMNS = ("redcap_event_name", "redcap_repeat_instrument", "redcap_repeat_instance")


def form_name(q: Questionnaire) -> str:
    """The REDCap instrument's name: the id and version, in REDCap's alphabet."""
    return f"{q.id}_{q.version.replace('.', '_')}"


def mean_field(domain: Domain | None) -> str:
    """The calc field of a domain's mean, or (``None``) of the total's."""
    return "score_total_mean" if domain is None else f"score_{domain.id}_mean"


#: The choice code of "prefer not to answer" (a null answer) in a radio field:
#: FHIR's data-absent-reason ``asked-declined``, in REDCap's alphabet.
DECLINED = "asked_declined"


def choices(item: Item) -> dict[str, tuple[int | str | None, str]]:
    """A field's choices, in order: by code, the payload value and the label.

    A radio field offers "prefer not to answer" (``None``) as the choice
    ``DECLINED``, in the questionnaire's words, when the question lists it; a
    checkbox field has no choice for it: null, like no answer, is nothing ticked.
    """
    found: dict[str, tuple[int | str | None, str]] = {
        code(o.value): (o.value, o.label) for o in item.options if o.value is not None
    }
    declined = [o.label for o in item.options if o.value is None]
    if declined and not item.multiple:
        found[DECLINED] = (None, declined[0])
    return found


def missing(item: Item) -> list[str]:
    """The codes of a field's choices that count as missing: declined, and not applicable."""
    absent = [o.value for o in item.options if o.not_applicable]
    return [c for c, (value, _) in choices(item).items() if value is None or value in absent]
