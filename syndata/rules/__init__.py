"""The rule engine: rule types, conditional rules, keys; generate or constrain tables."""

from syndata.rules.engine import (
    DEFAULT_BATCH_SIZE,
    RuleApplier,
    TableStream,
    apply_rules,
    generate,
    generate_frames,
    generate_tables,
)
from syndata.rules.keys import KeyStore
from syndata.rules.plan import DEFAULTS_BY_TYPE, Plan, TablePlan, build_plan

__all__ = [
    "DEFAULTS_BY_TYPE",
    "DEFAULT_BATCH_SIZE",
    "KeyStore",
    "Plan",
    "RuleApplier",
    "TablePlan",
    "TableStream",
    "apply_rules",
    "build_plan",
    "generate",
    "generate_frames",
    "generate_tables",
]
