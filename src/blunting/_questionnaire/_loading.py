"""Loading a questionnaire document from a path, a mapping or a built-in's ``$id``."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from blunting._errors import InvalidQuestionnaire, Problem, UnknownQuestionnaire
from blunting._questionnaire._catalogue import by_uri
from blunting._text import JSONTextError, describe, loads

if TYPE_CHECKING:
    from blunting._questionnaire._model import Questionnaire

#: A ``source`` that starts with one of these is a ``$id``, never a path.
_URI_SCHEMES = ("http://", "https://", "urn:", "tag:", "file:")


def _build(document: object) -> Questionnaire:
    from blunting._questionnaire._building import build  # noqa: PLC0415 - loads jsonschema

    return build(document)


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
    """A questionnaire from a path, the ``$id`` of a built-in one, or a parsed document.

    See :func:`blunting.load`.
    """
    if isinstance(source, Mapping):
        try:
            document = json.loads(json.dumps(source, allow_nan=False))
        except (TypeError, ValueError, RecursionError) as error:
            raise InvalidQuestionnaire(
                [Problem("", f"the document is not JSON data: {error}", "json")]
            ) from None
        return _build(document)
    if isinstance(source, str) and source.startswith(_URI_SCHEMES):
        return by_uri(source)
    if isinstance(source, (str, os.PathLike)):
        return _build(_read(source))
    raise InvalidQuestionnaire(
        [Problem("", f"load() takes a path, a $id or a mapping, not {describe(source)}", "type")]
    )
