r"""Which regular expressions a questionnaire may use: ones every language reads alike, quickly.

A ``pattern`` is matched by Python's ``re`` here, by ECMA-262 in a browser's
Ajv, by Rust's engine in jsonschema-rs. They agree only on a common subset,
and a backtracking engine can take time that grows exponentially (``(a+)+``)
or as a power (``a*a*``) of a string's length. A pattern is therefore read
here, without running it, and refused unless:

- it starts with ``^``, so that it is tried at one place only;
- it uses only what the three read alike: literal characters, escapes of
  syntax characters, ``\n`` ``\r`` ``\t`` ``\f`` ``\v`` ``\xHH`` ``\uHHHH``,
  classes such as ``[a-z0-9_]`` (and ``[\s\S]``, any character), groups
  ``(...)`` and ``(?:...)``, look-aheads ``(?=...)`` and ``(?!...)``, ``|``, and
  repetition ``*`` ``+`` ``?`` ``{m}`` ``{m,}`` ``{m,n}`` (n at most 1,000);
  not ``.``, ``$``, ``\d``, ``\w``, ``\b``, ``\s`` alone, back-references,
  look-behinds, flags or named groups, whose meaning differs;
- nothing that repeats more than once holds a repetition or a ``|``;
- at most one repetition is open-ended, and the bounded ones together allow
  at most a million ways to match.

See docs/vocabulary.md.
"""

from __future__ import annotations

import re

import attrs

#: The largest bound of a repetition.
_LARGEST_BOUND = 1_000
#: The most ways that the bounded repetitions of a pattern may match, together.
_MOST_WAYS = 1_000_000
_BOUNDS = re.compile(r"\{([0-9]+)(?:(,)([0-9]*))?\}")
_HEX = re.compile(r"[0-9A-Fa-f]+")
#: Characters that ECMA-262 (with the u flag) lets a backslash escape as themselves.
_SYNTAX = frozenset("^$\\.*+?()[]{}|/")
_CONTROL = frozenset("nrtfv")
_UNICODE_CLASSES = frozenset("dDwWbBsS")


class _Refused(Exception):
    """Why a pattern is refused: raised out of the reader."""


@attrs.frozen
class _Shape:
    """What a piece of a pattern holds: a repetition, a ``|``."""

    repeats: bool = False
    alternatives: bool = False
    lookaround: bool = False


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0
        self.open_ended = 0
        self.ways = 1

    def peek(self) -> str:
        return self.text[self.at : self.at + 1]

    def take(self) -> str:
        char = self.peek()
        self.at += 1
        return char

    def refuse(self, reason: str) -> _Refused:
        return _Refused(f"{reason} (at character {self.at})")

    def pattern(self) -> None:
        if not self.text.startswith("^"):
            raise _Refused(
                "a pattern must start with ^, so that it is tried from the start of a value only"
            )
        self.at = 1
        self.sequence()
        if self.peek() == "|":
            raise self.refuse(
                "a | outside a group lets what follows it match anywhere: group the "
                "alternatives, as in ^(?:a|b)"
            )
        if self.at < len(self.text):
            raise self.refuse(f"{self.peek()!r} closes nothing")
        if self.open_ended > 1:
            raise _Refused(
                "more than one open-ended repetition (*, + or {m,}): matching could take "
                "time that grows as a power of the value's length"
            )
        if self.ways > _MOST_WAYS:
            raise _Refused(
                f"its bounded repetitions allow more than {_MOST_WAYS:,} ways to match together"
            )

    def alternatives(self) -> _Shape:
        shapes = [self.sequence()]
        while self.peek() == "|":
            self.at += 1
            shapes.append(self.sequence())
        return _Shape(
            repeats=any(shape.repeats for shape in shapes),
            alternatives=len(shapes) > 1 or any(shape.alternatives for shape in shapes),
        )

    def sequence(self) -> _Shape:
        repeats = alternatives = False
        while self.peek() not in ("", "|", ")"):
            shape = self.atom()
            bounds = self.repetition()
            if bounds is not None:
                low, high = bounds
                if shape.lookaround:
                    raise self.refuse("a look-ahead cannot repeat")
                if (high is None or high > 1) and (shape.repeats or shape.alternatives):
                    raise self.refuse(
                        "a repeated group holds a repetition or a |: matching could take "
                        "time that grows exponentially with the value's length"
                    )
                if high is None:
                    self.open_ended += 1
                else:
                    self.ways *= high - low + 1
                repeats = True
            repeats = repeats or shape.repeats
            alternatives = alternatives or shape.alternatives
        return _Shape(repeats=repeats, alternatives=alternatives)

    def atom(self) -> _Shape:
        char = self.take()
        if char == "(":
            return self.group()
        if char == "[":
            self.character_class()
        elif char == "\\":
            self.escape(in_class=False)
        elif char == ".":
            raise self.refuse(
                ". matches different characters in different languages: name them in a class"
            )
        elif char == "$":
            raise self.refuse(
                "$ also matches before a final newline in some languages: end with (?![\\s\\S])"
            )
        elif char in "^*+?{}]":
            raise self.refuse(f"{char} must be escaped here")
        return _Shape()

    def group(self) -> _Shape:
        lookaround = False
        if self.text.startswith("?:", self.at):
            self.at += 2
        elif self.text.startswith(("?=", "?!"), self.at):
            self.at += 2
            lookaround = True
        elif self.peek() == "?":
            raise self.refuse(
                "only (?:, (?= and (?! may follow ( : look-behinds, flags and named "
                "groups are read differently in different languages"
            )
        shape = self.alternatives()
        if self.take() != ")":
            raise self.refuse("a ( is not closed")
        return attrs.evolve(shape, lookaround=lookaround)

    def repetition(self) -> tuple[int, int | None] | None:
        char = self.peek()
        bounds: tuple[int, int | None]
        if char in ("*", "+", "?"):
            self.at += 1
            bounds = {"*": (0, None), "+": (1, None), "?": (0, 1)}[char]
        elif char == "{":
            match = _BOUNDS.match(self.text, self.at)
            if match is None:
                raise self.refuse("a { that does not start a repetition must be escaped")
            self.at = match.end()
            low_text, comma, high_text = match.groups()
            if len(low_text) > 4 or len(high_text or "") > 4:
                raise self.refuse(f"a repetition may be at most {_LARGEST_BOUND:,}")
            low = int(low_text)
            high = low if comma is None else int(high_text) if high_text else None
            if max(low, high or 0) > _LARGEST_BOUND:
                raise self.refuse(f"a repetition may be at most {_LARGEST_BOUND:,}")
            if high is not None and high < low:
                raise self.refuse("a repetition's bounds are the wrong way round")
            bounds = (low, high)
        else:
            return None
        if self.peek() == "?":
            self.at += 1  # lazy: the same in every language
        if self.peek() in ("*", "+", "?", "{"):
            raise self.refuse("a repetition cannot itself repeat")
        return bounds

    def escape(self, *, in_class: bool) -> None:
        char = self.take()
        if char in _SYNTAX or char in _CONTROL or (in_class and char == "-"):
            return
        if char in ("x", "u"):
            digits = 2 if char == "x" else 4
            if not _HEX.fullmatch(self.text[self.at : self.at + digits]) or (
                len(self.text) < self.at + digits
            ):
                raise self.refuse(f"\\{char} must be followed by {digits} hexadecimal digits")
            self.at += digits
            return
        if char == "":
            raise self.refuse("a pattern cannot end in a lone backslash")
        if char in _UNICODE_CLASSES:
            raise self.refuse(
                f"\\{char} means different characters in different languages: "
                "name them in a class, such as [0-9]"
            )
        raise self.refuse(f"\\{char} is not read alike in every language")

    def character_class(self) -> None:
        if self.text.startswith("\\s\\S]", self.at):
            self.at += 5  # [\s\S]: any character, in every language
            return
        if self.peek() == "^":
            self.at += 1
        if self.peek() == "]":
            raise self.refuse("an empty class [] is read differently in different languages")
        while (char := self.take()) != "]":
            if char == "":
                raise self.refuse("a [ is not closed")
            if char == "[" or self.text.startswith(("--", "&&", "~~", "||"), self.at - 1):
                raise self.refuse(
                    f"{char!r} in a class means a set operation in some languages: escape it"
                )
            if char == "\\":
                self.escape(in_class=True)


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` may not be used in a questionnaire, or ``None`` when it may."""
    try:
        _Reader(pattern).pattern()
    except _Refused as refused:
        return str(refused)
    return None


# --- the same test in RE2 ----------------------------------------------------------------

#: The look-ahead that says "here the value ends", in pieces; RE2 says ``\\z``.
_END = ["(", "?", "!", "[\\s\\S]", ")"]
_LOOK_AHEADS = (["(", "?", "="], ["(", "?", "!"])


def _escape(pattern: str, at: int) -> tuple[str, int]:
    r"""The escape at ``pattern[at]`` in RE2 (``\uHHHH`` as ``\x{HHHH}``), and where it ends."""
    if pattern.startswith("u", at + 1):
        return "\\x{" + pattern[at + 2 : at + 6] + "}", at + 6
    return pattern[at : at + 2], at + 2


def _tokens(pattern: str) -> list[str]:
    """``pattern`` in pieces, as RE2 writes them: an escape, a whole class, or a character."""
    pieces: list[str] = []
    at = 0
    while at < len(pattern):
        char = pattern[at]
        if char == "\\":
            piece, at = _escape(pattern, at)
            pieces.append(piece)
        elif char == "[":
            text = ["[^"] if pattern.startswith("^", at + 1) else ["["]
            at += len(text[0])
            while pattern[at] != "]":
                if pattern[at] == "\\":
                    piece, at = _escape(pattern, at)
                else:
                    piece, at = pattern[at], at + 1
                text.append(piece)
            pieces.append("".join(text) + "]")
            at += 1
        else:
            pieces.append(char)
            at += 1
    return pieces


def _closing(pieces: list[str], start: int) -> int:
    """Where the group opened at ``pieces[start]`` closes."""
    depth = 0
    for at in range(start, len(pieces)):
        depth += {"(": 1, ")": -1}.get(pieces[at], 0)
        if depth == 0:
            return at
    raise ValueError("unbalanced")  # pragma: no cover - the pattern was read before


def re2_parts(pattern: str) -> tuple[tuple[str, bool], ...] | None:
    r"""``pattern`` (one that ``pattern_problem`` allows) as RE2 patterns that say the same.

    RE2, the engine of Arrow's string functions, has no look-ahead. A value
    matches ``pattern`` exactly when each RE2 pattern returned matches it
    (``True``) or does not (``False``). The look-ahead ``(?![\s\S])`` is
    RE2's ``\z``; look-aheads just after the leading ``^`` become patterns of
    their own. ``None`` when some other look-ahead has no RE2 equivalent.
    """
    pieces = _tokens(pattern)
    for at in reversed(range(len(pieces))):
        if pieces[at : at + 5] == _END:
            pieces[at : at + 5] = ["\\z"]
    parts: list[tuple[list[str], bool]] = []
    at = 1
    while pieces[at : at + 3] in _LOOK_AHEADS:
        end = _closing(pieces, at)
        parts.append((["(?:", *pieces[at + 3 : end], ")"], pieces[at + 2] == "="))
        at = end + 1
    parts.append((pieces[at:], True))
    if any(p[i : i + 3] in _LOOK_AHEADS for p, _ in parts for i in range(len(p))):
        return None
    return tuple(("^" + "".join(p), holds) for p, holds in parts)
