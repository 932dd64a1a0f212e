"""Shared test setup: Hypothesis profiles, paths, and the parser with or without the fast extra."""

from __future__ import annotations

import copy
import fcntl
import json
import os
import pty
import shutil
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, settings

from blunting._schema import STRICT_ENVIRONMENT
from blunting._text import _json

# The compiled verdict re-raises a fault of its own code instead of leaving the
# payload to jsonschema, here and in the command lines the tests start.
os.environ[STRICT_ENVIRONMENT] = "1"

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from playwright.sync_api import Browser, Page, Route

ROOT = Path(__file__).parent.parent
#: The built-in questionnaire's canonical file.
BUILTIN_PATH = ROOT / "schemas" / "blunting" / "1.1.0" / "questionnaire.json"
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
        patch.setitem(sys.modules, "orjson", None)  # import orjson: ImportError
        _json.orjson_module.cache_clear()
        try:
            yield
        finally:
            _json.orjson_module.cache_clear()


def mixed_lines(count: int) -> Iterator[str]:
    """``count`` JSON lines, made as they are read: good, invalid and not JSON, in turn.

    Each good line has a respondent id of its own.
    """
    example = read_json(ROOT / "examples" / "complete.json")
    texts = [json.dumps(example), json.dumps({**example, "answers": {"crying_1": 9}}), "{oops"]
    for index in range(count):
        yield (
            json.dumps({**example, "respondent": f"r-{index}"})
            if index % 3 == 0
            else texts[index % 3]
        )


def run(*args: str | Path, stdin: str = "", umask: int = -1) -> subprocess.CompletedProcess[str]:
    """``python -m blunting ARGS``, in a process of its own, with ``stdin`` as its input.

    ``umask``, when given, is the process's file mode creation mask.
    """
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "blunting", *map(str, args)],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        umask=umask,
    )


#: The two extensions that carry an answer option's score in the FHIR export.
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"


def fhir_items(items: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every item of a FHIR Questionnaire or QuestionnaireResponse, nested ones too, in order."""
    for item in items:
        yield item
        yield from fhir_items(item.get("item", []))


def weighed_by(resource: dict[str, Any], url: str) -> dict[str, Any]:
    """The Questionnaire with its options' scores in one extension only (``url``'s)."""
    other = ITEM_WEIGHT if url == ORDINAL_VALUE else ORDINAL_VALUE
    changed = copy.deepcopy(resource)
    for item in fhir_items(changed["item"]):
        for option in item.get("answerOption", []):
            kept = [e for e in option.get("extension", []) if e["url"] != other]
            if kept:
                option["extension"] = kept
            else:
                option.pop("extension", None)
    assert other not in json.dumps(changed)
    return changed


def chromium() -> str:
    """Debian's Chromium, which CI installs; elsewhere, the test that needs it is skipped."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI renders pages in Chromium: install Debian's chromium package")
        pytest.skip("Chromium renders the page")  # pragma: no cover
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium, driven through Playwright."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only with Chromium

    executable = chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


#: The content types of the files a test page is served.
_CONTENT_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript"}


def local_page(
    browser: Browser, site: str, find: Callable[[str], Path | None], ready: str, what: str
) -> Iterator[Page]:
    """A page of ``site``, served only the files ``find`` finds by path; nothing else is fetched.

    For a module-scoped fixture to yield from: the page is ready when the
    JavaScript ``ready`` is true; at the end, nothing was asked for that is
    not ``what``, and no script failed.
    """
    outside: list[str] = []

    def serve(route: Route) -> None:
        url = route.request.url
        found = find(url.removeprefix(site)) if url.startswith(site) else None
        if found is None or not found.is_file():
            outside.append(url)
            route.abort()
            return
        kind = _CONTENT_TYPES.get(found.suffix, "application/octet-stream")
        route.fulfill(path=found, content_type=kind)

    shown = browser.new_page()
    errors: list[str] = []
    shown.on("pageerror", lambda error: errors.append(str(error)))
    shown.route("**/*", serve)
    shown.goto(f"{site}index.html")
    shown.wait_for_function(ready)
    yield shown
    shown.close()
    assert outside == [], f"the page asked for something that is not {what}"
    assert errors == []


def node_for(folder: Path, what: str) -> str:
    """Node.js, with the npm packages of ``folder`` (tests/external/*/package-lock.json) installed.

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


class NodeScript:
    """A Node.js script of tests/external/*/ in one process, asked one JSON line at a time.

    The first line sent sets it up; each later line gets one JSON line back.
    """

    def __init__(self, node: str, script: Path, setup: object) -> None:
        self._name = script.parent.name
        self._process = subprocess.Popen(  # noqa: S603 - node, from PATH, on our own script
            [node, str(script)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
        self._send(setup)

    def _send(self, value: object) -> None:
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(value, allow_nan=False) + "\n")
        self._process.stdin.flush()

    def ask(self, value: object) -> Any:
        """The script's answer to ``value``."""
        self._send(value)
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        assert line, f"tests/external/{self._name} stopped: see its message above"
        return json.loads(line)

    def close(self) -> None:
        """End the process, which must exit cleanly."""
        assert self._process.stdin is not None
        assert self._process.stdout is not None
        self._process.stdin.close()
        assert self._process.wait(timeout=60) == 0
        self._process.stdout.close()


def in_terminal(
    *args: str | Path, attached: tuple[str, ...], typed: str = "", columns: int = 80
) -> tuple[int, str, str]:
    """``python -m blunting ARGS`` with some standard streams on a pseudo-terminal.

    ``attached`` names the streams on the terminal (``"stdin"``, ``"stdout"``,
    ``"stderr"``), which is ``columns`` wide; ``typed`` is typed at it. Returns
    the exit status, what the terminal showed (newlines as ``\\n``), and what
    went to the one of standard output and standard error that is a pipe.
    """
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    environment = {k: v for k, v in os.environ.items() if k not in {"COLUMNS", "LINES"}}

    def stream(name: str, otherwise: int) -> int:
        return terminal if name in attached else otherwise

    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "blunting", *map(str, args)],
        env=environment,
        stdin=stream("stdin", subprocess.DEVNULL),
        stdout=stream("stdout", subprocess.PIPE),
        stderr=stream("stderr", subprocess.PIPE),
    )
    os.close(terminal)
    shown = bytearray()

    def read() -> None:
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closed: the program ended
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    if typed:
        os.write(controller, typed.encode())
    out, errors = process.communicate(timeout=120)
    reader.join(timeout=30)
    os.close(controller)
    piped = (out if "stdout" not in attached else errors) or b""
    return process.returncode, shown.decode().replace("\r\n", "\n"), piped.decode()
