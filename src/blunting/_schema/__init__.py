"""JSON Schema: the compiled verdict, jsonschema's explanations, formats, patterns and limits.

This layer knows JSON Schema and nothing of questionnaires. Its door is
:class:`Checker`: the verdict once, then the limits, then the explanation.
"""

from blunting._schema._checker import STRICT_ENVIRONMENT, Checker
from blunting._schema._formats import CHECKED_FORMATS
from blunting._schema._patterns import pattern_problem
from blunting._schema._strings import StringRules, string_rules

__all__ = [
    "CHECKED_FORMATS",
    "STRICT_ENVIRONMENT",
    "Checker",
    "StringRules",
    "pattern_problem",
    "string_rules",
]
