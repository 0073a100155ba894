"""Privacy risk of the learned models: DCR, copies, anonymeter's attacks and the verdict.

For each table of ``bench/datasets.py``: split 80/20 (seed 0) into train and holdout, as
``bench_models.py`` does; fit our ``gaussian_copula`` and ``cart`` on train (metadata
detected on the whole table), sample len(train) rows (seed 0), and time
``syndata.privacy.risk.privacy_report(train, holdout, synthetic)`` with its defaults.
Before the first table, one small report compiles anonymeter's numba code, so the
per-table seconds are those of a warm process (the compile time is reported apart).
Rewrites its own block of bench/RESULTS.md (between marker comments).

    /tmp/v2/bin/python bench/bench_privacy.py                        # all tables
    /tmp/v2/bin/python bench/bench_privacy.py --datasets penguins,computers
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import subprocess
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import datasets  # noqa: E402
from results import write_block  # noqa: E402

ENGINES = ["gaussian_copula", "cart"]
MARKER = "bench_privacy"
SHARE_LOW, SHARE_HIGH = 0.45, 0.55  # the DCR share target


# ---------------------------------------------------------------------- runs


def warm_up() -> float:
    """Seconds of one small report: anonymeter's numba code compiles on first use."""
    from syndata.privacy.risk import privacy_report

    _, frame, _ = datasets.load("penguins")
    started = time.perf_counter()
    privacy_report(frame.iloc[:150], frame.iloc[150:300], frame.iloc[:150], n_attacks=20)
    return time.perf_counter() - started


def run_engine(engine: str, train: Any, holdout: Any, metadata: Any) -> dict[str, Any]:
    """Fit, sample len(train) rows and time the privacy report of one engine."""
    from syndata.models import make_model
    from syndata.privacy.risk import privacy_report

    res: dict[str, Any] = {"engine": engine}
    try:
        model = make_model(engine).fit(train, metadata)
        synthetic = model.sample(len(train), seed=0)
        started = time.perf_counter()
        report = privacy_report(train, holdout, synthetic, metadata=metadata)
        res["seconds"] = time.perf_counter() - started
        res["report"] = report
    except Exception as exc:  # reported in the table, with the traceback on stderr
        traceback.print_exc()
        res["error"] = f"{type(exc).__name__}: {exc}".splitlines()[0][:160]
    return res


def run_dataset(name: str, engines: list[str]) -> dict[str, Any]:
    from syndata.metadata import TableMetadata

    _, frame, _ = datasets.load(name)
    metadata = TableMetadata.detect(frame, name)
    holdout = frame.sample(frac=0.2, random_state=0)
    train = frame.drop(holdout.index).reset_index(drop=True)
    holdout = holdout.reset_index(drop=True)
    out: dict[str, Any] = {
        "dataset": name,
        "train": len(train),
        "holdout": len(holdout),
        "engines": {},
    }
    for engine in engines:
        res = run_engine(engine, train, holdout, metadata)
        out["engines"][engine] = res
        print(_progress_line(name, res), flush=True)
    return out


def _progress_line(name: str, res: dict[str, Any]) -> str:
    if "error" in res:
        return f"{name:13s} {res['engine']:16s} FAILED: {res['error']}"
    report = res["report"]
    return (
        f"{name:13s} {res['engine']:16s} {report.verdict:5s} DCR share "
        f"{report.dcr['share_closer_to_train']:.3f}  copies "
        f"{report.copies['synthetic_copy_rate']:.4f}/{report.copies['holdout_copy_rate']:.4f}"
        f"  {res['seconds']:.1f} s"
    )


# ---------------------------------------------------------------------- rendering


def _attacks(report: Any) -> dict[str, dict[str, Any]]:
    return {a["attack"]: a for a in (report.anonymeter or {}).get("attacks", [])}


def _risk(attack: dict[str, Any] | None) -> str:
    if attack is None:
        return ""
    if attack.get("error"):
        return "n/a"
    low, high = attack["ci"]
    return f"{attack['risk']:.2f} [{low:.2f}, {high:.2f}]"


def _worst_inference(report: Any) -> str:
    inference = [
        a for n, a in _attacks(report).items() if n.startswith("inference:") and not a.get("error")
    ]
    if not inference:
        return "n/a"
    worst = max(inference, key=lambda a: a["risk"])
    return f"{_risk(worst)} {worst['secret']}"


def result_rows(results: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| table | train / holdout | engine | DCR share | holdout baseline | share if "
        "copied | distance 0 synth / holdout | copies synth / holdout | singling out "
        "(univariate) | singling out (multivariate) | linkability | inference (worst "
        "secret) | verdict | seconds |",
        "|---|---:|---|---:|---:|---:|---:|---:|---|---|---|---|---|---:|",
    ]
    for d in results:
        for engine, res in d["engines"].items():
            head = f"| {d['dataset']} | {d['train']:,} / {d['holdout']:,} | {engine} |"
            if "error" in res:
                lines.append(f"{head} failed: {res['error']} |" + " |" * 11)
                continue
            r = res["report"]
            attacks = _attacks(r)
            dcr, base = r.dcr, r.dcr["holdout"]
            lines.append(
                f"{head} {dcr['share_closer_to_train']:.3f} | "
                f"{base['share_closer_to_train']:.3f} | {dcr['share_if_copied']:.3f} | "
                f"{dcr['zero_distance_share']:.4f} / {base['zero_distance_share']:.4f} | "
                f"{r.copies['synthetic_copy_rate']:.4f} / {r.copies['holdout_copy_rate']:.4f} | "
                f"{_risk(attacks.get('singling_out_univariate'))} | "
                f"{_risk(attacks.get('singling_out_multivariate'))} | "
                f"{_risk(attacks.get('linkability'))} | {_worst_inference(r)} | "
                f"**{r.verdict}** | {res['seconds']:.1f} |"
            )
    return lines


def share_verdicts(results: list[dict[str, Any]]) -> list[str]:
    """The DCR share target in plain words, per table and engine."""
    lines = [f"DCR share target: within {SHARE_LOW:.2f}–{SHARE_HIGH:.2f}.", ""]
    for d in results:
        for engine, res in d["engines"].items():
            if "error" in res:
                lines.append(f"- {d['dataset']}, {engine}: not measured ({res['error']}).")
                continue
            dcr = res["report"].dcr
            share, ceiling = dcr["share_closer_to_train"], dcr["share_if_copied"]
            if SHARE_LOW <= share <= SHARE_HIGH:
                lines.append(f"- {d['dataset']}, {engine}: met ({share:.3f}).")
            elif share > SHARE_HIGH:
                lines.append(
                    f"- {d['dataset']}, {engine}: **missed** — {share:.1%} of its rows are "
                    f"closer to a training row than to a held-out one (50% expected); a "
                    f"verbatim copy of train would score {ceiling:.1%} at these sizes, so it "
                    f"is {(share - 0.5) / (ceiling - 0.5):.0%} of the way from unseen real "
                    f"rows to a copy. {_copies_words(res['report'].copies)}"
                )
            else:
                lines.append(
                    f"- {d['dataset']}, {engine}: **missed** — {share:.1%}: closer "
                    "to the held-out rows than expected."
                )
    return lines


def _copies_words(copies: dict[str, Any]) -> str:
    if copies["ok"]:
        return (
            "It repeats training rows no more often than unseen real rows do, so its rows "
            "are near-copies, not copies, of training rows."
        )
    return (
        f"It also repeats training rows exactly ({copies['synthetic_copy_rate']:.1%} of its "
        f"rows, against {copies['holdout_copy_rate']:.1%} for unseen real rows)."
    )


def findings(results: list[dict[str, Any]]) -> list[str]:
    """Every check that did not pass, in the report's own words."""
    lines = [
        "Checks that did not pass (the report's own words; *inconclusive* and *skipped* "
        "do not change the verdict):",
        "",
    ]
    for d in results:
        for engine, res in d["engines"].items():
            if "error" in res:
                continue
            report = res["report"]
            others = [c for c in report.checks if c.verdict != "pass"]
            if not others:
                lines.append(f"- {d['dataset']}, {engine}: every check passed.")
                continue
            text = "; ".join(f"{c.verdict}: {c.reason}" for c in others)
            lines.append(f"- {d['dataset']}, {engine} ({report.verdict}): {text}.")
    return lines


def render(
    results: list[dict[str, Any]],
    command: str,
    started: str,
    seconds: float,
    load: tuple[float, float],
    compile_s: float,
) -> str:
    from importlib.metadata import version

    import numpy
    import pandas
    import sklearn

    from syndata.privacy import risk

    reports = [r for d in results for r in d["engines"].values() if "report" in r]
    times = sorted(r["seconds"] for r in reports)
    lines = [
        "# Benchmark: privacy risk",
        "",
        f"Measured {started} on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, numpy {numpy.__version__}, pandas {pandas.__version__}, "
        f"scikit-learn {sklearn.__version__}, anonymeter {version('anonymeter')}, by "
        f"`{command}` ({seconds / 60:.1f} min), code at commit {_commit()}. The machine was "
        f"shared (1-minute load average {load[0]:.2f} at the start, {load[1]:.2f} at the end, "
        "on 2 cores), so the seconds are noisy; the rest is seeded (apart from anonymeter's "
        "univariate singling out, see `syndata/privacy/risk.py`).",
        "",
        "Method: 80/20 split (seed 0) as in `bench_models.py`; each model is fitted on train "
        "and samples len(train) rows (seed 0); `privacy_report(train, holdout, synthetic)` "
        f"with its defaults: DCR on up to {risk.DCR_ROWS:,} train and as many holdout rows "
        f"(the same number of each), {risk.DCR_QUERIES:,} synthetic rows looked up; anonymeter "
        f"on train and holdout subsampled to the same size (at most {risk.ATTACK_ROWS:,}), "
        f"at most {risk.ATTACK_ROWS:,} synthetic rows, {risk.REPORT_ATTACKS} attacks each. "
        "*DCR share*: synthetic rows closer to a training row than to a holdout row (0.5 = "
        "no memorisation); *holdout baseline*: the same share for holdout rows (against the "
        "other holdout rows); *share if copied*: what a verbatim copy of train would score "
        "at these sizes (train rows outside the compared sample dilute it); *distance 0*: "
        "synthetic (holdout) rows equal to a compared training row on every modelled column; "
        "*copies*: `copy_report` on the modelled columns against the whole train. Risks are "
        "anonymeter's, with their 95% interval. *seconds*: the whole `privacy_report`, in a "
        f"warm process (the first report in a process also compiles anonymeter's numba code: "
        f"{compile_s:.1f} s here).",
        "",
        "Verdict thresholds (`syndata/privacy/risk.py`): fail when the copy rate exceeds the "
        "holdout's by more than 0.01, the DCR share exceeds 0.60, or an attack risk exceeds "
        "0.5 with its interval's lower bound above 0.25; warn when the DCR share is outside "
        "0.45–0.55 or a risk exceeds 0.2 with its lower bound above 0.1.",
        "",
        *result_rows(results),
        "",
        (
            f"Report time: median {times[len(times) // 2]:.1f} s, longest {times[-1]:.1f} s "
            f"over {len(times)} reports."
            if times
            else ""
        ),
        "",
        *share_verdicts(results),
        "",
        *findings(results),
    ]
    return "\n".join(lines)


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


# ---------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", help=f"comma-separated, of {','.join(datasets.NAMES)}")
    parser.add_argument("--engines", default=",".join(ENGINES), help="comma-separated")
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")  # pandas and anonymeter chatter; errors still surface

    names = args.datasets.split(",") if args.datasets else datasets.NAMES
    command = "/tmp/v2/bin/python bench/bench_privacy.py" + (
        " " + shlex.join(sys.argv[1:]) if sys.argv[1:] else ""
    )
    started = time.strftime("%Y-%m-%d")
    load_start = os.getloadavg()[0]
    t0 = time.perf_counter()
    compile_s = warm_up()
    results = [run_dataset(name, args.engines.split(",")) for name in names]
    body = render(
        results,
        command,
        started,
        time.perf_counter() - t0,
        (load_start, os.getloadavg()[0]),
        compile_s,
    )
    write_block(args.output, MARKER, body)
    print("\n".join(share_verdicts(results)))
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
