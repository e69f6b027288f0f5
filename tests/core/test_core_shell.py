"""The page and API shell: health, OpenAPI, language, accessibility landmarks, 2FA gate."""

import json
from unittest import mock

import pytest
from django.db.utils import OperationalError
from openapi_spec_validator import validate

from sasaeai.tenancy.models import Role

pytestmark = pytest.mark.django_db


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_503_when_database_fails(client):
    with mock.patch("sasaeai.core.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_openapi_is_valid_openapi3(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.")
    validate(spec)  # raises on an invalid document
    assert client.get("/api/v1/docs").status_code == 200


def test_pages_are_japanese_first_with_landmarks(client):
    html = client.get("/").content.decode()
    assert '<html lang="ja">' in html
    assert 'class="skip-link" href="#main"' in html
    for landmark in ('role="banner"', '<main id="main"', 'role="contentinfo"', "<nav"):
        assert landmark in html
    assert "ログイン" in html


def test_language_switch_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Log in" in html


def test_demo_banner_says_town_is_synthetic(make_municipality, make_user, client_for):
    town = make_municipality(is_synthetic=True)
    user = make_user(Role.HELPER, town)
    html = client_for(user).get("/").content.decode()
    assert "架空のデモデータ" in html


def test_staff_without_second_factor_cannot_open_pages(make_municipality, make_user, client_for):
    town = make_municipality()
    coordinator = make_user(Role.COORDINATOR_L1, town)
    client = client_for(coordinator, verified=False)
    response = client.get(f"/municipalities/{town.pk}/")
    assert response.status_code == 302 and "/accounts/otp/" in response["Location"]
    # …and the API refuses them too.
    refused = client.get("/api/v1/me")
    assert refused.status_code == 403 and refused.json()["code"] == "two_factor_required"
    verified = client_for(coordinator)
    assert verified.get(f"/municipalities/{town.pk}/").status_code == 200


def test_other_tenant_pages_and_api_are_404(tenant_pair, client_for):
    a, b = tenant_pair["a"], tenant_pair["b"]
    client = client_for(tenant_pair["coordinator_a"])
    assert client.get(f"/municipalities/{a.pk}/").status_code == 200
    assert client.get(f"/municipalities/{b.pk}/").status_code == 404
    area_b = b.areas.filter(layer=2).first()
    assert client.get(f"/areas/{area_b.pk}/").status_code == 404
    assert client.get(f"/api/v1/municipalities/{b.pk}").status_code == 404
    assert client.get(f"/api/v1/areas/{area_b.pk}").status_code == 404
    ids = [m["id"] for m in client.get("/api/v1/municipalities").json()["items"]]
    assert ids == [a.pk]


def test_404_page_is_friendly_not_a_trace(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "ページが見つかりません" in html and "Traceback" not in html


def test_api_errors_are_json_with_stable_code(client, make_user):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "not_authenticated" and body["message"] and body["fields"] == {}
    english = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "log in" in english["message"].lower()
    bad = client.post("/api/v1/auth/token", json.dumps({"login": 5}), content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["code"] == "invalid_input" and "login" in bad.json()["fields"]


def test_admin_is_for_verified_operators_only(make_municipality, make_user, client_for):
    town = make_municipality()
    operator = make_user(Role.OPERATOR, None, is_staff=True)
    coordinator = make_user(Role.COORDINATOR_L1, town)
    assert client_for(operator).get("/admin/").status_code == 200
    assert client_for(operator).get("/admin/tenancy/municipality/").status_code == 200
    unverified = client_for(operator, verified=False).get("/admin/")
    assert unverified.status_code == 302 and "/accounts/otp/" in unverified["Location"]
    response = client_for(coordinator).get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
