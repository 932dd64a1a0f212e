"""An emotional-blunting questionnaire as a JSON Schema: validate responses and score them.

A score is not a diagnosis: the questionnaire has no validated cut-offs.
"""

from blunting._api import load, questionnaire, score, score_stream, validate
from blunting._errors import (
    BluntingError,
    InvalidQuestionnaire,
    InvalidResponse,
    InvalidStudy,
    Problem,
    Rejection,
    UnknownQuestionnaire,
)
from blunting._questionnaire import Domain, Item, Option, Questionnaire
from blunting._scoring import DomainScore, Score
from blunting._text import MAX_TEXT_BYTES
from blunting._version import __version__

__all__ = [
    "MAX_TEXT_BYTES",
    "BluntingError",
    "Domain",
    "DomainScore",
    "InvalidQuestionnaire",
    "InvalidResponse",
    "InvalidStudy",
    "Item",
    "Option",
    "Problem",
    "Questionnaire",
    "Rejection",
    "Score",
    "UnknownQuestionnaire",
    "__version__",
    "load",
    "questionnaire",
    "score",
    "score_stream",
    "validate",
]
