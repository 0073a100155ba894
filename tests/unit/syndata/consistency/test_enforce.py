"""Every model keeps the rules of the real rows in every row it samples, by construction."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from palmerpenguins import load_penguins

from syndata.consistency import discover
from syndata.consistency.check import Checker
from syndata.consistency.invariants import Evidence, Inequality
from syndata.models.base import Synthesizer
from syndata.models.cart import CART
from syndata.models.gaussian_copula import GaussianCopula

MODELS = [GaussianCopula, CART]
DAY = pd.Timedelta(days=1)


@pytest.fixture(scope="module")
def loans() -> pd.DataFrame:
    rng = np.random.default_rng(2)
    n = 2_000
    sub = rng.choice([f"{g}{k}" for g in "ABCD" for k in range(1, 6)], n)
    principal = np.round(rng.uniform(100, 5_000, n), 2)
    interest = np.round(principal * rng.uniform(0.01, 0.2, n), 2)
    fees = np.round(rng.uniform(0, 50, n), 2)
    check_in = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), "D")
    closed = rng.random(n) < 0.3
    region = rng.choice(["north", "south", "east"], n)
    city = np.where(region == "north", rng.choice(["oslo", "bergen"], n), "")
    city = np.where(region == "south", rng.choice(["rome", "naples", "bari"], n), city)
    city = np.where(region == "east", rng.choice(["kyiv", "lviv"], n), city)
    allowed = [("web", "book"), ("web", "game"), ("shop", "toy"), ("shop", "book")]
    allowed += [("phone", "game"), ("phone", "toy"), ("shop", "game")]
    channel, product = zip(*(allowed[i] for i in rng.integers(0, len(allowed), n)), strict=True)
    return pd.DataFrame(
        {
            "channel": channel,
            "product": product,
            "sub_grade": sub,
            "grade": [s[0] for s in sub],
            "region": region,
            "city": city,
            "principal": principal,
            "interest": interest,
            "fees": fees,
            "total": np.round(principal + interest + fees, 2),
            "check_in": check_in,
            "check_out": check_in + pd.to_timedelta(rng.integers(1, 15, n), "D"),
            "closed_on": pd.Series(check_in).where(closed),
            "closed_reason": pd.Series(rng.choice(["paid", "sold"], n)).where(closed),
            "units": rng.integers(1, 40, n) * 5,
        }
    )


@pytest.fixture(scope="module")
def checker(loans) -> Checker:
    found = discover(loans)
    kinds = {type(i).__name__ for i in found}
    # the table holds one of each kind the models must keep
    assert {"FixedCombinations", "FunctionalDependency", "Inequality", "Sum"} <= kinds
    assert {"Bounds", "NullTogether"} <= kinds
    return Checker(found, loans)


def broken(checker: Checker, frame: pd.DataFrame) -> dict[str, int]:
    out = {}
    for inv in checker.invariants:
        count = int(checker.violations(frame, inv).sum())
        if count:
            out[inv.describe()] = count
    return out


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.model_type)
def test_no_sampled_row_breaks_a_rule_of_the_real_rows(loans, checker, model):
    synthetic = model().fit(loans).sample(20_000, seed=3)
    assert broken(checker, synthetic) == {}
    stays = synthetic["check_out"] - synthetic["check_in"]
    assert stays.min() >= DAY and stays.max() <= 14 * DAY


def test_without_enforcement_the_copula_breaks_them(loans, checker):
    """The rules are not kept by chance: today's copula breaks several of them."""
    synthetic = GaussianCopula().fit(loans, enforce=False).sample(20_000, seed=3)
    found = broken(checker, synthetic)
    assert any("combinations occur" in rule or "determines" in rule for rule in found)
    assert any(rule.startswith("total =") for rule in found)
    assert any(rule.startswith("check_in < check_out") for rule in found)


def test_enforcement_keeps_fidelity(loans):
    from syndata.quality import evaluate

    scores = {}
    for enforce in (False, True):
        synthetic = GaussianCopula().fit(loans, enforce=enforce).sample(len(loans), seed=0)
        scores[enforce] = evaluate(loans, synthetic, ml_efficacy=False)
    assert scores[True].column_shapes >= scores[False].column_shapes - 0.01
    assert scores[True].column_pair_trends >= scores[False].column_pair_trends - 0.01


def test_the_copula_from_batches_keeps_them(loans, checker):
    parts = [loans.iloc[i : i + 500] for i in range(0, len(loans), 500)]
    model = GaussianCopula().fit_batches(lambda: iter(parts), seed=1)
    assert broken(checker, model.sample(20_000, seed=4)) == {}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.model_type)
def test_conditions_keep_working_and_keep_the_rules(loans, checker, model):
    fitted = model().fit(loans)
    # a member of a joint category: its partner follows it
    on_city = fitted.sample(2_000, seed=5, conditions={"city": "bari"})
    assert set(on_city["city"]) == {"bari"} and set(on_city["region"]) == {"south"}
    on_grade = fitted.sample(2_000, seed=5, conditions={"grade": "B"})
    assert set(on_grade["grade"]) == {"B"} and set(on_grade["sub_grade"]) <= {
        f"B{k}" for k in range(1, 6)
    }
    # the high side of a gap: the low side is drawn to fit it
    out = pd.Timestamp("2024-06-01")
    on_out = fitted.sample(2_000, seed=5, conditions={"check_out": out})
    assert (on_out["check_out"] == out).all()
    # a derived total: the parts add up to it
    on_total = fitted.sample(500, seed=5, conditions={"total": 1000.0})
    assert np.allclose(on_total[["principal", "interest", "fees"]].sum(axis=1), 1000.0)
    for frame in (on_city, on_grade, on_out):
        assert broken(checker, frame) == {}
    # the joined categories a condition may take are the real ones
    assert fitted.known_categories("city") == set(loans["city"])


def test_a_condition_no_real_row_meets_is_kept_as_given(loans):
    fitted = GaussianCopula().fit(loans)
    rows = fitted.sample(100, seed=6, conditions={"region": "north", "city": "rome"})
    assert set(zip(rows["region"], rows["city"], strict=True)) == {("north", "rome")}


def test_penguins_keep_species_on_their_islands():
    penguins = load_penguins()
    real = set(zip(penguins["species"], penguins["island"], strict=True))
    for model in MODELS:
        synthetic = model().fit(penguins).sample(10_000, seed=7)
        assert set(zip(synthetic["species"], synthetic["island"], strict=True)) <= real


def test_a_declared_constraint_is_kept_too():
    """An order too likely by chance to be discovered on 60 rows is kept once declared."""
    rng = np.random.default_rng(8)
    a = rng.uniform(0.0, 1.0, 60)
    frame = pd.DataFrame({"a": a, "b": np.maximum(rng.uniform(0.8, 2.0, 60), a + 0.01)})
    assert not any(isinstance(i, Inequality) for i in discover(frame))
    declared = Inequality(Evidence(len(frame), 1.0), "a", "b", True, 0.0, 2.0)
    undeclared = GaussianCopula().fit(frame).sample(20_000, seed=8)
    assert (undeclared["a"] >= undeclared["b"]).any()
    synthetic = GaussianCopula().fit(frame, constraints=[declared]).sample(20_000, seed=8)
    assert (synthetic["a"] < synthetic["b"]).all()


def test_rare_codes_keep_their_dependent():
    """A rare code (pooled while learning) is drawn among frequent codes of its group."""
    rng = np.random.default_rng(9)
    codes = [f"C{i:03d}" for i in range(60)]
    weights = np.r_[np.full(20, 40.0), np.full(40, 1.0)]  # 40 codes seen once or twice
    code = rng.choice(codes, 1_200, p=weights / weights.sum())
    group = np.array([f"G{int(c[1:]) % 4}" for c in code])
    frame = pd.DataFrame({"code": code, "group": group, "x": rng.normal(size=1_200)})
    mapping = dict(zip(code, group, strict=True))
    synthetic = GaussianCopula().fit(frame).sample(20_000, seed=10)
    assert (synthetic["code"].map(mapping) == synthetic["group"]).all()
    counts = frame["code"].value_counts()
    assert not set(synthetic["code"]) & set(counts[counts < 5].index)  # no rare code out


class _Independent(Synthesizer):
    """A plug-in-like model: every column drawn on its own, nothing built in."""

    model_type = "independent_columns"

    def _fit(self, data: pd.DataFrame) -> None:
        self.values_ = {c: data[c].to_numpy() for c in data.columns}

    def _sample(self, n, rng, conditions):
        out = {c: v[rng.integers(0, len(v), n)] for c, v in self.values_.items()}
        out.update({c: _rows(v, n) for c, v in conditions.items()})
        return pd.DataFrame(out)


def _rows(value, n):
    return list(value) if isinstance(value, list | tuple) else [value] * n


def test_a_model_with_nothing_built_in_is_checked_redrawn_and_repaired(loans, checker):
    model = _Independent().fit(loans)
    assert set(model.modelled_) == set(model.consistency_.forward(loans[model.modelled_]))
    assert broken(checker, model.sample(5_000, seed=12)) == {}
    unchecked = _Independent().fit(loans, enforce=False).sample(5_000, seed=12)
    assert broken(checker, unchecked)


def test_a_given_dependent_sets_its_determinant_in_repair():
    """A parent's value given (a species' taxon), the child's determinant (sex) follows it."""
    from syndata.consistency.enforce import Enforcer
    from syndata.metadata import TableMetadata

    rng = np.random.default_rng(0)
    n = 600
    taxa = rng.choice(["Rodent", "Bird"], n)
    sex = np.where(taxa == "Rodent", rng.choice(["M", "F"], n), None).astype(object)
    real = pd.DataFrame({"sex": sex, "_p.taxa": taxa, "weight": rng.gamma(2.0, 9.0, n)})
    enforcer = Enforcer.fit(real, TableMetadata.detect(real), conditioned=["_p.taxa"])
    assert enforcer is not None
    rule = [i for i in enforcer.invariants if i.describe() == "sex determines _p.taxa"]
    assert rule, [i.describe() for i in enforcer.invariants]
    given = {"_p.taxa": ["Bird", "Bird", "Rodent", "Rodent"]}
    broken = pd.DataFrame(
        {"sex": ["M", None, "F", None], "_p.taxa": given["_p.taxa"], "weight": [5.0] * 4}
    )
    assert enforcer.broken(broken, given).tolist() == [True, False, False, False]
    repaired = enforcer.repair(broken.copy(), np.random.default_rng(1), given)
    assert repaired["_p.taxa"].tolist() == given["_p.taxa"]  # the condition is kept
    assert pd.isna(repaired.loc[0, "sex"])  # no sex goes with a bird
    assert repaired.loc[2, "sex"] == "F"  # rows that kept the rule are left alone
    assert pd.isna(repaired.loc[1, "sex"]) and pd.isna(repaired.loc[3, "sex"])
    assert not enforcer.broken(repaired, given).any()


def test_a_null_member_written_as_none_keeps_its_combination():
    """Rows from a database hold None where a CSV holds NaN: both are the null value."""
    from syndata.consistency.joint import JointGroup

    frame = pd.DataFrame(
        {
            "taxa": ["Rodent", "Rodent", "Bird", "Reptile", "Rodent"],
            "sex": pd.Series(["M", None, None, np.nan, "F"], dtype=object),
        }
    )
    group = JointGroup.fit(frame, ["taxa", "sex"])
    assert group is not None
    codes = group.encode(frame)
    assert (codes >= 0).all() and len(set(codes.tolist())) == 5
    decoded = group.decode(codes)
    assert decoded["taxa"].tolist() == frame["taxa"].tolist()
    assert [pd.isna(v) for v in decoded["sex"]] == [False, True, True, True, False]


def test_a_fractional_high_above_a_whole_low_is_learned_as_a_gap():
    """A month as a fraction of its year (2001.25 in 2001): built in, not redrawn."""
    from syndata.quality import evaluate

    rng = np.random.default_rng(3)
    n = 3_000
    year = rng.integers(2000, 2016, n)
    real = pd.DataFrame(
        {
            "year": year,
            "date": year + (rng.integers(1, 13, n) - 1) / 12,
            "sales": np.round(rng.gamma(3.0, 100.0, n)),
        }
    )
    model = GaussianCopula().fit(real)
    assert [(g.low, g.high) for g in model.consistency_.gaps] == [("year", "date")]
    synthetic = model.sample(15_000, seed=0)
    gap = synthetic["date"] - synthetic["year"]
    assert gap.min() >= 0 and gap.max() <= 11 / 12 + 1e-6
    shapes = {c["column"]: c["score"] for c in evaluate(real, synthetic, ml_efficacy=False).columns}
    assert shapes["year"] > 0.97 and shapes["date"] > 0.97, shapes
