"""Logging time: the rules of `entry_create` and its refusals (bad input: nothing written)."""

import pytest
from django.core.exceptions import ValidationError

from sasaeai.activity import services
from sasaeai.activity.models import ActivityEntry, Function

from .conftest import days_ago, help_request, published_service, today

pytestmark = pytest.mark.django_db


def codes(exc: ValidationError) -> set[str]:
    return {e.code for e in exc.error_list} if not hasattr(exc, "error_dict") else {
        e.code for errs in exc.error_dict.values() for e in errs}


def log(town, by=None, **kw):
    data = dict(by=by or town.sc_north, area=town.north, date=today(), minutes=60, function=Function.MATCHING)
    data.update(kw)
    return services.entry_create(**data)


def refused(code, fn):
    before = ActivityEntry.objects.count()
    with pytest.raises(ValidationError) as info:
        fn()
    assert code in codes(info.value)
    assert ActivityEntry.objects.count() == before
    return info.value


def test_a_coordinator_logs_time_in_their_area(town):
    entry = log(town, minutes=90, function=Function.NETWORK_BUILDING, note="町会長と顔合わせ")
    assert entry.municipality_id == town.municipality.pk and entry.area == town.north
    assert entry.recorded_by == town.sc_north and entry.is_coordination


def test_a_layer1_coordinator_logs_time_for_the_whole_municipality(town):
    assert log(town, by=town.sc1, area=town.layer1).area == town.layer1
    assert log(town, by=town.sc1, area=town.south).area == town.south


def test_it_refuses_25_hours_in_a_day(town):
    log(town, minutes=600)
    log(town, minutes=600, function=Function.ADMINISTRATION)
    exc = refused("day_over_24_hours", lambda: log(town, minutes=300))
    assert "24" in " ".join(exc.messages)
    # Another day is a fresh 24 hours.
    log(town, minutes=300, date=days_ago(1))


def test_it_refuses_one_entry_longer_than_a_day(town):
    refused("minutes_over_day", lambda: log(town, minutes=25 * 60))


@pytest.mark.parametrize("minutes", [0, -30])
def test_it_refuses_zero_or_negative_minutes(town, minutes):
    refused("minutes_not_positive", lambda: log(town, minutes=minutes))


def test_it_refuses_a_future_date(town):
    refused("date_in_future", lambda: log(town, date=days_ago(-1)))


def test_it_refuses_a_date_long_ago(town):
    refused("date_too_old", lambda: log(town, date=days_ago(500)))


def test_it_refuses_another_municipalitys_area(town):
    refused("area_not_covered", lambda: log(town, area=town.other_area))


def test_it_refuses_an_area_the_coordinator_does_not_cover(town):
    refused("area_not_covered", lambda: log(town, area=town.south))
    refused("area_not_covered", lambda: log(town, area=town.layer1))


def test_only_coordinators_log_time(town):
    refused("area_not_covered", lambda: log(town, by=town.admin))
    refused("area_not_covered", lambda: log(town, by=town.center))


def test_it_refuses_an_unknown_function(town):
    refused("function_unknown", lambda: log(town, function="gardening"))


def test_it_links_to_a_directory_resource(town):
    service = published_service(town.municipality, town.north)
    entry = log(town, link_kind="directory.service", link_id=service.pk)
    entry.refresh_from_db()
    assert entry.link == service


def test_it_links_to_a_help_request(town):
    req = help_request(town.municipality, town.north)
    entry = log(town, link_kind="requests.helprequest", link_id=req.pk)
    assert ActivityEntry.objects.get(pk=entry.pk).link == req


def test_it_refuses_a_link_to_another_municipalitys_record(town):
    foreign = published_service(town.other, town.other_area)
    refused("link_not_found", lambda: log(town, link_kind="directory.service", link_id=foreign.pk))
    req = help_request(town.other, town.other_area)
    refused("link_not_found", lambda: log(town, link_kind="requests.helprequest", link_id=req.pk))


def test_it_refuses_a_missing_or_half_link(town):
    refused("link_not_found", lambda: log(town, link_kind="directory.service", link_id=10**9))
    refused("link_incomplete", lambda: log(town, link_kind="directory.service", link_id=None))
    refused("link_incomplete", lambda: log(town, link_kind=None, link_id=3))
    refused("link_kind_unknown", lambda: log(town, link_kind="accounts.user", link_id=town.sc_north.pk))


def test_the_database_refuses_an_entry_out_of_range(town):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityEntry.objects.create(municipality=town.municipality, area=town.north, date=today(), minutes=0,
                                     function=Function.MATCHING, recorded_by=town.sc_north)


def test_a_coordinator_removes_only_their_own_entry(town):
    mine = log(town)
    theirs = log(town, by=town.sc_south, area=town.south)
    refused("not_own_entry", lambda: services.entry_delete(by=town.sc_north, entry=theirs))
    services.entry_delete(by=town.sc_north, entry=mine)
    assert not ActivityEntry.objects.filter(pk=mine.pk).exists()
