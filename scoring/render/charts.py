"""Horizontal bar charts as inline SVG, for reports that must open and print with no network.

Hand-written SVG rather than a charting library: the charts needed are bars with labels, a
library would bring a JavaScript runtime or a browser-side CDN (or matplotlib's font and float
machinery) for what is a few rectangles, and SVG text uses the page's own font, so Vietnamese
diacritics render exactly as in the table. Coordinates are computed with Decimal and rounded to
hundredths so the same result always gives byte-identical output.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import Optional

from ..vietnamese import fmt_number, plain_number

WON, LOST, NEUTRAL, GRID, INK = "#2e7d32", "#e57373", "#90a4ae", "#cfd8dc", "#263238"
GRADE_COLOURS = ["#1b5e20", "#43a047", "#f9a825", "#c62828", "#6d4c41", "#546e7a"]


@dataclass
class Segment:
    value: Decimal
    colour: str
    name: str              # what the segment is (for the tooltip), e.g. "điểm đạt"


@dataclass
class Row:
    label: str
    segments: list[Segment]
    text: str                               # printed after the bar, e.g. "7/15"
    marker: Optional[Decimal] = None        # a thin line at this value (e.g. the self-score)
    marker_name: str = ""
    tooltip: str = ""


@dataclass
class Chart:
    title: str
    rows: list[Row]
    scale: Decimal                          # the value at the right end of the plot
    legend: list[tuple[str, str]] = field(default_factory=list)  # (colour, text)
    label_chars: int = 40                   # characters per label line before wrapping
    # Ticks on whole numbers only (counts of units: "1,5 đơn vị" means nothing). None: decide from the
    # values, whole when every bar and the scale are whole numbers.
    whole: Optional[bool] = None


def _n(d: Decimal) -> str:
    q = Decimal(d).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return plain_number(q)


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters, broken between words; a word longer than a line is split.
    Nothing is dropped: the chart grows instead of cutting a ward's name or a title short."""
    out, cur = [], ""
    for w in text.split():
        while len(w) > width:
            if cur:
                out.append(cur)
                cur = ""
            out.append(w[:width])
            w = w[width:]
        if cur and len(cur) + 1 + len(w) > width:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    if cur:
        out.append(cur)
    return out or [""]


STEPS = (1, 2, 5)


def ticks(scale: Decimal, whole: bool) -> tuple[Decimal, list[Decimal]]:
    """The axis's end and its gridline values. Whole: a step of 1, 2, 5, 10, 20, … giving at most 5
    intervals, the end raised to a multiple of it (3 units → 0 1 2 3; 7 → 0 2 4 6 8). Otherwise quarters."""
    if not whole:
        return scale, [scale * k / 4 for k in range(5)]
    top = max(int(scale.to_integral_value(rounding="ROUND_CEILING")), 1)
    magnitude = 1
    while True:
        step = next((m * magnitude for m in STEPS if -(-top // (m * magnitude)) <= 5), None)
        if step is not None:
            break
        magnitude *= 10
    end = -(-top // step) * step
    return Decimal(end), [Decimal(v) for v in range(0, end + 1, step)]


def _is_whole(chart: "Chart") -> bool:
    if chart.whole is not None:
        return chart.whole
    values = [seg.value for row in chart.rows for seg in row.segments] + [chart.scale]
    return all(Decimal(v) == Decimal(v).to_integral_value() for v in values)


def _legend_lines(legend: list[tuple[str, str]], width: int) -> list[list[tuple[int, str, str]]]:
    """Legend entries as (x, colour, text) per line: a new line rather than entries cut off at the edge."""
    lines: list[list[tuple[int, str, str]]] = []
    x = 0
    for colour, name in legend:
        w = 24 + 7 * len(name)
        if not lines or (x > 0 and x + w - 8 > width):
            lines.append([])
            x = 0
        lines[-1].append((x, colour, name))
        x += w
    return lines


def svg(chart: Chart, width: int = 760) -> str:
    """The chart as an `<svg>` element (role img, with a text title for screen readers)."""
    label_w = chart.label_chars * 7 + 8
    # the text after each bar: 120 px (16 characters at about 7 px) unless a row's text is longer
    text_w = max([120] + [7 * len(row.text) + 8 for row in chart.rows])
    plot_w = Decimal(width - label_w - text_w)
    title_lines = _wrap(chart.title, width // 8)     # bold 14px: about 8 px a character
    legend = _legend_lines(chart.legend, width)
    labels = [_wrap(row.label, chart.label_chars) for row in chart.rows]
    heights = [max(36, 14 * len(lines) + 12) for lines in labels]
    head = 18 * len(title_lines)
    top = head + 10 + 22 * len(legend)
    height = top + sum(heights) + 26
    scale, grid = ticks(chart.scale if chart.scale > 0 else Decimal(1), _is_whole(chart))
    x0 = Decimal(label_w)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" font-size="12" fill="{INK}">',
             f"<title>{escape(chart.title)}</title>"]
    for i, line in enumerate(title_lines):
        parts.append(f'<text x="0" y="{16 + 18 * i}" font-weight="bold" font-size="14">{escape(line)}</text>')
    for i, line in enumerate(legend):
        for x, colour, name in line:
            parts.append(f'<rect x="{x}" y="{head + 10 + 22 * i}" width="12" height="12" fill="{colour}"/>'
                         f'<text x="{x + 16}" y="{head + 20 + 22 * i}">{escape(name)}</text>')
    for value in grid:
        gx = x0 + plot_w * value / scale
        parts.append(f'<line x1="{_n(gx)}" y1="{top - 4}" x2="{_n(gx)}" y2="{height - 22}" stroke="{GRID}"/>'
                     f'<text x="{_n(gx)}" y="{height - 8}" text-anchor="middle" font-size="10">'
                     f"{escape(fmt_number(value))}</text>")
    y = top
    for row, lines, row_h in zip(chart.rows, labels, heights):
        tip = row.tooltip or row.label
        parts.append(f'<g class="bar"><title>{escape(tip)}</title>')
        for j, line in enumerate(lines):
            ly = Decimal(y + row_h // 2 + 4) + Decimal(2 * j - (len(lines) - 1)) * Decimal(7)
            parts.append(f'<text x="0" y="{_n(ly)}">{escape(line)}</text>')
        x = x0
        bar_h = 20
        bar_y = y + (row_h - bar_h) // 2
        for seg in row.segments:
            if seg.value <= 0:
                continue
            w = plot_w * min(seg.value, scale) / scale
            parts.append(f'<rect x="{_n(x)}" y="{bar_y}" width="{_n(w)}" height="{bar_h}" fill="{seg.colour}">'
                         f"<title>{escape(seg.name)}: {escape(fmt_number(seg.value))}</title></rect>")
            x += w
        if row.marker is not None:
            mx = x0 + plot_w * min(max(row.marker, Decimal(0)), scale) / scale
            parts.append(f'<line x1="{_n(mx)}" y1="{bar_y - 4}" x2="{_n(mx)}" y2="{bar_y + bar_h + 4}" stroke="{INK}" '
                         f'stroke-width="2" stroke-dasharray="3 2"><title>{escape(row.marker_name)}: '
                         f"{escape(fmt_number(row.marker))}</title></line>")
        parts.append(f'<text x="{_n(x0 + plot_w + 8)}" y="{y + row_h // 2 + 4}">{escape(row.text)}</text></g>')
        y += row_h
    parts.append("</svg>")
    return "".join(parts)
