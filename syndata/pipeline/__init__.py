"""The use-cases every entry point calls (CLI, REST jobs, UI, notebooks).

Each use-case reports progress through one callback, ``progress(ProgressEvent)``, and
writes one audit line. The modules, by use-case:

- ``generation``: ``validate`` a config, ``generate`` its tables by rule;
- ``fitting`` / ``schema_fitting``: ``fit`` a table or ``fit_schema`` a schema and save
  the model in the installed model store (``syndata.model_store``);
- ``sampling`` / ``schema_sampling``: ``sample`` a saved or fitted model;
- ``reports``: ``profile``, ``scan`` and ``evaluate`` tables; ``masking``: ``mask`` one;
- ``inputs``, ``outputs``, ``holdout``, ``auditing``, ``results``: what they share.
"""

from __future__ import annotations

from syndata.pipeline.fitting import fit
from syndata.pipeline.generation import generate, row_limit_problems, validate
from syndata.pipeline.holdout import (
    HOLDOUT_MIN_FAMILIES,
    HOLDOUT_MIN_ROWS,
    SchemaSplit,
    split_schema,
)
from syndata.pipeline.inputs import STREAM_FIT_ROWS, PlanSource, read_frame, table_name_of
from syndata.pipeline.masking import mask
from syndata.pipeline.reports import evaluate, profile, scan
from syndata.pipeline.results import (
    FitResult,
    GenerateResult,
    MaskResult,
    Progress,
    ProgressEvent,
    Validation,
)
from syndata.pipeline.sampling import generate_from_sample, sample
from syndata.pipeline.schema_fitting import SCHEMA_EVAL_ROWS, fit_schema
from syndata.pipeline.schema_sampling import sample_schema

__all__ = [
    "HOLDOUT_MIN_FAMILIES",
    "HOLDOUT_MIN_ROWS",
    "SCHEMA_EVAL_ROWS",
    "STREAM_FIT_ROWS",
    "FitResult",
    "GenerateResult",
    "MaskResult",
    "PlanSource",
    "Progress",
    "ProgressEvent",
    "SchemaSplit",
    "Validation",
    "evaluate",
    "fit",
    "fit_schema",
    "generate",
    "generate_from_sample",
    "mask",
    "profile",
    "read_frame",
    "row_limit_problems",
    "sample",
    "sample_schema",
    "scan",
    "split_schema",
    "table_name_of",
    "validate",
]
