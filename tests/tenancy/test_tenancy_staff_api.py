"""The staff administration API: same rules and stable error codes as the pages."""

import json

import pytest

from sasaeai.safety.models import AuditEvent
from sasaeai.tenancy.models import Area, Membership, Role


@pytest.fixture
def town(make_municipality, make_user):
    m = make_municipality(n_areas=2)
    north, south = Area.objects.filter(municipality=m, layer=2).order_by("name")
    return {"m": m, "north": north, "south": south, "admin": make_user(Role.MUNICIPAL_ADMIN, m)}


def _send(client, method, url, body=None, lang="ja"):
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json",
                                   HTTP_ACCEPT_LANGUAGE=lang)


def test_invite_change_deactivate_and_audit_through_the_api(town, client_for):
    api = client_for(town["admin"])
    m = town["m"].pk
    invited = _send(api, "post", f"/api/v1/municipalities/{m}/staff", {
        "email": "api-sc@example.test", "display_name": "API 太郎", "role": "coordinator_l2",
        "area_ids": [town["north"].pk]})
    assert invited.status_code == 201, invited.content
    body = invited.json()
    assert body["role_label"].startswith("第2層") and body["area_ids"] == [town["north"].pk]
    assert body["second_factor"] is False and body["active"] is True
    mid = body["membership_id"]

    moved = _send(api, "put", f"/api/v1/memberships/{mid}", {"role": "coordinator_l2", "area_ids": [town["south"].pk]})
    assert moved.status_code == 200 and moved.json()["area_ids"] == [town["south"].pk]

    no_reason = _send(api, "post", f"/api/v1/memberships/{mid}/deactivate", {"reason": ""})
    assert no_reason.status_code == 400 and no_reason.json()["code"] == "reason_required"
    ended = _send(api, "post", f"/api/v1/memberships/{mid}/deactivate", {"reason": "退職"})
    assert ended.status_code == 200 and ended.json()["active"] is False

    listed = api.get(f"/api/v1/municipalities/{m}/staff").json()
    assert {row["display_name"] for row in listed["items"]} >= {"API 太郎"}
    audit = api.get(f"/api/v1/municipalities/{m}/audit").json()["items"]
    assert [e["action"] for e in audit][:3] == ["staff.deactivated", "staff.areas_changed", "staff.invited"]
    assert audit[0]["action_label"] == "無効化"


@pytest.mark.parametrize("payload, code", [
    ({"role": "operator"}, "role_not_grantable"),
    ({"role": "coordinator_l2"}, "areas_required"),
])
def test_refusals_have_stable_codes(town, client_for, payload, code):
    response = _send(client_for(town["admin"]), "post", f"/api/v1/municipalities/{town['m'].pk}/staff",
                     {"email": "x@example.test", "display_name": "x", **payload}, lang="en")
    assert response.status_code == 400 and response.json()["code"] == code
    assert not Membership.history.filter(user__email="x@example.test").exists()


def test_last_admin_and_foreign_area_are_refused(town, make_municipality, client_for):
    api = client_for(town["admin"])
    own = town["admin"].memberships.get().pk
    refused = _send(api, "post", f"/api/v1/memberships/{own}/deactivate", {"reason": "退職"})
    assert refused.status_code == 400 and refused.json()["code"] == "last_admin"
    foreign = Area.objects.filter(municipality=make_municipality(), layer=2).first()
    bad = _send(api, "put", f"/api/v1/memberships/{own}", {"role": "municipal_admin", "area_ids": [foreign.pk]})
    assert bad.status_code == 400 and bad.json()["code"] == "area_foreign"


def test_other_municipality_admin_and_coordinators_get_404(town, make_municipality, make_user, client_for):
    sc = make_user(Role.COORDINATOR_L2, town["m"], areas=[town["north"]])
    mid = sc.memberships.get().pk
    for outsider in (make_user(Role.MUNICIPAL_ADMIN, make_municipality()), make_user(Role.COORDINATOR_L1, town["m"])):
        api = client_for(outsider)
        assert api.get(f"/api/v1/municipalities/{town['m'].pk}/staff").status_code == 404
        assert _send(api, "post", f"/api/v1/memberships/{mid}/reset-second-factor", {"reason": "x"}).status_code == 404
        assert _send(api, "patch", f"/api/v1/areas/{town['north'].pk}", {"name": "乗っ取り"}).status_code == 404
    assert not AuditEvent.objects.exists()


def test_area_patch_changes_only_what_is_sent(town, client_for):
    response = _send(client_for(town["admin"]), "patch", f"/api/v1/areas/{town['north'].pk}",
                     {"population_65_plus": 4321, "reason": "国勢調査"})
    assert response.status_code == 200 and response.json()["population_65_plus"] == 4321
    assert response.json()["name"] == town["north"].name
    assert AuditEvent.objects.get(action="area.changed").details["reason"] == "国勢調査"
