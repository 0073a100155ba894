"""Inline SVG charts of a profile page: histograms and bars, drawn as text, no scripts.

Histograms for numbers and dates, bars of the top values for categories, histograms of
value lengths for columns whose values are withheld; ``esc`` and ``fmt`` write text into
them (and into the page) safely.
"""

from __future__ import annotations

import html
from typing import Any

CHART_WIDTH = 420
CHART_HEIGHT = 150
BAR_ROW = 22
LABEL_CHARS = 24


def esc(value: Any) -> str:
    """HTML-escaped text; ``://`` is written as an entity so no address appears verbatim."""
    return html.escape(str(value), quote=True).replace("://", ":&#47;&#47;")


def fmt(value: Any) -> str:
    """A value as shown: thousands separators, at most 4 decimals, "–" for none."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != 0 and (abs(value) >= 1e7 or abs(value) < 1e-3):
            return f"{value:.4g}"
        return f"{value:,.4f}".rstrip("0").rstrip(".")
    return str(value)


def empty_svg(text: str) -> str:
    """A placeholder chart."""
    return (
        f'<svg viewBox="0 0 {CHART_WIDTH} 60" width="{CHART_WIDTH}" height="60" '
        f'role="img" aria-label="{esc(text)}"><rect x="0" y="0" width="{CHART_WIDTH}" '
        f'height="60" fill="#f6f8fa" rx="6"/><text x="{CHART_WIDTH // 2}" y="34" '
        f'text-anchor="middle">{esc(text)}</text></svg>'
    )


def _axis_label(value: Any, lengths: bool) -> str:
    if lengths and isinstance(value, float):
        return f"{value + 0.5:.0f}"
    if isinstance(value, float):
        return fmt(value)
    text = str(value)[:19].replace("T00:00:00", "")
    if "T" in text:  # an ISO datetime: "2013-01-01 10:00"
        text = text.replace("T", " ").removesuffix(":00")
    return text


def _compact(count: int) -> str:
    """A count in at most five characters: 950, 11.6k, 2.3M."""
    for size, unit in ((1_000_000_000, "G"), (1_000_000, "M"), (1_000, "k")):
        if count >= size:
            value = count / size
            return f"{value:.1f}{unit}" if value < 100 else f"{value:.0f}{unit}"
    return str(count)


def histogram_svg(edges: list[Any], counts: list[int], lengths: bool = False) -> str:
    """Vertical bars of ``counts`` over the bins between ``edges``."""
    left, right, top, bottom = 44, 8, 10, 24
    width, height = CHART_WIDTH, CHART_HEIGHT
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max(max(counts), 1)
    n = len(counts)
    step = plot_w / max(n, 1)
    gap = 1 if step > 3 else 0
    bars = []
    for i, count in enumerate(counts):
        h = plot_h * count / peak
        x = left + i * step
        label = f"{_axis_label(edges[i], lengths)} – {_axis_label(edges[i + 1], lengths)}"
        if lengths:
            label = f"length {_axis_label(edges[i], True)}"
        bars.append(
            f'<rect class="bar" x="{x:.1f}" y="{top + plot_h - h:.1f}" '
            f'width="{max(step - gap, 0.5):.1f}" height="{max(h, 0):.1f}">'
            f"<title>{esc(label)}: {count:,}</title></rect>"
        )
    axis = (
        f'<line class="axis" x1="{left}" y1="{top + plot_h}" x2="{width - right}" '
        f'y2="{top + plot_h}"/><line class="axis" x1="{left}" y1="{top}" x2="{left}" '
        f'y2="{top + plot_h}"/>'
    )
    first = _axis_label(edges[0], lengths)
    last = _axis_label(edges[-1], lengths) if not lengths else _axis_label(edges[-2], True)
    labels = (
        f'<text x="{left}" y="{height - 6}">{esc(first)}</text>'
        f'<text x="{width - right}" y="{height - 6}" text-anchor="end">{esc(last)}</text>'
        f'<text x="{left - 4}" y="{top + 9}" text-anchor="end">{_compact(peak)}</text>'
        f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">0</text>'
    )
    if n >= 4:
        middle = _axis_label(edges[n // 2], lengths)
        labels += (
            f'<text x="{left + (n // 2) * step:.1f}" y="{height - 6}" '
            f'text-anchor="middle">{esc(middle)}</text>'
        )
    return (
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="histogram">{axis}{"".join(bars)}{labels}</svg>'
    )


def bars_svg(top_values: list[dict[str, Any]]) -> str:
    """Horizontal bars of the top values: label, bar, count and share."""
    label_w, value_w = 150, 92
    width = CHART_WIDTH
    bar_w = width - label_w - value_w
    height = BAR_ROW * len(top_values) + 6
    peak = max(max(int(t["count"]) for t in top_values), 1)
    rows = []
    for i, item in enumerate(top_values):
        y = 3 + i * BAR_ROW
        text = fmt(item.get("value"))
        short = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"
        w = max(bar_w * int(item["count"]) / peak, 1)
        rows.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{esc(short)}</text>'
            f'<rect class="bar" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{BAR_ROW - 6}"'
            f' rx="2"><title>{esc(text)}: {int(item["count"]):,}</title></rect>'
            f'<text x="{label_w + w + 5:.1f}" y="{y + 15}">{int(item["count"]):,} '
            f"({float(item['share']):.1%})</text>"
        )
    return (
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-label="top values">{"".join(rows)}</svg>'
    )
