"""The default model, ``auto``: a quick held-out trial picks the engine for each table.

No engine wins everywhere. The copula is the fastest and never memorises, but it misses
dependence that is not monotone (categories against numbers, calendar structure); the
tree model (cart) follows those closely at more cost. ``AutoModel`` fits each candidate
on 75% of a sample of the rows (at most ``trial_rows``), samples as many rows as the
other 25% holds (at least 1,000) and scores them against those unseen rows: quality
(column shapes and pair trends, as ``syndata.quality.evaluate``) and memorisation (the DCR share of
``syndata.privacy.risk.dcr``: synthetic rows nearer a trial training row than an unseen
one). The winner is the most faithful candidate that does not memorise
(``memorising_limit``); when every candidate memorises, the one that memorises least.
A candidate within ``TIE`` of a faster one earlier in the list loses to it.

Candidates are tried in order and the trial stops after ``time_budget`` seconds (the
first candidate always runs). The chosen engine is then fitted on every row;
``choice_`` says what was tried, the scores and why the winner won. A fit that streams
its rows (``fit_batches``: more rows than memory holds) uses the copula, the one engine
that learns in bounded memory.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import pandas as pd

from syndata.errors import ModelError
from syndata.metadata import TableMetadata
from syndata.models.base import Batches, Synthesizer, fit_input

if TYPE_CHECKING:
    from syndata.consistency import Invariant

CANDIDATES = ("gaussian_copula", "cart")
TRIAL_ROWS = 10_000
TIME_BUDGET = 30.0  # seconds of trials before the remaining candidates are skipped
CHECK_SHARE = 0.25  # share of the trial rows held out to score the candidates
MIN_TRIAL_ROWS = 40  # fewer rows: nothing to hold out, the first candidate is taken
SYNTHETIC_ROWS = 1_000  # at least this many rows are scored (fewer leave the DCR to noise)
TIE = 0.005  # quality within this of an earlier (faster) candidate's is no better


@dataclass(frozen=True)
class Trial:
    """One candidate's scores on the held-out trial rows."""

    model: str
    quality: float
    dcr_share: float
    dcr_limit: float
    seconds: float

    @property
    def memorises(self) -> bool:
        """The candidate's rows are nearer its training rows than unseen real rows are."""
        return self.dcr_share > self.dcr_limit


@dataclass(frozen=True)
class Choice:
    """The engine ``auto`` chose, the trials behind it and the reason, in words."""

    model: str
    reason: str
    trials: tuple[Trial, ...] = ()
    rows: dict[str, int] = field(default_factory=dict)  # trial rows: learned, held out

    def to_dict(self) -> dict[str, Any]:
        """The choice as JSON-compatible data (the fit report's ``choice``)."""
        out = asdict(self)
        out["trials"] = [{**asdict(t), "memorises": t.memorises} for t in self.trials]
        return out

    def describe(self) -> str:
        """One line: ``auto chose cart: ...``."""
        return f"auto chose {self.model}: {self.reason}"


def choose(
    data: pd.DataFrame,
    metadata: TableMetadata,
    candidates: Sequence[str] = CANDIDATES,
    *,
    engine_params: Mapping[str, Mapping[str, Any]] | None = None,
    time_budget: float = TIME_BUDGET,
    trial_rows: int = TRIAL_ROWS,
    seed: int = 0,
) -> Choice:
    """The candidate that best follows rows it did not see without memorising them.

    ``engine_params`` gives candidates their parameters (model name -> parameters).
    """
    from syndata.models.registry import make_model

    if not candidates:
        raise ModelError("auto needs at least one candidate model")
    if trial_rows < MIN_TRIAL_ROWS:
        raise ModelError(f"trial_rows must be >= {MIN_TRIAL_ROWS}, got {trial_rows}")
    if len(data) < MIN_TRIAL_ROWS or len(candidates) == 1:
        why = f"{len(data)} rows are too few to hold any out" if len(candidates) > 1 else ""
        return Choice(candidates[0], why or "the only candidate")
    rows = data.sample(min(len(data), trial_rows), random_state=seed)
    check = rows.sample(frac=CHECK_SHARE, random_state=seed + 1)
    learn = rows.drop(check.index)
    started = time.perf_counter()
    trials: list[Trial] = []
    for name in candidates:
        if trials and time.perf_counter() - started > time_budget:
            break
        model = make_model(name, **(engine_params or {}).get(name, {}))
        trials.append(_trial(model, name, learn, check, metadata, seed))
    sizes = {"learned": len(learn), "held_out": len(check)}
    skipped = [c for c in candidates if c not in {t.model for t in trials}]
    return Choice(
        _winner(trials).model, _reason(trials, skipped, time_budget), tuple(trials), sizes
    )


def _trial(
    model: Synthesizer,
    name: str,
    learn: pd.DataFrame,
    check: pd.DataFrame,
    metadata: TableMetadata,
    seed: int,
) -> Trial:
    from syndata.privacy.risk.dcr import dcr_report, memorising_limit
    from syndata.quality import evaluate

    wall = time.perf_counter()
    model.fit(learn.reset_index(drop=True), metadata, enforce=False)
    synthetic = model.sample(max(len(check), SYNTHETIC_ROWS), seed=seed)
    seconds = time.perf_counter() - wall
    real = check.reset_index(drop=True)
    quality = evaluate(real, synthetic, metadata, ml_efficacy=False, consistency=False).overall
    dcr = dcr_report(learn, real, synthetic, metadata=metadata, seed=seed)
    baseline = dcr["holdout"]["share_closer_to_train"]
    return Trial(
        name,
        round(float(quality), 4),
        round(float(dcr["share_closer_to_train"]), 4),
        round(memorising_limit(baseline), 4),
        round(seconds, 3),
    )


def _winner(trials: Sequence[Trial]) -> Trial:
    private = [t for t in trials if not t.memorises]
    if not private:
        return min(trials, key=lambda t: t.dcr_share)
    best = private[0]
    for t in private[1:]:
        if t.quality > best.quality + TIE:
            best = t
    return best


def _reason(trials: Sequence[Trial], skipped: Sequence[str], budget: float) -> str:
    win = _winner(trials)
    scores = ", ".join(
        f"{t.model} {t.quality:.3f} (DCR share {t.dcr_share:.3f}"
        f"{', memorises' if t.memorises else ''})"
        for t in trials
    )
    if win.memorises:
        why = "every candidate memorised; it memorises least"
    elif len(trials) == 1:
        why = "the only candidate tried"
    elif any(t.quality > win.quality and not t.memorises for t in trials):
        why = f"within {TIE} of the most faithful, and faster"
    else:
        why = "the most faithful that does not memorise"
    text = f"{why}; quality on unseen rows: {scores}"
    if skipped:
        text += f"; {', '.join(skipped)} not tried (the {budget:g} s trial budget ran out)"
    return text


class AutoModel(Synthesizer):
    """Picks the engine per table by a held-out trial; see the module docstring.

    Parameters
    ----------
    candidates : the single-table models tried, fastest first.
    engine_params : parameters of the candidates (model name -> parameters).
    time_budget : seconds of trials before the remaining candidates are skipped.
    trial_rows : rows of the trial sample (75% learned, 25% held out).
    seed : the trial's sample and split.
    """

    model_type = "auto"

    def __init__(
        self,
        candidates: Sequence[str] = CANDIDATES,
        engine_params: Mapping[str, Mapping[str, Any]] | None = None,
        time_budget: float = TIME_BUDGET,
        trial_rows: int = TRIAL_ROWS,
        seed: int = 0,
    ) -> None:
        self.candidates = candidates
        self.engine_params = engine_params
        self.time_budget = time_budget
        self.trial_rows = trial_rows
        self.seed = seed

    def fit(
        self,
        data: pd.DataFrame,
        metadata: TableMetadata | None = None,
        *,
        constraints: Sequence[Invariant] = (),
        enforce: bool = True,
        conditioned: Sequence[str] = (),
    ) -> Self:
        """Choose the engine on a held-out trial, then fit it on every row (``choice_``)."""
        from syndata.models.registry import make_model

        metadata = fit_input(data, metadata)
        self.choice_ = choose(
            data,
            metadata,
            tuple(self.candidates),
            engine_params=self.engine_params,
            time_budget=self.time_budget,
            trial_rows=self.trial_rows,
            seed=self.seed,
        )
        model = make_model(
            self.choice_.model, **(self.engine_params or {}).get(self.choice_.model, {})
        )
        self._adopt(
            model.fit(
                data, metadata, constraints=constraints, enforce=enforce, conditioned=conditioned
            )
        )
        return self

    def fit_batches(
        self,
        batches: Batches,
        metadata: TableMetadata | None = None,
        seed: int = 0,
        *,
        constraints: Sequence[Invariant] = (),
        enforce: bool = True,
    ) -> Self:
        """Streamed rows: the copula, the one engine that learns in bounded memory."""
        from syndata.models.gaussian_copula import GaussianCopula

        self.choice_ = Choice(
            "gaussian_copula",
            "the rows are streamed (more than memory holds): the copula is the one engine "
            "that learns in bounded memory",
        )
        params = (self.engine_params or {}).get("gaussian_copula", {})
        model = GaussianCopula(**params).fit_batches(
            batches, metadata, seed, constraints=constraints, enforce=enforce
        )
        self._adopt(model)
        return self

    def _adopt(self, model: Synthesizer) -> None:
        """Sample as ``model`` does: its learned state becomes this model's."""
        self.model_ = model
        for name, value in vars(model).items():
            if name.endswith("_") and not name.startswith("_"):
                setattr(self, name, value)

    def _fit(self, data: pd.DataFrame) -> None:  # fit is overridden: never called
        raise ModelError("AutoModel learns through the model it chooses")

    def _sample(
        self, n: int, rng: np.random.Generator, conditions: Mapping[str, Any]
    ) -> pd.DataFrame:
        return self.model_._sample(n, rng, conditions)

    def _category_encoder(self, column: str) -> Any:
        return self.model_._category_encoder(column)


def choices_of(model: object) -> dict[str, Choice]:
    """What ``auto`` chose in a fitted model, by table ("" for a single table).

    In a schema, tables whose model was named (not ``auto``) are left out.
    """
    own = getattr(model, "choice_", None)
    if isinstance(own, Choice):
        return {"": own}
    tables: Mapping[str, object] = getattr(model, "models_", {})
    return {t: c for t, m in tables.items() if isinstance(c := getattr(m, "choice_", None), Choice)}
