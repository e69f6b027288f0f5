"""Issue 5 acceptance: consent withdrawal stops matching and sharing at once; suspension
removes a helper from candidates and from data access at once."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from sasaeai.helpers.selectors import matchable_profiles
from sasaeai.requests.models import HelpRequest, Offer
from sasaeai.safety import vetting
from sasaeai.safety.consent import Purpose, give, withdraw
from sasaeai.safety.models import AccessLog, AuditEvent
from sasaeai.tenancy.models import Role


@pytest.fixture
def scene(make_municipality, make_user, make_resident, make_proxy, make_helper, make_booking):
    town = make_municipality()
    resident = make_resident(town)
    proxy = make_user(Role.PROXY, town)
    make_proxy(resident, proxy)
    helper = make_helper(town, radius_km=10, skills=["housework"])
    sc2 = make_user(Role.COORDINATOR_L2, town, areas=[resident.area])
    centre = make_user(Role.SUPPORT_CENTER, town, areas=[resident.area])
    give(resident, Purpose.MATCHING, by=proxy)
    give(resident, Purpose.SHARE_SUPPORT_CENTER, by=proxy)
    from sasaeai.helpers.models import AvailabilityRule

    for weekday in range(7):
        AvailabilityRule.objects.create(profile=helper, weekday=weekday, start_time=dt.time(0, 0),
                                        end_time=dt.time(23, 59))
    start = (timezone.now() + dt.timedelta(days=2)).replace(hour=1, minute=0, second=0, microsecond=0)
    req = HelpRequest.objects.create(municipality=town, area=resident.area, recipient=resident, created_by=proxy,
                                     entered_by="proxy", category="housework", title="掃除", starts_at=start,
                                     duration_minutes=60, status="open")
    return dict(town=town, resident=resident, proxy=proxy, helper=helper, sc2=sc2, centre=centre, req=req,
                make_booking=make_booking)


def _post(client, url, payload):
    return client.post(url, json.dumps(payload), content_type="application/json")


def test_withdrawing_matching_consent_stops_offers_at_once(scene, client_for):
    s = scene
    coordinator = client_for(s["sc2"])
    url = f"/api/v1/requests/{s['req'].pk}/offers"
    assert coordinator.get(f"/api/v1/requests/{s['req'].pk}/candidates").status_code == 200
    # The proxy withdraws on the consent page; the very next offer is refused.
    client_for(s["proxy"]).post(f"/safety/residents/{s['resident'].pk}/consent/",
                                {"purpose": "matching", "granted": "no"})
    refused = _post(coordinator, url, {"helper_ids": [s["helper"].pk]})
    assert refused.status_code == 400 and refused.json()["code"] == "no_consent"
    assert coordinator.get(f"/api/v1/requests/{s['req'].pk}/candidates").json()["code"] == "no_consent"
    assert not Offer.objects.exists()
    # Consent given again: offers work.
    give(s["resident"], Purpose.MATCHING, by=s["proxy"])
    assert _post(coordinator, url, {"helper_ids": [s["helper"].pk]}).status_code == 201


def test_withdrawal_between_offer_and_acceptance_blocks_the_booking(scene, client_for):
    s = scene
    created = _post(client_for(s["sc2"]), f"/api/v1/requests/{s['req'].pk}/offers", {"helper_ids": [s["helper"].pk]})
    offer_id = created.json()[0]["id"]
    withdraw(s["resident"], Purpose.MATCHING, by=s["proxy"])
    accepted = client_for(s["helper"].user).post(f"/api/v1/offers/{offer_id}/accept", "{}",
                                                  content_type="application/json")
    assert accepted.status_code == 400 and accepted.json()["code"] == "no_consent"


def test_withdrawing_sharing_consent_closes_the_record_to_the_support_centre(scene, client_for):
    s = scene
    centre = client_for(s["centre"])
    url = f"/safety/residents/{s['resident'].pk}/"
    assert centre.get(url).status_code == 200
    assert centre.get(f"/api/v1/safety/residents/{s['resident'].pk}/record").status_code == 200
    withdraw(s["resident"], Purpose.SHARE_SUPPORT_CENTER, by=s["proxy"])
    before = AccessLog.objects.count()
    assert centre.get(url).status_code == 404
    assert centre.get(f"/api/v1/safety/residents/{s['resident'].pk}/record").status_code == 404
    assert AccessLog.objects.count() == before  # nothing was shown
    # Coordinators keep their statutory access.
    assert client_for(s["sc2"]).get(url).status_code == 200


def test_suspension_removes_helper_from_candidates_and_data_at_once(scene, client_for):
    s = scene
    helper, resident = s["helper"], s["resident"]
    booking = s["make_booking"](resident, helper, timezone.now() - dt.timedelta(minutes=5))
    helper_client = client_for(helper.user)
    assert helper_client.get(f"/safety/residents/{resident.pk}/").status_code == 200
    assert helper_client.get(f"/api/v1/safety/residents/{resident.pk}/record").status_code == 200
    candidates = client_for(s["sc2"]).get(f"/api/v1/requests/{s['req'].pk}/candidates").json()["candidates"]
    assert helper.pk in [c["helper_id"] for c in candidates]

    vetting.suspend(helper, by=s["sc2"], reason="利用者からの苦情を調査中")

    assert helper.pk not in matchable_profiles(s["town"].pk).values_list("pk", flat=True)
    candidates = client_for(s["sc2"]).get(f"/api/v1/requests/{s['req'].pk}/candidates").json()["candidates"]
    assert helper.pk not in [c["helper_id"] for c in candidates]
    offered = _post(client_for(s["sc2"]), f"/api/v1/requests/{s['req'].pk}/offers", {"helper_ids": [helper.pk]})
    assert offered.status_code in (400, 404)
    assert helper_client.get(f"/safety/residents/{resident.pk}/").status_code == 404
    assert helper_client.get(f"/api/v1/safety/residents/{resident.pk}/record").status_code == 404
    assert helper_client.get(f"/api/v1/safety/residents/{resident.pk}/emergency-plan").status_code == 404
    booking_view = helper_client.get(f"/api/v1/bookings/{booking.pk}")
    assert resident.address not in booking_view.content.decode()
    assert resident.phone not in booking_view.content.decode()
    assert AuditEvent.objects.filter(action="helper.suspended", target_id=helper.pk).exists()

    vetting.reinstate(helper, by=s["sc2"], reason="調査の結果、問題なし")
    audit_page = client_for(s["sc2"]).get("/safety/vetting/").content.decode()
    assert "利用者からの苦情を調査中" in audit_page and "調査の結果、問題なし" in audit_page
    assert helper_client.get(f"/safety/residents/{resident.pk}/").status_code == 200
