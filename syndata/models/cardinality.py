"""Children per parent, stored smoothed so that no rare count is in a model.

Children per parent are stored smoothed, never as the exact list (``smoothed``): the
counts are sorted into bins of consecutive values holding at least k parents each (k
is the disclosure rule's ``rare_k()``, ``SYNDATA_RARE_K``, default 5; on big tables at
least 1/``MAX_BINS`` of the parents), and the model keeps per bin only its share of the
parents and an interval to draw from uniformly: the bin's mean ± √3 standard
deviations (a uniform draw with the bin's mean and spread), at least ± 0.5. A count
shared by k or more parents is a bin of its own, ``[v - 0.5, v + 0.5]``, which rounds
back to ``v``: childless parents stay childless. Parents of rarer counts are gathered
until a bin is full, the last few taken from a common count next to them when there is
one, so that a common count stays a bin of its own. Every stored number is thus a mean
or spread over at least k parents, or a count at least k parents share: no rare count
(the one customer with 212 orders) is in the model. The parents' own model learns the
``_n.`` columns on the same smoothed scale (each parent's count replaced by the
smoothed distribution's quantile at its rank, ties in random order), so their
correlation with the parent's attributes is kept while its stored marginals hold no
exact count either.

The trade-off: within a bin, the spread of counts is replaced by a uniform one with
the same mean and standard deviation, so the children-per-parent distribution is only
as exact as the bins are narrow. Sampling rescales the counts to the table's size, so
the mean number of children per parent is kept exactly. Parent tables of hundreds of
rows or more lose nothing measurable (cardinality 0.997-1.000); a parent table of a few
dozen rows is split into a handful of bins, and its children-per-parent score drops (1.000 to
0.70-0.97 on lookup tables of 6 to 54 rows; see ``bench/RESULTS.md``).
``SYNDATA_RARE_K=1`` keeps every count exactly (and every rare category too).
"""

from __future__ import annotations

import numpy as np

from syndata.models.arrays import Codes, Floats, Ints

MAX_BINS = 2_000  # children-per-parent bins at most (bins of >= 1/MAX_BINS of the parents)


def smoothed(counts: Ints, k: int, max_bins: int = MAX_BINS) -> Floats:
    """Children per parent as bins of at least ``k`` parents (see the module docstring).

    Returns a ``(3, bins)`` array: each bin's lower and upper edge and its share of the
    parents. Bins hold consecutive count values. A value shared by enough parents is a
    bin of its own; parents of rarer values are gathered until a bin is full, taking the
    last few it needs from a common value when one follows (or, for the highest counts,
    from the common value before them), so a common value such as 0 children stays a bin
    of its own. A bin spans its mean ± √3 standard deviations (at least ± 0.5); no edge
    is below -0.5 (draws rounded to counts give 0 at least). Neighbouring bins may
    overlap: draws are sorted before use.
    """
    n = len(counts)
    if n == 0:
        return np.zeros((3, 0))
    values, freq = np.unique(np.asarray(counts, dtype=np.int64), return_counts=True)
    least = max(k, -(-n // max_bins), 1)
    bins: list[list[tuple[int, int]]] = []  # (count value, parents) pairs
    current: list[tuple[int, int]] = []
    mass = 0
    for value, parents in zip(values.tolist(), freq.tolist(), strict=True):
        if current and parents >= 2 * least - mass:  # complete the bin from a common value
            take = least - mass
            bins.append([*current, (value, take)])
            current, mass, parents = [], 0, parents - take
        if not current and parents >= least:
            bins.append([(value, parents)])
            continue
        current.append((value, parents))
        mass += parents
        if mass >= least:
            bins.append(current)
            current, mass = [], 0
    if current:  # the highest counts, fewer than `least` parents
        last = bins[-1] if bins else []
        if len(last) == 1 and last[0][1] >= 2 * least - mass:
            value, parents = last[0]
            bins[-1] = [(value, parents - (least - mass))]
            bins.append([(value, least - mass), *current])
        elif bins:
            bins[-1] = [*last, *current]
        else:
            bins.append(current)
    weights = [np.array([p for _, p in b], dtype=float) for b in bins]
    points = [np.array([v for v, _ in b], dtype=float) for b in bins]
    share = np.array([w.sum() / n for w in weights])
    means = np.array([np.average(x, weights=w) for x, w in zip(points, weights, strict=True)])
    spread = np.array(
        [
            np.sqrt(3 * np.average((x - m) ** 2, weights=w))
            for x, m, w in zip(points, means, weights, strict=True)
        ]
    )
    half = np.maximum(spread, 0.5)
    lo, hi = means - half, means + half
    return np.vstack([np.maximum(lo, -0.5), hi, share])


def quantiles_at(cardinality: Floats, levels: Floats) -> Floats:
    """Children per parent at probability ``levels`` (in [0, 1]) of a stored distribution.

    ``cardinality`` is ``smoothed``'s bins (uniform within each); a one-dimensional array
    is a model stored before smoothing: quantiles at evenly spaced levels.
    """
    if cardinality.ndim == 1:
        grid = (np.arange(len(cardinality)) + 0.5) / len(cardinality)
        return np.interp(levels, grid, cardinality)
    lo, hi, share = cardinality
    if len(share) == 0:
        return np.zeros(len(levels))
    top = np.cumsum(share)
    index = np.minimum(np.searchsorted(top, levels, side="right"), len(share) - 1)
    within = np.clip((levels - (top[index] - share[index])) / share[index], 0.0, 1.0)
    out: Floats = lo[index] + within * (hi[index] - lo[index])
    return out


def on_smoothed_scale(counts: Ints, cardinality: Floats) -> Floats:
    """Each parent's count replaced by the smoothed distribution's quantile at its rank.

    Ties are ranked at random (a fixed seed: fitting stays deterministic), so the values
    keep the counts' order and their correlation with the parent's attributes.
    """
    n = len(counts)
    if n == 0:
        return np.zeros(0)
    order = np.lexsort((np.random.default_rng(0).random(n), counts))
    out = np.empty(n)
    out[order] = np.sort(quantiles_at(cardinality, (np.arange(n) + 0.5) / n))
    return out


def child_quotas(
    generated: Floats, cardinality: Floats, target: int, rng: np.random.Generator
) -> Codes:
    """Children per parent, ``target`` in all, distributed as the real parents' were.

    The parents' model ranks the parents (its ``generated`` counts, learned jointly with
    their attributes; ties at random); the counts themselves are the smoothed
    distribution's quantiles at evenly spaced levels (``cardinality``, see
    ``smoothed``), rounded, so the spread of children per parent is kept without
    sampling noise. They are then scaled to sum to ``target`` with randomised rounding;
    a parent without children keeps none.
    """
    n = len(generated)
    out = np.zeros(n, dtype=np.int64)
    if n == 0 or target <= 0:
        return out
    levels = (np.arange(n) + 0.5) / n
    values = np.sort(np.maximum(np.round(quantiles_at(cardinality, levels)), 0.0))
    if values.sum() <= 0:
        values[-1] = 1.0
    rank = np.lexsort((rng.random(n), np.nan_to_num(generated, nan=-1.0)))
    out[rank] = values.astype(np.int64)
    share = out * (target / out.sum())
    base: Codes = np.floor(share).astype(np.int64)
    left = target - int(base.sum())
    if left > 0:
        frac = share - base
        extra = (
            rng.choice(n, size=left, replace=False, p=frac / frac.sum())
            if np.count_nonzero(frac) >= left
            else rng.choice(np.flatnonzero(out), size=left)
        )
        np.add.at(base, extra, 1)
    return base
