"""The one checker of an instance against a schema: the verdict once, then limits, then why.

1. The compiled verdict (``_keywords.compile_checker``) decides nearly every
   instance, valid or not, at a fraction of jsonschema's cost. It runs once.
2. An instance it does not pass is held to the limits on a payload's shape
   (``_limits``), which bound the work of step 3.
3. jsonschema explains what is wrong (``_explain``): every problem, at its
   JSON Pointer. An undecided instance that jsonschema finds valid has none.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from jsonschema import Draft202012Validator

from blunting._schema._explain import Validators, explain
from blunting._schema._formats import FORMATS
from blunting._schema._keywords import compile_checker
from blunting._schema._limits import beyond_limits

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from referencing.jsonschema import SchemaRegistry

    from blunting._errors import Problem
    from blunting._schema._compiler import Verdict

#: When this environment variable is ``1``, the compiled verdict lets an
#: exception of its own code propagate instead of leaving the instance to
#: jsonschema: the tests set it, so that a fault there fails them rather than
#: hiding behind jsonschema's slower, correct verdict.
STRICT_ENVIRONMENT = "BLUNTING_STRICT_CHECKER"


class Checker:
    """A schema, ready to check instances: see the module's docstring.

    With ``limits`` (payloads), an instance past the limits on a payload's
    shape gets a problem for each place it goes past them, and is not
    explained further; without (questionnaire documents), it is explained.
    """

    def __init__(
        self, schema: Mapping[str, Any], registry: SchemaRegistry, *, limits: bool = True
    ) -> None:
        #: The compiled verdict: ``True``, ``False``, or ``None`` when undecided.
        self.verdict: Callable[[object], Verdict] = compile_checker(
            schema,
            registry.resolver(base_uri=schema.get("$id", "")),
            Draft202012Validator.VALIDATORS,
            FORMATS.checkers,
            strict=os.environ.get(STRICT_ENVIRONMENT) == "1",
        )
        self._validators = Validators(schema, registry)
        self._limits = limits

    def problems(self, instance: object) -> tuple[Problem, ...]:
        """Every problem with ``instance``, most relevant first; empty when it is valid."""
        if self.verdict(instance) is True:
            return ()
        return self.explain(instance)

    def explain(self, instance: object) -> tuple[Problem, ...]:
        """The problems of an instance that :attr:`verdict` did not pass; empty if none.

        Call it only after the verdict, which it does not ask again.
        """
        if self._limits:
            found = beyond_limits(instance)
            if found:
                return found
        return explain(self._validators, instance)
