"""A schema's relationships scored: referential integrity, cardinality, intertable trends."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from syndata.metadata import Metadata, Relationship
from syndata.quality.common import (
    nanmean,
    subsample,
)
from syndata.quality.prepared import column_formats, prepare_columns
from syndata.quality.shapes import ks_complement
from syndata.quality.trends import pair_score


def relationship_breakdown(
    real: Mapping[str, pd.DataFrame],
    synthetic: Mapping[str, pd.DataFrame],
    metadata: Metadata,
    rel: Relationship,
    kinds: dict[str, dict[str, str]],
    max_rows: int,
    seed: int,
) -> dict[str, Any]:
    """Cardinality, intertable pair trends and referential integrity of one foreign key.

    Keys that cannot be joined (e.g. text against numbers) leave the cardinality and the
    intertable trends NaN, with the reason in ``error``.
    """
    sides = {
        side: (data[rel.parent_table][rel.parent_key], data[rel.child_table][rel.child_key])
        for data, side in ((real, "real"), (synthetic, "synthetic"))
    }
    out: dict[str, Any] = {
        "name": rel.name,
        **rel.to_dict(),
        "cardinality": math.nan,
        "real_children_per_parent": math.nan,
        "synthetic_children_per_parent": math.nan,
        "intertable_trends": math.nan,
        "pairs": [],
        "referential_integrity": referential_integrity(*sides["synthetic"]),
        "real_referential_integrity": referential_integrity(*sides["real"]),
    }
    try:
        counts_real = cardinality_distribution(*sides["real"])
        counts_synth = cardinality_distribution(*sides["synthetic"])
        pairs = intertable_pairs(real, synthetic, metadata, rel, kinds, max_rows, seed)
    except (ValueError, TypeError) as exc:  # pandas refuses to join keys of unlike types
        out["error"] = f"{type(exc).__name__}: {exc}"
        return out
    out.update(
        cardinality=ks_complement(counts_real.to_numpy(float), counts_synth.to_numpy(float)),
        real_children_per_parent=_mean(counts_real),
        synthetic_children_per_parent=_mean(counts_synth),
        intertable_trends=nanmean([p["score"] for p in pairs if p["counted"]]),
        pairs=pairs,
    )
    return out


def cardinality_distribution(parent_keys: pd.Series, child_keys: pd.Series) -> pd.Series:
    """The number of children of each parent row (0 for none), in parent row order.

    Child keys found in no parent row are not counted (as in SDMetrics).
    """
    counts = child_keys.value_counts(dropna=False).rename("children")
    parents = pd.DataFrame({"key": parent_keys.to_numpy()})
    joined = parents.join(counts, on="key")
    return joined["children"].fillna(0).astype(float)


def cardinality_similarity(
    real_parent_keys: pd.Series,
    real_child_keys: pd.Series,
    synthetic_parent_keys: pd.Series,
    synthetic_child_keys: pd.Series,
) -> float:
    """1 − the KS statistic of the real and synthetic children-per-parent distributions."""
    real_counts = cardinality_distribution(real_parent_keys, real_child_keys)
    synth_counts = cardinality_distribution(synthetic_parent_keys, synthetic_child_keys)
    return ks_complement(real_counts.to_numpy(float), synth_counts.to_numpy(float))


def referential_integrity(parent_keys: pd.Series, child_keys: pd.Series) -> float:
    """Share of non-null child key values found among the parent keys (NaN: none to check)."""
    present = child_keys.dropna()
    if len(present) == 0:
        return math.nan
    return float(present.isin(parent_keys.dropna()).mean())


def intertable_pairs(
    real: Mapping[str, pd.DataFrame],
    synthetic: Mapping[str, pd.DataFrame],
    metadata: Metadata,
    rel: Relationship,
    kinds: dict[str, dict[str, str]],
    max_rows: int,
    seed: int,
) -> list[dict[str, Any]]:
    """Pair scores of every parent column with every child column, on the joined rows."""
    parent_kinds, child_kinds = kinds[rel.parent_table], kinds[rel.child_table]
    if not parent_kinds or not child_kinds:
        return []
    joined_kinds = {
        **{_joined(rel.parent_table, c): k for c, k in parent_kinds.items()},
        **{_joined(rel.child_table, c): k for c, k in child_kinds.items()},
    }
    formats = {
        **{
            _joined(rel.parent_table, c): f
            for c, f in column_formats(metadata.tables[rel.parent_table].columns).items()
        },
        **{
            _joined(rel.child_table, c): f
            for c, f in column_formats(metadata.tables[rel.child_table].columns).items()
        },
    }
    joined_real = subsample(_denormalize(real, rel, parent_kinds, child_kinds), max_rows, seed)
    joined_synth = subsample(
        _denormalize(synthetic, rel, parent_kinds, child_kinds), max_rows, seed
    )
    prepared = prepare_columns(joined_real, joined_synth, joined_kinds, formats)
    pairs = []
    for parent_col, child_col in itertools.product(parent_kinds, child_kinds):
        pair = pair_score(
            _joined(rel.parent_table, parent_col),
            _joined(rel.child_table, child_col),
            joined_kinds,
            prepared,
        )
        pair.update(column_1=parent_col, column_2=child_col)
        pairs.append(pair)
    return pairs


def _joined(table: str, column: str) -> str:
    return f"{table}.{column}"


def _denormalize(
    data: Mapping[str, pd.DataFrame],
    rel: Relationship,
    parent_kinds: dict[str, str],
    child_kinds: dict[str, str],
) -> pd.DataFrame:
    """Each child row with its parent row's columns (inner join on the key)."""
    child = data[rel.child_table][[rel.child_key, *child_kinds]].add_prefix(f"{rel.child_table}.")
    parent = data[rel.parent_table][[rel.parent_key, *parent_kinds]].add_prefix(
        f"{rel.parent_table}."
    )
    return child.merge(
        parent,
        left_on=_joined(rel.child_table, rel.child_key),
        right_on=_joined(rel.parent_table, rel.parent_key),
    )


def _mean(values: pd.Series) -> float:
    return float(values.mean()) if len(values) else math.nan
