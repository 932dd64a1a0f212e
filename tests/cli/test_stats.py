"""``blunting stats``: a study's evidence from files, as JSON and as a page shown in Chromium."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import attrs
import pyarrow.parquet as pq
import pytest

import blunting
from blunting import stats, tables
from blunting._cli import _stats_page
from blunting._tables import payload_of
from redcap_export import export, record
from simulated_study import close_json, simulated

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import pyarrow as pa
    from playwright.sync_api import Browser, Page, Route

Q = blunting.questionnaire()


def _run(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "blunting", "stats", *arguments],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def _payloads(table: pa.Table) -> list[dict[str, Any]]:
    return [payload_of(Q, row, named=True)[0] for row in table.to_pylist()]


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pa.Table]:
    folder = tmp_path_factory.mktemp("stats")
    table = simulated(Q, 400, seed=31, twice=True, missing=0.02)
    path = folder / "study.parquet"
    pq.write_table(table, path)
    return path, table


def test_json_is_the_analysis_of_the_same_table(study: tuple[Path, pa.Table]) -> None:
    path, table = study
    done = _run(str(path), "--format", "json")
    assert done.returncode == 0, done.stderr
    assert close_json(json.loads(done.stdout), stats.analyze(table).to_dict())
    assert done.stderr == "blunting: 800 valid, 0 rejected; 400 used\n"


def test_json_lines_redcap_and_tables_give_one_analysis(
    study: tuple[Path, pa.Table], tmp_path: Path
) -> None:
    _, table = study
    payloads = _payloads(table)
    lines = tmp_path / "study.jsonl"
    lines.write_text("".join(json.dumps(p) + "\n" for p in payloads))
    csv = tmp_path / "study.csv"
    csv.write_text(export(Q, [record(Q, p) for p in payloads]))
    want = json.loads(json.dumps(stats.analyze(table).to_dict()))
    from_lines = _run(str(lines), "--format", "json")
    assert from_lines.returncode == 0, from_lines.stderr
    assert close_json(json.loads(from_lines.stdout), want)
    from_redcap = _run(str(csv), "--from", "redcap", "--format", "json")
    assert from_redcap.returncode == 0, from_redcap.stderr
    found = json.loads(from_redcap.stdout)
    assert found["retest"] is None  # these REDCap rows hold no completion time: no pairs
    assert close_json({**found, "retest": want["retest"]}, want)


def test_a_rejected_response_is_named_and_the_rest_analyzed(
    study: tuple[Path, pa.Table], tmp_path: Path
) -> None:
    _, table = study
    payloads = _payloads(table)
    lines = tmp_path / "study.jsonl"
    bad = dict(payloads[0], answers={**payloads[0]["answers"], "crying_1": 9})
    lines.write_text("".join(json.dumps(p) + "\n" for p in [bad, *payloads[1:]]))
    done = _run(str(lines), "--format", "json")
    assert done.returncode == 1
    assert done.stderr.splitlines()[0].startswith(f"{lines}:1: /answers/crying_1:")
    assert json.loads(done.stdout)["valid"] == len(payloads) - 1


def test_a_study_of_two_questionnaires_or_too_few_rows_is_refused(tmp_path: Path) -> None:
    table = simulated(Q, 40, seed=32)
    payloads = _payloads(table)
    older = simulated(blunting.questionnaire("1.0.0"), 40, seed=33)
    mixed = tmp_path / "mixed.jsonl"
    both = payloads + [
        payload_of(blunting.questionnaire("1.0.0"), r, named=True)[0] for r in older.to_pylist()
    ]
    mixed.write_text("".join(json.dumps(p) + "\n" for p in both))
    done = _run(str(mixed))
    assert done.returncode == 2
    assert done.stderr == (
        "blunting: the responses answer blunting 1.0.0, blunting 1.1.0: analyze each apart\n"
    )
    few = tmp_path / "few.jsonl"
    few.write_text("".join(json.dumps(p) + "\n" for p in payloads[:2]))
    done = _run(str(few))
    assert done.returncode == 2
    assert done.stderr.startswith("blunting: (root): 2 complete rows")
    assert "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def page(
    browser: Browser, study: tuple[Path, pa.Table], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Page]:
    path, _ = study
    output = tmp_path_factory.mktemp("page") / "stats.html"
    done = _run(str(path), "--output", str(output))
    assert done.returncode == 0, done.stderr
    requested: list[str] = []
    shown = browser.new_page()

    def record_request(route: Route) -> None:
        requested.append(route.request.url)
        route.continue_()

    shown.route("**/*", record_request)
    shown.goto(output.as_uri())
    yield shown
    shown.close()
    assert requested == [output.as_uri()], "the page asked for something besides itself"


def test_the_page_says_what_the_statistics_are_not_and_runs_no_script(page: Page) -> None:
    statement = page.inner_text(".statement")
    assert "not norms, cut-offs or severity bands" in statement
    assert "a score is not a diagnosis" in statement
    assert page.evaluate("document.scripts.length") == 0


def test_the_page_shows_the_analysis_with_each_n_and_rule(
    page: Page, study: tuple[Path, pa.Table]
) -> None:
    _, table = study
    analysis = stats.analyze(table)
    rows = page.locator("table.reliability tr")
    assert rows.count() == 1 + len(Q.domains)
    for index, (domain, result) in enumerate(analysis.reliability.items(), start=1):
        cells = rows.nth(index).locator("td").all_inner_texts()
        assert result is not None
        assert cells[:3] == [domain, f"{result.n:,}", f"{result.alpha:.2f}"]
    assert page.locator("table.items").count() == len(Q.domains)
    fit = page.locator("table.fit").inner_text()
    assert analysis.cfa is not None
    assert f"{analysis.cfa.chi2:.3f} on {analysis.cfa.df} df" in fit
    assert f"{analysis.cfa.cfi:.3f}" in fit
    for section in ("reliability", "factors"):
        assert "listwise" in page.locator(f"section.{section} .rule").first.inner_text()
    retest = page.locator("table.retest tr")
    assert retest.count() == 1 + len(Q.domains) + 1
    assert "400 respondents with two responses" in page.inner_text("table.retest caption")


def test_each_loading_is_drawn_to_its_length(page: Page, study: tuple[Path, pa.Table]) -> None:
    _, table = study
    fitted = stats.analyze(table).cfa
    assert fitted is not None
    loadings = fitted.loadings
    bars = page.locator("svg.loadings rect.bar")
    tracks = page.locator("svg.loadings rect.track")
    assert bars.count() == sum(len(columns) for columns in loadings.values())
    for index in range(bars.count()):
        bar, track = bars.nth(index), tracks.nth(index)
        factor, column = bar.get_attribute("data-factor"), bar.get_attribute("data-column")
        assert factor is not None
        assert column is not None
        value = loadings[factor][column]
        box, whole = bar.bounding_box(), track.bounding_box()
        assert box is not None
        assert whole is not None
        assert box["width"] == pytest.approx(whole["width"] / 2 * abs(value), abs=0.5)
        middle = whole["x"] + whole["width"] / 2
        assert (box["x"] >= middle - 0.5) == (value >= 0)  # positive loadings to the right


def test_tables_read_from_csv_too(study: tuple[Path, pa.Table], tmp_path: Path) -> None:
    path, table = study
    csv = tmp_path / "study.csv"
    text = tables.from_payloads(_payloads(table), Q)
    import pyarrow.csv as pcsv  # noqa: PLC0415 - only here

    lists = text.set_column(
        text.schema.get_field_index("medications"),
        "medications",
        [[";".join(v) if v is not None else None for v in text.column("medications").to_pylist()]],
    )
    pcsv.write_csv(lists, csv)
    done = _run(str(csv), "--from", "table", "--format", "json")
    assert done.returncode == 0, done.stderr
    from_parquet = _run(str(path), "--format", "json")
    assert close_json(json.loads(done.stdout), json.loads(from_parquet.stdout))


def test_without_the_stats_extra_the_command_says_how_to_install_it(
    study: tuple[Path, pa.Table],
) -> None:
    path, _ = study
    code = (
        "import sys; sys.modules['semopy'] = None\n"  # as if it were not installed
        "from blunting._cli._main import main\n"
        f"sys.exit(main(['stats', {str(path)!r}]))"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert done.returncode == 2
    assert "pip install 'blunting[stats]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_negative_loading_is_drawn_left_of_zero(study: tuple[Path, pa.Table]) -> None:
    _, table = study
    analysis = stats.analyze(table)
    assert analysis.cfa is not None
    flipped = attrs.evolve(
        analysis, cfa=attrs.evolve(analysis.cfa, loadings={"f": {"up": 0.5, "down": -0.25}})
    )
    drawn = _stats_page.page(flipped, 0)
    bars = {
        column: (float(x), float(width))
        for column, x, width in re.findall(
            r'data-column="(\w+)" data-loading="[^"]*" x="([^"]+)" y="[^"]*" width="([^"]+)"', drawn
        )
    }
    zero = _stats_page._LABEL + _stats_page._BAR / 2  # noqa: SLF001 - the chart's own geometry
    quarter = _stats_page._BAR / 2 * 0.25  # noqa: SLF001
    assert bars["up"][0] == pytest.approx(zero)  # from zero to the right
    assert bars["up"][1] == pytest.approx(2 * quarter)
    assert bars["down"][0] == pytest.approx(zero - quarter)  # ending at zero, from the left
    assert bars["down"][1] == pytest.approx(quarter)
