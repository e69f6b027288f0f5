"""Account hardening: headers and CSP, cookies, password policy, proxy-assisted recovery."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from sasaeai.accounts.models import ApiToken
from sasaeai.residents.models import Proxy, Resident
from sasaeai.safety import recovery
from sasaeai.safety.models import AuditEvent, RecoveryCode
from sasaeai.tenancy.models import Role

PASSWORD = "correct-horse-battery-staple"  # tests/conftest.py


def test_security_headers_on_pages_and_api(db):
    client = Client()
    for url in ("/", "/accounts/login/", "/api/v1/openapi.json"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]


def test_logged_in_pages_are_not_cached(make_user, client_for):
    response = client_for(make_user()).get("/safety/my-records/")
    assert "no-store" in response["Cache-Control"]


def test_session_cookie_flags(make_user, make_municipality):
    town = make_municipality()
    user = make_user(Role.PROXY, town)
    response = Client().post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_csrf_is_enforced_on_pages_and_session_api(make_user, make_municipality):
    town = make_municipality()
    user = make_user(Role.PROXY, town)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post("/safety/recover/", {}).status_code == 403
    response = client.post("/api/v1/safety/emergencies", "{}", content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "http_error"  # CSRF check failed


def test_anonymous_api_writes_answer_401_not_a_csrf_refusal():
    """docs/security.md: the API answers 401 without a session or bearer token."""
    client = Client(enforce_csrf_checks=True)
    for path in ("/api/v1/safety/emergencies", "/api/v1/requests", "/api/v1/notifications/read"):
        response = client.post(path, "{}", content_type="application/json")
        assert response.status_code == 401, (path, response.content)
        assert response.json()["code"] == "not_authenticated"


def test_the_119_guidance_is_public_as_documented():
    response = Client().get("/api/v1/safety/emergency-guidance")
    assert response.status_code == 200 and response.json()["guidance_119"]


@pytest.mark.parametrize("password, code", [
    ("short1", "password_too_short"), ("1234567890123", "password_entirely_numeric"),
    ("abababababab", "password_repeated"), ("x" * 129 + "Yz1", "password_too_long"),
    ("password1234", "password_too_common"),
])
def test_password_policy_refuses(password, code, make_user):
    user = make_user()
    with pytest.raises(ValidationError) as err:
        password_validation.validate_password(password, user)
    assert code in [e.code for e in err.value.error_list]


def test_password_policy_accepts_a_passphrase(make_user):
    password_validation.validate_password("green-tea-at-seven", make_user())


@pytest.fixture
def family(make_municipality, make_user):
    town = make_municipality()
    area = town.areas.filter(layer=2).first()
    elder = make_user(Role.RESIDENT, town, email="elder@example.test")
    Resident.objects.create(municipality=town, area=area, user=elder, family_name="高橋", given_name="春",
                            family_name_kana="たかはし", given_name_kana="はる", birth_date="1940-01-01",
                            address="x", lat=35.6, lon=139.3, h3_cell="x")
    daughter = make_user(Role.PROXY, town)
    Proxy.objects.create(resident=elder.resident, user=daughter, relation="child", confirmed=True)
    coordinator = make_user(Role.COORDINATOR_L2, town)
    admin = make_user(Role.MUNICIPAL_ADMIN, town)
    other = make_user(Role.COORDINATOR_L1, make_municipality())
    return dict(elder=elder, daughter=daughter, coordinator=coordinator, admin=admin, other=other)


def test_proxy_assisted_recovery_end_to_end(family, client_for):
    f = family
    ApiToken.issue(f["elder"], "phone", two_factor_verified=False)
    page = client_for(f["coordinator"]).post("/safety/recovery/issue/", {
        "login": "elder@example.test", "identity_check": "proxy_confirmed", "proxy_login": f["daughter"].email})
    code = page.context["code"]
    assert code and len(code) == 9
    record = RecoveryCode.objects.get()
    assert code.replace("-", "") not in record.code_hash and record.assisted_by == f["daughter"]
    anonymous = Client()
    bad = anonymous.post("/safety/recover/", {"login": "elder@example.test", "code": "AAAA-AAAA",
                                               "new_password": "spring-rain-2026"})
    assert bad.status_code == 200 and RecoveryCode.objects.get().failed_attempts == 1
    ok = anonymous.post("/safety/recover/", {"login": "elder@example.test", "code": code.lower(),
                                              "new_password": "spring-rain-2026"})
    assert ok.status_code == 302
    f["elder"].refresh_from_db()
    assert f["elder"].check_password("spring-rain-2026")
    assert not ApiToken.objects.filter(user=f["elder"], revoked_at__isnull=True).exists()
    # One use only.
    again = anonymous.post("/safety/recover/", {"login": "elder@example.test", "code": code,
                                                 "new_password": "another-phrase-99"})
    assert again.status_code == 200
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"recovery.issued", "recovery.failed", "recovery.used"} <= actions


def test_recovery_refusals(family):
    f = family
    with pytest.raises(PermissionDenied):  # staff accounts are never recoverable by a coordinator
        recovery.issue(by=f["coordinator"], user=f["admin"], identity_check="in_person_id")
    with pytest.raises(PermissionDenied):  # another tenant
        recovery.issue(by=f["other"], user=f["elder"], identity_check="in_person_id")
    with pytest.raises(ValidationError):  # an unconfirmed proxy cannot vouch
        Proxy.objects.filter(user=f["daughter"]).update(confirmed=False)
        recovery.issue(by=f["coordinator"], user=f["elder"], identity_check="proxy_confirmed",
                       assisted_by=f["daughter"])


def test_recovery_code_expires_and_locks_after_five_attempts(family):
    f = family
    _record, code = recovery.issue(by=f["coordinator"], user=f["elder"], identity_check="in_person_id")
    for _i in range(recovery.MAX_ATTEMPTS):
        with pytest.raises(ValidationError):
            recovery.redeem(login="elder@example.test", code="ZZZZ-ZZZZ", new_password="spring-rain-2026")
    with pytest.raises(ValidationError):  # the right code no longer works
        recovery.redeem(login="elder@example.test", code=code, new_password="spring-rain-2026")
    _record, code = recovery.issue(by=f["coordinator"], user=f["elder"], identity_check="in_person_id")
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        with pytest.raises(ValidationError):
            recovery.redeem(login="elder@example.test", code=code, new_password="spring-rain-2026")


def test_recovery_api_does_not_reveal_accounts(db):
    response = Client().post("/api/v1/safety/recovery/redeem", json.dumps(
        {"login": "nobody@example.test", "code": "AAAA-BBBB", "new_password": "x"}), content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "recovery_invalid"


def test_staff_without_two_factor_reach_no_personal_data(make_municipality, make_user, client_for):
    from sasaeai.safety.models import AccessLog

    town = make_municipality()
    area = town.areas.filter(layer=2).first()
    resident = Resident.objects.create(municipality=town, area=area, family_name="田中", given_name="一",
                                       family_name_kana="たなか", given_name_kana="はじめ", birth_date="1941-01-01",
                                       address="秘密の住所", lat=35.6, lon=139.3, h3_cell="x")
    coordinator = make_user(Role.COORDINATOR_L1, town)
    client = client_for(coordinator, verified=False)
    page = client.get(f"/safety/residents/{resident.pk}/")
    assert page.status_code == 302 and "/accounts/otp/" in page["Location"]
    api = client.get(f"/api/v1/safety/residents/{resident.pk}/record")
    assert api.status_code == 403 and api.json()["code"] == "two_factor_required"
    assert not AccessLog.objects.exists()


def test_work_support_care_managers_and_work_coordinators_pass_two_factor(make_municipality, make_user,
                                                                           client_for):
    """They open consultations' and participants' personal data: without TOTP no page, no API
    call, and no account recovery by a coordinator (as for the other staff roles)."""
    from sasaeai.safety.recovery import recoverable_users

    town = make_municipality()
    coordinator = make_user(Role.COORDINATOR_L1, town)
    for role, page in ((Role.WORK_SUPPORT_CM, "/worklife/consultations/"), (Role.WORK_COORDINATOR, "/work/")):
        user = make_user(role, town)
        client = client_for(user, verified=False)
        response = client.get(page)
        assert response.status_code == 302 and "/accounts/otp/" in response["Location"], role
        api = client.get("/api/v1/worklife/consultations")
        assert api.status_code == 403 and api.json()["code"] == "two_factor_required", role
        verified = client_for(user).get(page)  # past the second factor: the page's own rule answers
        assert "/accounts/otp/" not in verified.get("Location", ""), role
        assert not recoverable_users(coordinator).filter(pk=user.pk).exists(), role
