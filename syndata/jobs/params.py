"""The parameters of each job type (pydantic models), and the limits they share.

``PARAMS`` maps a job type to its model; the REST API documents its request bodies from
them. ``syndata.jobs.checks`` validates against them and adds the checks a field's type
cannot express.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

JOB_TYPES = ("generate", "fit", "sample", "profile", "mask", "evaluate")
OUTPUT_FORMATS = ("csv", "jsonl", "parquet", "sql")

OutputFormat = Literal["csv", "jsonl", "parquet", "sql"]
ProgressFn = Callable[[float, str], None]
LogFn = Callable[..., None]

MODEL_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"
TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")
TABLE_NAME_RULE = (
    "use 1 to 63 letters, digits and '_', starting with a letter or '_' "
    "(pattern ^[A-Za-z_][A-Za-z0-9_]{0,62}$)"
)
MAX_SEED = 2**63 - 1  # seeds are kept as 64-bit integers
MIN_INT, MAX_INT = -(2**63), 2**63 - 1  # what the job store and numpy take


class JobParams(BaseModel):
    """The fields every job type's parameters share: none, and no unknown ones."""

    model_config = ConfigDict(extra="forbid")


class GenerateParams(JobParams):
    """Rule-based generation from a config (no training data)."""

    config: dict[str, Any] = Field(
        description=(
            "The rule config, in the format of `syndata generate --config` files: tables, "
            "columns, rules, constraints, foreign_keys, rows, seed, output_format."
        )
    )
    rows: int | None = Field(
        None,
        gt=0,
        description=(
            "Rows per table, overriding the config's; null keeps the config's row counts."
        ),
    )
    output_format: OutputFormat | None = Field(
        None, description=("csv, jsonl, parquet or sql; null uses the config's output_format.")
    )
    seed: int | None = Field(
        None,
        ge=0,
        le=MAX_SEED,
        description=(
            "Random seed (same seed, same data); null uses the config's seed, else the job's."
        ),
    )


class FitParams(JobParams):
    """Fit a learned model on a dataset (or a relational schema) and register it."""

    dataset: str | None = Field(
        None,
        description=(
            "Id of the uploaded dataset (ds_...) to fit a single-table model on. Give this or "
            "'datasets'."
        ),
    )
    datasets: dict[str, str] | None = Field(
        None,
        description=(
            "A relational schema: table name -> dataset id (ds_...); keys and relationships are "
            "detected and a multi-table model is fitted. Give this or 'dataset'."
        ),
    )
    name: str = Field(
        pattern=MODEL_NAME,
        description=(
            "Registered model name (letters, digits, '_', '.', '-'; up to 100 characters). A new "
            "version is registered when the name exists."
        ),
    )
    model: str = Field(
        "auto",
        description=(
            "Single table: auto (a held-out trial picks the engine; the fit says why), "
            "gaussian_copula, cart, sdv_gaussian_copula or sdv_ctgan. Schema: hierarchical, "
            "or one of the single-table models to use for every table."
        ),
    )
    plan: dict[str, Any] | None = Field(
        None,
        description=(
            "Privacy plan (as `syndata privacy scan` proposes it): per PII column mask, "
            "regenerate, allow or drop."
        ),
    )
    pii: Literal["stop", "regenerate"] = Field(
        "stop",
        description=(
            "PII columns the plan does not decide: 'stop' fails the fit listing them, "
            "'regenerate' replaces them with Faker values."
        ),
    )
    holdout: float = Field(
        0.2,
        ge=0.0,
        lt=1.0,
        description=(
            "Share of rows kept out of training to measure ML efficacy and privacy (a schema: of "
            "each table, held-out parents taking their children)."
        ),
    )
    attacks: bool = Field(
        True,
        description=(
            "Run anonymeter's singling-out, linkability and inference attacks in the privacy "
            "report (of each table of a schema)."
        ),
    )
    seed: int = Field(
        0, ge=0, le=MAX_SEED, description="Seed of the split, the fit and the evaluation."
    )


class SampleParams(JobParams):
    """Sample synthetic rows from a registered model."""

    model: str = Field(
        min_length=1,
        description=("Registered model: 'name' (latest version), 'name:version' or 'name@alias'."),
    )
    rows: int | None = Field(
        None, gt=0, description=("Rows to sample from a single-table model. Give this or 'scale'.")
    )
    scale: float | None = Field(
        None,
        gt=0,
        description=(
            "A multi-table model: every table at this multiple of its fitted size. Give this or "
            "'rows'."
        ),
    )
    output_format: OutputFormat = Field("csv", description="csv, jsonl, parquet or sql.")
    config: dict[str, Any] | None = Field(
        None,
        description=("Optional rule config whose rules are applied on top of the sampled rows."),
    )
    seed: int | None = Field(
        None,
        ge=0,
        le=MAX_SEED,
        description=(
            "Random seed (same model, seed and rows: identical output); null uses the job's."
        ),
    )


class ProfileParams(JobParams):
    """Profile a dataset: column kinds, statistics, patterns, keys, PII."""

    dataset: str = Field(description="Id of the uploaded dataset (ds_...).")
    sample_size: int = Field(
        100_000, ge=100, description=("Rows profiled: a uniform sample of larger datasets.")
    )


class MaskParams(JobParams):
    """Mask a real dataset with a privacy plan."""

    dataset: str = Field(description="Id of the uploaded dataset (ds_...).")
    plan: dict[str, Any] = Field(
        description=(
            "Privacy plan: per column an operator (redact, partial, hash, fake, replace, ...)."
        )
    )
    output_format: OutputFormat | None = Field(
        None, description=("csv, jsonl, parquet or sql; null keeps the dataset's format.")
    )


class EvaluateParams(JobParams):
    """Score a synthetic table against the real one."""

    real: str = Field(description="Id of the real dataset (ds_...).")
    synthetic: str = Field(
        description=(
            "The synthetic table: a dataset id (ds_...), or the id of a finished sample or "
            "generate job (job_...) whose output table is used."
        )
    )
    table: str | None = Field(
        None,
        description=(
            "The job's output table to evaluate when 'synthetic' is a job with several tables."
        ),
    )
    target: str | None = Field(
        None, description=("Column to predict for the ML efficacy score; null skips ML efficacy.")
    )


PARAMS: dict[str, type[JobParams]] = {
    "generate": GenerateParams,
    "fit": FitParams,
    "sample": SampleParams,
    "profile": ProfileParams,
    "mask": MaskParams,
    "evaluate": EvaluateParams,
}
