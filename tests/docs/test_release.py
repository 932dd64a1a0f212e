"""The version, the CHANGELOG, CITATION.cff and the published questionnaire files agree."""

from __future__ import annotations

import hashlib
import re

from packaging.version import Version

import blunting
from conftest import ROOT

SCHEMAS = ROOT / "schemas"


def test_a_development_version_is_unreleased_and_a_release_is_dated() -> None:
    version = Version(blunting.__version__)
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    sections = re.findall(r"^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?$", changelog, re.MULTILINE)
    assert sections
    assert sections[0][0] == "Unreleased"
    released = dict(sections[1:])
    assert all(released.values()), "every released section has its date"
    if version.is_devrelease or version.is_prerelease:
        # no score may claim a release that the CHANGELOG does not have
        assert version.base_version not in released
        assert f"`{version}`" in changelog.split("\n## [", 2)[1]
    else:
        assert str(version) in released


def test_the_citation_names_this_version() -> None:
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    fields = dict(re.findall(r"^([a-z-]+): *(.*)$", citation, re.MULTILINE))
    assert fields["cff-version"] == "1.2.0"
    assert fields["version"] == blunting.__version__
    assert {"message", "title", "authors", "type", "license"} <= fields.keys()


def test_every_questionnaire_file_is_as_published() -> None:
    listed = {}
    for line in (SCHEMAS / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    files = {p.relative_to(SCHEMAS).as_posix() for p in SCHEMAS.glob("*/*/questionnaire.json")}
    assert files == set(listed), "a new questionnaire file goes into SHA256SUMS"
    for name, digest in listed.items():
        found = hashlib.sha256((SCHEMAS / name).read_bytes()).hexdigest()
        assert found == digest, f"{name} changed: a released file never does (schemas/README.md)"
