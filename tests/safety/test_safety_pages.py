"""Pages and API of the safety app through HTTP."""

import json

import pytest

from sasaeai.safety.consent import Purpose, give, has_consent
from sasaeai.safety.models import AccessLog, AuditEvent
from sasaeai.tenancy.models import Role


@pytest.fixture
def town(make_municipality, make_user, make_resident, make_proxy):
    a, b = make_municipality(), make_municipality()
    resident = make_resident(a)
    proxy = make_user(Role.PROXY, a)
    make_proxy(resident, proxy, relation="child")
    area2 = a.areas.filter(layer=2).exclude(pk=resident.area_id).first()
    return dict(
        a=a, b=b, resident=resident, proxy=proxy,
        sc2=make_user(Role.COORDINATOR_L2, a, areas=[resident.area]),
        sc2_other_area=make_user(Role.COORDINATOR_L2, a, areas=[area2]),
        coordinator_b=make_user(Role.COORDINATOR_L1, b),
        admin_a=make_user(Role.MUNICIPAL_ADMIN, a),
        operator=make_user(Role.OPERATOR, None),
        helper=make_user(Role.HELPER, a),
    )


def test_staff_reads_record_and_it_is_logged(town, client_for):
    r = town["resident"]
    response = client_for(town["sc2"]).get(f"/safety/residents/{r.pk}/", REMOTE_ADDR="198.51.100.23")
    assert response.status_code == 200
    assert r.address in response.content.decode() and r.phone in response.content.decode()
    entry = AccessLog.objects.get(resident_id=r.pk)
    assert entry.actor_id == town["sc2"].pk and entry.channel == "page"
    assert set(entry.fields) >= {"address", "phone", "care_level", "notes"}
    assert entry.ip_prefix == "198.51.100.0/24" and entry.path == "safety/residents/<int:resident_id>/"


@pytest.mark.parametrize("who", ["sc2_other_area", "coordinator_b", "helper"])
def test_outsiders_get_404_and_no_log(town, client_for, who):
    r = town["resident"]
    assert client_for(town[who]).get(f"/safety/residents/{r.pk}/").status_code == 404
    assert client_for(town[who]).get(f"/api/v1/safety/residents/{r.pk}/record").status_code == 404
    assert not AccessLog.objects.exists()


def test_api_record_is_logged(town, client_for):
    r = town["resident"]
    response = client_for(town["proxy"]).get(f"/api/v1/safety/residents/{r.pk}/record")
    assert response.status_code == 200 and response.json()["address"] == r.address
    entry = AccessLog.objects.get()
    assert entry.channel == "api" and entry.actor_id == town["proxy"].pk and entry.purpose == "own_record"


def test_proxy_gives_and_withdraws_consent_on_the_page(town, client_for):
    r, client = town["resident"], client_for(town["proxy"])
    page = client.get(f"/safety/residents/{r.pk}/consent/")
    assert page.status_code == 200
    assert client.post(f"/safety/residents/{r.pk}/consent/", {"purpose": "matching", "granted": "yes"}).status_code == 302
    assert has_consent(r, Purpose.MATCHING)
    event = r.consent_events.get()
    assert (event.giver_kind, event.proxy_relation, event.basis) == ("proxy", "child", "online")
    client.post(f"/safety/residents/{r.pk}/consent/", {"purpose": "matching", "granted": "no"})
    assert not has_consent(r, Purpose.MATCHING)


def test_coordinator_records_a_written_decision_via_api(town, client_for):
    r = town["resident"]
    client = client_for(town["sc2"])
    response = client.post(f"/api/v1/safety/residents/{r.pk}/consents", json.dumps(
        {"purpose": "share_support_center", "granted": True, "basis": "written", "giver_kind": "proxy",
         "proxy_relation": "spouse"}), content_type="application/json")
    assert response.status_code == 200, response.content
    state = {c["purpose"]: c for c in response.json()}
    assert state["share_support_center"]["granted"] and state["share_support_center"]["proxy_relation"] == "spouse"
    refused = client.post(f"/api/v1/safety/residents/{r.pk}/consents", json.dumps(
        {"purpose": "matching", "granted": True, "basis": "online"}), content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid_basis"


def test_who_looked_at_my_record(town, client_for):
    r = town["resident"]
    client_for(town["sc2"]).get(f"/safety/residents/{r.pk}/")
    page = client_for(town["proxy"]).get(f"/safety/residents/{r.pk}/access-log/")
    assert page.status_code == 200
    assert town["sc2"].display_name in page.content.decode()
    api = client_for(town["proxy"]).get(f"/api/v1/safety/residents/{r.pk}/access-log")
    assert api.status_code == 200 and api.json()["items"][0]["actor_id"] == town["sc2"].pk


def test_operator_and_admin_export_the_log(town, client_for, make_resident):
    r = town["resident"]
    other = make_resident(town["b"])
    client_for(town["sc2"]).get(f"/safety/residents/{r.pk}/")
    client_for(town["coordinator_b"]).get(f"/safety/residents/{other.pk}/")
    data = client_for(town["operator"]).get("/safety/access-log/export.json").json()["entries"]
    assert {e["resident_id"] for e in data} == {r.pk, other.pk}
    csv_body = b"".join(client_for(town["admin_a"]).get("/safety/access-log/export.csv").streaming_content).decode()
    assert csv_body.splitlines()[0].startswith("id,at,actor_id")
    assert len(csv_body.splitlines()) == 2  # only tenant A's entry
    assert client_for(town["sc2"]).get("/safety/access-log/export.csv").status_code == 403
    assert client_for(town["admin_a"]).get("/api/v1/safety/access-log").json()["count"] == 1
    assert AuditEvent.objects.filter(action="access_log.exported").count() == 2


def test_access_log_rows_hold_no_personal_values(town, client_for):
    r = town["resident"]
    client_for(town["sc2"]).get(f"/safety/residents/{r.pk}/")
    dumped = json.dumps(list(AccessLog.objects.values()), default=str)
    for value in (r.family_name, r.address, r.phone, r.notes):
        assert value not in dumped


def test_consent_page_is_not_for_helpers_or_other_tenants(town, client_for):
    r = town["resident"]
    give(r, Purpose.MATCHING, by=town["proxy"])
    assert client_for(town["coordinator_b"]).get(f"/safety/residents/{r.pk}/consent/").status_code == 404
    assert client_for(town["helper"]).post(f"/api/v1/safety/residents/{r.pk}/consents", json.dumps(
        {"purpose": "matching", "granted": False}), content_type="application/json").status_code == 404
    assert has_consent(r, Purpose.MATCHING)


def test_home_shows_safety_panels_and_nav(town, client_for):
    staff_home = client_for(town["sc2"]).get("/")
    assert staff_home.status_code == 200 and "/safety/" in staff_home.content.decode()
    family_home = client_for(town["proxy"]).get("/")
    assert f"/safety/residents/{town['resident'].pk}/consent/" in family_home.content.decode()
    assert "/safety/my-records/" in family_home.content.decode()


def test_helper_on_a_visit_gets_the_emergency_button_and_standards_prompt(town, client_for, make_helper,
                                                                         make_booking):
    import datetime as dt

    from django.utils import timezone

    helper = make_helper(town["a"], user=town["helper"])
    r = town["resident"]
    make_booking(r, helper, timezone.now() - dt.timedelta(minutes=5), status="in_progress",
                 checked_in_at=timezone.now() - dt.timedelta(minutes=5))
    client = client_for(town["helper"])
    home = client.get("/").content.decode()
    assert f"/safety/residents/{r.pk}/emergency/" in home
    record = client.get(f"/safety/residents/{r.pk}/").content.decode()
    assert f"/safety/residents/{r.pk}/standards/" in record
    client.post(f"/safety/residents/{r.pk}/standards/", {"agree": "yes"})
    assert f"/safety/residents/{r.pk}/standards/" not in client.get(f"/safety/residents/{r.pk}/").content.decode()
