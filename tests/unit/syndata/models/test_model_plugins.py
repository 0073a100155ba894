"""Models by name: the built-ins, the messages, and third-party models from entry points."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import palmerpenguins
import pandas as pd
import pytest
from installed_plugins import write_dist_info

from syndata.errors import ModelError
from syndata.models import MODELS, SCHEMA_MODELS, make_model, make_schema_model
from syndata.models.cart import CART
from syndata.models.hierarchical import HierarchicalSynthesizer
from syndata.plugins import entry_point_group

PLUGIN = '''
from syndata.models import Synthesizer


class Bootstrap(Synthesizer):
    """Draws training rows again (a test model)."""

    model_type = "bootstrap"

    def __init__(self, replace: bool = True) -> None:
        self.replace = replace

    def _fit(self, data):
        self.rows_ = data.reset_index(drop=True)

    def _sample(self, n, rng, conditions):
        picks = rng.choice(len(self.rows_), n, replace=self.replace)
        frame = self.rows_.iloc[picks].reset_index(drop=True)
        for name, value in conditions.items():
            frame[name] = value
        return frame


class NotAModel:
    pass
'''


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A package on sys.path that registers ``bootstrap`` in the ``syndata.models`` group."""
    module = f"syndata_model_plugin_{uuid.uuid4().hex[:10]}"
    (tmp_path / f"{module}.py").write_text(PLUGIN)
    lines = f"bootstrap = {module}:Bootstrap\nbroken = {module}:NotAModel"
    write_dist_info(tmp_path, module, {"syndata.models": lines})
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(MODELS, "_loaded", {})
    yield module
    sys.modules.pop(module, None)


def test_the_built_ins_are_registered_in_order():
    assert MODELS.builtin_names() == [
        "auto",
        "gaussian_copula",
        "cart",
        "sdv_gaussian_copula",
        "sdv_ctgan",
    ]
    assert SCHEMA_MODELS.builtin_names() == ["hierarchical"]
    assert (
        MODELS.get("cart") is CART and SCHEMA_MODELS.get("hierarchical") is HierarchicalSynthesizer
    )
    assert MODELS.group == entry_point_group("models") == "syndata.models"
    assert SCHEMA_MODELS.group == "syndata.schema_models"


@pytest.mark.parametrize(
    ("make", "name", "message"),
    [
        (
            make_model,
            "gan",
            "unknown model 'gan'; the single-table models are auto, gaussian_copula, cart, "
            "sdv_gaussian_copula, sdv_ctgan",
        ),
        (
            make_model,
            "hierarchical",
            "unknown model 'hierarchical'; 'hierarchical' is a multi-table model; the "
            "single-table models are",
        ),
        (
            make_schema_model,
            "cart",
            "unknown model 'cart'; 'cart' is a single-table model; the multi-table models are "
            "hierarchical",
        ),
    ],
)
def test_unknown_names_list_the_known_models(make, name, message):
    with pytest.raises(ModelError) as info:
        make(name)
    assert str(info.value).startswith(message)


def test_bad_parameters_name_the_model():
    with pytest.raises(ModelError, match="bad parameters for model 'cart'"):
        make_model("cart", no_such_parameter=1)
    assert make_model("cart", min_samples_leaf=3).get_params()["min_samples_leaf"] == 3
    assert isinstance(make_schema_model("hierarchical"), HierarchicalSynthesizer)


def test_a_third_party_model_is_fitted_and_sampled_through_make_model(plugin):
    assert "bootstrap" in MODELS and list(MODELS)[-2:] == ["bootstrap", "broken"]
    assert plugin not in sys.modules  # listing the names imports nothing
    penguins = palmerpenguins.load_penguins()
    model = make_model("bootstrap", replace=True).fit(penguins)
    assert type(model).__module__ == plugin
    out = model.sample(500, seed=3, conditions={"species": "Gentoo"})
    assert list(out.columns) == list(penguins.columns)
    assert out.dtypes.to_dict() == penguins.dtypes.to_dict()
    assert (out.species == "Gentoo").all()
    pd.testing.assert_frame_equal(out, model.sample(500, seed=3, conditions={"species": "Gentoo"}))
    with pytest.raises(ModelError, match="'bootstrap' is a single-table model"):
        make_schema_model("bootstrap")


def test_a_plugin_of_the_wrong_kind_is_refused(plugin):
    from syndata.errors import PluginError

    with pytest.raises(PluginError, match="not a subclass of Synthesizer"):
        make_model("broken")
