"""Generate ``docs/config-reference.md`` from the pydantic models of ``syndata/config/``.

    python scripts/config_reference.py            # (re)write docs/config-reference.md
    python scripts/config_reference.py --check    # exit 1 when the file is out of date

Every field of every model is listed with its type, default and description. A field's
description is its ``Field(description=...)`` when the model has one, else the entry in
``DESCRIPTIONS`` below; a field with neither fails the script, so a new field cannot go
undocumented. The example config is validated with ``syndata.config.parse_config``.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import textwrap
import types
import typing
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "docs" / "config-reference.md"

# Descriptions of fields that have no Field(description=...) in syndata/config/,
# keyed "Model.field".
DESCRIPTIONS: dict[str, str] = {
    "Config.tables": "The tables to generate, at least one. Parents are generated before "
    "the tables whose foreign keys point at them, whatever the order here.",
    "Config.locale": "Faker locale of names, cities, e-mail domains and other provider "
    "values, e.g. `en_US`, `de_DE`, `fr_FR`.",
    "Config.rows": "Rows per table when a table has no `rows` of its own (`--rows` on the "
    "command line wins over it). Capped, with a warning, at what a table's "
    "key range can hold.",
    "Config.output_format": "File format of `syndata generate` when `--output-format` is "
    "not given: one file per table.",
    "Config.seed": "Seed of the random generators: the same config, seed and batch size "
    "give byte-identical output. Unset: a random seed (printed).",
    "TableConfig.table_name": "The table's name (also accepted as `name`); unique in the config.",
    "TableConfig.rows": "Rows of this table; wins over the top-level `rows`. An error when "
    "the table's key range cannot hold them.",
    "TableConfig.columns": "The table's columns, at least one; names unique in the table.",
    "TableConfig.foreign_keys": "Columns of this table that take their values from a "
    "parent table's key column.",
    "ColumnConfig.name": "The column's name.",
    "ColumnConfig.type": "Value type. Also accepted: `integer`, `string`, `text`, "
    "`boolean`, `double`, `number`, `timestamp` (any case).",
    "ColumnConfig.constraints": "Any of `PK`, `FK`, `unique`, `not_null` (a single string "
    "is accepted; aliases below). `PK` and `unique` values "
    "never repeat; an `FK` column needs a `foreign_keys` entry.",
    "ColumnConfig.rule": "How values are made: a rule mapping with `type`, or just the "
    "type's name (`rule: first_name`). See [Rule types](#rule-types); "
    "without one, see [Columns without a rule](#columns-without-a-rule).",
    "ColumnConfig.sensitivity": "`PII` marks personal data (the profiler sets it on "
    "columns where it finds PII), `public` says it is not; "
    "any case.",
    "ColumnConfig.nullable": "`true` makes 10% of the values null unless `null_share` says "
    "otherwise.",
    "ColumnConfig.null_share": "Share of null values, 0 to 1; not allowed above 0 on `PK` "
    "or `not_null` columns.",
    "ColumnConfig.conditional_rules": "Rules used where a condition on other columns of "
    "the row holds; later entries win where several hold.",
    "ColumnConfig.apply": "On rows that already exist (a learned model's sample): "
    "`override` replaces the values with the rule's, `constrain` "
    "keeps values that obey the rule and fixes the rest.",
    "ColumnConfig.description": "Free text for people; not used by generation.",
    "ForeignKey.parent_table": "The referenced table.",
    "ForeignKey.parent_column": "The referenced column; should be `PK` or `unique` "
    "(`syndata validate --check-relationships` says so).",
    "ForeignKey.child_column": "The column of this table that holds the reference; same "
    "type as the parent column.",
    "ConditionalRule.condition": "One condition or a list of conditions, all of which must hold.",
    "ConditionalRule.rule": "The rule used where the condition holds (the same forms as a "
    "column's `rule`).",
    "Condition.column": "Another column of the same table (no cycles between columns).",
    "Condition.operator": "Comparison; aliases below.",
    "Condition.value": "Compared value: a list for `in` / `not_in`, none for `is_null` / "
    "`not_null`, required for `<`, `<=`, `>`, `>=`.",
    "RangeRule.type": "`range`.",
    "RangeRule.min": "Lowest value, inclusive: a number, or a date / datetime (ISO text) "
    "for date columns.",
    "RangeRule.max": "Highest value, inclusive; not below `min`.",
    "RangeRule.distribution": "`uniform`, or `normal` / `lognormal` truncated to [min, max].",
    "RangeRule.mean": "Mean of `normal` / `lognormal`; default the middle of the range.",
    "RangeRule.std": "Standard deviation of `normal` / `lognormal`; default a sixth of the width.",
    "RangeRule.decimals": "Round floats and decimals to this many decimals (0 to 12).",
    "RangeRule.on_violation": "With `apply: constrain`: `clip` values outside the range to "
    "it, or `resample` them.",
    "ChoiceRule.type": "`choice`.",
    "ChoiceRule.value": "The values to choose from (also accepted as `values`); at least "
    "one, each fitting the column type.",
    "ChoiceRule.weights": "One weight per value, each >= 0, positive sum; default equal.",
    "RegexRule.type": "`regex`.",
    "RegexRule.pattern": "Every value fully matches it (also accepted as `regex` or "
    "`value`); `*` and `+` repeat at most 8 extra times.",
    "EmailRule.type": "`email`.",
    "EmailRule.regex": "Every address matches this pattern.",
    "EmailRule.domains": "Domains to use instead of the locale's free-mail domains.",
    "SequenceRule.type": "`sequence`.",
    "SequenceRule.start": "First value.",
    "SequenceRule.step": "Difference between consecutive values, counted over the whole table.",
    "UuidRule.type": "`uuid`.",
    "DateRangeRule.type": "`date_range`.",
    "DateRangeRule.start": "First date or datetime, inclusive (also accepted as `min`).",
    "DateRangeRule.end": "Last date or datetime, inclusive (also accepted as `max`); not "
    "before `start`.",
    "ConstantRule.type": "`constant`.",
    "ConstantRule.value": "The value of every row.",
    "CustomRule.type": "`custom`.",
    "CustomRule.custom_class": "The name of a registered plug-in: an entry point in the group "
    "`syndata.rules` or a name in `SYNDATA_RULE_PLUGINS`. A dotted "
    "path `package.module:Class` only in local CLI runs with "
    "`--allow-plugin-paths`.",
    "CustomRule.custom_method": "A public method (lower-case letters, digits, `_`; not "
    "starting with `_`) called once per row with `parameters` "
    "(slower); without it, the class's vectorised "
    "`generate(n, rng)` is used.",
    "CustomRule.parameters": "Keyword arguments of the class's constructor (and of "
    "`custom_method`).",
    "InequalitySpec.type": "`inequality`.",
    "InequalitySpec.low": "The column that is never above `high`: a number, date or datetime.",
    "InequalitySpec.high": "The column that is never below `low` (of the same kind: two "
    "numbers or two dates).",
    "InequalitySpec.strict": "`true`: `low` < `high` (never equal).",
    "InequalitySpec.min_gap": "The smallest `high - low` allowed (>= 0): in the columns' "
    "units, days between dates.",
    "InequalitySpec.max_gap": "The largest `high - low` allowed, in the same units.",
    "FixedCombinationsSpec.type": "`fixed_combinations`.",
    "FixedCombinationsSpec.group": "The columns (2 to 20, any type) whose value combinations "
    "are those of the real rows.",
    "DependencySpec.type": "`functional_dependency`.",
    "DependencySpec.determinant": "The column whose value decides (a code).",
    "DependencySpec.dependent": "The column it decides (its name).",
    "SumSpec.type": "`sum`.",
    "SumSpec.total": "The number column equal to the sum of `parts`.",
    "SumSpec.parts": "The number columns that add up to `total` (2 to 20).",
    "SumSpec.tolerance": "How far `total` may be from the sum (rounding), >= 0.",
    "RangeSpec.type": "`range`.",
    "RangeSpec.column": "A number column.",
    "RangeSpec.min": "Lowest value, inclusive (`min: 0` also means never negative).",
    "RangeSpec.max": "Highest value, inclusive; not below `min`.",
    "RangeSpec.integer": "`true`: whole numbers only.",
    "RangeSpec.decimals": "At most this many decimals (0 to 12).",
    "PositiveSpec.type": "`positive`.",
    "PositiveSpec.column": "A number column.",
    "PositiveSpec.strict": "`true` (default): > 0; `false`: >= 0 (what a profile writes for a "
    "column never below 0).",
    "IncrementsSpec.type": "`fixed_increments`.",
    "IncrementsSpec.column": "A number column holding whole numbers.",
    "IncrementsSpec.step": "The whole-number step between values (1 to 10^12), e.g. 25 for "
    "grams weighed in 25 g steps.",
    "NullIfSpec.type": "`null_if`.",
    "NullIfSpec.first": "A column that is null exactly when `second` is.",
    "NullIfSpec.second": "The other column.",
    "OneHotSpec.type": "`one_hot`.",
    "OneHotSpec.group": "The number or bool columns (2 to 20) of which exactly one is 1 "
    "(true) on every row, the others 0.",
    "UniqueSpec.type": "`unique`.",
    "UniqueSpec.column": "The column whose values never repeat (the same as the column's "
    "`constraints: [unique]`).",
    "FakerRule.type": "The Faker provider's name: `first_name`, `last_name`, `city`, "
    "`phone_number`, `company`, `job`, ... (a public method of the "
    "locale's Faker provider classes). Any other key of the rule is "
    "passed to the provider as a keyword argument (not accepted by the "
    "providers that call other providers: `json`, `pystr_format`, ...).",
}

EXAMPLE = """\
tables:
  - table_name: departments
    columns:
      - {name: dept_id, type: int, constraints: [PK], rule: {type: sequence, start: 1}}
      - {name: dept_name, type: str, rule: {type: choice, value: [Sales, IT, HR]}}
  - table_name: employees
    rows: 500
    columns:
      - name: emp_id
        type: int
        constraints: [PK]
        rule: {type: range, min: 1000, max: 9999}
      - {name: first_name, type: str, rule: first_name}
      - name: email
        type: str
        sensitivity: PII
        rule: {type: email, domains: [example.com]}
      - {name: dept_id, type: int, constraints: [FK]}
      - name: salary
        type: float
        rule: {type: range, min: 30000, max: 90000, decimals: 2}
        conditional_rules:
          - condition: {column: dept_id, operator: "==", value: 2}
            rule: {type: range, min: 60000, max: 150000}
      - {name: hired, type: date, rule: {type: date_range, start: 2015-01-01, end: 2024-12-31}}
      - {name: phone, type: str, rule: phone_number, null_share: 0.2}
    foreign_keys:
      - {parent_table: departments, parent_column: dept_id, child_column: dept_id}
locale: en_US
rows: 1000
output_format: csv
seed: 42
"""


CONSTRAINT_EXAMPLE = """\
tables:
  - table_name: stays
    columns:
      - {name: stay_id, type: int, constraints: [PK]}
      - {name: check_in, type: date}
      - {name: check_out, type: date}
      - {name: room, type: str, rule: {type: choice, value: [S1, S2, D1, D2]}}
      - {name: room_kind, type: str, rule: {type: choice, value: [single, double]}}
      - {name: nights_price, type: float}
      - {name: tax, type: float}
      - {name: total, type: float}
      - {name: guests, type: int, rule: {type: range, min: 1, max: 4}}
      - {name: cancelled_on, type: date, null_share: 0.1}
      - {name: cancel_reason, type: str, null_share: 0.1}
      - {name: paid_cash, type: int}
      - {name: paid_card, type: int}
      - {name: voucher, type: str, rule: uuid}
    constraints:
      - {type: inequality, low: check_in, high: check_out, strict: true, max_gap: 14}
      - {type: functional_dependency, determinant: room, dependent: room_kind}
      - {type: fixed_combinations, columns: [room_kind, guests]}
      - {type: sum, total: total, parts: [nights_price, tax], tolerance: 0.005}
      - {type: range, column: nights_price, min: 40, max: 900, decimals: 2}
      - {type: positive, column: tax, strict: false}
      - {type: fixed_increments, column: guests, step: 1}
      - {type: null_if, first: cancelled_on, second: cancel_reason}
      - {type: one_hot, columns: [paid_cash, paid_card]}
      - {type: unique, column: voucher}
rows: 1000
"""


def _config() -> types.ModuleType:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))  # document this checkout, not an installed copy
    import syndata.config as config

    return config


# --------------------------------------------------------------------------- formatting


def _md(text: str) -> str:
    """Docstring text as Markdown: ``x`` becomes `x`; a paragraph (or a `*` item) per line."""
    text = textwrap.dedent(text).strip().replace("``", "`")
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text):
        items: list[str] = []
        for line in paragraph.splitlines():
            line = line.strip()
            if line.startswith(("* ", "- ")) or not items:
                items.append(line)
            else:
                items[-1] += " " + line
        paragraphs.append("\n".join(items))
    return "\n\n".join(paragraphs)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _is_constraint_union(args: tuple[Any, ...]) -> bool:
    from syndata.consistency.declared import SPECS

    return bool(args) and set(args) <= set(SPECS.values())


def _is_rule_union(args: tuple[Any, ...], config: types.ModuleType) -> bool:
    rules = set(config.BUILTIN_RULE_TYPES.values()) | {config.FakerRule}
    return bool(args) and all(
        typing.get_origin(a) is typing.Annotated and typing.get_args(a)[0] in rules for a in args
    )


def _type(annotation: Any, config: types.ModuleType) -> str:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type(args[0], config)
    if origin is typing.Literal:
        return " | ".join(f"`{json.dumps(a)}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in args if a is not type(None)]
        if _is_rule_union(tuple(members), config):
            return "[rule](#rule-types)"
        if _is_constraint_union(tuple(members)):
            return "[constraint](#constraint-types)"
        return " | ".join(_type(a, config) for a in members)
    if origin is list:
        return f"list of {_type(args[0], config)}" if args else "list"
    if origin is dict:
        return "mapping"
    if annotation is Any:
        return "any"
    if annotation is type(None):
        return "null"
    if isinstance(annotation, type) and issubclass(annotation, config.BaseModel):
        return _anchor_link(annotation)
    names = {
        int: "integer",
        float: "number",
        str: "string",
        bool: "boolean",
        datetime: "datetime",
        date: "date",
    }
    return names.get(annotation, getattr(annotation, "__name__", str(annotation)))


MODEL_TITLES = {
    "Config": "Top level",
    "TableConfig": "`tables[]`",
    "ColumnConfig": "`tables[].columns[]`",
    "ForeignKey": "`tables[].foreign_keys[]`",
    "ConditionalRule": "`columns[].conditional_rules[]`",
    "Condition": "`conditional_rules[].condition`",
}


def _anchor_link(model: type) -> str:
    title = MODEL_TITLES.get(model.__name__, model.__name__)
    slug = re.sub(r"[^a-z0-9_ -]", "", title.lower()).replace(" ", "-")
    return f"[{model.__name__}](#{slug})"


def _limits(field: Any) -> str:
    words = {
        "ge": ">=",
        "gt": ">",
        "le": "<=",
        "lt": "<",
        "min_length": "length >=",
        "max_length": "length <=",
    }
    out = []
    for item in field.metadata:
        for attr, word in words.items():
            value = getattr(item, attr, None)
            if value is not None:
                out.append(f"{word} {value}")
    return ", ".join(out)


def _default(field: Any) -> str:
    if field.is_required():
        return "**required**"
    factory = field.default_factory
    value = factory() if factory is not None else field.default
    return f"`{json.dumps(value)}`" if value is not None else "—"


def _fields_table(model: type, config: types.ModuleType, *, skip: tuple[str, ...] = ()) -> str:
    rows = ["| field | type | default | description |", "|---|---|---|---|"]
    for name, field in model.model_fields.items():
        if name in skip:
            continue
        key = f"{model.__name__}.{name}"
        description = field.description or DESCRIPTIONS.get(key)
        if not description:
            raise SystemExit(
                f"{key} has no description: add Field(description=...) in "
                f"syndata/config/ or an entry in DESCRIPTIONS of {__file__}"
            )
        kind = _type(field.annotation, config)
        limits = _limits(field)
        if limits:
            kind += f" ({limits})"
        shown = field.serialization_alias or field.alias or name
        rows.append(
            f"| `{shown}` | {_cell(kind)} | {_cell(_default(field))} | {_cell(description)} |"
        )
    return "\n".join(rows)


def _unused_descriptions(config: types.ModuleType) -> list[str]:
    models = [getattr(config, name) for name in MODEL_TITLES]
    models += [*config.BUILTIN_RULE_TYPES.values(), config.FakerRule, *_specs().values()]
    known = {f"{m.__name__}.{f}" for m in models for f in m.model_fields}
    return sorted(set(DESCRIPTIONS) - known)


def _specs() -> dict[str, Any]:
    from syndata.consistency.declared import SPECS

    return dict(SPECS)


def _constraint_section(config: types.ModuleType) -> list[str]:
    """The vocabulary of a table's ``constraints:``, with an example and each type's fields."""
    specs = _specs()
    out = [
        "## Constraint types",
        "",
        "A table's `constraints:` lists rules between its columns that every row keeps: "
        "rows generated from the config alone (repaired after the rules, across all "
        "batches of the table), rows sampled by a model fitted with `fit --constraints` or "
        "`generate --sample-data`, and the real rows themselves: a fit stops when the real "
        "rows break a declared constraint, counting the rows (never showing a value) and "
        "saying how to relax it. Each entry is a mapping with a `type` and its columns; a "
        "column it names must fit the constraint (numbers for a `sum`, numbers or dates "
        "for an `inequality`, ...). A column the config does not list may come from "
        "`--sample-data`; rows from the config alone need every named column listed. "
        "`syndata profile --output config.yaml` writes the rules its rows obey here, to "
        "review, edit or delete.",
        "",
        "```yaml",
        CONSTRAINT_EXAMPLE.rstrip(),
        "```",
        "",
        "| type | fields | every row |",
        "|---|---|---|",
    ]
    for kind, model in specs.items():
        fields = [f"`{f.alias or n}`" for n, f in model.model_fields.items() if n != "type"]
        summary = _md(model.__doc__ or "").split("\n\n")[0]
        out.append(f"| [`{kind}`](#{kind}-constraint) | {', '.join(fields)} | {_cell(summary)} |")
    out.append("")
    for kind, model in specs.items():
        out += [f"### `{kind}` constraint", "", _md(model.__doc__ or ""), ""]
        out += [_fields_table(model, config, skip=("type",)), ""]
    return out


# --------------------------------------------------------------------------- the page


def render() -> str:
    """The whole Markdown page."""
    config = _config()
    from syndata.pipeline import validate
    from syndata.rules.custom import __doc__ as custom_doc
    from syndata.rules.plan import DEFAULTS_BY_TYPE

    validate(yaml.safe_load(EXAMPLE), check_relationships=True)  # the example must be valid
    validate(yaml.safe_load(CONSTRAINT_EXAMPLE))  # and so must the constraints' example
    stale = _unused_descriptions(config)
    if stale:
        raise SystemExit(
            f"DESCRIPTIONS of {__file__} lists fields that no longer exist: {', '.join(stale)}"
        )
    out: list[str] = [
        "# Config file reference",
        "",
        "<!-- Generated by `python scripts/config_reference.py` from the pydantic models in "
        "`syndata/config/`; do not edit by hand. `python scripts/config_reference.py "
        "--check` fails when this file is out of date. -->",
        "",
        "A config is a YAML or JSON file (`syndata generate --config ...`, `syndata validate "
        "--config ...`, `POST /config/validate`, the `config` of a `generate` job). It lists "
        "tables, their columns, the rule that makes each column, and the foreign keys "
        "between tables. Unknown fields are errors (with a *did you mean*), and every "
        "problem is reported at once with its path, e.g. `tables[1].columns[2].rule`.",
        "",
        "## Example",
        "",
        "```yaml",
        EXAMPLE.rstrip(),
        "```",
        "",
    ]
    for name, title in MODEL_TITLES.items():
        model = getattr(config, name)
        out += [f"## {title}", "", _md(model.__doc__ or ""), "", _fields_table(model, config), ""]
        if name == "ColumnConfig":
            aliases = _aliases(config._CONSTRAINT_ALIASES)
            out += [
                f"Column types: {_codes(config.COLUMN_TYPES)}.",
                "",
                f"Constraint aliases (any case): {aliases}.",
                "",
                f"`nullable: true` without `null_share` means a null share of "
                f"{config.DEFAULT_NULL_SHARE:g}.",
                "",
            ]
        if name == "Condition":
            aliases = _aliases(config._OPERATOR_ALIASES)
            out += [
                f"Operators: {_codes(config.OPERATORS)}.",
                "",
                f"Operator aliases: {aliases}.",
                "",
            ]
        if name == "Config":
            out += [
                f"Output formats: {_codes(config.OUTPUT_FORMATS)}. Without `rows` here, "
                f"in the table or on the command line, a table gets "
                f"{config.DEFAULT_ROWS:,} rows.",
                "",
            ]
    out += [
        "## Rule types",
        "",
        "A column's `rule` (and a conditional rule's `rule`) is a mapping whose `type` names "
        "a built-in rule below or any Faker provider; a bare string is the same as "
        "`{type: <string>}`. A rule must fit the column's type (e.g. `range` on numbers "
        "and dates, `regex` / `email` / `uuid` on `str`).",
        "",
        "| type | parameters |",
        "|---|---|",
    ]
    for kind, model in config.BUILTIN_RULE_TYPES.items():
        params = [f"`{f}`" for f in model.model_fields if f != "type"]
        out.append(f"| [`{kind}`](#{kind}) | {', '.join(params) or '—'} |")
    out += ["| any Faker provider | the provider's keyword arguments |", ""]
    for kind, model in config.BUILTIN_RULE_TYPES.items():
        out += [f"### `{kind}`", "", _md(model.__doc__ or "")]
        if [f for f in model.model_fields if f != "type"]:
            out += ["", _fields_table(model, config, skip=("type",))]
        out.append("")
    out += [
        "### Faker providers",
        "",
        _md(config.FakerRule.__doc__ or ""),
        "",
        _fields_table(config.FakerRule, config),
        "",
        "For example `rule: city`, or `rule: {type: date_of_birth, minimum_age: 18, "
        "maximum_age: 90}`. Providers are drawn in bulk from the locale's word lists or "
        "a seeded pool, never once per row.",
        "",
    ]
    intro, _, example = (custom_doc or "").partition("Example::")
    intro = intro.strip().split("\n\n", 1)[-1]  # without the module's title line
    out += [
        "### Custom rule plug-ins",
        "",
        _md(intro),
        "",
        "Example:",
        "",
        "```python",
        textwrap.dedent(example).strip("\n").rstrip(),
        "```",
        "",
    ]
    out += _constraint_section(config)
    out += [
        "## Columns without a rule",
        "",
        "| column | default |",
        "|---|---|",
        "| an `FK` column | its parent's keys |",
        "| only `conditional_rules` | outside every condition, its first conditional rule |",
        "| a `str` column named after a generator (`email`, `uuid`, `first_name`, "
        "`city`, ...) | that generator |",
    ]
    out += [f"| `{kind}` | {text} |" for kind, text in DEFAULTS_BY_TYPE.items()]
    out.append("")
    return "\n".join(out)


def _codes(values: Any) -> str:
    return ", ".join(f"`{v}`" for v in values)


def _aliases(aliases: dict[str, str]) -> str:
    return ", ".join(
        f"`{alias}` = `{name}`" for alias, name in aliases.items() if alias.lower() != name.lower()
    )


# --------------------------------------------------------------------------- command


def main(argv: list[str] | None = None) -> int:
    """Write the reference, or with ``--check`` compare it; 1 when out of date."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 when the file differs from the models",
    )
    parser.add_argument(
        "--output", type=Path, default=OUTPUT, help=f"the file (default {OUTPUT.relative_to(ROOT)})"
    )
    args = parser.parse_args(argv)
    text = render()
    current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
    if args.check:
        if current != text:
            sys.stderr.write(
                f"{args.output} is out of date with syndata/config/; run "
                "`python scripts/config_reference.py`\n"
            )
            return 1
        return 0
    if current != text:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote {args.output}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
