"""Every example in the documentation runs, and prints what the page shows.

The documents are the data: each fenced block is run by what its language
says (Sybil parses them).

- ``python``: run, in one namespace per document; a block that starts with
  ``>>>`` is a doctest, its output compared (``...`` stands for any text).
- ``console``: each ``$ command`` is run by bash in a scratch folder that
  holds the examples, and what it prints, standard output and standard error
  together, is compared with the lines under it. It must exit 0: a command
  that fails on purpose shows its status (``...; echo "exit status: $?"``).
- ``sh``: each ``blunting`` command is parsed by the command line's own
  parser, so that no option shown is one it would refuse.
- ``json``: parsed strictly; an excerpt (one member of an object) must be as
  the built-in questionnaire has it.
- ``js``: run by Node.js beside the pinned Ajv, with the questionnaire's
  schema as ``questionnaireSchema``; the validator it makes must accept an
  example and refuse an answer out of range.
- ``text`` and a block with no language are not run; a block of any other
  language fails, so that none is left unchecked unseen.

``<!-- skip: next "why" -->`` before a block leaves it out, saying why.
"""

from __future__ import annotations

import ast
import contextlib
import doctest
import inspect
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING
from unittest import SkipTest

import jsonschema
import pytest
from sybil import Document, Example, Region
from sybil.parsers.markdown import CodeBlockParser, PythonCodeBlockParser, SkipParser

import blunting
from blunting import fhir, redcap, stats, tables
from blunting._cli._main import _parser
from conftest import BUILTIN_PATH, ROOT, in_terminal, node_for

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from pathlib import Path

#: Every document a reader is pointed to.
DOCUMENTS = sorted(
    [
        ROOT / "README.md",
        ROOT / "CHANGELOG.md",
        ROOT / "conformance" / "README.md",
        ROOT / "schemas" / "README.md",
        *(ROOT / "docs").glob("*.md"),
    ]
)

#: Languages shown but not run: output for people, a folder tree.
NOT_RUN = {"text", ""}

_OPTIONS = doctest.ELLIPSIS


def _compare(want: str, got: str) -> bool:
    return doctest.OutputChecker().check_output(want, got, _OPTIONS)


def _console(example: Example) -> str | None:
    """Run each ``$ command`` of a console block; the differences, if any."""
    runs: list[tuple[str, list[str]]] = []
    for line in example.parsed.splitlines():
        if line.startswith("$ "):
            runs.append((line[2:], []))
        elif not runs:
            return f"a console block starts with {line!r}, not with '$ ' and a command"
        else:
            runs[-1][1].append(line)
    for command, shown in runs:
        done = subprocess.run(  # noqa: S603 - commands of our own documents
            ["/bin/bash", "-c", command],  # as typed at a prompt: no pipefail
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
            timeout=300,
        )
        want = "".join(f"{line}\n" for line in shown)
        if done.returncode != 0 or not _compare(want, done.stdout):
            printed = f"printed (status {done.returncode}):\n{done.stdout}"
            return f"$ {command}\n{printed}\nthe page shows:\n{want}"
    return None


#: Shell words that send a stream elsewhere: the next word is where.
_REDIRECTS = {">", ">>", "<", "2>", "2>>"}
#: Shell words between commands.
_BETWEEN = {"|", "&&", "||", ";"}


def _blunting_commands(block: str) -> list[list[str]]:
    """The arguments of every ``blunting`` command in a shell block."""
    found = []
    for line in block.replace("\\\n", " ").splitlines():
        command: list[str] = []
        words = iter([*shlex.split(line, comments=True), "|"])
        for word in words:
            if word in _REDIRECTS:
                next(words)
            elif word in _BETWEEN:
                if command and command[0].rsplit("/", 1)[-1] == "blunting":
                    found.append(command[1:])
                command = []
            elif not word.startswith(("2>", ">", "<")):
                command.append(word)
    return found


def _shell(example: Example) -> str | None:
    """Parse each ``blunting`` command of a shell block as the command line would."""
    for arguments in _blunting_commands(example.parsed):
        said = io.StringIO()
        try:
            with contextlib.redirect_stderr(said), contextlib.redirect_stdout(io.StringIO()):
                _parser().parse_args(arguments)
        except SystemExit as stop:
            if stop.code:
                return f"blunting {shlex.join(arguments)}: {said.getvalue()}"
    return None


def _json(example: Example) -> str | None:
    """JSON text; or one member of an object, which is then the built-in questionnaire's own.

    A member (``"name": value``) shown from the questionnaire must be in it as
    shown: every member of an object shown is there and the same, a list
    shown starts the real one, and ``"..."`` stands for any value.
    """
    text = example.parsed.strip()
    if not text.startswith('"'):
        value = json.loads(text)
        if isinstance(value, dict) and "cases" in value:  # a conformance case file
            jsonschema.validate(value, _CASE_FILE, format_checker=jsonschema.FormatChecker())
        return None
    ((name, shown),) = json.loads("{" + text + "}").items()
    real = _find(_BUILTIN, name)
    if real is _NOWHERE:
        return f"{name!r} is not a member of the built-in questionnaire"
    if not _shows(shown, real):
        return (
            f"{name!r} is not as the built-in questionnaire has it:\n{json.dumps(real, indent=2)}"
        )
    return None


_BUILTIN = blunting.questionnaire().schema
_CASE_FILE = json.loads((ROOT / "conformance" / "case-file.schema.json").read_text("utf-8"))
_NOWHERE = object()


def _find(value: object, name: str) -> object:
    """The first member called ``name`` in ``value``, at any depth."""
    if isinstance(value, dict):
        if name in value:
            return value[name]
        members = list(value.values())
    elif isinstance(value, list):
        members = value
    else:
        return _NOWHERE
    for member in members:
        found = _find(member, name)
        if found is not _NOWHERE:
            return found
    return _NOWHERE


def _shows(shown: object, real: object) -> bool:
    if shown == "...":
        return True
    if isinstance(shown, dict):
        return isinstance(real, dict) and all(
            key in real and _shows(value, real[key]) for key, value in shown.items()
        )
    if isinstance(shown, list):
        return isinstance(real, list) and len(shown) <= len(real) and all(map(_shows, shown, real))
    return shown == real and type(shown) is type(real)


#: The npm packages that JavaScript blocks import (Ajv and ajv-formats, pinned).
_NODE_FOLDER = ROOT / "tests" / "external" / "ajv"
#: What a JavaScript block finds defined: the questionnaire's schema, as an app has it.
_NODE_BEFORE = f"""import {{ readFileSync }} from "node:fs";
const questionnaireSchema = JSON.parse(readFileSync({json.dumps(str(BUILTIN_PATH))}, "utf8"));
const complete = JSON.parse(readFileSync({json.dumps(str(ROOT / "examples" / "complete.json"))}));
"""
#: What then checks that the validator it made gives payloads their verdicts.
_NODE_AFTER = """
const check = typeof validate === "function" ? validate : ajv.compile(questionnaireSchema);
const wrong = { ...complete, answers: { ...complete.answers, crying_1: 7 } };
if (!check(complete) || check(wrong)) {
  console.error("verdicts:", check(complete), check(wrong));
  process.exit(1);
}
"""


def _javascript(example: Example) -> str | None:
    """Run a JavaScript block with Node.js, beside Ajv; it must make a validator that works."""
    node = node_for(_NODE_FOLDER, "the documents' JavaScript")
    script = _NODE_FOLDER / f".document-{os.getpid()}-{example.line}.mjs"
    script.write_text(_NODE_BEFORE + example.parsed + _NODE_AFTER, encoding="utf-8")
    try:
        done = subprocess.run(  # noqa: S603 - Node.js on our own document's code
            [node, script.name],
            cwd=_NODE_FOLDER,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    finally:
        script.unlink()
    return None if done.returncode == 0 else done.stdout + done.stderr


def _unknown(example: Example) -> str | None:
    return f"a block of a language the tests do not run: {example.region.lexemes['arguments']!r}"


class _Languages:
    """Every fenced block whose language no other parser takes."""

    TAKEN = {"python", "console", "sh", "json", "js"} | NOT_RUN

    def __init__(self) -> None:
        self.blocks = CodeBlockParser(language="*")

    def __call__(self, document: Document) -> Iterator[Region]:
        for region in self.blocks.lexers(document):
            if region.lexemes["arguments"].split(" ")[0] not in self.TAKEN:
                region.parsed = region.lexemes["source"]
                region.evaluator = _unknown
                yield region


PARSERS: list[Callable[[Document], Iterable[Region]]] = [
    SkipParser(),
    PythonCodeBlockParser(doctest_optionflags=_OPTIONS),
    CodeBlockParser(language="console", evaluator=_console),
    CodeBlockParser(language="sh", evaluator=_shell),
    CodeBlockParser(language="json", evaluator=_json),
    CodeBlockParser(language="js", evaluator=_javascript),
    _Languages(),
]


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder as a reader's clone: the examples and the suite, ``blunting`` on the PATH."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(ROOT / "conformance", tmp_path / "conformance")
    tools = tmp_path / ".bin"
    tools.mkdir()
    (tools / "blunting").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m blunting "$@"\n')
    (tools / "blunting").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("path", DOCUMENTS, ids=[str(p.relative_to(ROOT)) for p in DOCUMENTS])
@pytest.mark.usefixtures("scratch")
def test_every_example_of_the_document_runs_as_shown(path: Path) -> None:
    document = Document.parse(str(path), *PARSERS)
    failures = []
    for example in document.examples():
        try:
            example.evaluate()
        except SkipTest:
            continue
        except Exception as error:  # noqa: BLE001 - every example's failure is reported
            failures.append(f"{path.name}, line {example.line}: {error}")
    assert not failures, "\n\n".join(failures)


def test_the_quick_starts_table_is_what_score_prints_on_a_terminal() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (shown,) = re.findall(r"```text\n(respondent or line.*?)```", readme, flags=re.DOTALL)
    examples = sorted((ROOT / "examples").glob("*.json"))
    status, terminal, _ = in_terminal("score", *examples, attached=("stdout",))
    assert status == 0
    assert terminal.startswith(shown)


#: A call in inline code: ``name(...)`` or ``dotted.name(...)``.
_CALL = re.compile(r"`((?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*)\(([^()`]*)\)`")
#: Where a documented name is looked for: the public faces, the values' classes,
#: and ``q``, as the documents call a questionnaire.
_FACES = {
    "blunting": blunting,
    "fhir": fhir,
    "redcap": redcap,
    "tables": tables,
    "stats": stats,
    "q": blunting.Questionnaire,
}


def _callable(name: str) -> Callable[..., object] | None:
    """The public function or method that ``name`` (``fhir.x``, ``Score.to_dict``, ``x``) is."""
    *owners, last = name.split(".")
    places: list[object]
    if owners:
        owner: object = _FACES.get(owners[0]) or getattr(blunting, owners[0], None)
        for part in owners[1:]:
            owner = getattr(owner, part, None)
        places = [owner]
    else:
        places = list(_FACES.values())
    for place in places:
        found = getattr(place, last, None)
        if callable(found) and not isinstance(found, type):
            return found  # type: ignore[no-any-return]
    return None


def _ours(name: str) -> bool:
    """Whether a dotted name is one of the library's (``fhir.x``, ``q.x``, ``Score.x``)."""
    root, _, rest = name.partition(".")
    return bool(rest) and (root in _FACES or root in blunting.__all__)


def _documented_calls() -> list[tuple[str, str, str]]:
    """Each documented call of a public function: (where, name, what is in the brackets).

    Of the CHANGELOG, the Unreleased section only: a release's entries tell
    what was true then.

    Empty brackets (``blunting.load()``) name a function; they show no signature.
    """
    calls = []
    for path in DOCUMENTS:
        text = path.read_text(encoding="utf-8")
        if path.name == "CHANGELOG.md":
            text = "\n## [".join(text.split("\n## [")[:2])
        for match in _CALL.finditer(text):
            if match[2] and (_callable(match[1]) is not None or _ours(match[1])):
                line = text.count("\n", 0, match.start()) + 1
                calls.append((f"{path.relative_to(ROOT)}:{line}", match[1], match[2]))
    return calls


def _mismatch(function: Callable[..., object], shown: str) -> str | None:
    """Why ``function`` cannot be called as ``shown`` says, or ``None`` when it can.

    ``shown`` is a parameter list (``source, *, questionnaire=None``): each
    parameter shown must be there, of the kind shown (one before ``*`` is
    taken by position, in that place), with the default shown; every
    parameter without a default must be shown. Or it is a call
    (``"1.0.0"``, ``[payload]``), whose arguments must bind.
    """
    signature = inspect.signature(function)
    if "." in function.__qualname__ and next(iter(signature.parameters), "") == "self":
        signature = signature.replace(parameters=list(signature.parameters.values())[1:])
    try:
        (definition,) = ast.parse(f"def f({shown}): pass").body
    except SyntaxError:
        call = ast.parse(f"f({shown})", mode="eval").body
        assert isinstance(call, ast.Call)
        try:
            signature.bind(*call.args, **{k.arg: k.value for k in call.keywords if k.arg})
        except TypeError as error:
            return f"cannot be called with ({shown}): {error}"
        return None
    assert isinstance(definition, ast.FunctionDef)
    return _kinds_differ(signature, definition.args) or _defaults_differ(signature, definition.args)


def _kinds_differ(signature: inspect.Signature, shown: ast.arguments) -> str | None:
    real = signature.parameters
    positional = [
        p for p in real.values() if p.kind in {p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD}
    ]
    for place, argument in enumerate(shown.args):
        if place >= len(positional) or positional[place].name != argument.arg:
            return f"{argument.arg!r} is not its parameter {place + 1} by position: {signature}"
    for argument in shown.kwonlyargs:
        if (
            argument.arg not in real
            or real[argument.arg].kind is not inspect.Parameter.KEYWORD_ONLY
        ):
            return f"{argument.arg!r} is not a keyword-only parameter of {signature}"
    named = {a.arg for a in [*shown.args, *shown.kwonlyargs]}
    missing = [
        p.name
        for p in real.values()
        if p.default is p.empty and p.kind not in {p.VAR_POSITIONAL, p.VAR_KEYWORD}
        if p.name not in named
    ]
    return f"{missing} must be given, but are not shown: {signature}" if missing else None


def _defaults_differ(signature: inspect.Signature, shown: ast.arguments) -> str | None:
    with_defaults = [a.arg for a in shown.args][len(shown.args) - len(shown.defaults) :]
    defaults = dict(zip(with_defaults, shown.defaults, strict=True))
    defaults |= {a.arg: d for a, d in zip(shown.kwonlyargs, shown.kw_defaults, strict=True) if d}
    for name, default in defaults.items():
        if signature.parameters[name].default != ast.literal_eval(default):
            real = signature.parameters[name].default
            return f"{name!r} defaults to {real!r}, not {ast.unparse(default)}"
    return None


@pytest.mark.parametrize(("where", "name", "shown"), _documented_calls())
def test_each_documented_signature_is_the_functions(where: str, name: str, shown: str) -> None:
    function = _callable(name)
    assert function is not None, f"{where}: {name} is not a public function or method"
    assert _mismatch(function, shown) is None, (
        f"{where}: {name}({shown}): {_mismatch(function, shown)}"
    )


#: A Markdown link: its target, then its anchor.
_LINK = re.compile(r"\]\(([^)#\s]*)(?:#([^)\s]+))?\)")


def _anchors(path: Path) -> set[str]:
    """The anchors of a Markdown file's headings, as GitHub makes them (not in code blocks)."""
    blocks = re.compile(r"^```.*?^```", flags=re.DOTALL | re.MULTILINE)
    text = blocks.sub("", path.read_text(encoding="utf-8"))
    headings = re.findall(r"^#+ (.+)$", text, re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-") for h in headings}


@pytest.mark.parametrize("path", DOCUMENTS, ids=[str(p.relative_to(ROOT)) for p in DOCUMENTS])
def test_every_link_between_the_documents_leads_somewhere(path: Path) -> None:
    broken = []
    for target, anchor in _LINK.findall(path.read_text(encoding="utf-8")):
        if target.startswith(("http://", "https://")):
            continue
        place = (path.parent / target).resolve() if target else path
        if not place.exists():
            broken.append(target)
        elif anchor and place.suffix == ".md" and anchor not in _anchors(place):
            broken.append(f"{target}#{anchor}")
    assert not broken
