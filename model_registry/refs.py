"""Model references: ``name`` (latest version), ``name:3``, ``name@champion``.

``models:/name/3`` and ``models:/name@champion`` are accepted too. A reference resolves to
one registered model version; an unknown name, version or alias raises ``ModelNotFoundError``
naming the models, versions or aliases that do exist (in the caller's project only).

Projects: every model belongs to one project. In MLflow a model of project ``default`` keeps
its bare name (``penguins``); a model of any other project is registered as
``<project>~<name>`` (``marketing~penguins``: ``~`` cannot occur in a model name, so two
projects can both own ``penguins`` and no name is ambiguous) and carries the tag
``syndata.project`` on the registered model and on each version. A model without the tag
belongs to ``default``. Callers name models as their project sees them (bare names); the
server-admin scope ``ALL_PROJECTS`` (``*``) sees every model under its MLflow name, so
``marketing~penguins`` there. A model of another project is not found, with the same
message as a model that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mlflow import MlflowClient
from mlflow.entities.model_registry import ModelVersion, RegisteredModel
from mlflow.exceptions import MlflowException

from model_registry import store
from syndata.access.projects import DEFAULT_PROJECT
from syndata.errors import DataReadError, ModelNotFoundError

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
REF_FORMS = "'name' (latest version), 'name:<version>' or 'name@<alias>'"
ALL_PROJECTS = "*"  # the server admins' scope: every project's models
PROJECT_TAG = "syndata.project"
SEPARATOR = "~"  # <project>~<name>: the MLflow name of a model of a non-default project
PROJECT = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


def scoped(name: str, project: str = DEFAULT_PROJECT) -> tuple[str, str]:
    """``(mlflow_name, owner)``: where the model ``project`` calls ``name`` is stored.

    ``project`` is ``ALL_PROJECTS`` for the server-admin scope, where ``name`` is the
    MLflow name (``<project>~<name>``, or a bare name for ``default``). Names that no model
    of the scope can have raise ModelNotFoundError like unknown names.
    """
    if project == ALL_PROJECTS:
        if SEPARATOR in name:
            owner, bare = name.split(SEPARATOR, 1)
            if not PROJECT.match(owner) or SEPARATOR in bare:
                raise _unknown(name)
            return (bare if owner == DEFAULT_PROJECT else name), owner
        return name, DEFAULT_PROJECT
    if SEPARATOR in name:
        raise _unknown(name)
    if project == DEFAULT_PROJECT:
        return name, project
    return f"{project}{SEPARATOR}{name}", project


def owner_of(model: RegisteredModel | ModelVersion) -> str:
    """The project a registered model (or version) belongs to (no tag: ``default``)."""
    tags = getattr(model, "tags", None) or {}
    return str(tags.get(PROJECT_TAG) or DEFAULT_PROJECT)


def display_name(mlflow_name: str, project: str) -> str:
    """The name ``project`` (or the server-admin scope) sees a stored model under."""
    if project == ALL_PROJECTS:
        return mlflow_name
    return mlflow_name.split(SEPARATOR, 1)[1] if SEPARATOR in mlflow_name else mlflow_name


def visible(model: RegisteredModel, project: str) -> bool:
    """Whether ``project`` sees ``model``: its tag and its MLflow name agree, and it is ours."""
    owner = owner_of(model)
    if owner == DEFAULT_PROJECT:
        consistent = SEPARATOR not in model.name
    else:
        consistent = model.name.startswith(f"{owner}{SEPARATOR}")
    return consistent and (project == ALL_PROJECTS or owner == project)


def _unknown(name: str) -> ModelNotFoundError:
    return ModelNotFoundError(
        f"no model named '{name}' in the model registry at {store.tracking_uri()}; check the "
        "name, or fit and log a model under it (model_registry.log_model)"
    )


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
            raise ModelNotFoundError(
                f"'{ref}' is not a model reference: the version must be a number; use {REF_FORMS}"
            )
    if not name or (alias is not None and not alias):
        raise ModelNotFoundError(f"'{ref}' is not a model reference; use {REF_FORMS}")
    return name, (str(int(version)) if version else None), alias


def resolve(ref: str, project: str = DEFAULT_PROJECT) -> ModelRef:
    """The model version a reference of ``project`` points to (latest, numbered or by alias).

    The ModelRef's ``name`` is the name the project sees; its ``uri`` the MLflow one.
    """
    name, version, alias = parse(ref)
    client = store.client()
    model = registered_model(client, name, project)
    if alias is not None:
        if alias not in model.aliases:
            raise ModelNotFoundError(
                f"model '{name}' has no alias '{alias}'; {_aliases_text(model)}; use one of "
                f"them, a version ('{name}:<version>'), or set the alias with "
                f"set_alias('{name}', '{alias}', <version>)"
            )
        version = str(model.aliases[alias])
    found = model_version(client, model.name, version, shown=name)
    return ModelRef(
        name=name,
        version=str(found.version),
        run_id=found.run_id or "",
        uri=f"models:/{model.name}/{found.version}",
    )


def registered_model(
    client: MlflowClient, name: str, project: str = DEFAULT_PROJECT
) -> RegisteredModel:
    """The registered model ``project`` calls ``name``; ModelNotFoundError naming the known ones.

    The result is MLflow's (its ``name`` is the MLflow name). A model of another project is
    not found, and only ``project``'s models are named as known.
    """
    try:
        stored, _ = scoped(name, project)
    except ModelNotFoundError:
        stored = None  # a name no model of the scope can have
    if stored is not None:
        try:
            model = client.get_registered_model(stored)
        except MlflowException as exc:
            if exc.error_code != "RESOURCE_DOES_NOT_EXIST":
                raise DataReadError(
                    f"cannot read model '{name}' from the model registry at "
                    f"{store.tracking_uri()}: {exc.message}"
                ) from exc
        else:
            if visible(model, project):
                return model
    # not found, or not this project's: the same answer
    known = sorted(
        display_name(m.name, project) for m in all_registered_models(client) if visible(m, project)
    )
    listing = f"known models: {', '.join(known)}" if known else "the registry holds no models yet"
    raise ModelNotFoundError(
        f"no model named '{name}' in the model registry at {store.tracking_uri()}; "
        f"{listing}; check the name, or fit and log a model under it "
        "(model_registry.log_model)"
    )


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


def model_version(
    client: MlflowClient, name: str, version: str | None, shown: str | None = None
) -> ModelVersion:
    """Version ``version`` of model ``name`` (its MLflow name; the latest when None).

    Messages call the model ``shown`` (the name its project sees) when given.
    """
    versions = model_versions(client, name)
    name = shown or name
    if version is None and versions:
        return versions[-1]
    for candidate in versions:
        if str(candidate.version) == version:
            return candidate
    if not versions:
        raise ModelNotFoundError(
            f"model '{name}' has no versions; log one with model_registry.log_model"
        )
    numbers = ", ".join(str(v.version) for v in versions)
    raise ModelNotFoundError(
        f"model '{name}' has no version {version}; its versions are "
        f"{numbers}; use one of them, or '{name}' for the latest"
    )


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
    pairs = ", ".join(
        f"{alias} (version {version})" for alias, version in sorted(model.aliases.items())
    )
    return f"its aliases are {pairs}"


def _quoted(name: str) -> str:
    return name.replace("'", "\\'")
