"""A profile as one self-contained HTML page: inline CSS, inline SVG charts, no scripts.

Nothing is loaded from elsewhere (no scripts, stylesheets, fonts or images), so the page
works offline and can be mailed as one file. Charts are drawn here as SVG: histograms
for numbers and dates, bars of the top values for categories, and histograms of value
lengths for columns whose values are withheld.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from syndata.report_svg import bars_svg, empty_svg, esc, fmt, histogram_svg

if TYPE_CHECKING:
    from syndata.profiling import ColumnProfile, Profile

RULE_ITEMS = 12

_KIND_COLORS = {
    "numerical": "#2563eb",
    "categorical": "#7c3aed",
    "boolean": "#0891b2",
    "datetime": "#059669",
    "date_string": "#059669",
    "id": "#64748b",
    "text": "#b45309",
    "email": "#db2777",
    "phone": "#db2777",
    "url": "#db2777",
    "uuid": "#64748b",
    "postal_code": "#db2777",
}

_CSS = """
:root { --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --card: #ffffff;
  --page: #f5f6f8; --bar: #4f6bed; --bar-hover: #2f49c9; --warn: #fff7e6;
  --warn-line: #f3c36b; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 28px 20px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 12px; }
.sub { color: var(--muted); margin: 0 0 20px; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 12px; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 12px 14px; }
.tile .v { font-size: 22px; font-weight: 600; }
.tile .k { color: var(--muted); font-size: 12px; text-transform: uppercase;
  letter-spacing: .04em; }
.chips { margin: 14px 0 0; display: flex; flex-wrap: wrap; gap: 6px; }
.chip, .badge { display: inline-block; border-radius: 999px; padding: 1px 9px; font-size: 12px;
  color: #fff; white-space: nowrap; }
.badge.plain { background: #eef0f4; color: var(--ink); }
.badge.pk { background: #111827; }
.warnings { background: var(--warn); border: 1px solid var(--warn-line); border-radius: 10px;
  padding: 10px 16px; margin-top: 18px; }
.warnings ul { margin: 6px 0 0; padding-left: 18px; }
table { border-collapse: collapse; width: 100%; }
.overview { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  overflow: hidden; }
.overview th, .overview td { text-align: left; padding: 7px 12px;
  border-bottom: 1px solid var(--line); }
.overview th { background: #fafbfc; font-weight: 600; color: var(--muted); font-size: 12px;
  text-transform: uppercase; letter-spacing: .04em; }
.overview tr:last-child td { border-bottom: 0; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
a { color: #2f49c9; text-decoration: none; }
a:hover { text-decoration: underline; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr));
  gap: 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px;
  padding: 16px 18px; min-width: 0; }
.card h3 { margin: 0; font-size: 16px; word-break: break-all; }
.card header { display: flex; align-items: center; gap: 8px; flex-wrap: wrap;
  margin-bottom: 10px; }
.stats { display: grid; grid-template-columns: 1fr 1fr; column-gap: 22px; margin-top: 10px; }
.kv { display: flex; justify-content: space-between; gap: 8px; padding: 2px 0; font-size: 13px;
  border-bottom: 1px dotted var(--line); }
.kv span:first-child { color: var(--muted); }
.kv span:last-child { text-align: right; font-variant-numeric: tabular-nums;
  word-break: break-all; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font: 11px system-ui, sans-serif; fill: #4b5563; }
svg .bar { fill: var(--bar); }
svg .bar:hover { fill: var(--bar-hover); }
svg .axis { stroke: #9ca3af; stroke-width: 1; }
.caption { color: var(--muted); font-size: 12px; margin: 4px 0 0; }
code, pre { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: #f6f8fa; border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px;
  margin: 10px 0 0; white-space: pre-wrap; word-break: break-all; }
.label { color: var(--muted); font-size: 12px; margin-top: 10px; }
footer { color: var(--muted); font-size: 12px; margin-top: 36px; }
@media (max-width: 640px) { .cards { grid-template-columns: 1fr; }
  .stats { grid-template-columns: 1fr; } }
"""


def render_profile(profile: Profile) -> str:
    """The whole page."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>Profile of {esc(profile.table)}</title>",
        f"<style>{_CSS}</style></head><body><main>",
        f"<h1>Profile of {esc(profile.table)}</h1>",
        f'<p class="sub">{esc(profile.sample_note)}'
        + (f" &middot; source: {esc(profile.source)}" if profile.source else "")
        + "</p>",
        _summary(profile),
        _warnings(profile),
        "<h2>Columns</h2>",
        _overview(profile),
        _invariants(profile),
        '<h2>Column details</h2><div class="cards">',
        *(_card(i, col, profile) for i, col in enumerate(profile.columns)),
        "</div>",
        "<footer>Made by syndata profile. Values of identifier, free-text, e-mail, phone, "
        "URL, UUID and postal-code columns are withheld: only counts and value lengths are "
        "shown. Rules are the ones written to the YAML config.</footer>",
        "</main></body></html>",
    ]
    return "\n".join(parts) + "\n"


def _summary(profile: Profile) -> str:
    cells = sum(profile.sampled_rows for _ in profile.columns)
    nulls = sum(c.nulls for c in profile.columns)
    tiles = [
        ("rows", f"{profile.rows:,}"),
        ("profiled rows", f"{profile.sampled_rows:,}"),
        ("columns", f"{len(profile.columns):,}"),
        ("missing cells", f"{nulls / cells:.1%}" if cells else "0%"),
        ("duplicate rows", f"{profile.duplicate_rows:,}"),
        ("primary key", profile.primary_key or "none found"),
    ]
    out = ['<section class="tiles">']
    out += [
        f'<div class="tile"><div class="v">{esc(v)}</div><div class="k">{esc(k)}</div></div>'
        for k, v in tiles
    ]
    out.append("</section>")
    kinds: dict[str, int] = {}
    for col in profile.columns:
        kinds[col.kind] = kinds.get(col.kind, 0) + 1
    chips = "".join(
        f'<span class="chip" style="background:{_KIND_COLORS.get(k, "#6b7280")}">'
        f"{esc(k)} &times; {n}</span>"
        for k, n in kinds.items()
    )
    out.append(f'<div class="chips">{chips}</div>')
    return "\n".join(out)


def _invariants(profile: Profile) -> str:
    if not profile.invariants:
        return ""
    items = "".join(
        f"<li>{esc(i.describe())} <small>({i.evidence.rows:,} rows, "
        f"{i.evidence.share:.1%} obey)</small></li>"
        for i in profile.invariants
    )
    return f"<h2>Rules every row obeys</h2><ul>{items}</ul>"


def _warnings(profile: Profile) -> str:
    if not profile.warnings:
        return ""
    items = "".join(f"<li>{esc(w)}</li>" for w in profile.warnings)
    return f'<section class="warnings"><strong>Warnings</strong><ul>{items}</ul></section>'


def _kind_badge(kind: str) -> str:
    return (
        f'<span class="badge" style="background:{_KIND_COLORS.get(kind, "#6b7280")}">'
        f"{esc(kind)}</span>"
    )


def _overview(profile: Profile) -> str:
    rows = []
    for i, col in enumerate(profile.columns):
        key = ' <span class="badge pk">PK</span>' if col.name == profile.primary_key else ""
        rows.append(
            f'<tr><td><a href="#col-{i}">{esc(col.name)}</a>{key}</td>'
            f"<td>{_kind_badge(col.kind)}{_pii_badge(col)}</td>"
            f"<td><code>{esc(col.dtype)}</code></td>"
            f'<td class="num">{col.null_share:.1%}</td><td class="num">{col.distinct:,}</td>'
            f"<td>{'yes' if col.unique else ''}</td><td>{esc(_rule_name(col.rule))}</td></tr>"
        )
    head = (
        '<tr><th>column</th><th>kind</th><th>type</th><th class="num">nulls</th>'
        '<th class="num">distinct</th><th>unique</th><th>rule</th></tr>'
    )
    return f'<div class="overview"><table>{head}{"".join(rows)}</table></div>'


def _pii_badge(col: ColumnProfile) -> str:
    if not col.pii:
        return ""
    return (
        f' <span class="badge" style="background:#b91c1c" title="personal data: '
        f'regenerated or masked, never copied">PII: {esc(col.pii)}</span>'
    )


def _rule_name(rule: dict[str, Any] | None) -> str:
    return "default" if not rule else str(rule.get("type", ""))


def _card(index: int, col: ColumnProfile, profile: Profile) -> str:
    badges = [_kind_badge(col.kind), f'<span class="badge plain">{esc(col.dtype)}</span>']
    if col.pii:
        badges.append(_pii_badge(col).strip())
    if col.name == profile.primary_key:
        badges.append('<span class="badge pk">primary key</span>')
    elif col.candidate_primary_key:
        badges.append('<span class="badge plain">key candidate</span>')
    stats: list[tuple[str, Any]] = [
        ("nulls", f"{col.nulls:,} ({col.null_share:.1%})"),
        ("distinct", col.distinct),
        ("unique", col.unique),
    ]
    for label in ("min", "max", "mean", "std"):
        if getattr(col, label) is not None:
            stats.append((label, getattr(col, label)))
    for label, value in (col.quantiles or {}).items():
        if label in ("p5", "p25", "p50", "p75", "p95"):
            stats.append((label, value))
    if col.format:
        stats.append(("format", col.format))
    table = "".join(
        f'<div class="kv"><span>{esc(k)}</span><span>{esc(fmt(v))}</span></div>' for k, v in stats
    )
    chart, caption = _chart(col)
    extra = []
    if col.pattern:
        extra.append(f'<div class="label">shape</div><pre>{esc(col.pattern)}</pre>')
    if col.hidden and col.top_values:
        counts = ", ".join(f"{t['count']:,}" for t in col.top_values[:5])
        extra.append(
            f'<div class="label">most frequent values occur {esc(counts)} times '
            "(values withheld)</div>"
        )
    extra.append(f'<div class="label">rule</div><pre>{esc(_rule_text(col.rule))}</pre>')
    return (
        f'<article class="card" id="col-{index}"><header><h3>{esc(col.name)}</h3>'
        f'{"".join(badges)}</header>{chart}<p class="caption">{esc(caption)}</p>'
        f'<div class="stats">{table}</div>{"".join(extra)}</article>'
    )


def _rule_text(rule: dict[str, Any] | None) -> str:
    if not rule:
        return "(none: the column type's default)"
    shown = dict(rule)
    for key in ("value", "weights"):
        items = shown.get(key)
        if isinstance(items, list) and len(items) > RULE_ITEMS:
            shown[key] = [*items[:RULE_ITEMS], f"... {len(items) - RULE_ITEMS} more"]
    return json.dumps(shown, ensure_ascii=False)


def _chart(col: ColumnProfile) -> tuple[str, str]:
    hist = col.histogram
    if hist and hist.get("counts") and (col.hidden or col.kind not in ("categorical", "boolean")):
        caption = (
            "value lengths (values withheld)"
            if hist.get("of") == "length"
            else "distribution of values"
        )
        return histogram_svg(
            hist["edges"], hist["counts"], lengths=hist.get("of") == "length"
        ), caption
    if col.top_values and not col.hidden:
        shown = len(col.top_values)
        caption = (
            f"top {shown} of {col.distinct:,} values"
            if col.distinct > shown
            else f"all {col.distinct:,} values"
        )
        return bars_svg(col.top_values), caption
    return empty_svg("no values"), "no values to chart"
