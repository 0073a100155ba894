"""The hierarchical model keeps rules between a child and its parent: an order after signup."""

from __future__ import annotations

import numpy as np
import pandas as pd

from syndata.metadata import Metadata, Relationship, TableMetadata
from syndata.models.hierarchical import HierarchicalSynthesizer


def shop() -> tuple[dict[str, pd.DataFrame], Metadata]:
    rng = np.random.default_rng(11)
    n = 400
    signup = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700, n), "D")
    customers = pd.DataFrame(
        {
            "customer_id": np.arange(n) + 1,
            "segment": rng.choice(["retail", "business"], n),
            "signup": signup,
        }
    )
    per = rng.integers(1, 6, n)
    owner = np.repeat(customers["customer_id"].to_numpy(), per)
    after = pd.to_timedelta(rng.integers(1, 60, len(owner)), "D")
    orders = pd.DataFrame(
        {
            "order_id": np.arange(len(owner)) + 1,
            "customer_id": owner,
            "ordered": np.repeat(signup.to_numpy(), per) + after.to_numpy(),
            "amount": np.round(rng.gamma(2.0, 40.0, len(owner)), 2),
        }
    )
    tables = {"customers": customers, "orders": orders}
    meta = Metadata(
        {name: TableMetadata.detect(frame, name=name) for name, frame in tables.items()},
        [Relationship("customers", "customer_id", "orders", "customer_id")],
    )
    return tables, meta


def test_a_child_row_keeps_its_order_after_the_parent_row():
    tables, meta = shop()
    joined = tables["orders"].merge(tables["customers"], on="customer_id")
    assert (joined["ordered"] > joined["signup"]).all()
    for enforce in (False, True):
        if not enforce:
            from syndata.models.base import Synthesizer

            Synthesizer.enforces_consistency = False
        try:
            synthetic = HierarchicalSynthesizer().fit(tables, meta).sample(2.0, seed=0)
        finally:
            Synthesizer.enforces_consistency = True
        joined = synthetic["orders"].merge(synthetic["customers"], on="customer_id")
        gaps = joined["ordered"] - joined["signup"]
        if enforce:
            assert len(joined) == len(synthetic["orders"]) > 1_000
            assert gaps.min() >= pd.Timedelta(days=1) and gaps.max() <= pd.Timedelta(days=59)
        else:  # the rule is not kept by chance
            assert (gaps < pd.Timedelta(days=1)).any() or (gaps > pd.Timedelta(days=59)).any()
