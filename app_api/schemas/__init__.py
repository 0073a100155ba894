"""Request and response bodies of the API, every field described for the OpenAPI document.

The parameters of each job type are ``syndata.jobs.params``' models (``GenerateParams``,
``FitParams``, ...); the bodies of ``POST /models/{name}/fit`` and ``.../sample`` reuse
them without the field the path gives.

One module per resource: ``common`` (vocabularies, bases, the error shape), ``jobs``,
``config`` (configurations and datasets), ``models``, ``keys``, ``system``.
"""

from app_api.schemas.common import (
    ERROR_RESPONSES,
    MAX_SEED,
    ErrorDetail,
    ErrorResponse,
    ExportFormat,
    JobType,
    Priority,
    ProblemOut,
    RequestBody,
    ResponseBody,
    Role,
    Status,
)
from app_api.schemas.config import (
    DatasetList,
    DatasetOut,
    SchemaDetail,
    SchemaInfo,
    SchemaList,
    TableSummary,
    UploadedConfig,
    ValidationOut,
)
from app_api.schemas.jobs import (
    CUSTOMER_CONFIG,
    JOB_EXAMPLES,
    JobList,
    JobLogs,
    JobOut,
    JobRequest,
    LogLine,
)
from app_api.schemas.keys import KeyCreated, KeyList, KeyOut, KeyRequest
from app_api.schemas.models import AliasOut, AliasRequest, FitBody, ModelList, SampleBody
from app_api.schemas.system import HealthOut, SettingsOut, StatsOut

__all__ = [
    "CUSTOMER_CONFIG",
    "ERROR_RESPONSES",
    "JOB_EXAMPLES",
    "MAX_SEED",
    "AliasOut",
    "AliasRequest",
    "DatasetList",
    "DatasetOut",
    "ErrorDetail",
    "ErrorResponse",
    "ExportFormat",
    "FitBody",
    "HealthOut",
    "JobList",
    "JobLogs",
    "JobOut",
    "JobRequest",
    "JobType",
    "KeyCreated",
    "KeyList",
    "KeyOut",
    "KeyRequest",
    "LogLine",
    "ModelList",
    "Priority",
    "ProblemOut",
    "RequestBody",
    "ResponseBody",
    "Role",
    "SampleBody",
    "SchemaDetail",
    "SchemaInfo",
    "SchemaList",
    "SettingsOut",
    "StatsOut",
    "Status",
    "TableSummary",
    "UploadedConfig",
    "ValidationOut",
]
