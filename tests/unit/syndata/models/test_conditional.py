"""Conditional marginals: a column keeps its distribution within each parent category."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from syndata.models import GaussianCopula
from syndata.models.conditional import MIN_GROUP_ROWS


def _cities(n: int = 4000, seed: int = 0) -> pd.DataFrame:
    """Prices and sizes by city in orders no one ranking of cities fits, and a type."""
    rng = np.random.default_rng(seed)
    city = rng.choice(["A", "B", "C", "D"], n, p=[0.3, 0.3, 0.3, 0.1])
    level = pd.Series(city).map({"A": 500.0, "B": 100.0, "C": 480.0, "D": 90.0}).to_numpy()
    price = level * rng.lognormal(0, 0.2, n)
    sizes = pd.Series(city).map({"A": 40.0, "B": 120.0, "C": 130.0, "D": 35.0}).to_numpy()
    size = sizes * rng.lognormal(0, 0.1, n)
    kind = np.where(
        np.isin(city, ["A", "D"]),
        rng.choice(["flat", "house"], n, p=[0.9, 0.1]),
        rng.choice(["flat", "house"], n, p=[0.2, 0.8]),
    )
    return pd.DataFrame(
        {"city": city, "price": price, "size": size, "kind": kind, "noise": rng.normal(size=n)}
    )


def _error(synthetic: pd.DataFrame, real: pd.DataFrame) -> float:
    """The largest relative error of a city's median price or size."""
    ours = synthetic.groupby("city")[["price", "size"]].median()
    theirs = real.groupby("city")[["price", "size"]].median()
    return float(((ours - theirs).abs() / theirs).to_numpy().max())


def test_a_number_keeps_its_distribution_within_each_category():
    data = _cities()
    with_tables = _error(GaussianCopula().fit(data).sample(8000, seed=1), data)
    without = _error(GaussianCopula(conditional=False).fit(data).sample(8000, seed=1), data)
    assert with_tables < 0.05
    # one ranking of the cities cannot carry prices and sizes at once
    assert without > 0.25


def test_a_category_keeps_its_shares_within_each_parent_value():
    data = _cities()
    real = pd.crosstab(data["city"], data["kind"], normalize="index")
    rows = GaussianCopula().fit(data).sample(8000, seed=2)
    synthetic = pd.crosstab(rows["city"], rows["kind"], normalize="index")
    assert (synthetic - real).abs().to_numpy().max() < 0.05


def test_conditions_on_the_parent_draw_from_its_own_distribution():
    data = _cities()
    model = GaussianCopula().fit(data)
    rows = model.sample(2000, seed=3, conditions={"city": "B"})
    assert set(rows["city"]) == {"B"}
    real_b = data.loc[data["city"] == "B", "price"].median()
    assert abs(rows["price"].median() - real_b) / real_b < 0.05
    one = model.sample(1, seed=4)  # a row decodes on its own, without a batch to rank in
    assert len(one) == 1 and one["price"].notna().all()


def test_small_groups_keep_the_marginal_and_the_tables_hold_no_value():
    data = _cities(n=1000)
    model = GaussianCopula().fit(data)
    spec = model.conditional_.children["price"]
    counts = data["city"].value_counts()
    assert counts["D"] < MIN_GROUP_ROWS * 2
    encoder = model.marginals_["city"].encoder
    own = dict(zip(encoder.categories.tolist(), spec.own.tolist(), strict=True))
    assert own == {c: bool(counts.get(c, 0) >= MIN_GROUP_ROWS) for c in own}
    described = json.dumps(model.conditional_.describe())
    assert described and all(str(v) not in described for v in data["price"].head(50))


def test_no_children_without_a_tie_and_none_when_fitted_from_batches():
    rng = np.random.default_rng(5)
    data = pd.DataFrame({"a": rng.choice(["x", "y"], 2000), "b": rng.normal(size=2000)})
    assert GaussianCopula().fit(data).conditional_ is None
    model = GaussianCopula().fit_batches(
        lambda: iter([_cities().iloc[:2000], _cities().iloc[2000:]])
    )
    assert model.conditional_ is None
