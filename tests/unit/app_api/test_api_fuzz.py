"""Property-based checks of every operation from the OpenAPI document (schemathesis).

Generated inputs, valid and invalid, must never make the service answer with a 5xx.
The app is built at import (it opens nothing then); each test points it at its own store.
"""

from __future__ import annotations

import copy

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from app_api.main import create_app
from app_api.ratelimit import RateLimiter
from app_api.settings import ApiSettings
from syndata.config import Config
from syndata.jobs.params import PARAMS

MAX_EXAMPLES = 20
JOB_EXAMPLES = 150

APP = create_app(api_settings=ApiSettings())
CONFIG = SchemathesisConfig()
CONFIG.projects.default.generation.update(max_examples=MAX_EXAMPLES)
# from the document itself, not from_asgi: that would start the app (and open a job store
# in the working directory) while the tests are being collected
schema = schemathesis.openapi.from_dict(APP.openapi(), config=CONFIG)
schema.app = APP
schema.location = "/openapi.json"


@pytest.fixture
def admin_headers(store, keys):
    """The app on this test's store, and an admin key's header."""
    APP.state.store = store
    APP.state.started = False
    APP.state.limiter = RateLimiter(ApiSettings().rate_limit)
    yield {"Authorization": f"Bearer {keys['admin']}"}
    APP.state.store = None
    APP.state.started = False


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case, admin_headers):
    case.call_and_validate(headers=admin_headers, checks=[not_a_server_error])


# ------------------------------------------------------------------ each job type's parameters
# POST /jobs takes any object as `config`; a second document describes it per job type (the
# job's own parameter schema, and for generate the rule config's), so generated bodies reach
# every job type's checks, not only the shape check.


def _job_document() -> dict:
    document = copy.deepcopy(APP.openapi())
    components = document["components"]["schemas"]
    config_schema = Config.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(config_schema.pop("$defs", {}))
    components["RuleConfig"] = config_schema
    variants = []
    for job_type, params in PARAMS.items():
        schema = params.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(schema.pop("$defs", {}))
        if job_type == "generate":
            schema["properties"]["config"] = {"$ref": "#/components/schemas/RuleConfig"}
        elif job_type == "sample":
            schema["properties"]["config"] = {
                "anyOf": [{"$ref": "#/components/schemas/RuleConfig"}, {"type": "null"}]
            }
        name = f"{job_type.capitalize()}Job"
        components[name] = {
            "type": "object",
            "required": ["job_type", "config"],
            "properties": {
                "job_type": {"type": "string", "enum": [job_type]},
                "config": schema,
                "priority": {"type": "string", "enum": ["low", "normal", "high"]},
                "seed": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
            },
        }
        variants.append({"$ref": f"#/components/schemas/{name}"})
    body = document["paths"]["/jobs"]["post"]["requestBody"]["content"]["application/json"]
    body["schema"] = {"oneOf": variants}
    return document


job_schema = schemathesis.openapi.from_dict(_job_document(), config=CONFIG)
job_schema.app = APP
job_schema.location = "/openapi.json"


@job_schema.include(path="/jobs", method="POST").parametrize()
@settings(max_examples=JOB_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_for_any_job_type(case, admin_headers):
    case.call_and_validate(headers=admin_headers, checks=[not_a_server_error])
