"""Emergency button and escalation timing with a controllable clock (time-machine)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from sasaeai.notifications.models import Notification
from sasaeai.safety import emergency
from sasaeai.safety.models import AlertStatus, AlertStep
from sasaeai.tenancy.models import Role

T0 = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


@pytest.fixture
def scene(make_municipality, make_user, make_resident, make_helper, make_booking):
    town = make_municipality()
    resident = make_resident(town)
    helper = make_helper(town)
    daughter = make_user(Role.PROXY, town)
    son = make_user(Role.PROXY, town)
    sc2 = make_user(Role.COORDINATOR_L2, town, areas=[resident.area])
    centre = make_user(Role.SUPPORT_CENTER, town, areas=[resident.area])
    other_area_sc = make_user(Role.COORDINATOR_L2, town,
                              areas=[town.areas.filter(layer=2).exclude(pk=resident.area_id).first()])
    with time_machine.travel(T0 - timedelta(minutes=30), tick=False):
        booking = make_booking(resident, helper, T0 - timedelta(minutes=20), status="in_progress",
                               checked_in_at=T0 - timedelta(minutes=20))
        emergency.save_plan(resident, by=sc2, notes="心房細動の薬", contacts=[
            {"kind": "family", "name": "山田一郎", "relation": "長女", "phone": "09011112222", "user_id": daughter.pk},
            {"kind": "family", "name": "山田次郎", "relation": "長男", "phone": "09033334444", "user_id": son.pk},
            {"kind": "doctor", "name": "本町クリニック", "phone": "0425550000"},
        ])
    return dict(town=town, resident=resident, helper=helper, daughter=daughter, son=son, sc2=sc2, centre=centre,
                other_area_sc=other_area_sc, booking=booking)


def _kinds(user):
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


def test_escalation_walks_the_chain_on_the_clock(scene):
    s = scene
    with time_machine.travel(T0, tick=False):
        alert = emergency.raise_alert(by=s["helper"].user, resident=s["resident"], called_119=True)
    assert alert.booking_id == s["booking"].pk and alert.ack_timeout_minutes == 10
    assert _kinds(s["daughter"]) == ["safety.emergency"]
    assert _kinds(s["son"]) == []
    assert _kinds(s["sc2"]) == ["safety.emergency_informed"]  # informed at once (rule set default)
    assert _kinds(s["other_area_sc"]) == []

    with time_machine.travel(T0 + timedelta(minutes=9, seconds=59), tick=False):
        call_command("run_monitors")
    assert _kinds(s["son"]) == []  # not yet due

    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        call_command("run_monitors")
    assert _kinds(s["son"]) == ["safety.emergency"]
    step1 = alert.steps.get(order=1)
    assert step1.escalated_at == T0 + timedelta(minutes=10)

    # The doctor has no account: the step is phone-only; after its timeout the fallback is called.
    with time_machine.travel(T0 + timedelta(minutes=20), tick=False):
        call_command("run_monitors")
    doctor = alert.steps.get(order=3)
    assert doctor.notified_at == T0 + timedelta(minutes=20) and doctor.user_id is None
    assert _kinds(s["centre"]) == []
    with time_machine.travel(T0 + timedelta(minutes=30), tick=False):
        call_command("run_monitors")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.EXHAUSTED
    assert _kinds(s["centre"]) == ["safety.emergency"]
    assert alert.steps.filter(kind=AlertStep.Kind.FALLBACK, user=s["centre"]).exists()


def test_acknowledgement_stops_the_chain(scene):
    s = scene
    with time_machine.travel(T0, tick=False):
        alert = emergency.raise_alert(by=s["helper"].user, resident=s["resident"])
    with time_machine.travel(T0 + timedelta(minutes=4), tick=False):
        emergency.acknowledge(alert, by=s["daughter"])
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        call_command("run_monitors")
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    assert alert.acknowledged_at == T0 + timedelta(minutes=4)
    assert alert.steps.get(order=1).acknowledged_by == s["daughter"]
    assert _kinds(s["son"]) == [] and _kinds(s["centre"]) == []


def test_late_monitor_run_catches_up_step_by_step(scene):
    s = scene
    with time_machine.travel(T0, tick=False):
        alert = emergency.raise_alert(by=s["helper"].user, resident=s["resident"])
    with time_machine.travel(T0 + timedelta(minutes=45), tick=False):
        assert emergency.run_escalations() == 1  # step 1 escalated; step 2 starts its own 10 minutes now
    assert alert.steps.get(order=2).due_at == T0 + timedelta(minutes=55)


def test_configurable_timeout(scene):
    s = scene
    emergency.update_rules(s["town"].pk, by=_admin(s), ack_timeout_minutes=3)
    with time_machine.travel(T0, tick=False):
        emergency.raise_alert(by=s["helper"].user, resident=s["resident"])
    with time_machine.travel(T0 + timedelta(minutes=3), tick=False):
        call_command("run_monitors")
    assert _kinds(s["son"]) == ["safety.emergency"]


def test_unrelated_helper_cannot_raise(scene, make_helper):
    from django.core.exceptions import PermissionDenied

    other = make_helper(scene["town"])
    with pytest.raises(PermissionDenied):
        emergency.raise_alert(by=other.user, resident=scene["resident"])


def _admin(s):
    from sasaeai.accounts.models import User
    from sasaeai.tenancy import services as tenancy

    user = User.objects.create_user(email="admin-esc@example.test", password="x" * 12, display_name="admin")
    tenancy.create_membership(user=user, municipality=s["town"], role=Role.MUNICIPAL_ADMIN, areas=())
    return user
