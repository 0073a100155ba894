"""The disclosure rule on the models' side: rare categories are pooled, never emitted."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from syndata.errors import ConfigError
from syndata.models import make_model
from syndata.privacy.disclosure import POOLED, RARE_PLACEHOLDER, RarePool, rare_k

FREQUENT = ["Springfield", "Riverton", "Lakeside"]
RARE = ["Quillonby", "Farthmoor", "Ostvalla", "Pemberwick"]


def _table(rows: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    city = list(rng.choice(FREQUENT, size=rows, p=[0.5, 0.3, 0.2]))
    for i, value in enumerate(RARE * 2):  # each seen twice: rare for k = 5
        city[i * 7] = value
    amount = rng.normal(100, 20, rows) + np.where(np.array(city) == "Springfield", 50, 0)
    return pd.DataFrame({"city": city, "amount": amount, "flag": rng.integers(0, 2, rows)})


@pytest.mark.parametrize("model", ["gaussian_copula", "cart"])
def test_a_model_never_emits_nor_stores_a_rare_category(model):
    data = _table()
    synthesizer = make_model(model).fit(data)
    out = synthesizer.sample(5000, seed=3)
    assert set(out["city"]) == set(FREQUENT)
    shares = out["city"].value_counts(normalize=True)
    real = data["city"].value_counts(normalize=True)
    for city in FREQUENT:  # the pooled share is spread over the frequent values
        assert abs(shares[city] - real[city]) < 0.06, (city, shares[city], real[city])
    stored = pickle.dumps(synthesizer)
    assert not any(value.encode() in stored for value in RARE)
    assert synthesizer.rare_.to_dict()["pooled"] == {"city": len(RARE)}
    assert POOLED not in synthesizer.known_categories("city")


def test_batches_of_categoricals_are_restored_too():
    synthesizer = make_model("gaussian_copula").fit(_table())
    parts = list(synthesizer.sample_batches(900, seed=2, batch_size=250, categorical=True))
    assert isinstance(parts[0]["city"].dtype, pd.CategoricalDtype)
    seen = set(pd.concat([p["city"].astype(object) for p in parts]))
    assert seen == set(FREQUENT)


def test_constant_replacement_writes_the_placeholder_and_no_frequent_value_is_touched():
    frame = _table()
    pool = RarePool.fit(frame, ["city"], k=5, replacement="constant")
    pooled = pool.apply(frame)
    assert set(pooled["city"]) == {*FREQUENT, POOLED}
    restored = pool.restore(pooled.copy(), np.random.default_rng(0))
    assert set(restored["city"]) == {*FREQUENT, RARE_PLACEHOLDER}
    assert (restored["city"] == frame["city"])[frame["city"].isin(FREQUENT)].all()


def test_k_of_one_pools_nothing_and_k_is_read_from_the_environment(monkeypatch):
    frame = _table()
    assert RarePool.fit(frame, ["city"], k=1).frequent == {}
    monkeypatch.setenv("SYNDATA_RARE_K", "2")
    assert rare_k() == 2
    assert RarePool.fit(frame, ["city"]).frequent == {}  # each rare city is seen twice
    monkeypatch.setenv("SYNDATA_RARE_K", "3")
    assert RarePool.fit(frame, ["city"]).pooled == {"city": 4}
    for bad in ("0", "-1", "five", "100000"):
        monkeypatch.setenv("SYNDATA_RARE_K", bad)
        with pytest.raises(ConfigError, match="SYNDATA_RARE_K"):
            rare_k()
