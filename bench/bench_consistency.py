"""Logical consistency: the rules of the real rows kept or broken, with enforcement on and off.

For each single table (every table of ``bench/datasets.py``, the README quick start's
penguins as the product reads them, and untuned tables nobody developed on, see
``UNTUNED``): split 80/20 (seed 0) into train and holdout as ``bench_models.py`` does,
discover the invariants of train (``syndata.consistency.discover``, leaving out the
columns the models do not learn: keys, identifiers, personal data) and, for
``gaussian_copula`` and ``cart`` with ``fit(..., enforce=True)`` (the default) and
``enforce=False`` (no discovery, no enforcement), and SDV 2's GaussianCopulaSynthesizer
(through our ``sdv_gaussian_copula`` adapter, which never enforces) as the reference:
time ``fit`` (best of ``--repeat``), time ``sample`` of 100,000 rows, count per invariant
the sampled rows that break it (``syndata.consistency.check.Checker(invariants,
reference=train)``), and score the first len(train) sampled rows as bench_models does
(``evaluate`` against train with ML efficacy on the holdout, ``copy_report``) plus the
distance to closest record (``dcr_report``'s share closer to train).

Then each schema of ``bench/datasets_multi.py`` with ``HierarchicalSynthesizer`` (copula
and cart per table), enforce on and off, sampled at a scale giving about 100,000 rows in
all (at most scale 1): per table, the violations of the invariants discovered on that
real table; per foreign key, the violations of the rules found between a child's columns
and its parent's (child rows joined to their parent row). Enforce off is
``HierarchicalSynthesizer.fit(..., enforce=False)`` (every per-table model fitted so).
Rewrites its own block of bench/RESULTS.md (between marker comments).

    .venv/bin/python bench/bench_consistency.py                 # full run (~20 min)
    .venv/bin/python bench/bench_consistency.py --quick         # penguins and ratdat, 20,000 rows
    .venv/bin/python bench/bench_consistency.py --only penguins,ratdat
"""

from __future__ import annotations

import argparse
import math
import os
import shlex
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import datasets  # noqa: E402
import datasets_multi  # noqa: E402
from bench_models import _f, _secs, code_version, machine_info, ok  # noqa: E402
from results import write_block  # noqa: E402

MARKER = "bench_consistency"
SAMPLE_ROWS = 100_000
QUALITY_SLICES = 5  # disjoint slices of len(train) sampled rows whose overall is averaged
MULTI_ROWS = 100_000  # rows sampled in all per schema (at most scale 1)
QUICK_TABLES = ["penguins"]
QUICK_SCHEMAS = ["ratdat"]
QUICK_SAMPLE_ROWS = 20_000
QUICK_MULTI_ROWS = 20_000
README_PENGUINS = "penguins_readme"
README_CSV = ROOT / "examples" / "data" / "penguins.csv"
# tables nobody developed discovery or enforcement on (of datasets.UNTUNED)
UNTUNED = ["mpg", "txhousing", "hotel_rates", "ames"]
TABLES = [*datasets.NAMES, README_PENGUINS, *UNTUNED]
SCHEMAS = datasets_multi.NAMES
REFERENCE = "sdv_gaussian_copula"
# (engine, enforce); None: the engine does not enforce (SDV's rows as SDV draws them)
VARIANTS: list[tuple[str, bool | None]] = [
    ("gaussian_copula", True),
    ("gaussian_copula", False),
    ("cart", True),
    ("cart", False),
    (REFERENCE, None),
]
OURS = ["gaussian_copula", "cart"]
SCHEMA_ENGINES = {"hierarchical": "gaussian_copula", "hierarchical_cart": "cart"}
TOP_BROKEN = 3  # most broken invariants listed per table and variant

# targets (issue 15)
FIT_RATIO_TARGET = 1.5


# ---------------------------------------------------------------------- tables


def load_table(name: str) -> tuple[Any, Any, str, str]:
    """``(frame, metadata, target, group)`` of one single table of the benchmark."""
    from syndata.metadata import TableMetadata

    if name == README_PENGUINS:
        from syndata.pipeline import read_frame
        from syndata.profiling import profile_table

        # as `syndata fit --data examples/data/penguins.csv` reads and types it
        frame = read_frame(README_CSV)
        return frame, profile_table(frame, "penguins").metadata, "species", "README"
    _, frame, target = datasets.load(name)
    if name in UNTUNED:
        return frame, TableMetadata.detect(frame, name), target, "untuned"
    return frame, TableMetadata.detect(frame, name), target, "bench/datasets.py"


def not_learned(metadata: Any) -> list[str]:
    """The columns models do not learn (keys, ids, personal data): no rule is found on them."""
    return [c for c, m in metadata.columns.items() if not m.modelled]


def label(engine: str, enforce: bool | None) -> str:
    return f"{engine} (reference)" if enforce is None else f"{engine}, enforce {_onoff(enforce)}"


def _onoff(enforce: bool) -> str:
    return "on" if enforce else "off"


# ---------------------------------------------------------------------- violations


def violations(checker: Any, frame: Any) -> dict[str, Any]:
    """Per invariant the rows of ``frame`` breaking it; rows breaking any; the worst."""
    import numpy as np

    rows = np.zeros(len(frame), dtype=bool)
    counts = []
    for inv in checker.invariants:
        mask = checker.violations(frame, inv)
        counts.append(int(mask.sum()))
        rows |= mask
    worst = int(np.argmax(counts)) if counts else -1
    return {
        "rows": len(frame),
        "violating_rows": int(rows.sum()),
        "counts": counts,
        "broken": sum(1 for c in counts if c),
        "worst": worst if worst >= 0 and counts[worst] else None,
        "worst_share": counts[worst] / len(frame) if worst >= 0 and len(frame) else 0.0,
    }


def by_kind(invariants: list[Any], counts: list[int] | None = None) -> dict[str, list[int]]:
    """kind -> [invariants, broken ones, rows breaking the worst of them]."""
    out: dict[str, list[int]] = {}
    for i, inv in enumerate(invariants):
        entry = out.setdefault(inv.kind, [0, 0, 0])
        entry[0] += 1
        if counts is not None and counts[i]:
            entry[1] += 1
            entry[2] = max(entry[2], counts[i])
    return dict(sorted(out.items()))


# ---------------------------------------------------------------------- single tables


def warm_up() -> float:
    """Seconds of one small fit and sample per variant: first calls pay one-time imports."""
    from syndata.models import make_model

    _, frame, _ = datasets.load("penguins")
    started = time.perf_counter()
    for engine, enforce in VARIANTS:
        model = make_model(engine)
        if enforce is None:
            model.fit(frame, None)
        else:
            model.fit(frame, None, enforce=enforce)
        model.sample(1_000, seed=0)
    return time.perf_counter() - started


def run_variant(
    engine: str,
    enforce: bool | None,
    data: dict[str, Any],
    checker: Any,
    sample_rows: int,
    repeat: int,
) -> dict[str, Any]:
    """Fit, sample, count violations and score one engine (enforce on or off) on one table."""
    from syndata.models import make_model
    from syndata.privacy.metrics import copy_report
    from syndata.privacy.risk.dcr import dcr_report
    from syndata.quality import evaluate

    train, holdout, metadata, target = data["train"], data["holdout"], data["meta"], data["target"]
    res: dict[str, Any] = {"engine": engine, "enforce": enforce}
    try:
        fits = []
        for _ in range(repeat):
            model = make_model(engine)
            wall = time.perf_counter()
            if enforce is None:
                model.fit(train, metadata)
            else:
                model.fit(train, metadata, enforce=enforce)
            fits.append(time.perf_counter() - wall)
        res["fit_s"] = min(fits)
        enforcer = getattr(model, "consistency_", None)
        res["enforced"] = 0 if enforcer is None else len(enforcer.invariants)
        samples = []
        for _ in range(repeat):
            wall = time.perf_counter()
            sampled = model.sample(sample_rows, seed=0)
            samples.append(time.perf_counter() - wall)
        res["sample_s"] = min(samples)
        res["violations"] = violations(checker, sampled)
        synthetic = sampled.iloc[: len(train)].reset_index(drop=True)
        try:
            report = evaluate(train, synthetic, metadata, target=target, holdout=holdout)
        except Exception as exc:  # ML efficacy failed: report it, keep the other scores
            traceback.print_exc()
            res["ml_error"] = _error(exc)
            report = evaluate(train, synthetic, metadata, ml_efficacy=False)
        res.update(
            shapes=report.column_shapes,
            pairs=report.column_pair_trends,
            overall=report.overall,
            ml=report.ml_efficacy,
        )
        # one slice of len(train) rows scores within about 0.01 on a small table: the
        # mean over disjoint slices (and its spread) tells a change from sampling noise
        slices = [report.overall]
        for k in range(1, min(QUALITY_SLICES, len(sampled) // len(train))):
            part = sampled.iloc[k * len(train) : (k + 1) * len(train)].reset_index(drop=True)
            scored = evaluate(train, part, metadata, ml_efficacy=False, consistency=False)
            slices.append(scored.overall)
        res["overall_slices"] = slices
        res["copy"] = copy_report(train, holdout, synthetic)
        res["dcr"] = dcr_report(train, holdout, synthetic, metadata=metadata)
    except Exception as exc:  # reported in the table, with the traceback on stderr
        traceback.print_exc()
        res["error"] = _error(exc)
    return res


def _mean(values: list[float]) -> float:
    return float(sum(values) / len(values))


def _sd(values: list[float]) -> float:
    mean = _mean(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:160]


def run_table(name: str, sample_rows: int, repeat: int) -> dict[str, Any]:
    """Discover on train, then every variant side by side on one table."""
    from syndata.consistency import discover
    from syndata.consistency.check import Checker
    from syndata.quality import evaluate

    frame, metadata, target, group = load_table(name)
    holdout = frame.sample(frac=0.2, random_state=0)
    train = frame.drop(holdout.index).reset_index(drop=True)
    holdout = holdout.reset_index(drop=True)
    wall = time.perf_counter()
    invariants = discover(train, exclude=not_learned(metadata))
    out: dict[str, Any] = {
        "dataset": name,
        "group": group,
        "train": len(train),
        "holdout": len(holdout),
        "columns": frame.shape[1],
        "not_learned": not_learned(metadata),
        "target": target,
        "discover_s": time.perf_counter() - wall,
        "invariants": invariants,
        "variants": [],
    }
    checker = Checker(invariants, reference=train)
    out["train_check"] = violations(checker, train)  # 0 by construction: a sanity check
    # real rows no model saw: rules found on train that new real rows break
    out["holdout_check"] = violations(checker, holdout)
    ceiling = evaluate(train, holdout, metadata, ml_efficacy=False)
    out["holdout_quality"] = (ceiling.column_shapes, ceiling.column_pair_trends, ceiling.overall)
    data = {"train": train, "holdout": holdout, "meta": metadata, "target": target}
    for engine, enforce in VARIANTS:
        res = run_variant(engine, enforce, data, checker, sample_rows, repeat)
        out["variants"].append(res)
        print(_progress_line(name, res), flush=True)
    return out


def _progress_line(name: str, r: dict[str, Any]) -> str:
    head = f"{name:15s} {label(r['engine'], r['enforce']):34s}"
    if "error" in r:
        return f"{head} FAILED: {r['error']}"
    v = r["violations"]
    return (
        f"{head} fit {r['fit_s']:7.2f}s  sample {r['sample_s']:6.2f}s  violating rows "
        f"{v['violating_rows']:>7,}/{v['rows']:,} ({v['broken']} broken, worst "
        f"{v['worst_share']:.4f})  shapes {r['shapes']:.4f}  pairs {_f(r['pairs'], '.4f')}"
    )


# ---------------------------------------------------------------------- schemas


def joined(frames: dict[str, Any], metadata: Any, rel: Any) -> Any:
    """A child's learned columns beside its parent's (``parent.column``), one row per child."""
    child = frames[rel.child_table]
    parent = frames[rel.parent_table]
    ccols = [c for c in not_learned_complement(metadata.tables[rel.child_table]) if c in child]
    pcols = [c for c in not_learned_complement(metadata.tables[rel.parent_table]) if c in parent]
    left = child.loc[child[rel.child_key].notna(), [rel.child_key, *ccols]]
    left = left.assign(_key=left[rel.child_key].astype(str))[["_key", *ccols]]
    right = parent[[rel.parent_key, *pcols]].rename(
        columns={c: f"{rel.parent_table}.{c}" for c in pcols}
    )
    right = right.assign(_key=right[rel.parent_key].astype(str)).drop(columns=rel.parent_key)
    merged = left.merge(right, on="_key", how="inner")
    return merged.drop(columns="_key").reset_index(drop=True)


def not_learned_complement(table_meta: Any) -> list[str]:
    return [c for c, m in table_meta.columns.items() if m.modelled]


def cross_invariants(frames: dict[str, Any], metadata: Any) -> dict[str, Any]:
    """Per foreign key: the rules tying a child column to a parent column, and the join."""
    from syndata.consistency import discover

    out = {}
    for rel in metadata.relationships:
        frame = joined(frames, metadata, rel)
        prefix = f"{rel.parent_table}."
        found = [
            inv
            for inv in discover(frame)
            if any(c.startswith(prefix) for c in inv.columns())
            and any(not c.startswith(prefix) for c in inv.columns())
        ]
        out[rel.name] = {"rel": rel, "invariants": found, "rows": len(frame), "real": frame}
    return out


def run_schema(name: str, total_rows: int) -> dict[str, Any]:
    """Each hierarchical engine, enforce on and off: violations per table and per foreign key."""
    from syndata.consistency import discover
    from syndata.consistency.check import Checker
    from syndata.models.hierarchical import HierarchicalSynthesizer

    frames, metadata = datasets_multi.load(name)
    real_rows = sum(len(f) for f in frames.values())
    scale = min(1.0, total_rows / real_rows)
    wall = time.perf_counter()
    own = {t: discover(frames[t], exclude=not_learned(metadata.tables[t])) for t in metadata.tables}
    cross = cross_invariants(frames, metadata)
    out: dict[str, Any] = {
        "dataset": name,
        "real_rows": {t: len(f) for t, f in frames.items()},
        "scale": scale,
        "discover_s": time.perf_counter() - wall,
        "own": own,
        "cross": {k: {"invariants": v["invariants"], "rows": v["rows"]} for k, v in cross.items()},
        "runs": [],
    }
    checkers = {t: Checker(own[t], reference=frames[t]) for t in own}
    cross_checkers = {k: Checker(v["invariants"], reference=v["real"]) for k, v in cross.items()}
    for engine, table_model in SCHEMA_ENGINES.items():
        for enforce in (True, False):
            res: dict[str, Any] = {"engine": engine, "enforce": enforce}
            try:
                wall = time.perf_counter()
                model = HierarchicalSynthesizer(default_model=table_model)
                model.fit(frames, metadata, enforce=enforce)
                res["fit_s"] = time.perf_counter() - wall
                wall = time.perf_counter()
                synthetic = model.sample(scale, seed=0)
                res["sample_s"] = time.perf_counter() - wall
                res["tables"] = {t: violations(checkers[t], synthetic[t]) for t in checkers}
                res["cross"] = {
                    k: violations(c, joined(synthetic, metadata, cross[k]["rel"]))
                    for k, c in cross_checkers.items()
                }
            except Exception as exc:
                traceback.print_exc()
                res["error"] = _error(exc)
            out["runs"].append(res)
            print(_schema_progress(name, res), flush=True)
    return out


def _schema_progress(name: str, r: dict[str, Any]) -> str:
    head = f"{name:15s} {r['engine']:18s} enforce {_onoff(r['enforce']):3s}"
    if "error" in r:
        return f"{head} FAILED: {r['error']}"
    parts = [
        f"{t} {v['violating_rows']:,}/{v['rows']:,} ({v['broken']} broken)"
        for t, v in r["tables"].items()
    ]
    cross = sum(v["violating_rows"] for v in r["cross"].values())
    return (
        f"{head} fit {r['fit_s']:.2f}s sample {r['sample_s']:.2f}s  "
        + "; ".join(parts)
        + f"; across tables {cross:,} rows"
    )


# ---------------------------------------------------------------------- report


def _share(count: int, rows: int) -> str:
    return f"{count / rows:.2%}" if rows else "n/a"


def _kinds(kinds: dict[str, list[int]], broken: bool) -> str:
    if broken:
        return ", ".join(f"{k} {b}/{n}" for k, (n, b, _) in kinds.items() if b) or "none"
    return ", ".join(f"{k} {n}" for k, (n, _, _) in kinds.items()) or "none"


def _worst(invariants: list[Any], v: dict[str, Any]) -> str:
    if v["worst"] is None:
        return ""
    inv = invariants[v["worst"]]
    return f"{inv.kind}: {_cell(inv.describe())} ({v['worst_share']:.2%})"


def _cell(text: str, limit: int = 90) -> str:
    text = text.replace("|", "/")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _variants(d: dict[str, Any]) -> dict[tuple[str, bool | None], dict[str, Any]]:
    return {(r["engine"], r["enforce"]): r for r in d["variants"]}


def render(
    tables: list[dict[str, Any]],
    schemas: list[dict[str, Any]],
    command: str,
    started: str,
    seconds: float,
    loads: tuple[float, float],
    sample_rows: int,
    repeat: int,
) -> str:
    lines = [
        "## Logical consistency: the rules of the real rows in 100,000 sampled rows, "
        "enforcement on and off",
        "",
        f"Measured {started} on {machine_info()}, by `{command}` ({seconds / 60:.1f} min), "
        f"code at {code_version()}. The machine may be shared (1-minute load average "
        f"{loads[0]:.2f} at the start, {loads[1]:.2f} at the end, on {os.cpu_count()} "
        "cores), so timings are noisy; violations and scores are not.",
        "",
        "Method (`bench/bench_consistency.py`): 80/20 split (seed 0) into train and holdout "
        "as in `bench_models.py`, metadata `TableMetadata.detect` of the whole table (the "
        "README's penguins: `examples/data/penguins.csv` read and profiled as `syndata fit` "
        "does). The invariants are `discover(train, exclude=<columns no model learns>)`, and "
        "a row violates one when `Checker(invariants, reference=train).violations` marks it. "
        f"Each engine is fitted on train (*fit s*: best of {repeat}) and samples "
        f"{sample_rows:,} rows with seed 0 (*sample s*: best of {repeat}); *violating rows* "
        "break at least one invariant, *broken* counts the invariants broken at least once, "
        "*worst* is the invariant broken most often (its share of the sampled rows). "
        "*enforce on* is `fit(train, metadata)` (the default, `enforce=True`), *enforce off* "
        "`fit(..., enforce=False)` (no discovery, no enforcement: the behaviour before issue "
        "15); SDV's GaussianCopulaSynthesizer (`sdv_gaussian_copula`) never enforces.",
        "",
        "Invariants found on train (the models' own discovery sees the same rows and "
        "columns but keeps no `unique` rule). *Holdout* is the real rows no model saw, "
        "checked like a synthetic table: a rule they break is a rule of the training rows "
        "only.",
        "",
        "| table | group | rows (train) | columns (not learned) | discover s | invariants "
        "| holdout violating rows | holdout broken (kind broken/found) |",
        "|---|---|---:|---:|---:|---|---:|---|",
    ]
    for d in tables:
        h = d["holdout_check"]
        lines.append(
            f"| {d['dataset']} | {d['group']} | {d['train']:,} | {d['columns']} "
            f"({len(d['not_learned'])}) | {d['discover_s']:.2f} | "
            f"{len(d['invariants'])}: {_kinds(by_kind(d['invariants']), False)} | "
            f"{h['violating_rows']:,} of {h['rows']:,} ({_share(h['violating_rows'], h['rows'])}) "
            f"| {h['broken']}: {_kinds(by_kind(d['invariants'], h['counts']), True)} |"
        )
    lines += [
        "",
        f"Violations in {sample_rows:,} sampled rows:",
        "",
        "| table | engine | enforced | violating rows | share | broken | broken by kind "
        "(broken/found) | worst invariant (share of rows) |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for d in tables:
        for r in d["variants"]:
            head = f"| {d['dataset']} | {label(r['engine'], r['enforce'])} |"
            if "error" in r:
                lines.append(f"{head} | FAILED: {_cell(r['error'], 160)} | | | | |")
                continue
            v = r["violations"]
            lines.append(
                f"{head} {r['enforced']} | {v['violating_rows']:,} | "
                f"{_share(v['violating_rows'], v['rows'])} | {v['broken']} of "
                f"{len(d['invariants'])} | {_kinds(by_kind(d['invariants'], v['counts']), True)} "
                f"| {_worst(d['invariants'], v)} |"
            )
    lines += [
        "",
        "*enforced* is the number of invariants the fitted model keeps (`consistency_`: "
        "its own discovery plus declared constraints; 0 when enforcement is off).",
        "",
        "Quality of the first len(train) sampled rows, as in `bench_models.py`: "
        "`evaluate(train, synthetic, metadata, target=..., holdout=holdout)`; *ML gap* = "
        "train-on-real − train-on-synthetic score on the holdout (macro F1 or R²); *copies* "
        "the share of synthetic rows equal to a training row (holdout rows: chance level); "
        "*DCR* `dcr_report`'s share of synthetic rows closer to a training row than to a "
        "holdout row (0.5: no closer to train than unseen real rows; the holdout's own "
        "share in brackets). *Ceiling*: the holdout scored against train like a synthetic "
        "table. *Overall, mean of k* is the mean overall of k disjoint slices of len(train) "
        f"sampled rows (k = min({QUALITY_SLICES}, {sample_rows:,} // len(train))) ± their "
        "standard deviation, the noise of one slice; *on − off* is enforce on minus off in "
        "that mean.",
        "",
        "| table | engine | shapes | pairs | overall | overall, mean of k | on − off | "
        "ML target (metric) | ML real | ML synth | ML gap | copies synth / holdout | "
        "DCR share [holdout] |",
        "|---|---|---:|---:|---:|---|---:|---|---:|---:|---:|---|---|",
    ]
    for d in tables:
        shapes, pairs, overall = d["holdout_quality"]
        lines.append(
            f"| {d['dataset']} | ceiling (holdout) | {shapes:.4f} | {_f(pairs, '.4f')} | "
            f"{overall:.4f} | | | | | | | | |"
        )
        by = _variants(d)
        for r in d["variants"]:
            head = f"| {d['dataset']} | {label(r['engine'], r['enforce'])} |"
            if "error" in r:
                lines.append(f"{head} FAILED | | | | | | | | | | |")
                continue
            slices = r["overall_slices"]
            mean = f"{_mean(slices):.4f} ± {_sd(slices):.4f} (k={len(slices)})"
            off = by.get((r["engine"], False)) if r["enforce"] else None
            change = ""
            if off is not None and "error" not in off:
                change = f"{_mean(slices) - _mean(off['overall_slices']):+.4f}"
            ml = r["ml"] or {}
            ml_cells = (
                f"{ml.get('target', '')} ({ml.get('metric', '')}) | "
                f"{_f(ml.get('real_score'))} | {_f(ml.get('synthetic_score'))} | "
                f"{_f(ml.get('difference'), '+.3f')}"
            )
            if "ml_error" in r:
                ml_cells = f"{d['target']}: FAILED: {_cell(r['ml_error'], 80)} | | |"
            dcr = r["dcr"]
            lines.append(
                f"{head} {r['shapes']:.4f} | {_f(r['pairs'], '.4f')} | {r['overall']:.4f} | "
                f"{mean} | {change} | "
                f"{ml_cells} | {r['copy']['synthetic_copy_rate']:.4f} / "
                f"{r['copy']['holdout_copy_rate']:.4f} | {dcr['share_closer_to_train']:.3f} "
                f"[{dcr['holdout']['share_closer_to_train']:.3f}] |"
            )
    lines += [
        "",
        f"Time: fit and sampling of {sample_rows:,} rows, enforce on against off "
        "(*ratio* = on / off), and SDV's for reference:",
        "",
        "| table | engine | fit s off | fit s on | fit ratio | sample s off | sample s on "
        "| sample ratio |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for d in tables:
        by = _variants(d)
        for engine in OURS:
            on, off = by.get((engine, True)), by.get((engine, False))
            if on is None or off is None or "error" in on or "error" in off:
                lines.append(f"| {d['dataset']} | {engine} | n/a | | | | | |")
                continue
            lines.append(
                f"| {d['dataset']} | {engine} | {_secs(off['fit_s'])} | {_secs(on['fit_s'])} | "
                f"{on['fit_s'] / off['fit_s']:.2f}x | {_secs(off['sample_s'])} | "
                f"{_secs(on['sample_s'])} | {on['sample_s'] / off['sample_s']:.2f}x |"
            )
        ref = by.get((REFERENCE, None))
        if ref is not None and "error" not in ref:
            lines.append(
                f"| {d['dataset']} | {REFERENCE} | {_secs(ref['fit_s'])} | | | "
                f"{_secs(ref['sample_s'])} | | |"
            )
    lines += ["", "Most broken invariants per table (share of the sampled rows):", ""]
    for d in tables:
        for r in d["variants"]:
            if "error" in r or not r["violations"]["broken"]:
                continue
            counts = r["violations"]["counts"]
            top = sorted(range(len(counts)), key=lambda i: -counts[i])[:TOP_BROKEN]
            text = "; ".join(
                f"{_cell(d['invariants'][i].describe(), 120)} {counts[i] / r['violations']['rows']:.2%}"
                for i in top
                if counts[i]
            )
            lines.append(f"- {d['dataset']}, {label(r['engine'], r['enforce'])}: {text}")
    lines += schema_lines(schemas)
    lines += ["", "Targets (issue 15):", "", *targets(tables, schemas), ""]
    return "\n".join(lines)


def schema_lines(schemas: list[dict[str, Any]]) -> list[str]:
    if not schemas:
        return []
    lines = [
        "",
        "Multi-table (`bench/datasets_multi.py`, keys declared): `HierarchicalSynthesizer"
        "(default_model=...)` fitted on the whole schema, `sample(scale, seed=0)` with the "
        "scale giving about 100,000 rows in all (at most 1). Per table, the invariants of "
        "that real table (`discover`, columns no model learns left out); *across* is, per "
        "foreign key, the rules found on the child's rows joined to their parent row "
        "(child columns beside `parent.column`s) that tie a child column to a parent "
        "column, checked on the synthetic rows joined the same way. Enforce off fits the "
        "per-table models with `enforce=False`. One fit and one sample per run. The models "
        "keep no `unique` rule (`Enforcer.fit` leaves them out), so `unique` violations are "
        "counted here but not prevented.",
        "",
        "| schema | engine | fit s | sample s | table | invariants | sampled rows | "
        "violating rows | broken | worst invariant (share of rows) |",
        "|---|---|---:|---:|---|---|---:|---:|---:|---|",
    ]
    for s in schemas:
        for r in s["runs"]:
            head = f"| {s['dataset']} (scale {s['scale']:.3g}) | {r['engine']}, enforce {_onoff(r['enforce'])} |"
            if "error" in r:
                lines.append(f"{head} | | FAILED: {_cell(r['error'], 160)} | | | | | |")
                continue
            first = True
            for table, v in r["tables"].items():
                invs = s["own"][table]
                times = f"{_secs(r['fit_s'])} | {_secs(r['sample_s'])}" if first else " | "
                lines.append(
                    f"{head if first else '| | |'} {times} | {table} | {len(invs)}: "
                    f"{_kinds(by_kind(invs), False)} | {v['rows']:,} | {v['violating_rows']:,} "
                    f"({_share(v['violating_rows'], v['rows'])}) | {v['broken']} | "
                    f"{_worst(invs, v)} |"
                )
                first = False
            for rel, v in r["cross"].items():
                invs = s["cross"][rel]["invariants"]
                lines.append(
                    f"| | | | | across {rel} | {len(invs)}: {_kinds(by_kind(invs), False)} | "
                    f"{v['rows']:,} | {v['violating_rows']:,} "
                    f"({_share(v['violating_rows'], v['rows'])}) | {v['broken']} | "
                    f"{_worst(invs, v)} |"
                )
    lines += ["", "Rules found across tables (child column against its parent's):", ""]
    for s in schemas:
        for rel, c in s["cross"].items():
            text = "; ".join(_cell(i.describe(), 120) for i in c["invariants"]) or "none"
            lines.append(f"- {s['dataset']}, {rel} ({c['rows']:,} joined real rows): {text}")
    return lines


def targets(tables: list[dict[str, Any]], schemas: list[dict[str, Any]]) -> list[str]:
    lines = []
    for engine in OURS:
        misses, failed = [], []
        for d in tables:
            r = _variants(d).get((engine, True))
            if r is None:
                continue
            if "error" in r:
                failed.append(d["dataset"])
            elif r["violations"]["violating_rows"]:
                v = r["violations"]
                kinds = _kinds(by_kind(d["invariants"], v["counts"]), True)
                misses.append(f"{d['dataset']} ({v['violating_rows']:,} rows; broken {kinds})")
        text = (
            f"- {engine}, enforce on: 0 violations in every table: {ok(not misses and not failed)}"
        )
        if misses:
            text += ": " + "; ".join(misses)
        if failed:
            text += "; failed on " + ", ".join(failed)
        lines.append(text)
    for s in schemas:
        for r in s["runs"]:
            if not r["enforce"]:
                continue
            if "error" in r:
                lines.append(f"- {s['dataset']}, {r['engine']}, enforce on: **missed** (failed)")
                continue
            bad = [
                f"{t} {v['violating_rows']:,} rows (broken "
                f"{_kinds(by_kind(s['own'][t], v['counts']), True)})"
                for t, v in r["tables"].items()
                if v["violating_rows"]
            ]
            lines.append(
                f"- {s['dataset']}, {r['engine']}, enforce on: 0 violations in every table: "
                f"{ok(not bad)}" + (": " + "; ".join(bad) if bad else "")
            )
            across = [
                f"{rel} {v['violating_rows']:,} rows"
                for rel, v in r["cross"].items()
                if v["violating_rows"]
            ]
            lines.append(
                f"- {s['dataset']}, {r['engine']}, enforce on: 0 violations across tables: "
                f"{ok(not across)}" + (": " + "; ".join(across) if across else "")
            )
    for engine in OURS:
        for score in ("shapes", "pairs", "overall"):
            misses = []
            for d in tables:
                by = _variants(d)
                on, off = by.get((engine, True)), by.get((engine, False))
                if on is None or off is None or "error" in on or "error" in off:
                    continue
                if _nan(on[score]) or _nan(off[score]):
                    continue
                if on[score] < off[score]:
                    misses.append(f"{d['dataset']} ({on[score]:.4f} vs {off[score]:.4f})")
            lines.append(
                f"- {engine}: {score} with enforcement not lower than without: {ok(not misses)}"
                + (": " + "; ".join(misses) if misses else "")
            )
        misses = []
        for d in tables:
            by = _variants(d)
            on, off = by.get((engine, True)), by.get((engine, False))
            if on is None or off is None or "error" in on or "error" in off:
                continue
            a, b = on["overall_slices"], off["overall_slices"]
            noise = 2.0 * math.sqrt(_sd(a) ** 2 / len(a) + _sd(b) ** 2 / len(b))
            if _mean(a) < _mean(b) - noise:
                misses.append(
                    f"{d['dataset']} ({_mean(a):.4f} vs {_mean(b):.4f}, noise ±{noise:.4f})"
                )
        lines.append(
            f"- {engine}: overall, mean of the slices, with enforcement not lower than without "
            f"beyond twice its standard error: {ok(not misses)}"
            + (": " + "; ".join(misses) if misses else "")
        )
        misses = []
        for d in tables:
            by = _variants(d)
            on, off = by.get((engine, True)), by.get((engine, False))
            if on is None or off is None or "error" in on or "error" in off:
                continue
            if not (on["ml"] and off["ml"]) or "ml_error" in on or "ml_error" in off:
                continue
            gap_on, gap_off = on["ml"]["difference"], off["ml"]["difference"]
            if gap_on > gap_off:
                misses.append(f"{d['dataset']} (gap {gap_on:+.3f} vs {gap_off:+.3f})")
        lines.append(
            f"- {engine}: ML efficacy gap with enforcement not larger than without: "
            f"{ok(not misses)}" + (": " + "; ".join(misses) if misses else "")
        )
        misses = []
        for d in tables:
            by = _variants(d)
            on, off = by.get((engine, True)), by.get((engine, False))
            if on is None or off is None or "error" in on or "error" in off:
                continue
            ratio = on["fit_s"] / off["fit_s"]
            if ratio > FIT_RATIO_TARGET:
                extra = 1000 * (on["fit_s"] - off["fit_s"])
                misses.append(f"{d['dataset']} ({ratio:.2f}x, {extra:+.0f} ms)")
        lines.append(
            f"- {engine}: fit time with enforcement <= {FIT_RATIO_TARGET}x without: "
            f"{ok(not misses)}" + (": " + "; ".join(misses) if misses else "")
        )
    return lines


def _nan(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# ---------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{', '.join(QUICK_TABLES + QUICK_SCHEMAS)} only, {QUICK_SAMPLE_ROWS:,} sampled "
        "rows, one fit and sample each",
    )
    parser.add_argument(
        "--only", help=f"comma-separated, of {','.join(TABLES)} (tables), {','.join(SCHEMAS)}"
    )
    parser.add_argument(
        "--repeat", type=int, default=None, help="fit and sampling times: best of N (default 2)"
    )
    parser.add_argument(
        "--rows", type=int, default=None, help="rows sampled per table (and in all per schema)"
    )
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")  # SDV and pandas chatter; errors still surface

    if args.only:
        names = args.only.split(",")
        unknown = [n for n in names if n not in TABLES and n not in SCHEMAS]
        if unknown:
            raise SystemExit(
                f"unknown table(s) {', '.join(unknown)}; use {', '.join(TABLES + SCHEMAS)}"
            )
        table_names = [n for n in names if n in TABLES]
        schema_names = [n for n in names if n in SCHEMAS]
    elif args.quick:
        table_names, schema_names = QUICK_TABLES, QUICK_SCHEMAS
    else:
        table_names, schema_names = TABLES, SCHEMAS
    sample_rows = args.rows or (QUICK_SAMPLE_ROWS if args.quick else SAMPLE_ROWS)
    multi_rows = args.rows or (QUICK_MULTI_ROWS if args.quick else MULTI_ROWS)
    repeat = args.repeat or (1 if args.quick else 2)
    command = ".venv/bin/python bench/bench_consistency.py" + (
        " " + shlex.join(sys.argv[1:]) if sys.argv[1:] else ""
    )
    started = time.strftime("%Y-%m-%d")
    load_start = os.getloadavg()[0]
    t0 = time.perf_counter()
    print(f"warm-up (one-time imports): {warm_up():.1f} s", flush=True)
    tables = [run_table(name, sample_rows, repeat) for name in table_names]
    schemas = [run_schema(name, multi_rows) for name in schema_names]
    body = render(
        tables,
        schemas,
        command,
        started,
        time.perf_counter() - t0,
        (load_start, os.getloadavg()[0]),
        sample_rows,
        repeat,
    )
    write_block(args.output, MARKER, body)
    print("\n".join(targets(tables, schemas)))
    print(f"wrote {args.output} ({(time.perf_counter() - t0) / 60:.1f} min)")


if __name__ == "__main__":
    main()
