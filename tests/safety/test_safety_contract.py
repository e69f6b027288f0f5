"""The contract other apps build on: consent checks and the append-only access log."""

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from sasaeai.residents.models import Resident
from sasaeai.safety.audit import record_access, truncate_ip
from sasaeai.safety.consent import (
    Purpose,
    give,
    has_consent,
    require_consent,
    with_consent,
    withdraw,
)
from sasaeai.safety.models import AccessLog, ConsentEvent
from sasaeai.tenancy.models import Role


@pytest.fixture
def setup(make_municipality, make_user, make_resident, make_proxy):
    town = make_municipality()
    resident = make_resident(town)
    proxy = make_user(Role.PROXY, town)
    make_proxy(resident, proxy, relation="child")
    coordinator = make_user(Role.COORDINATOR_L1, town)
    return town, resident, proxy, coordinator


def test_no_decision_means_no_consent(setup):
    _, resident, _, _ = setup
    assert not has_consent(resident, Purpose.MATCHING)
    with pytest.raises(ValidationError) as err:
        require_consent(resident, Purpose.MATCHING)
    assert err.value.code == "no_consent"


def test_give_then_withdraw_is_effective_at_once(setup):
    _, resident, proxy, _ = setup
    event = give(resident, Purpose.MATCHING, by=proxy)
    assert event.giver_kind == "proxy" and event.proxy_relation == "child"
    assert has_consent(resident, Purpose.MATCHING)
    assert not has_consent(resident, Purpose.STATISTICS)
    assert list(with_consent(Resident.objects.all(), Purpose.MATCHING)) == [resident]
    withdraw(resident, Purpose.MATCHING, by=proxy)
    assert not has_consent(resident, Purpose.MATCHING)
    assert list(with_consent(Resident.objects.all(), Purpose.MATCHING)) == []
    assert ConsentEvent.objects.filter(resident=resident).count() == 2


def test_coordinator_recording_a_proxy_decision_needs_the_relation(setup):
    _, resident, _, coordinator = setup
    with pytest.raises(ValidationError) as err:
        give(resident, Purpose.MATCHING, by=coordinator, giver_kind="proxy", basis="written")
    assert err.value.code == "relation_required"
    give(resident, Purpose.MATCHING, by=coordinator, giver_kind="proxy", proxy_relation="spouse", basis="written")
    assert has_consent(resident, Purpose.MATCHING)


def test_access_log_is_append_only(setup):
    _, resident, _, coordinator = setup
    request = RequestFactory().get("/x", REMOTE_ADDR="203.0.113.77")
    request.user = coordinator
    entry = record_access(request, resident, ["phone", "address"], "care_coordination")
    assert entry.fields == ["address", "phone"] and entry.ip_prefix == "203.0.113.0/24"
    assert entry.actor_id == coordinator.pk and "coordinator_l1" in entry.actor_roles
    entry.purpose = "changed"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AccessLog.objects.filter(pk=entry.pk).update(purpose="x")
    with pytest.raises(PermissionError):
        AccessLog.objects.all().delete()
    assert AccessLog.objects.get(pk=entry.pk).purpose == "care_coordination"


def test_ip_truncation():
    assert truncate_ip("2001:db8:1234:5678::1") == "2001:db8:1234::/48"
    assert truncate_ip("not an ip") == ""
    assert truncate_ip(None) == ""


def test_with_consent_filters_by_each_residents_latest_decision(setup, make_resident):
    town, first, proxy, coordinator = setup
    others = [make_resident(town) for _ in range(3)]
    give(others[1], Purpose.MATCHING, by=coordinator, giver_kind="self", basis="written")
    give(others[2], Purpose.MATCHING, by=coordinator, giver_kind="self", basis="written")
    withdraw(others[2], Purpose.MATCHING, by=coordinator, giver_kind="self", basis="written")
    give(others[0], Purpose.STATISTICS, by=coordinator, giver_kind="self", basis="written")
    assert list(with_consent(Resident.objects.order_by("pk"), Purpose.MATCHING)) == [others[1]]
    from sasaeai.safety.models import ConsentEvent as CE

    rows = CE.objects.filter(purpose="statistics")
    assert list(with_consent(rows, Purpose.STATISTICS, resident_field="resident_id")) == list(rows)
