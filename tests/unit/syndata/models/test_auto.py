"""``auto``: a held-out trial picks the engine, says why, and never memorises by choice."""

from __future__ import annotations

import json
import pickle
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from syndata.errors import ModelError
from syndata.metadata import TableMetadata
from syndata.models import CART, AutoModel, GaussianCopula, make_model
from syndata.models.auto import TIE, Choice, Trial, _pick, choices_of, choose


def _ring(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    """Points on a ring, and a category that depends on the angle: nothing monotone."""
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0, 2 * np.pi, n)
    radius = 10 + rng.normal(0, 0.3, n)
    return pd.DataFrame(
        {
            "x": radius * np.cos(angle),
            "y": radius * np.sin(angle),
            "side": np.where(np.sin(2 * angle) > 0, "a", "b"),
        }
    )


def _gaussian(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    z = rng.multivariate_normal([0, 0, 0], [[1, 0.6, 0.3], [0.6, 1, 0.5], [0.3, 0.5, 1]], n)
    return pd.DataFrame(z, columns=["a", "b", "c"])


def _band(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    """A category that is one value near zero and another far from it: not monotone."""
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1.5, n)
    band = np.where(np.abs(x) < 1, "inner", "outer")
    return pd.DataFrame({"x": x, "w": rng.normal(0, 1, n) + 0.5 * x, "band": band})


def test_non_monotone_dependence_picks_the_tree_model():
    model = AutoModel().fit(_band())
    assert model.choice_.model == "cart"
    assert isinstance(model.model_, CART)
    trials = {t.model: t for t in model.choice_.trials}
    assert trials["cart"].quality > trials["gaussian_copula"].quality + TIE
    assert "the most faithful that does not memorise" in model.choice_.reason
    # it samples as the model it chose: the band follows |x|
    rows = model.sample(2000, seed=1)
    inner = rows["band"] == "inner"
    assert (rows.loc[inner, "x"].abs() < 1.2).mean() > 0.9
    assert (rows.loc[~inner, "x"].abs() > 0.8).mean() > 0.9


def test_gaussian_data_keeps_the_faster_copula():
    model = AutoModel().fit(_gaussian())
    assert model.choice_.model == "gaussian_copula"
    assert isinstance(model.model_, GaussianCopula)
    assert model.choice_.rows == {"learned": 2250, "held_out": 750}


def test_a_memorising_candidate_is_never_chosen_over_a_private_one():
    shares = {"gaussian_copula": 0.51, "cart": 0.60}
    measured = []

    def dcr(t: Trial) -> Trial:
        measured.append(t.model)
        return replace(t, dcr_share=shares[t.model], dcr_limit=0.53)

    copula, cart = Trial("gaussian_copula", 0.90, 0.1), Trial("cart", 0.99, 1.0)
    trials, win = _pick([copula, cart], dcr)
    assert win.model == "gaussian_copula" and trials[1].memorises
    assert measured == ["cart", "gaussian_copula"]  # the would-be winner is measured first
    # the winner is private at once: the other candidate's DCR is never measured
    shares["cart"] = 0.50
    measured.clear()
    trials, win = _pick([copula, cart], dcr)
    assert win.model == "cart" and measured == ["cart"] and trials[0].dcr_share is None
    # every candidate memorises: the one that memorises least
    shares.update(gaussian_copula=0.70, cart=0.60)
    assert _pick([copula, cart], dcr)[1].model == "cart"
    # within the tie margin the earlier (faster) candidate stays
    shares.update(gaussian_copula=0.50, cart=0.50)
    close = Trial("cart", 0.903, 1.0)
    assert _pick([copula, close], dcr)[1].model == "gaussian_copula"


def test_the_time_budget_skips_the_later_candidates():
    choice = choose(_ring(), TableMetadata.detect(_ring()), time_budget=0.0)
    assert [t.model for t in choice.trials] == ["gaussian_copula"]
    assert choice.model == "gaussian_copula"
    assert "cart not tried (the 0 s trial budget ran out)" in choice.reason


def test_too_few_rows_take_the_first_candidate_and_say_so():
    data = _gaussian(30)
    choice = choose(data, TableMetadata.detect(data))
    assert choice.model == "gaussian_copula" and not choice.trials
    assert "30 rows are too few" in choice.reason


@pytest.mark.parametrize(
    ("params", "message"),
    [({"candidates": ()}, "at least one candidate"), ({"trial_rows": 5}, "trial_rows must be")],
)
def test_bad_settings_are_refused(params, message):
    with pytest.raises(ModelError, match=message):
        AutoModel(**params).fit(_gaussian(200))


def test_the_choice_is_plain_data_without_real_values():
    data = _ring(800)
    model = make_model("auto").fit(data)
    text = json.dumps(model.choice_.to_dict())
    assert json.loads(text)["model"] in ("gaussian_copula", "cart")
    for value in data.to_numpy().ravel():
        if isinstance(value, float):
            assert f"{value:.6g}" not in text
    assert choices_of(model) == {"": model.choice_}
    assert choices_of(GaussianCopula().fit(data)) == {}


def test_engine_params_reach_the_candidates_and_the_fit():
    params = {"cart": {"visit_order": "data", "min_samples_leaf": 7}}
    model = AutoModel(candidates=("cart",), engine_params=params).fit(_ring(500))
    assert model.model_.get_params()["min_samples_leaf"] == 7
    assert model.choice_.reason == "the only candidate"


def test_streamed_rows_use_the_copula():
    data = _ring(600)
    model = AutoModel().fit_batches(lambda: iter([data.iloc[:300], data.iloc[300:]]))
    assert model.choice_.model == "gaussian_copula"
    assert len(model.sample(50, seed=0)) == 50


def test_a_pickled_auto_model_samples_the_same_rows():
    model = AutoModel().fit(_ring(1000))
    again = pickle.loads(pickle.dumps(model))
    pd.testing.assert_frame_equal(model.sample(100, seed=3), again.sample(100, seed=3))
    assert again.choice_ == model.choice_
    assert isinstance(again.choice_, Choice)
