"""The evidence a new questionnaire needs: reliability, factor structure, test-retest.

See docs/stats.md. Needs the ``stats`` extra (``pip install 'blunting[stats]'``).
These statistics describe the sample they are computed from: they are not
norms or cut-offs, and a score is not a diagnosis.

.. versionadded:: 0.1.0
"""

from blunting._stats import (
    CFA,
    ICC,
    Analysis,
    Correlations,
    ItemStatistics,
    Reliability,
    Retest,
    analyze,
    cfa,
    icc,
    reliability,
    retest,
)

__all__ = [
    "CFA",
    "ICC",
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
