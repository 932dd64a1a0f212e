"""``blunting report``: the page is rendered by headless Chromium and checked as shown.

Chromium is Debian's ``chromium`` package, driven through Playwright. CI
installs it (``.ci/run``); elsewhere the browser tests are skipped when it
is missing.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest

import blunting
from conftest import ROOT

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from playwright.sync_api import Browser, Page, Route

EXAMPLE = json.loads((ROOT / "examples" / "complete.json").read_text())
Q = blunting.questionnaire()
#: Respondents and the months of their responses; "<b>x</b>" tests escaping.
PLAN = {"p-01": (1, 4, 7), "<b>x</b>": (2, 3), "p-03": (5,)}


def responses() -> list[dict[str, Any]]:
    rng = random.Random(5)  # noqa: S311 - test data, not secrets
    made = []
    for respondent, months in PLAN.items():
        for month in reversed(months):  # out of date order in the file
            payload = json.loads(json.dumps(EXAMPLE))
            payload["respondent"] = respondent
            payload["completed"] = f"2026-{month:02d}-15T10:00:00Z"
            for key in payload["answers"]:
                payload["answers"][key] = rng.randint(0, 4)
            made.append(payload)
    return made


def make_report(source: Path, output: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "blunting", "report", str(source), "--output", str(output)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.fixture(scope="module")
def report(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    folder = tmp_path_factory.mktemp("report")
    source = folder / "responses.jsonl"
    lines = [json.dumps(p) for p in responses()]
    lines.insert(2, '{"questionnaire": "blunting"}')
    source.write_text("\n".join(lines) + "\n")
    output = folder / "report.html"
    return output, make_report(source, output)


@pytest.fixture
def page(browser: Browser, report: tuple[Path, Any]) -> Iterator[Page]:
    output, _ = report
    requested: list[str] = []
    shown = browser.new_page()

    def record(route: Route) -> None:
        requested.append(route.request.url)
        route.continue_()

    shown.route("**/*", record)
    shown.goto(output.as_uri())
    yield shown
    shown.close()
    assert requested == [output.as_uri()], "the page asked for something besides itself"


def test_the_command_reports_the_rejected_line_and_writes_the_rest(
    report: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    output, done = report
    assert done.returncode == 1
    scored = sum(map(len, PLAN.values()))
    assert done.stderr.splitlines() == [
        f'{output.parent / "responses.jsonl"}:3: /version: "version" is a required property',
        f'{output.parent / "responses.jsonl"}:3: /answers: "answers" is a required property',
        f"blunting: {scored} scored, 1 rejected; {len(PLAN)} respondents in {output}",
    ]
    assert output.read_text().startswith("<!DOCTYPE html>")


def test_the_page_says_a_score_is_not_a_diagnosis_and_runs_no_script(page: Page) -> None:
    assert "A score is not a diagnosis" in page.inner_text(".note")
    assert page.evaluate("document.scripts.length") == 0
    assert "1 response could not be scored" in page.inner_text(".rejected")


def test_each_respondent_has_bars_of_their_latest_scores(page: Page) -> None:
    by_respondent: dict[str, list[dict[str, Any]]] = {}
    for payload in responses():
        by_respondent.setdefault(payload["respondent"], []).append(payload)
    sections = page.locator("section.respondent")
    assert sections.count() == len(PLAN)
    titles = [sections.nth(i).locator("h2").inner_text() for i in range(len(PLAN))]
    assert sorted(titles) == sorted(f"Respondent {r}" for r in PLAN)  # escaped, shown as text
    for index, title in enumerate(titles):
        respondent = title.removeprefix("Respondent ")
        latest = max(by_respondent[respondent], key=lambda p: p["completed"])
        score = blunting.score(latest)
        expected = {d.id: score.domains[d.id].scaled for d in Q.domains}
        expected["total"] = score.total.scaled
        section = sections.nth(index)
        bars = section.locator("svg.bars rect.bar")
        tracks = section.locator("svg.bars rect.track")
        assert bars.count() == len(expected)
        for bar_index in range(bars.count()):
            bar = bars.nth(bar_index)
            part = bar.get_attribute("data-part")
            assert part is not None
            box, track = bar.bounding_box(), tracks.nth(bar_index).bounding_box()
            assert box is not None
            assert track is not None
            scaled = expected[part]
            assert scaled is not None
            assert box["width"] == pytest.approx(track["width"] * scaled / 100, abs=0.5)
            assert f"{expected[part]:.1f}" in (section.locator("svg.bars").text_content() or "")


def test_several_dated_responses_show_their_course_over_time(page: Page) -> None:
    sections = page.locator("section.respondent")
    for index in range(sections.count()):
        section = sections.nth(index)
        respondent = section.locator("h2").inner_text().removeprefix("Respondent ")
        months = sorted(PLAN[respondent])
        trend = section.locator("svg.trend")
        if len(months) < 2:
            assert trend.count() == 0
            continue
        dated = sorted(
            (p for p in responses() if p["respondent"] == respondent),
            key=lambda p: p["completed"],
        )
        for domain in Q.domains:
            points = trend.locator(f'circle.point[data-part="{domain.id}"]')
            assert points.count() == len(months)
            boxes = [points.nth(i).bounding_box() for i in range(points.count())]
            assert all(box is not None for box in boxes)
            xs = [box["x"] for box in boxes if box is not None]
            ys = [box["y"] for box in boxes if box is not None]
            assert xs == sorted(xs)
            assert xs[0] < xs[-1]
            scaled = [blunting.score(p).domains[domain.id].scaled for p in dated]
            for (y1, s1), (y2, s2) in zip(
                zip(ys, scaled, strict=True), zip(ys[1:], scaled[1:], strict=True), strict=False
            ):
                assert s1 is not None
                assert s2 is not None
                if s1 != s2:  # a higher score is drawn higher up
                    assert (y1 > y2) == (s1 < s2)
        rows = section.locator("table.scores tr")
        assert rows.count() == 1 + len(months)


def test_a_domain_that_is_not_scored_has_no_bar(browser: Browser, tmp_path: Path) -> None:
    source = ROOT / "examples" / "unscorable.json"
    score = blunting.score(json.loads(source.read_text()))
    unscored = [d for d in Q.domains if score.domains[d.id].scaled is None]
    assert unscored
    output = tmp_path / "report.html"
    done = make_report(source, output)
    assert done.returncode == 0, done.stderr
    shown = browser.new_page()
    shown.goto(output.as_uri())
    bars = shown.locator("svg.bars rect.bar")
    drawn = {bars.nth(i).get_attribute("data-part") for i in range(bars.count())}
    for domain in unscored:
        assert domain.id not in drawn
        result = score.domains[domain.id]
        text = f"not scored: {result.answered} of {result.items} answered, too few"
        assert text in (shown.locator("svg.bars").text_content() or "")
    # the total says why it is withheld: the domain it needs, not a count of answers
    (name,) = [domain.title for domain in unscored]
    why = f"not scored, as {name} was not scored"
    assert why in (shown.locator("svg.bars").text_content() or "")
    assert why in (shown.locator("table.scores").text_content() or "")
    shown.close()
