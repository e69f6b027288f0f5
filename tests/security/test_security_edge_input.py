"""Edge input is refused once, at the edge, for every page and API operation (issue 10 §3):
control characters (NUL above all: PostgreSQL text cannot hold it) answer 422 with the API's
error body, or 400 on pages; integers past 64 bits are outside every schema; bodies over
DATA_UPLOAD_MAX_MEMORY_SIZE answer 413 — never 500."""

import json
import re

import pytest
from django.conf import settings
from django.test import Client

from sasaeai.api.main import api

SCHEMA = api.get_openapi_schema()
OPERATIONS = [(method.upper(), path, op) for path, ops in SCHEMA["paths"].items() for method, op in ops.items()]
WRITES = [o for o in OPERATIONS if o[0] in ("POST", "PUT", "PATCH")]


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _unbounded(schema, where, seen, found):
    components = SCHEMA["components"]["schemas"]
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            _unbounded(components[name], f"{where}->{name}", seen, found)
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            _unbounded(sub, where, seen, found)
    if schema.get("type") == "integer" and not (
        {"maximum", "exclusiveMaximum"} & schema.keys() and {"minimum", "exclusiveMinimum"} & schema.keys()
    ):
        found.append(where)
    if isinstance(schema.get("items"), dict):
        _unbounded(schema["items"], f"{where}[]", seen, found)
    for name, sub in schema.get("properties", {}).items():
        _unbounded(sub, f"{where}.{name}", seen, found)
    if isinstance(schema.get("additionalProperties"), dict):
        _unbounded(schema["additionalProperties"], f"{where}{{}}", seen, found)


def test_every_integer_an_operation_accepts_is_bounded_in_the_schema():
    found: list[str] = []
    for method, path, op in OPERATIONS:
        for parameter in op.get("parameters", []):
            _unbounded(parameter["schema"], f"{method} {path} {parameter['name']}", set(), found)
        for content in op.get("requestBody", {}).get("content", {}).values():
            _unbounded(content["schema"], f"{method} {path} body", set(), found)
    assert not found, found


@pytest.mark.django_db
@pytest.mark.parametrize("url", [
    "/api/v1/municipalities?offset=9223372036854775808",
    "/api/v1/municipalities?limit=99999999999999999999999",
    "/api/v1/municipalities/1/areas?offset=9223372036854775808",
    "/api/v1/safety/visit-alerts?limit=9223372036854775808",
    "/api/v1/municipalities/99999999999999999999999",
])
def test_integers_past_64_bits_are_refused_not_a_server_error(url):
    response = Client().get(url)
    assert response.status_code in (401, 422), response.content
    assert response.json()["code"] in ("invalid_input", "not_authenticated")


@pytest.mark.django_db
def test_integers_past_64_bits_are_refused_for_a_signed_in_user(make_user, make_municipality):
    from sasaeai.accounts.models import ApiToken
    from sasaeai.tenancy.models import Role

    town = make_municipality()
    user = make_user(role=Role.COORDINATOR_L1, municipality=town)
    _token, key = ApiToken.issue(user, "edge", two_factor_verified=True)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    for url in ("/api/v1/municipalities?offset=9223372036854775808",
                f"/api/v1/municipalities/{town.pk}/areas?offset=9223372036854775808",
                "/api/v1/safety/visit-alerts?limit=9223372036854775808"):
        response = client.get(url)
        assert response.status_code == 422, (url, response.content)
        assert response.json()["code"] == "invalid_input"
    assert client.get(f"/api/v1/municipalities/{town.pk}/areas?offset=9007199254740992").status_code == 200


@pytest.mark.django_db
def test_nul_in_the_token_log_in_is_refused_with_the_error_body():
    response = Client().post("/api/v1/auth/token", data=json.dumps({"login": "a\u0000b", "password": "x"}),
                             content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input" and "login" in body["fields"]
    assert "Control characters" in body["message"]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "op"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_a_nul_in_the_query_of_any_operation_answers_422(method, path, op):
    response = Client().generic(method, _url(path) + "?municipality=%00", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid_input"
    assert "制御文字" in response.json()["message"]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "op"), WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES])
def test_a_nul_in_the_body_of_any_write_answers_422(method, path, op):
    body = json.dumps({"text": "ok", "nested": [{"note": "bad\u0000"}]})
    response = Client().generic(method, _url(path), body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert response.json()["fields"] == {"nested.0.note": [response.json()["message"]]}


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "op"), WRITES, ids=[f"{m} {p}" for m, p, _ in WRITES])
def test_a_body_over_the_limit_on_any_write_answers_413(method, path, op):
    big = json.dumps({"text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    response = Client().generic(method, _url(path), big, content_type="application/json")
    assert response.status_code == 413, response.content[:200]
    assert set(response.json()) == {"code", "message", "fields"} and response.json()["code"] == "too_large"


@pytest.mark.django_db
def test_pages_refuse_control_characters_and_oversized_forms_with_a_page_not_a_trace():
    client = Client()
    response = client.get("/directory/?q=%00", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 400
    assert "制御文字" in response.content.decode()
    big = "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)
    for response in (client.post("/accounts/login/", f"username={big}", content_type="application/x-www-form-urlencoded"),
                     client.post("/accounts/login/", {"username": big})):  # multipart
        assert response.status_code == 413
        assert "Traceback" not in response.content.decode()


@pytest.mark.django_db
def test_ordinary_text_with_tabs_and_new_lines_passes():
    response = Client().post("/api/v1/auth/token", data=json.dumps({"login": "a\tb\nc", "password": "x"}),
                             content_type="application/json")
    assert response.status_code != 422 or "login" not in response.json()["fields"]
