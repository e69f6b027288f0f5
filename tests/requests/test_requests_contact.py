"""Contact, privacy window, notifications, introductions and weekly recurrence."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from sasaeai.notifications.models import Notification
from sasaeai.requests import services
from sasaeai.requests.models import HelpRequest, Introduction, Message, RequestStatus
from sasaeai.requests.selectors import helper_may_see_private

from .conftest import soon

pytestmark = pytest.mark.django_db


def _booked(town, new_request, **kw):
    req = new_request(starts_at=soon(), **kw)
    offer = services.offer_to(req, [town.helpers[0]], by=town.coordinator)[0]
    return req, services.accept_offer(offer, user=town.helpers[0].user)


def test_private_window_until_seven_days_after_completion(town, new_request, time_machine):
    req, booking = _booked(town, new_request)
    helper_user = town.helpers[0].user
    assert not helper_may_see_private(town.helpers[1].user, req)
    assert helper_may_see_private(helper_user, req)
    booking = services.check_in(booking, user=helper_user, agree_standards=True)
    booking = services.check_out(booking, user=helper_user)
    time_machine.move_to(booking.completed_at + dt.timedelta(days=6, hours=23))
    assert helper_may_see_private(helper_user, req)
    time_machine.move_to(booking.completed_at + dt.timedelta(days=7, minutes=1))
    assert not helper_may_see_private(helper_user, req)


def test_notifications_are_queued_not_sent_and_refusals_notify_nobody(town, new_request):
    req = new_request()
    services.offer_to(req, town.helpers[:2], by=town.coordinator)
    notes = Notification.objects.filter(kind="requests.offer_received")
    assert sorted(n.user_id for n in notes) == sorted(h.user_id for h in town.helpers[:2])
    assert all(n.status == "queued" for n in notes)
    assert all(town.resident.family_name not in n.body for n in notes)
    before = Notification.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - any refusal
        services.offer_to(req, town.helpers[:2], by=town.coordinator)
    assert Notification.objects.count() == before


def test_messages_between_recipient_side_and_helper(town, new_request):
    req = new_request()
    services.offer_to(req, [town.helpers[0]], by=town.coordinator)
    services.send_message(req, user=town.proxy_user, helper=town.helpers[0], body="玄関の鍵は開けておきます")
    services.send_message(req, user=town.helpers[0].user, helper=town.helpers[0], body="承知しました")
    assert Message.objects.filter(request=req).count() == 2
    assert Notification.objects.filter(kind="requests.message_received", user=town.helpers[0].user).exists()
    assert Notification.objects.filter(kind="requests.message_received", user=town.proxy_user).exists()
    with pytest.raises(PermissionDenied):  # a helper without an offer cannot write
        services.send_message(req, user=town.helpers[1].user, helper=town.helpers[1], body="こんにちは")


def test_introduction_before_first_booking(town, new_request):
    req = new_request()
    services.offer_to(req, [town.helpers[0]], by=town.coordinator)
    intro = services.propose_introduction(req, user=town.proxy_user, helper=town.helpers[0], mode="phone",
                                          scheduled_at=soon())
    with pytest.raises(PermissionDenied):  # the proposer cannot agree for the other side
        services.answer_introduction(intro, user=town.proxy_user, status="agreed")
    intro = services.answer_introduction(intro, user=town.helpers[0].user, status="agreed")
    assert intro.status == Introduction.Status.AGREED


def test_weekly_request_spawns_next_week(town, new_request):
    start = soon()
    req, booking = _booked(town, new_request, recurrence="weekly",
                           recurrence_until=(start + dt.timedelta(days=20)).date())
    booking = services.check_in(booking, user=town.helpers[0].user, agree_standards=True)
    services.check_out(booking, user=town.helpers[0].user)
    nxt = HelpRequest.objects.exclude(pk=req.pk).get()
    assert nxt.starts_at == req.starts_at + dt.timedelta(days=7)
    assert nxt.status == RequestStatus.OPEN and nxt.recurrence == "weekly"


def test_continuity_is_explained(town, new_request):
    req, booking = _booked(town, new_request)
    booking = services.check_in(booking, user=town.helpers[0].user, agree_standards=True)
    services.check_out(booking, user=town.helpers[0].user)
    nxt = new_request()
    candidates, _ = services.rank_candidates(nxt)
    top = candidates[0]
    assert top.profile.pk == town.helpers[0].pk
    assert any(r.code == "continuity" for r in top.reasons)
