"""Targets per municipality and fiscal year: set by administrators; a fiscal year that does not
exist for the municipality is refused and nothing is written."""

import json

import pytest
from django.core.exceptions import ValidationError

from sasaeai.kpis import services
from sasaeai.kpis.models import KpiTarget
from sasaeai.tenancy.models import Role

from .conftest import codes, fy_now

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(make_municipality):
    return make_municipality()


@pytest.fixture
def admin(town, make_user):
    return make_user(Role.MUNICIPAL_ADMIN, town)


def test_an_administrator_sets_and_resets_a_target(town, admin):
    services.target_set(municipality=town, key="sc_turnover", fiscal_year=fy_now(), target="4.5", by=admin)
    assert KpiTarget.objects.get(municipality=town).target == pytest.approx(4.5)
    services.target_set(municipality=town, key="sc_turnover", fiscal_year=fy_now(), target="3", by=admin)
    assert KpiTarget.objects.get(municipality=town).target == 3
    services.target_reset(municipality=town, key="sc_turnover", fiscal_year=fy_now())
    assert not KpiTarget.objects.exists()


@pytest.mark.parametrize("year", [1990, fy_now() - 1, fy_now() + 2, 9999, "二千", ""])
def test_a_fiscal_year_that_does_not_exist_is_refused(town, admin, year):
    with pytest.raises(ValidationError) as exc:
        services.target_set(municipality=town, key="sc_turnover", fiscal_year=year, target=5, by=admin)
    assert codes(exc.value) & {"fiscal_year_unknown", "invalid_fiscal_year"}
    assert not KpiTarget.objects.exists()


def test_the_next_fiscal_year_may_be_planned(town, admin):
    services.target_set(municipality=town, key="sc_turnover", fiscal_year=fy_now() + 1, target=5, by=admin)
    assert KpiTarget.objects.filter(fiscal_year=fy_now() + 1).exists()


@pytest.mark.parametrize("key, target, code", [
    ("no_such_indicator", 5, "indicator_unknown"),
    ("sc_turnover", -1, "invalid_target"),
    ("sc_turnover", 101, "invalid_target"),
    ("sc_satisfaction", 6, "invalid_target"),
    ("sc_turnover", "abc", "invalid_target"),
    ("sc_turnover", "NaN", "invalid_target"),
])
def test_bad_targets_are_refused(town, admin, key, target, code):
    with pytest.raises(ValidationError) as exc:
        services.target_set(municipality=town, key=key, fiscal_year=fy_now(), target=target, by=admin)
    assert code in codes(exc.value)
    assert not KpiTarget.objects.exists()


def test_the_targets_page_refuses_an_unknown_year_with_a_message(town, admin, client_for):
    c = client_for(admin)
    response = c.post(f"/kpis/targets/?m={town.pk}", {"key": "sc_turnover", "fiscal_year": "1990", "target": "5"},
                      follow=True)
    assert response.status_code == 200
    assert "1990" in response.content.decode()
    assert not KpiTarget.objects.exists()
    assert c.post(f"/kpis/targets/?m={town.pk}", {"key": "sc_turnover", "fiscal_year": str(fy_now()),
                                                   "target": "4"}).status_code == 302
    assert KpiTarget.objects.get().target == 4


def test_a_coordinator_cannot_set_targets(town, make_user, client_for):
    c = client_for(make_user(Role.COORDINATOR_L1, town))
    assert c.get(f"/kpis/targets/?m={town.pk}").status_code == 403


def test_the_api_sets_a_target_and_refuses_a_missing_year(town, admin, client_for):
    c = client_for(admin)
    url = f"/api/v1/kpis/municipalities/{town.pk}/targets"
    ok = c.put(url, json.dumps({"key": "helpers_share_65", "fiscal_year": fy_now(), "target": 6}),
               content_type="application/json")
    assert ok.status_code == 200 and ok.json()["target"] == 6
    bad = c.put(url, json.dumps({"key": "helpers_share_65", "fiscal_year": 1990, "target": 6}),
                content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400 and bad.json()["code"] == "fiscal_year_unknown"
    assert "1990" in bad.json()["message"]
    assert KpiTarget.objects.count() == 1


def test_the_api_reads_the_dashboard(kpi_world, make_user, client_for, waiting_key):
    c = client_for(make_user(Role.MUNICIPAL_ADMIN, kpi_world["m"]))
    body = c.get(f"/api/v1/kpis/municipalities/{kpi_world['m'].pk}").json()
    values = {i["key"]: i for i in body["indicators"]}
    assert values["sc_turnover"]["value"] == pytest.approx(25.0)
    assert values[waiting_key]["available"] is False and values[waiting_key]["value"] is None
