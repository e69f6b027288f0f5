"""Pages through HTTP: the helper's own profile, the coordinator's review queue and vetting."""

import pytest
from django.core import mail

from sasaeai.helpers import services
from sasaeai.helpers.models import (
    AvailabilityRule,
    HelperProfile,
    HelperQualification,
    IdentityStatus,
)
from sasaeai.helpers.selectors import matchable_profiles, verified_qualifications
from sasaeai.notifications.models import Notification

from .conftest import verify_identity


def test_helper_opens_own_profile_page_created_on_first_visit(client_for, make_user, world):
    new_helper = make_user("helper", world["a"])
    client = client_for(new_helper)
    r = client.get("/helpers/me/")
    assert r.status_code == 200
    assert HelperProfile.objects.filter(user=new_helper, municipality=world["a"]).exists()
    html = r.content.decode()
    assert 'lang="ja"' in html and "担い手プロフィール" in html
    assert '<label for="id_radius_km"' in client.get("/helpers/me/home/").content.decode()


def test_non_helper_gets_404_on_helper_pages(client_for, make_user, world):
    r = client_for(make_user("resident", world["a"])).get("/helpers/me/")
    assert r.status_code == 404


def test_helper_saves_profile_through_form(client_for, world):
    client = client_for(world["helper"])
    for url, data in [
        ("/helpers/me/about/", {"languages": ["ja", "en"], "gender": "", "bio": "", "active": "on"}),
        ("/helpers/me/home/", {"area": world["area2"].pk, "home_lat": "35.67", "home_lon": "139.34",
                               "radius_km": "2.5", "travel_mode": "bicycle"}),
        ("/helpers/me/skills/", {"skills": ["housework", "it_support"], "subtasks": ["garbage", "weeding"],
                                 "max_hours_per_week": "8"}),
        ("/helpers/me/insurance/", {"has_insurance": "on", "insurance_note": "ボランティア活動保険"}),
    ]:
        r = client.post(url, data)
        assert r.status_code == 302, (url, r.content.decode()[:2000])
    p = HelperProfile.objects.get(pk=world["profile"].pk)
    assert p.skills == ["housework", "it_support"] and p.area == world["area2"] and p.radius_km == 2.5
    assert p.travel_mode == "bicycle" and p.languages == ["ja", "en"] and p.has_insurance


def test_profile_form_refuses_bad_input_and_writes_nothing(client_for, world):
    client = client_for(world["helper"])
    r = client.post("/helpers/me/skills/", {"skills": ["flying"], "max_hours_per_week": "8"})
    assert r.status_code == 400
    assert 'class="errorlist' in r.content.decode()
    r = client.post("/helpers/me/home/", {"radius_km": "-3", "travel_mode": "rocket"})
    assert r.status_code == 400
    assert 'class="errorlist' in r.content.decode()
    world["profile"].refresh_from_db()
    assert world["profile"].skills == ["housework", "watch_talk"] and world["profile"].radius_km == 3.0
    # Another municipality's area is not a choice.
    r = client.post("/helpers/me/home/", {"area": world["b"].areas.filter(layer=2).first().pk, "radius_km": "3",
                                          "travel_mode": "walk"})
    assert r.status_code == 400


def _rules_post(rows):
    data = {"rules-TOTAL_FORMS": str(len(rows)), "rules-INITIAL_FORMS": "0", "rules-MIN_NUM_FORMS": "0",
            "rules-MAX_NUM_FORMS": "1000"}
    for i, (wd, s, e) in enumerate(rows):
        data.update({f"rules-{i}-weekday": wd, f"rules-{i}-start_time": s, f"rules-{i}-end_time": e})
    return data


def test_weekly_availability_form(client_for, world):
    client = client_for(world["helper"])
    r = client.post("/helpers/me/availability/", _rules_post([("0", "09:00", "12:00"), ("3", "13:00", "16:30"),
                                                              ("", "", "")]))
    assert r.status_code == 302
    assert list(AvailabilityRule.objects.filter(profile=world["profile"]).values_list("weekday", flat=True)) == [0, 3]
    r = client.post("/helpers/me/availability/", _rules_post([("1", "15:00", "10:00")]))
    assert r.status_code == 400
    assert "終了時刻は開始時刻より後にしてください" in r.content.decode()
    r = client.post("/helpers/me/availability/", _rules_post([("1", "09:00", "12:00"), ("1", "11:00", "13:00")]))
    assert r.status_code == 400 and "重なっています" in r.content.decode()
    assert AvailabilityRule.objects.filter(profile=world["profile"]).count() == 2


def test_exception_form_and_delete_only_own(client_for, world):
    client = client_for(world["helper"])
    r = client.post("/helpers/me/exceptions/", {"date": "2099-05-01", "kind": "day_off"})
    assert r.status_code == 302
    exc = world["profile"].availability_exceptions.get()
    assert exc.start_time is None and not exc.available
    r = client.post("/helpers/me/exceptions/", {"date": "2099-05-02", "kind": "extra", "start_time": "10:00"})
    assert r.status_code == 400
    # Another helper cannot delete it.
    other = client_for(world["other_helper"])
    assert other.post(f"/helpers/me/exceptions/{exc.pk}/delete/").status_code == 404
    assert client.post(f"/helpers/me/exceptions/{exc.pk}/delete/").status_code == 302
    assert not world["profile"].availability_exceptions.exists()


def test_qualification_submission_review_queue_and_verification(client_for, world):
    helper = client_for(world["helper"])
    r = helper.post("/helpers/me/qualifications/", {"code": "shoninsha_kenshu", "certificate_number": "A-123",
                                                    "document_note": "東京都発行"})
    assert r.status_code == 302
    q = HelperQualification.objects.get(profile=world["profile"])
    coordinator = client_for(world["coordinator"])
    page = coordinator.get("/helpers/review/").content.decode()
    assert "A-123" in page and "介護職員初任者研修" in page
    # A coordinator of another municipality neither sees nor decides it.
    other = client_for(world["coordinator_b"])
    assert "A-123" not in other.get("/helpers/review/").content.decode()
    assert other.post(f"/helpers/review/qualifications/{q.pk}/", {"decision": "approve"}).status_code == 404
    assert other.get(f"/helpers/staff/{world['profile'].pk}/").status_code == 404
    # A layer-2 coordinator of a different area neither.
    l2 = client_for(world["coordinator_l2_area2"])
    assert l2.get(f"/helpers/staff/{world['profile'].pk}/").status_code == 404
    # Rejecting without a note is refused; approving works and notifies (queued, not sent).
    r = coordinator.post(f"/helpers/review/qualifications/{q.pk}/", {"decision": "reject", "note": ""}, follow=True)
    assert "理由を入力してください" in r.content.decode()
    q.refresh_from_db()
    assert q.status == "submitted"
    r = coordinator.post(f"/helpers/review/qualifications/{q.pk}/", {"decision": "approve"})
    assert r.status_code == 302
    q.refresh_from_db()
    assert q.status == "verified" and q.reviewed_by == world["coordinator"]
    assert "shoninsha_kenshu" in verified_qualifications(world["profile"])
    assert Notification.objects.filter(user=world["helper"], kind="helpers.qualification_reviewed").exists()
    assert mail.outbox == []


def test_helper_cannot_use_review_pages(client_for, world):
    helper = client_for(world["helper"])
    assert helper.get("/helpers/review/").status_code == 403
    assert helper.get(f"/helpers/staff/{world['profile'].pk}/").status_code == 403
    assert helper.post(f"/helpers/staff/{world['profile'].pk}/suspend/", {"reason": "self"}).status_code == 403


def test_identity_request_and_review_through_pages(client_for, world):
    assert client_for(world["helper"]).post("/helpers/me/identity/", {"document": "passport"}).status_code == 302
    coordinator = client_for(world["coordinator"])
    assert world["helper"].display_name in coordinator.get("/helpers/review/").content.decode()
    r = coordinator.post(f"/helpers/review/identity/{world['profile'].pk}/", {"decision": "approve"})
    assert r.status_code == 302
    world["profile"].refresh_from_db()
    assert world["profile"].identity_status == IdentityStatus.VERIFIED
    assert client_for(world["coordinator_b"]).post(
        f"/helpers/review/identity/{world['other_profile'].pk}/", {"decision": "approve"}).status_code == 302


def test_suspend_and_reinstate_with_reason_through_pages(client_for, world):
    verify_identity(world["profile"], world["coordinator"])
    coordinator = client_for(world["coordinator"])
    url = f"/helpers/staff/{world['profile'].pk}/"
    assert coordinator.post(url + "suspend/", {"reason": ""}).status_code == 302
    assert world["profile"] in matchable_profiles(world["a"].pk)  # no reason, nothing happened
    coordinator.post(url + "suspend/", {"reason": "利用者から苦情があり調査中"})
    assert world["profile"] not in matchable_profiles(world["a"].pk)
    page = coordinator.get(url).content.decode()
    assert "利用者から苦情があり調査中" in page and "活動を再開する" in page
    assert "家事・生活支援、見守り・話し相手" in page  # skills by their labels
    assert client_for(world["coordinator_b"]).post(url + "reinstate/", {"reason": "not mine"}).status_code == 404
    coordinator.post(url + "reinstate/", {"reason": "調査の結果、問題なし"})
    assert world["profile"] in matchable_profiles(world["a"].pk)
    from sasaeai.safety.models import AuditEvent

    audited = list(AuditEvent.objects.filter(target_type="helperprofile", target_id=world["profile"].pk)
                   .order_by("pk").values_list("action", "actor_id"))
    assert audited == [("helper.suspended", world["coordinator"].pk), ("helper.reinstated", world["coordinator"].pk)]


def _render_panels(user):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from sasaeai.helpers import dashboard
    from sasaeai.tenancy.models import Membership

    request = RequestFactory().get("/")
    request.user = user
    out = []
    for membership in Membership.objects.filter(user=user):
        for panel in dashboard.panels(request, membership):
            out.append(str(panel.title) + render_to_string(panel.template, {"panel": panel}, request))
    return "\n".join(out)


def test_dashboard_panel_lists_flagged_and_pending(world):
    """The coordinator's home panel (sasaeai.helpers.dashboard) lists flagged helpers and
    pending verifications of their own municipality only."""
    services.record_rating(world["profile"], 5, ["unsafe"])
    services.submit_qualification(world["profile"], world["helper"], "first_aid")
    html = _render_panels(world["coordinator"])
    assert "対応が必要な担い手" in html
    assert world["helper"].display_name in html and "unsafe" in html
    assert "<dd>1</dd>" in html  # one qualification waiting
    assert world["helper"].display_name not in _render_panels(world["coordinator_b"])
    assert "担い手としての状況" in _render_panels(world["helper"])


@pytest.mark.parametrize("path", ["/helpers/me/", "/helpers/review/", "/notifications/"])
def test_anonymous_redirected_to_login(client, path):
    r = client.get(path)
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
