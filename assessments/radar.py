"""Draw area scores as a radar chart in a self-contained SVG. Pure Python, no Django.

The SVG is made for the practitioner's report and for paper: no scripts,
fonts or links, and the two series differ in line pattern (solid with round
markers, dashed with square markers), not only in colour, so the chart still
reads when printed in black and white. Screen readers get a title and a
description that lists every value, including the ones left unanswered.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TypedDict
from xml.sax.saxutils import escape

SCALE_MAX = 100
MAX_SERIES = 2
RINGS = (25, 50, 75, 100)
FONT_SIZE = 11
LABEL_GAP = 10
LEGEND_ROW = 20
# Rough width of one character of the generic sans-serif, in ems, for fitting labels.
CHAR_WIDTH = 0.6


class _SeriesStyle(TypedDict):
    stroke: str
    dash: str | None
    marker: str


_STYLES: tuple[_SeriesStyle, ...] = (
    {"stroke": "#1d3557", "dash": None, "marker": "circle"},
    {"stroke": "#9c4100", "dash": "7 4", "marker": "square"},
)
_MARKER_RADIUS = 3.5
_HOLLOW_FILL = "#ffffff"
_GRID = "#b0b0b0"
_CHART_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
# Characters XML 1.0 cannot hold even when escaped (most control characters).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def radar_svg(
    series: list[tuple[str, list[float | None]]],
    labels: list[str],
    size: int = 320,
    *,
    title: str = "Balance by area",
    chart_id: str = "radar",
) -> str:
    """Return an accessible SVG radar chart of up to two series of 0-100 scores.

    ``series`` holds (name, values) pairs with one value per label; None means
    not answered, drawn at the centre with a hollow marker. ``size`` is the
    width and height of the chart itself; the SVG widens to fit long labels
    and grows a legend below. Pass a distinct ``chart_id`` when one page
    shows several charts, since it prefixes the ids of the title and description.
    """
    _check(series, labels, size, chart_id)
    centre = size / 2
    radius = size * 0.34
    corners = [_corner(index, len(labels)) for index in range(len(labels))]

    def point(index: int, value: float) -> tuple[float, float]:
        cos, sin = corners[index]
        distance = radius * value / SCALE_MAX
        return centre + distance * cos, centre + distance * sin

    left, right = _label_overflow(labels, corners, centre, radius, size)
    width = size + left + right
    height = size + LEGEND_ROW * len(series) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(width)}" height="{height}" '
        f'viewBox="{_num(-left)} 0 {_num(width)} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="sans-serif" font-size="{FONT_SIZE}">',
        f'<title id="{chart_id}-title">{_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{_text(_description(series, labels))}</desc>',
        f'<rect x="{_num(-left)}" y="0" width="{_num(width)}" height="{height}" fill="#ffffff"/>',
    ]
    for ring in RINGS:
        ring_points = " ".join(_pair(point(index, ring)) for index in range(len(labels)))
        parts.append(
            f'<polygon points="{ring_points}" fill="none" stroke="{_GRID}" stroke-width="0.75"/>'
        )
        x, y = point(0, ring)
        parts.append(
            f'<text x="{_num(x + 3)}" y="{_num(y + 3)}" font-size="8" fill="#595959">{ring}</text>'
        )
    for index in range(len(labels)):
        x, y = point(index, SCALE_MAX)
        parts.append(
            f'<line x1="{_num(centre)}" y1="{_num(centre)}" x2="{_num(x)}" y2="{_num(y)}" '
            f'stroke="{_GRID}" stroke-width="0.75"/>'
        )
    for index, label in enumerate(labels):
        cos, sin = corners[index]
        x = centre + (radius + LABEL_GAP) * cos
        y = centre + (radius + LABEL_GAP) * sin + FONT_SIZE * (0.35 + 0.5 * sin)
        parts.append(
            f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{_anchor(cos)}" fill="#1a1a1a">'
            f"{_text(label)}</text>"
        )
    for (_, values), style in zip(series, _STYLES, strict=False):
        drawn = [point(index, value or 0) for index, value in enumerate(values)]
        dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
        parts.append(
            f'<polygon class="series" points="{" ".join(_pair(p) for p in drawn)}" '
            f'fill="{style["stroke"]}" fill-opacity="0.08" stroke="{style["stroke"]}" '
            f'stroke-width="2" stroke-linejoin="round"{dash}/>'
        )
        for (x, y), value in zip(drawn, values, strict=True):
            fill = _HOLLOW_FILL if value is None else style["stroke"]
            parts.append(_marker(style["marker"], x, y, fill, style["stroke"]))
    for row, ((name, _), style) in enumerate(zip(series, _STYLES, strict=False)):
        y = size + LEGEND_ROW * row + LEGEND_ROW / 2
        x = size * 0.2
        dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
        parts.append(
            f'<line x1="{_num(x)}" y1="{_num(y)}" x2="{_num(x + 30)}" y2="{_num(y)}" '
            f'stroke="{style["stroke"]}" stroke-width="2"{dash}/>'
        )
        parts.append(_marker(style["marker"], x + 15, y, style["stroke"], style["stroke"]))
        parts.append(
            f'<text x="{_num(x + 40)}" y="{_num(y + FONT_SIZE * 0.35)}" fill="#1a1a1a">'
            f"{_text(name)}</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _check(
    series: Sequence[tuple[str, Sequence[float | None]]],
    labels: Sequence[str],
    size: int,
    chart_id: str,
) -> None:
    if not 1 <= len(series) <= MAX_SERIES:
        raise ValueError(f"Draw 1 or {MAX_SERIES} series, not {len(series)}.")
    if len(labels) < 3:
        raise ValueError("A radar chart needs at least 3 labels.")
    if size < 100:
        raise ValueError("Size must be at least 100 pixels.")
    if not _CHART_ID.match(chart_id):
        raise ValueError(f"{chart_id!r} is not usable as an XML id.")
    for name, values in series:
        if len(values) != len(labels):
            raise ValueError(f"Series {name!r} has {len(values)} values for {len(labels)} labels.")
        for value in values:
            if value is not None and not (math.isfinite(value) and 0 <= value <= SCALE_MAX):
                raise ValueError(f"Series {name!r} has {value!r}, outside 0-{SCALE_MAX}.")


def _description(
    series: Sequence[tuple[str, Sequence[float | None]]], labels: Sequence[str]
) -> str:
    lines = [f"Scores from 0 to {SCALE_MAX} on {len(labels)} axes: {', '.join(labels)}."]
    for name, values in series:
        readings = [
            f"{label} {'not answered' if value is None else _num(value)}"
            for label, value in zip(labels, values, strict=True)
        ]
        lines.append(f"{name}: {', '.join(readings)}.")
    return " ".join(lines)


def _corner(index: int, count: int) -> tuple[float, float]:
    """Return the unit direction of an axis; the first points straight up, then clockwise."""
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return math.cos(angle), math.sin(angle)


def _anchor(cos: float) -> str:
    if cos > 0.2:
        return "start"
    if cos < -0.2:
        return "end"
    return "middle"


def _label_overflow(
    labels: Sequence[str],
    corners: Sequence[tuple[float, float]],
    centre: float,
    radius: float,
    size: int,
) -> tuple[float, float]:
    """Return how far labels reach past the chart's left and right edges, with a margin."""
    lowest, highest = 0.0, float(size)
    for label, (cos, _) in zip(labels, corners, strict=True):
        x = centre + (radius + LABEL_GAP) * cos
        width = len(label) * FONT_SIZE * CHAR_WIDTH
        start = {"start": x, "end": x - width, "middle": x - width / 2}[_anchor(cos)]
        lowest, highest = min(lowest, start - 4), max(highest, start + width + 4)
    return round(-lowest, 1), round(highest - size, 1)


def _marker(shape: str, x: float, y: float, fill: str, stroke: str) -> str:
    if shape == "circle":
        return (
            f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_MARKER_RADIUS}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
        )
    side = _MARKER_RADIUS * 2
    return (
        f'<rect x="{_num(x - side / 2)}" y="{_num(y - side / 2)}" width="{side}" height="{side}" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
    )


def _pair(point: tuple[float, float]) -> str:
    return f"{_num(point[0])},{_num(point[1])}"


def _num(value: float) -> str:
    """Format a number briefly: whole numbers without decimals, others to one place."""
    rounded = round(value, 1)
    return str(int(rounded)) if rounded == int(rounded) else f"{rounded:.1f}"


def _text(value: str) -> str:
    """Escape text for XML element content and attribute values."""
    return escape(_NOT_XML.sub("", value), {'"': "&quot;"})
