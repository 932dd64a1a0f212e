"""The ``blunting`` command line: validate, score, schema, take, export, report and stats."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
from typing import TYPE_CHECKING, Any, BinaryIO

from blunting import _questionnaire
from blunting._cli import _batch, _outputs
from blunting._cli._inputs import UsageError
from blunting._cli._table_files import PARQUET_SUFFIXES
from blunting._errors import BluntingError
from blunting._version import __version__

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

#: Exit statuses: all valid; some input rejected; a usage or I/O error;
#: interrupted (128 + SIGINT, as shells report it).
OK, REJECTED, USAGE, INTERRUPTED = 0, 1, 2, 130

#: Processes for a long JSONL file, at most: each takes about 35 MB.
_MAX_DEFAULT_JOBS = 4


def _fail(message: str | None) -> None:
    if message is not None:
        raise UsageError(message)


def _tables_in(arguments: argparse.Namespace) -> bool:
    """Whether the inputs are tables: ``--from table``, or Parquet files (told by name)."""
    parquet = [f.lower().endswith(PARQUET_SUFFIXES) for f in arguments.files]
    if any(parquet) and arguments.source not in ("json", "table"):
        raise UsageError(f"a Parquet file is a table: it cannot be read --from {arguments.source}")
    if any(parquet) and not all(parquet) and arguments.source != "table":
        raise UsageError("Parquet files are tables: read CSV files with them --from table")
    return arguments.source == "table" or any(parquet)


def _run(
    task: str,
    arguments: argparse.Namespace,
    output: Callable[[_batch.Done], object],
    problems: BinaryIO,
    sink: Callable[[str, int, Any], object] | None = None,
) -> _batch.Counts:
    table = None
    if _tables_in(arguments):
        arguments.source = "table"
        version = getattr(arguments, "version", None)
        named = None if version is None else _questionnaire.builtin(version)
        table = _batch.TableRun(named, tuple(getattr(arguments, "keep", None) or ()), sink)
    elif getattr(arguments, "version", None) is not None:
        raise UsageError("--version names the questionnaire of a table: JSON responses name theirs")
    return _batch.run(
        task,
        _batch.sources(arguments.files),
        source_format=arguments.source,
        jobs=arguments.jobs,
        output=output,
        problems=problems,
        table=table,
    )


def _validate(arguments: argparse.Namespace) -> int:
    counts = _run("validate", arguments, lambda _done: None, sys.stdout.buffer)
    sys.stdout.flush()
    _summary(counts.summary("valid", "invalid"))
    return REJECTED if counts.status else OK


def _score(arguments: argparse.Namespace) -> int:
    _fail(_outputs.writable(arguments.output))
    _fail(_outputs.writable(arguments.rejects))
    parquet = arguments.output is not None and arguments.output.lower().endswith(PARQUET_SUFFIXES)
    if parquet and not _tables_in(arguments):
        raise UsageError(
            "a Parquet output holds the scores of tables: read Parquet files, "
            "or CSV files --from table"
        )
    if parquet and arguments.format is not None:
        raise UsageError("a .parquet output is Parquet: leave out --format")
    if arguments.keep and not parquet:
        raise UsageError(
            "--keep carries a table's columns into a Parquet output (--output FILE.parquet)"
        )
    sys.stdout.flush()
    with (
        _outputs.atomic(arguments.output, sys.stdout.buffer) as out,
        _outputs.atomic(arguments.rejects, sys.stderr.buffer) as rejects,
    ):
        if parquet:
            sink = _outputs.ParquetScores(out)
            counts = _run("validate", arguments, lambda _done: None, rejects, sink)
            sink.close()
        else:
            counts = _score_text(arguments, out, rejects)
    where = ""
    if counts.rejected:
        where = f" (see {arguments.rejects})" if arguments.rejects else " (problems above)"
    _summary(counts.summary("scored", "rejected") + where)
    return REJECTED if counts.status else OK


def _score_text(arguments: argparse.Namespace, out: BinaryIO, rejects: BinaryIO) -> _batch.Counts:
    """Scores as text: JSON lines, a JSON array, CSV, or the table for people."""
    write: Callable[[bytes], object] = out.write
    array = None
    if arguments.format is None:  # for people at a terminal, for programs otherwise
        terminal = arguments.output is None and sys.stdout.isatty()
        arguments.format = "table" if terminal else "jsonl"
    if arguments.format == "table":
        out.write(_outputs.table_header().encode())
    elif arguments.format == "csv":
        out.write(_outputs.csv_header(events=arguments.source == "redcap").encode())
    elif arguments.format == "json":
        array = _outputs.JSONArray(out)
        write = array.write
    counts = _run(arguments.format, arguments, lambda done: write(done.output), rejects)
    if array is not None:
        array.close()
    if arguments.format == "table":
        out.write(_outputs.table_legend().encode())
    return counts


def _export(arguments: argparse.Namespace) -> int:
    from blunting import _interchange  # noqa: PLC0415

    if arguments.url is not None and arguments.to != "fhir":
        raise UsageError("--url is the canonical URL of a FHIR Questionnaire: use it with fhir")
    _fail(_outputs.writable(arguments.output))
    found = _questionnaire.builtin(arguments.version)
    if arguments.to == "fhir":
        resource = _interchange.to_questionnaire(found, url=arguments.url)
        text = json.dumps(resource, indent=2, ensure_ascii=False) + "\n"
    else:
        text = _interchange.to_redcap_dictionary(found)
    with _outputs.atomic(arguments.output, sys.stdout.buffer) as out:
        out.write(text.encode())
    return OK


def _summary(text: str) -> None:
    sys.stderr.write(f"blunting: {text}\n")


def _schema(arguments: argparse.Namespace) -> int:
    found = _questionnaire.builtin(arguments.version)  # checks the version either way
    schema: Any = found.schema
    if arguments.which == "score":
        schema = _questionnaire.score_schema()
    sys.stdout.write(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
    return OK


def _take(arguments: argparse.Namespace) -> int:
    from blunting._cli._take import take  # noqa: PLC0415

    _fail(_outputs.writable(arguments.output))
    return take(arguments.version, arguments.output, arguments.respondent)


def _report(arguments: argparse.Namespace) -> int:
    from blunting._cli._report import report  # noqa: PLC0415

    _fail(_outputs.writable(arguments.output))
    arguments.jobs = 1  # the scores are kept, in this process
    return report(
        lambda store: _run("report", arguments, store, sys.stderr.buffer), arguments.output
    )


def _stats(arguments: argparse.Namespace) -> int:
    from blunting._cli import _stats_page  # noqa: PLC0415

    _fail(_outputs.writable(arguments.output))
    collected = _stats_page.Collected()
    arguments.jobs = 1  # the responses are kept, in this process
    sys.stdout.flush()
    counts = _run("stats", arguments, collected, sys.stderr.buffer)
    analysis = _stats_page.analysis_of(collected)
    _stats_page.write(analysis, arguments.output, arguments.format, counts.rejected)
    where = f" in {arguments.output}" if arguments.output else ""
    _summary(f"{counts.summary('valid', 'rejected')}; {analysis.used:,} used{where}")
    return REJECTED if counts.status else OK


def _default_jobs() -> int:
    return max(1, min(_MAX_DEFAULT_JOBS, os.cpu_count() or 1))


def _positive(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of processes")
    return number


_INPUTS_HELP = (
    "A .jsonl or .ndjson file holds one response a line; any other file holds one "
    "JSON response. '-' reads standard input: lines when its first line is a whole "
    "JSON object, else one JSON response."
)


def _files_and_jobs(command: argparse.ArgumentParser) -> None:
    command.add_argument("files", nargs="+", metavar="FILE", help="responses to read ('-': stdin)")
    command.add_argument(
        "--jobs",
        type=_positive,
        default=_default_jobs(),
        metavar="N",
        help="processes for a long JSONL file (default: the CPUs, at most "
        f"{_MAX_DEFAULT_JOBS}: %(default)s here)",
    )


def _from(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--from",
        dest="source",
        choices=("json", "redcap", "fhir", "table"),
        default="json",
        help="json: blunting's JSON responses (default); redcap: REDCap raw-data exports (CSV) "
        "of the instrument that 'blunting export redcap' makes, a response a row; fhir: FHIR "
        "R4 QuestionnaireResponses, one a file, a Bundle of them, or NDJSON (bulk export); "
        "table: Parquet or CSV files in the wide layout of docs/tables.md, a response a row "
        "(a .parquet file is read so without it; needs blunting[tables])",
    )


def _table_version(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--version",
        metavar="V",
        help="tables without questionnaire and version columns: the questionnaire version "
        "they answer",
    )


def _version_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--version", metavar="V", help="the questionnaire version (default: the latest)"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="blunting",
        description="Check, score and show emotional-blunting questionnaire responses. "
        "A score is not a diagnosis: the questionnaire has no validated cut-offs.",
        epilog="examples:\n  blunting score responses.jsonl --format csv --output scores.csv\n"
        "  blunting take --output me.json\n\n"
        "exit status: 0 all valid, 1 some input rejected, 2 usage or I/O error",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        # an option is its whole name: a new option never changes what another means
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"blunting {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str, description: str, example: str) -> Any:
        return commands.add_parser(
            name,
            help=summary,
            description=description,
            epilog=f"example:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
            allow_abbrev=False,
        )

    validator = command(
        "validate",
        "check responses, printing each problem",
        "Check each response in each FILE. Each problem is printed as "
        f"FILE:LINE: /json/pointer: message. {_INPUTS_HELP}",
        "blunting validate responses.jsonl",
    )
    _files_and_jobs(validator)
    _from(validator)
    _table_version(validator)
    validator.set_defaults(run=_validate)

    scorer = command(
        "score",
        "score responses",
        "Score each response in each FILE, in order. Rejected responses are reported as "
        "FILE:LINE: /json/pointer: message (to --rejects, or standard error), and a "
        f"summary closes the run. {_INPUTS_HELP}",
        "blunting score responses.jsonl --format csv --output scores.csv",
    )
    _files_and_jobs(scorer)
    scorer.add_argument(
        "--format",
        choices=_outputs.FORMATS,
        default=None,
        help="jsonl: a JSON score a line (the default, unless standard output is a terminal); "
        "json: one JSON array; csv: a row per response; table: scaled scores (0-100) for "
        "people (the default on a terminal). Each score starts with source and line. CSV "
        "columns: source, line (with --from redcap: redcap_event_name, "
        "redcap_repeat_instrument, redcap_repeat_instance), respondent, completed, "
        "questionnaire, version; for each domain and total: _raw, _mean, _scaled, _answered, "
        "_prorated, _status; impact",
    )
    _from(scorer)
    scorer.add_argument(
        "--output", metavar="FILE", help="write here, all at once (default: standard output)"
    )
    scorer.add_argument(
        "--rejects", metavar="FILE", help="write problems here (default: standard error)"
    )
    scorer.add_argument(
        "--keep",
        nargs="+",
        metavar="COLUMN",
        help="tables: carry these columns (ids, visit, arm) into a Parquet output, first",
    )
    _table_version(scorer)
    scorer.set_defaults(run=_score)

    schemas = command(
        "schema",
        "print a JSON Schema",
        "Print the JSON Schema (Draft 2020-12) of a response to the questionnaire, or of "
        "the score the library makes of one.",
        "blunting schema questionnaire --version 1.0.0",
    )
    schemas.add_argument(
        "which",
        nargs="?",
        choices=("questionnaire", "score"),
        default="questionnaire",
        help="which schema (default: questionnaire)",
    )
    _version_option(schemas)
    schemas.set_defaults(run=_schema)

    taker = command(
        "take",
        "answer the questionnaire here",
        "Answer the questionnaire in the terminal, one question at a time, and see your "
        "scores. Questions are asked on standard error; the answers are written as JSON "
        "to --output, or else to standard output. Answers can be piped in, one a line.",
        "blunting take --output me.json",
    )
    taker.add_argument("--output", metavar="FILE", help="save the answers here")
    taker.add_argument("--respondent", metavar="ID", help="an id to save with the answers")
    _version_option(taker)
    taker.set_defaults(run=_take)

    exporter = command(
        "export",
        "export the questionnaire to FHIR or REDCap",
        "Print the questionnaire as a FHIR R4 Questionnaire (JSON), with its scores as SDC "
        "calculated expressions, or as a REDCap data dictionary (CSV) to upload. See "
        "docs/fhir.md and docs/redcap.md.",
        "blunting export redcap --output blunting_dictionary.csv",
    )
    exporter.add_argument("to", choices=("fhir", "redcap"), help="the format")
    exporter.add_argument("--output", metavar="FILE", help="write here (default: standard output)")
    exporter.add_argument(
        "--url",
        metavar="URL",
        help="fhir: the canonical URL your app publishes the Questionnaire at "
        "(default: https://w3id.org/blunting/fhir/Questionnaire/blunting)",
    )
    _version_option(exporter)
    exporter.set_defaults(run=_export)

    reporter = command(
        "report",
        "write an HTML report of scores",
        "Score each response in each FILE and write one self-contained HTML page: per "
        f"respondent, a chart of the domain scores and their course over time. {_INPUTS_HELP}",
        "blunting report responses.jsonl --output report.html",
    )
    reporter.add_argument("files", nargs="+", metavar="FILE", help="responses ('-': stdin)")
    reporter.add_argument("--output", metavar="FILE", required=True, help="the HTML file")
    _from(reporter)
    _table_version(reporter)
    reporter.set_defaults(run=_report)

    statistician = command(
        "stats",
        "write a study's reliability, factor structure and test-retest",
        "Read the valid responses of every FILE (a study, analyzed whole, in memory) and "
        "write the evidence a new questionnaire needs: each domain's reliability (alpha, "
        "omega, item statistics), the fit of the questionnaire's factor model, the "
        "correlations of the domains, and test-retest when respondents answered twice. An "
        "HTML page (self-contained, no script) or JSON. These statistics describe this "
        f"sample: they are not norms or cut-offs. Needs blunting[stats]. {_INPUTS_HELP}",
        "blunting stats study.parquet --output stats.html",
    )
    statistician.add_argument("files", nargs="+", metavar="FILE", help="responses ('-': stdin)")
    statistician.add_argument(
        "--output", metavar="FILE", help="write here (default: standard output)"
    )
    statistician.add_argument(
        "--format", choices=("html", "json"), default="html", help="html (default) or json"
    )
    _from(statistician)
    _table_version(statistician)
    statistician.set_defaults(run=_stats)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see ``OK`` and the others)."""
    arguments = _parser().parse_args(argv)
    try:
        status: int = arguments.run(arguments)
    except (UsageError, BluntingError) as error:
        sys.stderr.write(f"blunting: {error}\n")
        return USAGE
    except OSError as error:  # an input or output that failed part way
        sys.stderr.write(f"blunting: {error.filename or 'input/output'}: {error.strerror}\n")
        return USAGE
    return status


@contextlib.contextmanager
def _quiet_pipe() -> Iterator[None]:
    """End quietly, as other tools do, when a reader stops reading (``| head``)."""
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    yield


def run() -> None:
    """The console script: run and exit with the status."""
    with _quiet_pipe():
        try:
            status = main()
        except KeyboardInterrupt:
            sys.stderr.write("\nblunting: interrupted\n")
            status = INTERRUPTED
    sys.exit(status)
