"""Check-in / check-out alerts (15 min after start, 30 min after planned end)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from sasaeai.notifications.models import Notification
from sasaeai.safety.models import VisitAlert
from sasaeai.safety.monitoring import scan_visits
from sasaeai.tenancy.models import Role

START = datetime(2026, 11, 26, 14, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


@pytest.fixture
def scene(make_municipality, make_user, make_resident, make_helper, make_booking):
    town = make_municipality()
    resident = make_resident(town)
    helper = make_helper(town)
    sc2 = make_user(Role.COORDINATOR_L2, town, areas=[resident.area])
    sc1 = make_user(Role.COORDINATOR_L1, town)
    other = make_user(Role.COORDINATOR_L2, town, areas=[town.areas.filter(layer=2).exclude(pk=resident.area_id)[0]])
    with time_machine.travel(START - timedelta(days=1), tick=False):
        booking = make_booking(resident, helper, START, minutes=60)
    return dict(town=town, booking=booking, sc2=sc2, sc1=sc1, other=other)


def _alerts(user, kind):
    return Notification.objects.filter(user=user, kind=f"safety.visit_{kind}").count()


def test_no_check_in_alert_after_15_minutes(scene):
    with time_machine.travel(START + timedelta(minutes=14, seconds=59), tick=False):
        assert scan_visits()["no_check_in"] == 0
    with time_machine.travel(START + timedelta(minutes=15), tick=False):
        call_command("run_monitors")
        call_command("run_monitors")  # idempotent
    assert VisitAlert.objects.filter(booking=scene["booking"], kind="no_check_in").count() == 1
    assert _alerts(scene["sc2"], "no_check_in") == 1 and _alerts(scene["sc1"], "no_check_in") == 1
    assert _alerts(scene["other"], "no_check_in") == 0


def test_checked_in_on_time_means_no_alert_until_checkout_is_late(scene):
    booking = scene["booking"]
    booking.checked_in_at = START + timedelta(minutes=2)
    booking.status = "in_progress"
    booking.save()
    with time_machine.travel(START + timedelta(minutes=60 + 29), tick=False):
        assert scan_visits() == {"no_check_in": 0, "no_check_out": 0}
    with time_machine.travel(START + timedelta(minutes=60 + 30), tick=False):
        assert scan_visits() == {"no_check_in": 0, "no_check_out": 1}
    assert _alerts(scene["sc2"], "no_check_out") == 1


def test_checked_out_visit_raises_nothing(scene):
    booking = scene["booking"]
    booking.checked_in_at = START
    booking.checked_out_at = START + timedelta(minutes=55)
    booking.status = "completed"
    booking.save()
    with time_machine.travel(START + timedelta(hours=3), tick=False):
        assert scan_visits() == {"no_check_in": 0, "no_check_out": 0}


def test_grace_is_configurable_per_municipality(scene):
    from sasaeai.safety.emergency import rules_for

    rules = rules_for(scene["town"].pk)
    rules.check_in_grace_minutes = 5
    rules.save()
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        assert scan_visits()["no_check_in"] == 1
