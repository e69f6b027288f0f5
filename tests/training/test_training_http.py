"""Pages and API of the training app: the tick-list, the certificate PDF (Japanese, with the
code), the public verification page (unknown code → clear message and 404), my training, the
API, KPIs from data, the home panel, demo data."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from sasaeai.events import services as event_services
from sasaeai.helpers.models import HelperQualification
from sasaeai.tenancy.models import Role
from sasaeai.training import kpis, services
from sasaeai.training.models import Completion, Course
from tests.conftest import login_client

from .conftest import held

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_tick_list_records_completion_once(town):
    client = login_client(town["sc"])
    url = reverse("training:session", args=[town["session"].pk])
    page = client.get(url)
    assert page.status_code == 200 and town["resident"].display_name in page.content.decode()
    r = client.post(url, {"person": town["helper"].user.pk}, follow=True)
    assert "修了を記録しました" in r.content.decode()
    r = client.post(url, {"person": town["helper"].user.pk}, follow=True)
    assert "既にこの講座を修了" in r.content.decode()
    assert Completion.objects.count() == 1
    assert HelperQualification.objects.filter(profile=town["helper"], code="ninchisho_supporter").count() == 1


def test_tick_list_refuses_someone_not_signed_up(town):
    stranger = town["make_user"](Role.RESIDENT, town["m"])
    client = login_client(town["sc"])
    r = client.post(reverse("training:session", args=[town["session"].pk]), {"person": stranger.pk}, follow=True)
    assert "当日参加" in r.content.decode() and not Completion.objects.exists()
    r = client.post(reverse("training:session", args=[town["session"].pk]), {"person": "abc"}, follow=True)
    assert r.status_code == 200 and not Completion.objects.exists()


def test_certificate_pdf_and_public_verification(town, client):
    c, _ = services.record_completion(by=town["sc"], session=town["session"], person=town["resident"])
    own = login_client(town["resident"])
    mine = own.get(reverse("training:mine"))
    assert mine.status_code == 200 and c.display_code in mine.content.decode()
    pdf = own.get(reverse("training:certificate", args=[c.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    assert "修" in text and "佐藤花子" in text and c.display_code in text and "認知症サポーター養成講座" in text
    # Someone else cannot download it.
    other = town["make_user"](Role.RESIDENT, town["m"])
    assert login_client(other).get(reverse("training:certificate", args=[c.pk])).status_code == 404
    # Anyone can check the code; the name is masked.
    page = client.get(reverse("training:verify") + "?code=" + c.display_code.lower())
    assert page.status_code == 302 and page["Location"].endswith(f"/training/verify/{c.code}/")
    page = client.get(page["Location"])
    body = page.content.decode()
    assert page.status_code == 200 and "有効" in body and "佐＊＊＊" in body and "佐藤花子" not in body
    api = client.get(f"/api/v1/training/verify/{c.display_code}")
    assert api.status_code == 200 and api.json()["valid"] is True and api.json()["holder"] == "佐＊＊＊"


@pytest.mark.parametrize("code", ["ZZZZ-ZZZZ-ZZZZ", "nonsense", "1" * 40])
def test_unknown_code_is_a_clear_404(client, code, town):
    page = client.get(reverse("training:verify_code", args=[code]))
    assert page.status_code == 404
    assert "この番号の修了証はありません" in page.content.decode()
    api = client.get(f"/api/v1/training/verify/{code}")
    assert api.status_code == 404 and api.json()["code"] == "not_found"


def test_course_pages_create_course_and_session(town):
    client = login_client(town["sc"])
    assert client.get(reverse("training:list")).status_code == 200
    r = client.post(reverse("training:new"), {"municipality": town["m"].pk, "title": "普通救命講習",
                                              "kind": "first_aid", "scope": "municipal", "grants": "default",
                                              "valid_years": "3"})
    course = Course.objects.get(title="普通救命講習")
    assert r.status_code == 302 and course.grants == "first_aid" and course.valid_years == 3
    day = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    r = client.post(reverse("training:session_new", args=[course.pk]),
                    {"date": day, "start": "10:00", "end": "13:00", "capacity": "20", "place": "消防署"}, follow=True)
    assert course.sessions.count() == 1 and "消防署" in r.content.decode()
    r = client.post(reverse("training:new"), {"municipality": town["m"].pk, "title": "", "kind": "first_aid"})
    assert r.status_code == 200 and "タイトル" in r.content.decode()
    r = client.post(reverse("training:session_new", args=[course.pk]), {"date": "bad"}, follow=True)
    assert course.sessions.count() == 1
    # A resident does not see the staff pages.
    assert login_client(town["resident"]).get(reverse("training:list")).status_code == 403


def test_api_record_and_mine(town):
    client = login_client(town["sc"])
    url = f"/api/v1/training/sessions/{town['session'].pk}/completions"
    r = client.post(url, {"person_id": town["helper"].user.pk}, content_type="application/json")
    assert r.status_code == 201 and r.json()["created"] and r.json()["qualification_applied"]
    r = client.post(url, {"person_id": town["helper"].user.pk}, content_type="application/json")
    assert r.status_code == 201 and not r.json()["created"]
    stranger = town["make_user"](Role.RESIDENT, town["m"])
    r = client.post(url, {"person_id": stranger.pk}, content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "not_signed_up"
    r = client.post(url, {"person_id": stranger.pk, "walk_in": True}, content_type="application/json")
    assert r.status_code == 201 and r.json()["walk_in"]
    mine = login_client(town["helper"].user).get("/api/v1/training/my/completions")
    assert mine.status_code == 200 and len(mine.json()) == 1
    course = client.get(f"/api/v1/training/courses/{town['course'].pk}")
    assert course.status_code == 200 and len(course.json()["sessions"]) == 1


def _indicator(key):
    return next(i for i in kpis.indicators() if i["key"] == key)


def test_kpis_come_from_data(town):
    m = town["m"]
    today = timezone.localdate()
    start, end = dt.date(today.year - 1, 1, 1), dt.date(today.year + 1, 12, 31)
    sc_course = services.create_course(by=town["sc"], municipality=m, title="SC現任者研修", kind="sc_in_service",
                                       scope="prefectural")
    coordinators = [town["make_user"](Role.COORDINATOR_L1, m) for _ in range(2)]
    for k in range(3):
        begin = timezone.now() + dt.timedelta(days=1 + k)
        s = services.add_session(by=town["sc"], course=sc_course, starts_at=begin,
                                 ends_at=begin + dt.timedelta(hours=3), capacity=10, place="県庁")
        event_services.sign_up(by=coordinators[k % 2], event=s.event)
        if k < 2:  # the third session is cancelled before it is held
            held(s, hours_ago=24 * (k + 1))
            services.record_completion(by=town["sc"], session=s, person=coordinators[k])
        else:
            event_services.cancel_event(by=town["sc"], event=s.event)
    sessions = _indicator("training_sc_course_sessions")
    assert sessions["compute"](m, None, start, end) == (2, None)
    assert sessions["records"](m, None, start, end).count() == 2
    assert sessions["target"] == 4
    services.record_completion(by=town["sc"], session=town["session"], person=town["helper"].user)
    services.record_completion(by=town["sc"], session=town["session"], person=town["resident"])
    assert _indicator("training_dementia_supporters")["compute"](m, None, start, end) == (2, None)
    assert _indicator("training_dementia_supporters")["compute"](m, town["a2"], start, end) == (0, None)
    assert _indicator("training_completions")["compute"](m, None, start, end) == (4, None)
    from sasaeai.kpis import registry

    keys = [i.key for i in registry.indicators()]
    assert len(keys) == len(set(keys)) and "training_sc_course_sessions" in keys and "sc_training_sessions" in keys


def test_home_panel_for_the_organiser_and_the_holder(town):
    page = login_client(town["sc"]).get(reverse("core:home"))
    assert page.status_code == 200 and town["course"].title in page.content.decode()
    services.record_completion(by=town["sc"], session=town["session"], person=town["resident"])
    page = login_client(town["resident"]).get(reverse("core:home"))
    assert page.status_code == 200 and reverse("training:mine") in page.content.decode()


def test_notification_link_is_a_page(town):
    from sasaeai.notifications.models import Notification

    services.record_completion(by=town["sc"], session=town["session"], person=town["resident"])
    n = Notification.objects.get(kind="training.completed")
    assert login_client(town["resident"]).get(n.url).status_code == 200


def test_walk_in_found_by_login_at_the_door(town):
    stranger = town["make_user"](Role.RESIDENT, town["m"], email="walkin@example.test")
    client = login_client(town["sc"])
    url = reverse("training:session", args=[town["session"].pk])
    r = client.post(url, {"login": "nobody@example.test", "walk_in": "1"}, follow=True)
    assert "アカウントはありません" in r.content.decode() and not Completion.objects.exists()
    r = client.post(url, {"login": "WALKIN@example.test", "walk_in": "1"}, follow=True)
    c = Completion.objects.get(person=stranger)
    assert c.walk_in and "（当日参加）" in r.content.decode()
