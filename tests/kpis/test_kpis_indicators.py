"""Every indicator declared by this round, on constructed data: the number the system computes."""

import datetime as dt

import pytest
from django.utils import timezone

from sasaeai.kpis import registry, selectors
from sasaeai.kpis.models import ScSurveyAnswer
from sasaeai.tenancy.models import Role

from .conftest import at, build_world, coordinator, fy_now, in_year

pytestmark = pytest.mark.django_db


def value(key, world, area=None):
    return selectors.measure(registry.get(key), world["m"], area, fy_now()).value


def test_sc_turnover_counts_leavers_but_not_a_change_of_layer(kpi_world):
    # In post this year: layer 1, layer 2 north, the leaver (south), the mover (north → layer 1).
    assert value("sc_turnover", kpi_world) == pytest.approx(25.0)
    assert value("sc_turnover", kpi_world, kpi_world["areas"]["south"]) == pytest.approx(100.0)
    assert value("sc_turnover", kpi_world, kpi_world["areas"]["north"]) == pytest.approx(0.0)
    leavers = selectors.records(registry.get("sc_turnover"), kpi_world["m"], None, fy_now())[0]
    assert list(leavers) == [kpi_world["staff"]["leaver"]]


def test_sc_turnover_ignores_departures_of_other_years(kpi_world):
    coordinator(kpi_world["m"], Role.COORDINATOR_L1, ended=at(in_year(0)) - dt.timedelta(days=30))
    assert value("sc_turnover", kpi_world) == pytest.approx(25.0)


def test_helpers_share_of_residents_aged_65_plus(kpi_world):
    assert value("helpers_share_65", kpi_world) == pytest.approx(1.0)  # 10 of 1,000
    north = kpi_world["areas"]["north"]
    assert value("helpers_share_65", kpi_world, north) == pytest.approx(100 * 6 / 600)


def test_a_suspended_helper_does_not_count(kpi_world):
    from sasaeai.helpers.models import HelperProfile

    HelperProfile.objects.filter(municipality=kpi_world["m"]).order_by("pk").filter(
        pk=HelperProfile.objects.filter(municipality=kpi_world["m"]).order_by("pk").first().pk
    ).update(suspended_at=timezone.now())
    assert value("helpers_share_65", kpi_world) == pytest.approx(0.9)


def test_new_helpers_under_65(kpi_world):
    assert value("new_helpers_under_65", kpi_world) == pytest.approx(50.0)


def test_participation_adds_helpers_and_people_served(kpi_world):
    assert value("participation_share_65", kpi_world) == pytest.approx(2.0)  # (10 + 10) / 1,000


def test_a_cancelled_booking_serves_nobody(kpi_world):
    from sasaeai.requests.models import Booking

    Booking.objects.filter(municipality=kpi_world["m"]).update(status="cancelled")
    assert value("participation_share_65", kpi_world) == pytest.approx(1.0)


def test_support_map_freshness_counts_verifications_of_the_last_six_months(kpi_world):
    assert value("support_map_fresh", kpi_world) == pytest.approx(50.0)


def test_sc_satisfaction_is_the_average_answer(kpi_world):
    assert value("sc_satisfaction", kpi_world) == pytest.approx(4.5)


def test_sc_satisfaction_is_not_shown_below_three_answers(db):
    world = build_world(2)
    assert value("sc_satisfaction", world) is None
    assert ScSurveyAnswer.objects.filter(survey__municipality=world["m"]).count() == 2


def test_an_indicator_without_a_source_has_no_value_rather_than_zero(kpi_world, waiting_key):
    m = selectors.measure(registry.get(waiting_key), kpi_world["m"], None, fy_now())
    assert m.value is None and m.met is None and not m.available


def test_a_target_of_the_municipality_replaces_the_default(kpi_world, make_user):
    from sasaeai.kpis import services

    admin = make_user(Role.MUNICIPAL_ADMIN, kpi_world["m"])
    services.target_set(municipality=kpi_world["m"], key="helpers_share_65", fiscal_year=fy_now(), target="1", by=admin)
    m = selectors.measure(registry.get("helpers_share_65"), kpi_world["m"], None, fy_now(),
                          selectors.targets_for(kpi_world["m"], fy_now()))
    assert m.target == 1.0 and m.met is True
