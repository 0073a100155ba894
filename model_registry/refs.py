"""Model references: ``name`` (latest version), ``name:3``, ``name@champion``.

``models:/name/3`` and ``models:/name@champion`` are accepted too. A reference resolves to
one registered model version; an unknown name, version or alias raises ``ModelNotFoundError``
naming the models, versions or aliases that do exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlflow import MlflowClient
from mlflow.entities.model_registry import ModelVersion, RegisteredModel
from mlflow.exceptions import MlflowException

from model_registry import store
from syndata.errors import DataReadError, ModelNotFoundError

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
REF_FORMS = "'name' (latest version), 'name:<version>' or 'name@<alias>'"


@dataclass(frozen=True)
class ModelRef:
    """One registered model version: its name, version, MLflow run and ``models:/`` URI."""

    name: str
    version: str
    run_id: str
    uri: str  # models:/name/3

    def __str__(self) -> str:
        return f"{self.name}:{self.version}"


def parse(ref: str) -> tuple[str, str | None, str | None]:
    """``(name, version, alias)`` of a reference; version and alias are None when absent."""
    text = ref.strip()
    if text.startswith("models:/"):
        text = text.removeprefix("models:/")
        if "/" in text:
            text = text.replace("/", ":", 1)
    name, version, alias = text, None, None
    if "@" in text:
        name, alias = text.split("@", 1)
    elif ":" in text:
        name, version = text.split(":", 1)
        if version == "latest":
            version = None
        elif not version.isdigit():
            raise ModelNotFoundError(f"'{ref}' is not a model reference: the version must be a "
                                f"number; use {REF_FORMS}")
    if not name or (alias is not None and not alias):
        raise ModelNotFoundError(f"'{ref}' is not a model reference; use {REF_FORMS}")
    return name, (str(int(version)) if version else None), alias


def resolve(ref: str) -> ModelRef:
    """The model version a reference points to (latest, numbered or by alias)."""
    name, version, alias = parse(ref)
    client = store.client()
    model = registered_model(client, name)
    if alias is not None:
        if alias not in model.aliases:
            raise ModelNotFoundError(
                f"model '{name}' has no alias '{alias}'; {_aliases_text(model)}; use one of "
                f"them, a version ('{name}:<version>'), or set the alias with "
                f"set_alias('{name}', '{alias}', <version>)")
        version = str(model.aliases[alias])
    found = model_version(client, name, version)
    return ModelRef(name=name, version=str(found.version), run_id=found.run_id or "",
                    uri=f"models:/{name}/{found.version}")


def registered_model(client: MlflowClient, name: str) -> RegisteredModel:
    """The registered model called ``name``; ModelNotFoundError naming the known ones."""
    try:
        return client.get_registered_model(name)
    except MlflowException as exc:
        if exc.error_code != "RESOURCE_DOES_NOT_EXIST":
            raise DataReadError(f"cannot read model '{name}' from the model registry at "
                                f"{store.tracking_uri()}: {exc.message}") from exc
        known = sorted(m.name for m in all_registered_models(client))
        listing = (f"known models: {', '.join(known)}" if known
                   else "the registry holds no models yet")
        raise ModelNotFoundError(
            f"no model named '{name}' in the model registry at {store.tracking_uri()}; "
            f"{listing}; check the name, or fit and log a model under it "
            "(model_registry.log_model)") from None


def model_versions(client: MlflowClient, name: str) -> list[ModelVersion]:
    """Every version of model ``name``, oldest first."""
    found: list[ModelVersion] = []
    token = None
    with store.translated(f"listing the versions of model '{name}'", DataReadError):
        while True:
            page = client.search_model_versions(f"name = '{_quoted(name)}'", page_token=token)
            found.extend(page)
            token = page.token
            if not token:
                break
    return sorted(found, key=lambda v: int(v.version))


def model_version(client: MlflowClient, name: str, version: str | None) -> ModelVersion:
    """Version ``version`` of model ``name`` (the latest when None)."""
    versions = model_versions(client, name)
    if version is None and versions:
        return versions[-1]
    for candidate in versions:
        if str(candidate.version) == version:
            return candidate
    if not versions:
        raise ModelNotFoundError(f"model '{name}' has no versions; log one with "
                            "model_registry.log_model")
    numbers = ", ".join(str(v.version) for v in versions)
    raise ModelNotFoundError(f"model '{name}' has no version {version}; its versions are "
                             f"{numbers}; use one of them, or '{name}' for the latest")


def all_registered_models(client: MlflowClient) -> list[RegisteredModel]:
    """Every registered model in the store."""
    found: list[RegisteredModel] = []
    token = None
    with store.translated("listing the models", DataReadError):
        while True:
            page = client.search_registered_models(page_token=token)
            found.extend(page)
            token = page.token
            if not token:
                break
    return found


def _aliases_text(model: RegisteredModel) -> str:
    if not model.aliases:
        return "it has no aliases yet"
    pairs = ", ".join(f"{alias} (version {version})"
                      for alias, version in sorted(model.aliases.items()))
    return f"its aliases are {pairs}"


def _quoted(name: str) -> str:
    return name.replace("'", "\\'")
