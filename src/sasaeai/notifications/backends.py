"""Delivery backends, one per channel, chosen by `settings.SASAEAI_NOTIFICATION_BACKENDS`
(channel -> dotted path). A backend has `send(notification)`; it raises `NoAddress` when the
user has no address for the channel and `NotConfigured` when the channel is not set up.
Backends never log the subject or the body."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

DEFAULT_BACKENDS = {
    "email": "sasaeai.notifications.backends.EmailBackend",
    "sms": "sasaeai.notifications.backends.SmsBackend",
    "line": "sasaeai.notifications.backends.LineBackend",
    "in_app": "sasaeai.notifications.backends.InAppBackend",
}


class NotificationError(Exception):
    code = "error"


class NotConfigured(NotificationError):
    """The channel has no provider configured; nothing was sent."""

    code = "not_configured"


class NoAddress(NotificationError):
    """The user has no address for this channel."""

    code = "no_address"


def text_with_link(notification) -> str:
    """The body with the notification's absolute link (SASAEAI_SITE_URL + path); the link is
    appended when the message template did not already include it."""
    body, link = notification.body or "", notification.absolute_url
    if link and link not in body:
        body = f"{body}\n\n{link}" if body else link
    return body


class Backend:
    channel = ""

    def send(self, notification) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class EmailBackend(Backend):
    """Sends through Django's configured EMAIL_BACKEND."""

    channel = "email"

    def send(self, notification) -> None:
        address = notification.user.email
        if not address:
            raise NoAddress()
        EmailMessage(
            subject=notification.subject, body=text_with_link(notification), to=[address],
            from_email=settings.DEFAULT_FROM_EMAIL,
        ).send(fail_silently=False)


class InAppBackend(Backend):
    """Nothing leaves the site: the notification list page shows it."""

    channel = "in_app"

    def send(self, notification) -> None:
        return None


class SmsBackend(Backend):
    """Interface for an SMS provider. Subclass, implement `deliver(phone, text)` and point
    SASAEAI_NOTIFICATION_BACKENDS["sms"] at the subclass."""

    channel = "sms"

    def send(self, notification) -> None:
        phone = notification.user.phone
        if not phone:
            raise NoAddress()
        self.deliver(phone, f"{notification.subject}\n{text_with_link(notification)}"[:670])

    def deliver(self, phone: str, text: str) -> None:
        raise NotConfigured("No SMS provider is configured (SASAEAI_NOTIFICATION_BACKENDS['sms']).")


class LineBackend(Backend):
    """Interface for the LINE Messaging API. Subclass, implement `deliver(line_user_id, text)`."""

    channel = "line"

    def send(self, notification) -> None:
        pref = getattr(notification.user, "notification_preference", None)
        line_id = getattr(pref, "line_user_id", "") if pref is not None else ""
        if not line_id:
            raise NoAddress()
        self.deliver(line_id, f"{notification.subject}\n{text_with_link(notification)}".strip())

    def deliver(self, line_user_id: str, text: str) -> None:
        raise NotConfigured("No LINE channel is configured (SASAEAI_NOTIFICATION_BACKENDS['line']).")


def get_backend(channel: str) -> Backend:
    paths = {**DEFAULT_BACKENDS, **getattr(settings, "SASAEAI_NOTIFICATION_BACKENDS", {})}
    path = paths.get(channel)
    if not path:
        raise NotConfigured(f"No backend for channel {channel!r}.")
    return import_string(path)()
