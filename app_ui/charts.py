"""Charts comparing real and synthetic tables (Altair); pure functions of DataFrames.

The data behind each chart is aggregated here (histogram bins, category shares,
correlation matrices), so a chart stays small however many rows the tables have.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from syndata.privacy.disclosure import shown_counts

REAL, SYNTHETIC = "real", "synthetic"
SOURCE_COLOURS = alt.Scale(domain=[REAL, SYNTHETIC], range=["#4C78A8", "#F58518"])
NUMERIC_KINDS = {"numerical", "numeric", "float", "int", "integer"}
SKIPPED_KINDS = {"id"}
OTHER = "(other)"
MISSING = "(missing)"


def is_numeric(series: pd.Series, kind: str | None = None) -> bool:
    """Whether a column is drawn as a histogram (numbers) rather than category shares."""
    if kind is not None and kind not in NUMERIC_KINDS:
        return False
    return bool(pd.api.types.is_numeric_dtype(series)) and not pd.api.types.is_bool_dtype(series)


def chartable_columns(
    real: pd.DataFrame, synthetic: pd.DataFrame, kinds: Mapping[str, str] | None = None
) -> list[str]:
    """Columns in both tables worth a distribution chart (keys and unique ids left out)."""
    kinds = kinds or {}
    chosen = []
    for column in real.columns:
        if column not in synthetic.columns or kinds.get(column) in SKIPPED_KINDS:
            continue
        series = real[column]
        if (
            not is_numeric(series, kinds.get(column))
            and len(series) > 20
            and series.nunique(dropna=True) >= 0.9 * series.notna().sum()
        ):
            continue  # free text or an identifier: every value differs
        chosen.append(str(column))
    return chosen


def histogram_data(real: pd.Series, synthetic: pd.Series, bins: int = 20) -> pd.DataFrame:
    """Shared bins of both columns and each source's share of its non-null values per bin."""
    values = {
        REAL: pd.to_numeric(real, errors="coerce").to_numpy(dtype=float),
        SYNTHETIC: pd.to_numeric(synthetic, errors="coerce").to_numpy(dtype=float),
    }
    finite = {k: v[np.isfinite(v)] for k, v in values.items()}
    both = np.concatenate(list(finite.values()))
    if both.size == 0:
        return pd.DataFrame(columns=["start", "end", "source", "share"])
    low, high = float(both.min()), float(both.max())
    if low == high:
        low, high = low - 0.5, high + 0.5
    edges = np.linspace(low, high, bins + 1)
    rows = []
    for source, data in finite.items():
        counts, _ = np.histogram(data, bins=edges)
        total = max(int(data.size), 1)
        rows += [
            {
                "start": float(edges[i]),
                "end": float(edges[i + 1]),
                "source": source,
                "share": float(counts[i]) / total,
            }
            for i in range(bins)
        ]
    return pd.DataFrame(rows)


def category_data(real: pd.Series, synthetic: pd.Series, top: int = 15) -> pd.DataFrame:
    """Each source's share of the real data's ``top`` categories (the rest as ``(other)``).

    Only categories seen at least k times in the real data are named (the disclosure
    rule); rarer ones count under ``(other)``.
    """

    def labels(series: pd.Series) -> pd.Series:
        return series.astype("object").where(series.notna(), MISSING).astype(str)

    real_labels, synthetic_labels = labels(real), labels(synthetic)
    order = list(shown_counts(real_labels.value_counts()).index[:top])
    rows = []
    for source, data in ((REAL, real_labels), (SYNTHETIC, synthetic_labels)):
        shares = data.where(data.isin(order), OTHER).value_counts(normalize=True)
        for category in [*order, OTHER]:
            if category == OTHER and OTHER not in shares.index:
                continue
            rows.append(
                {"category": category, "source": source, "share": float(shares.get(category, 0.0))}
            )
    return pd.DataFrame(rows, columns=["category", "source", "share"])


def distribution_chart(
    real: pd.Series, synthetic: pd.Series, *, title: str | None = None, kind: str | None = None
) -> alt.Chart:
    """Real against synthetic for one column: overlaid histograms or grouped category bars."""
    name = title or str(real.name)
    # a legend above or below the plot squashes it in Streamlit: keep it on the right
    legend = alt.Color("source:N", scale=SOURCE_COLOURS, title=None)
    share = alt.Y("share:Q", title="share of rows", axis=alt.Axis(format="%"), stack=None)
    if is_numeric(real, kind):
        data = histogram_data(real, synthetic)
        return (
            alt.Chart(data, title=name)
            .mark_bar(opacity=0.55, binSpacing=0)
            .encode(
                x=alt.X("start:Q", bin="binned", title=name),
                x2="end:Q",
                y=share,
                color=legend,
                tooltip=[
                    alt.Tooltip("source:N"),
                    alt.Tooltip("start:Q", format=".4g"),
                    alt.Tooltip("end:Q", format=".4g"),
                    alt.Tooltip("share:Q", format=".1%"),
                ],
            )
            .properties(height=280)
        )
    data = category_data(real, synthetic)
    order = list(dict.fromkeys(data["category"]))
    return (
        alt.Chart(data, title=name)
        .mark_bar()
        .encode(
            x=alt.X(
                "category:N", sort=order, title=None, axis=alt.Axis(labelAngle=-30, labelLimit=120)
            ),
            xOffset=alt.XOffset("source:N", sort=[REAL, SYNTHETIC]),
            y=share,
            color=legend,
            tooltip=[
                alt.Tooltip("category:N"),
                alt.Tooltip("source:N"),
                alt.Tooltip("share:Q", format=".1%"),
            ],
        )
        .properties(height=280)
    )


def correlation_matrix(frame: pd.DataFrame, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """Pearson correlations of the numeric columns (or of ``columns``), long format."""
    chosen = (
        list(columns)
        if columns is not None
        else [str(c) for c in frame.columns if is_numeric(frame[c])]
    )
    numeric = frame[chosen].apply(pd.to_numeric, errors="coerce") if chosen else frame[[]]
    matrix = numeric.corr() if len(chosen) >= 2 else pd.DataFrame()
    values = matrix.to_numpy(dtype=float)
    names = [str(c) for c in matrix.columns]
    rows = [
        {"x": a, "y": b, "correlation": float(values[i, j])}
        for i, a in enumerate(names)
        for j, b in enumerate(names)
        if np.isfinite(values[i, j])
    ]
    return pd.DataFrame(rows, columns=["x", "y", "correlation"])


def correlation_heatmap(
    frame: pd.DataFrame, *, title: str, columns: Iterable[str] | None = None
) -> alt.LayerChart | None:
    """A heatmap of the correlations of ``frame``'s numeric columns; None under two."""
    data = correlation_matrix(frame, columns)
    if data.empty:
        return None
    order = list(dict.fromkeys(data["x"]))
    base = alt.Chart(data, title=title).encode(
        x=alt.X("x:N", sort=order, title=None, axis=alt.Axis(labelAngle=-40, labelLimit=110)),
        y=alt.Y("y:N", sort=order, title=None, axis=alt.Axis(labelLimit=110)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "correlation:Q", scale=alt.Scale(scheme="redblue", domain=[-1, 1]), title="r"
        ),
        tooltip=["x:N", "y:N", alt.Tooltip("correlation:Q", format=".2f")],
    )
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("correlation:Q", format=".2f"),
        color=alt.condition("abs(datum.correlation) > 0.6", alt.value("white"), alt.value("black")),
    )
    return (cells + text).properties(height=320)


def correlation_heatmaps(
    real: pd.DataFrame, synthetic: pd.DataFrame, kinds: Mapping[str, str] | None = None
) -> tuple[alt.LayerChart, alt.LayerChart] | None:
    """Heatmaps of the real and the synthetic correlations over the same numeric columns."""
    kinds = kinds or {}
    columns = [
        str(c)
        for c in real.columns
        if c in synthetic.columns
        and kinds.get(str(c)) not in SKIPPED_KINDS
        and is_numeric(real[c], kinds.get(c))
        and is_numeric(synthetic[c])
    ]
    left = correlation_heatmap(real, title="real", columns=columns)
    right = correlation_heatmap(synthetic, title="synthetic", columns=columns)
    if left is None or right is None:
        return None
    return left, right


def column_scores_chart(columns: Iterable[Mapping[str, Any]]) -> alt.Chart | None:
    """Per-column quality scores (a quality report's ``columns``) as horizontal bars."""
    data = pd.DataFrame(
        [
            {
                "column": str(c.get("column")),
                "score": c.get("score"),
                "metric": str(c.get("metric") or ""),
            }
            for c in columns
        ]
    )
    if data.empty:
        return None
    data = data.dropna(subset=["score"])
    return (
        alt.Chart(data, title="column shapes")
        .mark_bar(color="#54A24B")
        .encode(
            x=alt.X("score:Q", scale=alt.Scale(domain=[0, 1]), title="score (1 = same shape)"),
            y=alt.Y(
                "column:N", sort="-x", title=None, axis=alt.Axis(labelOverlap=False, labelLimit=160)
            ),
            tooltip=["column:N", "metric:N", alt.Tooltip("score:Q", format=".3f")],
        )
        .properties(height=90 + 26 * len(data))
    )  # Streamlit counts title and axes in it


STATUSES = ["queued", "running", "completed", "failed", "cancelled"]
STATUS_COLOURS = alt.Scale(
    domain=STATUSES, range=["#9D9D9D", "#4C78A8", "#54A24B", "#E45756", "#F58518"]
)


def status_chart(counts: Mapping[str, int]) -> alt.Chart:
    """Jobs per status as bars."""
    data = pd.DataFrame(
        [{"status": s, "jobs": int(n)} for s, n in counts.items()], columns=["status", "jobs"]
    )
    return (
        alt.Chart(data, title="jobs per status")
        .mark_bar()
        .encode(
            x=alt.X("status:N", sort=STATUSES, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("jobs:Q", title="jobs"),
            color=alt.Color("status:N", scale=STATUS_COLOURS, legend=None),
            tooltip=["status:N", "jobs:Q"],
        )
        .properties(height=240)
    )
