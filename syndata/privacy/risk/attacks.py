"""Anonymeter's attacks (singling out, linkability, inference), the holdout as control set.

Each attack's failure is reported in plain words, never raised: a report still comes out
when anonymeter is missing or cannot attack a table.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from syndata.errors import AttackNotPossible, QualityError
from syndata.metadata import ColumnMetadata, TableMetadata
from syndata.privacy.risk.columns import (
    CONTINUOUS_KINDS,
    categories,
    check_rows,
    continuous,
    modelled_columns,
    subsample,
)

ATTACK_ROWS = 10_000  # rows per table given to anonymeter
SINGLING_OUT_COLUMNS = 3  # columns per multivariate singling-out query
MAX_QUERY_ATTEMPTS = 20_000  # candidate multivariate queries tried (anonymeter's default: 1e7)
DEFAULT_SECRETS = 3  # inference attacks, one per secret column
MISSING = "<missing>"  # a missing category, for anonymeter


def anonymeter_report(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    *,
    n_attacks: int = 500,
    seed: int = 0,
    aux_columns: tuple[list[str], list[str]] | None = None,
    secret: str | Sequence[str] | None = None,
    metadata: TableMetadata | None = None,
    max_rows: int = ATTACK_ROWS,
) -> dict[str, Any]:
    """Anonymeter's attacks on the training rows, the holdout as control set.

    Train and holdout are subsampled to the same size (``min(len(train), len(holdout),
    max_rows)``, see the module docstring), the synthetic table to at most ``max_rows``;
    only modelled columns are used (datetimes as seconds, categories as text). Attacks:
    singling out (univariate, and multivariate on ``SINGLING_OUT_COLUMNS`` columns),
    linkability (``aux_columns``: two lists of columns, default the first and second half
    of the columns) and inference (one per ``secret`` column — default: up to
    ``DEFAULT_SECRETS`` category columns, then numerical ones — the other columns known to
    the attacker). Linkability and inference attack at most as many rows as the tables
    hold.

    Returns ``{"attacks": [...], "rows": {...}, "n_attacks": ...}``; each attack has
    ``risk`` and ``ci`` and the ``attack_rate``, ``baseline_rate`` and ``control_rate`` of
    successful guesses, or ``error`` (plain words) when anonymeter could not run it.
    """
    check_rows(max_rows)
    if n_attacks < 1:
        raise QualityError(f"n_attacks must be at least 1, not {n_attacks}")
    columns = modelled_columns(train, holdout, synthetic, metadata, seed)
    _check_attack_columns(columns, aux_columns, secret)
    size = min(len(train), len(holdout), max_rows)
    ori = _attack_frame(subsample(train, size, seed), columns)
    control = _attack_frame(subsample(holdout, size, seed + 1), columns)
    syn = _attack_frame(subsample(synthetic, max_rows, seed + 2), columns)
    names = list(columns)
    links = aux_columns or (names[: len(names) // 2], names[len(names) // 2 :])
    secrets = (
        [secret]
        if isinstance(secret, str)
        else list(secret)
        if secret is not None
        else default_secrets(columns)
    )
    planned: list[tuple[str, Any, dict[str, Any]]] = [
        ("singling_out_univariate", _singling_out, {"mode": "univariate"}),
        ("singling_out_multivariate", _singling_out, {"mode": "multivariate"}),
        ("linkability", _linkability, {"aux": (list(links[0]), list(links[1]))}),
        *(
            (
                f"inference:{s}",
                _inference,
                {"secret": s, "regression": columns[s].kind in CONTINUOUS_KINDS},
            )
            for s in secrets
        ),
    ]
    attacks = [
        _run(name, attack, ori, syn, control, n_attacks, seed, **options)
        for name, attack, options in planned
    ]
    return {
        "attacks": attacks,
        "n_attacks": n_attacks,
        "rows": {"train": len(ori), "holdout": len(control), "synthetic": len(syn)},
    }


def _check_attack_columns(
    columns: dict[str, ColumnMetadata],
    aux_columns: tuple[list[str], list[str]] | None,
    secret: str | Sequence[str] | None,
) -> None:
    named = [] if secret is None else [secret] if isinstance(secret, str) else list(secret)
    if aux_columns is not None:
        if len(aux_columns) != 2:
            raise QualityError(
                "aux_columns must be two lists of columns, one per dataset the attacker links"
            )
        named += [*aux_columns[0], *aux_columns[1]]
    unknown = [c for c in named if c not in columns]
    if unknown:
        raise QualityError(
            f"column(s) {', '.join(map(str, unknown))} are not modelled columns "
            f"of the tables; use some of {', '.join(columns)}"
        )


def default_secrets(columns: dict[str, ColumnMetadata]) -> list[str]:
    """Up to ``DEFAULT_SECRETS`` secret columns: categories first, then numbers.

    Datetimes are left out: anonymeter judges a numeric guess right within 5% of the
    value, which any date since 1970 meets.
    """
    discrete = [n for n, c in columns.items() if c.kind not in CONTINUOUS_KINDS]
    numbers = [n for n, c in columns.items() if c.kind == "numerical"]
    return [*discrete, *numbers][:DEFAULT_SECRETS]


def _attack_frame(frame: pd.DataFrame, columns: dict[str, ColumnMetadata]) -> pd.DataFrame:
    """Modelled columns as anonymeter handles them: floats, or text (missing: ``MISSING``)."""
    out: dict[str, Any] = {}
    for name, meta in columns.items():
        if meta.kind in CONTINUOUS_KINDS:
            out[name] = continuous(frame[name], meta)
        else:
            out[name] = (
                categories(frame[name])
                .map(lambda v: MISSING if v is None else str(v))
                .astype(object)
            )
    return pd.DataFrame(out)


def _run(
    name: str,
    attack: Any,
    ori: pd.DataFrame,
    syn: pd.DataFrame,
    control: pd.DataFrame,
    n_attacks: int,
    seed: int,
    **options: Any,
) -> dict[str, Any]:
    """One attack, its failure reported in plain words instead of raised."""
    out: dict[str, Any] = {"attack": name}
    started = time.perf_counter()
    try:
        with _quiet(), _seeded_global_rng(seed):
            out.update(attack(ori, syn, control, n_attacks, seed, **options))
    except AttackNotPossible as exc:
        out["error"] = str(exc)
    except ImportError as exc:
        out["error"] = (
            f"anonymeter is not installed ({exc}); install it with "
            "`pip install anonymeter` to run the attacks"
        )
    except Exception as exc:  # anonymeter's own failures: reported, never raised
        out["error"] = (
            f"anonymeter could not run this attack ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else 'no message'})"
        )
    out["seconds"] = time.perf_counter() - started
    return out


def _singling_out(
    ori: pd.DataFrame,
    syn: pd.DataFrame,
    control: pd.DataFrame,
    n_attacks: int,
    seed: int,
    mode: str,
) -> dict[str, Any]:
    from anonymeter.evaluators import SinglingOutEvaluator

    n_cols = min(SINGLING_OUT_COLUMNS, ori.shape[1])
    if mode == "multivariate" and n_cols < 2:
        raise AttackNotPossible("multivariate singling out needs at least 2 columns")
    evaluator = SinglingOutEvaluator(
        ori=ori,
        syn=syn,
        n_attacks=n_attacks,
        n_cols=n_cols,
        control=control,
        max_attempts=MAX_QUERY_ATTEMPTS,
        seed=seed,
    )
    evaluator.evaluate(mode=mode)
    found = len(evaluator.queries())
    out = _results(evaluator)
    out["columns_per_query"] = 1 if mode == "univariate" else n_cols
    out["queries_singling_out_train"] = found
    return out


def _linkability(
    ori: pd.DataFrame,
    syn: pd.DataFrame,
    control: pd.DataFrame,
    n_attacks: int,
    seed: int,
    aux: tuple[list[str], list[str]],
) -> dict[str, Any]:
    from anonymeter.evaluators import LinkabilityEvaluator

    if not aux[0] or not aux[1]:
        raise AttackNotPossible(
            "linkability needs two non-empty sets of columns (a table with "
            "at least 2 modelled columns)"
        )
    attacks = min(n_attacks, len(ori), len(control))
    evaluator = LinkabilityEvaluator(
        ori=ori, syn=syn, aux_cols=aux, n_attacks=attacks, control=control
    )
    evaluator.evaluate(n_jobs=1)
    out = _results(evaluator)
    out.update(n_attacks=attacks, aux_columns=[list(aux[0]), list(aux[1])])
    return out


def _inference(
    ori: pd.DataFrame,
    syn: pd.DataFrame,
    control: pd.DataFrame,
    n_attacks: int,
    seed: int,
    secret: str,
    regression: bool,
) -> dict[str, Any]:
    from anonymeter.evaluators import InferenceEvaluator

    aux = [c for c in ori.columns if c != secret]
    if not aux:
        raise AttackNotPossible(f"inferring '{secret}' needs at least one other column")
    attacks = min(n_attacks, len(ori), len(control))
    evaluator = InferenceEvaluator(
        ori=ori,
        syn=syn,
        aux_cols=aux,
        secret=secret,
        regression=regression,
        n_attacks=attacks,
        control=control,
    )
    evaluator.evaluate(n_jobs=1)
    out = _results(evaluator)
    out.update(n_attacks=attacks, secret=secret, regression=regression)
    return out


def _results(evaluator: Any) -> dict[str, Any]:
    """Risk, its interval and the success rates of an evaluated anonymeter evaluator."""
    results = evaluator.results()
    risk = results.risk()
    control = results.control_rate
    return {
        "risk": float(risk.value),
        "ci": [float(risk.ci[0]), float(risk.ci[1])],
        "attack_rate": float(results.attack_rate.value),
        "attack_error": float(results.attack_rate.error),
        "baseline_rate": float(results.baseline_rate.value),
        "control_rate": None if control is None else float(control.value),
        "beats_baseline": bool(results.attack_rate.value > results.baseline_rate.value),
        "n_attacks": int(results.n_attacks_ori),
    }


@contextmanager
def _seeded_global_rng(seed: int) -> Iterator[None]:
    """Seed numpy's global generator (anonymeter samples its targets from it), then restore."""
    state = np.random.get_state()
    np.random.seed(seed % 2**32)
    try:
        yield
    finally:
        np.random.set_state(state)


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence anonymeter's warnings and log lines; the report states the same facts."""
    logger = logging.getLogger("anonymeter")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)
