"""What scoring gives: a :class:`Score` of one response, and a :class:`DomainScore` of each part."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from blunting._scoring import _writer
from blunting._text import define
from blunting._version import __version__


@attrs.frozen
class DomainScore:
    """The result for one domain, or for the total.

    Attributes:
        raw: the mean scored value times the number of items (a sum, with
            missing answers stood in for by the mean); ``None`` when not scored.
        mean: the mean scored value of the answered items, on the answer
            scale (0 to 4 for blunting); ``None`` when not scored.
        scaled: the mean mapped onto 0 to 100, the number to read: 0 is none
            of these changes, 100 the most the questionnaire can show; higher
            means more blunting. ``None`` when not scored.
        answered: how many of the items were answered.
        items: how many items there are.
        prorated: whether the score is estimated from fewer answers than items.
        status: ``"scored"``; ``"insufficient_answers"`` (fewer answered than
            the domain's minimum, so not scored); or, for the total only,
            ``"unscorable_domains"`` (a domain was not scored, so neither is
            the total).

    A score is not a diagnosis; there are no cut-offs. See docs/scoring.md.

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


def thaw(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: thaw(item) for key, item in value.items()}
    if isinstance(value, tuple):
        return [thaw(item) for item in value]
    return value


def freeze(value: Any) -> Any:
    """An immutable copy of a JSON value: arrays as tuples, objects as read-only mappings."""
    if isinstance(value, (list, tuple)):
        frozen = tuple(value)
        if SCALARS.issuperset(map(type, frozen)):
            return frozen
        return tuple(map(freeze, frozen))
    if isinstance(value, Mapping):
        return MappingProxyType({key: freeze(item) for key, item in value.items()})
    return value


EMPTY: Mapping[str, Any] = MappingProxyType({})
#: The types of JSON values that are immutable already.
SCALARS = frozenset({str, int, float, bool, type(None)})


@attrs.frozen
class Score:
    """The score of one response: its domains, total, and unscored context.

    Attributes:
        questionnaire, version: the questionnaire answered.
        domains: a :class:`DomainScore` per domain id, in the questionnaire's order.
        total: the :class:`DomainScore` over all domains.
        impact: the answer to "how much do these changes bother you" (unscored), or ``None``.
        context: the other unscored answers (medicines, sexual side effects,
            attribution), exactly as given; lists as tuples.
        respondent, completed: as the response gave them, or ``None``.
        library_version: the version of blunting that computed the score.

    ``to_dict()`` and ``to_json()`` give it as JSON. A score is not a
    diagnosis, and there are no cut-offs.

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
            "context": thaw(self.context),
        }

    def to_json(self) -> str:
        """This score as compact JSON text: ``to_dict()``, serialized, in one line.

        Equal to ``json.dumps(score.to_dict(), ensure_ascii=False,
        separators=(",", ":"))``, and much quicker for many scores: the parts
        that repeat between scores are serialized once.

        .. versionadded:: 0.1.0
        """
        return _writer.score_json(self)


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


#: ``Score(*fields)``, quicker.
new_score = _constructor(Score)


#: A domain's or the total's results, in the order of their columns in a table of scores.
RESULT_FIELDS = ("raw", "mean", "scaled", "answered", "prorated", "status")


def score_columns(domains: Iterable[str]) -> list[str]:
    """The columns of a table of scores (the command line's CSV, ``blunting.tables.score``).

    The response's own, then six for each of ``domains`` and for the total,
    then ``impact``: stable names, documented in docs/command-line.md.
    """
    columns = ["respondent", "completed", "questionnaire", "version"]
    for part in (*domains, "total"):
        columns += (f"{part}_{field}" for field in RESULT_FIELDS)
    columns.append("impact")
    return columns
