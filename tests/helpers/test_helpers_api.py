"""The /api/v1/helpers and /api/v1/notifications endpoints."""

import json

from django.core import mail

from sasaeai.helpers import services
from sasaeai.helpers.selectors import matchable_profiles

from .conftest import verify_identity


def call(client, method, path, body=None):
    kwargs = {"content_type": "application/json"}
    if body is not None:
        kwargs["data"] = json.dumps(body)
    response = getattr(client, method)(f"/api/v1{path}", **kwargs)
    return response.status_code, (response.json() if response.content else None)


def test_helper_reads_and_updates_own_profile(client_for, world):
    c = client_for(world["helper"])
    status, body = call(c, "get", "/helpers/me")
    assert status == 200 and body["id"] == world["profile"].pk and body["skills"] == ["housework", "watch_talk"]
    status, body = call(c, "patch", "/helpers/me", {"skills": ["it_support"], "radius_km": 4, "area_id": world["area2"].pk,
                                                  "languages": ["ja", "vi"]})
    assert status == 200, body
    assert body["skills"] == ["it_support"] and body["radius_km"] == 4 and body["area_id"] == world["area2"].pk


def test_profile_bad_input_gives_errors(client_for, world):
    c = client_for(world["helper"])
    status, body = call(c, "patch", "/helpers/me", {"skills": ["flying"]})
    assert status == 400 and body["code"] == "unknown_code" and "skills" in body["fields"]
    status, body = call(c, "patch", "/helpers/me", {"radius_km": -5})
    assert status == 422 and body["code"] == "invalid_input"
    status, body = call(c, "patch", "/helpers/me", {"area_id": world["b"].areas.filter(layer=2).first().pk})
    assert status == 400 and body["code"] == "area_other_municipality"
    status, body = call(c, "patch", "/helpers/me", {"suspended_at": None, "rating_avg": 5})
    assert status == 200  # unknown fields are ignored by the schema, never written
    world["profile"].refresh_from_db()
    assert world["profile"].rating_avg is None and world["profile"].skills == ["housework", "watch_talk"]


def test_availability_api_and_invalid_times(client_for, world):
    c = client_for(world["helper"])
    status, body = call(c, "put", "/helpers/me/availability",
                        [{"weekday": 0, "start_time": "09:00", "end_time": "12:00"}])
    assert status == 200 and body == [{"weekday": 0, "start_time": "09:00", "end_time": "12:00"}]
    status, body = call(c, "put", "/helpers/me/availability",
                        [{"weekday": 0, "start_time": "13:00", "end_time": "12:00"}])
    assert status == 400 and body["code"] == "invalid_times"
    status, body = call(c, "put", "/helpers/me/availability",
                        [{"weekday": 9, "start_time": "09:00", "end_time": "12:00"}])
    assert status == 422
    status, body = call(c, "put", "/helpers/me/availability",
                        [{"weekday": 1, "start_time": "25:00", "end_time": "26:00"}])
    assert status == 422
    status, body = call(c, "post", "/helpers/me/exceptions", {"date": "2030-01-07"})
    assert status == 201 and body["available"] is False
    status, body = call(c, "get", "/helpers/me/availability/intervals?start=2030-01-07T00:00:00%2B09:00"
                                  "&end=2030-01-14T00:00:00%2B09:00")
    assert status == 200 and body == []  # the only Monday is a day off
    status, body = call(c, "get", "/helpers/me/availability/intervals?start=2030-01-14T00:00:00%2B09:00"
                                  "&end=2030-01-15T00:00:00%2B09:00")
    assert body == [{"start": "2030-01-14T09:00:00+09:00", "end": "2030-01-14T12:00:00+09:00"}]
    status, body = call(c, "get", "/helpers/me/availability/intervals?start=2030-01-14T00:00:00"
                                  "&end=2030-01-15T00:00:00")
    assert status == 400 and body["code"] == "naive_datetime"


def test_qualification_flow_and_tenant_isolation(client_for, world):
    helper = client_for(world["helper"])
    status, q = call(helper, "post", "/helpers/me/qualifications", {"code": "futsu_menkyo", "certificate_number": "X1"})
    assert status == 201 and q["status"] == "submitted"
    coordinator, other = client_for(world["coordinator"]), client_for(world["coordinator_b"])
    status, body = call(coordinator, "get", "/helpers/qualifications/pending")
    assert status == 200 and [i["id"] for i in body["items"]] == [q["id"]]
    status, body = call(other, "get", "/helpers/qualifications/pending")
    assert body["items"] == []
    assert call(other, "post", f"/helpers/qualifications/{q['id']}/review", {"approve": True})[0] == 404
    assert call(other, "get", f"/helpers/{world['profile'].pk}")[0] == 404
    assert call(other, "post", f"/helpers/{world['profile'].pk}/suspend", {"reason": "not mine"})[0] == 404
    status, body = call(coordinator, "post", f"/helpers/qualifications/{q['id']}/review",
                        {"approve": False, "note": "有効期限が読めない"})
    assert status == 200 and body["status"] == "rejected"
    status, body = call(coordinator, "get", f"/helpers/{world['profile'].pk}")
    assert status == 200 and body["verified_qualifications"] == []  # a rejected qualification does not count
    status, q2 = call(helper, "post", "/helpers/me/qualifications", {"code": "kaigo_fukushishi"})
    call(coordinator, "post", f"/helpers/qualifications/{q2['id']}/review", {"approve": True})
    body = call(coordinator, "get", f"/helpers/{world['profile'].pk}")[1]
    assert body["verified_qualifications"] == sorted(
        ["kaigo_fukushishi", "jitsumusha_kenshu", "shoninsha_kenshu", "seikatsu_enjo_kenshu"])
    status, body = call(coordinator, "post", f"/helpers/qualifications/{q2['id']}/review", {"approve": True})
    assert status == 400 and body["code"] == "not_submitted"


def test_helper_cannot_call_staff_endpoints_or_touch_others(client_for, world):
    helper = client_for(world["helper"])
    assert call(helper, "get", "/helpers")[0] == 403
    assert call(helper, "get", f"/helpers/{world['other_profile'].pk}")[0] == 403
    assert call(helper, "post", f"/helpers/{world['profile'].pk}/suspend", {"reason": "self"})[0] == 403


def test_identity_suspend_reinstate_via_api(client_for, world):
    helper, coordinator = client_for(world["helper"]), client_for(world["coordinator"])
    assert call(helper, "post", "/helpers/me/identity", {"document": "residence_card"})[1]["identity_status"] == "submitted"
    status, body = call(coordinator, "get", "/helpers?status=pending_identity")
    assert [p["id"] for p in body["items"]] == [world["profile"].pk]
    status, body = call(coordinator, "post", f"/helpers/{world['profile'].pk}/identity/review", {"approve": True})
    assert status == 200 and body["identity_status"] == "verified"
    assert world["profile"] in matchable_profiles(world["a"].pk)
    status, body = call(coordinator, "post", f"/helpers/{world['profile'].pk}/suspend", {"reason": "x"})
    assert status == 422  # reason too short
    status, body = call(coordinator, "post", f"/helpers/{world['profile'].pk}/suspend", {"reason": "安全確認のため"})
    assert status == 200 and body["suspended_at"] and body["suspension_reason"] == "安全確認のため"
    assert world["profile"] not in matchable_profiles(world["a"].pk)
    assert [p["id"] for p in call(coordinator, "get", "/helpers?status=suspended")[1]["items"]] == [world["profile"].pk]
    status, body = call(coordinator, "post", f"/helpers/{world['profile'].pk}/reinstate", {"reason": "確認完了"})
    assert status == 200 and body["suspended_at"] is None
    from sasaeai.safety.models import AuditEvent

    assert list(AuditEvent.objects.filter(target_id=world["profile"].pk, target_type="helperprofile")
                .order_by("pk").values_list("action", flat=True)) == ["helper.suspended", "helper.reinstated"]
    assert call(coordinator, "get", "/helpers?status=bogus")[0] == 400


def test_flagged_list_and_clear_flag(client_for, world):
    services.record_rating(world["profile"], 2)
    own = call(client_for(world["helper"]), "get", "/helpers/me")[1]
    assert "flagged_at" not in own and "flag_reason" not in own  # the flag is for coordinators
    coordinator = client_for(world["coordinator"])
    assert call(coordinator, "get", f"/helpers/{world['profile'].pk}")[1]["flag_reason"]
    assert [p["id"] for p in call(coordinator, "get", "/helpers?status=flagged")[1]["items"]] == [world["profile"].pk]
    status, body = call(coordinator, "post", f"/helpers/{world['profile'].pk}/clear-flag", {"reason": "面談済み"})
    assert status == 200 and body["flagged_at"] is None


def test_notifications_api_only_own(client_for, world):
    verify_identity(world["profile"], world["coordinator"])  # queues a notification to the helper
    helper, other = client_for(world["helper"]), client_for(world["other_helper"])
    status, body = call(helper, "get", "/notifications")
    assert status == 200 and [n["kind"] for n in body["items"]] == ["helpers.identity_reviewed"]
    assert body["items"][0]["status"] == "queued" and mail.outbox == []
    assert call(other, "get", "/notifications")[1]["items"] == []
    assert call(other, "post", "/notifications/read", {"ids": [body["items"][0]["id"]]})[1] == {"updated": 0}
    assert call(helper, "post", "/notifications/read", {})[1] == {"updated": 1}
    assert call(helper, "get", "/notifications?unread=true")[1]["items"] == []
    status, body = call(helper, "put", "/notifications/preference", {"channel": "pigeon"})
    assert status == 400
    status, body = call(helper, "put", "/notifications/preference", {"channel": "in_app"})
    assert status == 200 and call(helper, "get", "/notifications/preference")[1]["channel"] == "in_app"


def test_anonymous_api_refused(client):
    assert client.get("/api/v1/helpers/me").status_code == 401
    assert client.get("/api/v1/notifications").status_code == 401
