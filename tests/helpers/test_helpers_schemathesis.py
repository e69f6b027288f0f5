"""Schemathesis on the helpers and notifications operations as a helper (with a profile) and as
that helper's coordinator: no 5xx and every response matches the schema."""

import json

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sasaeai.accounts.models import ApiToken
from sasaeai.helpers import services

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _load_schema():
    from django.core.serializers.json import DjangoJSONEncoder
    from django.core.wsgi import get_wsgi_application

    from sasaeai.api.main import api

    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder)))
    loaded.app = get_wsgi_application()
    loaded.location = "/api/v1/openapi.json"
    return loaded


schema = _load_schema().include(path_regex=r"^/api/v1/(helpers|notifications)")


@pytest.fixture
def helper_headers(world):
    services.submit_qualification(world["profile"], world["helper"], "first_aid")
    services.submit_identity(world["profile"], world["helper"], "passport")
    services.record_rating(world["profile"], 2)
    _t, helper_key = ApiToken.issue(world["helper"], "fuzz", two_factor_verified=False)
    _t, staff_key = ApiToken.issue(world["coordinator"], "fuzz", two_factor_verified=True)
    return [{"Authorization": f"Bearer {helper_key}"}, {"Authorization": f"Bearer {staff_key}"}]


@pytest.fixture
def keep_connection():
    """Calls go through the WSGI handler, whose request signals close the database connection
    (harmless on in-memory SQLite, fatal inside a PostgreSQL test transaction). Django's test
    client disconnects the same handlers."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


class _Rollback(Exception):
    pass


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
def test_helpers_api_conforms_to_its_schema(case, helper_headers, keep_connection, db):
    for headers in helper_headers:
        try:
            with transaction.atomic():
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS, headers=headers)
                raise _Rollback
        except _Rollback:
            pass
