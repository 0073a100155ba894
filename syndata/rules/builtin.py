"""The built-in rule types, registered in ``RULES``, and reading a rule from config data.

``read_rule`` is how a config's ``rule:`` becomes a :class:`~syndata.rules.spec.Rule`:
``rule: first_name`` is short for ``rule: {type: first_name}``; the ``type`` tag picks the
registered rule type (built-in or installed), and any other tag is a Faker provider
(:class:`~syndata.rules.faker_rule.FakerRule`).
"""

from __future__ import annotations

from syndata.errors import PluginError
from syndata.rules.custom import CustomRule
from syndata.rules.faker_rule import FakerRule
from syndata.rules.ranges import DateRangeRule, RangeRule
from syndata.rules.spec import RULES, Rule
from syndata.rules.strings import EmailRule, RegexRule, UuidRule
from syndata.rules.values import ChoiceRule, ConstantRule, SequenceRule

BUILTIN_RULES: tuple[type[Rule], ...] = (
    RangeRule,
    ChoiceRule,
    RegexRule,
    EmailRule,
    SequenceRule,
    UuidRule,
    DateRangeRule,
    ConstantRule,
    CustomRule,
)
for _rule in BUILTIN_RULES:
    RULES.register(_rule.tag(), _rule)

FAKER_TAG = "faker"
"""The tag a Faker provider's rule is read under (in pydantic's error locations)."""


def rule_shorthand(value: object) -> object:
    """Accept ``rule: first_name`` as ``rule: {type: first_name}``; require ``type``."""
    if isinstance(value, str):
        if not value.strip():
            raise ValueError("rule is an empty string; name a rule type such as 'first_name'")
        return {"type": value.strip()}
    if isinstance(value, dict):
        if "type" not in value:
            raise ValueError(
                f"rule has no 'type' (keys: {', '.join(map(str, value)) or 'none'}); "
                "add e.g. 'type: range'"
            )
        if not isinstance(value["type"], str) or not value["type"].strip():
            raise ValueError("rule 'type' must be a non-empty string such as 'range'")
    return value


def rule_class(tag: object) -> type[Rule] | None:
    """The registered rule type of ``tag``; None for a Faker provider's name."""
    if not isinstance(tag, str):
        return None
    if tag in RULES.builtin_names() or tag in RULES:
        try:
            return RULES.get(tag)
        except PluginError as exc:
            raise ValueError(str(exc)) from exc
    return None


def read_rule(value: object) -> Rule:
    """A rule from config data (or a rule object), validated by the class its tag picks."""
    if isinstance(value, Rule):
        return value
    value = rule_shorthand(value)
    kind = value.get("type") if isinstance(value, dict) else None
    cls = rule_class(kind) or FakerRule
    return cls.model_validate(value)
