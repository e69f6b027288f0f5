"""Schemathesis on the staff-administration operations as a municipal administrator (the
shared fuzz test calls them as non-administrators, who only get 404): whatever is sent, no 5xx
and every answer matches the schema; refusals are 400 with a code, never a trace."""

import importlib.util
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings

_spec = importlib.util.spec_from_file_location(
    "schemathesis_shared", Path(__file__).parents[1] / "security" / "test_security_schemathesis.py")
shared = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(shared)

schema = shared._load_schema().include(path_regex=r"^/api/v1/(municipalities/\{municipality_id\}/(staff|audit)|memberships|areas/\{area_id\}$)")


@pytest.fixture(autouse=True)
def _keep_test_connection():
    yield from shared._keep_test_connection.__wrapped__()


@pytest.fixture
def admin_headers(db):
    from sasaeai.accounts.models import ApiToken, User
    from sasaeai.tenancy import services as tenancy
    from sasaeai.tenancy.codes import with_check_digit
    from sasaeai.tenancy.models import Role

    code = with_check_digit("13778")
    town = tenancy.create_municipality(code=code, name="検査市", name_kana="けんさし", prefecture="13",
                                       population=1000, population_65_plus=300, population_75_plus=100,
                                       center_lat=35.6, center_lon=139.3)
    area = tenancy.create_area(municipality=town, name="中央", center_lat=35.6, center_lon=139.3)
    admin = User.objects.create(email="fuzz-admin@example.test", display_name="fuzz admin")
    tenancy.create_membership(user=admin, municipality=town, role=Role.MUNICIPAL_ADMIN)
    sc = User.objects.create(email="fuzz-sc2@example.test", display_name="fuzz sc")
    tenancy.create_membership(user=sc, municipality=town, role=Role.COORDINATOR_L2, areas=[area])
    _t, key = ApiToken.issue(admin, "fuzz", two_factor_verified=True)
    ids = {"municipality_id": town.pk, "area_id": area.pk, "membership_id": sc.memberships.get().pk}
    return {"Authorization": f"Bearer {key}"}, ids


@schema.parametrize()
@settings(max_examples=15, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
def test_staff_operations_conform_as_an_administrator(case, admin_headers, db):
    """The path points at real objects, so the fuzzed bodies reach the services."""
    admin_headers, ids = admin_headers
    case.path_parameters = {k: ids[k] for k in (case.path_parameters or {})}
    try:
        with transaction.atomic():
            response = case.call(headers=admin_headers)
            case.validate_response(response, checks=shared.CHECKS, headers=admin_headers)
            raise shared._Rollback
    except shared._Rollback:
        pass
