"""The compiled checker gives jsonschema's verdict, or none.

Differential tests: jsonschema (with the library's format checker) is the
authority. The compiled checker may leave a value undecided (``None``), but
when it decides, it must agree; and every valid payload of a questionnaire
must be decided (that is what makes scoring fast).

Examples per test: a few hundred in CI; ``HYPOTHESIS_PROFILE=exhaustive``
runs 100,000 (see README.md).
"""

from __future__ import annotations

import enum
import json
import math
import sys
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from rfc3339_validator import validate_rfc3339  # type: ignore[import-untyped]

import blunting
from blunting._questionnaire._resources import vocabulary_registry
from blunting._schema._formats import FORMATS, is_date_time
from blunting._schema._keywords import compile_checker
from conftest import MINI_PATH
from strategies import NOT_A_DATE_TIME, mutated, payloads

if TYPE_CHECKING:
    from collections.abc import Callable

#: Examples per differential test: at least a few hundred, more under a longer profile.
EXAMPLES = max(500, settings().max_examples)

QUESTIONNAIRES = {
    "builtin": blunting.questionnaire(),
    "mini": blunting.load(MINI_PATH),
}


def authority(schema: dict[str, Any]) -> Draft202012Validator:
    """jsonschema's validator for ``schema``, as the library configures it."""
    registry = vocabulary_registry()
    if "$id" in schema:
        registry = registry.with_resource(
            schema["$id"], Resource.from_contents(schema, DRAFT202012)
        )
    return Draft202012Validator(schema, registry=registry, format_checker=FORMATS)


def compiled(schema: dict[str, Any]) -> Callable[[object], bool | None]:
    registry: Registry[Any] = Registry().with_resource(
        schema.get("$id", ""), Resource.from_contents(schema, DRAFT202012)
    )
    return compile_checker(
        schema,
        registry.resolver(base_uri=schema.get("$id", "")),
        Draft202012Validator.VALIDATORS,
        FORMATS.checkers,
        strict=True,  # a fault of the generated code raises, rather than hiding as undecided
    )


@pytest.mark.parametrize("name", QUESTIONNAIRES)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_the_compiled_verdict_is_jsonschemas(name: str, data: st.DataObject) -> None:
    q = QUESTIONNAIRES[name]
    payload = data.draw(mutated(q))
    expected = authority(q.schema).is_valid(payload)
    fast = q._checker.verdict(payload)  # noqa: SLF001 - the checker under test
    assert fast in (None, expected)
    assert (q.problems(payload) == ()) is expected


@pytest.mark.parametrize("name", QUESTIONNAIRES)
@settings(max_examples=EXAMPLES)
@given(data=st.data())
def test_every_valid_payload_is_decided_without_jsonschema(name: str, data: st.DataObject) -> None:
    q = QUESTIONNAIRES[name]
    payload = data.draw(payloads(q))
    assert q._checker.verdict(payload) is True  # noqa: SLF001 - the checker under test


class Answer(enum.IntEnum):
    SOME = 2


@pytest.mark.parametrize(
    ("answer", "valid", "decided"),
    [
        (2, True, True),
        (2.0, True, True),  # JSON Schema: 2.0 is an integer, and equals the option 2
        (-0.0, True, True),  # equals 0
        (True, False, True),  # true is not 1
        (2**64, False, True),
        (1e308, False, True),
        (math.nan, False, True),
        ("2", False, True),
        (Answer.SOME, True, False),  # not a JSON type: left to jsonschema, which accepts it
        ((2,), False, False),
    ],
)
def test_answers_at_the_edges(answer: object, valid: bool, decided: bool) -> None:  # noqa: FBT001
    q = blunting.questionnaire()
    payload = {"questionnaire": q.id, "version": q.version, "answers": {"crying_1": answer}}
    assert authority(q.schema).is_valid(payload) is valid
    assert q._checker.verdict(payload) is (valid if decided else None)  # noqa: SLF001
    assert (q.problems(payload) == ()) is valid


# -- any schema: the compiler against jsonschema -------------------------------

NAMES = ["a", "b", "c"]
PATTERNS = ["^a", "b$", "^[a-c]*$", r"\d", "a|b"]


def json_values() -> st.SearchStrategy[Any]:
    scalars = (
        st.none()
        | st.booleans()
        | st.integers(-3, 3)
        | st.sampled_from([2**64, 1.0, -0.0, 0.5, 1e308, math.nan, math.inf])
        | st.text(alphabet="abc1", max_size=3)
        | st.sampled_from(NAMES)
    )
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(st.sampled_from([*NAMES, "d"]), inner, max_size=3)
        ),
        max_leaves=8,
    )


def _scalar_consts() -> st.SearchStrategy[Any]:
    return st.none() | st.booleans() | st.integers(-2, 2) | st.sampled_from([1.0, "a", "b"])


def schemas(*, decidable: bool = False) -> st.SearchStrategy[Any]:
    """Schemas of the keywords the compiler knows, and (unless ``decidable``) some it does not.

    With ``decidable``, only what the compiler claims to decide, with
    well-formed values: no ``multipleOf`` or ``prefixItems`` (not compiled),
    no ``uniqueItems: true`` (decided over strings only), no ``const`` of an
    array (decided for scalars only), and no ``$ref`` that can lead back to
    itself (``#``, or from the definition it names).
    """
    types = st.sampled_from(["null", "boolean", "integer", "number", "string", "array", "object"])
    leaf_keywords: dict[str, st.SearchStrategy[Any]] = {
        "type": types | st.lists(types, min_size=1, max_size=3, unique=True),
        "const": _scalar_consts() | st.just([1, "a"]),
        "enum": st.lists(_scalar_consts(), min_size=1, max_size=4),
        "minimum": st.integers(-2, 2) | st.just(0.5),
        "maximum": st.integers(-2, 2),
        "exclusiveMinimum": st.integers(-2, 2),
        "exclusiveMaximum": st.just(1.5),
        "minLength": st.integers(0, 2),
        "maxLength": st.integers(0, 2),
        "pattern": st.sampled_from(PATTERNS),
        "format": st.sampled_from(["date-time", "no-such-format"]),
        "minItems": st.integers(0, 2),
        "maxItems": st.integers(0, 2),
        "uniqueItems": st.booleans(),
        "required": st.lists(st.sampled_from(NAMES), max_size=2, unique=True),
        "minProperties": st.integers(0, 2),
        "maxProperties": st.integers(0, 2),
        "multipleOf": st.just(2),  # not compiled: the checker must leave it undecided
        "title": st.just("an annotation"),
    }
    if decidable:
        del leaf_keywords["multipleOf"]
        leaf_keywords["const"] = _scalar_consts()
        leaf_keywords["uniqueItems"] = st.just(value=False)
    leaf: st.SearchStrategy[Any] = st.booleans() | st.fixed_dictionaries({}, optional=leaf_keywords)

    def nested(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        keywords: dict[str, st.SearchStrategy[Any]] = {
            "type": types,
            "properties": st.dictionaries(st.sampled_from(NAMES), inner, max_size=3),
            "additionalProperties": inner,
            "required": st.lists(st.sampled_from(NAMES), max_size=2, unique=True),
            "items": inner,
            "contains": inner,
            "minContains": st.integers(0, 2),
            "maxContains": st.integers(0, 2),
            "uniqueItems": st.booleans(),
            "allOf": st.lists(inner, min_size=1, max_size=2),
            "anyOf": st.lists(inner, min_size=1, max_size=3),
            "oneOf": st.lists(inner, min_size=1, max_size=3),
            "not": inner,
            "if": inner,
            "then": inner,
            "else": inner,
            "$ref": st.sampled_from(["#/$defs/d", "#"]),
            "prefixItems": st.lists(inner, max_size=1),  # not compiled
        }
        if decidable:
            del keywords["prefixItems"]
            keywords["uniqueItems"] = st.just(value=False)
            keywords["$ref"] = st.just("#/$defs/d")
        return st.fixed_dictionaries({}, optional=keywords)

    return st.recursive(leaf, nested, max_leaves=6)


def _document(schema: Any, definition: Any) -> dict[str, Any]:
    """A drawn schema (an object or a boolean) as a document, ``definition`` at ``#/$defs/d``."""
    document: dict[str, Any] = {"$defs": {"d": definition}}
    if isinstance(schema, dict):
        document.update(schema)
    elif schema is False:
        document["not"] = {}
    return document


@settings(max_examples=EXAMPLES)
@given(schema=schemas(), definition=schemas(), instances=st.lists(json_values(), max_size=4))
def test_any_schema_compiles_to_jsonschemas_verdict(
    schema: Any, definition: Any, instances: list[Any]
) -> None:
    document = _document(schema, definition)
    checker = compiled(document)
    validator = authority(document)
    for instance in instances:
        try:
            expected = validator.is_valid(instance)
        except BaseException as error:  # a "$ref": "#" loop without a way out
            # jsonschema runs out of stack: a RecursionError, or a panic of
            # referencing's Rust core (not an Exception) while it unwinds.
            if not isinstance(error, RecursionError) and type(error).__name__ != "PanicException":
                raise
            continue
        assert checker(instance) in (None, expected), instance


@settings(max_examples=EXAMPLES)
@given(
    schema=schemas(decidable=True),
    definition=schemas(decidable=True).filter(lambda d: "$ref" not in json.dumps(d)),
    instances=st.lists(json_values(), max_size=4),
)
def test_a_schema_the_compiler_claims_is_always_decided(
    schema: Any, definition: Any, instances: list[Any]
) -> None:
    """No value of a JSON type is left undecided by keywords the compiler handles.

    Were the generated code of a keyword to fail (and the verdict to fall back
    to jsonschema), this fails: the verdict is compiled strictly here, so an
    exception raises, and "undecided" is an error.
    """
    document = _document(schema, definition)
    checker = compiled(document)
    validator = authority(document)
    for instance in instances:
        assert checker(instance) is validator.is_valid(instance), instance


def test_a_keyword_the_compiler_lacks_leaves_the_verdict_to_jsonschema() -> None:
    checker = compiled({"type": "integer", "multipleOf": 2})
    assert checker(3) is None
    assert checker("3") is None  # the whole schema object is left undecided


def test_values_of_no_json_type_are_left_to_jsonschema() -> None:
    checker = compiled({"type": "array"})
    assert checker([1]) is True
    assert checker((1,)) is None
    assert checker({1}) is None


def test_recursion_deeper_than_python_allows_is_left_to_jsonschema() -> None:
    checker = compiled({"items": {"$ref": "#"}})
    deep: list[Any] = []
    for _ in range(sys.getrecursionlimit() * 2):
        deep = [deep]
    assert checker(deep) is None
    assert checker([[[]]]) is True


# -- date-time -------------------------------------------------------------------


def rfc3339(text: str) -> bool:
    """jsonschema's own date-time check, less the trailing newline it let through."""
    return validate_rfc3339(text.upper()) and not text.endswith("\n")


def date_time_texts() -> st.SearchStrategy[str]:
    digit = st.sampled_from("0123456789")
    part = st.one_of(
        st.sampled_from(["2026", "2024", "1900", "0000", "9999", "20٢6"]),
        st.sampled_from(["-", "T", "t", "Z", "z", ":", ".", "+", " ", "\n", "\u017f", "\u0131"]),
        st.sampled_from(["02-29", "02-30", "04-31", "12-31", "13-01", "00-10", "01-00"]),
        st.sampled_from(["24:00:00", "23:59:60", "10:00:00", "00:00:00"]),
        st.sampled_from(["+05:30", "-00:00", "+24:00", "Z", "z"]),
        st.lists(digit, min_size=1, max_size=3).map("".join),
    )
    return st.lists(part, max_size=12).map("".join) | st.text(max_size=30)


@settings(max_examples=EXAMPLES)
@given(text=date_time_texts())
def test_date_time_is_rfc3339_validators_verdict(text: str) -> None:
    assert is_date_time(text) is rfc3339(text)


@pytest.mark.parametrize(
    "text",
    ["2024-02-29T10:00:00Z", "2026-03-01t10:00:00z", "2026-03-01T10:00:00.123456-07:00"],
)
def test_date_times_that_exist(text: str) -> None:
    assert is_date_time(text) is rfc3339(text) is True


@pytest.mark.parametrize("text", NOT_A_DATE_TIME)
def test_not_date_times(text: str) -> None:
    assert is_date_time(text) is rfc3339(text) is False


def test_only_t_and_z_upper_case_into_a_date_time_character() -> None:
    """Why the date-time pattern may take ``[Tt]`` and ``[Zz]`` instead of upper-casing."""
    alphabet = set("0123456789-:.+TZ")
    found = [
        character
        for character in map(chr, range(sys.maxunicode + 1))
        if character not in alphabet and set(character.upper()) <= alphabet
    ]
    assert found == ["t", "z"]


def test_date_time_passes_non_strings_as_json_schema_says() -> None:
    assert is_date_time(20260301) is True
    assert is_date_time(None) is True


@pytest.mark.parametrize(
    "schema",
    [
        {"type": 5},
        {"type": ["integer", "nope"]},
        {"minimum": "0"},
        {"minimum": True},
        {"minLength": -1},
        {"maxItems": 1.5},
        {"enum": "a"},
        {"oneOf": []},
        {"anyOf": "x"},
        {"$ref": 5},
        {"$ref": "#/nowhere"},
        {"pattern": 5},
        {"pattern": "("},
        {"uniqueItems": "yes"},
        {"contains": {}, "minContains": -1},
        {"contains": {}, "maxContains": "x"},
        {"required": "a"},
        {"properties": []},
    ],
)
def test_a_schema_object_the_compiler_cannot_read_is_left_to_jsonschema(
    schema: dict[str, Any],
) -> None:
    checker = compiled(schema)
    for instance in (None, 1, "a", [1], {"a": 1}):
        assert checker(instance) is None


def test_a_nested_id_leaves_what_it_covers_to_jsonschema() -> None:
    checker = compiled({"items": {"$id": "https://example.org/inner", "type": "integer"}})
    assert checker([1]) is None
    assert checker(None) is True  # "items" does not apply: nothing nested is reached


#: Closed objects whose members allow different option sets, and values at their edges.
_DIFFERENT_OPTION_SETS: list[tuple[dict[str, Any], tuple[Any, ...]]] = [
    (
        {
            "properties": {"a": {"enum": [1, None]}, "b": {"enum": [1, None, "x"]}},
            "additionalProperties": False,
        },
        (
            {"a": 1, "b": None},
            {"a": 1, "b": "x"},
            {"a": "x"},
            {"a": 1, "c": 1},
            {"b": True},
            {"b": 1.0},
            {},
        ),
    ),
    (  # option sets with nothing in common
        {"properties": {"a": {"enum": [1]}, "b": {"enum": [2]}}, "additionalProperties": False},
        ({"a": 1, "b": 2}, {"a": 2}, {"b": 1}),
    ),
]


@pytest.mark.parametrize(
    ("schema", "instance"),
    [
        ({"format": "ipv4"}, "10.0.0.1"),  # a format whose check raises on failure
        ({"format": "ipv4"}, "10.0.0.300"),
        ({"format": "regex"}, "("),
        ({"contains": {"const": "a"}, "minContains": 2}, ["a", "b", "a"]),
        ({"contains": {"const": "a"}, "minContains": 2, "maxContains": 2}, ["a", "a", "a"]),
        ({"contains": {"const": "a"}, "minContains": 2}, ["a", 1.5]),
        (
            {
                "properties": {"a": {"enum": [2.0, None]}, "b": {"enum": [2.0, None]}},
                "additionalProperties": False,
            },
            {"a": 2, "b": None},
        ),
        (
            {
                "properties": {"a": {"enum": [2.0, None]}, "b": {"enum": [2.0, None]}},
                "additionalProperties": False,
            },
            {"a": 3, "c": None},
        ),
        *(  # members whose option sets differ: at once when in every set, else one by one;
            # and the same under not
            (wrap(schema), value)
            for wrap in (lambda schema: schema, lambda schema: {"not": schema})
            for schema, values in _DIFFERENT_OPTION_SETS
            for value in values
        ),
        ({"if": {"type": "string"}, "then": {"minLength": 2}, "else": {"minimum": 3}}, 2),
        ({"if": {"type": "string"}, "else": {"minimum": 3}}, "a"),
        ({"if": {"type": "string"}}, 1),
        (
            {"additionalProperties": {"type": "integer"}, "properties": {"a": {}}},
            {"a": "x", "b": 1},
        ),
        ({"additionalProperties": {"type": "integer"}}, {"b": "x"}),
        ({"additionalProperties": False}, {}),
        ({"additionalProperties": False}, {"a": 1}),
        ({"items": False}, [1]),
        ({"not": {"type": "integer"}}, 1),
        *(
            ({"anyOf": [{"contains": {"const": "a"}}, {"contains": {"enum": ["b", 1]}}]}, value)
            for value in (["c", 1], ["c"], [2.5, "a"], [1.0], "x", [])
        ),
        ({"allOf": [{"type": "integer"}, {"minimum": 2}]}, 1),
    ],
)
def test_more_keywords_give_jsonschemas_verdict(schema: dict[str, Any], instance: object) -> None:
    verdict = compiled(schema)(instance)
    assert verdict is not None
    assert verdict is authority(schema).is_valid(instance)


def test_deeply_nested_schemas_are_checked_by_functions_of_their_own() -> None:
    schema: dict[str, Any] = {"type": "integer"}
    instance: Any = 1
    for _ in range(10):
        schema = {"type": "object", "properties": {"a": schema}, "required": ["a"]}
        instance = {"a": instance}
    checker = compiled(schema)
    assert checker(instance) is True
    assert checker(json.loads(json.dumps(instance).replace("1", '"1"'))) is False
