"""Models: fit and sample jobs by model name, the registry's listing, versions and aliases.

A key sees its project's models under their bare names; another project's model is a 404
exactly like an unknown one (see ``model_registry.refs``). A server admin sees every model
under its registry name (``<project>~<name>``; bare for ``default``), and fits and samples
in the ``default`` project.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response, status
from pydantic import BaseModel

import model_registry
from app_api.auth import Operator, Principal, Viewer
from app_api.deps import get_store
from app_api.routes.jobs import submit
from app_api.schemas import (
    MAX_SEED,
    AliasOut,
    AliasRequest,
    FitBody,
    JobOut,
    ModelList,
    Priority,
    SampleBody,
)
from syndata.jobs.params import MODEL_NAME
from syndata.jobs.store import JobStore

router = APIRouter(prefix="/models", tags=["models"])
Store = Annotated[JobStore, Depends(get_store)]


ModelName = Annotated[
    str,
    Path(
        pattern=MODEL_NAME,
        description=("The registered model's name (letters, digits, '_', '.', '-')."),
    ),
]
# a server admin names another project's model as <project>~<name>
SCOPED_MODEL_NAME = r"^(?:[a-z0-9][a-z0-9_-]{0,62}~)?[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"
ScopedModelName = Annotated[
    str,
    Path(
        pattern=SCOPED_MODEL_NAME,
        description=(
            "The registered model's name (letters, digits, '_', '.', '-'); a server admin names "
            "another project's model as `<project>~<name>`."
        ),
    ),
]
PriorityQuery = Annotated[Priority, Query(description="Queue priority of the job.")]
SeedQuery = Annotated[
    int | None,
    Query(
        ge=0,
        le=MAX_SEED,
        description=("The job's seed; null takes the parameters' seed or picks one."),
    ),
]


@router.post(
    "/{name}/fit",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobOut,
    summary="Fit a model (queues a fit job)",
)
def fit_model(
    request: Request,
    response: Response,
    name: ModelName,
    store: Store,
    principal: Operator,
    body: Annotated[FitBody, Body(description="The fit parameters (the name is the path's).")],
    priority: PriorityQuery = "normal",
    seed: SeedQuery = None,
) -> dict[str, Any]:
    """Queue a fit job registering a new version of model `name`. Needs the operator role."""
    params = {**_plain(body), "name": name}
    return _queued(request, response, store, principal, "fit", params, priority, seed)


@router.post(
    "/{name}/sample",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobOut,
    summary="Sample from a model (queues a sample job)",
)
def sample_model(
    request: Request,
    response: Response,
    name: ModelName,
    store: Store,
    principal: Operator,
    body: Annotated[
        SampleBody,
        Body(
            description=(
                "The sample parameters (the model is the path's: its latest version, or `version`)."
            )
        ),
    ],
    priority: PriorityQuery = "normal",
    seed: SeedQuery = None,
    version: Annotated[
        str | None,
        Query(
            pattern=r"^(\d{1,9}|@[A-Za-z0-9_-]{1,64})$",
            description="A version number (`3`) or an alias (`@champion`); default: the latest.",
        ),
    ] = None,
) -> dict[str, Any]:
    """Queue a sample job on model `name` (its latest version, or `version`).

    Needs the operator role. 404 for a model, version or alias the project does not have.
    """
    model = (
        name
        if version is None
        else (f"{name}{version}" if version.startswith("@") else f"{name}:{version}")
    )
    model_registry.resolve(model, principal.home)  # 404 now, not a failed job later
    params = {**_plain(body), "model": model}
    return _queued(request, response, store, principal, "sample", params, priority, seed)


@router.get("", response_model=ModelList, summary="List models")
def list_models(principal: Viewer) -> dict[str, Any]:
    """The project's registered models (a server admin: every one), about each latest version."""
    return {"models": model_registry.list_models(principal.model_scope)}


@router.get(
    "/{name}",
    summary="Get a model",
    responses={
        200: {
            "description": "The model: aliases and every version with its "
            "params, metrics and reports (metadata, quality, "
            "privacy)."
        }
    },
)
def show_model(name: ScopedModelName, principal: Viewer) -> dict[str, Any]:
    """A model's versions with their quality and privacy reports (404 when unknown)."""
    return model_registry.show_model(name, principal.model_scope)


@router.put("/{name}/aliases/{alias}", response_model=AliasOut, summary="Set an alias")
def set_alias(
    name: ScopedModelName,
    principal: Operator,
    alias: Annotated[
        str,
        Path(
            pattern=model_registry.ALIAS_PATTERN,
            description=(
                "The alias (letters, digits, '_', '-'); 'latest' and 'v<number>' are reserved."
            ),
        ),
    ],
    body: AliasRequest,
) -> dict[str, Any]:
    """Point `name@alias` at a version (moving it if it pointed elsewhere).

    Needs the operator role. 404 for an unknown model or version.
    """
    model_registry.set_alias(
        name, alias, body.version, principal.model_scope, actor=principal.actor, via="api"
    )
    return {"name": name, "alias": alias, "version": body.version, "reference": f"{name}@{alias}"}


def _plain(body: BaseModel) -> dict[str, Any]:
    return body.model_dump(mode="json", exclude_unset=True)


def _queued(
    request: Request,
    response: Response,
    store: JobStore,
    principal: Principal,
    job_type: str,
    params: dict[str, Any],
    priority: str,
    seed: int | None,
) -> dict[str, Any]:
    """Queue a model's job for the principal's project; Location names the job."""
    job = submit(
        request,
        store,
        job_type,
        params,
        priority=priority,
        seed=seed,
        owner=principal.key_id,
        prefix="body",
        project=principal.home,
    )
    response.headers["Location"] = f"/jobs/{job.job_id}"
    return job.to_dict()
