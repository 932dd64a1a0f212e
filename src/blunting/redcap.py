"""REDCap: the questionnaire as a data dictionary, and raw-data exports as payloads.

See docs/redcap.md. Nothing here needs REDCap, and nothing is fetched.

.. versionadded:: 0.1.0
"""

from blunting._interchange import from_redcap_export, to_redcap_dictionary

__all__ = ["from_redcap_export", "to_redcap_dictionary"]
