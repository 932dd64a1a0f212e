"""Tables: whole studies of responses as Arrow, pandas or Polars tables (docs/tables.md).

At the height of the interchange layer, with dependencies of its own (the
``tables`` extra: pyarrow and numpy). ``blunting.tables`` shows what is here.
"""

from blunting._tables._core import normal, plan, score_table, scores_schema
from blunting._tables._engines import by_questionnaire, score, score_batches
from blunting._tables._layout import from_payloads, from_text, layout, payload_of

__all__ = [
    "by_questionnaire",
    "from_payloads",
    "from_text",
    "layout",
    "normal",
    "payload_of",
    "plan",
    "score",
    "score_batches",
    "score_table",
    "scores_schema",
]
