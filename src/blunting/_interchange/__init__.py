"""Interchange: FHIR R4 and REDCap, each split along its seams (layout, export, import).

The converters use the questionnaire layer's model and catalogue, never the
public face or the command line. ``blunting.fhir`` and ``blunting.redcap``
show what is here to users.
"""

from blunting._interchange._fhir_export import to_questionnaire, to_questionnaire_response
from blunting._interchange._fhir_import import from_questionnaire_response
from blunting._interchange._redcap_dictionary import to_redcap_dictionary
from blunting._interchange._redcap_import import Row, from_redcap_export, redcap_rows
from blunting._interchange._redcap_layout import EVENT_COLUMNS

__all__ = [
    "EVENT_COLUMNS",
    "Row",
    "from_questionnaire_response",
    "from_redcap_export",
    "redcap_rows",
    "to_questionnaire",
    "to_questionnaire_response",
    "to_redcap_dictionary",
]
