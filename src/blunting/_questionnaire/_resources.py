"""The schemas shipped inside the package, read through importlib.resources, once each."""

from __future__ import annotations

import functools
import json
from importlib.resources import files
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from referencing.jsonschema import SchemaRegistry

#: Every shipped schema's ``$id`` starts with this; the rest is its path
#: below ``schemas/``. An identifier, never fetched.
BASE_URI = "https://w3id.org/blunting/schemas/"
META_URI = BASE_URI + "vocabulary/1/meta.json"
SCORE_URI = BASE_URI + "vocabulary/1/score.json"
_QUESTIONNAIRE_FILE = "questionnaire.json"


def _root() -> Traversable:
    return files("blunting") / "schemas"


@functools.cache
def shipped(relative: str) -> Any:
    """The parsed JSON of one shipped schema file, by its path below ``schemas/``."""
    node = _root()
    for part in relative.split("/"):
        node = node / part
    return json.loads(node.read_text(encoding="utf-8"))


@functools.cache
def vocabulary_registry() -> SchemaRegistry:
    """The vocabulary's meta-schema and score schema, for local ``$ref`` resolution."""
    from referencing import Registry, Resource  # noqa: PLC0415 - not needed to import blunting
    from referencing.jsonschema import DRAFT202012  # noqa: PLC0415

    registry: SchemaRegistry = Registry().with_resources(
        (uri, Resource.from_contents(shipped(uri.removeprefix(BASE_URI)), DRAFT202012))
        for uri in (META_URI, SCORE_URI)
    )
    return registry.crawl()


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


@functools.cache
def catalogue() -> dict[str, tuple[str, ...]]:
    """Built-in questionnaire ids, each with its versions, oldest first.

    A built-in questionnaire is any ``schemas/ID/VERSION/questionnaire.json``.
    """
    found: dict[str, list[str]] = {}
    for folder in _root().iterdir():
        if not folder.is_dir():
            continue
        for version in folder.iterdir():
            if (version / _QUESTIONNAIRE_FILE).is_file():
                found.setdefault(folder.name, []).append(version.name)
    return {qid: tuple(sorted(vs, key=_version_key)) for qid, vs in sorted(found.items())}


def builtin_path(qid: str, version: str) -> str:
    """The path below ``schemas/`` of a built-in questionnaire."""
    return f"{qid}/{version}/{_QUESTIONNAIRE_FILE}"


def score_schema() -> Any:
    """The score schema (``schemas/vocabulary/1/score.json``), parsed."""
    return shipped(SCORE_URI.removeprefix(BASE_URI))
