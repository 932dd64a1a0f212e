"""Text: strict JSON, descriptions for messages, generated code, the bounded memo, times.

The lowest layer: it imports nothing else of blunting.
"""

from blunting._text._codegen import define
from blunting._text._describe import describe, nearest, pointer
from blunting._text._json import (
    MAX_DEPTH,
    MAX_TEXT_BYTES,
    JSONTextError,
    loads,
    orjson_module,
)
from blunting._text._memo import Memo
from blunting._text._time import moment

__all__ = [
    "MAX_DEPTH",
    "MAX_TEXT_BYTES",
    "JSONTextError",
    "Memo",
    "define",
    "describe",
    "loads",
    "moment",
    "nearest",
    "orjson_module",
    "pointer",
]
