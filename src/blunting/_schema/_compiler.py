"""The machinery that compiles a schema into Python functions giving jsonschema's verdict.

The compiled checker answers ``True`` (valid), ``False`` (invalid) or ``None``
(not decided here: ask jsonschema). It decides only what it can decide exactly
as ``jsonschema``'s Draft 2020-12 validator would:

- values of the exact JSON types (``dict``, ``list``, ``str``, ``int``,
  ``float``, ``bool``, ``None``); a subclass or any other type is undecided;
- the keywords in ``_keywords.KEYWORDS``, each with jsonschema's own semantics (the
  same comparisons, the same ``re.search``, the same format functions). A
  schema object with any other validating keyword is undecided;
- ``uniqueItems`` only over strings; ``const`` and ``enum`` only for scalars.

Anything undecided raises ``Unsure`` inside the generated code. Verdicts are
exact both ways, so ``not``, ``oneOf`` and the rest compose.

The generated source holds only names made here (``f3``, ``k12``, ``v4``...).
Every value taken from the schema (property names, constants, patterns,
bounds) is passed in as a global of the namespace the code runs in, never
written into the code (see ``blunting._text.define``), and the
source is kept, so that a traceback or ``pdb`` in a verdict shows its lines.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Mapping

    from referencing._core import Resolver as _Resolver

    Resolver = _Resolver[Any]
    #: Compiles one keyword's value into checks of a node (see ``_keywords``).
    Keyword = Callable[["Source", "Node", Any], None]

#: What a compiled checker says: valid, invalid, or ``None`` for "ask jsonschema".
Verdict = bool | None

#: Schema objects nested deeper than this in one function get a function of their own.
_INLINE_DEPTH = 6

#: The branches of the type dispatch: the exact Python type, and the JSON Schema type.
#: The order is the order of the tests in generated code: common types first.
BRANCHES: dict[str, tuple[type, str]] = {
    "int": (int, "integer"),
    "str": (str, "string"),
    "null": (type(None), "null"),
    "dict": (dict, "object"),
    "list": (list, "array"),
    "float": (float, "number"),
    "bool": (bool, "boolean"),
}
#: The exact types whose values a finite set of allowed values (``_pure``) speaks for.
PURE_TYPES = frozenset({int, str, type(None)})


class Unsure(Exception):
    """Raised by generated code for a value or keyword it leaves to jsonschema."""


class Undecidable(Exception):
    """Raised while compiling a schema object that generated code cannot decide."""


_MISSING = object()


def indent(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]


def fails(condition: str) -> list[str]:
    return [f"if {condition}:", "    return False"]


class Branch:
    """What one type branch of a schema object checks.

    ``members`` is the finite set of values allowed (from ``const``, ``enum``
    or a ``oneOf`` of options) when there is one. A check whose ``holds``
    accepts every member is implied by membership and left out of the code.
    """

    def __init__(self) -> None:
        self.allowed = True
        self.unsure = False
        self.members: frozenset[Any] | None = None
        self.checks: list[tuple[list[str], Callable[[Any], bool] | None]] = []

    def add(self, lines: list[str], holds: Callable[[Any], bool] | None = None) -> None:
        self.checks.append((lines, holds))

    def restrict(self, members: frozenset[Any]) -> None:
        self.members = members if self.members is None else self.members & members

    def _implied(self, holds: Callable[[Any], bool] | None) -> bool:
        return self.members is not None and holds is not None and all(map(holds, self.members))

    def pure(self) -> frozenset[Any] | None:
        """The values allowed, when that is a finite set with nothing more to check."""
        if not self.allowed:
            return frozenset()
        if self.unsure or self.members is None:
            return None
        if all(self._implied(holds) for _, holds in self.checks):
            return self.members
        return None

    def lines(self, v: str, source: Source) -> list[str]:
        if not self.allowed:
            return ["return False"]
        if self.unsure:
            return ["raise U"]
        lines = [] if self.members is None else fails(f"{v} not in {source.constant(self.members)}")
        for code, holds in self.checks:
            if not self._implied(holds):
                lines += code
        return lines


class Node:
    """One schema object being compiled: where its value is, and what it checks."""

    def __init__(self, schema: dict[str, Any], v: str, resolver: Resolver, depth: int) -> None:
        self.schema = schema
        self.v = v
        self.resolver = resolver
        self.depth = depth
        self.branches = {branch: Branch() for branch in BRANCHES}
        #: Checks of keywords that apply whatever the value's type.
        self.anywhere: list[str] = []


class Source:
    """Generated functions, and the namespace they run in."""

    def __init__(
        self,
        keywords: Mapping[str, Keyword],
        order: Mapping[str, int],
        validating: Collection[str],
        formats: Mapping[str, Any],
    ) -> None:
        #: The keywords compiled, each with its function, and the order they run in.
        self.keywords = keywords
        self.order = order
        self.validating = frozenset(validating)
        self.formats = formats
        self.names: dict[str, object] = {"U": Unsure, "M": _MISSING}
        self.functions: list[str] = []
        self.made: dict[int, str] = {}
        self.kept: list[object] = []
        self.counter = itertools.count()
        #: For schema objects that allow only a finite set of int, str and None
        #: values (whatever they do with values of other types): that set.
        self.pure: dict[int, frozenset[Any]] = {}
        #: Schema objects whose ``$id`` the resolver they are compiled with knows.
        self.roots: set[int] = set()

    def fresh(self, prefix: str) -> str:
        return f"{prefix}{next(self.counter)}"

    def constant(self, value: object) -> str:
        name = self.fresh("k")
        self.names[name] = value
        return name

    def function(self, schema: object, resolver: Resolver) -> str:
        """The name of a function ``(x) -> bool`` checking ``schema``."""
        made = self.made.get(id(schema))
        if made is not None:
            return made
        name = self.fresh("f")
        self.made[id(schema)] = name
        self.kept.append(schema)  # keeps id(schema) unique while compiling
        body = self.block(schema, "x", resolver, 0)
        self.functions.append("\n".join([f"def {name}(x):", *indent([*body, "return True"])]))
        return name

    def check(self, schema: object, v: str, resolver: Resolver, depth: int) -> list[str]:
        """Statements checking ``v``: inline when shallow, else a call."""
        if depth >= _INLINE_DEPTH:
            return fails(f"not {self.function(schema, resolver)}({v})")
        return self.block(schema, v, resolver, depth + 1)

    def block(self, schema: object, v: str, resolver: Resolver, depth: int) -> list[str]:
        """Statements that ``return False`` when ``v`` is invalid, ``raise U`` when unsure."""
        if schema is True:
            return []
        if schema is False:
            return ["return False"]
        if not isinstance(schema, dict):
            return ["raise U"]
        keywords = self.validating.intersection(schema)
        if not keywords <= self.keywords.keys() or (
            "$id" in schema and id(schema) not in self.roots
        ):
            return ["raise U"]
        node = Node(schema, v, resolver, depth)
        try:
            for keyword in sorted(keywords, key=self.order.__getitem__):
                self.keywords[keyword](self, node, schema[keyword])
        except Undecidable:
            return ["raise U"]
        if not node.anywhere:
            members = _pure(node.branches)
            if members is not None:
                self.pure[id(schema)] = members
        return [*self._dispatch(node), *node.anywhere]

    def _dispatch(self, node: Node) -> list[str]:
        """One ``if`` over the exact type of the value; a type not a JSON one is unsure.

        Branches with code come first, in the order of ``BRANCHES``, then the
        types that pass as they are, then those that fail.
        """
        bodies = {branch: node.branches[branch].lines(node.v, self) for branch in BRANCHES}
        if not any(bodies.values()):
            return []
        t = self.fresh("t")
        tests: list[tuple[str, list[str]]] = []
        passing: list[type] = []
        failing: list[type] = []
        for branch, (python_type, _) in BRANCHES.items():
            body = bodies[branch]
            if body == ["return False"]:
                failing.append(python_type)
            elif not body:
                passing.append(python_type)
            else:
                tests.append((f"{t} is {self.constant(python_type)}", body))
        for kinds, body in ((passing, ["pass"]), (failing, ["return False"])):
            if len(kinds) == 1:
                tests.append((f"{t} is {self.constant(kinds[0])}", body))
            elif kinds:
                tests.append((f"{t} in {self.constant(frozenset(kinds))}", body))
        lines = [f"{t} = type({node.v})"]
        for index, (test, body) in enumerate(tests):
            lines += [f"{'elif' if index else 'if'} {test}:", *indent(body)]
        return [*lines, "else:", "    raise U"]


def _pure(branches: dict[str, Branch]) -> frozenset[Any] | None:
    """The int, str and None values a schema object allows, if it is only such a set."""
    found: set[Any] = set()
    for branch in ("int", "str"):
        members = branches[branch].pure()
        if members is None:
            return None
        for member in members:
            if type(member) is float and member.is_integer():
                found.add(int(member))  # an int value equals it
            elif type(member) in PURE_TYPES:
                found.add(member)
    if branches["null"].allowed:  # nothing is ever checked of a null but whether it may be
        found.add(None)
    return frozenset(found)


def verdict_source(
    source: Source, schema: Mapping[str, Any], resolver: Resolver, *, strict: bool
) -> str:
    """The source of ``verdict(x)``, and of the functions it calls, for ``schema``.

    ``Unsure`` makes the verdict ``None``: jsonschema then decides. So does a
    ``RecursionError``, for a value nested deeper than a recursive schema can
    follow. Any other exception is a fault of the generated code: ``strict``
    lets it propagate (the tests run so, see ``STRICT_ENVIRONMENT``), else it
    too gives ``None``, and jsonschema's verdict stands.
    """
    source.roots.add(id(schema))
    body = source.block(schema, "x", resolver, 0)
    caught = "(U, RecursionError)" if strict else "Exception"
    entry = [
        "def verdict(x):",
        "    try:",
        *indent(indent(body or ["pass"])),
        f"    except {caught}:",
        "        return None",
        "    return True",
    ]
    return "\n\n".join([*source.functions, "\n".join(entry)])
