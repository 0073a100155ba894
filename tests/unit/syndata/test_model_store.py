"""The model store the pipeline saves to and loads from: a plug-in, never an import."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from installed_plugins import write_dist_info

from syndata import model_store as stores
from syndata import pipeline
from syndata.errors import ConfigError, ModelNotFoundError, PluginError
from syndata.model_store import ModelStore, model_store
from syndata.models.base import AnySynthesizer
from syndata.plugins import Registry


def _install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: str) -> None:
    write_dist_info(tmp_path, "fake-model-store", {"syndata.model_stores": lines})
    monkeypatch.syspath_prepend(str(tmp_path))


def test_the_entry_point_names_the_mlflow_adapter(tmp_path, monkeypatch):
    _install(tmp_path, monkeypatch, "other = model_registry.adapter:MlflowModelStore")
    from model_registry.adapter import MlflowModelStore

    store = model_store("other")
    assert isinstance(store, MlflowModelStore) and isinstance(store, ModelStore)
    assert "other" in stores.MODEL_STORES


def test_a_class_that_is_no_store_is_refused(tmp_path, monkeypatch):
    _install(tmp_path, monkeypatch, "broken = syndata.errors:Problem")
    with pytest.raises(PluginError, match="not a subclass of ModelStore"):
        model_store("broken")


def test_without_a_store_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setattr(stores, "MODEL_STORES", Registry("no_model_stores", ModelStore))  # type: ignore[type-abstract]
    with pytest.raises(PluginError, match="no model store is installed") as info:
        model_store()
    assert "pip install syndata" in info.value.fix
    assert "syndata.model_stores" in info.value.fix


@dataclass(frozen=True)
class _Ref:
    name: str
    version: str


class _MemoryStore:
    """A model store in a dict: what the pipeline needs, nothing of MLflow."""

    def __init__(self) -> None:
        self.saved: dict[str, tuple[AnySynthesizer, Mapping[str, Mapping[str, Any]]]] = {}

    def log_model(
        self,
        synthesizer: AnySynthesizer,
        name: str,
        *,
        params: Mapping[str, object],
        metrics: Mapping[str, object],
        artifacts: Mapping[str, Mapping[str, Any]],
        project: str,
    ) -> _Ref:
        self.saved[f"{project}/{name}:1"] = (synthesizer, artifacts)
        return _Ref(name, "1")

    def load_model(self, ref: str, project: str) -> AnySynthesizer:
        return self.saved[f"{project}/{ref}"][0]

    def resolve(self, ref: str, project: str) -> _Ref:
        name, _, version = ref.partition(":")
        return _Ref(name, version or "1")

    def list_models(self, project: str) -> list[dict[str, Any]]:
        return [{"name": key.split("/", 1)[1]} for key in self.saved if key.startswith(project)]

    def show_model(self, name: str, project: str) -> dict[str, Any]:
        return {"name": name, "project": project}

    def set_alias(
        self,
        name: str,
        alias: str,
        version: str | int,
        project: str = "default",
        *,
        actor: str | None = None,
        via: str = "cli",
    ) -> None:
        pass

    def check_reference(self, ref: str) -> None:
        pass


def test_the_pipeline_saves_and_loads_through_the_store_it_is_given(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=200), "n": rng.integers(0, 9, size=200)})
    store = _MemoryStore()
    fitted = pipeline.fit(frame, name="numbers", holdout=0, attacks=False, store=store)
    assert (fitted.ref.name, fitted.ref.version) == ("numbers", "1")
    saved = set(store.saved["default/numbers:1"][1])
    assert saved == {"metadata", "profile", "quality", "privacy", "choice"}  # auto's choice
    result = pipeline.sample("numbers:1", rows=30, seed=1, output_dir=tmp_path, store=store)
    assert result.rows == 30
    assert len(pd.read_csv(result.outputs[0].location)) == 30


def test_the_store_checks_references_as_the_registry_does():
    from model_registry.refs import parse

    store = model_store()
    store.check_reference("people@champion")
    for bad in ("people:two", "@champion", "people@"):
        with pytest.raises(ModelNotFoundError) as expected:
            parse(bad)
        with pytest.raises(ModelNotFoundError) as got:
            store.check_reference(bad)
        assert str(got.value) == str(expected.value)


def test_the_store_refuses_reserved_aliases_before_touching_the_registry():
    with pytest.raises(ConfigError, match="reserved by the model registry"):
        model_store().set_alias("people", "latest", "1", "default")
    with pytest.raises(ConfigError, match="is not 1-255 letters"):
        model_store().set_alias("people", "no spaces", "1", "default")
