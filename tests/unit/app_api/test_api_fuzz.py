"""Property-based checks of every operation from the OpenAPI document (schemathesis).

Generated inputs, valid and invalid, must never make the service answer with a 5xx.
The app is built at import (it opens nothing then); each test points it at its own store.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig

from app_api.main import create_app
from app_api.ratelimit import RateLimiter
from app_api.settings import ApiSettings

MAX_EXAMPLES = 20

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
