"""Nothing sensitive in logs: capture every log record (DEBUG and up, before any handler
filter) during the main journeys and look for the residents' and users' personal data."""

import datetime as dt
import json
import logging

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from sasaeai.residents.models import Proxy, Resident
from sasaeai.safety.redaction import RedactPersonalData, redact
from sasaeai.tenancy.models import Role

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def people(make_municipality, make_user):
    town = make_municipality()
    area = town.areas.filter(layer=2).first()
    proxy = make_user(Role.PROXY, town, email="hanako.daughter@example.test", display_name="佐藤良子",
                      phone="090-8765-4321")
    resident = Resident.objects.create(
        municipality=town, area=area, family_name="佐藤", given_name="ハナ", family_name_kana="さとう",
        given_name_kana="はな", birth_date=dt.date(1936, 2, 2), address="東京都八王子市元本郷町3-24-1",
        postal_code="192-0051", phone="042-626-3111", lat=35.66, lon=139.32, h3_cell="x", care_level="care_2",
        notes="認知症。鍵は郵便受けの中")
    Proxy.objects.create(resident=resident, user=proxy, relation="child", confirmed=True)
    helper_user = make_user(Role.HELPER, town, email="helper.taro@example.test", display_name="鈴木太郎")
    sc = make_user(Role.COORDINATOR_L2, town, areas=[area], email="sc.kato@example.test", display_name="加藤")
    sc1 = make_user(Role.COORDINATOR_L1, town, email="sc1.ito@example.test", display_name="伊藤")
    return dict(town=town, resident=resident, proxy=proxy, helper_user=helper_user, sc=sc, sc1=sc1)


SECRETS = ("佐藤", "ハナ", "元本郷町", "八王子市元本郷", "3-24-1", "192-0051", "042-626-3111", "0426263111",
           "認知症", "郵便受け", "hanako.daughter", "090-8765-4321", "09087654321", "helper.taro", "鈴木太郎",
           "sc.kato", "correct-horse")


def _json(client, url, payload, method="post"):
    return getattr(client, method)(url, json.dumps(payload), content_type="application/json")


@override_settings(TASKS=IMMEDIATE, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_main_journeys_log_no_personal_data(people, client_for, make_user, caplog):
    from sasaeai.helpers.models import HelperProfile, IdentityStatus
    from sasaeai.safety import emergency

    p = people
    caplog.set_level(logging.DEBUG)
    r = p["resident"]
    anonymous = Client()
    # Log-in: a wrong password, then the right one (throttle path and success path).
    anonymous.post("/accounts/login/", {"login": "hanako.daughter@example.test", "password": "wrong-password-1"})
    anonymous.post("/accounts/login/", {"login": "090-8765-4321", "password": "wrong-password-1"})
    assert Client().post("/accounts/login/", {"login": "hanako.daughter@example.test",
                                              "password": "correct-horse-battery-staple"}).status_code == 302
    proxy, sc, sc1 = client_for(p["proxy"]), client_for(p["sc"]), client_for(p["sc1"])
    # Consent, record reads, plan, access log.
    proxy.post(f"/safety/residents/{r.pk}/consent/", {"purpose": "matching", "granted": "yes"})
    sc.get(f"/safety/residents/{r.pk}/")
    _json(proxy, f"/api/v1/safety/residents/{r.pk}/emergency-plan", {"contacts": [
        {"kind": "family", "name": "佐藤良子", "phone": "090-8765-4321", "user_id": p["proxy"].pk}]}, "put")
    proxy.get(f"/safety/residents/{r.pk}/access-log/")
    # A help request through the API, offered to a helper who accepts and checks in.
    profile = HelperProfile.objects.create(user=p["helper_user"], municipality=p["town"], home_lat=35.66,
                                           home_lon=139.32, identity_status=IdentityStatus.VERIFIED,
                                           identity_verified_at=timezone.now(), skills=["housework"], radius_km=10)
    start = (timezone.now() + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    created = _json(proxy, "/api/v1/requests", {
        "recipient_id": r.pk, "category": "housework", "starts_at": start.isoformat(), "duration_minutes": 60,
        "title": "買い物", "notes": "認知症。鍵は郵便受けの中", "key_box": "1234"})
    assert created.status_code == 201, created.content
    req_id = created.json()["id"]
    if created.json()["status"] == "draft":
        _json(proxy, f"/api/v1/requests/{req_id}/publish", {})
    assert sc.get(f"/api/v1/requests/{req_id}").status_code == 200
    offers = _json(sc, f"/api/v1/requests/{req_id}/offers", {"helper_ids": [profile.pk]})
    assert offers.status_code == 201, offers.content
    helper = client_for(p["helper_user"])
    assert _json(helper, f"/api/v1/offers/{offers.json()[0]['id']}/accept", {}).status_code in (200, 201)
    assert helper.get(f"/api/v1/requests/{req_id}").status_code == 200
    # The emergency button and escalation; an incident; visit monitoring.
    with time_machine.travel(timezone.now(), tick=False):
        alert = emergency.raise_alert(by=p["sc"], resident=r, called_119=True)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=30), tick=False):
        call_command("run_monitors")
    sc.get(f"/safety/emergencies/{alert.pk}/")
    _json(sc, "/api/v1/safety/incidents", {"resident_id": r.pk, "kind": "fall", "severity": "high",
                                           "occurred_at": timezone.now().isoformat(),
                                           "description": "佐藤ハナさんが玄関で転倒"})
    # Recovery and a data-subject export.
    code = _json(sc1, "/api/v1/safety/recovery/codes", {"user_id": p["proxy"].pk, "identity_check": "in_person_id"})
    assert code.status_code == 201, code.content
    _json(anonymous, "/api/v1/safety/recovery/redeem", {"login": "090-8765-4321", "code": "WRONG-CODE",
                                                        "new_password": "x"})
    assert _json(anonymous, "/api/v1/safety/recovery/redeem", {"login": "hanako.daughter@example.test",
                                                            "code": code.json()["code"],
                                                            "new_password": "a-new-long-passphrase"}).status_code == 200
    assert sc1.get(f"/safety/residents/{r.pk}/export.json").status_code == 200
    # Errors: not found, invalid input.
    sc.get("/safety/residents/999999/")
    _json(sc, f"/api/v1/safety/residents/{r.pk}/consents", {"purpose": "nope"})

    logged = "\n".join(
        f"{rec.name} {rec.getMessage()} {rec.exc_text or ''}" for rec in caplog.records)
    assert caplog.records, "the journeys logged nothing at all; the capture is not working"
    leaks = [s for s in SECRETS if s in logged]
    assert not leaks, f"personal data in logs: {leaks}"


def test_redaction_filter_rewrites_messages_and_tracebacks():
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "user %s at %s phone %s", (
        "hanako@example.test", "東京都八王子市元本郷町3-24-1", "042-626-3111"), None)
    try:
        raise ValueError("duplicate key (email)=(taro@example.test) 〒192-0051")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    RedactPersonalData().filter(record)
    text = record.getMessage() + record.exc_text
    for secret in ("hanako@example.test", "元本郷町3-24-1", "042-626-3111", "taro@example.test", "192-0051"):
        assert secret not in text
    assert "[email]" in text and "[phone]" in text


def test_redact_keeps_ordinary_text():
    assert redact("booking 42 escalated after 10 minutes") == "booking 42 escalated after 10 minutes"
    assert redact("+81 90-1234-5678") == "[phone]"


def test_every_configured_handler_redacts():
    from django.conf import settings

    for name, handler in settings.LOGGING["handlers"].items():
        assert "redact_personal_data" in handler.get("filters", []), name
