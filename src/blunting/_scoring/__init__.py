"""Scoring: the rules of docs/scoring.md, the results, and the one writer of a score's text.

This layer knows the scoring key and nothing of JSON Schema: it scores
payloads that the schema layer has already accepted.
"""

from blunting._scoring._results import RESULT_FIELDS, DomainScore, Score, freeze, score_columns
from blunting._scoring._rules import (
    INSUFFICIENT_ANSWERS,
    SCORED,
    UNSCORABLE_DOMAINS,
    DomainKey,
    ScoringKey,
)
from blunting._scoring._scorer import Results, Scorer

__all__ = [
    "INSUFFICIENT_ANSWERS",
    "RESULT_FIELDS",
    "SCORED",
    "UNSCORABLE_DOMAINS",
    "DomainKey",
    "DomainScore",
    "Results",
    "Score",
    "Scorer",
    "ScoringKey",
    "freeze",
    "score_columns",
]
