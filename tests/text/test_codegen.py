"""Generated code keeps its source while it lives: tracebacks, pdb and inspect show it."""

from __future__ import annotations

import gc
import inspect
import linecache
import traceback

from blunting._text import define


def test_the_source_of_generated_code_is_shown_while_it_lives() -> None:
    source = "def broken(x):\n    return x['missing']\n"
    function = define(source, {}, "broken")
    assert inspect.getsource(function) == source
    try:
        function({})
    except KeyError as error:
        shown = "".join(traceback.format_exception(error))
    assert "return x['missing']" in shown
    filename = function.__code__.co_filename
    assert filename.startswith("<blunting generated broken ")
    del function
    gc.collect()
    assert filename not in linecache.cache  # let go with the function


def test_each_definition_has_a_file_of_its_own() -> None:
    one = define("def f():\n    return 1\n", {}, "f")
    two = define("def f():\n    return 2\n", {}, "f")
    assert one.__code__.co_filename != two.__code__.co_filename
    assert (inspect.getsource(one), inspect.getsource(two)) == (
        "def f():\n    return 1\n",
        "def f():\n    return 2\n",
    )


def test_a_compiled_verdict_can_be_read() -> None:
    import blunting  # noqa: PLC0415

    verdict = blunting.questionnaire()._checker.verdict  # noqa: SLF001 - the generated code
    assert inspect.getsource(verdict).startswith("def verdict(x):")
