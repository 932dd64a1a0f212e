"""The one writer of a score's JSON text, from its parts.

A score is written as ``Score.to_json()`` says, whether from a :class:`Score`
(``score_json``) or, for many responses, straight from the parts that
``_scorer`` remembers (``line``): the parts that repeat between scores are
serialized once.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from blunting._text import Memo

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from blunting._scoring._results import DomainScore, Score

#: Serialized parts that repeat between scores (see ``Score.to_json``): a
#: result by its identity while it lives, a score's start by its values.
_SERIALIZED: Memo[object, tuple[tuple[object, ...], str]] = Memo()
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
    text = make()
    _SERIALIZED.remember(key, (owners, text))
    return text


def result_json(result: DomainScore) -> str:
    return _compact(result.to_dict())


def _result_text(result: DomainScore) -> str:
    # DomainScore objects come from a scorer's remembered results, so are shared.
    return _remembered_text(id(result), (result,), lambda: result_json(result))


def member_text(key: str, text: str) -> str:
    """``"key":text``, a member of a JSON object."""
    return f"{_string(key)}:{text}"


def _mapping(value: object) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


#: JSON text of a context: compact, and read-only mappings (a frozen context)
#: written as objects, tuples as arrays; the same text as ``_compact(thaw(value))``.
_encoder: Any = getattr(json.encoder, "c_make_encoder", None)  # untyped in typeshed
if _encoder is None:  # pragma: no cover - CPython has the C encoder

    def encode(value: object) -> str:
        from blunting._scoring._results import thaw  # noqa: PLC0415 - it imports this module

        return _compact(thaw(value))

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

    def encode(value: object) -> str:
        return "".join(_chunks(value, 0))


def results_text(domains: Iterable[str], total: str) -> str:
    """``"domains":{...},"total":{...}``, from the domains' members and the total's text."""
    return f'"domains":{{{",".join(domains)}}},"total":{total}'


def _remembered_results_text(domains: Mapping[str, DomainScore], total: DomainScore) -> str:
    """The results text of a score, remembered for the results a scorer shares between scores."""
    return _remembered_text(
        id(domains),
        (domains, total),
        lambda: results_text(
            (member_text(key, _result_text(result)) for key, result in domains.items()),
            _result_text(total),
        ),
    )


def head(questionnaire: str, version: str, library_version: str) -> str:
    """The text of a score from its start to its library version."""
    return _remembered_text(
        ("head", questionnaire, version, library_version),
        (),
        lambda: _compact(
            {"questionnaire": questionnaire, "version": version, "library_version": library_version}
        )[:-1],
    )


def line(  # noqa: PLR0913, PLR0917 - a score's six parts
    start: str,
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
        f'{start},"respondent":{who},"completed":{when},{results},'
        f'"impact":{impact},"context":{context}}}'
    )


def impact_text(impact: int | None) -> str:
    """The JSON text of an impact answer."""
    return "null" if impact is None else str(impact) if type(impact) is int else _compact(impact)


def score_json(score: Score) -> str:
    """``score.to_json()``."""
    return line(
        head(score.questionnaire, score.version, score.library_version),
        score.respondent,
        score.completed,
        _remembered_results_text(score.domains, score.total),
        impact_text(score.impact),
        encode(score.context),
    )
