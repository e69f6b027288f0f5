"""The case pages and the API over HTTP: the journey, the refusals (a clear Japanese or English
message, nothing written), the access log for every read and the home-page panels."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from sasaeai.cases import services
from sasaeai.cases.models import Case, CaseStatus, FollowUp, WellbeingScore
from sasaeai.safety.models import AccessLog

pytestmark = pytest.mark.django_db

ONS4_FORM = {"life_satisfaction": "4", "worthwhile": "5", "happiness": "3", "anxiety": "7"}


def _referred(town):
    return services.refer(by=town["centre"], resident=town["resident"], referrer_kind="support_center",
                          reason="外出が減っている")


def test_the_pages_take_a_case_from_referral_to_closure(town, client_for):
    centre, sc = client_for(town["centre"]), client_for(town["sc"])
    response = centre.post("/cases/refer/", {"resident": town["resident"].pk, "referrer_kind": "support_center",
                                             "referrer_name": "北地域包括", "reason": "退院後の外出支援"})
    assert response.status_code == 302
    case = Case.objects.get()
    assert sc.post(f"/cases/{case.pk}/accept/", {"version": case.version}).status_code == 302
    response = sc.post(f"/cases/{case.pk}/conversation/", {"on": timezone.localdate().isoformat(),
                                                          "what_matters": "畑仕事を続けたい",
                                                          "domain_people": "近所の友人", **ONS4_FORM})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = sc.post(f"/cases/{case.pk}/plan/", {"text": "畑に出る", "others": "農園クラブ\n娘と一緒に"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.PLANNED
    first, second = case.goals.get().options.all()
    for option in (first, second):
        sc.post(f"/cases/{case.pk}/options/{option.pk}/", {"status": "continuing",
                                                           "on": timezone.localdate().isoformat()})
    case.refresh_from_db()
    assert case.status == CaseStatus.CONNECTED and case.follow_ups.count() == 2
    response = sc.post(f"/cases/{case.pk}/close/", {"outcome": "connected_continuing",
                                                   "on": timezone.localdate().isoformat(),
                                                   "life_satisfaction": "7", "worthwhile": "6", "happiness": "6",
                                                   "anxiety": "4"})
    assert response.status_code == 302
    page = sc.get(f"/cases/{case.pk}/").content.decode()
    assert "+3" in page and "-3" in page and "良くなった" in page
    assert AccessLog.objects.filter(actor=town["sc"], resident_id=town["resident"].pk, fields=["case_record"]).exists()
    referrals = centre.get("/cases/referrals/").content.decode()
    assert "終結" in referrals  # the resident consented to sharing with the support centre


@pytest.mark.parametrize("language, text", [("ja", "「本人にとって大切なこと」の聞き取りの後でなければ"),
                                            ("en", "only after the “what matters to me” conversation")])
def test_closing_before_the_conversation_is_refused_with_a_clear_message(town, client_for, language, text):
    case = _referred(town)
    services.accept(case, by=town["sc"])
    sc = client_for(town["sc"])
    response = sc.post(f"/cases/{case.pk}/close/", {"outcome": "moved", "on": timezone.localdate().isoformat()},
                       HTTP_ACCEPT_LANGUAGE=language, follow=True)
    assert text in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED


def test_an_ons4_answer_of_11_is_refused_on_the_page_and_in_the_api(town, client_for):
    case = _referred(town)
    services.accept(case, by=town["sc"])
    sc = client_for(town["sc"])
    response = sc.post(f"/cases/{case.pk}/conversation/", {"on": timezone.localdate().isoformat(),
                                                          "what_matters": "話したい", **ONS4_FORM, "anxiety": "11"})
    assert response.status_code == 200
    assert "0から10までの整数" in response.content.decode()
    response = sc.post(f"/api/v1/cases/{case.pk}/conversation", json.dumps({
        "what_matters": "話したい", "ons4": {**{k: int(v) for k, v in ONS4_FORM.items()}, "anxiety": 11}}),
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    body = response.json()
    assert response.status_code == 400 and body["code"] == "invalid_ons4"
    assert body["fields"]["anxiety"] == ["Answer with a whole number from 0 to 10."]
    assert not WellbeingScore.objects.exists()
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED


def test_a_follow_up_in_the_past_is_refused_by_the_api(town, client_for):
    case = _referred(town)
    services.accept(case, by=town["sc"])
    services.record_conversation(case, by=town["sc"], what_matters="x",
                                 ons4={k: int(v) for k, v in ONS4_FORM.items()})
    sc = client_for(town["sc"])
    response = sc.post(f"/api/v1/cases/{case.pk}/follow-ups", json.dumps({
        "due_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat()}), content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "date_in_past"
    assert "過去" in response.json()["message"]
    assert not FollowUp.objects.exists()


def test_another_municipalitys_resident_cannot_be_referred(town, client_for):
    centre = client_for(town["centre"])
    response = centre.post("/api/v1/cases", json.dumps({"resident_id": town["stranger"].pk,
                                                        "referrer_kind": "support_center", "reason": "x"}),
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "unknown_resident"
    response = centre.post("/cases/refer/", {"resident": town["stranger"].pk, "referrer_kind": "support_center",
                                             "reason": "x"})
    assert response.status_code == 200  # not a choice of the form: refused, nothing written
    assert not Case.objects.exists()


def test_the_api_walks_the_case_and_logs_every_read(town, client_for):
    sc = client_for(town["sc"])
    case = _referred(town)

    def post(path, body):
        r = sc.post(f"/api/v1/cases/{case.pk}{path}", json.dumps(body), content_type="application/json")
        assert r.status_code == 200, r.content
        return r.json()

    assert post("/accept", {"version": case.version})["status"] == "accepted"
    post("/conversation", {"what_matters": "散歩", "domains": {"places": "公園"},
                           "ons4": {"life_satisfaction": 5, "worthwhile": 5, "happiness": 5, "anxiety": 5}})
    data = post("/goals", {"text": "散歩を続ける", "options": [{"kind": "other", "label": "ウォーキングの会"}]})
    option_id = data["goals"][0]["options"][0]["id"]
    data = post(f"/options/{option_id}", {"status": "tried"})
    assert data["status"] == "connected" and len(data["follow_ups"]) == 2
    data = post("/close", {"outcome": "connected_continuing",
                           "ons4": {"life_satisfaction": 8, "worthwhile": 7, "happiness": 7, "anxiety": 2}})
    assert {r["key"]: r["change"] for r in data["wellbeing"]}["anxiety"] == -3
    before = AccessLog.objects.count()
    assert sc.get(f"/api/v1/cases/{case.pk}").status_code == 200
    assert AccessLog.objects.count() == before + 1
    load = sc.get("/api/v1/cases/caseload").json()
    assert load["per_area"][0]["by_status"]["closed"] == 1


def test_a_coordinator_of_another_area_gets_404(town, client_for):
    case = _referred(town)
    other = client_for(town["sc_south"])
    assert other.get(f"/cases/{case.pk}/").status_code == 404
    assert other.get(f"/api/v1/cases/{case.pk}").status_code == 404


def test_the_home_page_shows_overdue_follow_ups_and_unanswered_referrals(town, client_for, new_resident):
    case = _referred(town)
    services.accept(case, by=town["sc"])
    services.record_conversation(case, by=town["sc"], what_matters="x",
                                 ons4={k: int(v) for k, v in ONS4_FORM.items()})
    FollowUp.objects.create(case=case, due_on=timezone.localdate() - dt.timedelta(days=5))
    waiting = services.refer(by=town["centre"], resident=town["quiet"], referrer_kind="doctor", reason="x")
    Case.objects.filter(pk=waiting.pk).update(escalated_at=timezone.now())
    page = client_for(town["sc"]).get("/").content.decode()
    assert "今日のフォローアップ" in page and "期限切れ" in page
    assert "未回答の紹介" in page and f"/cases/{waiting.pk}/" in page and "第1層SCに上げました" in page
