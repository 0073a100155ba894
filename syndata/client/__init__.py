"""The client of the syndata service, used by the CLI and the web UI.

``ServiceClient`` calls the REST API (errors: ``syndata.errors.ApiError``); ``LocalJobs``
offers its job calls on the local job store; ``jobs_client()`` picks one from
``SYNDATA_API_URL``; ``wait()`` follows a job to its end.
"""

from syndata.client.http import DEFAULT_API_URL, JsonObject, ServiceClient
from syndata.client.jobs import FINISHED, JobsClient, jobs_client, wait
from syndata.client.local import LocalJobs

__all__ = [
    "DEFAULT_API_URL",
    "FINISHED",
    "JobsClient",
    "JsonObject",
    "LocalJobs",
    "ServiceClient",
    "jobs_client",
    "wait",
]
