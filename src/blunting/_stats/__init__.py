"""Statistics: the evidence a new questionnaire needs, from a study's table (docs/stats.md).

At the height of the interchange layer, with dependencies of its own (the
``stats`` extra: numpy, scipy and semopy, besides ``tables``). It reads
studies through ``_tables``. ``blunting.stats`` shows what is here.
"""

from blunting._stats._results import (
    CFA,
    ICC,
    STATEMENT,
    Analysis,
    Correlations,
    ItemStatistics,
    Reliability,
    Retest,
)
from blunting._stats._study import analyze, cfa, icc, reliability, retest

__all__ = [
    "CFA",
    "ICC",
    "STATEMENT",
    "Analysis",
    "Correlations",
    "ItemStatistics",
    "Reliability",
    "Retest",
    "analyze",
    "cfa",
    "icc",
    "reliability",
    "retest",
]
