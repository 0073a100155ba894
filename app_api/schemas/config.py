"""Configuration and dataset bodies: validation results, shipped templates, uploads."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from app_api.schemas.common import ResponseBody


class TableSummary(BaseModel):
    """A table a valid configuration generates."""

    name: str = Field(description="The table's name.")
    rows: int = Field(description="Rows it generates.")
    columns: list[str] = Field(description="Its columns, in generation order.")


class ValidationOut(BaseModel):
    """A valid configuration."""

    valid: bool = Field(description="Always true (an invalid configuration is a 400 error).")
    warnings: list[str] = Field(description="Things that work but may not be what you meant.")
    tables: list[TableSummary] = Field(description="The tables, in generation order.")


class UploadedConfig(ValidationOut):
    """A configuration file stored after validation."""

    config_id: str = Field(description="The stored file's id (`cfg_` and 16 hex digits).")
    filename: str = Field(description="The file name as uploaded (for display only).")
    format: Literal["yaml", "json"] = Field(description="The file's format.")
    config: dict[str, Any] = Field(description="The configuration, as JSON.")


class SchemaInfo(BaseModel):
    """A shipped configuration template."""

    name: str = Field(description="The template's name (its file name without extension).")
    filename: str = Field(description="Its file name.")
    format: Literal["yaml", "json"] = Field(description="yaml or json.")
    description: str = Field(description="What it generates (its first comment line).")


class SchemaList(BaseModel):
    """The shipped configuration templates."""

    schemas: list[SchemaInfo] = Field(description="The templates, by name.")


class SchemaDetail(SchemaInfo):
    """A template's content."""

    config: dict[str, Any] = Field(description="The configuration, as JSON.")
    text: str = Field(description="The file's text as shipped (with its comments).")


class DatasetOut(ResponseBody):
    """An uploaded dataset."""

    dataset_id: str = Field(description="The dataset's id (`ds_` and 16 hex digits).")
    filename: str = Field(description="The file name as uploaded (for display only).")
    size: int = Field(description="Size in bytes.")
    created_at: float = Field(description="When it was uploaded (seconds since the epoch).")
    format: str = Field(description="csv, parquet, json or jsonl.")
    table: str = Field(description="The table name taken from the file name.")
    project: str = Field("default", description="The project the dataset belongs to.")


class DatasetList(BaseModel):
    """The uploaded datasets, newest first."""

    datasets: list[DatasetOut] = Field(description="The datasets.")
