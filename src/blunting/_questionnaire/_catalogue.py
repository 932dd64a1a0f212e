"""The built-in questionnaires: one door to them, one cache, and dispatch of a payload.

Every path to a built-in questionnaire (by id and version, by ``$id``, by
what a payload names) comes through here, and each is built once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from blunting._errors import InvalidResponse, Problem, Problems, UnknownQuestionnaire
from blunting._questionnaire._resources import BASE_URI, builtin_path, catalogue, shipped
from blunting._text import describe

if TYPE_CHECKING:
    from collections.abc import Iterator

    from blunting._questionnaire._model import Questionnaire

#: The built-in questionnaire that :func:`builtin` gives by default.
DEFAULT_QUESTIONNAIRE = "blunting"

#: Built-in questionnaires by (id, version), once built: the one cache.
_BUILT: dict[tuple[str, str], Questionnaire] = {}


def _built(qid: str, version: str) -> Questionnaire:
    found = _BUILT.get((qid, version))
    if found is None:
        from blunting._questionnaire._building import build  # noqa: PLC0415 - loads jsonschema

        found = _BUILT.setdefault((qid, version), build(shipped(builtin_path(qid, version))))
    return found


def builtin(version: str | None = None, *, id: str = DEFAULT_QUESTIONNAIRE) -> Questionnaire:  # noqa: A002 - the questionnaire's id
    """A built-in questionnaire; its latest version when ``version`` is ``None``.

    Raises :class:`UnknownQuestionnaire` for an id or version not built in.
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
    return _built(id, version)


def catalogue_ids() -> tuple[str, ...]:
    """The ids of the built-in questionnaires."""
    return tuple(catalogue())


def builtins() -> Iterator[Questionnaire]:
    """Every built-in questionnaire: by id, then by version, oldest first."""
    for qid, versions in catalogue().items():
        for version in versions:
            yield _built(qid, version)


def by_uri(uri: str) -> Questionnaire:
    """The built-in questionnaire whose ``$id`` is ``uri``; nothing is ever fetched."""
    relative = uri.removeprefix(BASE_URI)
    for qid, versions in catalogue().items():
        for version in versions:
            if relative == builtin_path(qid, version):
                return _built(qid, version)
    raise UnknownQuestionnaire(
        f"{describe(uri)} is not the $id of a built-in questionnaire; nothing is fetched"
    )


def dispatch(payload: object) -> Questionnaire:
    """The built-in questionnaire a payload names, or every reason it names none.

    A payload names its questionnaire by ``questionnaire`` and ``version``, as
    every questionnaire's schema requires. When those do not name a built-in
    one, no schema applies yet, so the problems are found here: they name the
    ids and versions that are built in, which no one schema knows.
    """
    if type(payload) is dict:
        qid, version = payload.get("questionnaire"), payload.get("version")
        if type(qid) is str and type(version) is str:
            found = _BUILT.get((qid, version))
            if found is not None:
                return found
    if not isinstance(payload, dict):
        message = f"{describe(payload)} is not an object: a response is a JSON object"
        raise InvalidResponse([Problem("", message, "type")])
    problems = _envelope(payload)
    if problems:
        known = _known_from(payload)
        if known is not None:  # the rest of the payload checked against it, too
            named = {**payload, "questionnaire": known.id, "version": known.version}
            problems.extend(
                p for p in known.problems(named) if p.path not in ("/questionnaire", "/version")
            )
    problems.raise_as(InvalidResponse)
    return _built(payload["questionnaire"], payload["version"])


def _envelope(payload: dict[str, Any]) -> Problems:
    """What is wrong with the ``questionnaire`` and ``version`` a payload names."""
    problems = Problems()
    qid, version = payload.get("questionnaire"), payload.get("version")
    versions = catalogue().get(qid) if isinstance(qid, str) else None
    if "questionnaire" not in payload:
        problems.add("/questionnaire", '"questionnaire" is a required property', "required")
    elif versions is None:
        known = ", ".join(map(describe, catalogue()))
        problems.add(
            "/questionnaire", f"{describe(qid)} is not a known questionnaire ({known})", "const"
        )
    if "version" not in payload:
        problems.add("/version", '"version" is a required property', "required")
    elif versions is not None and version not in versions:
        known = ", ".join(map(describe, versions))
        problems.add("/version", f"{describe(version)} is not a known version ({known})", "const")
    return problems


def _known_from(payload: dict[str, Any]) -> Questionnaire | None:
    """The built-in questionnaire a payload with a broken envelope can only be, if any.

    Its id, when that is known (at the version named, or else the latest);
    without an id, the one built-in questionnaire that has the version named
    (or the only one built in, when no version is named either).
    """
    qid, version = payload.get("questionnaire"), payload.get("version")
    ids = catalogue()
    if "questionnaire" in payload:
        if not isinstance(qid, str) or qid not in ids:
            return None
        candidates = [qid]
    elif isinstance(version, str):
        candidates = [i for i, versions in ids.items() if version in versions]
    else:
        candidates = list(ids)
    if len(candidates) != 1:
        return None
    versions = ids[candidates[0]]
    return _built(candidates[0], version if version in versions else versions[-1])
