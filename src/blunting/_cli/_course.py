"""A respondent's course over time, as one SVG: scores, impact and medicines on one axis.

One panel a domain and one for the total (0 to 100), a panel of how much
the changes bother the person (its option words up the side), and a lane a
question of several answers (medicines) with a numbered mark where the
answer was first given or changed. Every panel shares the time axis below.
A measured score is a filled point, an estimated one a hollow point; a visit
where a part was not scored, or a question not answered, has a dashed line
and no point, and the line never crosses it. One colour throughout: no
colour says good or bad.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from collections.abc import Sequence

    from blunting._cli._timeline import Axis

#: The chart's width, the room for labels on its left, and the plot's width, in CSS pixels.
WIDTH, LEFT, RIGHT = 680, 130, 16
PLOT = WIDTH - LEFT - RIGHT
#: The one colour of what was measured; grey for what was not.
INK, MUTED = "#1b4f72", "#8a8a8a"
_TITLE, _SCORES, _STEP, _GAP, _LANE, _AXIS = 16, 50, 15, 10, 22, 44


@attrs.frozen
class Point:
    """One visit's value in a panel: where it sits (0 to 1 up the plot), or ``None``."""

    #: Up the plot, from 0 (bottom) to 1 (top); ``None`` when there is no value.
    height: float | None
    #: Whether the value is estimated (a hollow point).
    estimated: bool = False
    #: What the point is, in words (its tooltip).
    words: str = ""
    #: The value a test reads (``data-value``).
    value: str = ""


@attrs.frozen
class Panel:
    """A panel of points, one a visit, with labelled levels up its side."""

    key: str
    title: str
    #: ``(height, label)`` of each level drawn across the panel.
    levels: tuple[tuple[float, str], ...]
    points: tuple[Point, ...]
    #: The panel's height in pixels.
    size: int


@attrs.frozen
class Lane:
    """A row of marks at the visits where something changed: a list's answer, the version."""

    key: str
    title: str
    #: ``(visit index, text)`` of each mark.
    marks: tuple[tuple[int, str], ...]
    #: Whether each mark is a number in a circle (a list's changes, keyed below the chart);
    #: else its text, beside a tick.
    circled: bool = False


def score_panel(key: str, title: str, points: Sequence[Point]) -> Panel:
    """A panel of scaled scores, from 0 to 100."""
    levels = tuple((level / 100, str(level)) for level in (0, 50, 100))
    return Panel(key, title, levels, tuple(points), _SCORES)


def word_panel(key: str, title: str, words: Sequence[str], points: Sequence[Point]) -> Panel:
    """A panel of ordered answer options, each level labelled with its words."""
    top = max(len(words) - 1, 1)
    levels = tuple((index / top, word) for index, word in enumerate(words))
    return Panel(key, title, levels, tuple(points), _STEP * top)


def _legend(y: float) -> str:
    x = LEFT
    parts = [
        f'<circle cx="{x + 5}" cy="{y - 4}" r="4" fill="{INK}"/>',
        f'<text x="{x + 14}" y="{y}">measured</text>',
        f'<circle cx="{x + 90}" cy="{y - 4}" r="3.5" fill="#fff" stroke="{INK}" stroke-width="2"/>',
        f'<text x="{x + 99}" y="{y}">estimated from fewer answers</text>',
        (
            f'<line x1="{x + 290}" x2="{x + 290}" y1="{y - 10}" y2="{y + 2}" stroke="{MUTED}" '
            'stroke-dasharray="3 2"/>'
        ),
        f'<text x="{x + 297}" y="{y}">not scored or not answered</text>',
    ]
    return f'<g class="legend">{"".join(parts)}</g>'


def _panel(panel: Panel, axis: Axis, top: float, when: Sequence[str]) -> str:
    low = top + _TITLE + panel.size
    parts = [
        f'<g class="panel" data-part="{escape(panel.key)}">',
        f'<text class="title" x="{LEFT}" y="{top + 12}">{escape(panel.title)}</text>',
    ]
    for height, label in panel.levels:
        y = low - height * panel.size
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{LEFT + PLOT}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="level" x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{escape(label)}</text>"
        )
    run: list[str] = []
    runs: list[list[str]] = []
    for x, point, stamp in zip(axis.xs, panel.points, when, strict=True):
        if point.height is None:
            runs.append(run)
            run = []
            parts.append(
                f'<line class="missing" data-when="{escape(stamp)}" x1="{x:.1f}" x2="{x:.1f}" '
                f'y1="{low - panel.size:.1f}" y2="{low:.1f}" stroke="{MUTED}" '
                f'stroke-dasharray="3 2"><title>{escape(point.words)}</title></line>'
            )
            continue
        run.append(f"{x:.1f},{low - point.height * panel.size:.1f}")
    runs.append(run)
    parts += (
        f'<polyline class="line" points="{" ".join(run)}" fill="none" stroke="{INK}" '
        'stroke-width="1.5"/>'
        for run in runs
        if len(run) > 1
    )
    for x, point, stamp in zip(axis.xs, panel.points, when, strict=True):
        if point.height is None:
            continue
        y = low - point.height * panel.size
        shape = (
            f'r="3.5" fill="#fff" stroke="{INK}" stroke-width="2"'
            if point.estimated
            else f'r="4" fill="{INK}"'
        )
        kind = "estimated" if point.estimated else "measured"
        parts.append(
            f'<circle class="point {kind}" data-when="{escape(stamp)}" '
            f'data-value="{escape(point.value)}" cx="{x:.1f}" cy="{y:.1f}" {shape}>'
            f"<title>{escape(point.words)}</title></circle>"
        )
    parts.append("</g>")
    return "".join(parts)


def _lane(lane: Lane, axis: Axis, top: float, when: Sequence[str]) -> str:
    y = top + _TITLE + _LANE / 2
    parts = [
        f'<g class="lane" data-part="{escape(lane.key)}">',
        f'<text class="title" x="{LEFT}" y="{top + 12}">{escape(lane.title)}</text>',
        f'<line class="grid" x1="{LEFT}" x2="{LEFT + PLOT}" y1="{y}" y2="{y}"/>',
    ]
    for index, text in lane.marks:
        x = axis.xs[index]
        shape = (
            f'<circle cx="{x:.1f}" cy="{y}" r="8" fill="#fff" stroke="{INK}" stroke-width="1.5"/>'
            f'<text x="{x:.1f}" y="{y + 4}" text-anchor="middle">{escape(text)}</text>'
            if lane.circled
            else f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y - 7}" y2="{y + 7}" stroke="{INK}"/>'
            f'<text x="{x + 4:.1f}" y="{y + 4}">{escape(text)}</text>'
        )
        parts.append(
            f'<g class="change" data-when="{escape(when[index])}" data-text="{escape(text)}">'
            f"{shape}</g>"
        )
    parts.append("</g>")
    return "".join(parts)


def _axis(axis: Axis, top: float) -> str:
    parts = [
        (
            f'<g class="time-axis"><line class="axis" x1="{LEFT}" x2="{LEFT + PLOT}" '
            f'y1="{top}" y2="{top}"/>'
        )
    ]
    parts += (
        f'<line class="axis visit" x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + 4}"/>'
        for x in axis.xs
    )
    for x, lines in axis.ticks:
        spans = "".join(
            f'<tspan x="{x:.1f}" dy="{0 if index == 0 else 14}">{escape(line)}</tspan>'
            for index, line in enumerate(lines)
        )
        parts.append(
            f'<line class="axis" x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{top + 8}"/>'
            f'<text class="tick" x="{x:.1f}" y="{top + 20}" text-anchor="middle">{spans}</text>'
        )
    if not axis.timed:
        parts.append(f'<text x="{LEFT - 6}" y="{top + 20}" text-anchor="end">response</text>')
    parts.append("</g>")
    return "".join(parts)


def _tick_lines(axis: Axis, top: float, bottom: float) -> str:
    return "".join(
        f'<line class="grid" x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{bottom}"/>'
        for x, _ in axis.ticks
    )


def chart(axis: Axis, when: Sequence[str], panels: Sequence[Panel], lanes: Sequence[Lane]) -> str:
    """The whole chart: ``when`` names each visit (``data-when``), in the axis's order."""
    top = 22.0
    drawn = []
    for panel in panels:
        drawn.append(_panel(panel, axis, top, when))
        top += _TITLE + panel.size + _GAP
    for lane in lanes:
        drawn.append(_lane(lane, axis, top, when))
        top += _TITLE + _LANE + _GAP
    height = top + _AXIS
    what = "by date" if axis.timed else "in the order given"
    return (
        f'<svg class="course" role="img" aria-label="The course of the scores {what}" '
        f'width="{WIDTH}" height="{height:.0f}" viewBox="0 0 {WIDTH} {height:.0f}">'
        f"{_legend(12)}{_tick_lines(axis, 22, top)}{''.join(drawn)}{_axis(axis, top)}</svg>"
    )
