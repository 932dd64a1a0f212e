"""``blunting report``: the page is rendered by headless Chromium and checked as shown.

Chromium is Debian's ``chromium`` package, driven through Playwright. CI
installs it (``.ci/run``); elsewhere the browser tests are skipped when it
is missing. Every expected value comes from ``blunting.score`` of the
payloads, or from the payloads themselves, never from the page's code.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import random
import re
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest

import blunting
from conftest import ROOT
from report_reading import tick_times

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from playwright.sync_api import Browser, Locator, Page, Route

EXAMPLE = json.loads((ROOT / "examples" / "complete.json").read_text())
Q = blunting.questionnaire()
PARTS = [d.id for d in Q.domains] + ["total"]
TITLES = {**{d.id: d.title for d in Q.domains}, "total": "All domains"}
ITEMS = {item.id: item for item in Q.items}
LABELS = {
    item.id: {option.value: option.label for option in item.options}
    for item in Q.items
    if item.domain is None
}
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
#: A readable date: "5 Jan 2026, 10:00 +01:00".
READABLE = re.compile(r"\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}(:\d{2})? [+-]\d{2}:\d{2}")


def payload(respondent: str | None, completed: str | None, answers: Any, context: Any) -> Any:
    made = json.loads(json.dumps(EXAMPLE))
    if respondent is None:
        del made["respondent"]
    else:
        made["respondent"] = respondent
    if completed is None:
        del made["completed"]
    else:
        made["completed"] = completed
    made["answers"] = {key: value for key in made["answers"] if (value := answers(key)) is not None}
    made["context"] = context
    return made


def clinic() -> list[dict[str, Any]]:
    """Patients as a clinic sees them, in no order: p-01's visits hold every case the page draws.

    p-01: an estimated crying score (5 of 6 answered) at the second visit; an
    unscored empathy domain (so an unscored total), impact declined and a
    switch from an SSRI to an SNRI at the third; a mood stabilizer added at the
    fourth, in another UTC offset.
    """
    rng = random.Random(21)  # noqa: S311 - test data, not secrets
    visits = [
        payload(
            "p-01",
            "2026-01-05T10:00:00+01:00",
            lambda _k: 3,
            {
                "impact": 3,
                "medications": ["ssri"],
                "sexual_side_effects": "yes",
                "attribution": "yes",
            },
        ),
        payload(
            "p-01",
            "2026-02-02T09:15:00+01:00",
            lambda k: None if k == "crying_2" else 2,
            {
                "impact": 2,
                "medications": ["ssri"],
                "sexual_side_effects": "yes",
                "attribution": "unsure",
            },
        ),
        payload(
            "p-01",
            "2026-02-16T11:00:00+01:00",
            lambda k: None if k.startswith("empathy") and k != "empathy_1" else 2,
            {"impact": None, "medications": ["snri"], "sexual_side_effects": None},
        ),
        payload(
            "p-01",
            "2026-05-20T16:30:00+02:00",
            lambda _k: 1,
            {
                "impact": 1,
                "medications": ["snri", "mood_stabilizer"],
                "sexual_side_effects": "no",
                "attribution": "no",
            },
        ),
    ]
    for index, (month, medicines) in enumerate(
        zip((1, 3, 4, 9), (["ssri"], ["ssri"], ["none"], ["ssri"]), strict=True)
    ):
        visits.append(
            payload(
                "p-02",
                f"2026-{month:02d}-1{index}T08:00:00Z",
                lambda _k: rng.randint(0, 4),
                {"impact": rng.randint(0, 4), "medications": medicines},
            )
        )
    visits += (  # "<b>x</b>" tests escaping
        payload("<b>x</b>", f"2026-03-{day:02d}T12:00:00-05:00", lambda _k: 2, {}) for day in (3, 9)
    )
    visits.append(payload("p-03", "2026-04-01T08:00:00Z", lambda _k: 0, {"impact": 0}))
    visits.append(payload(None, None, lambda _k: 4, {"impact": 4}))
    # p-04: empathy (so the total) not scored at the first visit; crying estimated at the
    # second, and not scored (nor the total) at the third, in India's offset
    leave_out = [
        {"empathy_2", "empathy_3", "empathy_4", "empathy_5", "empathy_6"},
        {"crying_3"},
        {"crying_2", "crying_3", "crying_4", "crying_5", "crying_6"},
    ]
    for day, (missing, answer) in enumerate(zip(leave_out, (1, 3, 2), strict=True), 1):
        visits.append(
            payload(
                "p-04",
                f"2026-06-0{day}T10:00:00+05:30",
                lambda k, m=missing, a=answer: None if k in m else a,
                {"impact": 2},
            )
        )
    # p-05: twice on one day, the second without the impact question: ticks are hours
    visits.append(payload("p-05", "2026-03-14T09:30:00Z", lambda _k: 1, {"impact": 1}))
    visits.append(payload("p-05", "2026-03-14T16:10:00Z", lambda _k: 2, {}))
    rng.shuffle(visits)
    return visits


def mixed() -> list[dict[str, Any]]:
    """p-06 answered version 1.0.0, then 1.1.0; p-07 twice with a time and once without."""
    old = {"sexual_side_effects": "prefer_not_to_say", "medications": None, "impact": 1}
    made = [payload("p-06", "2026-01-10T09:00:00Z", lambda _k: 2, old)]
    made[0]["version"] = "1.0.0"
    made += (
        payload("p-06", f"2026-0{month}-10T09:00:00Z", lambda _k: 1, {"medications": ["ssri"]})
        for month in (3, 4)
    )
    made.append(payload("p-07", "2026-02-01T09:00:00Z", lambda _k: 3, {"medications": []}))
    made.append(payload("p-07", None, lambda _k: 3, {"medications": ["ssri"]}))
    made.append(payload("p-07", "2026-03-01T09:00:00Z", lambda _k: 2, {"medications": ["ssri"]}))
    made.append(payload("p-08", "2026-02-03T09:00:00Z", lambda _k: 0, {}))
    made += (payload("p-08", None, lambda _k, a=a: a, {}) for a in (1, 2, 3))
    return made


def respondents() -> dict[str, list[dict[str, Any]]]:
    """The clinic's payloads by respondent, each in date order."""
    found: dict[str, list[dict[str, Any]]] = {}
    for made in clinic():
        if "respondent" in made:
            found.setdefault(made["respondent"], []).append(made)
    for visits in found.values():
        visits.sort(key=lambda p: dt.datetime.fromisoformat(p["completed"]))
    return found


def readable(text: str) -> str:
    """What the page must show for a time, written out here independently."""
    when = dt.datetime.fromisoformat(text)
    offset = when.utcoffset()
    assert offset is not None
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    zone = f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    return f"{when.day} {MONTHS[when.month - 1]} {when.year}, {when:%H:%M} {zone}"


def make_report(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "blunting", "report", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


@pytest.fixture(scope="module")
def report(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    folder = tmp_path_factory.mktemp("report")
    source = folder / "responses.jsonl"
    lines = [json.dumps(p) for p in clinic()]
    lines.insert(2, '{"questionnaire": "blunting"}')
    source.write_text("\n".join(lines) + "\n")
    output = folder / "report.html"
    return output, make_report(source, "--output", output)


def opened(browser: Browser, output: Path, width: int = 1000) -> Iterator[Page]:
    requested: list[str] = []
    shown = browser.new_page(viewport={"width": width, "height": 900})

    def record(route: Route) -> None:
        requested.append(route.request.url)
        route.continue_()

    shown.route("**/*", record)
    shown.goto(output.as_uri())
    yield shown
    shown.close()
    assert requested == [output.as_uri()], "the page asked for something besides itself"


@pytest.fixture
def page(browser: Browser, report: tuple[Path, Any]) -> Iterator[Page]:
    yield from opened(browser, report[0])


def section(page: Page, respondent: str) -> Locator:
    found = page.locator("section.respondent").filter(
        has=page.get_by_role("heading", name=f"Respondent {respondent}", exact=True)
    )
    assert found.count() == 1
    return found


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None
    return {"x": found["x"], "y": found["y"], "width": found["width"], "height": found["height"]}


def centre_x(locator: Locator) -> float:
    found = box(locator)
    return found["x"] + found["width"] / 2


def test_the_command_reports_the_rejected_line_and_writes_the_rest(
    report: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    output, done = report
    assert done.returncode == 1
    scored = len(clinic())
    assert done.stderr.splitlines() == [
        f'{output.parent / "responses.jsonl"}:3: /version: "version" is a required property',
        f'{output.parent / "responses.jsonl"}:3: /answers: "answers" is a required property',
        f"blunting: {scored} scored, 1 rejected; 7 respondents in {output}",
    ]
    assert output.read_text().startswith("<!DOCTYPE html>")


def test_the_page_says_a_score_is_not_a_diagnosis_and_runs_no_script(page: Page) -> None:
    assert "A score is not a diagnosis" in page.inner_text(".note")
    assert page.evaluate("document.scripts.length") == 0
    assert "1 response could not be scored" in page.inner_text(".rejected")


def test_the_index_links_every_respondent_with_their_dates(page: Page) -> None:
    by_respondent = respondents()
    rows = page.locator("nav.index tr:has(a)")
    titles = [*(f"Respondent {r}" for r in sorted(by_respondent)), "Response at"]
    assert rows.count() == len(titles)
    for index, title in enumerate(titles):
        row = rows.nth(index)
        link = row.locator("a")
        assert link.inner_text().startswith(title)
        target = page.locator(f"section{link.get_attribute('href')}")
        assert target.locator("h2").inner_text() == link.inner_text()
        visits = by_respondent.get(title.removeprefix("Respondent "), [])
        cells = row.locator("td")
        if visits:
            assert cells.nth(1).inner_text() == str(len(visits))
            assert cells.nth(2).inner_text() == readable(visits[0]["completed"])
            assert cells.nth(3).inner_text() == readable(visits[-1]["completed"])


def test_headers_name_the_person_the_questionnaire_and_both_versions(page: Page) -> None:
    versions = f"questionnaire {Q.id}, version {Q.version} · blunting {blunting.__version__}"
    for index in range(page.locator("section.respondent").count()):
        found = page.locator("section.respondent").nth(index)
        running = found.locator("thead .running")
        assert running.inner_text() == f"{found.locator('h2').inner_text()} · {versions}"
    assert f"{Q.id} {Q.version}" in page.inner_text("header .running")
    assert blunting.__version__ in page.inner_text("header .running")


def test_each_respondent_has_bars_of_their_latest_scores(page: Page) -> None:
    for respondent, visits in respondents().items():
        score = blunting.score(visits[-1])
        parts = {d.id: score.domains[d.id].scaled for d in Q.domains}
        parts["total"] = score.total.scaled
        expected = {part: scaled for part, scaled in parts.items() if scaled is not None}
        shown = section(page, respondent)
        assert readable(visits[-1]["completed"]) in shown.locator("h3").first.inner_text()
        bars = shown.locator("svg.bars rect.bar")
        tracks = shown.locator("svg.bars rect.track")
        assert bars.count() == len(expected)
        for index in range(bars.count()):
            part = bars.nth(index).get_attribute("data-part")
            assert part is not None
            scaled = expected[part]
            assert scaled is not None
            width = box(tracks.nth(PARTS.index(part)))["width"] * scaled / 100
            assert box(bars.nth(index))["width"] == pytest.approx(width, abs=0.5)
            assert f"{scaled:.1f}" in (shown.locator("svg.bars").text_content() or "")


def test_points_are_spaced_by_date_and_placed_by_score(page: Page) -> None:
    for respondent, visits in respondents().items():
        chart = section(page, respondent).locator("svg.course")
        if len(visits) < 2:
            assert chart.count() == 0
            continue
        stamps = [dt.datetime.fromisoformat(v["completed"]).timestamp() for v in visits]
        for part in PARTS:
            panel = chart.locator(f'g.panel[data-part="{part}"]')
            results = [
                blunting.score(v).total if part == "total" else blunting.score(v).domains[part]
                for v in visits
            ]
            points = panel.locator("circle.point")
            scored = [(s, r) for s, r in zip(stamps, results, strict=True) if r.scaled is not None]
            assert points.count() == len(scored)
            if len(scored) < 2:
                continue
            xs = [centre_x(points.nth(i)) for i in range(points.count())]
            ys = [box(points.nth(i))["y"] for i in range(points.count())]
            (t0, _), (t1, _) = scored[0], scored[-1]
            for x, (stamp, _) in zip(xs, scored, strict=True):  # spaced as the visits were
                assert x - xs[0] == pytest.approx(
                    (xs[-1] - xs[0]) * (stamp - t0) / (t1 - t0), abs=1
                )
            for (y1, (_, r1)), (y2, (_, r2)) in zip(
                zip(ys, scored, strict=True), zip(ys[1:], scored[1:], strict=True), strict=False
            ):
                if r1.scaled != r2.scaled:  # a higher score is drawn higher up
                    assert (y1 > y2) == (r1.scaled < r2.scaled)  # type: ignore[operator]


def test_estimated_points_are_hollow_and_the_legend_says_so(page: Page) -> None:
    visits = respondents()["p-01"]
    chart = section(page, "p-01").locator("svg.course")
    assert "estimated from fewer answers" in (chart.locator(".legend").text_content() or "")
    hollow = 0
    for part in PARTS:
        for visit in visits:
            score = blunting.score(visit)
            result = score.total if part == "total" else score.domains[part]
            point = chart.locator(
                f'g.panel[data-part="{part}"] circle.point[data-when="{visit["completed"]}"]'
            )
            if result.scaled is None:
                assert point.count() == 0
                continue
            fill = point.evaluate("e => getComputedStyle(e).fill")
            assert (fill == "rgb(255, 255, 255)") == result.prorated
            assert ("estimated" in (point.get_attribute("class") or "")) == result.prorated
            hollow += result.prorated
    assert hollow == 2  # crying and the total at the second visit


def value(visit: dict[str, Any], part: str) -> float | None:
    """What a panel draws at a visit: a scaled score, or the impact answer."""
    if part == "impact":
        answer: int | None = visit["context"].get("impact")
        return answer
    score = blunting.score(visit)
    return (score.total if part == "total" else score.domains[part]).scaled


def test_no_line_crosses_a_visit_that_was_not_scored(page: Page) -> None:
    visits = respondents()["p-01"]
    chart = section(page, "p-01").locator("svg.course")
    origin = box(chart)["x"]  # page x to the chart's own: both are the same scale here
    gaps = 0
    for part in [*PARTS, "impact"]:
        panel = chart.locator(f'g.panel[data-part="{part}"]')
        missing_xs = []
        for visit in visits:
            mark = panel.locator(f'line.missing[data-when="{visit["completed"]}"]')
            assert mark.count() == (value(visit, part) is None)
            if value(visit, part) is None:
                missing_xs.append(centre_x(mark) - origin)
        gaps += len(missing_xs)
        lines = panel.locator("polyline.line")
        runs = "".join("x" if value(v, part) is not None else " " for v in visits).split()
        assert lines.count() == sum(len(run) > 1 for run in runs)  # a line a run of points
        for index in range(lines.count()):
            points = (lines.nth(index).get_attribute("points") or "").split()
            xs = [float(point.split(",")[0]) for point in points]
            for x in missing_xs:
                assert not any(a < x < b for a, b in itertools.pairwise(xs))
    assert gaps == 3  # empathy and the total at the third visit, and impact declined there


def test_impact_is_drawn_by_its_option_words_and_listed_at_each_visit(page: Page) -> None:
    for respondent, visits in respondents().items():
        shown = section(page, respondent)
        cells = shown.locator('table.answers td[data-item="impact"]')
        assert cells.count() == len(visits)
        for cell, visit in zip((cells.nth(i) for i in range(len(visits))), visits, strict=True):
            context = visit["context"]
            said = LABELS["impact"][context["impact"]] if "impact" in context else "not answered"
            assert cell.inner_text() == said
        if len(visits) < 2:
            continue
        panel = shown.locator('svg.course g.panel[data-part="impact"]')
        levels = panel.locator("text.level")
        words = [LABELS["impact"][v] for v in range(5)]
        assert [levels.nth(i).text_content() for i in range(levels.count())] == words
        level_y = {levels.nth(i).text_content(): box(levels.nth(i))["y"] for i in range(5)}
        for visit in visits:
            point = panel.locator(f'circle.point[data-when="{visit["completed"]}"]')
            answer = visit["context"].get("impact")
            if answer is None:
                assert point.count() == 0
                continue
            centre = box(point)["y"] + box(point)["height"] / 2
            label = level_y[LABELS["impact"][answer]]
            assert label <= centre <= label + 16  # beside its words


def test_medicines_their_changes_and_the_other_answers_at_each_visit(page: Page) -> None:
    visits = respondents()["p-01"]
    shown = section(page, "p-01")
    rows = shown.locator("table.answers tr[data-when]")
    assert rows.count() == len(visits)
    meds = LABELS["medications"]
    for index, visit in enumerate(visits):
        row = rows.nth(index)
        assert row.get_attribute("data-when") == visit["completed"]
        assert readable(visit["completed"]) in row.locator("td").first.inner_text()
        cell = row.locator('td[data-item="medications"]')
        listed = cell.locator("li")
        assert [listed.nth(i).inner_text() for i in range(listed.count())] == [
            meds[v] for v in visit["context"]["medications"]
        ]
        for item in ("sexual_side_effects", "attribution"):
            context = visit["context"]
            said = LABELS[item][context[item]] if item in context else "not answered"
            assert row.locator(f'td[data-item="{item}"]').inner_text() == said
    moved = [rows.nth(i).locator(".moved").all_inner_texts() for i in range(len(visits))]
    assert moved == [
        [],
        [],
        [f"Added: {meds['snri']}. Stopped: {meds['ssri']}"],
        [f"Added: {meds['mood_stabilizer']}"],
    ]
    # marked on the time axis, at the visit they were seen, and named in the key
    chart = shown.locator("svg.course")
    marks = chart.locator('g.lane[data-part="medications"] g.change')
    key = shown.locator("ol.changes-key li")
    assert marks.count() == key.count() == 3  # the first answer, the switch, the addition
    for index, at in enumerate((0, 2, 3)):
        when = visits[at]["completed"]
        mark = marks.nth(index)
        assert mark.get_attribute("data-when") == when
        point = chart.locator(f'g.panel[data-part="positive"] circle.point[data-when="{when}"]')
        assert centre_x(mark) == pytest.approx(centre_x(point), abs=0.5)
        assert key.nth(index).get_attribute("data-when") == when
        assert readable(when) in key.nth(index).inner_text()
    assert meds["ssri"] in key.nth(0).inner_text()
    assert f"Added: {meds['snri']}" in key.nth(1).inner_text()
    assert f"Stopped: {meds['ssri']}" in key.nth(1).inner_text()
    assert f"Added: {meds['mood_stabilizer']}" in key.nth(2).inner_text()


def test_a_change_to_an_answer_that_goes_alone_shows_both_answers(page: Page) -> None:
    rows = section(page, "p-02").locator("table.answers tr[data-when]")
    meds = LABELS["medications"]
    moved = [rows.nth(i).locator(".moved").all_inner_texts() for i in range(rows.count())]
    assert moved == [
        [],
        [],
        [f"Was: {meds['ssri']}. Now: {meds['none']}"],
        [f"Was: {meds['none']}. Now: {meds['ssri']}"],
    ]


def test_the_change_since_the_first_response_is_in_points_and_nothing_more(page: Page) -> None:
    for respondent, visits in respondents().items():
        table = section(page, respondent).locator("table.changes")
        if len(visits) < 2:
            assert table.count() == 0
            continue
        for part in PARTS:
            row = table.locator(f'tr[data-part="{part}"]')
            scored = [
                (visit, result)
                for visit in visits
                for score in [blunting.score(visit)]
                for result in [score.total if part == "total" else score.domains[part]]
                if result.scaled is not None
            ]
            if len(scored) < 2:
                said = "scored at one response only" if scored else "not scored"
                assert row.locator("td").nth(1).inner_text() == said
                continue
            (first, low), (last, high) = scored[0], scored[-1]
            for cell, visit, result in ((1, first, low), (2, last, high)):
                shown = row.locator("td").nth(cell).inner_text()
                estimate = ", estimated" if result.prorated else ""
                assert shown == f"{result.scaled:.1f} ({readable(visit['completed'])}{estimate})"
            change = round(high.scaled - low.scaled, 1)  # type: ignore[operator]
            sign = "+" if change > 0 else "\u2212" if change < 0 else ""
            assert row.locator("td.change").inner_text() == f"{sign}{abs(change):.1f} points"
        words = table.inner_text().lower()
        for judgement in ("improv", "worse", "better", "mild", "severe", "normal"):
            assert judgement not in words


def test_the_first_and_last_scored_responses_are_the_ones_compared(page: Page) -> None:
    table = section(page, "p-04").locator("table.changes")
    visits = respondents()["p-04"]
    empathy = table.locator('tr[data-part="empathy"] td')
    assert readable(visits[1]["completed"]) in empathy.nth(1).inner_text()  # not the first
    crying = table.locator('tr[data-part="crying"] td')
    assert crying.nth(2).inner_text().endswith(", estimated)")  # the last scored, the second
    assert readable(visits[1]["completed"]) in crying.nth(2).inner_text()
    total = table.locator('tr[data-part="total"] td')
    assert total.nth(1).inner_text() == "scored at one response only"


def test_one_colour_throughout_none_that_means_good_or_bad(page: Page) -> None:
    colours = page.evaluate(
        """() => [...document.querySelectorAll('svg.course .point, svg.course .line')]
            .map(e => getComputedStyle(e).stroke === 'none'
                 ? getComputedStyle(e).fill : getComputedStyle(e).stroke)"""
    )
    assert set(colours) == {"rgb(27, 79, 114)"}


def test_dates_read_as_people_read_them_and_never_wrap(
    browser: Browser, report: tuple[Path, Any]
) -> None:
    for shown in opened(browser, report[0], width=360):  # a phone's width
        times = shown.locator("time")
        assert times.count() > 20
        for index in range(times.count()):
            element = times.nth(index)
            text = element.inner_text()
            assert READABLE.fullmatch(text), text
            assert text == readable(element.get_attribute("datetime") or "")
            assert element.evaluate("e => e.getClientRects().length") == 1, text
        assert "5 Jan 2026, 10:00 +01:00" in shown.inner_text("body")


def test_ticks_are_readable_and_fall_where_their_dates_are(page: Page) -> None:
    charted = 0
    for respondent, visits in respondents().items():
        chart = section(page, respondent).locator("svg.course")
        if len(visits) < 2:
            continue
        charted += 1
        ticks = chart.locator("text.tick")
        assert 1 <= ticks.count() <= 7
        first = dt.datetime.fromisoformat(visits[0]["completed"])
        marks = chart.locator("g.time-axis line.visit")
        assert marks.count() == len(visits)
        x0, x1 = centre_x(marks.first), centre_x(marks.last)
        t0 = first.timestamp()
        t1 = dt.datetime.fromisoformat(visits[-1]["completed"]).timestamp()
        labels = [ticks.nth(i).locator("tspan").all_text_contents() for i in range(ticks.count())]
        zone = first.tzinfo
        assert zone is not None
        boxes = []
        for index, when in enumerate(tick_times(labels, zone)):  # in the first visit's offset
            expected = x0 + (x1 - x0) * (when.timestamp() - t0) / (t1 - t0)
            assert centre_x(ticks.nth(index)) == pytest.approx(expected, abs=1.5), labels
            boxes.append(box(ticks.nth(index)))
        chart_box = box(chart)
        for left, right in itertools.pairwise(boxes):
            assert left["x"] + left["width"] < right["x"], labels  # no label overlaps the next
        assert all(
            chart_box["x"] <= b["x"] and b["x"] + b["width"] <= chart_box["x"] + chart_box["width"]
            for b in boxes
        )
    assert charted == 5


def test_printed_one_respondent_a_page_every_page_naming_them(page: Page) -> None:
    from pypdf import PdfReader  # noqa: PLC0415

    page.emulate_media(media="print")
    sections = page.locator("section.respondent")
    titles = sections.locator("h2").all_inner_texts()
    for index in range(sections.count()):
        assert sections.nth(index).evaluate("e => getComputedStyle(e).breakBefore") == "page"
    printed = PdfReader(io.BytesIO(page.pdf(format="A4"))).pages
    texts = [" ".join(p.extract_text().split()) for p in printed]
    header = f"Emotional blunting scores · questionnaire {Q.id} {Q.version} · blunting"
    for number, text in enumerate(texts, 1):
        assert header in text, number
        assert f"page {number} of {len(texts)}" in text
    named = []
    for text in texts[1:]:  # the index first, then each respondent's pages
        (who,) = [title for title in titles if f"{title} · questionnaire {Q.id}" in text]
        named.append(who)
    assert [who for who, _ in itertools.groupby(named)] == titles
    assert len(named) > len(titles)  # some run over a page, and their next page names them


def test_every_format_of_the_same_responses_gives_the_same_page(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq  # noqa: PLC0415

    from blunting import fhir, tables  # noqa: PLC0415

    made = clinic()
    named = [p for p in made if "respondent" in p]  # a page names the others by their line
    json_source = tmp_path / "responses.jsonl"
    json_source.write_text("".join(json.dumps(p) + "\n" for p in named))
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": fhir.to_questionnaire_response(p)} for p in named],
    }
    (tmp_path / "bundle.json").write_text(json.dumps(bundle))
    pq.write_table(tables.from_payloads(named), tmp_path / "study.parquet")
    study = tables.from_payloads(named)
    with (tmp_path / "study.csv").open("w", newline="") as out:  # lists as "a;b", as documented
        writer = csv.writer(out)
        writer.writerow(study.column_names)
        for row in study.to_pylist():
            cells = row.values()
            writer.writerow(
                ";".join(c) if isinstance(c, list) else "" if c is None else c for c in cells
            )
    pages = {}
    sources: dict[str, list[str | Path]] = {
        "json": [json_source],
        "fhir": ["--from", "fhir", tmp_path / "bundle.json"],
        "parquet": [tmp_path / "study.parquet"],
        "csv": ["--from", "table", tmp_path / "study.csv"],
    }
    for name, args in sources.items():
        output = tmp_path / f"{name}.html"
        done = make_report(*args, "--output", output)
        assert done.returncode == 0, done.stderr
        pages[name] = output.read_text()
    assert pages["fhir"] == pages["json"]
    assert pages["parquet"] == pages["json"]
    assert pages["csv"] == pages["json"]


def test_a_redcap_export_is_charted_in_its_order_with_its_events(
    browser: Browser, tmp_path: Path
) -> None:
    import redcap_export  # noqa: PLC0415

    visits = respondents()["p-01"]
    events = ["baseline_arm_1", "week_4_arm_1", "week_6_arm_1", "week_20_arm_1"]
    records = [
        {**redcap_export.record(Q, visit), "redcap_event_name": event}
        for visit, event in zip(visits, events, strict=True)
    ]
    source = tmp_path / "export.csv"
    source.write_text(redcap_export.export(Q, records))
    output = tmp_path / "report.html"
    done = make_report("--from", "redcap", source, "--output", output)
    assert done.returncode == 0, done.stderr
    for shown in opened(browser, output):
        chart = shown.locator("svg.course")
        assert "in the order given" in (chart.get_attribute("aria-label") or "")
        points = chart.locator('g.panel[data-part="positive"] circle.point')
        xs = [centre_x(points.nth(i)) for i in range(points.count())]
        gaps = [b - a for a, b in itertools.pairwise(xs)]
        assert len(xs) == len(events)
        assert max(gaps) - min(gaps) < 1  # evenly: REDCap exports have no completion times
        rows = shown.locator("table.scores tr:has(td)")
        for index, event in enumerate(events):
            assert rows.nth(index).locator("td").first.inner_text() == f"{index + 1}. {event}"
        key = shown.locator("ol.changes-key li").all_inner_texts()
        assert [k.split(":")[0] for k in key] == [
            "Medications, 1. baseline_arm_1",
            "Medications, 3. week_6_arm_1",
            "Medications, 4. week_20_arm_1",
        ]
        moved = shown.locator("table.answers .moved").all_inner_texts()
        meds = LABELS["medications"]
        assert moved == [
            f"Added: {meds['snri']}. Stopped: {meds['ssri']}",
            f"Added: {meds['mood_stabilizer']}",
        ]


def test_a_domain_that_is_not_scored_has_no_bar(browser: Browser, tmp_path: Path) -> None:
    source = ROOT / "examples" / "unscorable.json"
    score = blunting.score(json.loads(source.read_text()))
    unscored = [d for d in Q.domains if score.domains[d.id].scaled is None]
    assert unscored
    output = tmp_path / "report.html"
    done = make_report(source, "--output", output)
    assert done.returncode == 0, done.stderr
    for shown in opened(browser, output):
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


def test_many_respondents_each_in_the_index_and_in_order(browser: Browser, tmp_path: Path) -> None:
    names = [f"r{n}" for n in range(110)] + ["R3", "a", "B", "é1", "e1", "r02"]
    source = tmp_path / "many.jsonl"
    with source.open("w") as out:
        for visit in range(2):
            for number, name in enumerate(reversed(names)):
                made = payload(
                    name,
                    f"2026-0{visit + 1}-01T09:00:00Z",
                    lambda _k, n=number: n % 5,
                    {"impact": number % 5},
                )
                out.write(json.dumps(made) + "\n")
    output = tmp_path / "report.html"
    done = make_report(source, "--output", output)
    assert done.returncode == 0, done.stderr
    for shown in opened(browser, output):
        links = shown.locator("nav.index a")
        assert links.count() == len(names)
        headings = shown.locator("section.respondent h2").all_inner_texts()
        assert sorted(headings) == sorted(f"Respondent {n}" for n in names)
        assert links.all_inner_texts() == headings
        targets = shown.evaluate(
            """() => [...document.querySelectorAll('nav.index a')].map(
                a => document.querySelector(a.getAttribute('href') + ' h2').textContent)"""
        )
        assert targets == headings  # each link leads to its own respondent
        at = {title: index for index, title in enumerate(headings)}
        for before, after in (("r2", "r10"), ("r9", "r100"), ("r1", "r02"), ("r02", "r2")):
            assert at[f"Respondent {before}"] < at[f"Respondent {after}"]  # numbers as numbers


def test_an_answered_impact_says_its_words_in_its_tooltip(page: Page) -> None:
    for respondent, visits in respondents().items():
        panel = section(page, respondent).locator('g.panel[data-part="impact"]')
        if len(visits) < 2:
            continue
        for visit in visits:
            answer = visit["context"].get("impact")
            if answer is None:
                continue
            point = panel.locator(f'circle.point[data-when="{visit["completed"]}"]')
            said = f"{readable(visit['completed'])}: {LABELS['impact'][answer]}"
            assert point.locator("title").text_content() == said


def test_a_declined_and_an_unasked_impact_are_told_apart(page: Page) -> None:
    declined = section(page, "p-01").locator('g.panel[data-part="impact"] line.missing')
    assert declined.locator("title").text_content() == (
        f"{readable(respondents()['p-01'][2]['completed'])}: {LABELS['impact'][None]}"
    )
    unasked = section(page, "p-05").locator('g.panel[data-part="impact"] line.missing')
    assert unasked.locator("title").text_content() == (
        f"{readable(respondents()['p-05'][1]['completed'])}: not answered"
    )


@pytest.fixture(scope="module")
def mixed_page(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    folder = tmp_path_factory.mktemp("mixed")
    source = folder / "responses.jsonl"
    source.write_text("".join(json.dumps(p) + "\n" for p in mixed()))
    output = folder / "report.html"
    done = make_report(source, "--output", output)
    assert done.returncode == 0, done.stderr
    yield from opened(browser, output)


def test_each_response_is_read_in_the_words_of_its_own_version(mixed_page: Page) -> None:
    shown = section(mixed_page, "p-06")
    rows = shown.locator("table.answers tr[data-when]")
    old = blunting.questionnaire("1.0.0")
    said = {i.id: {o.value: o.label for o in i.options} for i in old.items if i.domain is None}
    first = rows.nth(0)
    assert first.locator('td[data-item="medications"]').inner_text() == "Prefer not to answer"
    assert (
        first.locator('td[data-item="sexual_side_effects"]').inner_text()
        == said["sexual_side_effects"]["prefer_not_to_say"]
    )
    versions = shown.locator("table.scores tr[data-when] td:nth-child(2)").all_inner_texts()
    assert versions == ["1.0.0", "1.1.0", "1.1.0"]
    # both versions on one chart, the change of version marked where it happened
    chart = shown.locator("svg.course")
    assert chart.locator('g.panel[data-part="total"] circle.point').count() == 3
    marks = chart.locator('g.lane[data-part="version"] g.change')
    assert [marks.nth(i).get_attribute("data-text") for i in range(marks.count())] == [
        "1.0.0",
        "1.1.0",
    ]
    visits = [p for p in mixed() if p["respondent"] == "p-06"]
    assert marks.nth(1).get_attribute("data-when") == visits[1]["completed"]
    assert shown.locator(".left-out").count() == 0


def test_responses_left_off_the_chart_are_counted_and_listed(mixed_page: Page) -> None:
    shown = section(mixed_page, "p-07")
    assert shown.locator(".left-out").inner_text().startswith("1 response not on the chart")
    chart = shown.locator("svg.course")
    assert chart.locator('g.panel[data-part="total"] circle.point').count() == 2
    rows = shown.locator("table.answers tr[data-when]")
    assert rows.count() == 3
    assert rows.nth(2).locator("td").first.inner_text() == "3. no date"
    medicines = rows.locator('td[data-item="medications"]')
    assert medicines.nth(0).inner_text() == "nothing chosen"
    assert medicines.nth(1).locator(".moved").inner_text() == (
        f"Added: {LABELS['medications']['ssri']}"
    )
    assert medicines.nth(2).locator(".moved").count() == 0  # the undated one is not compared
    key = shown.locator("ol.changes-key li")
    assert key.nth(0).inner_text().endswith("First answer: nothing chosen")


def test_a_chart_of_undated_responses_numbers_them_as_the_tables_do(mixed_page: Page) -> None:
    shown = section(mixed_page, "p-08")
    rows = shown.locator("table.scores tr[data-when] td:first-child").all_inner_texts()
    assert rows == ["3 Feb 2026, 09:00 +00:00", "2. no date", "3. no date", "4. no date"]
    ticks = shown.locator("svg.course text.tick").all_text_contents()
    assert ticks == ["2", "3", "4"]
    first = shown.locator('table.changes tr[data-part="crying"] td').nth(1).inner_text()
    assert first.endswith("(2. no date)")
