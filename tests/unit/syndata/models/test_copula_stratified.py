import numpy as np
import pandas as pd

from syndata.models import GaussianCopula


def _table(n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    kind = np.array(["a"] * 30 + ["b"] * 20 + ["c"] * 10)[:n]
    size = np.where(kind == "a", 1.0, 5.0) + rng.normal(0, 0.5, n)
    return pd.DataFrame({"kind": kind, "size": size})


def test_stratified_sample_keeps_category_shares_to_one_row():
    data = _table()
    model = GaussianCopula(stratified=True).fit(data)
    for seed in range(5):
        counts = model.sample(60, seed=seed)["kind"].value_counts()
        assert abs(counts.get("a", 0) - 30) <= 1
        assert abs(counts.get("b", 0) - 20) <= 1
        assert abs(counts.get("c", 0) - 10) <= 1


def test_stratified_sample_keeps_dependence_and_varies_with_seed():
    data = _table()
    model = GaussianCopula(stratified=True).fit(data)
    first, second = model.sample(600, seed=1), model.sample(600, seed=2)
    assert not first.equals(second)
    plain = GaussianCopula().fit(data).sample(20_000, seed=1)
    big = model.sample(20_000, seed=1)

    def gap(frame: pd.DataFrame) -> float:
        return float(
            frame.loc[frame["kind"] == "c", "size"].mean()
            - frame.loc[frame["kind"] == "a", "size"].mean()
        )

    assert gap(plain) > 0.5  # size depends on kind in the copula
    assert abs(gap(big) - gap(plain)) < 0.15  # and stratifying leaves that dependence alone
    assert model.sample(600, seed=1).equals(first)


def test_unstratified_default_draws_independent_rows():
    data = _table()
    model = GaussianCopula().fit(data)
    spread = [model.sample(60, seed=s)["kind"].value_counts().get("a", 0) for s in range(20)]
    assert max(spread) - min(spread) > 2  # sampling noise, which stratification removes
