"""SC Cafés as events (issue 16 §4): registration is the event's sign-up (capacity, waiting
list, promotion), across municipalities; the recording link afterwards; the survey after the
start, once. The coordinators' dashboard panel and the demo exchange."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from sasaeai.events import services as events
from sasaeai.events.models import Event, EventType, SignUp
from sasaeai.exchange import dashboard, services
from sasaeai.exchange.models import CafeRegistration, CafeSession, CafeSurvey, Post
from sasaeai.notifications.models import Notification
from tests.conftest import login_client
from tests.exchange.conftest import code_of

pytestmark = pytest.mark.django_db


def _cafe(ex, **kw):
    kw.setdefault("starts_at", timezone.now() + dt.timedelta(days=5))
    return services.create_cafe(by=ex["sc_a"], space=ex["tokyo"], title="SCカフェ 第2回",
                                join_url="https://meet.example.test/x", **kw)


def _to_past(cafe):
    start = timezone.now() - dt.timedelta(days=1)
    CafeSession.objects.filter(pk=cafe.pk).update(starts_at=start)
    Event.objects.filter(pk=cafe.event_id).update(starts_at=start, ends_at=start + dt.timedelta(hours=1))
    cafe.refresh_from_db()
    return cafe


def test_a_cafe_is_a_staff_only_event_of_the_organisers_municipality(ex):
    cafe = _cafe(ex)
    event = cafe.event
    assert (event.event_type, event.municipality_id, event.organiser_id) == (EventType.SC_NETWORK, ex["a"].pk,
                                                                               ex["sc_a"].pk)
    assert not event.shown_to_residents and event.online_url == "https://meet.example.test/x"
    assert event.ends_at - event.starts_at == dt.timedelta(minutes=60)
    # Every coordinator of the space reads it (sc_b is of another municipality), a resident does not.
    from sasaeai.events import selectors as ev_selectors

    assert ev_selectors.events_for(ex["sc_b"]).filter(pk=event.pk).exists()
    assert not ev_selectors.events_for(ex["resident"]).filter(pk=event.pk).exists()
    assert not ev_selectors.events_for(ex["sc_osaka"]).filter(pk=event.pk).exists()


def test_bad_cafe_input_writes_nothing(ex):
    with pytest.raises(ValidationError) as exc:
        _cafe(ex, starts_at=timezone.now() - dt.timedelta(hours=1))
    assert code_of(exc.value) == "invalid_times"
    with pytest.raises(ValidationError):
        services.create_cafe(by=ex["sc_a"], space=ex["tokyo"], title="  ", starts_at=timezone.now()
                             + dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        _cafe(ex, minutes=2)
    with pytest.raises(services.NotMember):
        services.create_cafe(by=ex["sc_osaka"], space=ex["tokyo"], title="x",
                             starts_at=timezone.now() + dt.timedelta(days=1))
    assert not CafeSession.objects.exists() and not Event.objects.exists()


def test_registration_is_the_event_sign_up_with_a_waiting_list(ex):
    cafe = _cafe(ex, capacity=1)
    services.register_cafe(by=ex["sc_b"], session=cafe)
    services.register_cafe(by=ex["sc_b"], session=cafe)  # twice: harmless
    services.register_cafe(by=ex["mod"], session=cafe)
    assert list(SignUp.objects.filter(event=cafe.event).values_list("person_id", "status")) == [
        (ex["sc_b"].pk, "confirmed"), (ex["mod"].pk, "waiting")]
    assert CafeRegistration.objects.filter(session=cafe).count() == 2
    page = login_client(ex["mod"]).get(reverse("exchange:cafe", args=[cafe.pk])).content.decode()
    assert "キャンセル待ち" in page and "meet.example.test" not in page
    first = SignUp.objects.get(event=cafe.event, person=ex["sc_b"])
    events.cancel_signup(by=ex["sc_b"], signup=first)
    assert SignUp.objects.get(event=cafe.event, person=ex["mod"]).status == "offered"


def test_registering_for_a_cafe_that_took_place_is_refused(ex):
    cafe = _to_past(_cafe(ex))
    with pytest.raises(ValidationError) as exc:
        services.register_cafe(by=ex["sc_b"], session=cafe)
    assert code_of(exc.value) == "event_past"
    assert not CafeRegistration.objects.exists()


def test_recording_link_afterwards_by_the_organiser_notifies_the_registered(ex):
    cafe = _cafe(ex)
    services.register_cafe(by=ex["sc_b"], session=cafe)
    with pytest.raises(ValidationError) as exc:
        services.set_recording(by=ex["sc_a"], session=cafe, url="https://video.example.test/2")
    assert code_of(exc.value) == "not_yet"
    cafe = _to_past(cafe)
    with pytest.raises(PermissionDenied):
        services.set_recording(by=ex["sc_b"], session=cafe, url="https://video.example.test/2")
    with pytest.raises(ValidationError) as exc:
        services.set_recording(by=ex["sc_a"], session=cafe, url="javascript:alert(1)")
    assert code_of(exc.value) == "invalid_url"
    client = login_client(ex["sc_a"])
    r = client.post(reverse("exchange:cafe_recording", args=[cafe.pk]),
                    {"recording_url": "https://video.example.test/2"})
    assert r.status_code == 302
    cafe.refresh_from_db()
    assert cafe.recording_url == "https://video.example.test/2"
    note = Notification.objects.get(user=ex["sc_b"], kind="exchange_recording")
    assert note.url.endswith(reverse("exchange:cafe", args=[cafe.pk]))
    assert login_client(ex["sc_b"]).post(reverse("exchange:cafe_recording", args=[cafe.pk]),
                                         {"recording_url": "https://x.test/"}).status_code == 403


def test_survey_opens_after_the_start_and_is_answered_once(ex):
    cafe = _cafe(ex)
    services.register_cafe(by=ex["sc_b"], session=cafe)
    with pytest.raises(ValidationError) as exc:
        services.answer_survey(by=ex["sc_b"], session=cafe, satisfaction=5, watched="live")
    assert exc.value.code == "survey_not_open"
    cafe = _to_past(cafe)
    client = login_client(ex["sc_b"])
    url = reverse("exchange:cafe_survey", args=[cafe.pk])
    client.post(url, {"satisfaction": "4", "watched": "later"})
    r = client.post(url, {"satisfaction": "1", "watched": "none"}, follow=True)
    assert "回答済み" in r.content.decode()
    assert list(CafeSurvey.objects.values_list("satisfaction", "watched")) == [(4, "later")]


def test_cafe_planned_from_the_space_page(ex):
    client = login_client(ex["sc_b"])
    when = timezone.localtime(timezone.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    r = client.post(reverse("exchange:cafe_new", args=[ex["tokyo"].pk]),
                    {"title": "SCカフェ：見守り", "starts_at": when, "minutes": "90", "capacity": "20",
                     "join_url": "https://meet.example.test/y"})
    cafe = CafeSession.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("exchange:cafe", args=[cafe.pk])
    assert cafe.event.municipality_id == ex["b"].pk and cafe.event.capacity == 20
    bad = client.post(reverse("exchange:cafe_new", args=[ex["tokyo"].pk]), {"title": "x", "starts_at": "nope"},
                      follow=True)
    assert bad.status_code == 200 and CafeSession.objects.count() == 1
    assert login_client(ex["resident"]).post(reverse("exchange:cafe_new", args=[ex["tokyo"].pk]),
                                             {"title": "x", "starts_at": when}).status_code == 404


def test_dashboard_panel_counts_new_and_unanswered_and_shows_the_next_cafe(ex):
    q = services.post_thread(by=ex["sc_a"], space=ex["tokyo"], body="誰か教えてください", anonymous=True)
    answered = services.post_thread(by=ex["sc_a"], space=ex["national"], body="回答済みの質問")
    services.post_reply(by=ex["sc_osaka"], thread=answered, body="どうぞ")
    cafe = _cafe(ex)
    s = dashboard.summary(ex["sc_b"])
    assert s["new_count"] == 2 and [t.pk for t in s["unanswered"]] == [q.pk] and s["next_cafe"] == cafe
    assert dashboard.summary(ex["sc_osaka"])["unanswered_count"] == 0  # not in Tokyo's space
    client = login_client(ex["sc_b"])
    page = client.get("/").content.decode()
    assert "SCカフェ 第2回" in page and "誰か教えてください" in page
    assert "佐藤花子" not in page  # the anonymous author is never on the panel


def test_demo_exchange_has_50_posts_across_two_municipalities_once(make_municipality, make_user):
    from sasaeai.demo.town import DemoTown
    from sasaeai.exchange import demo
    from sasaeai.tenancy.models import Area, Role

    m = make_municipality(n_areas=2)
    a1, a2 = Area.objects.filter(municipality=m, layer=2).order_by("name")
    make_user(Role.COORDINATOR_L1, m)
    make_user(Role.COORDINATOR_L2, m, areas=[a1])
    make_user(Role.COORDINATOR_L2, m, areas=[a2])
    town = DemoTown(municipality=m, areas=[a1, a2], seed=1, scale="small")
    counts = demo.seed(town)
    assert counts["posts"] >= 50 and Post.objects.count() == counts["posts"]
    assert counts["anonymous"] > 0 and counts["accepted"] > 0 and counts["practices"] >= 5
    assert Post.objects.values("author_municipality").distinct().count() == 2
    assert Post.objects.filter(kind="discussion").exclude(topic="").exists()
    assert Post.objects.filter(kind="practice", area_type__gt="", population__isnull=False).exists()
    assert CafeSurvey.objects.exists() and CafeSession.objects.filter(recording_url__gt="").exists()
    assert CafeSession.objects.filter(starts_at__gt=timezone.now(), registrations__isnull=False).exists()
    n = (Post.objects.count(), CafeSession.objects.count(), SignUp.objects.count())
    assert demo.seed(town) == {"posts": 0}
    assert (Post.objects.count(), CafeSession.objects.count(), SignUp.objects.count()) == n
    # The exchange's demo runs before the events' one (INSTALLED_APPS order): its cafés' events
    # must not make the events demo think it already ran.
    from sasaeai.events import demo as events_demo

    for _ in range(12):
        make_user(Role.RESIDENT, m)
    assert events_demo.seed(town)["events"] > 0
