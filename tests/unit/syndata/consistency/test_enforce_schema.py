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
    return tables, schema(tables, Relationship("customers", "customer_id", "orders", "customer_id"))


def schema(tables: dict[str, pd.DataFrame], relationship: Relationship) -> Metadata:
    """The tables' detected metadata, tied by ``relationship``."""
    return Metadata(
        {name: TableMetadata.detect(frame, name=name) for name, frame in tables.items()},
        [relationship],
    )


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


def survey() -> tuple[dict[str, pd.DataFrame], Metadata]:
    """Animals of species; only rodents have a recorded sex (a bird's is never M or F)."""
    rng = np.random.default_rng(5)
    taxa = ["Rodent"] * 8 + ["Bird"] * 4 + ["Reptile"] * 2
    species = pd.DataFrame({"species_id": [f"s{i:02d}" for i in range(len(taxa))], "taxa": taxa})
    n = 6_000
    picked = rng.integers(0, len(taxa), n)
    rodent = np.array(taxa)[picked] == "Rodent"
    sex = np.where(rng.random(n) < 0.5, "M", "F").astype(object)
    sex[~rodent | (rng.random(n) < 0.05)] = None
    animals = pd.DataFrame(
        {
            "record_id": np.arange(n) + 1,
            "species_id": species["species_id"].to_numpy()[picked],
            "sex": sex,
            "weight": np.round(rng.gamma(3.0, 12.0, n), 1),
        }
    )
    tables = {"species": species, "animals": animals}
    return tables, schema(tables, Relationship("species", "species_id", "animals", "species_id"))


def test_a_child_value_that_determines_its_parents_value_follows_the_drawn_parent():
    tables, meta = survey()
    for model in ("gaussian_copula", "cart"):
        synthetic = (
            HierarchicalSynthesizer(default_model=model).fit(tables, meta).sample(3.0, seed=1)
        )
        joined = synthetic["animals"].merge(synthetic["species"], on="species_id")
        assert len(joined) == len(synthetic["animals"]) > 10_000
        sexed = joined["sex"].isin(["M", "F"])
        assert sexed.sum() > 1_000, model  # rodents keep their sexes
        assert (joined.loc[sexed, "taxa"] == "Rodent").all(), model
