"""The coordinators' exchange: who takes part, anonymous posting (a non-moderator never gets
the author — pages, JSON, notifications, HTML source, search), answers, reactions, moderation
with an audit trail, SC Café registration and survey, the weekly digest, and bad input."""

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sasaeai.exchange import selectors, services
from sasaeai.exchange.models import CafeSession, CafeSurvey, ModerationEvent, Post, Reaction
from sasaeai.notifications.models import Notification
from tests.conftest import login_client
from tests.exchange.conftest import code_of

pytestmark = pytest.mark.django_db

SECRET_NAME = "佐藤花子"


def _anon_question(ex):
    return services.post_thread(by=ex["sc_a"], space=ex["tokyo"], body="移動支援の始め方に悩んでいます\n詳しく…",
                                anonymous=True, topic="移動支援")


# --- who takes part --------------------------------------------------------------------------


def test_coordinators_of_the_prefecture_take_part_and_others_do_not(ex):
    assert set(selectors.readable_spaces(ex["sc_a"])) == {ex["national"], ex["tokyo"]}
    assert set(selectors.readable_spaces(ex["sc_osaka"])) == {ex["national"]}
    assert not selectors.readable_spaces(ex["center"]).exists()
    assert not selectors.readable_spaces(ex["resident"]).exists()
    assert selectors.readable_spaces(ex["operator"]).count() == 2
    assert not selectors.is_member(ex["operator"], ex["tokyo"])


def test_posting_in_a_space_one_is_not_a_member_of_is_refused(ex):
    with pytest.raises(services.NotMember):
        services.post_thread(by=ex["sc_osaka"], space=ex["tokyo"], body="質問")
    with pytest.raises(services.NotMember):
        services.post_thread(by=ex["center"], space=ex["national"], body="質問")
    assert not Post.objects.exists()
    client = login_client(ex["sc_osaka"])
    r = client.post(f"/api/v1/exchange/spaces/{ex['tokyo'].pk}/posts", json.dumps({"body": "質問"}),
                    content_type="application/json")
    assert r.status_code == 404  # not even readable
    r = client.post(f"/api/v1/exchange/spaces/{ex['national'].pk}/posts", json.dumps({"body": "質問"}),
                    content_type="application/json")
    assert r.status_code == 201
    op = login_client(ex["operator"])
    r = op.post(f"/api/v1/exchange/spaces/{ex['tokyo'].pk}/posts", json.dumps({"body": "質問"}),
                content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 403 and r.json()["code"] == "not_space_member"
    assert "not a member" in r.json()["message"]
    assert Post.objects.count() == 1


def test_an_empty_post_is_refused_with_a_clear_message(ex):
    for body in ["", "   \n  "]:
        with pytest.raises(ValidationError) as exc:
            services.post_thread(by=ex["sc_a"], space=ex["tokyo"], body=body)
        assert code_of(exc.value) == "empty_post"
    client = login_client(ex["sc_a"])
    r = client.post(f"/api/v1/exchange/spaces/{ex['tokyo'].pk}/posts", json.dumps({"body": "  "}),
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "empty_post"
    assert r.json()["message"] == "投稿する前に内容を書いてください。"
    page = client.post(reverse("exchange:thread_new", args=[ex["tokyo"].pk]), {"body": ""}, follow=True)
    assert "投稿する前に内容を書いてください。" in page.content.decode()
    assert not Post.objects.exists()


def test_one_text_box_is_enough(ex):
    client = login_client(ex["sc_b"])
    client.post(reverse("exchange:thread_new", args=[ex["tokyo"].pk]), {"body": "サロンの男性参加者を増やすには？\n本文"})
    post = Post.objects.get()
    assert post.title == "サロンの男性参加者を増やすには？" and post.kind == "question" and not post.anonymous


# --- anonymity -------------------------------------------------------------------------------


def test_a_non_moderator_never_gets_the_author_of_an_anonymous_post(ex):
    q = _anon_question(ex)
    services.post_reply(by=ex["sc_b"], thread=q, body="社協と相談してみては")
    services.post_reply(by=ex["sc_a"], thread=q, body="ありがとうございます", anonymous=True)
    for viewer in (ex["sc_b"], ex["operator"]):
        client = login_client(viewer)
        for url in (reverse("exchange:thread", args=[q.pk]), reverse("exchange:space", args=[ex["tokyo"].pk]),
                    reverse("exchange:space", args=[ex["tokyo"].pk]) + "?q=佐藤"):
            html = client.get(url).content.decode()
            assert SECRET_NAME not in html and ex["a"].name not in html and ex["sc_a"].email not in html
        assert "匿名のコーディネーター" in client.get(reverse("exchange:thread", args=[q.pk])).content.decode()
        data = client.get(f"/api/v1/exchange/posts/{q.pk}")
        body = data.content.decode()
        assert data.status_code == 200 and SECRET_NAME not in body and ex["a"].name not in body
        assert data.json()["author_id"] is None and data.json()["author"] == "匿名のコーディネーター"
        assert data.json()["replies"][1]["author_id"] is None
        assert str(ex["sc_a"].pk) not in [str(r["author_id"]) for r in data.json()["replies"]]
        listing = client.get(f"/api/v1/exchange/spaces/{ex['tokyo'].pk}/posts?q=佐藤").json()
        assert listing == []  # searching the author's name never finds the anonymous post
        r = client.get(f"/api/v1/exchange/posts/{q.pk}/author")
        assert r.status_code == 403 and r.json()["code"] == "anonymous_author_hidden"
        assert SECRET_NAME not in r.content.decode()
    # the signed reply shows its author
    assert "鈴木一郎" in login_client(ex["sc_a"]).get(reverse("exchange:thread", args=[q.pk])).content.decode()
    # notifications about the thread name no author
    for n in Notification.objects.all():
        assert SECRET_NAME not in n.subject + n.body + json.dumps(n.context, ensure_ascii=False)
    with pytest.raises(services.AuthorHidden):
        services.reveal_author(by=ex["sc_b"], post=q)


def test_a_moderator_sees_the_author_and_the_look_is_recorded(ex):
    q = _anon_question(ex)
    client = login_client(ex["mod"])
    assert SECRET_NAME in client.get(reverse("exchange:thread", args=[q.pk])).content.decode()
    r = client.get(f"/api/v1/exchange/posts/{q.pk}/author")
    assert r.status_code == 200 and r.json()["display_name"] == SECRET_NAME
    assert ModerationEvent.objects.filter(post=q, by=ex["mod"], action="reveal").exists()


def test_the_reply_notification_of_an_anonymous_reply_does_not_name_it(ex):
    q = services.post_thread(by=ex["sc_b"], space=ex["tokyo"], body="質問です")
    services.post_reply(by=ex["sc_a"], thread=q, body="答えです", anonymous=True)
    n = Notification.objects.get(user=ex["sc_b"])
    assert SECRET_NAME not in n.subject + n.body + json.dumps(n.context, ensure_ascii=False)
    assert n.url == reverse("exchange:thread", args=[q.pk])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(anonymous=st.booleans(), moderator=st.booleans())
def test_the_author_label_is_shown_exactly_when_signed_or_moderating(ex, anonymous, moderator):
    viewer = ex["mod"] if moderator else ex["sc_b"]
    post = Post(space=ex["tokyo"], kind="question", body="x", author=ex["sc_a"], author_municipality=ex["a"],
                anonymous=anonymous)
    label = selectors.author_label(viewer, post)
    assert (SECRET_NAME in label) == (not anonymous or moderator)
    assert (label == "匿名のコーディネーター") == (anonymous and not moderator)


# --- answers, reactions ----------------------------------------------------------------------


def test_the_asker_accepts_an_answer_and_only_the_asker(ex):
    q = _anon_question(ex)
    r = services.post_reply(by=ex["sc_b"], thread=q, body="答え")
    with pytest.raises(PermissionDenied):
        services.accept_answer(by=ex["sc_b"], reply=r)
    client = login_client(ex["sc_a"])
    assert client.post(f"/api/v1/exchange/posts/{r.pk}/accept").json()["accepted_answer_id"] == r.pk
    assert "ベストアンサー" in client.get(reverse("exchange:thread", args=[q.pk])).content.decode()


def test_reactions_toggle_once_per_person(ex):
    q = _anon_question(ex)
    assert services.react(by=ex["sc_b"], post=q, kind="helpful") is True
    assert services.react(by=ex["sc_b"], post=q, kind="helpful") is False
    services.react(by=ex["sc_b"], post=q, kind="me_too")
    services.react(by=ex["mod"], post=q, kind="me_too")
    assert selectors.reaction_counts(q) == {"helpful": 0, "me_too": 2}
    with pytest.raises(ValidationError):
        services.react(by=ex["sc_b"], post=q, kind="like")
    assert Reaction.objects.count() == 2


# --- moderation ------------------------------------------------------------------------------


def test_report_hide_restore_with_reasons_in_the_audit_trail(ex):
    q = _anon_question(ex)
    services.report(by=ex["sc_b"], post=q, reason="個人が特定できる")
    with pytest.raises(PermissionDenied):
        services.set_hidden(by=ex["sc_b"], post=q, hidden=True, reason="x")
    with pytest.raises(ValidationError):
        services.set_hidden(by=ex["mod"], post=q, hidden=True, reason=" ")
    client = login_client(ex["mod"])
    client.post(reverse("exchange:moderate", args=[q.pk]), {"action": "hide", "reason": "個人情報を含む"})
    q.refresh_from_db()
    assert q.hidden
    assert not selectors.visible_posts(ex["sc_b"]).filter(pk=q.pk).exists()
    assert selectors.visible_posts(ex["sc_a"]).filter(pk=q.pk).exists()  # its author still sees it
    assert login_client(ex["sc_b"]).get(f"/api/v1/exchange/posts/{q.pk}").status_code == 404
    r = client.post(f"/api/v1/exchange/posts/{q.pk}/moderation", json.dumps({"action": "restore", "reason": "修正済み"}),
                    content_type="application/json")
    assert r.status_code == 200
    q.refresh_from_db()
    assert not q.hidden
    trail = list(ModerationEvent.objects.filter(post=q).order_by("at", "pk").values_list("action", "reason"))
    assert trail == [("report", "個人が特定できる"), ("hide", "個人情報を含む"), ("restore", "修正済み")]
    log = client.get(reverse("exchange:moderation")).content.decode()
    assert "個人情報を含む" in log
    assert login_client(ex["sc_b"]).get(reverse("exchange:moderation")).status_code == 403


# --- SC Café ---------------------------------------------------------------------------------


def test_cafe_registration_and_survey_answered_once(ex):
    cafe = CafeSession.objects.create(space=ex["tokyo"], title="SCカフェ 第1回", starts_at=timezone.now()
                                      - dt.timedelta(days=1), recording_url="https://video.example.test/1")
    services.register_cafe(by=ex["sc_a"], session=cafe)
    services.register_cafe(by=ex["sc_a"], session=cafe)
    assert cafe.registrations.count() == 1
    client = login_client(ex["sc_a"])
    page = client.get(reverse("exchange:cafe", args=[cafe.pk])).content.decode()
    assert "大変満足" in page and "後日視聴" in page and "video.example.test" in page
    ok = client.post(f"/api/v1/exchange/cafes/{cafe.pk}/survey", json.dumps({"satisfaction": 5, "watched": "later"}),
                     content_type="application/json")
    assert ok.status_code == 201
    again = client.post(f"/api/v1/exchange/cafes/{cafe.pk}/survey",
                        json.dumps({"satisfaction": 3, "watched": "live"}), content_type="application/json")
    assert again.status_code == 400 and again.json()["code"] == "survey_answered"
    bad = client.post(f"/api/v1/exchange/cafes/{cafe.pk}/survey", json.dumps({"satisfaction": 9, "watched": "live"}),
                      content_type="application/json")
    assert bad.status_code == 400
    assert CafeSurvey.objects.get().satisfaction == 5
    with pytest.raises(services.NotMember):
        services.answer_survey(by=ex["sc_osaka"], session=cafe, satisfaction=4, watched="live")


# --- digest ----------------------------------------------------------------------------------


def test_weekly_digest_lists_titles_of_the_members_spaces_without_authors(ex):
    _anon_question(ex)
    services.post_thread(by=ex["sc_osaka"], space=ex["national"], body="全国の皆さんへ")
    sent = services.weekly_digest(since=timezone.now() - dt.timedelta(days=7))
    assert sent == 4  # sc_a, sc_b, mod (Tokyo + national), sc_osaka (national only)
    osaka = Notification.objects.get(user=ex["sc_osaka"], kind="exchange_digest")
    assert "全国の皆さんへ" in osaka.body and "移動支援" not in osaka.body
    for n in Notification.objects.filter(kind="exchange_digest"):
        assert SECRET_NAME not in n.body + n.subject
    assert not Notification.objects.filter(user=ex["center"]).exists()
