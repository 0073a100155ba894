"""Rule-based generation: throughput (rows/s) and peak memory, against Faker per row.

Runs the product documentation's customer config (customer_id widened to
1..100,000,000 so that it holds 10M rows) at 1M and 10M rows to CSV and Parquet, each
run in a fresh process so that its peak RSS is its own, plus Faker called once per
row per column (the usual way to write such a generator) as the reference point.
Writes bench/RESULTS.md.

    .venv/bin/python bench/bench_generate.py            # full run (about 2 minutes)
    .venv/bin/python bench/bench_generate.py --quick    # 100k / 1M rows
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from results import write_block  # noqa: E402

CONFIG = {
    "tables": [
        {
            "table_name": "customers",
            "columns": [
                {
                    "name": "customer_id",
                    "type": "int",
                    "constraints": ["PK"],
                    "rule": {"type": "range", "min": 1, "max": 100_000_000},
                },
                {"name": "first_name", "type": "str", "rule": "first_name"},
                {
                    "name": "email",
                    "type": "str",
                    "sensitivity": "PII",
                    "rule": {
                        "type": "email",
                        "regex": "^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$",
                    },
                },
                {"name": "age", "type": "int", "rule": {"type": "range", "min": 18, "max": 80}},
            ],
        }
    ],
    "locale": "en_US",
    "rows": 10000,
    "output_format": "csv",
}

SYNDATA_RUN = """
import json, resource, sys, time
from syndata import pipeline
from syndata.config import parse_config
config = parse_config(json.loads(sys.argv[1]))
rows, fmt, out = int(sys.argv[2]), sys.argv[3], sys.argv[4]
t = time.perf_counter()
result = pipeline.generate(config, rows=rows, seed=1, output_format=fmt, output_dir=out,
                           if_exists="replace")
seconds = time.perf_counter() - t
print(json.dumps({"rows": result.rows, "seconds": seconds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

FAKER_RUN = """
import csv, json, re, resource, sys, time
from faker import Faker
rows, out = int(sys.argv[1]), sys.argv[2]
fake = Faker("en_US"); Faker.seed(1)
email_re = re.compile(r"^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$")
t = time.perf_counter()
ids = fake.unique
with open(out, "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["customer_id", "first_name", "email", "age"])
    for _ in range(rows):
        email = fake.email()
        assert email_re.match(email)
        w.writerow([ids.random_int(1, 100_000_000), fake.first_name(), email,
                    fake.random_int(18, 80)])
seconds = time.perf_counter() - t
print(json.dumps({"rows": rows, "seconds": seconds,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def run(code: str, *args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False, cwd=ROOT
    )
    if proc.returncode != 0:
        raise SystemExit(f"benchmark run failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100k and 1M rows only")
    parser.add_argument("--faker-rows", type=int, default=50_000)
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    sizes = [100_000, 1_000_000] if args.quick else [1_000_000, 10_000_000]
    config = json.dumps(CONFIG)
    results = []
    with tempfile.TemporaryDirectory(prefix="syndata-bench-") as tmp:
        faker = run(FAKER_RUN, str(args.faker_rows), os.path.join(tmp, "faker.csv"))
        faker_rate = faker["rows"] / faker["seconds"]
        print(
            f"Faker per row, CSV, {faker['rows']:,} rows: {faker_rate:,.0f} rows/s, "
            f"peak {faker['peak_mb']:.0f} MB",
            flush=True,
        )
        for fmt in ("parquet", "csv"):
            for rows in sizes:
                out = os.path.join(tmp, f"{fmt}-{rows}")
                res = run(SYNDATA_RUN, config, str(rows), fmt, out)
                size_mb = sum(p.stat().st_size for p in Path(out).iterdir()) / 2**20
                shutil.rmtree(out)
                res.update(fmt=fmt, size_mb=size_mb, rate=res["rows"] / res["seconds"])
                results.append(res)
                print(
                    f"syndata {fmt:8s} {rows:>11,} rows: {res['rate']:>12,.0f} rows/s, "
                    f"{res['seconds']:6.2f} s, peak {res['peak_mb']:6.0f} MB, "
                    f"file {size_mb:7.1f} MB",
                    flush=True,
                )
    write_results(args.output, results, faker, sizes)


def write_results(path: Path, results: list[dict], faker: dict, sizes: list[int]) -> None:
    faker_rate = faker["rows"] / faker["seconds"]
    lines = [
        "# Benchmark: rule-based generation",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, by "
        "`.venv/bin/python bench/bench_generate.py`. Each run is a fresh process; peak memory "
        "is its maximum RSS (interpreter and libraries included). Config: the product "
        "documentation's customer table (`customer_id` PK widened to 1..100,000,000, "
        "`first_name`, `email` with its regex, `age`), seed 1, default batch size 100,000.",
        "",
        "| engine | format | rows | seconds | rows/s | vs Faker per row | peak memory (MB) "
        "| file (MB) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
        f"| Faker, one call per value | csv | {faker['rows']:,} | {faker['seconds']:.2f} | "
        f"{faker_rate:,.0f} | 1.0x | {faker['peak_mb']:.0f} | |",
    ]
    for r in results:
        lines.append(
            f"| syndata | {r['fmt']} | {r['rows']:,} | {r['seconds']:.2f} | {r['rate']:,.0f} | "
            f"{r['rate'] / faker_rate:,.0f}x | {r['peak_mb']:.0f} | {r['size_mb']:.1f} |"
        )
    small, large = sizes
    lines += ["", "Peak memory, large / small run (target: at most 2x for 10x the rows):", ""]
    for fmt in ("parquet", "csv"):
        a = next(r for r in results if r["fmt"] == fmt and r["rows"] == small)
        b = next(r for r in results if r["fmt"] == fmt and r["rows"] == large)
        lines.append(
            f"- {fmt}: {b['peak_mb']:.0f} MB / {a['peak_mb']:.0f} MB = "
            f"{b['peak_mb'] / a['peak_mb']:.2f}x"
        )
    lines += [
        "",
        "Target: >= 1,000,000 rows/s for the customer table to Parquet on this "
        "2-core machine; memory flat in the row count.",
        "",
    ]
    write_block(path, "bench_generate", "\n".join(lines))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
