"""Shared test setup: Hypothesis profiles, paths, and the parser with or without the fast extra."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, settings

from blunting import _json

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).parent.parent
#: The built-in questionnaire's canonical file.
BUILTIN_PATH = ROOT / "schemas" / "blunting" / "1.0.0" / "questionnaire.json"
#: The test questionnaire: another questionnaire in the vocabulary (2 domains, a 1-5 scale).
MINI_PATH = ROOT / "conformance" / "questionnaires" / "mini.json"


def read_json(path: Path) -> Any:
    """The parsed JSON of a file of the repository."""
    return json.loads(path.read_text(encoding="utf-8"))


# "ci": quick and repeatable. "dev": the default, random. "thorough" and
# "exhaustive": long local runs (README.md, "Running the tests").
settings.register_profile("ci", max_examples=150, derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "thorough",
    max_examples=20_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "exhaustive",
    max_examples=100_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(params=["with the fast extra", "without"])
def fast_extra(request: pytest.FixtureRequest) -> Iterator[None]:
    """orjson from the "fast" extra (the test extra installs it), or as if not installed."""
    if request.param == "with the fast extra":
        pytest.importorskip("orjson")
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_json, "orjson_module", lambda: None)
        yield


def node_for(folder: Path, what: str) -> str:
    """Node.js, with the npm packages of ``folder`` (tests/*/package-lock.json) installed.

    CI must have Node.js and npm; elsewhere, the test that needs them is skipped.
    """
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if os.environ.get("CI"):
            pytest.fail(f"CI runs {what}: install Node.js and npm")
        pytest.skip(f"Node.js and npm run {what}")  # pragma: no cover
    if not (folder / "node_modules").is_dir():
        subprocess.run(  # noqa: S603 - npm, from PATH, on our own lock file
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=folder,
            check=True,
            timeout=600,
        )
    return node
