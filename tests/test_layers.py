"""The layers of docs/architecture.md, as the imports of src/blunting say they are.

Each private module belongs to a layer (its top-level folder under
src/blunting, or itself). A layer imports only the layers below it, and only
through their doors: ``blunting._schema``, never ``blunting._schema._checker``.
Imports inside functions and under ``TYPE_CHECKING`` count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).parent.parent / "src" / "blunting"

#: Each layer, and the layers it may import: docs/architecture.md's table.
ALLOWED: dict[str, set[str]] = {
    "_version": set(),
    "_errors": set(),
    "_text": set(),
    "_schema": {"_errors", "_text"},
    "_scoring": {"_text", "_version"},
    "_questionnaire": {"_errors", "_text", "_schema", "_scoring"},
    "_api": {"_errors", "_text", "_scoring", "_questionnaire"},
    "_interchange": {"_errors", "_text", "_scoring", "_questionnaire"},
    "_tables": {"_errors", "_text", "_schema", "_scoring", "_questionnaire"},
    "_stats": {"_errors", "_text", "_scoring", "_questionnaire", "_tables"},
    "_cli": {
        "_version",
        "_errors",
        "_text",
        "_scoring",
        "_questionnaire",
        "_api",
        "_interchange",
        "_tables",
        "_stats",
    },
    # the public faces
    "__init__": {"_version", "_errors", "_text", "_scoring", "_questionnaire", "_api"},
    "__main__": {"_cli"},
    "fhir": {"_interchange"},
    "redcap": {"_interchange"},
    "tables": {"_tables"},
    "stats": {"_stats"},
}


def _layer(path: Path) -> str:
    return path.relative_to(SOURCE).parts[0].removesuffix(".py")


def _imports(path: Path) -> list[str]:
    """Every module of blunting that ``path`` imports, by its full name."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "blunting":  # from blunting import _x
                found += (f"blunting.{alias.name}" for alias in node.names)
            elif node.module.startswith("blunting."):
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += (alias.name for alias in node.names if alias.name.startswith("blunting."))
    return found


MODULES = sorted(SOURCE.rglob("*.py"))


def test_every_module_is_in_a_known_layer() -> None:
    assert {_layer(path) for path in MODULES} == set(ALLOWED)


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(SOURCE)))
def test_a_module_imports_only_layers_below_it_through_their_doors(path: Path) -> None:
    layer = _layer(path)
    for name in _imports(path):
        parts = name.split(".")
        target = parts[1]
        if target == layer:
            continue  # within a layer, anything
        assert target in ALLOWED[layer], f"{layer} imports {name}"
        assert len(parts) == 2, f"{name}: another layer's private module, not its door"
