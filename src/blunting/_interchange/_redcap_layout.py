"""REDCap: the names that the data dictionary defines and an export's header holds."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from blunting._questionnaire import Domain, Questionnaire

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
