"""HL7 FHIR R4: the questionnaire as a ``Questionnaire``, responses as ``QuestionnaireResponse``.

See docs/fhir.md. Resources are plain JSON-ready data (``dict``); nothing
here needs a FHIR library, and nothing is fetched.

.. versionadded:: 0.1.0
"""

from blunting._interchange import (
    from_questionnaire_response,
    to_questionnaire,
    to_questionnaire_response,
)

__all__ = ["from_questionnaire_response", "to_questionnaire", "to_questionnaire_response"]
