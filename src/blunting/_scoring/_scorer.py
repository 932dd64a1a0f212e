"""Scoring many payloads quickly: generated sums, and results remembered by answer pattern.

The rules are ``_rules``'; this module only makes applying them cheap. A
domain's result depends only on the sum of its scored values and their
count, and the total's only on the exact sum of the domains' raw scores, its
count of answers and whether any domain is prorated: each result is worked
out once by the rules and remembered, as is the JSON text of every part.
"""

from __future__ import annotations

import math
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

from blunting._scoring import _writer
from blunting._scoring._results import EMPTY, SCALARS, freeze, new_score
from blunting._text import Memo, define, orjson_module
from blunting._version import __version__

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from blunting._scoring._results import DomainScore, Score
    from blunting._scoring._rules import ScoringKey

#: Per domain, its forward-keyed and its reverse-keyed item ids.
_Split = tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]


class Results(NamedTuple):
    """The results of one set of answers: shared between the scores that have them."""

    #: Results by domain id, in the questionnaire's order.
    domains: Mapping[str, DomainScore]
    #: The result over all domains.
    total: DomainScore
    #: Their JSON text: ``"domains":{...},"total":{...}``.
    text: str


#: A domain's or the total's result, its JSON text (a domain's with its id as
#: the key), and for a scored domain its raw score times ``_lcm``.
_Part = tuple["DomainScore", str, int | None]


def _differences(
    split: _Split,
) -> Callable[[Mapping[str, Any]], tuple[float, ...]]:
    """A function: per domain, forward-keyed answers summed less reverse-keyed ones.

    Generated as one expression per domain (``0 + a[k0] + a[k1] - a[k2]``),
    the item ids passed in as names.
    """
    namespace: dict[str, Any] = {}
    terms = []
    for forward, reverse in split:
        expression = "0"
        for sign, items in (("+", forward), ("-", reverse)):
            for item in items:
                name = f"k{len(namespace)}"
                namespace[name] = item
                expression += f" {sign} a[{name}]"
        terms.append(expression)
    return define(  # type: ignore[no-any-return]
        f"def differences(a):\n    return ({', '.join(terms)},)\n", namespace, "differences"
    )


def _sums(
    split: _Split, flip: int, not_applicable: str | None = None
) -> Callable[[Mapping[str, Any]], tuple[float, ...]]:
    """A function: per domain, the sum of its scored answers and their count.

    A reverse-keyed answer ``v`` scores ``flip - v``. Missing and null answers,
    and the ``not_applicable`` answer, are left out. Generated straight-line,
    the item ids passed in as names.
    """
    namespace: dict[str, Any] = {"F": flip, "NA": not_applicable}
    answered = "v is not None" if not_applicable is None else "v is not None and v != NA"
    lines = ["def sums(a):", "    g = a.get"]
    results: list[str] = []
    for index, (forward, reverse) in enumerate(split):
        total, count = f"t{index}", f"n{index}"
        lines.append(f"    {total} = {count} = 0")
        for item in (*forward, *reverse):
            name = f"k{len(namespace)}"
            namespace[name] = item
            add = "v" if item in forward else "F - v"
            lines += [f"    v = g({name})", f"    if {answered}:"]
            lines += [f"        {total} += {add}", f"        {count} += 1"]
        results += (total, count)
    lines.append(f"    return ({', '.join(results)},)")
    return define("\n".join(lines) + "\n", namespace, "sums")  # type: ignore[no-any-return]


class Scorer:
    """Scores valid payloads by a :class:`~blunting._scoring._rules.ScoringKey`, quickly.

    Not a value: it remembers results (bounded, see ``blunting._text.Memo``).
    It is safe to share between threads: a memo lost to a race is only made
    again.
    """

    __slots__ = (
        "_complete",
        "_context_parts",
        "_domain_parts",
        "_head",
        "_items",
        "_lcm",
        "_partial",
        "_questionnaire",
        "_remembered",
        "_shifts",
        "_total_parts",
        "_version",
        "key",
    )

    def __init__(self, key: ScoringKey) -> None:
        #: The rules' key.
        self.key = key
        self._questionnaire, self._version = key.questionnaire, key.version
        split: _Split = tuple(
            (
                tuple(item for item, reverse in domain.items if not reverse),
                tuple(item for item, reverse in domain.items if reverse),
            )
            for domain in key.domains
        )
        flip = key.minimum + key.maximum
        #: For answers to every item: per domain, the sum of the forward-keyed
        #: answers less the sum of the reverse-keyed ones. Raises ``KeyError``
        #: for a missing answer and ``TypeError`` for a null one or the
        #: not-applicable one (a text).
        self._complete: Callable[[Mapping[str, Any]], tuple[float, ...]] = _differences(split)
        #: For any answers: per domain, the sum of its scored answers and their count.
        self._partial: Callable[[Mapping[str, Any]], tuple[float, ...]] = _sums(
            split, flip, key.not_applicable
        )
        #: Per domain, what ``_complete`` leaves out of its sum: the number of
        #: reverse-keyed items times (minimum + maximum).
        self._shifts = tuple(len(reverse) * flip for _, reverse in split)
        #: How many scored items there are.
        self._items = key.items
        #: A common multiple of every possible count of answers (1 to the largest
        #: domain's size): raw scores times this are whole numbers, exact keys.
        self._lcm = math.lcm(*range(1, 1 + max((len(d.items) for d in key.domains), default=1)))
        #: The start of the JSON text of every score made here (see ``score_text``).
        self._head = _writer.head(key.questionnaire, key.version, __version__)
        #: Results by the answers' pattern (``_complete`` or ``_partial``).
        self._remembered: Memo[tuple[float, ...], Results] = Memo()
        #: Domain results by (domain index, sum, answered): a small, finite set.
        self._domain_parts: dict[tuple[int, int, int], _Part] = {}
        #: Total results by (raw sum times ``_lcm`` or None, answered, prorated):
        #: a small, finite set.
        self._total_parts: dict[tuple[int | None, int, bool], _Part] = {}
        #: The texts of the impact answer and of the other context answers, by
        #: orjson's serialization of the context: see ``_context_texts``.
        self._context_parts: Memo[bytes, tuple[str, str]] = Memo()

    def results(self, answers: Mapping[str, Any]) -> Results:
        """The results of a valid payload's answers, remembered by their pattern."""
        pattern = None
        if len(answers) == self._items:
            try:  # noqa: SIM105 - not contextlib.suppress: this is the hot path
                pattern = self._complete(answers)
            except TypeError:  # a null or not-applicable answer: see _partial
                pass
        if pattern is None:
            pattern = self._partial(answers)
        results = self._remembered.get(pattern)
        if results is None:
            results = self._remembered.remember(pattern, self._results(pattern))
        return results

    def impact(self, context: Mapping[str, Any] | None) -> int | None:
        """A valid context's impact answer, as an ``int``; ``None`` when there is none."""
        if not context or self.key.impact is None:
            return None
        impact = context.get(self.key.impact)
        return None if impact is None else int(impact)

    def _context(self, context: Mapping[str, Any] | None) -> tuple[int | None, dict[str, Any]]:
        """The impact answer (as an ``int``) and a copy of the other context answers."""
        if not context:
            return None, {}
        copy = dict(context)
        impact = None if self.key.impact is None else copy.pop(self.key.impact, None)
        return (None if impact is None else int(impact)), copy

    def score(self, payload: Mapping[str, Any]) -> Score:
        """Score a payload that the questionnaire's schema has accepted.

        Valid answers are integers or integral floats (``3.0``) on the scale,
        or null; sums of such values are exact.
        """
        results = self.results(payload["answers"])
        impact, copy = self._context(payload.get("context"))
        context = EMPTY
        if copy:
            for key, value in copy.items():
                if type(value) not in SCALARS:
                    # valid arrays hold option values only: scalars (meta-schema)
                    copy[key] = tuple(value) if type(value) is list else freeze(value)
            context = MappingProxyType(copy)
        score: Score = new_score(
            self._questionnaire,
            self._version,
            results.domains,
            results.total,
            impact,
            context,
            payload.get("respondent"),
            payload.get("completed"),
            __version__,
        )
        return score

    def score_text(self, payload: Mapping[str, Any]) -> str:
        """``self.score(payload).to_json()``, made without making the :class:`Score`."""
        impact, context = self._context_texts(payload.get("context"))
        return _writer.line(
            self._head,
            payload.get("respondent"),
            payload.get("completed"),
            self.results(payload["answers"]).text,
            impact,
            context,
        )

    def _context_texts(self, context: Mapping[str, Any] | None) -> tuple[str, str]:
        """The JSON texts of a valid context's impact answer and of its other answers.

        Contexts repeat, as their questions have options. With the "fast"
        extra, the texts are remembered under orjson's serialization of the
        context, which takes a fraction of the time to make. That key is
        one-to-one on valid contexts: orjson writes distinct JSON values as
        distinct bytes, except NaN and the infinities (all ``null``), which
        no option can be (options are JSON). A context that orjson cannot
        write is written afresh.
        """
        orjson = orjson_module() if context else None
        key = None
        if orjson is not None:
            try:
                key = orjson.dumps(context)
            except orjson.JSONEncodeError:
                pass
            else:
                found = self._context_parts.get(key)
                if found is not None:
                    return found
        impact, rest = self._context(context)
        found = (_writer.impact_text(impact), _writer.encode(rest))
        if key is not None:
            self._context_parts.remember(key, found)
        return found

    def _results(self, pattern: tuple[float, ...]) -> Results:
        """The results for one answer pattern, by the rules, each part worked out once."""
        key = self.key
        results: dict[str, DomainScore] = {}
        texts: list[str] = []
        complete = len(pattern) == len(key.domains)  # see _complete, else _partial
        scaled_raw = answered_count = 0  # scaled_raw: sum of raw * _lcm
        prorated = False
        scorable = True
        for index, domain in enumerate(key.domains):
            if complete:
                total, answered = int(pattern[index]) + self._shifts[index], len(domain.items)
            else:
                total, answered = int(pattern[2 * index]), int(pattern[2 * index + 1])
            part_key = (index, total, answered)
            part = self._domain_parts.get(part_key)
            if part is None:
                result = key.domain(domain, total, answered)
                scaled = (
                    None
                    if result.raw is None
                    else total * len(domain.items) * (self._lcm // answered)
                )
                part = (result, _writer.member_text(domain.id, _writer.result_json(result)), scaled)
                self._domain_parts[part_key] = part
            result, text, scaled = part
            results[domain.id] = result
            texts.append(text)
            if scaled is None:
                scorable = False
            else:
                scaled_raw += scaled
                prorated = prorated or result.prorated
            answered_count += answered
        total_key = (scaled_raw if scorable else None, answered_count, prorated)
        overall = self._total_parts.get(total_key)
        if overall is None:
            raw = None if total_key[0] is None else Fraction(total_key[0], self._lcm)
            result = key.total(raw, answered_count, prorated=prorated)
            overall = self._total_parts[total_key] = (
                result,
                _writer.result_json(result),
                total_key[0],
            )
        return Results(
            MappingProxyType(results), overall[0], _writer.results_text(texts, overall[1])
        )
