"""Writes for notifications."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .links import absolute_url, clean_link
from .models import Channel, Notification, NotificationPreference

KIND_MAX = 64


def preferred_channel(user) -> str:
    pref = NotificationPreference.objects.filter(user=user).values_list("channel", flat=True).first()
    if pref:
        return pref
    return Channel.EMAIL if getattr(user, "email", None) else Channel.IN_APP


def render(kind: str, context: dict) -> tuple[str, str]:
    """Render `notifications/messages/<kind>.txt` (first line = subject, rest = body); any app
    may ship such a template. Without one, the context's `subject`/`body` are used."""
    try:
        text = render_to_string(f"notifications/messages/{kind}.txt", context)
    except TemplateDoesNotExist:
        text = render_to_string("notifications/messages/default.txt", context)
    subject, _sep, body = text.strip().partition("\n")
    return subject.strip()[:200], body.strip()


@transaction.atomic
def notify(user, kind: str, context: dict | None = None, channel: str | None = None) -> Notification:
    """Record a notification and enqueue its delivery. The task row is written in the same
    transaction as the notification (with the database task backend), so a rolled-back
    request sends nothing; the actual sending happens in the worker, never here.

    `context["url"]` is the target: a path on this site (stored as given, the inbox when
    missing); the message templates see it as an absolute URL built from SASAEAI_SITE_URL."""
    from .tasks import send_notification

    if not kind or len(kind) > KIND_MAX:
        raise ValidationError(_("Invalid notification kind."), code="invalid_kind")
    channel = channel or preferred_channel(user)
    if channel not in Channel.values:
        raise ValidationError(_("Unknown notification channel."), code="invalid_channel")
    context = json.loads(json.dumps(context or {}, cls=DjangoJSONEncoder))
    link = clean_link(context.get("url"))
    language = getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        subject, body = render(kind, {**context, "url": absolute_url(link), "user": user,
                                      "site_name": _("Sasaeai")})
    n = Notification.objects.create(
        user=user, kind=kind, channel=channel, context=context, subject=subject, body=body, url=link,
    )
    result = send_notification.enqueue(n.pk)
    n.task_id = str(result.id)[:64]
    n.save(update_fields=["task_id"])
    return n


def set_preference(user, channel: str, line_user_id: str | None = None) -> NotificationPreference:
    if channel not in Channel.values:
        raise ValidationError({"channel": [_("Unknown notification channel.")]}, code="invalid_channel")
    pref, _created = NotificationPreference.objects.get_or_create(user=user)
    pref.channel = channel
    if line_user_id is not None:
        pref.line_user_id = line_user_id.strip()[:64]
    pref.save()
    return pref


def mark_read(user, notification_ids=None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
