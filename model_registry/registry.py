"""Log, register, load, alias and list fitted synthesizers in MLflow.

``log_model`` makes one MLflow run per fitted model: its parameters (model type and
hyper-parameters), metrics, JSON reports (``metadata.json``, ``quality.json``, ...) and a
new version of a registered model holding the synthesizer as a pyfunc model. The other
functions read the registry back by reference (see ``model_registry.refs``).

Every function takes the ``project`` the caller acts for (``default`` when left out;
``refs.ALL_PROJECTS`` for a server admin, who sees every model under its MLflow name). A
model of project ``p`` is registered as ``p~<name>`` with the tag ``syndata.project=p`` on
the registered model and its versions; ``default`` models keep their bare names (see
``model_registry.refs``). Another project's model is never listed, and naming it fails
exactly like naming a model that does not exist.
"""

from __future__ import annotations

import json
import logging
import tempfile
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import mlflow
import mlflow.pyfunc
from mlflow import MlflowClient
from mlflow.entities.model_registry import ModelVersion

import syndata
from model_registry import refs, store, values
from model_registry.refs import ALL_PROJECTS, DEFAULT_PROJECT, PROJECT_TAG, ModelRef
from model_registry.synthesizer_model import (
    SIGNATURE,
    SynthesizerModel,
    model_class,
    save_synthesizer,
)
from syndata.errors import DataReadError, ModelError, ModelNotFoundError, OutputError
from syndata.models.base import AnySynthesizer

MODEL_ARTIFACT_PATH = "synthesizer"
QUALITY_METRICS = ("quality.overall", "quality")  # the overall quality score, when logged


class _WrapperPickleNotice(logging.Filter):
    """Drops MLflow's notice that the pyfunc wrapper object is pickled.

    The wrapper holds no state (the synthesizer is a separate artifact) and its class is
    imported by name when loaded.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Passing a Python object as `python_model`")


logging.getLogger("mlflow.pyfunc").addFilter(_WrapperPickleNotice())


def log_model(
    synthesizer: AnySynthesizer,
    name: str,
    *,
    params: Mapping[str, Any] | None = None,
    metrics: Mapping[str, Any] | None = None,
    artifacts: Mapping[str, Mapping[str, Any] | str] | None = None,
    tags: Mapping[str, str] | None = None,
    project: str = DEFAULT_PROJECT,
) -> ModelRef:
    """Log a fitted synthesizer as a new version of ``project``'s registered model ``name``.

    ``params`` are logged with the model type and ``synthesizer.get_params()``;
    ``metrics`` are flattened (``{"quality": {"overall": 0.9}}`` -> ``quality.overall``)
    and only numbers are kept; each ``artifacts`` entry (a dict, or JSON text) is written
    as ``<key>.json`` next to ``metadata.json``, which is always written; ``tags`` go on
    the run and the model version, with ``syndata_version``, ``model_type`` and the
    project (``syndata.project``). The returned ref's ``name`` is ``name``.
    """
    if not hasattr(synthesizer, "metadata_"):
        raise ModelError(
            f"this {type(synthesizer).__name__} is not fitted yet; call fit(data) before logging it"
        )
    bare = (
        name.split(refs.SEPARATOR, 1)[1]
        if project == ALL_PROJECTS and refs.SEPARATOR in name
        else name
    )
    if not refs.NAME.match(bare):
        raise OutputError(
            f"'{name}' cannot name a model: use letters, digits, '_', '.' and '-',"
            " starting with a letter or digit (e.g. 'customers-copula')"
        )
    try:
        stored, owner = refs.scoped(name, project)
    except ModelNotFoundError:
        raise OutputError(
            f"'{name}' cannot name a model: use letters, digits, '_', '.' and "
            "'-', starting with a letter or digit"
        ) from None
    _check_owner(store.client(), stored, owner, name)
    model_type = synthesizer.model_type or type(synthesizer).__name__
    reports = {"metadata": synthesizer.metadata_.to_dict(), **(artifacts or {})}
    texts = {key: values.json_text(key, value) for key, value in reports.items()}
    all_params = values.flatten(
        {"model_type": model_type, **synthesizer.get_params(), **(params or {})}
    )
    all_tags = {
        "syndata_version": syndata.__version__,
        "model_type": model_type,
        "model_class": model_class(synthesizer),
        **{key: str(value) for key, value in (tags or {}).items()},
        PROJECT_TAG: owner,
    }
    experiment_id = store.experiment_id()
    with (
        store.translated(f"logging model '{name}'", OutputError),
        tempfile.TemporaryDirectory(prefix="syndata-model-") as folder,
        mlflow.start_run(
            experiment_id=experiment_id,
            run_name=stored,
            tags=all_tags,
            nested=mlflow.active_run() is not None,
            log_system_metrics=False,
        ) as run,
    ):
        mlflow.log_params({key: values.param_text(value) for key, value in all_params.items()})
        numbers = values.numbers(values.flatten(metrics or {}))
        if numbers:
            mlflow.log_metrics(numbers)
        for key, text in texts.items():
            mlflow.log_text(text, f"{key}.json")
        with warnings.catch_warnings():
            # SIGNATURE describes the input; an example would mean sampling at log time
            warnings.filterwarnings("ignore", message=".*input example was not provided")
            info = mlflow.pyfunc.log_model(
                name=MODEL_ARTIFACT_PATH,
                python_model=SynthesizerModel(),
                artifacts=save_synthesizer(synthesizer, Path(folder)),
                pip_requirements=[f"syndata=={syndata.__version__}"],
                signature=SIGNATURE,
                input_example=None,
                registered_model_name=stored,
            )
        version = str(info.registered_model_version)
        client = store.client()
        if owner != DEFAULT_PROJECT:
            client.set_registered_model_tag(stored, PROJECT_TAG, owner)
        for key, value in all_tags.items():
            client.set_model_version_tag(stored, version, key, value)
    return ModelRef(
        name=name, version=version, run_id=run.info.run_id, uri=f"models:/{stored}/{version}"
    )


def _check_owner(client: MlflowClient, stored: str, owner: str, name: str) -> None:
    """Refuse to add a version to a registered model that is not ``owner``'s."""
    from mlflow.exceptions import MlflowException

    try:
        existing = client.get_registered_model(stored)
    except MlflowException as exc:
        if exc.error_code == "RESOURCE_DOES_NOT_EXIST":
            return
        raise OutputError(
            f"cannot read model '{name}' from the model registry at "
            f"{store.tracking_uri()}: {exc.message}"
        ) from exc
    if refs.owner_of(existing) != owner:
        raise OutputError(
            f"'{name}' cannot name a model of this project: the registry holds "
            "a model of that name that is not this project's; choose another "
            "name"
        )


def load_model(ref: str, project: str = DEFAULT_PROJECT) -> AnySynthesizer:
    """The synthesizer a reference of ``project`` points to: ``name``, ``name:3``, ``name@a``."""
    model_ref = refs.resolve(ref, project)
    with store.translated(f"loading model {model_ref}", DataReadError):
        wrapper = mlflow.pyfunc.load_model(model_ref.uri).unwrap_python_model()
    if not isinstance(wrapper, SynthesizerModel):
        raise DataReadError(
            f"model {model_ref} is not a syndata synthesizer (it holds a "
            f"{type(wrapper).__name__}); log models with "
            "model_registry.log_model"
        )
    return wrapper.synthesizer


def resolve(ref: str, project: str = DEFAULT_PROJECT) -> ModelRef:
    """The model version a reference of ``project`` points to, without loading it."""
    return refs.resolve(ref, project)


def list_models(project: str = DEFAULT_PROJECT) -> list[dict[str, Any]]:
    """One row per registered model of ``project``, about its latest version.

    Keys: ``name`` (as the project sees it), ``project``, ``version``, ``aliases``
    (alias -> version), ``model_type``, ``created`` (ISO time of the latest version),
    ``quality`` (overall score or None) and ``metrics``.
    """
    client = store.client()
    rows = []
    mine = [m for m in refs.all_registered_models(client) if refs.visible(m, project)]
    for model in sorted(mine, key=lambda m: m.name):
        versions = refs.model_versions(client, model.name)
        latest = versions[-1] if versions else None
        metrics = _run_metrics(client, latest.run_id) if latest else {}
        rows.append(
            {
                "name": refs.display_name(model.name, project),
                "project": refs.owner_of(model),
                "version": str(latest.version) if latest else None,
                "aliases": {alias: str(v) for alias, v in sorted(model.aliases.items())},
                "model_type": latest.tags.get("model_type") if latest else None,
                "created": values.iso_millis(
                    latest.creation_timestamp if latest else model.creation_timestamp
                ),
                "quality": _quality(metrics),
                "metrics": metrics,
            }
        )
    return rows


def show_model(name: str, project: str = DEFAULT_PROJECT) -> dict[str, Any]:
    """Everything about ``project``'s model ``name``: its aliases and every version.

    Each version lists its ``version``, ``uri``, ``run_id``, ``created``, ``aliases``,
    ``tags``, ``params``, ``metrics`` and ``artifacts`` (the JSON reports by key:
    ``metadata``, ``quality``, ``privacy``, ...).
    """
    client = store.client()
    model = refs.registered_model(client, name, project)
    aliases_of: dict[str, list[str]] = {}
    for alias, version in sorted(model.aliases.items()):
        aliases_of.setdefault(str(version), []).append(alias)
    versions = [
        _version_details(client, v, aliases_of.get(str(v.version), []))
        for v in refs.model_versions(client, model.name)
    ]
    return {
        "name": refs.display_name(model.name, project),
        "project": refs.owner_of(model),
        "description": model.description or "",
        "created": values.iso_millis(model.creation_timestamp),
        "updated": values.iso_millis(model.last_updated_timestamp),
        "aliases": {alias: str(v) for alias, v in sorted(model.aliases.items())},
        "latest_version": versions[-1]["version"] if versions else None,
        "versions": versions,
    }


def load_artifact(ref: str, key: str, project: str = DEFAULT_PROJECT) -> dict[str, Any]:
    """The JSON report ``key`` (``metadata``, ``quality``, ...) of ``project``'s model version."""
    key = key.removesuffix(".json")
    model_ref = refs.resolve(ref, project)
    client = store.client()
    available = _artifact_paths(client, model_ref.run_id)
    if key not in available:
        listing = ", ".join(sorted(available)) or "none"
        raise ModelNotFoundError(
            f"model {model_ref} has no '{key}' report; its reports are {listing}; log it with "
            f"log_model(..., artifacts={{'{key}': ...}})"
        )
    return _read_artifacts(client, model_ref.run_id, {key: available[key]})[key]


# ---------------------------------------------------------------------- helpers


def _version_details(
    client: MlflowClient, version: ModelVersion, aliases: list[str]
) -> dict[str, Any]:
    run_id = version.run_id or ""
    params: dict[str, str] = {}
    metrics: dict[str, float] = {}
    artifacts: dict[str, Any] = {}
    if run_id:
        with store.translated(f"reading run {run_id}", DataReadError):
            data = client.get_run(run_id).data
        params, metrics = dict(data.params), dict(data.metrics)
        artifacts = _read_artifacts(client, run_id, _artifact_paths(client, run_id))
    return {
        "version": str(version.version),
        "uri": f"models:/{version.name}/{version.version}",
        "run_id": run_id,
        "created": values.iso_millis(version.creation_timestamp),
        "status": version.status,
        "aliases": aliases,
        "tags": dict(version.tags),
        "params": params,
        "metrics": metrics,
        "artifacts": artifacts,
    }


def _artifact_paths(client: MlflowClient, run_id: str) -> dict[str, str]:
    """The JSON reports of a run: key -> artifact path."""
    if not run_id:
        return {}
    with store.translated(f"listing the reports of run {run_id}", DataReadError):
        files = client.list_artifacts(run_id)
    return {Path(f.path).stem: f.path for f in files if not f.is_dir and f.path.endswith(".json")}


def _read_artifacts(client: MlflowClient, run_id: str, paths: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with (
        tempfile.TemporaryDirectory(prefix="syndata-reports-") as folder,
        store.translated(f"reading the reports of run {run_id}", DataReadError),
    ):
        for key, path in sorted(paths.items()):
            local = client.download_artifacts(run_id, path, folder)
            out[key] = json.loads(Path(local).read_text(encoding="utf-8"))
    return out


def _run_metrics(client: MlflowClient, run_id: str | None) -> dict[str, float]:
    if not run_id:
        return {}
    with store.translated(f"reading run {run_id}", DataReadError):
        return dict(client.get_run(run_id).data.metrics)


def _quality(metrics: Mapping[str, float]) -> float | None:
    for key in QUALITY_METRICS:
        if key in metrics:
            return metrics[key]
    return None
