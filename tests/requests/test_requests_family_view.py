"""The resident's and family's view of a request (issue 9 §7): where it stands in plain words,
who has been asked and until when, the booked helper's profile, and no message box once the
request is closed."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import formats, timezone

from sasaeai.helpers.models import HelperQualification
from sasaeai.requests import services
from sasaeai.requests.models import Introduction, Message, Offer, RequestStatus

from .conftest import tomorrow_at

pytestmark = pytest.mark.django_db


def _page(client, req) -> str:
    response = client.get(f"/requests/{req.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _offered(town, new_request, n=3):
    req = new_request(starts_at=tomorrow_at(18))
    services.offer_to(req, town.helpers[:n], by=town.coordinator)
    req.refresh_from_db()
    assert req.status == RequestStatus.OFFERED
    return req


def _booked(town, new_request):
    req = _offered(town, new_request, n=2)
    offer = Offer.objects.get(request=req, helper=town.helpers[0])
    services.accept_offer(offer, user=town.helpers[0].user)
    req.refresh_from_db()
    return req


def test_family_sees_how_many_helpers_were_asked_and_until_when(town, new_request, client_for):
    req = _offered(town, new_request, n=3)
    until = timezone.localtime(req.starts_at)
    page = _page(client_for(town.proxy_user), req)
    expected = f"3人の担い手に依頼中です（{formats.date_format(until, 'MONTH_DAY_FORMAT')} 18:00 まで返事を待っています）"
    assert expected in page
    assert f"{until.month}月{until.day}日 18:00" in page
    for helper in town.helpers[:3]:
        assert helper.user.display_name in page
    # …in the list of their requests and on their home page.
    for url in ("/requests/", "/"):
        assert "3人の担い手に依頼中です" in client_for(town.proxy_user).get(url).content.decode(), url


def test_the_count_follows_the_answers(town, new_request, client_for):
    req = _offered(town, new_request, n=3)
    services.decline_offer(Offer.objects.get(request=req, helper=town.helpers[0]), user=town.helpers[0].user)
    page = _page(client_for(town.proxy_user), req)
    assert "2人の担い手に依頼中です" in page
    assert "辞退" in page or "Declined" in page


def test_family_sees_who_is_booked_and_opens_their_profile(town, new_request, client_for):
    req = _booked(town, new_request)
    helper = town.helpers[0]
    helper.bio = "料理と買い物が得意です。"
    helper.languages = ["ja", "en"]
    helper.rating_avg, helper.rating_count = 4.75, 8
    helper.save()
    HelperQualification.objects.create(profile=helper, code="first_aid", status="verified", reviewed_at=timezone.now())
    HelperQualification.objects.create(profile=helper, code="kangoshi", status="submitted")
    proxy = client_for(town.proxy_user)
    page = _page(proxy, req)
    name = helper.user.display_name
    assert f"{name}さんに決まりました" in page
    assert f'href="/requests/{req.pk}/helper/"' in page

    profile = proxy.get(f"/requests/{req.pk}/helper/")
    assert profile.status_code == 200
    text = profile.content.decode()
    assert name in text and "料理と買い物が得意です。" in text
    assert "家事" in text or "Housework" in text  # a skill, as a label
    assert "普通救命講習" in text  # verified qualification
    assert "看護師" not in text  # submitted, not verified
    assert "4.8" in text and "8件" in text
    assert "英語" in text and "日本語" in text
    assert helper.user.email not in text
    assert str(helper.home_lat) not in text


def test_only_the_recipient_side_and_staff_see_the_booked_helper(town, new_request, client_for, make_user):
    req = _booked(town, new_request)
    assert client_for(town.coordinator).get(f"/requests/{req.pk}/helper/").status_code == 200
    assert client_for(town.stranger).get(f"/requests/{req.pk}/helper/").status_code == 404
    # Another helper who was asked (offer withdrawn) sees neither the link nor the page.
    other = client_for(town.helpers[1].user)
    assert f"/requests/{req.pk}/helper/" not in _page(other, req)
    assert other.get(f"/requests/{req.pk}/helper/").status_code == 403


def test_no_helper_page_before_a_helper_is_booked(town, new_request, client_for):
    req = _offered(town, new_request)
    proxy = client_for(town.proxy_user)
    assert f"/requests/{req.pk}/helper/" not in _page(proxy, req)
    assert proxy.get(f"/requests/{req.pk}/helper/").status_code == 403


def test_a_cancelled_request_says_so_and_has_no_message_box(town, new_request, client_for):
    req = _offered(town, new_request, n=2)
    services.send_message(req, user=town.proxy_user, helper=town.helpers[0], body="よろしくお願いします")
    services.cancel_request(req, user=town.proxy_user, reason="入院のため")
    proxy = client_for(town.proxy_user)
    page = _page(proxy, req)
    assert "キャンセルされました" in page
    assert "よろしくお願いします" in page  # what was written stays readable
    assert 'class="message-form"' not in page and f'action="/requests/{req.pk}/messages/"' not in page
    assert f'action="/requests/{req.pk}/introduction/"' not in page
    assert "新しいメッセージは送れません" in page
    helper_page = _page(client_for(town.helpers[0].user), req)
    assert 'class="message-form"' not in helper_page


def test_the_service_refuses_messages_on_a_closed_request(town, new_request, client_for):
    req = _offered(town, new_request, n=1)
    services.cancel_request(req, user=town.proxy_user, reason="入院のため")
    for user in (town.proxy_user, town.helpers[0].user):
        with pytest.raises(ValidationError) as exc:
            services.send_message(req, user=user, helper=town.helpers[0], body="まだ来られますか")
        assert exc.value.code == "conversation_closed"
    with pytest.raises(ValidationError) as exc:
        services.propose_introduction(req, user=town.proxy_user, helper=town.helpers[0], mode="phone",
                                      scheduled_at=tomorrow_at(9))
    assert exc.value.code == "conversation_closed"
    # Over HTTP the refusal is a message on the page, not an error.
    response = client_for(town.proxy_user).post(f"/requests/{req.pk}/messages/",
                                                {"helper": town.helpers[0].pk, "body": "まだ来られますか"},
                                                follow=True)
    assert response.status_code == 200 and "新しいメッセージは送れません" in response.content.decode()
    assert not Message.objects.filter(request=req).exists()
    assert not Introduction.objects.filter(request=req).exists()


def test_the_api_refuses_messages_on_a_closed_request(town, new_request, client_for):
    req = _offered(town, new_request, n=1)
    services.cancel_request(req, user=town.proxy_user, reason="入院のため")
    response = client_for(town.proxy_user).post(
        f"/api/v1/requests/{req.pk}/messages", {"helper_id": town.helpers[0].pk, "body": "まだ来られますか"},
        content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "conversation_closed"
