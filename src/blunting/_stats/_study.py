"""The public functions of ``blunting.stats``: a study's data in, results out.

A table in the wide layout of ``blunting.tables`` is read by its
questionnaire: the scored items' columns, reversed where the scoring key says
so (``low + high - answer``), and, for a whole study, only the rows the
questionnaire finds valid.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from blunting._errors import InvalidStudy, Problem, Problems
from blunting._questionnaire import builtin, scoring_key
from blunting._stats import _classical, _factors
from blunting._stats._data import arrow, check_usable, column_names, complete, numbers
from blunting._stats._results import (
    CFA,
    ICC,
    Analysis,
    Correlations,
    ItemStatistics,
    Reliability,
    Retest,
)
from blunting._tables import by_questionnaire
from blunting._tables import score as score_table
from blunting._text import describe, moment

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Mapping, Sequence

    from blunting._questionnaire import Questionnaire
    from blunting._scoring import DomainKey


def reliability(
    items: Any, questionnaire: Questionnaire | None = None, *, domain: str | None = None
) -> Reliability:
    """Cronbach's alpha (with Feldt's interval), omega total and item statistics.

    ``items``: a table in the wide layout (any engine ``blunting.tables``
    takes) holding the items of one domain (or name it: ``domain``), or a
    2-D array. A table's items are reversed by the questionnaire's key, and
    its floor and ceiling are the scale's ends. An array is taken as it is,
    unless ``domain`` names the domain whose items its columns are, in the
    key's order; its floor and ceiling are then the scale's, otherwise its
    least and greatest value.

    .. versionadded:: 0.1.0
    """
    table = arrow(items) if column_names(items) is not None else None
    if table is None and domain is None:
        matrix, names = numbers(items)
        finite = matrix[~np.isnan(matrix)]
        ends = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 0.0)
        return _reliability(matrix, names, (False,) * len(names), ends)
    q = questionnaire or (_named(table) if table is not None else builtin())
    key = scoring_key(q)
    chosen = _domain(q, key.domains, None if table is None else table.column_names, domain)
    names = tuple(item for item, _ in chosen.items)
    if table is None:
        matrix, _ = numbers(items)
        if matrix.shape[1] != len(names):
            message = f"the array has {matrix.shape[1]} columns; {chosen.id} has {len(names)} items"
            raise InvalidStudy([Problem("", message, "columns")])
    else:
        matrix, _ = numbers(table, names)
    _check_answers(q, matrix, names)
    reverse = tuple(flag for _, flag in chosen.items)
    return _reliability(
        _reversed(matrix, reverse, key.minimum, key.maximum),
        names,
        reverse,
        (float(key.minimum), float(key.maximum)),
    )


def _reliability(
    matrix: np.ndarray, names: Sequence[str], reverse: Sequence[bool], ends: tuple[float, float]
) -> Reliability:
    rows = matrix.shape[0]
    if matrix.shape[1] < 2:
        message = f"{matrix.shape[1]} column ({', '.join(names)}): reliability needs two or more"
        raise InvalidStudy([Problem("", message, "columns")])
    used = matrix[complete(matrix)]
    check_usable(used, names, least_rows=max(3, len(names) + 1), what="reliability")
    n, k = used.shape
    value = _classical.alpha(used)
    if math.isnan(value):
        message = "the sum of the items is the same in every complete row: alpha is not defined"
        raise InvalidStudy([Problem("", message, "constant")])
    floor, ceiling = (_classical.shares(matrix, end) for end in ends)
    totals = _classical.item_total(used)
    without = _classical.alpha_without(used)
    answered = ~np.isnan(matrix)
    items = []
    for index, name in enumerate(names):
        own = matrix[answered[:, index], index]
        items.append(
            ItemStatistics(
                name=name,
                reversed=reverse[index],
                mean=float(own.mean()),
                sd=float(own.std(ddof=1)) if own.size > 1 else math.nan,
                missing=float(1 - answered[:, index].mean()),
                floor=float(floor[index]),
                ceiling=float(ceiling[index]),
                item_total=_number(totals[index]),
                alpha_if_deleted=_number(without[index]),
            )
        )
    return Reliability(
        n=n,
        rows=rows,
        alpha=value,
        alpha_ci=_classical.feldt(value, n, k),
        omega=_factors.omega(used, names),
        items=tuple(items),
        scale=ends,
    )


def cfa(data: Any, factors: Mapping[str, Sequence[str]]) -> CFA:
    """The fit of the factor model ``{"factor": ["column", ...]}`` to numeric columns.

    Maximum likelihood on the complete rows (listwise), fitted by semopy;
    chi-square, CFI, TLI, RMSEA (with its 90% interval) and SRMR as lavaan
    defines them; standardized loadings.

    .. versionadded:: 0.1.0
    """
    wanted = None
    if column_names(data) is not None:  # the columns the model names, only
        wanted = list(dict.fromkeys(c for columns in factors.values() for c in columns))
    matrix, names = numbers(data, wanted)
    fitted, _, _ = _factors.fit(matrix[complete(matrix)], names, factors)
    return fitted


def icc(ratings: Any) -> ICC:
    """ICC(A,1) and ICC(C,1), with 95% intervals, of n subjects (rows) by k occasions (columns).

    .. versionadded:: 0.1.0
    """
    matrix, _ = numbers(ratings)
    return _icc(matrix[complete(matrix)])


def _icc(matrix: np.ndarray) -> ICC:
    n, k = matrix.shape
    found = Problems()
    if k < 2:
        found.add("", f"{k} occasion: an ICC needs two columns or more", "columns")
    if n < 2:
        found.add("", f"{n} complete row: an ICC needs two subjects or more", "rows")
    elif np.ptp(matrix.mean(axis=1)) == 0:
        message = "every subject's mean rating is the same: an ICC compares subjects"
        found.add("", f"{message}, and is not defined here", "constant")
    found.raise_as(InvalidStudy)
    agreement, agreement_ci, consistency, consistency_ci = _classical.icc(matrix)
    if not np.isfinite([agreement, consistency]).all():
        message = "these ratings leave the ICC undefined (a division by zero)"
        raise InvalidStudy([Problem("", message, "constant")])
    return ICC(n, k, agreement, agreement_ci, consistency, consistency_ci)


def _icc_or_none(pairs: np.ndarray) -> ICC | None:
    try:
        return _icc(pairs)
    except InvalidStudy:
        return None


def retest(
    data: Any,
    questionnaire: Questionnaire | None = None,
    *,
    within: dt.timedelta | None = None,
) -> Retest:
    """Test-retest ICCs of each domain and the total, from respondents who answered twice.

    Each respondent's first two valid responses, by completion time, form a
    pair (when ``within`` is given, only if the second came within it of the
    first); the ICCs are of the raw scores.

    .. versionadded:: 0.1.0
    """
    table = arrow(data)
    q = questionnaire or _named(table)
    scores = score_table(table, q)
    found = _retest(q, scores, _by_person(scores), within)
    if found is None:
        message = "no respondent has two valid responses with a completion time"
        raise InvalidStudy(
            [Problem("", message + (" within the window" if within else ""), "rows")]
        )
    return found


def _retest(
    q: Questionnaire,
    scores: pa.Table,
    people: dict[str, list[tuple[Any, ...]]],
    within: dt.timedelta | None,
) -> Retest | None:
    parts = [*(d.id for d in q.domains), "total"]
    firsts = _first_two(people, within)
    if not firsts:
        return None
    raw = {part: scores.column(f"{part}_raw").to_numpy(zero_copy_only=False) for part in parts}
    first, second = (np.array(rows) for rows in zip(*firsts, strict=True))
    found: dict[str, ICC | None] = {}
    used: dict[str, int] = {}
    for part in parts:
        pairs = np.column_stack([raw[part][first], raw[part][second]]).astype(np.float64)
        pairs = pairs[complete(pairs)]
        used[part] = len(pairs)
        found[part] = _icc_or_none(pairs)
    return Retest(pairs=len(firsts), within=within, parts=found, used=used)


def _by_person(scores: pa.Table) -> dict[str, list[tuple[Any, ...]]]:
    """Each respondent's valid responses, in order: by completion time, then the untimed.

    Each is ``(0, moment, row)`` or, without a completion time, ``(1, row)``;
    ties go to the earlier row.
    """
    valid = scores.column("valid").to_pylist()
    people = scores.column("respondent").to_pylist()
    times = scores.column("completed").to_pylist()
    found: dict[str, list[tuple[Any, ...]]] = {}
    for index, (ok, person, when) in enumerate(zip(valid, people, times, strict=True)):
        if ok and person is not None:
            rank = (1, index) if when is None else (0, moment(when), index)
            found.setdefault(person, []).append(rank)
    for responses in found.values():
        responses.sort()
    return found


def _first_two(
    people: dict[str, list[tuple[Any, ...]]], within: dt.timedelta | None
) -> list[tuple[int, int]]:
    """The rows of each respondent's first two timed responses (the second within ``within``)."""
    pairs = []
    for responses in people.values():
        if len(responses) < 2 or responses[1][0]:  # the timed ones come first
            continue
        (_, start, first), (_, end, second) = responses[:2]
        if within is None or end - start <= within:
            pairs.append((first, second))
    return sorted(pairs)


def analyze(data: Any, questionnaire: Questionnaire | None = None) -> Analysis:
    """Everything a validation study reports, from a study table in the wide layout.

    Only the rows the questionnaire finds valid are used, and of a
    respondent who answered more than once, only the first response (by
    completion time) for all but test-retest. Per domain, its reliability
    (None for a domain of one item); the confirmatory factor model of the
    questionnaire's own domains (each domain of two items or more a factor
    of its items, reversed items reversed; None when that model is not
    identified, as one factor of two items is not); the correlations of the
    domains' raw scores; and test-retest when respondents answered twice.

    .. versionadded:: 0.1.0
    """
    table = arrow(data)
    q = questionnaire or _named(table)
    key = scoring_key(q)
    scores = score_table(table, q)
    valid = scores.column("valid").to_numpy(zero_copy_only=False)
    people = _by_person(scores)
    used = _first_responses(scores, people)
    names = [item for d in key.domains for item, _ in d.items]
    matrix, _ = numbers(table.filter(pa.array(used)), names)  # valid rows: options only
    reverse = [flag for d in key.domains for _, flag in d.items]
    matrix = _reversed(matrix, reverse, key.minimum, key.maximum)
    ends = (float(key.minimum), float(key.maximum))
    found: dict[str, Reliability | None] = {}
    start = 0
    for domain in key.domains:
        width = len(domain.items)
        part = slice(start, start + width)
        alone = width < 2
        found[domain.id] = (
            None if alone else _reliability(matrix[:, part], names[part], reverse[part], ends)
        )
        start += width
    factors = {d.id: [item for item, _ in d.items] for d in key.domains if len(d.items) > 1}
    fitted = None
    if _factors.identified(factors):
        fitted = cfa(pa.table(dict(zip(names, matrix.T, strict=True))), factors)
    return Analysis(
        questionnaire=q.id,
        version=q.version,
        rows=table.num_rows,
        valid=int(valid.sum()),
        used=int(used.sum()),
        reliability=found,
        cfa=fitted,
        correlations=_correlations(scores.filter(pa.array(used)), [d.id for d in key.domains]),
        retest=_retest(q, scores, people, None),
    )


def _first_responses(scores: pa.Table, people: dict[str, list[tuple[Any, ...]]]) -> np.ndarray:
    """The valid rows, but for each respondent's later ones: one response a person.

    A row without a respondent's id is a person of its own.
    """
    keep: np.ndarray = scores.column("valid").to_numpy(zero_copy_only=False).copy()
    for responses in people.values():
        keep[[rank[-1] for rank in responses[1:]]] = False
    return keep


def _correlations(scores: pa.Table, domains: list[str]) -> Correlations:
    columns = [scores.column(f"{d}_raw").to_numpy(zero_copy_only=False) for d in domains]
    matrix = np.column_stack(columns).astype(np.float64)
    matrix = matrix[complete(matrix)]
    found = [
        tuple(
            _number(_classical.correlation(matrix[:, first], matrix[:, second]))
            if len(matrix) > 1
            else None
            for second in range(len(domains))
        )
        for first in range(len(domains))
    ]
    return Correlations(n=len(matrix), names=tuple(domains), matrix=tuple(found))


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _reversed(matrix: np.ndarray, reverse: Sequence[bool], low: int, high: int) -> np.ndarray:
    flip = np.asarray(reverse, bool)
    found: np.ndarray = np.where(flip[None, :], low + high - matrix, matrix)
    return found


def _check_answers(q: Questionnaire, matrix: np.ndarray, names: Sequence[str]) -> None:
    """Raise ``InvalidStudy`` naming each item column that holds a value outside its options."""
    found = Problems()
    items = {item.id: item for item in q.items}
    for index, name in enumerate(names):
        options = np.array([o.value for o in items[name].options if type(o.value) is int])
        values = matrix[:, index]
        outside = ~np.isnan(values) & ~np.isin(values, options)
        if outside.any():
            value = float(values[outside][0])
            first = describe(int(value) if value.is_integer() else value)
            count = int(outside.sum())
            message = f"{count} cell(s) of {describe(name)} are not its options, such as {first}"
            found.add(name, message, "enum")
    found.raise_as(InvalidStudy)


def _domain(
    q: Questionnaire,
    domains: Sequence[DomainKey],
    columns: Sequence[str] | None,
    domain: str | None,
) -> DomainKey:
    """The domain asked for, or the one whose items the table's columns are."""
    ids = [d.id for d in domains]
    if domain is not None:
        for d in domains:
            if d.id == domain:
                return d
        message = f"{q.id} {q.version} has no domain {describe(domain)} (its domains: {ids})"
        raise InvalidStudy([Problem("", message, "domain")])
    present = [d for d in domains if any(item in (columns or ()) for item, _ in d.items)]
    if len(present) == 1:
        return present[0]
    held = [d.id for d in present]
    message = (
        f"the table holds the items of the domains {held}: name one (domain=)"
        if present
        else f"the table holds no scored item of {q.id} {q.version}"
    )
    raise InvalidStudy([Problem("", message, "domain")])


def _named(data: Any) -> Questionnaire:
    """The questionnaire a table names in its own columns, or the latest built-in."""
    table = data if isinstance(data, pa.Table) else arrow(data)
    names = table.column_names
    if "questionnaire" not in names or "version" not in names:
        return builtin()
    groups = by_questionnaire(table)
    if len(groups) != 1:
        message = f"the table names {len(groups)} questionnaires: name the one to use"
        raise InvalidStudy([Problem("", message, "questionnaire")])
    (qid, version), _ = groups[0]
    try:
        return builtin(str(version), id=str(qid))
    except LookupError:
        message = f"{describe(qid)} {describe(version)} is not a built-in questionnaire: give it"
        raise InvalidStudy([Problem("", message, "questionnaire")]) from None
