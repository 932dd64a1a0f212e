"""A schema compiled into Python functions that give jsonschema's verdict, fast.

The compiled checker answers ``True`` (valid), ``False`` (invalid) or ``None``
(not decided here: ask jsonschema). It decides only what it can decide exactly
as ``jsonschema``'s Draft 2020-12 validator would:

- values of the exact JSON types (``dict``, ``list``, ``str``, ``int``,
  ``float``, ``bool``, ``None``); a subclass or any other type is undecided;
- the keywords in ``_KEYWORDS``, each with jsonschema's own semantics (the
  same comparisons, the same ``re.search``, the same format functions). A
  schema object with any other validating keyword is undecided;
- ``uniqueItems`` only over strings; ``const`` and ``enum`` only for scalars.

Anything undecided raises ``_Unsure`` inside the generated code. Verdicts are
exact both ways, so ``not``, ``oneOf`` and the rest compose.

The generated source holds only names made here (``f3``, ``k12``, ``v4``...).
Every value taken from the schema (property names, constants, patterns,
bounds) is passed in as a global of the namespace the code runs in, never
written into the code (see ``_codegen``).
"""

from __future__ import annotations

import itertools
import re
from typing import TYPE_CHECKING, Any

from blunting._codegen import define

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Mapping

    from referencing._core import Resolver

    _Resolver = Resolver[Any]

#: What a compiled checker says: valid, invalid, or ``None`` for "ask jsonschema".
Verdict = bool | None

#: Schema objects nested deeper than this in one function get a function of their own.
_INLINE_DEPTH = 6

#: The branches of the type dispatch: the exact Python type, and the JSON Schema type.
#: The order is the order of the tests in generated code: common types first.
_BRANCHES: dict[str, tuple[type, str]] = {
    "int": (int, "integer"),
    "str": (str, "string"),
    "null": (type(None), "null"),
    "dict": (dict, "object"),
    "list": (list, "array"),
    "float": (float, "number"),
    "bool": (bool, "boolean"),
}
_NUMBERS = ("int", "float")
#: Number bounds: the comparison that fails a value.
_BOUNDS = {"minimum": "<", "maximum": ">", "exclusiveMinimum": "<=", "exclusiveMaximum": ">="}
#: Size bounds: the branch they apply to, and the comparison that fails a value.
_SIZES = {
    "minLength": ("str", "<"),
    "maxLength": ("str", ">"),
    "minItems": ("list", "<"),
    "maxItems": ("list", ">"),
    "minProperties": ("dict", "<"),
    "maxProperties": ("dict", ">"),
}
#: The exact types whose values a finite set of allowed values (``_pure``) speaks for.
_PURE_TYPES = frozenset({int, str, type(None)})
_STRINGS = frozenset({str})


class _Unsure(Exception):
    """Raised by generated code for a value or keyword it leaves to jsonschema."""


class _Undecidable(Exception):
    """Raised while compiling a schema object that generated code cannot decide."""


_MISSING = object()


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line for line in lines]


def _fails(condition: str) -> list[str]:
    return [f"if {condition}:", "    return False"]


def _count(value: object) -> int:
    if type(value) is not int or value < 0:
        raise _Undecidable
    return value


class _Consts:
    """A finite set of JSON scalars, compared as jsonschema's ``equal`` compares."""

    def __init__(self, values: list[Any]) -> None:
        self.strings = frozenset(v for v in values if type(v) is str)
        self.numbers = frozenset(v for v in values if type(v) in (int, float))
        self.booleans = frozenset(v for v in values if type(v) is bool)
        self.null = any(v is None for v in values)
        self.scalar = all(type(v) in (str, int, float, bool, type(None)) for v in values)
        # Distinct under JSON equality: 1 and 1.0 are one number; true and 1 are two.
        sizes = len(self.strings) + len(self.numbers) + len(self.booleans) + self.null
        self.distinct = self.scalar and sizes == len(values)


class _Branch:
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

    def lines(self, v: str, source: _Source) -> list[str]:
        if not self.allowed:
            return ["return False"]
        if self.unsure:
            return ["raise U"]
        lines = (
            [] if self.members is None else _fails(f"{v} not in {source.constant(self.members)}")
        )
        for code, holds in self.checks:
            if not self._implied(holds):
                lines += code
        return lines


class _Node:
    """One schema object being compiled: where its value is, and what it checks."""

    def __init__(self, schema: dict[str, Any], v: str, resolver: _Resolver, depth: int) -> None:
        self.schema = schema
        self.v = v
        self.resolver = resolver
        self.depth = depth
        self.branches = {branch: _Branch() for branch in _BRANCHES}
        #: Checks of keywords that apply whatever the value's type.
        self.anywhere: list[str] = []


class _Source:
    """Generated functions, and the namespace they run in."""

    def __init__(self, validating: Collection[str], formats: Mapping[str, Any]) -> None:
        self.validating = frozenset(validating)
        self.formats = formats
        self.names: dict[str, object] = {"U": _Unsure, "M": _MISSING}
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

    def function(self, schema: object, resolver: _Resolver) -> str:
        """The name of a function ``(x) -> bool`` checking ``schema``."""
        made = self.made.get(id(schema))
        if made is not None:
            return made
        name = self.fresh("f")
        self.made[id(schema)] = name
        self.kept.append(schema)  # keeps id(schema) unique while compiling
        body = self.block(schema, "x", resolver, 0)
        self.functions.append("\n".join([f"def {name}(x):", *_indent([*body, "return True"])]))
        return name

    def check(self, schema: object, v: str, resolver: _Resolver, depth: int) -> list[str]:
        """Statements checking ``v``: inline when shallow, else a call."""
        if depth >= _INLINE_DEPTH:
            return _fails(f"not {self.function(schema, resolver)}({v})")
        return self.block(schema, v, resolver, depth + 1)

    def block(self, schema: object, v: str, resolver: _Resolver, depth: int) -> list[str]:
        """Statements that ``return False`` when ``v`` is invalid, ``raise U`` when unsure."""
        if schema is True:
            return []
        if schema is False:
            return ["return False"]
        if not isinstance(schema, dict):
            return ["raise U"]
        keywords = self.validating.intersection(schema)
        if not keywords <= _KEYWORDS.keys() or ("$id" in schema and id(schema) not in self.roots):
            return ["raise U"]
        node = _Node(schema, v, resolver, depth)
        try:
            self._type(node, schema.get("type"))
            for keyword in sorted(keywords, key=_ORDER.__getitem__):
                _KEYWORDS[keyword](self, node, schema[keyword])
        except _Undecidable:
            return ["raise U"]
        if not node.anywhere:
            members = _pure(node.branches)
            if members is not None:
                self.pure[id(schema)] = members
        return [*self._dispatch(node), *node.anywhere]

    def _dispatch(self, node: _Node) -> list[str]:
        """One ``if`` over the exact type of the value; a type not a JSON one is unsure.

        Branches with code come first, in the order of ``_BRANCHES``, then the
        types that pass as they are, then those that fail.
        """
        bodies = {branch: node.branches[branch].lines(node.v, self) for branch in _BRANCHES}
        if not any(bodies.values()):
            return []
        t = self.fresh("t")
        tests: list[tuple[str, list[str]]] = []
        passing: list[type] = []
        failing: list[type] = []
        for branch, (python_type, _) in _BRANCHES.items():
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
            lines += [f"{'elif' if index else 'if'} {test}:", *_indent(body)]
        return [*lines, "else:", "    raise U"]

    # -- keywords: each adds checks to a node, or raises _Undecidable ---------

    def _type(self, node: _Node, declared: object) -> None:
        if declared is None:
            return
        names = [declared] if isinstance(declared, str) else declared
        known = {json_type for _, json_type in _BRANCHES.values()}
        if not isinstance(names, list) or not set(names) <= known:
            raise _Undecidable
        for branch, (_, json_type) in _BRANCHES.items():
            allowed = json_type in names or (branch == "int" and "number" in names)
            if branch == "float" and not allowed and "integer" in names:
                node.branches[branch].add(_fails(f"not {node.v}.is_integer()"), _integral)
            elif not allowed:
                node.branches[branch].allowed = False

    def _bound(self, keyword: str, node: _Node, value: object) -> None:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise _Undecidable
        compare = _BOUNDS[keyword]
        for branch in _NUMBERS:
            node.branches[branch].add(
                _fails(f"{node.v} {compare} {self.constant(value)}"), _passes(compare, value)
            )

    def _size(self, keyword: str, node: _Node, value: object) -> None:
        branch, compare = _SIZES[keyword]
        limit = _count(value)
        passes = _passes(compare, limit)
        node.branches[branch].add(
            _fails(f"len({node.v}) {compare} {limit:d}"), lambda member: passes(len(member))
        )

    def _const(self, node: _Node, value: object) -> None:
        _membership([value], node.branches)

    def _enum(self, node: _Node, value: object) -> None:
        if not isinstance(value, list):
            raise _Undecidable
        _membership(value, node.branches)

    def _combine(self, keyword: str, node: _Node, value: object) -> None:
        if not isinstance(value, list) or not value:
            raise _Undecidable
        if keyword != "allOf" and all(_only_const(branch, self.validating) for branch in value):
            consts = [branch["const"] for branch in value]
            if keyword == "anyOf" or _Consts(consts).distinct:
                _membership(consts, node.branches)
                return
        calls = [f"{self.function(branch, node.resolver)}({node.v})" for branch in value]
        if keyword == "anyOf" and self._contains_any(node, value, calls):
            return
        if keyword == "oneOf":
            node.anywhere += _fails(f"({' + '.join(calls)}) != 1")
        else:
            node.anywhere += _fails(
                f"not ({(' or ' if keyword == 'anyOf' else ' and ').join(calls)})"
            )

    def _contains_any(self, node: _Node, branches: list[Any], calls: list[str]) -> bool:
        """``anyOf`` of plain ``contains`` of option sets, as one test: an element in their union.

        ("The list holds "none" or "unknown"", say.) Only arrays are checked;
        an array with an element of another type than int, str or None is
        checked branch by branch.
        """
        union: set[Any] = set()
        for branch in branches:
            if not (
                isinstance(branch, dict)
                and self.validating.intersection(branch) == {"contains"}
                and "minContains" not in branch
                and "maxContains" not in branch
            ):
                return False
            self.function(branch["contains"], node.resolver)  # works out whether it is pure
            members = self.pure.get(id(branch["contains"]))
            if members is None:
                return False
            union |= members
        v = node.v
        node.branches["list"].add(
            [
                f"if {self.constant(_PURE_TYPES)}.issuperset(map(type, {v})):",
                *_indent(_fails(f"{self.constant(frozenset(union))}.isdisjoint({v})")),
                "else:",
                *_indent(_fails(f"not ({' or '.join(calls)})")),
            ]
        )
        return True

    def _not(self, node: _Node, value: object) -> None:
        node.anywhere += _fails(f"{self.function(value, node.resolver)}({node.v})")

    def _if(self, node: _Node, value: object) -> None:
        schema, v = node.schema, node.v
        if "then" not in schema and "else" not in schema:
            return
        test = self.function(value, node.resolver)
        if "else" not in schema:
            # Valid when ``then`` holds or ``if`` does not: ``then`` is asked first,
            # as it is usually the cheaper (``"then": {"maxItems": 1}``, say).
            then = self.function(schema["then"], node.resolver)
            node.anywhere += _fails(f"not {then}({v}) and {test}({v})")
            return
        when = self.check(schema.get("then", True), v, node.resolver, node.depth) or ["pass"]
        otherwise = self.check(schema["else"], v, node.resolver, node.depth) or ["pass"]
        node.anywhere += [f"if {test}({v}):", *_indent(when), "else:", *_indent(otherwise)]

    def _ref(self, node: _Node, value: object) -> None:
        from referencing.exceptions import Unresolvable  # noqa: PLC0415 - compiling only

        if not isinstance(value, str):
            raise _Undecidable
        try:
            resolved = node.resolver.lookup(value)
        except Unresolvable:
            raise _Undecidable from None
        self.roots.add(id(resolved.contents))
        called = self.function(resolved.contents, resolved.resolver)
        node.anywhere += _fails(f"not {called}({node.v})")

    def _format(self, node: _Node, value: object) -> None:
        if not isinstance(value, str) or value not in self.formats:
            return  # jsonschema does not check a format its checker lacks
        conforms, raises = self.formats[value]
        if not raises:
            node.anywhere += _fails(f"not {self.constant(conforms)}({node.v})")
            return
        result = self.fresh("r")
        node.anywhere += [
            "try:",
            f"    {result} = {self.constant(conforms)}({node.v})",
            f"except {self.constant(raises)}:",
            f"    {result} = False",
            *_fails(f"not {result}"),
        ]

    def _pattern(self, node: _Node, value: object) -> None:
        if not isinstance(value, str):
            raise _Undecidable
        try:
            search = re.compile(value).search
        except re.error:
            raise _Undecidable from None
        node.branches["str"].add(
            _fails(f"{self.constant(search)}({node.v}) is None"),
            lambda member: search(member) is not None,
        )

    def _items(self, node: _Node, value: object) -> None:
        element = self.fresh("e")
        body = self.check(value, element, node.resolver, node.depth)
        if not body:
            return
        lines = [f"for {element} in {node.v}:", *_indent(body)]
        members = self.pure.get(id(value))
        if members is not None:  # all at once when every element is an int, str or None
            lines = [
                f"if {self.constant(_PURE_TYPES)}.issuperset(map(type, {node.v})):",
                *_indent(_fails(f"not {self.constant(members)}.issuperset({node.v})")),
                "else:",
                *_indent(lines),
            ]
        node.branches["list"].add(lines)

    def _unique(self, node: _Node, value: object) -> None:
        if value is False:
            return
        if value is not True:
            raise _Undecidable
        v = node.v
        node.branches["list"].add(
            [
                f"if len({v}) > 1:",
                f"    if not {self.constant(_STRINGS)}.issuperset(map(type, {v})):",
                "        raise U",
                *_indent(_fails(f"len(set({v})) != len({v})")),
            ]
        )

    def _contains(self, node: _Node, value: object) -> None:
        least = _count(node.schema.get("minContains", 1))
        most = node.schema.get("maxContains")
        if most is not None:
            _count(most)
        v, element, count = node.v, self.fresh("e"), self.fresh("n")
        test = self.function(value, node.resolver)
        loop = [f"{count} = 0", f"for {element} in {v}:", f"    if {test}({element}):"]
        loop += [f"        {count} += 1"]
        limits = _fails(f"{count} < {least:d}")
        if most is not None:
            limits += _fails(f"{count} > {most:d}")
        members = self.pure.get(id(value))
        if members is None:
            node.branches["list"].add(loop + limits)
            return
        # at once when every element is an int, str or None
        if least == 1 and most is None:
            quick = _fails(f"{self.constant(members)}.isdisjoint({v})")
        else:
            quick = [f"{count} = sum(map({self.constant(members.__contains__)}, {v}))", *limits]
        guard = f"{self.constant(_PURE_TYPES)}.issuperset(map(type, {v}))"
        node.branches["list"].add(
            [f"if {guard}:", *_indent(quick), "else:", *_indent(loop + limits)]
        )

    def _required(self, node: _Node, value: object) -> None:
        if not isinstance(value, list):
            raise _Undecidable
        for name in value:
            node.branches["dict"].add(_fails(f"{self.constant(name)} not in {node.v}"))

    def _properties(self, node: _Node, value: object) -> None:
        if not isinstance(value, dict):
            raise _Undecidable
        v = node.v
        closed = node.schema.get("additionalProperties") is False
        count = self.fresh("c")
        lines = [f"{count} = 0"] if closed else []
        for name, subschema in value.items():
            member = self.fresh("v")
            lines += [f"{member} = {v}.get({self.constant(name)}, M)", f"if {member} is not M:"]
            body = self.check(subschema, member, node.resolver, node.depth)
            lines += _indent([*([f"{count} += 1"] if closed else []), *body] or ["pass"])
        if closed:  # additionalProperties: false, compiled here with the count
            lines += _fails(f"len({v}) != {count}")
            lines = self._options_at_once(value, v, lines)
        node.branches["dict"].add(lines)

    def _additional(self, node: _Node, value: object) -> None:
        v = node.v
        properties = node.schema.get("properties", {})
        if value is False:
            if "properties" not in node.schema:  # else compiled with ``properties``
                node.branches["dict"].add(_fails(v))
            return
        key, member = self.fresh("q"), self.fresh("v")
        body = self.check(value, member, node.resolver, node.depth)
        if body:
            node.branches["dict"].add(
                [
                    f"for {key}, {member} in {v}.items():",
                    f"    if {key} not in {self.constant(properties)}:",
                    *_indent(_indent(body)),
                ]
            )

    def _options_at_once(
        self, properties: dict[str, Any], v: str, one_by_one: list[str]
    ) -> list[str]:
        """A closed object whose members all allow the same set of scalars, checked at once.

        The answers of a questionnaire look like this. When every value is an
        ``int``, ``str`` or ``None`` (exactly), the object is valid exactly
        when its keys are known and its values are in the set; with any other
        value it is checked member by member.
        """
        allowed = {self.pure.get(id(subschema)) for subschema in properties.values()}
        if len(allowed) != 1 or None in allowed:
            return one_by_one
        (members,) = allowed
        names, values = self.constant(frozenset(properties)), self.constant(members)
        return [
            f"if {self.constant(_PURE_TYPES)}.issuperset(map(type, {v}.values())):",
            *_indent(
                _fails(f"not ({names}.issuperset({v}) and {values}.issuperset({v}.values()))")
            ),
            "else:",
            *_indent(one_by_one),
        ]


def _keyword(method: Callable[[_Source, str, _Node, object], None], keyword: str) -> Any:
    return lambda source, node, value: method(source, keyword, node, value)


#: Keywords compiled by a method of their own, and its name.
_METHODS = {
    "const": "_const",
    "enum": "_enum",
    "not": "_not",
    "if": "_if",
    "$ref": "_ref",
    "format": "_format",
    "pattern": "_pattern",
    "items": "_items",
    "uniqueItems": "_unique",
    "contains": "_contains",
    "required": "_required",
    "properties": "_properties",
    "additionalProperties": "_additional",
}

#: Each keyword compiled here, and the method that compiles it.
_KEYWORDS: dict[str, Callable[[_Source, _Node, Any], None]] = {
    **{keyword: getattr(_Source, method) for keyword, method in _METHODS.items()},
    **{keyword: _keyword(_Source._bound, keyword) for keyword in _BOUNDS},  # noqa: SLF001
    **{keyword: _keyword(_Source._size, keyword) for keyword in _SIZES},  # noqa: SLF001
    **{keyword: _keyword(_Source._combine, keyword) for keyword in ("allOf", "anyOf", "oneOf")},  # noqa: SLF001
    "type": lambda _source, _node, _value: None,  # compiled first, by _type
}

#: The order keywords are compiled in: ``properties`` first (it compiles
#: ``additionalProperties: false`` too, with its count of known members).
_ORDER = {keyword: index for index, keyword in enumerate(sorted(_KEYWORDS))}
_ORDER["properties"] = -1


def _membership(values: list[Any], branches: dict[str, _Branch]) -> None:
    """Allow only ``values``, compared as jsonschema's ``equal`` compares."""
    consts = _Consts(values)
    allowed = {
        "str": consts.strings,
        "int": consts.numbers,
        "float": consts.numbers,
        "bool": consts.booleans,
    }
    for branch, members in allowed.items():
        if members:
            branches[branch].restrict(members)
        else:
            branches[branch].allowed = False
    if not consts.null:
        branches["null"].allowed = False
    for branch in ("dict", "list"):
        if consts.scalar:
            branches[branch].allowed = False
        else:
            branches[branch].unsure = True


def _pure(branches: dict[str, _Branch]) -> frozenset[Any] | None:
    """The int, str and None values a schema object allows, if it is only such a set."""
    found: set[Any] = set()
    for branch in ("int", "str"):
        members = branches[branch].pure()
        if members is None:
            return None
        for member in members:
            if type(member) is float and member.is_integer():
                found.add(int(member))  # an int value equals it
            elif type(member) in _PURE_TYPES:
                found.add(member)
    if branches["null"].allowed:  # nothing is ever checked of a null but whether it may be
        found.add(None)
    return frozenset(found)


def _passes(compare: str, limit: float) -> Callable[[Any], bool]:
    """Whether a number passes the bound that ``number {compare} limit`` fails."""
    fails: Callable[[Any], bool] = {
        "<": lambda n: n < limit,
        ">": lambda n: n > limit,
        "<=": lambda n: n <= limit,
        ">=": lambda n: n >= limit,
    }[compare]
    return lambda number: not fails(number)


def _integral(number: float) -> bool:
    return type(number) is int or number.is_integer()


def _only_const(branch: object, validating: frozenset[str]) -> bool:
    """Whether a subschema is one ``const`` and annotations."""
    return isinstance(branch, dict) and validating.intersection(branch) == {"const"}


def compile_checker(
    schema: Mapping[str, Any],
    resolver: _Resolver,
    validating: Collection[str],
    formats: Mapping[str, Any],
) -> Callable[[object], Verdict]:
    """A function giving jsonschema's verdict on an instance, or ``None`` when undecided.

    ``validating`` names the keywords jsonschema validates (others are
    annotations); ``formats`` maps a format name to jsonschema's
    ``(function, exceptions)`` pair for it.
    """
    source = _Source(validating, formats)
    source.roots.add(id(schema))
    body = source.block(schema, "x", resolver, 0)
    # Any exception is "unsure": jsonschema then decides (a RecursionError,
    # say, for a value nested deeper than a recursive schema can follow).
    entry = [
        "def verdict(x):",
        "    try:",
        *_indent(_indent(body or ["pass"])),
        "    except Exception:",
        "        return None",
        "    return True",
    ]
    text = "\n\n".join([*source.functions, "\n".join(entry)])
    verdict: Callable[[object], Verdict] = define(text, dict(source.names), "verdict")
    return verdict
