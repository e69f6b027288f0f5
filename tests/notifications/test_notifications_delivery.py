"""notify(): recorded and queued in the request, delivered only by the worker."""

import logging

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from sasaeai.notifications import notify
from sasaeai.notifications.backends import NotConfigured, SmsBackend
from sasaeai.notifications.models import Channel, Notification, Status
from sasaeai.notifications.services import preferred_channel, set_preference
from sasaeai.notifications.tasks import send_notification

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def test_notify_records_and_enqueues_but_does_not_send(person):
    n = notify(person, "test.hello", {"subject": "こんにちは", "body": "本文です", "url": "/x/"})
    assert n.status == Status.QUEUED and n.channel == Channel.EMAIL
    assert n.subject == "こんにちは" and "本文です" in n.body and n.url == "/x/"
    assert mail.outbox == []
    task = DBTaskResult.objects.get(id=n.task_id)
    assert task.args_kwargs["args"] == [n.pk]
    assert task.task_path == "sasaeai.notifications.tasks.send_notification"


@pytest.mark.django_db(transaction=True)
def test_worker_sends_queued_email_once(person, caplog):
    n = notify(person, "test.hello", {"subject": "件名", "body": "秘密の本文 山田"})
    assert mail.outbox == []
    with caplog.at_level(logging.DEBUG):
        run_worker()
    n.refresh_from_db()
    assert n.status == Status.SENT and n.sent_at is not None and n.attempts == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["taro@example.test"] and mail.outbox[0].subject == "件名"
    # Bodies, names and addresses never reach the logs.
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "秘密の本文" not in logged and "山田" not in logged and "taro@example.test" not in logged
    # A second delivery of the same notification sends nothing more.
    assert send_notification.call(n.pk) == Status.SENT
    assert len(mail.outbox) == 1


def test_rolled_back_request_leaves_no_task(person):
    before = DBTaskResult.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(person, "test.hello", {"subject": "x"})
        raise RuntimeError("request failed")
    assert DBTaskResult.objects.count() == before
    assert not Notification.objects.exists()


@override_settings(TASKS=IMMEDIATE)
def test_sms_and_line_are_interfaces_that_refuse_honestly(person, make_user):
    n = notify(person, "test.hello", {"subject": "x"}, channel="sms")
    n.refresh_from_db()
    assert n.status == Status.FAILED and n.error_code == "not_configured" and n.sent_at is None
    with pytest.raises(NotConfigured):
        SmsBackend().deliver("09012345678", "x")
    n = notify(person, "test.hello", {"subject": "x"}, channel="line")
    n.refresh_from_db()
    assert n.status == Status.SKIPPED and n.error_code == "no_address"  # no LINE id yet
    set_preference(person, "line", "U123")
    n = notify(person, "test.hello", {"subject": "x"})
    n.refresh_from_db()
    assert n.channel == "line" and n.status == Status.FAILED and n.error_code == "not_configured"


@override_settings(TASKS=IMMEDIATE)
def test_in_app_channel_and_missing_email(make_user):
    user = make_user(email=None, phone="09000000001")
    assert preferred_channel(user) == Channel.IN_APP
    n = notify(user, "test.hello", {"subject": "x"})
    n.refresh_from_db()
    assert n.status == Status.SENT and n.channel == "in_app"
    n = notify(user, "test.hello", {"subject": "x"}, channel="email")
    n.refresh_from_db()
    assert n.status == Status.SKIPPED


def test_bad_kind_or_channel_refused(person):
    with pytest.raises(ValidationError):
        notify(person, "", {})
    with pytest.raises(ValidationError):
        notify(person, "x", {}, channel="pigeon")
    with pytest.raises(ValidationError):
        set_preference(person, "pigeon")


def test_message_rendered_in_users_language(make_user):
    en = make_user(preferred_language="en")
    n = notify(en, "helpers.suspended", {"url": "/helpers/me/"})
    assert n.subject == "Your helper activity has been suspended"
    ja = make_user(preferred_language="ja")
    n = notify(ja, "test.unknown_kind", {})
    assert n.subject == "新しいお知らせがあります"
