"""Fitting the copula on a Parquet file larger than memory: fit time and peak RSS.

Writes a 10,000,000-row Parquet file (diamonds resampled with replacement, one row group
of 250,000 rows written at a time, so the 10M rows are never in memory together), then
in a fresh process fits ``GaussianCopula().fit_batches(...)`` over the file's row groups
and reports the fit's wall time and the process's peak RSS against the 2 GB target,
plus the quality of a 50,000-row synthetic sample against a 50,000-row uniform sample of
the file. A second fresh process runs the whole use-case,
``syndata.pipeline.fit(path, model="gaussian_copula", name=..., holdout=0)`` with a
temporary ``SYNDATA_HOME`` (read, profile, fit, evaluate, register).
Rewrites its own section of bench/RESULTS.md (between marker comments).

    .venv/bin/python bench/bench_stream_fit.py            # 10M rows (a few minutes)
    .venv/bin/python bench/bench_stream_fit.py --rows 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bench_models import code_version, machine_info, write_section  # noqa: E402

ROW_GROUP = 250_000
PEAK_TARGET_MB = 2048
EVAL_ROWS = 50_000
MARKER = "bench_stream_fit"

# in a fresh process: peak RSS is the fit's own (plus interpreter and libraries)
DIRECT_RUN = """
import json, resource, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np, pandas as pd, pyarrow.parquet as pq
from syndata.metadata import TableMetadata
from syndata.models import GaussianCopula
from syndata.quality import evaluate

path = sys.argv[1]
def rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
parquet = pq.ParquetFile(path)
def row_groups():
    for i in range(parquet.num_row_groups):
        yield parquet.read_row_group(i).to_pandas()
metadata = TableMetadata.detect(parquet.read_row_group(0).to_pandas(), "diamonds")
before = rss_mb()
t = time.perf_counter()
model = GaussianCopula().fit_batches(row_groups, metadata)
seconds = time.perf_counter() - t
peak = rss_mb()
# quality: 50k synthetic rows against a uniform 50k-row sample of the file
n = int(sys.argv[2])
total = parquet.metadata.num_rows
keep = np.sort(np.random.default_rng(1).choice(total, min(n, total), replace=False))
parts, offset = [], 0
for frame in row_groups():
    inside = keep[(keep >= offset) & (keep < offset + len(frame))] - offset
    parts.append(frame.iloc[inside])
    offset += len(frame)
real = pd.concat(parts, ignore_index=True)
synthetic = model.sample(len(real), seed=0)
report = evaluate(real, synthetic, metadata, target="cut")
print(json.dumps({"seconds": seconds, "peak_mb": peak, "before_mb": before,
                  "rows": int(model.n_rows_), "shapes": report.column_shapes,
                  "pairs": report.column_pair_trends, "overall": report.overall,
                  "ml": report.ml_efficacy, "peak_after_eval_mb": rss_mb()}))
"""

PIPELINE_RUN = """
import json, resource, sys, time, warnings
warnings.filterwarnings("ignore")
from syndata import pipeline
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t = time.perf_counter()
result = pipeline.fit(sys.argv[1], model="gaussian_copula", name="bench_stream_fit", holdout=0)
seconds = time.perf_counter() - t
q = result.quality
print(json.dumps({"seconds": seconds, "before_mb": before, "rows": result.rows,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "shapes": q["column_shapes"], "pairs": q["column_pair_trends"],
                  "overall": q["overall"]}))
"""


def write_parquet(path: Path, rows: int) -> float:
    """diamonds resampled with replacement, ROW_GROUP rows at a time; returns seconds."""
    import datasets
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    _, frame, _ = datasets.load("diamonds")
    rng = np.random.default_rng(0)
    started = time.perf_counter()
    writer = None
    try:
        for start in range(0, rows, ROW_GROUP):
            n = min(ROW_GROUP, rows - start)
            part = frame.iloc[rng.integers(0, len(frame), n)].reset_index(drop=True)
            table = pa.Table.from_pandas(part, preserve_index=False)
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table, row_group_size=ROW_GROUP)
    finally:
        if writer is not None:
            writer.close()
    return time.perf_counter() - started


def run(code: str, *args: str, env: dict[str, str] | None = None) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env=env,
    )
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["no output"]
        print(proc.stderr, file=sys.stderr)
        return {"error": tail[0][:200]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--no-pipeline", action="store_true", help="skip the pipeline.fit run")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    started = time.strftime("%Y-%m-%d")
    load_start = os.getloadavg()[0]
    runs: list[tuple[str, dict]] = []
    with tempfile.TemporaryDirectory(prefix="syndata-bench-") as tmp:
        path = Path(tmp) / "diamonds_big.parquet"
        write_s = write_parquet(path, args.rows)
        size_mb = path.stat().st_size / 2**20
        print(f"wrote {args.rows:,} rows ({size_mb:.0f} MB) in {write_s:.1f}s", flush=True)
        res = run(DIRECT_RUN, str(path), str(EVAL_ROWS))
        runs.append(("`GaussianCopula().fit_batches(row groups, metadata)`", res))
        print("fit_batches:", res, flush=True)
        if not args.no_pipeline:
            env = dict(os.environ, SYNDATA_HOME=str(Path(tmp) / "home"))
            env.pop("MLFLOW_TRACKING_URI", None)
            res = run(PIPELINE_RUN, str(path), env=env)
            runs.append(
                (
                    '`pipeline.fit(path, model="gaussian_copula", holdout=0)` '
                    "(read + profile + fit + evaluate + register)",
                    res,
                )
            )
            print("pipeline.fit:", res, flush=True)
    body = render(runs, args.rows, size_mb, started, (load_start, os.getloadavg()[0]))
    write_section(args.output, MARKER, body)
    print(f"wrote {args.output}")


def render(
    runs: list[tuple[str, dict]],
    rows: int,
    size_mb: float,
    started: str,
    loads: tuple[float, float],
) -> str:
    command = ".venv/bin/python bench/bench_stream_fit.py" + (
        " " + " ".join(sys.argv[1:]) if sys.argv[1:] else ""
    )
    lines = [
        "## Fitting from a Parquet file larger than memory",
        "",
        f"Measured {started} on {machine_info()}, by `{command}`, code at {code_version()} "
        f"(1-minute load average "
        f"{loads[0]:.2f} at the start, {loads[1]:.2f} at the end: the machine was shared). "
        f"Input: {rows:,} rows of diamonds resampled with replacement ({size_mb:.0f} MB of "
        f"Parquet, row groups of {ROW_GROUP:,} rows). Each run is a fresh process; peak "
        "RSS is its `ru_maxrss` (interpreter and libraries included; *at start* is the "
        "RSS after imports, before reading). Quality: a "
        f"{EVAL_ROWS:,}-row synthetic sample against a uniform {EVAL_ROWS:,}-row sample of "
        "the file (`evaluate`, ML efficacy of `cut` on an 80/20 split of the real sample); "
        "the pipeline run scores its own 20,000-row sample.",
        "",
        f"Target: peak RSS <= {PEAK_TARGET_MB:,} MB.",
        "",
        "| run | rows fitted | seconds | rows/s | peak RSS (MB) | at start (MB) | "
        "target | shapes | pairs | overall | ML cut real / synth |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---|",
    ]
    for label, r in runs:
        if "error" in r:
            lines.append(f"| {label} | | FAILED: {r['error'].replace('|', '/')} | | | | | | | | |")
            continue
        ml = r.get("ml")
        ml_text = f"{ml['real_score']:.3f} / {ml['synthetic_score']:.3f}" if ml else ""
        met = "met" if r["peak_mb"] <= PEAK_TARGET_MB else "**missed**"
        lines.append(
            f"| {label} | {r['rows']:,} | {r['seconds']:.1f} | {r['rows'] / r['seconds']:,.0f} | "
            f"{r['peak_mb']:,.0f} | {r['before_mb']:,.0f} | {met} | {r['shapes']:.4f} | "
            f"{r['pairs']:.4f} | {r['overall']:.4f} | {ml_text} |"
        )
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
