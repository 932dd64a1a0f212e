"""``blunting stats``: a study's evidence, as one self-contained HTML page or as JSON.

The valid responses of every input are kept (a study is analyzed whole, in
memory), made into a table in the questionnaire's wide layout, and analyzed
by ``blunting.stats.analyze``. The page needs no network and runs no script:
styles are inline, charts are SVG, and every text is escaped. Each table
says its n and its rule, and the page says that these statistics describe
this sample: they are not norms or cut-offs.
"""

from __future__ import annotations

import json
import math
import sys
from html import escape
from typing import TYPE_CHECKING, Any

from blunting import _questionnaire
from blunting._cli._html import document
from blunting._cli._inputs import UsageError
from blunting._cli._outputs import atomic
from blunting._cli._table_files import arrow

if TYPE_CHECKING:
    from collections.abc import Mapping

    from blunting._cli._batch import Done
    from blunting._stats import CFA, ICC, Analysis, Correlations, Reliability, Retest

#: Exit statuses: every response valid; some rejected (the analysis has the rest).
OK, REJECTED = 0, 1

#: The loadings chart, in CSS pixels.
_LABEL, _BAR, _ROW = 120, 300, 20

_MORE_STYLE = """
.loadings rect.bar { fill: #1b6ca8; } .loadings rect.track { fill: #eee; }
caption { text-align: left; font-weight: 600; padding: .3em 0; }
.rule { color: #555; font-size: .9em; }
"""


class Collected:
    """The valid payloads of a run, as the batch runner hands them on."""

    def __init__(self) -> None:
        self.payloads: list[dict[str, Any]] = []

    def __call__(self, done: Done) -> None:
        self.payloads.extend(payload for _, _, payload in done.kept)

    def questionnaire(self) -> _questionnaire.Questionnaire:
        """The one questionnaire the payloads answer; else :class:`UsageError`."""
        named = sorted({(p["questionnaire"], p["version"]) for p in self.payloads})
        if not named:
            raise UsageError("no valid response to analyze")
        if len(named) > 1:
            listed = ", ".join(f"{qid} {version}" for qid, version in named)
            raise UsageError(f"the responses answer {listed}: analyze each apart")
        qid, version = named[0]
        return _questionnaire.builtin(version, id=qid)


def analysis_of(collected: Collected) -> Analysis:
    """The analysis of the collected responses."""
    _tables = arrow()  # or how to install the tables extra
    try:
        import scipy  # noqa: F401, PLC0415 - the stats extra, only here
        import semopy  # noqa: F401, PLC0415
    except ImportError as error:
        message = f"stats need blunting's stats extra: pip install 'blunting[stats]' ({error})"
        raise UsageError(message) from None
    from blunting import _stats  # noqa: PLC0415

    q = collected.questionnaire()
    return _stats.analyze(_tables.from_payloads(collected.payloads, q), q)


def write(analysis: Analysis, output: str | None, page_format: str, rejected: int) -> None:
    """Write the analysis as ``page_format`` (``html`` or ``json``) to ``output`` or stdout."""
    if page_format == "json":
        text = json.dumps(analysis.to_dict(), indent=2, ensure_ascii=False, allow_nan=False)
        text += "\n"
    else:
        text = page(analysis, rejected)
    with atomic(output, sys.stdout.buffer) as out:
        out.write(text.encode())


def page(analysis: Analysis, rejected: int) -> str:
    """The whole HTML page."""
    skipped = (
        f'<p class="rejected">{rejected} response{"s" if rejected != 1 else ""} could not be '
        "read or were not valid, and are not used: the command listed their problems.</p>"
        if rejected
        else ""
    )
    sections = [
        _sample(analysis),
        _reliability(analysis.reliability),
        _factors(analysis.cfa),
        _correlations(analysis.correlations),
        _retest(analysis.retest),
    ]
    title = f"{analysis.questionnaire} {analysis.version}: evidence from this study"
    body = (
        f"<h1>{escape(title)}</h1>"
        f'<p class="note statement">{escape(analysis.statement)}</p>'
        f"{skipped}{''.join(sections)}"
    )
    return document(title, body, _MORE_STYLE)


def _number(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"  # noqa: RUF001 - an en dash: no value
    return f"{value:.{digits}f}"


def _share(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"  # noqa: RUF001 - no value


def _interval(bounds: tuple[float, float] | None, digits: int = 2) -> str:
    if bounds is None:
        return "–"  # noqa: RUF001 - no value
    return f"[{_number(bounds[0], digits)}, {_number(bounds[1], digits)}]"


def _table(kind: str, caption: str, head: list[str], rows: list[list[str]]) -> str:
    cells = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    title = f"<caption>{escape(caption)}</caption>" if caption else ""
    header = f"<tr>{cells}</tr>" if head else ""
    return f'<table class="{kind}">{title}{header}{body}</table>'


def _rule(text: str) -> str:
    return f'<p class="rule">{escape(text)}.</p>'


def _sample(analysis: Analysis) -> str:
    rows = [
        ["responses read and valid", f"{analysis.valid:,}"],
        ["of them used (each respondent's first)", f"{analysis.used:,}"],
        ["questionnaire", f"{analysis.questionnaire} {analysis.version}"],
    ]
    return f'<section class="sample"><h2>The sample</h2>{_table("sample", "", [], rows)}</section>'


def _reliability(found: Mapping[str, Reliability | None]) -> str:
    parts = []
    summary = [
        [domain, f"{r.n:,}", _number(r.alpha), _interval(r.alpha_ci), _number(r.omega)]
        if r is not None
        else [domain, "one item: no internal consistency", "", "", ""]
        for domain, r in found.items()
    ]
    parts.append(
        _table(
            "reliability",
            "Internal consistency, by domain",
            ["domain", "n", "alpha", "95% interval (Feldt)", "omega total"],
            summary,
        )
    )
    computed = {domain: r for domain, r in found.items() if r is not None}
    parts += [_items(domain, result) for domain, result in computed.items()]
    rule = _rule(next(iter(computed.values())).rule) if computed else ""
    return (
        '<section class="reliability"><h2>Reliability</h2>'
        f"{''.join(parts)}{rule}"
        '<p class="rule">Reverse-keyed items are reversed first (lowest + highest - answer). '
        "Item means, SDs, floor and ceiling are over each item's own answers; the item-total "
        "correlation (with the sum of the other items) and alpha if deleted over complete "
        "rows. Missing is the share of the rows used.</p></section>"
    )


def _items(domain: str, result: Reliability) -> str:
    rows = [
        [
            item.name + (" (reversed)" if item.reversed else ""),
            _number(item.mean),
            _number(item.sd),
            _share(item.missing),
            _share(item.floor),
            _share(item.ceiling),
            _number(item.item_total),
            _number(item.alpha_if_deleted),
        ]
        for item in result.items
    ]
    low, high = (f"{end:g}" for end in result.scale)
    return _table(
        "items",
        f"{domain}: items (n = {result.n:,} complete of {result.rows:,})",
        [
            "item",
            "mean",
            "SD",
            "missing",
            f"floor ({low})",
            f"ceiling ({high})",
            "item-total r",
            "alpha if deleted",
        ],
        rows,
    )


def _factors(fit: CFA | None) -> str:
    if fit is None:
        return (
            '<section class="factors"><h2>Factor structure</h2>'
            "<p>The questionnaire's model (each domain of two items or more a factor of its "
            "items) has more free parameters than the data have moments: it is not identified, "
            "and is not fitted.</p></section>"
        )
    indices = [
        ["n", f"{fit.n:,}"],
        ["estimator", "maximum likelihood (ML)"],
        ["chi-square", f"{_number(fit.chi2, 3)} on {fit.df} df"],
        ["CFI", _number(fit.cfi, 3)],
        ["TLI", _number(fit.tli, 3)],
        ["RMSEA", f"{_number(fit.rmsea, 3)} {_interval(fit.rmsea_ci, 3)} (90% interval)"],
        ["SRMR", _number(fit.srmr, 3)],
    ]
    return (
        '<section class="factors"><h2>Factor structure</h2>'
        "<p>The questionnaire's own model: each domain a factor of its items, the factors "
        "free to correlate.</p>"
        f"{_table('fit', 'Fit of the model', ['index', 'value'], indices)}"
        "<h3>Standardized loadings</h3>"
        f"{_loadings(fit)}{_rule(fit.rule)}"
        '<p class="rule">Fit indices as lavaan defines them; loadings standardized '
        "(std.all).</p></section>"
    )


def _loadings(fit: CFA) -> str:
    rows = [(f, c, v) for f, columns in fit.loadings.items() for c, v in columns.items()]
    height = len(rows) * _ROW + 20
    width = _LABEL + _BAR + 140
    zero = _LABEL + _BAR / 2  # loadings from -1 to 1
    drawn = [
        f'<line class="axis" x1="{zero}" y1="0" x2="{zero}" y2="{height - 16}"/>',
        f'<text x="{_LABEL}" y="{height - 2}">-1</text>',
        f'<text x="{zero - 3}" y="{height - 2}">0</text>',
        f'<text x="{_LABEL + _BAR - 6}" y="{height - 2}">1</text>',
    ]
    for index, (factor, column, value) in enumerate(rows):
        y = index * _ROW
        clipped = max(-1.0, min(1.0, value))
        left = zero + min(0.0, clipped) * _BAR / 2
        width_of = abs(clipped) * _BAR / 2
        drawn.append(
            f'<text x="0" y="{y + 13}">{escape(column)}</text>'
            f'<rect class="track" x="{_LABEL}" y="{y}" width="{_BAR}" height="{_ROW - 4}"/>'
            f'<rect class="bar" data-factor="{escape(factor)}" data-column="{escape(column)}" '
            f'data-loading="{value!r}" x="{left:.2f}" y="{y}" width="{width_of:.2f}" '
            f'height="{_ROW - 4}"/>'
            f'<text x="{_LABEL + _BAR + 8}" y="{y + 13}">{escape(factor)} {value:.2f}</text>'
        )
    return (
        f'<svg class="loadings" role="img" aria-label="standardized loadings" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}">{"".join(drawn)}</svg>'
    )


def _correlations(found: Correlations) -> str:
    rows = [
        [name, *(_number(value) for value in row)]
        for name, row in zip(found.names, found.matrix, strict=True)
    ]
    table = _table(
        "correlations",
        f"Correlations of the domains' raw scores (n = {found.n:,})",
        ["", *found.names],
        rows,
    )
    return (
        f'<section class="correlations"><h2>Between the domains</h2>{table}'
        + _rule("Pearson's r, over the responses scored in every domain")
        + "</section>"
    )


def _retest(found: Retest | None) -> str:
    if found is None:
        return (
            '<section class="retest"><h2>Test-retest</h2>'
            "<p>No respondent answered twice, so there is no test-retest here.</p></section>"
        )
    rows = [[part, *_icc_cells(found.used[part], icc)] for part, icc in found.parts.items()]
    table = _table(
        "retest",
        f"Test-retest of the raw scores ({found.pairs:,} respondents with two responses)",
        ["", "pairs", "ICC(A,1)", "95% interval", "ICC(C,1)", "95% interval"],
        rows,
    )
    return (
        f'<section class="retest"><h2>Test-retest</h2>{table}{_rule(found.rule)}'
        '<p class="rule">ICC(A,1): two-way, absolute agreement, single measures; ICC(C,1): '
        "two-way, consistency, single measures (McGraw and Wong, 1996).</p></section>"
    )


def _icc_cells(pairs: int, icc: ICC | None) -> list[str]:
    if icc is None:
        return [f"{pairs:,}", "–", "–", "–", "–"]  # noqa: RUF001 - no value
    return [
        f"{pairs:,}",
        _number(icc.agreement),
        _interval(icc.agreement_ci),
        _number(icc.consistency),
        _interval(icc.consistency_ci),
    ]
