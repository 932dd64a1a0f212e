"""Studies of known structure: each domain a factor with chosen loadings, made into answers.

Shared by the tests and the benchmark of ``blunting.stats``. Each domain's
latent score is drawn (domains correlated ``between``), each item is its
loading times that score plus noise, cut into the scale's categories at
evenly spaced normal quantiles; a reverse-keyed item is answered reversed,
so that reversing it by the key gives back its loading's direction. With
``twice``, every respondent answers again a week later, from the same latent
scores with fresh noise. ``close_json`` compares two analyses' JSON: a factor
model is fitted numerically, so its numbers agree to 9 significant digits.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

import numpy as np

import blunting
from blunting import tables
from blunting._questionnaire import scoring_key

if TYPE_CHECKING:
    import pyarrow as pa


def loadings(q: blunting.Questionnaire) -> dict[str, float]:
    """The loading of each scored item: from 0.8 down by 0.06 within each domain."""
    return {
        item: round(0.8 - 0.06 * index, 2)
        for domain in scoring_key(q).domains
        for index, (item, _) in enumerate(domain.items)
    }


def simulated(
    q: blunting.Questionnaire,
    rows: int,
    *,
    seed: int = 0,
    between: float = 0.3,
    twice: bool = False,
    missing: float = 0.0,
) -> pa.Table:
    """A study of ``rows`` respondents (answering twice when ``twice``) in the wide layout."""
    rng = np.random.default_rng(seed)
    key = scoring_key(q)
    domains = key.domains
    size = len(domains)
    correlation = np.full((size, size), between) + (1 - between) * np.eye(size)
    latent = rng.multivariate_normal(np.zeros(size), correlation, size=rows)
    weights = loadings(q)
    categories = key.maximum - key.minimum + 1
    cuts = np.linspace(-1.5, 1.5, categories - 1)
    start = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.UTC)
    payloads: list[dict[str, Any]] = []
    dated = "completed" in q.schema.get("properties", {})
    for visit in range(2 if twice else 1):
        answers: dict[str, np.ndarray] = {}
        for index, domain in enumerate(domains):
            for item, reverse in domain.items:
                weight = weights[item]
                noise = rng.normal(size=rows) * np.sqrt(1 - weight**2)
                value = key.minimum + np.searchsorted(cuts, weight * latent[:, index] + noise)
                answers[item] = key.maximum + key.minimum - value if reverse else value
        for row in range(rows):
            given = {
                item: int(values[row])
                for item, values in answers.items()
                if not (missing and rng.random() < missing)
            }
            when = start + dt.timedelta(days=7 * visit, minutes=row)
            envelope = {"respondent": f"p{row}", "completed": when.isoformat()} if dated else {}
            payloads.append(q.payload(given, **envelope))
    return tables.from_payloads(payloads, q)


def close_json(found: Any, want: Any) -> bool:
    """The same JSON, numbers equal to 9 significant digits (the factor model is fitted)."""
    if isinstance(want, dict):
        return (
            isinstance(found, dict)
            and found.keys() == want.keys()
            and all(close_json(found[k], want[k]) for k in want)
        )
    if isinstance(want, list | tuple):
        return (
            isinstance(found, list | tuple)
            and len(found) == len(want)
            and all(close_json(f, w) for f, w in zip(found, want, strict=True))
        )
    if isinstance(want, float) and isinstance(found, float):
        return math.isclose(found, want, rel_tol=1e-9, abs_tol=1e-12)
    return bool(found == want)
