"""HTTP tests of the partners pages and API: the clerk's alert in ≤ 3 screens, the reporter
sees only "received"/"handled", a partner never receives household data or another
partner's proposal."""

import json

import pytest

from sasaeai.needs.models import Need, NeedStatus
from sasaeai.needs.services import need_change_status
from sasaeai.partners import services
from sasaeai.partners.models import WatchAlert
from tests.conftest import login_client

from .conftest import register

pytestmark = pytest.mark.django_db


def test_clerk_reports_an_alert_and_sees_only_received_then_handled(town):
    client = login_client(town["clerk"])
    page = client.get("/partners/alerts/new/")
    assert page.status_code == 200 and b"alert-form" in page.content
    response = client.post("/partners/alerts/new/", {"signs": ["post_piling", "lights"], "text": "新聞が3日分",
                                                     "place": "北町2丁目 青い屋根の家", "area": town["north"].pk})
    assert response.status_code == 302 and response["Location"] == "/partners/alerts/"
    need = Need.objects.get()
    receipts = client.get("/partners/alerts/").content.decode()
    assert "青い屋根" not in receipts and "新聞" not in receipts
    sc = login_client(town["sc"])
    assert "青い屋根" in sc.get(f"/needs/{need.pk}/").content.decode()
    need_change_status(need=need, by=town["sc"], to=NeedStatus.TRIAGED)
    need_change_status(need=need, by=town["sc"], to=NeedStatus.CLOSED)
    api = client.get("/api/v1/partners/alerts").json()
    assert api == [{"id": WatchAlert.objects.get().pk, "reported_at": api[0]["reported_at"], "status": "handled"}]


def test_emergency_shows_call_119_first_and_saves_nothing(town):
    client = login_client(town["clerk"])
    response = client.post("/partners/alerts/new/", {"signs": ["collapsed"], "place": "北町1", "area": town["north"].pk})
    body = response.content.decode()
    assert response.status_code == 200 and 'id="emergency-first"' in body and 'href="tel:119"' in body
    assert not Need.objects.exists()
    response = client.post("/partners/alerts/new/", {"signs": ["collapsed"], "place": "北町1",
                                                     "area": town["north"].pk, "emergency_called": "1"})
    assert response.status_code == 302 and Need.objects.get().urgency == "urgent"


def test_api_alert_without_place_is_a_clear_400(town):
    client = login_client(town["clerk"])
    response = client.post("/api/v1/partners/alerts", json.dumps({"partner_id": town["shop"].pk,
                                                                   "signs": ["laundry"], "area_id": town["north"].pk}),
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] and "place" in response.json()["fields"]
    assert not Need.objects.exists()


def test_api_partner_cannot_read_another_partners_proposal(town):
    register(town, town["shop"], town["clerk"])
    register(town, town["bank"], town["banker"])
    c = services.challenge_create(by=town["sc"], municipality=town["m"], category="shopping", area=town["north"],
                                  title="買い物支援", business_terms="週1回")
    theirs = services.proposal_submit(by=town["banker"], challenge=c, partner=town["bank"], description="秘密の価格表",
                                      area_text="北")
    client = login_client(town["clerk"])
    assert client.get(f"/api/v1/partners/proposals/{theirs.pk}").status_code == 404
    assert "秘密の価格表" not in client.get("/partners/proposals/").content.decode()
    assert "秘密の価格表" not in json.dumps(client.get("/api/v1/partners/proposals").json(), ensure_ascii=False)
    ok = client.post(f"/api/v1/partners/challenges/{c.pk}/proposals",
                     json.dumps({"partner_id": town["shop"].pk, "description": "移動販売", "area_text": "北"}),
                     content_type="application/json")
    assert ok.status_code == 201 and ok.json()["status"] == "submitted"
    services.challenge_close(by=town["sc"], challenge=c)
    closed = client.post(f"/api/v1/partners/challenges/{c.pk}/proposals",
                         json.dumps({"partner_id": town["shop"].pk, "description": "x", "area_text": "北"}),
                         content_type="application/json")
    assert closed.status_code in (400, 404)


def test_national_view_only_for_operator(town, make_user):
    from sasaeai.tenancy.models import Role

    assert login_client(town["l1"]).get("/api/v1/partners/national").status_code == 403
    operator = make_user(Role.OPERATOR, None)
    body = login_client(operator).get("/api/v1/partners/national").json()
    assert body["k"] >= 1


def test_resource_of_a_registered_partner_shows_the_badge(town):
    from sasaeai.directory.models import Service

    register(town, town["shop"], town["clerk"])
    resource = Service.objects.create(municipality=town["m"], organization=town["shop"].organization,
                                      area=town["north"], name="移動販売", category="mobile_sales", status="published")
    body = login_client(town["sc"]).get(f"/directory/r/{resource.pk}/").content.decode()
    assert "partner-badge" in body and "人生100年サポート企業" in body


def test_the_partner_staff_home_shows_their_reports_proposals_to_revise_and_open_challenges(town):
    register(town, town["shop"], town["clerk"])
    first = services.alert_report(by=town["clerk"], partner=town["shop"], signs=["laundry"], text="洗濯物が三日",
                                  place="北町 赤いポストの家", area=town["north"])
    services.alert_report(by=town["clerk"], partner=town["shop"], signs=["lights"], text="夜も電気が消えない",
                          place="北町 角の家", area=town["north"])
    need_change_status(need=first.need, by=town["sc"], to=NeedStatus.CLOSED)
    challenge = services.challenge_create(by=town["sc"], municipality=town["m"], category="shopping",
                                          area=town["north"], title="買い物支援", business_terms="週1回")
    services.challenge_create(by=town["sc"], municipality=town["m"], category="shopping", area=town["north"],
                              title="移動販売", business_terms="月2回")
    proposal = services.proposal_submit(by=town["clerk"], challenge=challenge, partner=town["shop"],
                                        description="配達", area_text="北")
    services.proposal_review(by=town["sc"], proposal=proposal, decision="changes", reason="曜日を明記")
    client = login_client(town["clerk"])
    home = client.get("/", headers={"accept-language": "ja"}).content.decode()
    assert "協力事業者としての取り組み" in home and 'href="/partners/alerts/new/"' in home
    panel = home[home.index('id="partner-panel"'):]
    panel = panel[:panel.index("</ul>")]
    assert panel.count("のお知らせ：対応済み") == 1 and panel.count("のお知らせ：受付済み") == 1
    assert "修正を依頼された提案が 1 件あります" in panel and "提案を募集中の課題が 2 件あります" in panel
    assert "赤いポスト" not in home and "洗濯物" not in home
    # The receipts page says the same words for each report's status.
    receipts = client.get("/partners/alerts/", headers={"accept-language": "ja"}).content.decode()
    assert "受付済み" in receipts and "対応済み" in receipts and "受付日時" not in receipts
    # Another partner's staff (not registered) see their own, empty, panel.
    other = login_client(town["banker"]).get("/", headers={"accept-language": "ja"}).content.decode()
    assert "まだ知らせたものはありません。" in other and "修正を依頼" not in other and "課題が" not in other
