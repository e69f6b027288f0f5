"""Incidents with severity, follow-up and insurance; community standards; data-subject
export and anonymisation with ledgers and audit logs intact."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sasaeai.notifications.models import Notification
from sasaeai.safety import incidents, subject, vetting
from sasaeai.safety.consent import Purpose, give, has_consent
from sasaeai.safety.models import (
    AccessLog,
    AuditEvent,
    ConsentEvent,
    EmergencyPlan,
    InsurancePolicy,
)
from sasaeai.tenancy.models import Role


@pytest.fixture
def scene(make_municipality, make_user, make_resident, make_proxy, make_helper, make_booking):
    town = make_municipality()
    resident = make_resident(town)
    proxy = make_user(Role.PROXY, town)
    make_proxy(resident, proxy)
    helper = make_helper(town)
    booking = make_booking(resident, helper, timezone.now() - dt.timedelta(minutes=30), status="in_progress",
                           checked_in_at=timezone.now() - dt.timedelta(minutes=30))
    policy = InsurancePolicy.objects.create(municipality=town, name="ボランティア活動保険", insurer="A損保",
                                            valid_from=dt.date(2020, 4, 1))
    return dict(town=town, resident=resident, proxy=proxy, helper=helper, booking=booking, policy=policy,
                sc2=make_user(Role.COORDINATOR_L2, town, areas=[resident.area]),
                centre=make_user(Role.SUPPORT_CENTER, town, areas=[resident.area]),
                admin=make_user(Role.MUNICIPAL_ADMIN, town), other=make_user(Role.MUNICIPAL_ADMIN, make_municipality()))


def test_incident_report_applies_policy_and_escalates_abuse_concerns(scene):
    s = scene
    incident = incidents.report(by=s["helper"].user, booking=s["booking"], kind="abuse_concern", severity="medium",
                                occurred_at=timezone.now(), description="腕にあざがあり、家族に怒鳴られたと話した")
    assert incident.insurance_policy == s["policy"] and incident.helper == s["helper"]
    assert Notification.objects.filter(user=s["centre"], kind="safety.incident").exists()  # always for abuse
    assert Notification.objects.filter(user=s["sc2"], kind="safety.incident").exists()
    low = incidents.report(by=s["helper"].user, booking=s["booking"], kind="property_damage", severity="low",
                           occurred_at=timezone.now(), description="コップを割った")
    assert Notification.objects.filter(user=s["centre"], kind="safety.incident").count() == 1  # not for low damage
    assert low.status == "reported"


def test_follow_up_workflow(scene, client_for):
    s = scene
    incident = incidents.report(by=s["helper"].user, booking=s["booking"], kind="fall", severity="high",
                                occurred_at=timezone.now(), description="玄関で転倒、腰を打った")
    with pytest.raises(PermissionDenied):
        incidents.follow_up(incident, by=s["helper"].user, status="closed", note="大丈夫")
    incidents.follow_up(incident, by=s["sc2"], status="investigating", note="家族と本人に聞き取り")
    incidents.follow_up(incident, by=s["sc2"], status="action_taken", note="手すり設置を提案", policy_id=s["policy"].pk)
    incidents.follow_up(incident, by=s["sc2"], status="closed", note="保険請求不要と確認")
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.closed_at is not None
    assert [u.status for u in incident.updates.all()] == ["reported", "investigating", "action_taken", "closed"]
    with pytest.raises(ValidationError) as err:
        incidents.follow_up(incident, by=s["sc2"], status="action_taken", note="やり直し")
    assert err.value.error_dict["status"][0].code == "illegal_transition"
    page = client_for(s["sc2"]).get(f"/safety/incidents/{incident.pk}/")
    assert page.status_code == 200 and "ボランティア活動保険" in page.content.decode()
    assert AccessLog.objects.filter(resident_id=s["resident"].pk, purpose="incident").exists()


def test_future_or_empty_reports_are_refused(scene):
    s = scene
    with pytest.raises(ValidationError):
        incidents.report(by=s["sc2"], resident=s["resident"], kind="fall", severity="low",
                         occurred_at=timezone.now() + dt.timedelta(days=1), description="未来の出来事")
    with pytest.raises(ValidationError):
        incidents.report(by=s["sc2"], resident=s["resident"], kind="fall", severity="low",
                         occurred_at=timezone.now(), description="")


def test_standards_agreement_before_first_visit(scene, client_for):
    s = scene
    with pytest.raises(ValidationError) as err:
        vetting.require_agreement(s["helper"], s["resident"])
    assert err.value.code == "standards_not_agreed"
    client = client_for(s["helper"].user)
    url = f"/safety/residents/{s['resident'].pk}/standards/"
    assert client.get(url).status_code == 200
    client.post(url, {"agree": "yes"})
    vetting.require_agreement(s["helper"], s["resident"])
    assert AuditEvent.objects.filter(action="standards.agreed").count() == 1
    # A helper with no booking for this person cannot even open the page.
    from sasaeai.helpers.models import HelperProfile

    stranger = HelperProfile.objects.exclude(pk=s["helper"].pk).first()
    assert stranger is None or client_for(stranger.user).get(url).status_code == 404


def test_subject_export_contains_everything_and_is_logged(scene, client_for):
    s = scene
    give(s["resident"], Purpose.MATCHING, by=s["proxy"])
    client_for(s["sc2"]).get(f"/safety/residents/{s['resident'].pk}/")
    response = client_for(s["admin"]).get(f"/safety/residents/{s['resident'].pk}/export.json")
    assert response.status_code == 200
    data = response.json()
    assert data["resident"]["address"] == s["resident"].address
    assert data["related"]["safety.consentevent"][0]["purpose"] == "matching"
    assert data["related"]["requests.helprequest"][0]["title"] == "買い物"
    assert data["related"]["safety.accesslog"]
    assert AccessLog.objects.filter(purpose="subject_export", channel="export").exists()
    assert AuditEvent.objects.filter(action="subject.exported").exists()
    assert client_for(s["other"]).get(f"/safety/residents/{s['resident'].pk}/export.json").status_code == 404
    assert client_for(s["proxy"]).get(f"/safety/residents/{s['resident'].pk}/export.json").status_code == 403


def test_anonymise_keeps_ledgers_and_logs_consistent(scene, client_for):
    s = scene
    r = s["resident"]
    give(r, Purpose.MATCHING, by=s["proxy"])
    client_for(s["sc2"]).get(f"/safety/residents/{r.pk}/")
    from sasaeai.safety.emergency import save_plan

    save_plan(r, by=s["proxy"], contacts=[{"kind": "family", "name": "山田一郎", "phone": "09012345678"}])
    from sasaeai.requests.models import Booking, HelpRequest

    counts = (Booking.objects.count(), HelpRequest.objects.count(), AccessLog.objects.count())
    address, phone, notes = r.address, r.phone, r.notes
    assert client_for(s["sc2"]).post(f"/safety/residents/{r.pk}/anonymise/", {"confirm": "anonymise"}).status_code == 403
    assert client_for(s["admin"]).post(f"/safety/residents/{r.pk}/anonymise/", {"confirm": "anonymise"}).status_code == 302
    r.refresh_from_db()
    assert (r.family_name, r.address, r.phone, r.notes) == (subject.ANON_NAME, "", "", "")
    assert not EmergencyPlan.objects.filter(resident=r).exists()
    assert not has_consent(r, Purpose.MATCHING)
    assert (Booking.objects.count(), HelpRequest.objects.count()) == counts[:2]
    assert AccessLog.objects.count() >= counts[2]  # nothing removed from the audit trail
    assert ConsentEvent.objects.filter(resident=r, granted=True).exists()  # history kept, superseded
    req = HelpRequest.objects.get(recipient=r)
    assert req.title == "買い物"  # what was done stays; free text about the person is blanked
    dump = str(subject.export_resident(r, by=s["admin"]))
    for value in (address, phone, notes):
        assert value not in dump
