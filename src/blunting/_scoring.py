"""The scoring rules (docs/scoring.md), applied to a validated payload."""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Callable, Iterable, Mapping
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final

import attrs

from blunting import _json
from blunting._codegen import define
from blunting._version import __version__

SCORED: Final = "scored"
INSUFFICIENT_ANSWERS: Final = "insufficient_answers"
UNSCORABLE_DOMAINS: Final = "unscorable_domains"


def round2(value: Fraction) -> float:
    """``value`` rounded to 2 decimals, half away from zero, computed exactly."""
    hundredths, remainder = divmod(abs(value.numerator) * 100, value.denominator)
    if 2 * remainder >= value.denominator:
        hundredths += 1
    return (hundredths if value.numerator >= 0 else -hundredths) / 100


@attrs.frozen
class DomainScore:
    """The result for one domain, or for the total.

    .. versionadded:: 0.1.0
    """

    #: Mean scored value times the number of items; ``None`` when unscorable.
    raw: float | None
    #: Mean scored value of the answered items; ``None`` when unscorable.
    mean: float | None
    #: The mean mapped onto 0-100; ``None`` when unscorable.
    scaled: float | None
    #: How many of the items were answered.
    answered: int
    #: How many items there are.
    items: int
    #: Whether ``raw`` stands in for missing answers (fewer answered than items).
    prorated: bool
    #: ``"scored"``, ``"insufficient_answers"`` or ``"unscorable_domains"``.
    status: str

    def to_dict(self) -> dict[str, Any]:
        """This result as JSON-ready data."""
        return attrs.asdict(self)


def _thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _thaw(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [_thaw(item) for item in value]
    return value


def _freeze(value: Any) -> Any:
    """An immutable copy of a JSON value: arrays as tuples, objects as read-only mappings."""
    if isinstance(value, (list, tuple)):
        frozen = tuple(value)
        if _SCALARS.issuperset(map(type, frozen)):
            return frozen
        return tuple(map(_freeze, frozen))
    if isinstance(value, Mapping):
        return MappingProxyType({key: _freeze(item) for key, item in value.items()})
    return value


_EMPTY: Mapping[str, Any] = MappingProxyType({})
#: The types of JSON values that are immutable already.
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _differences(
    split: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...],
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
    split: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...], flip: int
) -> Callable[[Mapping[str, Any]], tuple[float, ...]]:
    """A function: per domain, the sum of its scored answers and their count.

    A reverse-keyed answer ``v`` scores ``flip - v``. Missing and null answers
    are left out. Generated straight-line, the item ids passed in as names.
    """
    namespace: dict[str, Any] = {"F": flip}
    lines = ["def sums(a):", "    g = a.get"]
    results: list[str] = []
    for index, (forward, reverse) in enumerate(split):
        total, count = f"t{index}", f"n{index}"
        lines.append(f"    {total} = {count} = 0")
        for item in (*forward, *reverse):
            name = f"k{len(namespace)}"
            namespace[name] = item
            add = "v" if item in forward else "F - v"
            lines += [f"    v = g({name})", "    if v is not None:"]
            lines += [f"        {total} += {add}", f"        {count} += 1"]
        results += (total, count)
    lines.append(f"    return ({', '.join(results)},)")
    return define("\n".join(lines) + "\n", namespace, "sums")  # type: ignore[no-any-return]


@attrs.frozen
class Score:
    """The score of one response: its domains, total, and unscored context.

    A score is not a diagnosis, and there are no cut-offs.

    .. versionadded:: 0.1.0
    """

    #: Id of the questionnaire that was answered.
    questionnaire: str
    #: Version of the questionnaire that was answered.
    version: str
    #: Results by domain id, in the questionnaire's order.
    domains: Mapping[str, DomainScore]
    #: The result over all domains.
    total: DomainScore
    #: The answer to the impact question (unscored), or ``None``.
    impact: int | None
    #: The other context answers (unscored), exactly as given; arrays as tuples.
    context: Mapping[str, Any]
    #: The response's respondent id, or ``None``.
    respondent: str | None = None
    #: The response's completion time as given, or ``None``.
    completed: str | None = None
    #: Version of this library, which computed the score.
    library_version: str = __version__

    def to_dict(self) -> dict[str, Any]:
        """This score as JSON-ready data, valid against the score schema."""
        return {
            "questionnaire": self.questionnaire,
            "version": self.version,
            "library_version": self.library_version,
            "respondent": self.respondent,
            "completed": self.completed,
            "domains": {key: result.to_dict() for key, result in self.domains.items()},
            "total": self.total.to_dict(),
            "impact": self.impact,
            "context": _thaw(self.context),
        }

    def to_json(self) -> str:
        """This score as compact JSON text: ``to_dict()``, serialized, in one line.

        Equal to ``json.dumps(score.to_dict(), ensure_ascii=False,
        separators=(",", ":"))``, and much quicker for many scores: the parts
        that repeat between scores are serialized once.

        .. versionadded:: 0.1.0
        """
        return _json_text(self)


def _constructor(cls: type[Any]) -> Callable[..., Any]:
    """A faster ``cls(*fields)`` for a frozen, slotted attrs class with plain fields.

    attrs' ``__init__`` sets each field through ``object.__setattr__``, which
    looks the slot up by name; this sets the slots directly. The class must
    have no validators, converters or ``__attrs_post_init__``.
    """
    fields = attrs.fields(cls)
    if any(f.validator or f.converter for f in fields) or hasattr(cls, "__attrs_post_init__"):
        raise TypeError(f"{cls.__name__} has more to do than set its fields")
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls}
    arguments = [f"a{index}" for index in range(len(fields))]
    lines = [f"def make({', '.join(arguments)}):", "    self = new(cls)"]
    for index, field in enumerate(fields):
        namespace[f"s{index}"] = cls.__dict__[field.name].__set__
        lines.append(f"    s{index}(self, a{index})")
    lines.append("    return self")
    return define("\n".join(lines) + "\n", namespace, "make")  # type: ignore[no-any-return]


_new_score = _constructor(Score)


@attrs.frozen
class DomainKey:
    """How one domain is scored."""

    id: str
    #: ``(item id, reverse-keyed)`` for each item, in order.
    items: tuple[tuple[str, bool], ...]
    min_answered: int


#: How many distinct answer patterns a scoring key remembers the results of.
#: Results depend only on each domain's sum and count of answers, so a few
#: thousand patterns cover most data; past this many the memory starts over.
_REMEMBERED = 1 << 14

#: The results of an answer pattern: by domain, the total, and their JSON text
#: (``"domains":{...},"total":{...}``).
_Results = tuple[Mapping[str, DomainScore], DomainScore, str]
#: A domain's or the total's result, its JSON text (a domain's with its id as
#: the key), and for a scored domain its raw score times ``_lcm``.
_Part = tuple[DomainScore, str, int | None]


@attrs.frozen
class ScoringKey:
    """Everything scoring needs, read from a questionnaire's ``x-scoring``."""

    questionnaire: str
    version: str
    minimum: int
    maximum: int
    domains: tuple[DomainKey, ...]
    impact: str | None
    #: Per domain, its forward-keyed and its reverse-keyed item ids.
    _split: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = attrs.field(
        init=False, repr=False, eq=False
    )
    #: For answers to every item: per domain, the sum of the forward-keyed
    #: answers less the sum of the reverse-keyed ones. Raises ``KeyError``
    #: for a missing answer and ``TypeError`` for a null one.
    _complete: Callable[[Mapping[str, Any]], tuple[float, ...]] = attrs.field(
        init=False, repr=False, eq=False
    )
    #: For any answers: per domain, the sum of its scored answers and their count.
    _partial: Callable[[Mapping[str, Any]], tuple[float, ...]] = attrs.field(
        init=False, repr=False, eq=False
    )
    #: Per domain, what ``_complete`` leaves out of its sum: the number of
    #: reverse-keyed items times (minimum + maximum).
    _shifts: tuple[int, ...] = attrs.field(init=False, repr=False, eq=False)
    #: Results by the answers' pattern (``_complete`` or ``_partial``): see ``_REMEMBERED``.
    _remembered: dict[tuple[float, ...], _Results] = attrs.field(
        init=False, repr=False, eq=False, factory=dict
    )
    #: Domain results by (domain index, sum, answered): a small, finite set.
    _domain_parts: dict[tuple[int, int, int], _Part] = attrs.field(
        init=False, repr=False, eq=False, factory=dict
    )
    #: Total results by (raw sum times ``_lcm`` or None, answered, prorated):
    #: a small, finite set.
    _total_parts: dict[tuple[int | None, int, bool], _Part] = attrs.field(
        init=False, repr=False, eq=False, factory=dict
    )
    #: The texts of the impact answer and of the other context answers, by
    #: orjson's serialization of the context: see ``_context_texts``.
    _context_parts: dict[bytes, tuple[str, str]] = attrs.field(
        init=False, repr=False, eq=False, factory=dict
    )
    #: How many scored items there are.
    _items: int = attrs.field(init=False, repr=False, eq=False)
    #: A common multiple of every possible count of answers (1 to the largest
    #: domain's size): raw scores times this are whole numbers, exact keys.
    _lcm: int = attrs.field(init=False, repr=False, eq=False)
    #: The start of the JSON text of every score made here (see ``score_text``).
    _head: str = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(
            self,
            "_lcm",
            math.lcm(*range(1, 1 + max((len(d.items) for d in self.domains), default=1))),
        )
        split = tuple(
            (
                tuple(item for item, reverse in domain.items if not reverse),
                tuple(item for item, reverse in domain.items if reverse),
            )
            for domain in self.domains
        )
        flip = self.minimum + self.maximum
        object.__setattr__(self, "_split", split)
        object.__setattr__(self, "_complete", _differences(split))
        object.__setattr__(self, "_partial", _sums(split, flip))
        object.__setattr__(self, "_shifts", tuple(len(reverse) * flip for _, reverse in split))
        object.__setattr__(self, "_items", sum(len(domain.items) for domain in self.domains))
        object.__setattr__(self, "_head", _head(self.questionnaire, self.version, __version__))

    def _results_for(self, answers: Mapping[str, Any]) -> _Results:
        """The results of ``answers``, remembered by their pattern (see ``_remembered``)."""
        pattern = None
        if len(answers) == self._items:
            try:  # noqa: SIM105 - not contextlib.suppress: this is the hot path
                pattern = self._complete(answers)
            except TypeError:  # a null answer: see _partial
                pass
        if pattern is None:
            pattern = self._partial(answers)
        results = self._remembered.get(pattern)
        if results is None:
            results = self._results(pattern)
        return results

    def _context(self, context: Mapping[str, Any] | None) -> tuple[int | None, dict[str, Any]]:
        """The impact answer (as an ``int``) and a copy of the other context answers."""
        if not context:
            return None, {}
        copy = dict(context)
        impact = None if self.impact is None else copy.pop(self.impact, None)
        return (None if impact is None else int(impact)), copy

    def score(self, payload: Mapping[str, Any]) -> Score:
        """Score a payload that the questionnaire's schema has accepted.

        Valid answers are integers or integral floats (``3.0``) on the scale,
        or null; sums of such values are exact.
        """
        results = self._results_for(payload["answers"])
        impact, copy = self._context(payload.get("context"))
        context = _EMPTY
        if copy:
            for key, value in copy.items():
                if type(value) not in _SCALARS:
                    # valid arrays hold option values only: scalars (meta-schema)
                    copy[key] = tuple(value) if type(value) is list else _freeze(value)
            context = MappingProxyType(copy)
        score: Score = _new_score(
            self.questionnaire,
            self.version,
            results[0],
            results[1],
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
        return _line(
            self._head,
            payload.get("respondent"),
            payload.get("completed"),
            self._results_for(payload["answers"])[2],
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
        orjson = _json.orjson_module() if context else None
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
        found = (_impact_text(impact), _encode(rest))
        if key is not None:
            if len(self._context_parts) >= _REMEMBERED:
                self._context_parts.clear()
            self._context_parts[key] = found
        return found

    def _results(self, pattern: tuple[float, ...]) -> _Results:
        """The results for one answer pattern (rules 1-6 of docs/scoring.md), remembered.

        A domain's result depends only on its sum and count of answers, and the
        total's only on the exact sum of the domains' raw scores, its count of
        answers and whether any domain is prorated: each is worked out once.
        """
        results: dict[str, DomainScore] = {}
        texts: list[str] = []
        complete = len(pattern) == len(self.domains)  # see _complete, else _partial
        scaled_raw = answered_count = 0  # scaled_raw: sum of raw * _lcm
        prorated = False
        scorable = True
        for index, domain in enumerate(self.domains):
            if complete:
                total, answered = int(pattern[index]) + self._shifts[index], len(domain.items)
            else:
                total, answered = int(pattern[2 * index]), int(pattern[2 * index + 1])
            key = (index, total, answered)
            part = self._domain_parts.get(key)
            if part is None:
                part = self._domain_parts[key] = self._domain(domain, total, answered)
            result, text, scaled = part
            results[domain.id] = result
            texts.append(text)
            if scaled is None:
                scorable = False
            else:
                scaled_raw += scaled
                prorated = prorated or result.prorated
            answered_count += answered
        overall_key = (scaled_raw if scorable else None, answered_count, prorated)
        overall = self._total_parts.get(overall_key)
        if overall is None:
            overall = self._total_parts[overall_key] = self._total(*overall_key)
        if len(self._remembered) >= _REMEMBERED:
            self._remembered.clear()
        found = self._remembered[pattern] = (
            MappingProxyType(results),
            overall[0],
            _results_text(texts, overall[1]),
        )
        return found

    def _domain(self, domain: DomainKey, total: int, answered: int) -> _Part:
        items = len(domain.items)
        if answered < domain.min_answered:
            result = _unscored(answered, items, INSUFFICIENT_ANSWERS)
            scaled = None
        else:
            mean = Fraction(total, answered)
            result = self._scored(mean * items, mean, answered, items, prorated=answered < items)
            scaled = total * items * (self._lcm // answered)
        return result, _member_text(domain.id, _result_json(result)), scaled

    def _total(self, scaled_raw: int | None, answered: int, prorated: bool) -> _Part:  # noqa: FBT001 - a key's parts
        if scaled_raw is None:
            result = _unscored(answered, self._items, UNSCORABLE_DOMAINS)
        else:
            raw = Fraction(scaled_raw, self._lcm)
            result = self._scored(raw, raw / self._items, answered, self._items, prorated=prorated)
        return result, _result_json(result), scaled_raw

    def _scored(
        self, raw: Fraction, mean: Fraction, answered: int, items: int, *, prorated: bool
    ) -> DomainScore:
        """A scored result, from exact values: rules 3, 5 and 6 of docs/scoring.md."""
        scaled = (mean - self.minimum) * 100 / (self.maximum - self.minimum)
        return DomainScore(
            raw=round2(raw),
            mean=round2(mean),
            scaled=round2(scaled),
            answered=answered,
            items=items,
            prorated=prorated,
            status=SCORED,
        )


def _unscored(answered: int, items: int, status: str) -> DomainScore:
    return DomainScore(
        raw=None,
        mean=None,
        scaled=None,
        answered=answered,
        items=items,
        prorated=False,
        status=status,
    )


#: Serialized parts that repeat between scores (see ``Score.to_json``), bounded:
#: a result by its identity while it lives, a score's start by its values.
_SERIALIZED: dict[object, tuple[tuple[object, ...], str]] = {}
_REMEMBERED_TEXTS = 1 << 14
_string = json.encoder.encode_basestring
_compact = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _remembered_text(key: object, owners: tuple[object, ...], make: Callable[[], str]) -> str:
    """What ``make()`` gives, remembered under ``key`` while ``owners`` are the same objects.

    A key built from ``id()`` is only good while its object lives: the entry
    holds ``owners``, keeping them alive, and is used only for them.
    """
    found = _SERIALIZED.get(key)
    if found is not None:
        held, text = found
        if len(held) == len(owners) and all(map(operator.is_, held, owners)):
            return text
    if len(_SERIALIZED) >= _REMEMBERED_TEXTS:
        _SERIALIZED.clear()
    text = make()
    _SERIALIZED[key] = (owners, text)
    return text


def _result_json(result: DomainScore) -> str:
    return _compact(result.to_dict())


def _result_text(result: DomainScore) -> str:
    # DomainScore objects come from ScoringKey's remembered results, so are shared.
    return _remembered_text(id(result), (result,), lambda: _result_json(result))


def _member_text(key: str, text: str) -> str:
    """``"key":text``, a member of a JSON object."""
    return f"{_string(key)}:{text}"


def _mapping(value: object) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


#: JSON text of a context: compact, and read-only mappings (a frozen context)
#: written as objects, tuples as arrays; the same text as ``_compact(_thaw(value))``.
_encoder: Any = getattr(json.encoder, "c_make_encoder", None)  # untyped in typeshed
if _encoder is None:  # pragma: no cover - CPython has the C encoder

    def _encode(value: object) -> str:
        return _compact(_thaw(value))

else:
    _chunks = _encoder(
        None,  # markers: none shared between threads; to_dict() of a cycle fails anyway
        _mapping,  # default
        _string,  # encoder
        None,  # indent
        ":",  # key_separator
        ",",  # item_separator
        False,  # sort_keys  # noqa: FBT003
        False,  # skipkeys  # noqa: FBT003
        True,  # allow_nan, as json.dumps  # noqa: FBT003
    )

    def _encode(value: object) -> str:
        return "".join(_chunks(value, 0))


def _results_text(domains: Iterable[str], total: str) -> str:
    """``"domains":{...},"total":{...}``, from the domains' members and the total's text."""
    return f'"domains":{{{",".join(domains)}}},"total":{total}'


def _remembered_results_text(domains: Mapping[str, DomainScore], total: DomainScore) -> str:
    """The results text of a score, remembered for the results ScoringKey shares between scores."""
    return _remembered_text(
        id(domains),
        (domains, total),
        lambda: _results_text(
            (_member_text(key, _result_text(result)) for key, result in domains.items()),
            _result_text(total),
        ),
    )


def _head(questionnaire: str, version: str, library_version: str) -> str:
    """The text of a score from its start to its library version."""
    return _remembered_text(
        ("head", questionnaire, version, library_version),
        (),
        lambda: _compact(
            {"questionnaire": questionnaire, "version": version, "library_version": library_version}
        )[:-1],
    )


def _line(  # noqa: PLR0913, PLR0917 - a score's six parts
    head: str,
    respondent: str | None,
    completed: str | None,
    results: str,
    impact: str,
    context: str,
) -> str:
    """A score's JSON text, from its parts (texts, but for the respondent and completion time)."""
    who = "null" if respondent is None else _string(respondent)
    when = "null" if completed is None else _string(completed)
    return (
        f'{head},"respondent":{who},"completed":{when},{results},'
        f'"impact":{impact},"context":{context}}}'
    )


def _impact_text(impact: int | None) -> str:
    return "null" if impact is None else str(impact) if type(impact) is int else _compact(impact)


def _json_text(score: Score) -> str:
    return _line(
        _head(score.questionnaire, score.version, score.library_version),
        score.respondent,
        score.completed,
        _remembered_results_text(score.domains, score.total),
        _impact_text(score.impact),
        _encode(score.context),
    )
