"""Log-in by email or phone, lock-out after five failures, API tokens, TOTP for staff."""

import pytest
from django.utils import translation

from sasaeai.accounts.models import LoginThrottle, User
from sasaeai.tenancy.models import Role
from tests.conftest import PASSWORD, totp_code

pytestmark = pytest.mark.django_db


def _post_login(client, login, password, lang="ja"):
    return client.post("/accounts/login/", {"login": login, "password": password},
                       HTTP_ACCEPT_LANGUAGE=lang)


def test_login_by_email_and_by_phone(client, make_user):
    user = make_user(phone="09012345678")
    assert _post_login(client, user.email, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    assert _post_login(client, "090-1234-5678", PASSWORD).status_code == 302


def test_five_wrong_passwords_lock_the_account(client, make_user):
    user = make_user()
    for _ in range(4):
        response = _post_login(client, user.email, "wrong")
        assert response.status_code == 200
        assert "正しくありません" in response.content.decode()
    response = _post_login(client, user.email, "wrong")
    assert "ロック" in response.content.decode()
    # Even the right password is refused now, and no session was created.
    response = _post_login(client, user.email, PASSWORD)
    assert response.status_code == 200 and "ロック" in response.content.decode()
    assert "_auth_user_id" not in client.session
    response = _post_login(client, user.email, PASSWORD, lang="en")
    assert "locked" in response.content.decode()
    # The throttle stores only a hash of the identifier.
    assert not LoginThrottle.objects.filter(key_hash__contains=user.email).exists()
    assert User.objects.filter(pk=user.pk, is_active=True).exists()


def test_logout_needs_post(client, make_user):
    user = make_user()
    client.force_login(user)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_staff_login_goes_through_totp(client, make_municipality, make_user):
    town = make_municipality()
    coordinator = make_user(Role.COORDINATOR_L2, town)
    response = _post_login(client, coordinator.email, PASSWORD)
    assert "/accounts/otp/" in response["Location"]
    setup = client.get("/accounts/otp/")
    assert setup.status_code == 200 and "<svg" in setup.content.decode()  # QR code to enrol
    assert client.post("/accounts/otp/", {"token": "000000"}).status_code == 200
    code = totp_code(coordinator)
    response = client.post("/accounts/otp/", {"token": code})
    assert response.status_code == 302
    assert client.get(f"/municipalities/{town.pk}/").status_code == 200


def test_api_token_for_resident_and_staff(client, make_municipality, make_user):
    town = make_municipality()
    helper = make_user(Role.HELPER, town)
    response = client.post("/api/v1/auth/token", {"login": helper.email, "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 201
    token = response.json()["token"]
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200 and me.json()["memberships"][0]["role"] == Role.HELPER
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer nonsense").status_code == 401

    coordinator = make_user(Role.COORDINATOR_L1, town)
    refused = client.post("/api/v1/auth/token", {"login": coordinator.email, "password": PASSWORD},
                          content_type="application/json")
    assert refused.status_code == 401 and refused.json()["code"] == "two_factor_required"
    ok = client.post("/api/v1/auth/token", {"login": coordinator.email, "password": PASSWORD,
                                            "otp": totp_code(coordinator)}, content_type="application/json")
    assert ok.status_code == 201


def test_wrong_password_api_message_in_both_languages(client, make_user):
    user = make_user()
    for lang, needle in (("ja", "正しくありません"), ("en", "not correct")):
        with translation.override(lang):
            r = client.post("/api/v1/auth/token", {"login": user.email, "password": "x"},
                            content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang)
        assert r.status_code == 401 and needle in r.json()["message"]
