"""Scoring: the rules of docs/scoring.md, the results, and the one writer of a score's text.

This layer knows the scoring key and nothing of JSON Schema: it scores
payloads that the schema layer has already accepted.
"""

from blunting._scoring._results import DomainScore, Score
from blunting._scoring._rules import DomainKey, ScoringKey
from blunting._scoring._scorer import Results, Scorer

__all__ = [
    "DomainKey",
    "DomainScore",
    "Results",
    "Score",
    "Scorer",
    "ScoringKey",
]
