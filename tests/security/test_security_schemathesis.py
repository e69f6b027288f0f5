"""Schemathesis against /api/v1/openapi.json, in-process through Django's WSGI app:
bounded examples per operation, anonymous and authenticated (a staff coordinator with a
two-factor token, and a proxy). No 5xx; every response matches the schema (status code
documented, content type, body)."""

import collections
import datetime as dt
import json
import os
from pathlib import Path

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
from sasaeai.residents.models import Proxy, Resident
from sasaeai.tenancy.models import Role

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _load_schema():
    """The schema the app serves at /api/v1/openapi.json, bound to the WSGI app (no server)."""
    from django.core.serializers.json import DjangoJSONEncoder
    from django.core.wsgi import get_wsgi_application

    from sasaeai.api.main import api

    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder)))
    loaded.app = get_wsgi_application()
    loaded.location = "/api/v1/openapi.json"
    return loaded


@pytest.fixture
def auth_headers(db):
    """Anonymous, a two-factor coordinator token and a proxy token (no password hashing: fast)."""
    from sasaeai.accounts.models import User
    from sasaeai.tenancy import services as tenancy
    from sasaeai.tenancy.codes import with_check_digit

    code = with_check_digit("13777")
    town = tenancy.create_municipality(code=code, name="検査市", name_kana="けんさし", prefecture="13",
                                       population=1000, population_65_plus=300, population_75_plus=100,
                                       center_lat=35.6, center_lon=139.3)
    area = tenancy.create_area(municipality=town, name="中央", center_lat=35.6, center_lon=139.3)
    coordinator = User.objects.create(email="fuzz-sc@example.test", display_name="fuzz sc")
    proxy = User.objects.create(email="fuzz-proxy@example.test", display_name="fuzz proxy")
    tenancy.create_membership(user=coordinator, municipality=town, role=Role.COORDINATOR_L1, areas=())
    tenancy.create_membership(user=proxy, municipality=town, role=Role.PROXY, areas=())
    resident = Resident.objects.create(municipality=town, area=area, family_name="試験", given_name="一",
                                       family_name_kana="しけん", given_name_kana="はじめ",
                                       birth_date=dt.date(1940, 1, 1), address="x", lat=35.6, lon=139.3, h3_cell="x")
    Proxy.objects.create(resident=resident, user=proxy, relation="child", confirmed=True)
    _t, staff_key = ApiToken.issue(coordinator, "fuzz", two_factor_verified=True)
    _t, proxy_key = ApiToken.issue(proxy, "fuzz", two_factor_verified=False)
    return [None, {"Authorization": f"Bearer {staff_key}"}, {"Authorization": f"Bearer {proxy_key}"}]


class _Rollback(Exception):
    pass


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """The real WSGI handler closes "old" connections at request start/end, which on
    PostgreSQL would close the test's transaction; Django's test client does the same
    disconnect."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = _load_schema()

#: Examples per operation: 5 in every `make test`; `make fuzz` runs 200 (SASAEAI_FUZZ_EXAMPLES).
EXAMPLES = int(os.environ.get("SASAEAI_FUZZ_EXAMPLES", "5"))
#: Calls and outcomes of this run, written to var/fuzz-report.json by `make fuzz`.
COUNTS: collections.Counter = collections.Counter()


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    report = os.environ.get("SASAEAI_FUZZ_REPORT")  # a folder: one file per pytest-xdist worker
    if report:
        name = os.environ.get("PYTEST_XDIST_WORKER", "main")
        Path(report, f"{name}.json").write_text(json.dumps(dict(COUNTS), sort_keys=True))


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case, auth_headers, db):
    for headers in auth_headers:
        try:
            with transaction.atomic():
                response = case.call(headers=headers)
                COUNTS["calls"] += 1
                COUNTS[f"status_{response.status_code // 100}xx"] += 1
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except Exception:
                    COUNTS["failures"] += 1
                    raise
                raise _Rollback
        except _Rollback:
            pass
