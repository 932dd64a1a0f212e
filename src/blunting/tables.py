"""Whole studies as tables: score pyarrow, pandas and Polars tables in the wide layout.

See docs/tables.md. Needs the ``tables`` extra (``pip install 'blunting[tables]'``).

.. versionadded:: 0.1.0
"""

from blunting._tables import from_payloads, layout, score, score_batches

__all__ = ["from_payloads", "layout", "score", "score_batches"]
