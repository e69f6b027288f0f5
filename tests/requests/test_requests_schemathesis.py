"""Schemathesis on the requests operations as the proxy, a helper and the coordinator:
no 5xx and every response matches the schema."""

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
from sasaeai.requests import services

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _load_schema():
    from django.core.serializers.json import DjangoJSONEncoder
    from django.core.wsgi import get_wsgi_application

    from sasaeai.api.main import api

    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder)))
    loaded.app = get_wsgi_application()
    loaded.location = "/api/v1/openapi.json"
    return loaded


schema = _load_schema().include(
    path_regex=r"^/api/v1/(requests|offers|bookings|matching|municipalities/\{municipality_id\}/requests-board)")


@pytest.fixture
def no_connection_recycling():
    """schemathesis calls the WSGI app directly, whose request_finished signal would close the
    test's PostgreSQL connection (it is inside the test transaction); keep it open."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_headers(town, new_request, no_connection_recycling):
    req = new_request()
    offer = services.offer_to(req, [town.helpers[0]], by=town.coordinator)[0]
    services.accept_offer(offer, user=town.helpers[0].user)
    services.offer_to(new_request(), [town.helpers[0]], by=town.coordinator)
    keys = [ApiToken.issue(town.proxy_user, "fuzz", two_factor_verified=False)[1],
            ApiToken.issue(town.helpers[0].user, "fuzz", two_factor_verified=False)[1],
            ApiToken.issue(town.coordinator, "fuzz", two_factor_verified=True)[1]]
    return [{"Authorization": f"Bearer {k}"} for k in keys]


class _Rollback(Exception):
    pass


@schema.parametrize()
@settings(max_examples=10, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
def test_requests_api_conforms_to_its_schema(case, fuzz_headers, db):
    for headers in fuzz_headers:
        try:
            with transaction.atomic():
                response = case.call(headers=headers)
                case.validate_response(response, checks=CHECKS, headers=headers)
                raise _Rollback
        except _Rollback:
            pass
