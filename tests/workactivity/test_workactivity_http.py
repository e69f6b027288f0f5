"""Pages and API of the work-like activities app: what each role sees, bad input answered with
a clear message and nothing written, and partners never see a person's details."""

import datetime as dt

import pytest

from sasaeai.workactivity import services
from sasaeai.workactivity.models import WorkInterest, WorkParticipation, WorkPlacement, WorkTask

from .conftest import make_person, make_task

pytestmark = pytest.mark.django_db


def test_the_coordinator_sees_ranked_candidates_with_explanations_and_confirms(town, make_user, client_for):
    _a, near = make_person(town, make_user, "近藤 花子", lat=35.665, lon=139.33,
                           skills=("cashier",))
    _b, _far = make_person(town, make_user, "遠藤 次郎", lat=35.68, lon=139.33)
    _c, _farm = make_person(town, make_user, "畑中 三郎", kinds=("farm",))
    task = make_task(town, slots=1, skills=["cashier"])
    c = client_for(town["work"])
    html = c.get(f"/work/{task.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert html.index("近藤 花子") < html.index("遠藤 次郎")
    assert "0.6 km" in html and "得意：レジ・接客" in html and "その日時は空いている" in html
    assert "畑中 三郎: 希望していない種類の仕事" in html
    response = c.post(f"/work/{task.pk}/confirm/", {"interest": near.pk})
    assert response.status_code == 302
    placement = WorkPlacement.objects.get(task=task)
    assert placement.interest == near and placement.rank == 1
    assert {"code": "skills", "value": "cashier"} in placement.reasons
    task.refresh_from_db()
    assert task.status == "filled"


def test_partner_staff_post_a_task_and_see_only_names(town, make_user, client_for):
    c = client_for(town["clerk"])
    response = c.post("/work/new/", {
        "partner": town["shop"].pk, "title": "品出し", "category": "shop", "area": town["north"].pk,
        "address": "本町1-1", "date": town["day"].isoformat(), "start_time": "10:00", "end_time": "12:00",
        "slots": "2", "skills": ["lifting"], "reward_text": "", "publish": "1"})
    assert response.status_code == 302
    task = WorkTask.objects.get()
    assert task.partner == town["shop"] and task.status == "open" and task.reward_label == "無償"
    user, interest = make_person(town, make_user, "秘密 太郎")
    WorkInterest.objects.filter(pk=interest.pk).update(note="持病のメモ")
    services.placement_confirm(by=town["work"], task=task, interest=interest)
    html = c.get(f"/work/{task.pk}/").content.decode()
    assert "秘密 太郎" in html
    assert "持病のメモ" not in html and user.email not in html and "候補者" not in html
    api = c.get(f"/api/v1/workactivity/tasks/{task.pk}/placements").json()
    assert api == [{"id": api[0]["id"], "task_id": task.pk, "name": "秘密 太郎", "status": "confirmed",
                    "status_label": "決定"}]
    assert c.get(f"/api/v1/workactivity/tasks/{task.pk}/candidates").status_code == 403
    # Another partner's staff: the task does not exist for them.
    assert client_for(town["farmer"]).get(f"/work/{task.pk}/").status_code == 404


@pytest.mark.parametrize("change, message", [
    ({"slots": "0"}, "募集人数は1人以上"),
    ({"start_time": "12:00", "end_time": "10:00"}, "終了時刻は開始時刻より後"),
])
def test_bad_tasks_on_the_page_write_nothing(town, client_for, change, message):
    data = {"partner": town["shop"].pk, "title": "品出し", "category": "shop", "area": town["north"].pk,
            "address": "本町1-1", "date": town["day"].isoformat(), "start_time": "10:00", "end_time": "12:00",
            "slots": "2", **change}
    response = client_for(town["clerk"]).post("/work/new/", data, HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not WorkTask.objects.exists()


def test_bad_tasks_through_the_api_answer_400_in_english_too(town, client_for):
    body = {"partner_id": town["shop"].pk, "title": "品出し", "category": "shop", "area_id": town["north"].pk,
            "address": "本町1-1", "date": town["day"].isoformat(), "start_time": "10:00", "end_time": "12:00",
            "slots": 0}
    r = client_for(town["clerk"]).post("/api/v1/workactivity/tasks", body, content_type="application/json",
                                       HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400
    assert "at least one person" in str(r.json())
    assert not WorkTask.objects.exists()
    body["slots"] = 2
    r = client_for(town["clerk"]).post("/api/v1/workactivity/tasks", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "draft"


def test_placing_beyond_slots_or_twice_through_the_api(town, make_user, client_for):
    _a, a = make_person(town, make_user, "一郎")
    _b, b = make_person(town, make_user, "二郎")
    task = make_task(town, slots=1)
    c = client_for(town["work"])
    url = f"/api/v1/workactivity/tasks/{task.pk}/placements"
    assert c.post(url, {"interest_id": a.pk}, content_type="application/json").status_code == 201
    for person in (a, b):
        r = c.post(url, {"interest_id": person.pk}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ja")
        assert r.status_code == 400 and r.json()["code"] in ("not_open", "already_placed")
    assert WorkPlacement.objects.count() == 1


def test_an_older_resident_registers_interest_and_sees_offered_work(town, make_user, client_for):
    user = make_user("resident", town["m"], display_name="佐藤 ハナ")
    c = client_for(user)
    r = c.post("/work/me/", {"kinds": ["shop"], "weekdays": ["2"], "available_from": "09:00",
                             "available_until": "13:00", "area": town["north"].pk, "radius_km": "3",
                             "max_hours_per_week": "6", "travel_mode": "walk"}, HTTP_ACCEPT_LANGUAGE="ja")
    assert r.status_code == 400 and "同意してください" in r.content.decode()
    assert not WorkInterest.objects.exists()
    r = c.post("/work/me/", {"kinds": ["shop"], "weekdays": ["2"], "available_from": "09:00",
                             "available_until": "13:00", "area": town["north"].pk, "radius_km": "3",
                             "max_hours_per_week": "6", "travel_mode": "walk", "consent": "1"})
    assert r.status_code == 302
    task = make_task(town, title="袋詰めのお手伝い")
    make_task(town, category="farm", title="草取り")
    html = c.get("/work/me/").content.decode()
    assert "袋詰めのお手伝い" in html and "草取り" not in html
    assert c.get(f"/work/{task.pk}/").status_code == 200
    services.placement_confirm(by=town["work"], task=task, interest=WorkInterest.objects.get(user=user))
    assert "あなたはこの仕事に決定しています" in c.get(f"/work/{task.pk}/").content.decode()
    assert c.get("/api/v1/workactivity/me/interest").json()["kinds"] == ["shop"]
    assert c.post(f"/work/{task.pk}/confirm/", {"interest": 1}).status_code == 403


def test_participation_on_the_page_and_the_panel(town, make_user, client_for):
    from django.utils import timezone

    _a, a = make_person(town, make_user, "一郎", weekdays=range(7))
    today = timezone.localdate()
    task = make_task(town, day=today - dt.timedelta(days=7), weekly_until=today + dt.timedelta(days=7))
    p = services.placement_confirm(by=None, task=task, interest=a)
    c = client_for(town["clerk"])
    r = c.post(f"/work/placements/{p.pk}/participation/", {"date": task.date.isoformat(), "attended": "1",
                                                           "hours": "1.5"})
    assert r.status_code == 302
    assert WorkParticipation.objects.get().hours == 1.5
    r = c.post(f"/work/placements/{p.pk}/participation/", {"date": "2000-01-01", "attended": "1"}, follow=True,
               HTTP_ACCEPT_LANGUAGE="ja")
    assert "仕事が行われる日付を選んでください" in r.content.decode()
    assert WorkParticipation.objects.count() == 1
    home = client_for(town["work"]).get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "今日の就労的活動" in home and task.title in home


def test_other_municipality_gets_404(town, make_user, make_municipality, client_for):
    task = make_task(town)
    other = make_user("work_coordinator", make_municipality())
    c = client_for(other)
    assert c.get(f"/work/{task.pk}/").status_code == 404
    assert c.get(f"/api/v1/workactivity/tasks/{task.pk}").status_code == 404
    assert c.post(f"/work/{task.pk}/confirm/", {"interest": 1}).status_code == 404


def test_odd_input_is_refused_without_an_error_page(town, client_for):
    task = make_task(town)
    c = client_for(town["work"])
    for value in ("9" * 30, "abc", ""):
        r = c.post(f"/work/{task.pk}/confirm/", {"interest": value}, follow=True, HTTP_ACCEPT_LANGUAGE="ja")
        assert r.status_code == 200 and "候補者を選んでください" in r.content.decode()
    r = c.post(f"/work/{task.pk}/status/", {"action": "explode"}, follow=True, HTTP_ACCEPT_LANGUAGE="ja")
    assert "募集開始か終了かを選んでください" in r.content.decode()
    assert not WorkPlacement.objects.exists()
