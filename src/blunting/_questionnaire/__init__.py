"""Questionnaires: the model, building one from its document, and the built-in ones.

This layer joins the schema layer (checking) and the scoring layer (scoring)
into a :class:`Questionnaire`. Its door is here; the converters and the
command line use the model and the catalogue through it.
"""

from blunting._questionnaire._catalogue import (
    DEFAULT_QUESTIONNAIRE,
    builtin,
    builtins,
    catalogue_ids,
    dispatch,
)
from blunting._questionnaire._loading import load
from blunting._questionnaire._model import (
    ANSWERS,
    CONTEXT,
    Domain,
    Item,
    Option,
    Questionnaire,
    checked,
    code,
    codes,
    goes_alone,
    labels,
    results,
    score_text,
    scoring_key,
    texts,
)
from blunting._questionnaire._resources import score_schema

__all__ = [
    "ANSWERS",
    "CONTEXT",
    "DEFAULT_QUESTIONNAIRE",
    "Domain",
    "Item",
    "Option",
    "Questionnaire",
    "builtin",
    "builtins",
    "catalogue_ids",
    "checked",
    "code",
    "codes",
    "dispatch",
    "goes_alone",
    "labels",
    "load",
    "results",
    "score_schema",
    "score_text",
    "scoring_key",
    "texts",
]
