"""The rule engine: rule types, conditional rules, keys; generate or constrain tables.

A rule type is one class (``syndata.rules.spec.Rule``) registered by tag in ``RULES``:
the built-ins (``syndata.rules.builtin``) and those installed packages register in the
entry point group ``syndata.rule_types``. Generation runs in ``syndata.rules.engine``
from the plan of ``syndata.rules.plan``.
"""

from syndata.rules.builtin import read_rule
from syndata.rules.spec import RULES, Rule, RuleContext

__all__ = ["RULES", "Rule", "RuleContext", "read_rule"]
