"""Outputs of the command line: files replaced all at once, and the formats of scores.

A score is written as JSON by the scoring layer's one writer; here it is put
one a line (``jsonl``), in one array (``json``), or as a CSV row (``csv``).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import tempfile
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from blunting import _questionnaire
from blunting._cli._inputs import UsageError
from blunting._scoring import RESULT_FIELDS, score_columns
from blunting._text import Memo

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from blunting._scoring import DomainScore

#: What the ``score`` command can write; ``table`` is for people, at a terminal.
FORMATS = ("jsonl", "json", "csv", "table")

#: What a task made of one response, with where it came from: its line (or
#: row, or place in an array), the REDCap event columns of its row (``None``
#: when not from a REDCap export), and the result.
Made = tuple[int, "Mapping[str, str | None] | None", Any]


def standing(result: DomainScore, unscored: Sequence[str] = ()) -> str:
    """How a domain's or the total's score was reached, in plain words ("" when measured).

    An estimated (prorated) score says from how many answers; an unscored one
    why: for the total, the titles of the domains that were not scored
    (``unscored``), as the total needs every domain.
    """
    if result.status == "insufficient_answers":
        return f"not scored: {result.answered} of {result.items} answered, too few"
    if result.status == "unscorable_domains":
        if not unscored:
            return "not scored: a domain could not be scored"
        names = " and ".join([", ".join(unscored[:-1]), unscored[-1]] if unscored[1:] else unscored)
        return f"not scored, as {names} {'were' if unscored[1:] else 'was'} not scored"
    if result.prorated:
        return f"estimated from {result.answered} of {result.items} answers"
    return ""


def _json(value: str | int | None) -> str:
    return json.dumps(value, ensure_ascii=False)


def json_lines(source: str, made: list[Made]) -> bytes:
    """Score records, one a line: a score's JSON text, led by where it came from.

    ``source`` and ``line`` come first, then a REDCap row's event columns, then
    the score's members as ``Score.to_json()`` writes them.
    """
    if not made:
        return b""
    head = f'{{"source":{_json(source)},"line":'
    lines = [
        f"{head}{number},{_json_events(where) if where else ''}{text[1:]}"
        for number, where, text in made
    ]
    return ("\n".join(lines) + "\n").encode()


def _json_events(where: Mapping[str, str | None]) -> str:
    """A REDCap row's event columns as JSON members, each followed by a comma."""
    return "".join(f"{_json(k)}:{_json(v)}," for k, v in where.items())


@functools.cache
def csv_domains() -> tuple[str, ...]:
    """The domain ids that have CSV columns: of every built-in questionnaire, in order."""
    found: dict[str, None] = {}
    for q in _questionnaire.builtins():
        found.update(dict.fromkeys(d.id for d in q.domains))
    return tuple(found)


def _event_columns() -> tuple[str, ...]:
    """The event columns of a REDCap export, carried into the CSV of its scores."""
    from blunting._interchange import EVENT_COLUMNS  # noqa: PLC0415 - REDCap inputs only

    return EVENT_COLUMNS


def csv_header(*, events: bool = False) -> str:
    """The CSV output's header row: its columns are documented in docs/command-line.md, and stable.

    ``events``: the input is REDCap exports, whose event columns follow ``line``.
    """
    columns = ["source", "line", *(_event_columns() if events else ())]
    columns += score_columns(csv_domains())
    return ",".join(columns) + "\r\n"


def _field(value: str | None) -> str:
    """A CSV field: empty for null; quoted (RFC 4180) when it holds a comma, quote or newline.

    As the csv module writes it (``tests/cli/test_batch.py`` holds the two
    alike); written here because a row's other cells are joined once, below.
    """
    if value is None:
        return ""
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def _result_fields(result: DomainScore | None) -> str:
    """A domain's or the total's six CSV fields, joined: numbers, words, or empty."""
    if result is None:
        return "," * (len(RESULT_FIELDS) - 1)
    values = (getattr(result, column) for column in RESULT_FIELDS)
    return ",".join(
        "" if v is None else ("true" if v else "false") if type(v) is bool else str(v)
        for v in values
    )


#: The results' fields of a row, by questionnaire and results text: results
#: repeat, so each is written once.
_RESULT_FIELDS: Memo[tuple[str, str, str], str] = Memo()


def csv_row(payload: object, *, valid: bool = False) -> str:
    """The CSV row of a payload's score (see :func:`csv_header`), ending in CRLF.

    Made without making the :class:`Score`: from the remembered results of
    the payload's answers, which are the score's. ``valid``: the payload was
    checked already, and is not checked again.
    """
    q = _questionnaire.dispatch(payload)
    checked, results, impact = _questionnaire.results(q, payload, valid=valid)
    remembered = (q.id, q.version, results.text)
    fields = _RESULT_FIELDS.get(remembered)
    if fields is None:
        fields = _RESULT_FIELDS.remember(
            remembered,
            ",".join(
                [
                    *(_result_fields(results.domains.get(d)) for d in csv_domains()),
                    _result_fields(results.total),
                ]
            ),
        )
    return (
        f"{_field(checked.get('respondent'))},{_field(checked.get('completed'))},"
        f"{_field(q.id)},{_field(q.version)},{fields},"
        f"{'' if impact is None else impact}\r\n"
    )


def csv_lines(source: str, made: list[Made]) -> bytes:
    """CSV rows, each ending in CRLF, as UTF-8, led by where each came from."""
    head = _field(source)
    return "".join(
        f"{head},{number}{'' if where is None else _csv_events(where)},{row}"
        for number, where, row in made
    ).encode()


def _csv_events(where: Mapping[str, str | None]) -> str:
    """A REDCap row's event cells, each led by a comma, in the header's order."""
    return "".join(f",{_field(where.get(column))}" for column in _event_columns())


class JSONArray:
    """Writes JSON lines out as one JSON array, one element a line."""

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._first = True
        out.write(b"[\n")

    def write(self, lines: bytes) -> None:
        """Add the JSON texts of ``lines`` (each ending in a newline) to the array."""
        if not lines:
            return
        if not self._first:
            self._out.write(b",\n")
        self._first = False
        # a JSON text written compactly holds no raw newline: each is a separator
        self._out.write(lines[:-1].replace(b"\n", b",\n"))

    def close(self) -> None:
        """End the array."""
        self._out.write(b"\n]\n" if not self._first else b"]\n")


@contextlib.contextmanager
def atomic(path: str | None, standard: BinaryIO) -> Iterator[BinaryIO]:
    """Write to ``path`` all at once, or to ``standard`` when ``path`` is ``None``.

    The text goes to a temporary file beside ``path``, which replaces
    ``path`` only when everything was written: on an error or Ctrl-C the
    temporary file is removed, and ``path`` is left as it was.
    """
    if path is None:
        yield standard
        standard.flush()
        return
    target = Path(path)
    descriptor, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".part"
    )
    try:
        with os.fdopen(descriptor, "wb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        umask = os.umask(0)
        os.umask(umask)
        Path(temporary).chmod(0o666 & ~umask)
        Path(temporary).replace(target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def writable(path: str | None) -> str | None:
    """Why an output file cannot be written, or ``None``: asked before any work."""
    if path is None:
        return None
    target = Path(path)
    if target.is_dir():
        return f"cannot write {path}: Is a directory"
    if not target.parent.is_dir():
        return f"cannot write {path}: No such directory {str(target.parent)!r}"
    if not os.access(target.parent, os.W_OK):
        return f"cannot write {path}: Permission denied"
    return None


# -- a table for people, at a terminal ---------------------------------------------------

#: Widths of the table's first columns: where a response came from, and its date.
_WHO, _DATE = 24, 10
#: Marks after a scaled score: estimated from fewer answers than items.
ESTIMATED = "*"
#: What stands for a score that could not be computed.
UNSCORED = "-"


def _columns() -> list[tuple[str, int]]:
    return [(part, max(len(part), 6)) for part in (*csv_domains(), "total")]


def table_header() -> str:
    """The table's heading row, and a rule under it."""
    cells = [f"{'respondent or line':<{_WHO}}", f"{'completed':<{_DATE}}"]
    cells += (f"{part:>{width}} " for part, width in _columns())
    head = "  ".join(cells).rstrip()
    return f"{head}\n{'-' * len(head)}\n"


def table_legend() -> str:
    """What the table's numbers mean, under it, wrapped to 78 columns."""
    words = (
        "Scores run from 0 to 100 (scaled): 0 is none of these changes, 100 the most the "
        "questionnaire can show; higher means more emotional blunting. "
        f"{ESTIMATED} estimated from fewer answers than items; {UNSCORED} not scored (too few "
        "answers; the total, when a domain is not scored). A score is not a diagnosis: there "
        "are no cut-offs."
    )
    return "\n" + textwrap.fill(words, 78) + "\n"


def _cell(result: DomainScore | None, width: int) -> str:
    if result is None or result.scaled is None:
        return f"{UNSCORED:>{width}} "
    return f"{result.scaled:>{width}.1f}{ESTIMATED if result.prorated else ' '}"


def _clipped(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def table_lines(source: str, made: list[Made]) -> bytes:
    """Rows of the table for people: who or where, the date, each scaled score, marked."""
    rows = []
    for number, _, score in made:
        who = score.respondent if score.respondent is not None else f"{source}:{number}"
        date = (score.completed or "")[:_DATE]
        cells = [f"{_clipped(who, _WHO):<{_WHO}}", f"{date:<{_DATE}}"]
        results = {**score.domains, "total": score.total}
        cells += (_cell(results.get(part), width) for part, width in _columns())
        rows.append("  ".join(cells).rstrip() + "\n")
    return "".join(rows).encode()


class ParquetScores:
    """Tables' scores, written to a Parquet file a batch at a time.

    Each row is a row of the tables read, in order: ``source`` and ``line``,
    then the columns of ``blunting.tables.score`` (the kept ones, the scores,
    ``valid`` and ``problems``): nothing is left out, so a study joins back.
    """

    def __init__(self, out: BinaryIO) -> None:
        self._out = out
        self._writer: Any = None

    def __call__(self, source: str, first: int, scores: Any) -> None:
        import pyarrow as pa  # noqa: PLC0415 - only tables' scores are Parquet
        import pyarrow.parquet as pq  # noqa: PLC0415

        count = scores.num_rows
        table = scores.add_column(0, "source", pa.array([source] * count, pa.string()))
        table = table.add_column(1, "line", pa.array(range(first, first + count), pa.int64()))
        if self._writer is None:
            self._writer = pq.ParquetWriter(self._out, table.schema)
        elif table.schema != self._writer.schema:
            message = "the tables' scores differ in their columns: write them to files of their own"
            raise UsageError(message)
        self._writer.write_table(table)

    def close(self) -> None:
        """Finish the file; with no rows, it has the columns of the latest's scores."""
        if self._writer is None:
            from blunting import _tables  # noqa: PLC0415

            empty = _tables.scores_schema(_questionnaire.builtin()).empty_table()
            self(source="", first=1, scores=empty)
        self._writer.close()
