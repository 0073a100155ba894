"""Learned models: fit time, sampling speed, quality and copy rate against SDV, per table.

For each table of ``bench/datasets.py``: split 80/20 (seed 0) into train and holdout;
for each engine (our ``gaussian_copula`` and ``cart``, and SDV 2's
GaussianCopulaSynthesizer through our ``sdv_gaussian_copula`` adapter, all with the same
metadata) time ``fit`` on train and ``sample`` of max(len(train), 100,000) rows, score
the first len(train) sampled rows with ``syndata.quality.evaluate`` (train vs synthetic,
ML efficacy on the holdout) and ``syndata.privacy.copy_report``. Then one throughput
run: ``gaussian_copula`` fitted on diamonds streams 2,000,000 rows to Parquet through
``syndata.pipeline.sample`` (profiled with cProfile when it misses its target).
Rewrites its own section of bench/RESULTS.md (between marker comments).

    .venv/bin/python bench/bench_models.py                 # full run (several minutes)
    .venv/bin/python bench/bench_models.py --quick         # 2 tables, fewer rows
    .venv/bin/python bench/bench_models.py --datasets diamonds,flights
"""

from __future__ import annotations

import argparse
import cProfile
import io
import math
import os
import platform
import pstats
import shlex
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import datasets  # noqa: E402

from syndata.privacy.risk.dcr import (  # noqa: E402
    MEMORISING_FLOOR,
    MEMORISING_MARGIN,
    memorising_limit,
)

ENGINES = ["auto", "gaussian_copula", "cart", "sdv_gaussian_copula"]
OURS = ["auto", "gaussian_copula", "cart"]  # auto: the default (a trial picks one of the others)
REFERENCE = "sdv_gaussian_copula"
SPEED_ROWS = 100_000
THROUGHPUT_ROWS = 2_000_000
QUICK_DATASETS = ["diamonds", "penguins"]
QUICK_SPEED_ROWS = 20_000
QUICK_THROUGHPUT_ROWS = 200_000

# targets
SPEEDUP_TARGET = 20.0
CART_OVERALL_TARGET = 0.97
CART_PAIRS_TARGET = 0.95
ML_GAP_TARGET = 0.02
THROUGHPUT_TARGET = 2_000_000
CEILING_MARGIN = 0.03  # issue 16: overall >= the real holdout's score - this
ML_GAP_WIDE = 0.05  # issue 16: train-on-real minus train-on-synthetic at most this

SECTION_HEADING = "# Benchmark: learned models"
MARKER = "bench_models"


# ---------------------------------------------------------------------- runs


def run_engine(
    engine: str, train: Any, holdout: Any, metadata: Any, target: str, speed_rows: int, repeat: int
) -> dict[str, Any]:
    """Fit, time sampling, score quality and copies of one engine on one table.

    Fit and sampling times are the best of ``repeat`` runs (the machine is shared).
    """
    from syndata.models import make_model
    from syndata.models.auto import choices_of
    from syndata.privacy.metrics import copy_report
    from syndata.privacy.risk.dcr import DCR_QUERIES, dcr_report
    from syndata.quality import evaluate

    res: dict[str, Any] = {"engine": engine}
    try:
        fits = []
        for _ in range(repeat):
            model = make_model(engine)
            wall = time.perf_counter()
            model.fit(train, metadata)
            fits.append(time.perf_counter() - wall)
        res["fit_s"] = min(fits)
        chosen = choices_of(model).get("")
        if chosen is not None:
            res["chosen"] = chosen.model
            res["choice"] = chosen.describe()
        n = max(len(train), speed_rows)
        samples = []
        for _ in range(repeat):
            wall = time.perf_counter()
            sampled = model.sample(n, seed=0)
            samples.append(time.perf_counter() - wall)
        res["sample_s"] = min(samples)
        res["sample_rows"] = n
        res["rows_per_s"] = n / res["sample_s"]
        # quality is scored on the first len(train) rows of the timed sample
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
            column_scores=report.columns,
            pair_scores=report.pairs,
        )
        res["copy"] = copy_report(train, holdout, synthetic)
        # at least DCR_QUERIES synthetic rows are looked up: on small tables a sample the
        # size of train would leave the share to a few hundred rows' noise
        queries = sampled.iloc[: max(len(train), DCR_QUERIES)].reset_index(drop=True)
        res["dcr"] = dcr_report(train, holdout, queries, metadata=metadata)
    except Exception as exc:  # reported in the table, with the traceback on stderr
        traceback.print_exc()
        res["error"] = _error(exc)
    return res


def _error(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}".splitlines()[0][:160]


def run_dataset(name: str, engines: list[str], speed_rows: int, repeat: int) -> dict[str, Any]:
    from syndata.metadata import TableMetadata

    _, frame, target = datasets.load(name)
    metadata = TableMetadata.detect(frame, name)
    holdout = frame.sample(frac=0.2, random_state=0)
    train = frame.drop(holdout.index).reset_index(drop=True)
    holdout = holdout.reset_index(drop=True)
    out = {
        "dataset": name,
        "group": datasets.group(name),
        "rows": len(frame),
        "train": len(train),
        "holdout": len(holdout),
        "columns": frame.shape[1],
        "target": target,
        "engines": {},
    }
    from syndata.quality import evaluate

    # the ceiling: real rows the models never saw, scored as if they were synthetic
    reference = evaluate(train, holdout, metadata, ml_efficacy=False)
    out["holdout_quality"] = (
        reference.column_shapes,
        reference.column_pair_trends,
        reference.overall,
    )
    for engine in engines:
        res = run_engine(engine, train, holdout, metadata, target, speed_rows, repeat)
        out["engines"][engine] = res
        print(_progress_line(name, res), flush=True)
    return out


def _progress_line(name: str, r: dict[str, Any]) -> str:
    if "error" in r and "fit_s" not in r:
        return f"{name:13s} {r['engine']:20s} FAILED: {r['error']}"
    if "error" in r:
        return f"{name:13s} {r['engine']:20s} fit {r['fit_s']:.2f}s, then FAILED: {r['error']}"
    ml = r["ml"] or {}
    if "ml_error" in r:
        ml = {"real_score": math.nan, "synthetic_score": math.nan}
    return (
        f"{name:13s} {r['engine']:20s} fit {r['fit_s']:7.2f}s  sample "
        f"{r['rows_per_s']:>11,.0f} rows/s  shapes {r['shapes']:.4f}  pairs "
        f"{r['pairs']:.4f}  overall {r['overall']:.4f}  ML {ml.get('real_score', math.nan):.3f}"
        f"/{ml.get('synthetic_score', math.nan):.3f}  copies "
        f"{r['copy']['synthetic_copy_rate']:.4f} vs {r['copy']['holdout_copy_rate']:.4f}"
    )


def run_throughput(rows: int, profile: str) -> dict[str, Any]:
    """gaussian_copula fitted on diamonds, ``rows`` streamed to Parquet by the pipeline."""
    from syndata import pipeline
    from syndata.metadata import TableMetadata
    from syndata.models import GaussianCopula

    _, frame, _ = datasets.load("diamonds")
    res: dict[str, Any] = {"rows": rows, "columns": frame.shape[1]}
    try:
        model = GaussianCopula().fit(frame, TableMetadata.detect(frame, "diamonds"))
        # the first call also pays pipeline.sample's one-time imports (model registry)
        for run in ("cold", "warm"):
            with tempfile.TemporaryDirectory(prefix="syndata-bench-") as tmp:
                wall = time.perf_counter()
                result = pipeline.sample(
                    model, rows=rows, seed=0, output_format="parquet", output_dir=tmp
                )
                seconds = time.perf_counter() - wall
                res["file_mb"] = (
                    sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file()) / 2**20
                )
            res[f"{run}_seconds"] = seconds
            res[f"{run}_rows_per_s"] = result.rows / seconds
            print(
                f"throughput ({run}): {result.rows:,} rows to Parquet in {seconds:.2f}s = "
                f"{result.rows / seconds:,.0f} rows/s",
                flush=True,
            )
        res["seconds"], res["rows_per_s"] = res["warm_seconds"], res["warm_rows_per_s"]
        if profile == "always" or (profile == "auto" and res["rows_per_s"] < THROUGHPUT_TARGET):
            res["profile"] = profile_throughput(model, rows)
    except Exception as exc:
        traceback.print_exc()
        res["error"] = _error(exc)
    return res


def profile_throughput(model: Any, rows: int, top: int = 15) -> dict[str, Any]:
    """One more streaming run under cProfile: the top functions by own time."""
    from syndata import pipeline

    prof = cProfile.Profile()
    with tempfile.TemporaryDirectory(prefix="syndata-bench-") as tmp:
        wall = time.perf_counter()
        prof.enable()
        pipeline.sample(model, rows=rows, seed=0, output_format="parquet", output_dir=tmp)
        prof.disable()
        seconds = time.perf_counter() - wall
    stats = pstats.Stats(prof, stream=io.StringIO())
    total = sum(v[2] for v in stats.stats.values())  # type: ignore[attr-defined]
    entries = []
    stages = dict.fromkeys(STAGES, 0.0)
    for (file, line, func), (_, ncalls, tottime, cumtime, _) in stats.stats.items():  # type: ignore[attr-defined]
        entries.append(
            {
                "function": _where(file, line, func),
                "calls": ncalls,
                "tottime": tottime,
                "cumtime": cumtime,
            }
        )
        for label, (suffix, name) in STAGES.items():
            if file.endswith(suffix) and func == name:
                stages[label] = max(stages[label], cumtime)
    by_own = sorted(entries, key=lambda e: -e["tottime"])[:top]
    return {"seconds": seconds, "total_own": total, "top": by_own, "stages": stages}


# cumulative time of these functions (file suffix, function), one line each
STAGES = {
    "model draw (GaussianCopula._sample)": ("gaussian_copula.py", "_sample"),
    "dtype casts (Synthesizer._finish)": ("models/base.py", "_finish"),
    "pandas -> Arrow (Table.from_pandas)": ("pyarrow/pandas_compat.py", "dataframe_to_arrays"),
    "Parquet encode and write (ParquetWriter.write_table)": ("parquet/core.py", "write_table"),
}


def _where(file: str, line: int, func: str) -> str:
    if file == "~":
        return func
    parts = Path(file).parts
    short = (
        "/".join(parts[parts.index("site-packages") + 1 :])
        if "site-packages" in parts
        else "/".join(parts[-2:])
    )
    return f"{short}:{line}({func})"


# ---------------------------------------------------------------------- report


def _secs(value: float) -> str:
    return f"{value:.3f}" if value < 0.1 else f"{value:.2f}" if value < 100 else f"{value:.0f}"


def _f(value: Any, fmt: str = ".3f") -> str:
    return (
        ""
        if value is None or (isinstance(value, float) and math.isnan(value))
        else format(value, fmt)
    )


def machine_info() -> str:
    import numpy
    import pandas
    import sklearn

    try:
        import sdv

        sdv_version = sdv.__version__
    except ImportError:
        sdv_version = "not installed"
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.machine()}{', ' + model if model else ''}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, numpy {numpy.__version__}, pandas "
        f"{pandas.__version__}, scikit-learn {sklearn.__version__}, SDV {sdv_version}"
    )


def code_version() -> str:
    """The commit measured, and the product files that differ from it."""
    import subprocess

    def git(*args: str) -> str:
        proc = subprocess.run(
            ["git", *args], capture_output=True, text=True, cwd=HERE.parent, check=False
        )
        return proc.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    status = git("status", "--porcelain", "--", "syndata", "model_registry")
    dirty = [line.split(maxsplit=1)[-1] for line in status.splitlines()]
    return f"commit {commit}" + (
        f" plus uncommitted changes to {', '.join(dirty)}" if dirty else ""
    )


def ok(flag: bool) -> str:
    return "met" if flag else "**missed**"


def targets(results: list[dict[str, Any]], throughput: dict[str, Any] | None) -> list[str]:
    """One line per target: met / missed, with the tables that miss it."""
    lines = []

    def check(label: str, engine: str, test: Any, show: Any, vs_sdv: bool = False) -> None:
        misses, skipped, seen = [], [], 0
        for d in results:
            r = d["engines"].get(engine)
            ref = d["engines"].get(REFERENCE)
            if r is None or (vs_sdv and ref is None):
                continue
            seen += 1
            why = err(r, ref if vs_sdv else None)
            if why is None and test is ml_test and "ml_error" in r:
                why = "ML efficacy failed"
            if why is not None:
                skipped.append(f"{d['dataset']} ({why})")
            elif not test(r, ref):
                misses.append(f"{d['dataset']} ({show(r, ref)})")
        if not seen:
            return
        if len(skipped) == seen:
            text = f"- {label}: not measured: " + "; ".join(skipped)
        else:
            text = f"- {label}: {ok(not misses)}"
            if misses:
                text += ": " + "; ".join(misses)
            if skipped:
                text += "; not measured on " + "; ".join(skipped)
        lines.append(text)

    def err(r: dict[str, Any], ref: dict[str, Any] | None = None) -> str | None:
        if "error" in r:
            return f"{r['engine']} failed"
        if ref is not None and "error" in ref:
            return "SDV failed"
        return None

    def ml_test(r: dict[str, Any], ref: Any) -> bool:
        return abs(r["ml"]["difference"]) <= ML_GAP_TARGET

    check(
        "gaussian_copula overall quality >= SDV's on every table",
        "gaussian_copula",
        lambda r, ref: r["overall"] >= ref["overall"],
        lambda r, ref: f"{r['overall']:.4f} vs {ref['overall']:.4f}",
        vs_sdv=True,
    )
    check(
        f"gaussian_copula fit >= {SPEEDUP_TARGET:.0f}x faster than SDV",
        "gaussian_copula",
        lambda r, ref: ref["fit_s"] / r["fit_s"] >= SPEEDUP_TARGET,
        lambda r, ref: f"{ref['fit_s'] / r['fit_s']:.1f}x",
        vs_sdv=True,
    )
    check(
        f"gaussian_copula sampling >= {SPEEDUP_TARGET:.0f}x faster than SDV",
        "gaussian_copula",
        lambda r, ref: r["rows_per_s"] / ref["rows_per_s"] >= SPEEDUP_TARGET,
        lambda r, ref: f"{r['rows_per_s'] / ref['rows_per_s']:.1f}x",
        vs_sdv=True,
    )
    check(
        f"cart overall quality >= {CART_OVERALL_TARGET}",
        "cart",
        lambda r, ref: r["overall"] >= CART_OVERALL_TARGET,
        lambda r, ref: f"{r['overall']:.4f}",
    )
    check(
        f"cart column pair trends >= {CART_PAIRS_TARGET}",
        "cart",
        lambda r, ref: r["pairs"] >= CART_PAIRS_TARGET,
        lambda r, ref: f"{r['pairs']:.4f}",
    )
    check(
        f"cart ML efficacy within {ML_GAP_TARGET} of train-on-real",
        "cart",
        ml_test,
        lambda r, ref: (
            f"{r['ml']['metric']} {r['ml']['real_score']:.3f} real vs "
            f"{r['ml']['synthetic_score']:.3f} synthetic, gap {r['ml']['difference']:+.3f}"
        ),
    )
    for engine in OURS:
        check(
            f"{engine} exact-copy rate not above the holdout's",
            engine,
            lambda r, ref: r["copy"]["synthetic_copy_rate"] <= r["copy"]["holdout_copy_rate"],
            lambda r, ref: (
                f"{r['copy']['synthetic_copy_rate']:.4f} vs {r['copy']['holdout_copy_rate']:.4f}"
            ),
        )
    for engine in OURS:
        if engine != "gaussian_copula":  # the copula's own line is above
            check(
                f"{engine} overall quality >= SDV's on every table",
                engine,
                lambda r, ref: r["overall"] >= ref["overall"],
                lambda r, ref: f"{r['overall']:.4f} vs {ref['overall']:.4f}",
                vs_sdv=True,
            )
        check(
            f"{engine} DCR share <= max({MEMORISING_FLOOR}, real baseline + {MEMORISING_MARGIN})",
            engine,
            lambda r, ref: r["dcr"]["share_closer_to_train"] <= _dcr_limit(r),
            lambda r, ref: (
                f"{r['dcr']['share_closer_to_train']:.3f} vs baseline "
                f"{r['dcr']['holdout']['share_closer_to_train']:.3f}"
            ),
        )
        check(
            f"{engine} ML efficacy gap <= {ML_GAP_WIDE}",
            engine,
            lambda r, ref: r["ml"]["difference"] <= ML_GAP_WIDE,
            lambda r, ref: f"gap {r['ml']['difference']:+.3f}",
        )
    lines.extend(_ceiling_lines(results))
    if throughput is not None:
        if "error" in throughput:
            lines.append(
                f"- gaussian_copula streaming >= {THROUGHPUT_TARGET:,} rows/s to "
                f"Parquet: **missed** (failed: {throughput['error']})"
            )
        else:
            rate = throughput["rows_per_s"]
            lines.append(
                f"- gaussian_copula streaming >= {THROUGHPUT_TARGET:,} rows/s to "
                f"Parquet: {ok(rate >= THROUGHPUT_TARGET)} ({rate:,.0f} rows/s)"
            )
    return lines


def _dcr_limit(r: dict[str, Any]) -> float:
    return memorising_limit(r["dcr"]["holdout"]["share_closer_to_train"])


def _ceiling_lines(results: list[dict[str, Any]]) -> list[str]:
    """Per model: tables whose overall is below the real holdout's minus the margin."""
    lines = []
    for engine in OURS:
        misses = []
        for d in results:
            r = d["engines"].get(engine)
            if r is None or "error" in r or "holdout_quality" not in d:
                continue
            ceiling = d["holdout_quality"][2]
            if r["overall"] < ceiling - CEILING_MARGIN:
                misses.append(f"{d['dataset']} ({r['overall']:.4f} vs ceiling {ceiling:.4f})")
        lines.append(
            f"- {engine} overall >= ceiling - {CEILING_MARGIN} on every table: {ok(not misses)}"
            + (": " + "; ".join(misses) if misses else "")
        )
    return lines


def render(
    results: list[dict[str, Any]],
    throughput: dict[str, Any] | None,
    command: str,
    started: str,
    seconds: float,
    loads: tuple[Any, Any],
    speed_rows: int,
    repeat: int,
) -> str:
    lines = [
        f"Measured {started} on {machine_info()}, by `{command}` "
        f"({seconds / 60:.1f} min), code at {code_version()}. The machine was shared with "
        f"other work while this ran (1-minute load average {loads[0]:.2f} at the start, "
        f"{loads[1]:.2f} at the end, on {os.cpu_count()} cores), so timings are noisy; "
        "quality and copy rates are not. All engines run in one process, one after "
        "another, with the metadata `TableMetadata.detect` gives for the whole table.",
        "",
        "Method: 80/20 split (seed 0) into train and holdout. *fit* is the wall time of "
        f"`fit(train, metadata)`; *sample rows/s* times `sample(max(len(train), "
        f"{speed_rows:,}), seed=0)`; both are the best of {repeat} runs. Quality is "
        "`evaluate(train, synthetic, metadata, target=..., holdout=holdout)` on the first "
        "len(train) rows of that sample: *shapes*, *pairs* (column pair trends) and "
        "*overall* as in SDMetrics' QualityReport; *ML* trains HistGradientBoosting on "
        "train (*real*) and on the synthetic rows (*synth*) and scores both on the holdout "
        "(macro F1 for a categorical target, R² for a numerical one), *gap* = real − synth. "
        "*copies* is `copy_report(train, holdout, synthetic)`: the share of synthetic rows "
        "equal to a training row, next to the same share for holdout rows (chance level); "
        "the target compares them strictly (`copy_report`'s own `ok` allows 0.01 more). "
        "*ceiling* is the overall score of the real holdout rows against train (the "
        "reference table below): what a fresh real sample scores. "
        "*DCR share* is `dcr_report`'s share of synthetic rows closer to a training row than "
        "to a holdout row (0.5: no closer to train than unseen real rows), the holdout's own "
        "share (the real baseline) in brackets, over the first max(len(train), 2,000) rows "
        "of the timed sample (at least 2,000 synthetic rows looked up, so small tables' "
        "shares are not a few hundred rows' noise). Tables marked *(untuned)* "
        "(`datasets.UNTUNED`) are measured only: no model was developed or tuned on them.",
        "",
        "Targets: `gaussian_copula` overall quality >= SDV's on every table, fit >= 20x and "
        "sampling >= 20x faster than SDV; `cart` overall >= 0.97, pair trends >= 0.95, ML "
        "efficacy within 0.02 of train-on-real; neither model's copy rate above the "
        "holdout's; `gaussian_copula` streaming >= 2,000,000 rows/s to Parquet. Issue 16: "
        "the default model (`auto`, which fits the engine its held-out trial picks; "
        "*auto → cart* names it) >= SDV's and >= the real ceiling − 0.03 on every table; "
        "every model's DCR share <= max(0.53, real baseline + 0.03) and ML efficacy gap "
        "<= 0.05.",
        "",
        "| table | rows (train) | engine | fit s | sample rows/s | shapes | pairs | overall "
        "| ceiling | ML target (metric) | ML real | ML synth | ML gap | copies synth "
        "| copies holdout | DCR share [holdout] |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for d in results:
        for engine, r in d["engines"].items():
            name = d["dataset"] + (" (untuned)" if d.get("group") == "untuned" else "")
            label = f"{engine} → {r['chosen']}" if "chosen" in r else engine
            head = f"| {name} | {d['train']:,} | {label} |"
            if "error" in r:
                fit = _secs(r["fit_s"]) if "fit_s" in r else ""
                lines.append(
                    f"{head} {fit} | FAILED: {r['error'].replace('|', '/')} | | | | | | | | | | | |"
                )
                continue
            dcr = r["dcr"]
            ceiling = _f(d["holdout_quality"][2], ".4f") if "holdout_quality" in d else ""
            ml = r["ml"] or {}
            ml_cells = (
                f"{ml.get('target', '')} ({ml.get('metric', '')}) | "
                f"{_f(ml.get('real_score'))} | {_f(ml.get('synthetic_score'))} | "
                f"{_f(ml.get('difference'), '+.3f')}"
            )
            if "ml_error" in r:
                ml_cells = f"{d['target']}: FAILED: {r['ml_error'].replace('|', '/')[:90]} | | |"
            lines.append(
                f"{head} {_secs(r['fit_s'])} | {r['rows_per_s']:,.0f} | {r['shapes']:.4f} | "
                f"{_f(r['pairs'], '.4f')} | {r['overall']:.4f} | {ceiling} | {ml_cells} | "
                f"{r['copy']['synthetic_copy_rate']:.4f} | {r['copy']['holdout_copy_rate']:.4f} | "
                f"{dcr['share_closer_to_train']:.3f} [{dcr['holdout']['share_closer_to_train']:.3f}] |"
            )
    choices = [
        f"- {d['dataset']}: {d['engines']['auto']['choice']}"
        for d in results
        if "choice" in d["engines"].get("auto", {})
    ]
    if choices:
        lines += ["", "What `auto` chose, and why (its trial, on the training rows only):", ""]
        lines += choices
    lines += [
        "",
        "Reference: the real holdout rows (never seen by any model) scored against "
        "train exactly like a synthetic table. Sampling noise and a few extreme rows keep "
        "even real data below 1; a synthetic table the size of train has less sampling "
        "noise than the smaller holdout, so it can score above this.",
        "",
        "| table | holdout rows | shapes | pairs | overall |",
        "|---|---:|---:|---:|---:|",
    ]
    for d in results:
        if "holdout_quality" in d:
            shapes, pairs, overall = d["holdout_quality"]
            lines.append(
                f"| {d['dataset']} | {d['holdout']:,} | {shapes:.4f} | "
                f"{_f(pairs, '.4f')} | {overall:.4f} |"
            )
    lines += [
        "",
        "Speed-ups over SDV's GaussianCopulaSynthesizer (SDV fit time / ours; our "
        "sampling rows/s / SDV's):",
        "",
        "| table | gaussian_copula fit | gaussian_copula sampling | cart fit | cart sampling |",
        "|---|---:|---:|---:|---:|",
    ]
    for d in results:
        ref = d["engines"].get(REFERENCE)
        cells = []
        for engine in OURS:
            r = d["engines"].get(engine)
            if r is None or ref is None or "error" in r or "error" in ref:
                cells += ["n/a", "n/a"]
            else:
                cells += [
                    f"{ref['fit_s'] / r['fit_s']:.1f}x",
                    f"{r['rows_per_s'] / ref['rows_per_s']:.1f}x",
                ]
        lines.append(f"| {d['dataset']} | " + " | ".join(cells) + " |")
    if throughput is not None:
        lines += [
            "",
            f"Throughput: `gaussian_copula` fitted on diamonds "
            f"({throughput['columns']} columns, mixed), "
            f"`syndata.pipeline.sample(model, rows={throughput['rows']:,}, "
            'output_format="parquet", output_dir=tmp)`, default batch size: ',
        ]
        if "error" in throughput:
            lines.append(f"FAILED: {throughput['error']}")
        else:
            lines[-1] += (
                f"**{throughput['rows_per_s']:,.0f} rows/s** "
                f"({throughput['seconds']:.2f} s, {throughput['file_mb']:.1f} MB of "
                "Parquet) on a second call; the first call in the process ran at "
                f"{throughput['cold_rows_per_s']:,.0f} rows/s "
                f"({throughput['cold_seconds']:.2f} s), as it also imports the model "
                "registry."
            )
            prof = throughput.get("profile")
            if prof:
                lines += [
                    "",
                    f"Where the time goes (one more run under cProfile: "
                    f"{prof['seconds']:.2f} s with profiling overhead). Cumulative time "
                    "of the stages:",
                    "",
                ]
                for label, secs in prof["stages"].items():
                    share = secs / prof["seconds"] if prof["seconds"] else math.nan
                    lines.append(f"- {label}: {_f(secs, '.2f')} s ({_f(100 * share, '.0f')}%)")
                lines += [
                    "",
                    "Top functions by own time:",
                    "",
                    "| function | calls | own s | cumulative s |",
                    "|---|---:|---:|---:|",
                ]
                for e in prof["top"]:
                    lines.append(
                        f"| `{e['function']}` | {e['calls']:,} | {e['tottime']:.2f} | "
                        f"{e['cumtime']:.2f} |"
                    )
    lines += ["", "Targets:", "", *targets(results, throughput), ""]
    lines += weak_spots(results)
    return "\n".join(lines)


def weak_spots(results: list[dict[str, Any]], top: int = 3) -> list[str]:
    """Per table and engine: the weakest columns and counted pairs, SDV's score beside ours."""
    lines = [
        "Weakest scores per table (column shapes; counted pairs, with SDV's score for "
        "the same column or pair in brackets):",
        "",
    ]
    for d in results:
        ref = d["engines"].get(REFERENCE, {})
        ref_cols = {c["column"]: c["score"] for c in ref.get("column_scores", [])}
        ref_pairs = {(p["column_1"], p["column_2"]): p["score"] for p in ref.get("pair_scores", [])}
        for engine in OURS:
            r = d["engines"].get(engine)
            if r is None or "error" in r:
                continue
            cols = sorted(
                (c for c in r["column_scores"] if not _nan(c["score"])), key=lambda c: c["score"]
            )[:top]
            pairs = sorted(
                (p for p in r["pair_scores"] if p["counted"] and not _nan(p["score"])),
                key=lambda p: p["score"],
            )[:top]
            col_text = ", ".join(
                f"{c['column']} {c['score']:.3f} [{_f(ref_cols.get(c['column']))}]" for c in cols
            )
            pair_text = ", ".join(
                f"{p['column_1']}~{p['column_2']} {p['score']:.3f} "
                f"[{_f(ref_pairs.get((p['column_1'], p['column_2'])))}]"
                for p in pairs
            )
            lines.append(
                f"- {d['dataset']}, {engine}: columns {col_text}; pairs "
                f"{pair_text or 'none counted'}"
            )
    lines.append("")
    return lines


def _nan(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def write_section(path: Path, marker: str, body: str) -> None:
    """Replace the text between ``<!-- marker:start -->`` and ``<!-- marker:end -->``.

    The block goes under the learned-models heading (added at the end when missing);
    everything else in the file is kept as it is.
    """
    start, end = f"<!-- {marker}:start -->", f"<!-- {marker}:end -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    text = path.read_text() if path.exists() else ""
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + block + after
    else:
        if SECTION_HEADING not in text:
            text = text.rstrip("\n") + ("\n\n" if text else "") + SECTION_HEADING + "\n"
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


# ---------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{' and '.join(QUICK_DATASETS)} only, {QUICK_SPEED_ROWS:,} "
        f"sampled rows, {QUICK_THROUGHPUT_ROWS:,} streamed rows",
    )
    parser.add_argument("--datasets", help=f"comma-separated, of {','.join(datasets.ALL)}")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="fit and sampling times are the best of this many runs",
    )
    parser.add_argument(
        "--no-throughput", action="store_true", help="skip the 2M-row streaming run"
    )
    parser.add_argument(
        "--profile",
        choices=("auto", "always", "never"),
        default="auto",
        help="profile the streaming run (auto: when it misses its target)",
    )
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")  # SDV and pandas chatter; errors still surface

    names = (
        args.datasets.split(",")
        if args.datasets
        else QUICK_DATASETS
        if args.quick
        else datasets.ALL
    )
    engines = args.engines.split(",")
    speed_rows = QUICK_SPEED_ROWS if args.quick else SPEED_ROWS
    command = ".venv/bin/python bench/bench_models.py" + (
        " " + shlex.join(sys.argv[1:]) if sys.argv[1:] else ""
    )
    started = time.strftime("%Y-%m-%d")
    load_start = os.getloadavg()[0]
    t0 = time.perf_counter()
    results = [run_dataset(name, engines, speed_rows, args.repeat) for name in names]
    throughput = None
    if not args.no_throughput:
        throughput = run_throughput(
            QUICK_THROUGHPUT_ROWS if args.quick else THROUGHPUT_ROWS, args.profile
        )
    body = render(
        results,
        throughput,
        command,
        started,
        time.perf_counter() - t0,
        (load_start, os.getloadavg()[0]),
        speed_rows,
        args.repeat,
    )
    write_section(args.output, MARKER, body)
    print("\n".join(targets(results, throughput)))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
