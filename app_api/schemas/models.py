"""Model bodies: fit and sample requests derived from the job parameters, aliases, lists."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import annotated_types
from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator
from pydantic.fields import FieldInfo

from app_api.schemas.common import RequestBody
from syndata.jobs.params import FitParams, SampleParams

_BOUNDS = {
    annotated_types.Gt: ("gt", "exclusiveMinimum"),
    annotated_types.Ge: ("ge", "minimum"),
    annotated_types.Lt: ("lt", "exclusiveMaximum"),
    annotated_types.Le: ("le", "maximum"),
}


def _lax(info: FieldInfo) -> FieldInfo:
    """A copy of ``info`` whose numeric bounds are documented but not enforced here.

    The job's own check (``syndata.jobs.checks.check_params``) enforces them, so a number
    out of range is a 400 naming the parameter and the allowed range, like in ``POST /jobs``.
    """
    lax = copy.deepcopy(info)
    documented: dict[str, Any] = {}
    kept = []
    for item in lax.metadata:
        bound = _BOUNDS.get(type(item))
        if bound is None:
            kept.append(item)
        else:
            documented[bound[1]] = getattr(item, bound[0])
    lax.metadata = kept
    if documented:
        lax.json_schema_extra = {**(lax.json_schema_extra or {}), **documented}  # type: ignore[dict-item]
    return lax


def _without(model: type[BaseModel], field: str, name: str, doc: str) -> type[BaseModel]:
    """``model`` without ``field`` (given by the path instead), descriptions kept."""
    fields: dict[str, Any] = {
        key: (info.annotation, _lax(info))
        for key, info in model.model_fields.items()
        if key != field
    }
    derived: type[BaseModel] = create_model(
        name, __config__=ConfigDict(extra="forbid"), __doc__=doc, **fields
    )
    return derived


if TYPE_CHECKING:
    FitBody = BaseModel
    SampleBody = BaseModel
else:
    FitBody = _without(
        FitParams, "name", "FitBody", "Fit parameters; the model's name comes from the path."
    )
    SampleBody = _without(
        SampleParams, "model", "SampleBody", "Sample parameters; the model comes from the path."
    )


class ModelList(BaseModel):
    """The registered models (about each one's latest version)."""

    models: list[dict[str, Any]] = Field(
        description=(
            "One entry per model: name, version, aliases, model_type, created, quality, metrics."
        )
    )


class AliasRequest(RequestBody):
    """Point an alias at a version."""

    version: str = Field(
        pattern=r"^[1-9][0-9]{0,9}$",
        description=('The model version the alias points to, e.g. "2".'),
        examples=["2"],
    )

    @field_validator("version", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        return value


class AliasOut(BaseModel):
    """An alias as set."""

    name: str = Field(description="The model's name.")
    alias: str = Field(description="The alias.")
    version: str = Field(description="The version it points to.")
    reference: str = Field(description="The reference to use in sample jobs: `name@alias`.")
