"""The module-level functions: built-in questionnaires, loading, dispatch."""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from blunting._errors import InvalidQuestionnaire, InvalidResponse, Problem, UnknownQuestionnaire
from blunting._json import JSONTextError, describe, loads
from blunting._resources import BASE_URI, builtin_path, catalogue, shipped

if TYPE_CHECKING:
    from collections.abc import Callable

    from blunting._questionnaire import Questionnaire
    from blunting._scoring import Score

#: The built-in questionnaire that :func:`questionnaire` gives by default.
DEFAULT_QUESTIONNAIRE = "blunting"

_URI_SCHEMES = ("http://", "https://", "urn:", "tag:", "file:")


def build(document: object) -> Questionnaire:
    """Check a parsed questionnaire document and build its :class:`Questionnaire`."""
    from blunting._building import build  # noqa: PLC0415 - loads jsonschema, when first needed

    return build(document)


@functools.cache
def _builtin(qid: str, version: str) -> Questionnaire:
    return build(shipped(builtin_path(qid, version)))


def questionnaire(version: str | None = None, *, id: str = DEFAULT_QUESTIONNAIRE) -> Questionnaire:  # noqa: A002 - the questionnaire's id
    """A built-in questionnaire; its latest version when ``version`` is ``None``.

    Raises :class:`UnknownQuestionnaire` for an id or version not built in.

    .. versionadded:: 0.1.0
    """
    versions = catalogue().get(id)
    if versions is None:
        known = ", ".join(map(describe, catalogue()))
        raise UnknownQuestionnaire(f"no built-in questionnaire {describe(id)} (built in: {known})")
    if version is None:
        version = versions[-1]
    if version not in versions:
        known = ", ".join(map(describe, versions))
        raise UnknownQuestionnaire(
            f"no version {describe(version)} of {describe(id)} (built in: {known})"
        )
    return _builtin(id, version)


def _by_uri(uri: str) -> Questionnaire:
    relative = uri.removeprefix(BASE_URI)
    for qid, versions in catalogue().items():
        for version in versions:
            if relative == builtin_path(qid, version):
                return _builtin(qid, version)
    raise UnknownQuestionnaire(
        f"{describe(uri)} is not the $id of a built-in questionnaire; nothing is fetched"
    )


def _read(path: str | os.PathLike[str]) -> object:
    try:
        with open(path, "rb") as file:  # noqa: PTH123 - a path or a str alike
            data = file.read()
    except OSError as error:
        raise UnknownQuestionnaire(
            f"cannot read questionnaire file {os.fspath(path)!r}: {error.strerror}"
        ) from None
    try:
        return loads(data)
    except JSONTextError as error:
        raise InvalidQuestionnaire([Problem("", str(error), "json")]) from None


def load(source: str | os.PathLike[str] | Mapping[str, Any]) -> Questionnaire:
    """Load a questionnaire written in the blunting vocabulary (docs/vocabulary.md).

    ``source`` is a path to a JSON file, the ``$id`` of a built-in
    questionnaire, or the parsed document itself (which is copied, never
    changed). Nothing is ever fetched from a network.

    Raises :class:`InvalidQuestionnaire` with every problem found, each with a
    JSON Pointer into the document, or :class:`UnknownQuestionnaire` for a file
    or ``$id`` that cannot be found.

    .. versionadded:: 0.1.0
    """
    if isinstance(source, Mapping):
        try:
            document = json.loads(json.dumps(source, allow_nan=False))
        except (TypeError, ValueError, RecursionError) as error:
            raise InvalidQuestionnaire(
                [Problem("", f"the document is not JSON data: {error}", "json")]
            ) from None
        return build(document)
    if isinstance(source, str) and source.startswith(_URI_SCHEMES):
        return _by_uri(source)
    if isinstance(source, (str, os.PathLike)):
        return build(_read(source))
    raise InvalidQuestionnaire(
        [Problem("", f"load() takes a path, a $id or a mapping, not {describe(source)}", "type")]
    )


#: Built-in questionnaires by (id, version), once asked for: the quick way in.
_NAMED: dict[tuple[str, str], Questionnaire] = {}


def dispatch(payload: object) -> Questionnaire:
    """The built-in questionnaire a payload names, or every reason it names none."""
    if type(payload) is dict:
        qid, version = payload.get("questionnaire"), payload.get("version")
        if type(qid) is str and type(version) is str:
            named = _NAMED.get((qid, version))
            if named is not None:
                return named
    if not isinstance(payload, dict):
        raise InvalidResponse([Problem("", f"{describe(payload)} is not of type 'object'", "type")])
    found: list[Problem] = []
    qid = payload.get("questionnaire")
    version = payload.get("version")
    versions = catalogue().get(qid) if isinstance(qid, str) else None
    if "questionnaire" not in payload:
        found.append(
            Problem("/questionnaire", '"questionnaire" is a required property', "required")
        )
    elif versions is None:
        known = ", ".join(map(describe, catalogue()))
        found.append(
            Problem(
                "/questionnaire", f"{describe(qid)} is not a known questionnaire ({known})", "const"
            )
        )
    if "version" not in payload:
        found.append(Problem("/version", '"version" is a required property', "required"))
    elif versions is not None and version not in versions:
        known = ", ".join(map(describe, versions))
        found.append(
            Problem("/version", f"{describe(version)} is not a known version ({known})", "const")
        )
    if found:
        raise InvalidResponse(found)
    named = _NAMED[qid, version] = _builtin(qid, version)  # type: ignore[index]  # both str
    return named


def validate(payload: object) -> None:
    """Check a payload against the built-in questionnaire and version it names.

    Raises :class:`InvalidResponse` with every problem found.

    .. versionadded:: 0.1.0
    """
    dispatch(payload).validate(payload)


def scorer(questionnaire: Questionnaire | None) -> Callable[[object], Score]:
    """Score with ``questionnaire``, or with the built-in one each payload names."""
    return score if questionnaire is None else questionnaire.score


def score_text(payload: object) -> str:
    """``score(payload).to_json()``, made without making the :class:`Score`."""
    return dispatch(payload)._score_text(payload)  # noqa: SLF001 - this package's own


def score(payload: object) -> Score:
    """Validate and score a payload with the built-in questionnaire and version it names.

    Raises :class:`InvalidResponse` with every problem found.

    .. versionadded:: 0.1.0
    """
    return dispatch(payload).score(payload)
