"""The keywords the compiled checker decides: one plain function each, and one table of them.

Each function adds checks to a :class:`~blunting._schema._compiler.Node` (the
schema object being compiled), with jsonschema's own semantics, or raises
``Undecidable`` for a value it cannot compile exactly, leaving the schema
object to jsonschema. :data:`KEYWORDS` names them all, and :data:`ORDER` says
in which order they are compiled. To compile a new keyword: write its
function here, add it to :data:`KEYWORDS`, and add cases to
``tests/schema/cases/`` (each bound, also under ``not``) and to the schemas
that ``tests/schema/test_compiler.py`` draws.

At some 450 lines this module is longer than the others on purpose: it is
one table, and a keyword's function reads best beside the others'.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Any

from blunting._schema._compiler import (
    BRANCHES,
    PURE_TYPES,
    Source,
    Undecidable,
    fails,
    indent,
    verdict_source,
)
from blunting._text import define

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Mapping

    from blunting._schema._compiler import Branch, Node, Resolver, Verdict

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
_STRINGS = frozenset({str})


def _count(value: object) -> int:
    if type(value) is not int or value < 0:
        raise Undecidable
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


def _type(_source: Source, node: Node, declared: object) -> None:
    if declared is None:
        return
    names = [declared] if isinstance(declared, str) else declared
    known = {json_type for _, json_type in BRANCHES.values()}
    if not isinstance(names, list) or not set(names) <= known:
        raise Undecidable
    for branch, (_, json_type) in BRANCHES.items():
        allowed = json_type in names or (branch == "int" and "number" in names)
        if branch == "float" and not allowed and "integer" in names:
            node.branches[branch].add(fails(f"not {node.v}.is_integer()"), _integral)
        elif not allowed:
            node.branches[branch].allowed = False


def _bound(source: Source, keyword: str, node: Node, value: object) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise Undecidable
    compare = _BOUNDS[keyword]
    for branch in _NUMBERS:
        node.branches[branch].add(
            fails(f"{node.v} {compare} {source.constant(value)}"), _passes(compare, value)
        )


def _size(_source: Source, keyword: str, node: Node, value: object) -> None:
    branch, compare = _SIZES[keyword]
    limit = _count(value)
    passes = _passes(compare, limit)
    node.branches[branch].add(
        fails(f"len({node.v}) {compare} {limit:d}"), lambda member: passes(len(member))
    )


def _const(_source: Source, node: Node, value: object) -> None:
    _membership([value], node.branches)


def _enum(_source: Source, node: Node, value: object) -> None:
    if not isinstance(value, list):
        raise Undecidable
    _membership(value, node.branches)


def _combine(source: Source, keyword: str, node: Node, value: object) -> None:
    if not isinstance(value, list) or not value:
        raise Undecidable
    if keyword != "allOf" and all(_only_const(branch, source.validating) for branch in value):
        consts = [branch["const"] for branch in value]
        if keyword == "anyOf" or _Consts(consts).distinct:
            _membership(consts, node.branches)
            return
    calls = [f"{source.function(branch, node.resolver)}({node.v})" for branch in value]
    if keyword == "anyOf" and _contains_any(source, node, value, calls):
        return
    if keyword == "oneOf":
        node.anywhere += fails(f"({' + '.join(calls)}) != 1")
    else:
        node.anywhere += fails(f"not ({(' or ' if keyword == 'anyOf' else ' and ').join(calls)})")


def _contains_any(source: Source, node: Node, branches: list[Any], calls: list[str]) -> bool:
    """``anyOf`` of plain ``contains`` of option sets, as one test: an element in their union.

    ("The list holds "none" or "unknown"", say.) Only arrays are checked;
    an array with an element of another type than int, str or None is
    checked branch by branch.
    """
    union: set[Any] = set()
    for branch in branches:
        if not (
            isinstance(branch, dict)
            and source.validating.intersection(branch) == {"contains"}
            and "minContains" not in branch
            and "maxContains" not in branch
        ):
            return False
        source.function(branch["contains"], node.resolver)  # works out whether it is pure
        members = source.pure.get(id(branch["contains"]))
        if members is None:
            return False
        union |= members
    v = node.v
    node.branches["list"].add(
        [
            f"if {source.constant(PURE_TYPES)}.issuperset(map(type, {v})):",
            *indent(fails(f"{source.constant(frozenset(union))}.isdisjoint({v})")),
            "else:",
            *indent(fails(f"not ({' or '.join(calls)})")),
        ]
    )
    return True


def _not(source: Source, node: Node, value: object) -> None:
    node.anywhere += fails(f"{source.function(value, node.resolver)}({node.v})")


def _if(source: Source, node: Node, value: object) -> None:
    schema, v = node.schema, node.v
    if "then" not in schema and "else" not in schema:
        return
    test = source.function(value, node.resolver)
    if "else" not in schema:
        # Valid when ``then`` holds or ``if`` does not: ``then`` is asked first,
        # as it is usually the cheaper (``"then": {"maxItems": 1}``, say).
        then = source.function(schema["then"], node.resolver)
        node.anywhere += fails(f"not {then}({v}) and {test}({v})")
        return
    when = source.check(schema.get("then", True), v, node.resolver, node.depth) or ["pass"]
    otherwise = source.check(schema["else"], v, node.resolver, node.depth) or ["pass"]
    node.anywhere += [f"if {test}({v}):", *indent(when), "else:", *indent(otherwise)]


def _ref(source: Source, node: Node, value: object) -> None:
    from referencing.exceptions import Unresolvable  # noqa: PLC0415 - compiling only

    if not isinstance(value, str):
        raise Undecidable
    try:
        resolved = node.resolver.lookup(value)
    except Unresolvable:
        raise Undecidable from None
    source.roots.add(id(resolved.contents))
    called = source.function(resolved.contents, resolved.resolver)
    node.anywhere += fails(f"not {called}({node.v})")


def _format(source: Source, node: Node, value: object) -> None:
    if not isinstance(value, str) or value not in source.formats:
        return  # jsonschema does not check a format its checker lacks
    conforms, raises = source.formats[value]
    if not raises:
        node.anywhere += fails(f"not {source.constant(conforms)}({node.v})")
        return
    result = source.fresh("r")
    node.anywhere += [
        "try:",
        f"    {result} = {source.constant(conforms)}({node.v})",
        f"except {source.constant(raises)}:",
        f"    {result} = False",
        *fails(f"not {result}"),
    ]


def _pattern(source: Source, node: Node, value: object) -> None:
    if not isinstance(value, str):
        raise Undecidable
    try:
        search = re.compile(value).search
    except re.error:
        raise Undecidable from None
    node.branches["str"].add(
        fails(f"{source.constant(search)}({node.v}) is None"),
        lambda member: search(member) is not None,
    )


def _items(source: Source, node: Node, value: object) -> None:
    element = source.fresh("e")
    body = source.check(value, element, node.resolver, node.depth)
    if not body:
        return
    lines = [f"for {element} in {node.v}:", *indent(body)]
    members = source.pure.get(id(value))
    if members is not None:  # all at once when every element is an int, str or None
        lines = [
            f"if {source.constant(PURE_TYPES)}.issuperset(map(type, {node.v})):",
            *indent(fails(f"not {source.constant(members)}.issuperset({node.v})")),
            "else:",
            *indent(lines),
        ]
    node.branches["list"].add(lines)


def _unique(source: Source, node: Node, value: object) -> None:
    if value is False:
        return
    if value is not True:
        raise Undecidable
    v = node.v
    node.branches["list"].add(
        [
            f"if len({v}) > 1:",
            f"    if not {source.constant(_STRINGS)}.issuperset(map(type, {v})):",
            "        raise U",
            *indent(fails(f"len(set({v})) != len({v})")),
        ]
    )


def _contains(source: Source, node: Node, value: object) -> None:
    least = _count(node.schema.get("minContains", 1))
    most = node.schema.get("maxContains")
    if most is not None:
        _count(most)
    v, element, count = node.v, source.fresh("e"), source.fresh("n")
    test = source.function(value, node.resolver)
    loop = [f"{count} = 0", f"for {element} in {v}:", f"    if {test}({element}):"]
    loop += [f"        {count} += 1"]
    limits = fails(f"{count} < {least:d}")
    if most is not None:
        limits += fails(f"{count} > {most:d}")
    members = source.pure.get(id(value))
    if members is None:
        node.branches["list"].add(loop + limits)
        return
    # at once when every element is an int, str or None
    if least == 1 and most is None:
        quick = fails(f"{source.constant(members)}.isdisjoint({v})")
    else:
        quick = [f"{count} = sum(map({source.constant(members.__contains__)}, {v}))", *limits]
    guard = f"{source.constant(PURE_TYPES)}.issuperset(map(type, {v}))"
    node.branches["list"].add([f"if {guard}:", *indent(quick), "else:", *indent(loop + limits)])


def _required(source: Source, node: Node, value: object) -> None:
    if not isinstance(value, list):
        raise Undecidable
    for name in value:
        node.branches["dict"].add(fails(f"{source.constant(name)} not in {node.v}"))


def _properties(source: Source, node: Node, value: object) -> None:
    if not isinstance(value, dict):
        raise Undecidable
    v = node.v
    closed = node.schema.get("additionalProperties") is False
    count = source.fresh("c")
    lines = [f"{count} = 0"] if closed else []
    for name, subschema in value.items():
        member = source.fresh("v")
        lines += [f"{member} = {v}.get({source.constant(name)}, M)", f"if {member} is not M:"]
        body = source.check(subschema, member, node.resolver, node.depth)
        lines += indent([*([f"{count} += 1"] if closed else []), *body] or ["pass"])
    if closed:  # additionalProperties: false, compiled here with the count
        lines += fails(f"len({v}) != {count}")
        lines = _options_at_once(source, value, v, lines)
    node.branches["dict"].add(lines)


def _additional(source: Source, node: Node, value: object) -> None:
    v = node.v
    properties = node.schema.get("properties", {})
    if value is False:
        if "properties" not in node.schema:  # else compiled with ``properties``
            node.branches["dict"].add(fails(v))
        return
    key, member = source.fresh("q"), source.fresh("v")
    body = source.check(value, member, node.resolver, node.depth)
    if body:
        node.branches["dict"].add(
            [
                f"for {key}, {member} in {v}.items():",
                f"    if {key} not in {source.constant(properties)}:",
                *indent(indent(body)),
            ]
        )


def _options_at_once(
    source: Source, properties: dict[str, Any], v: str, one_by_one: list[str]
) -> list[str]:
    """A closed object whose members each allow a set of scalars, passed at once when it can be.

    The answers of a questionnaire look like this. When every value is an
    ``int``, ``str`` or ``None`` (exactly), its key is known and it is in the
    set that every member allows (all the members' sets, when they are the
    same; their common part when a few members take one more option, as in
    1.1.0), the object is valid. Anything else is checked member by member.
    """
    allowed = [source.pure.get(id(subschema)) for subschema in properties.values()]
    if not allowed or None in allowed:
        return one_by_one
    common = frozenset.intersection(*allowed)  # type: ignore[arg-type]  # None is out, above
    if not common:
        return one_by_one
    pure = source.constant(PURE_TYPES)
    names = source.constant(frozenset(properties))
    everywhere = source.constant(common)
    test = (
        f"{pure}.issuperset(map(type, {v}.values())) and {names}.issuperset({v})"
        f" and {everywhere}.issuperset({v}.values())"
    )
    return [f"if not ({test}):", *indent(one_by_one)]


def _membership(values: list[Any], branches: dict[str, Branch]) -> None:
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


def _with_keyword(
    compile_keyword: Callable[[Source, str, Node, Any], None], keyword: str
) -> Callable[[Source, Node, Any], None]:
    return functools.partial(_call_with_keyword, compile_keyword, keyword)


def _call_with_keyword(
    compile_keyword: Callable[[Source, str, Node, Any], None],
    keyword: str,
    source: Source,
    node: Node,
    value: Any,
) -> None:
    compile_keyword(source, keyword, node, value)


#: Every keyword compiled here, and the function that compiles it.
KEYWORDS: dict[str, Callable[[Source, Node, Any], None]] = {
    "type": _type,
    "const": _const,
    "enum": _enum,
    "not": _not,
    "if": _if,
    "$ref": _ref,
    "format": _format,
    "pattern": _pattern,
    "items": _items,
    "uniqueItems": _unique,
    "contains": _contains,
    "required": _required,
    "properties": _properties,
    "additionalProperties": _additional,
    **{keyword: _with_keyword(_bound, keyword) for keyword in _BOUNDS},
    **{keyword: _with_keyword(_size, keyword) for keyword in _SIZES},
    **{keyword: _with_keyword(_combine, keyword) for keyword in ("allOf", "anyOf", "oneOf")},
}

#: The order keywords are compiled in: ``type`` first (it says which branches
#: of the type dispatch there are), then ``properties`` (it compiles
#: ``additionalProperties: false`` too, with its count of known members).
ORDER = {keyword: index for index, keyword in enumerate(sorted(KEYWORDS))}
ORDER["type"] = -2
ORDER["properties"] = -1


def compile_checker(
    schema: Mapping[str, Any],
    resolver: Resolver,
    validating: Collection[str],
    formats: Mapping[str, Any],
    *,
    strict: bool = False,
) -> Callable[[object], Verdict]:
    """A function giving jsonschema's verdict on an instance, or ``None`` when undecided.

    ``validating`` names the keywords jsonschema validates (others are
    annotations); ``formats`` maps a format name to jsonschema's
    ``(function, exceptions)`` pair for it. With ``strict``, an exception in
    the generated code other than "undecided" propagates instead of giving
    ``None`` (see :func:`~blunting._schema._compiler.verdict_source`).
    """
    source = Source(KEYWORDS, ORDER, validating, formats)
    text = verdict_source(source, schema, resolver, strict=strict)
    verdict: Callable[[object], Verdict] = define(text, dict(source.names), "verdict")
    return verdict
