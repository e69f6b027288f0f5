"""Notifications (通知): one row per message to a user, sent by a background task."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Channel(models.TextChoices):
    """通知チャネル."""

    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    LINE = "line", _("LINE")
    IN_APP = "in_app", _("Only on this site")


class Status(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not sent (no address for this channel)")


class Notification(models.Model):
    """通知: what to tell whom, through which channel, and whether it went out.

    The rendered subject and body stay in the database only; they are never logged.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                             verbose_name=pgettext_lazy("notification", "recipient"))
    kind = models.CharField(_("kind"), max_length=64)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    context = models.JSONField(_("context"), default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    error_code = models.CharField(_("error"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread_idx")]

    def __str__(self) -> str:
        return f"{self.kind} → user #{self.user_id} ({self.status})"

    @property
    def absolute_url(self) -> str:
        """The target as an absolute URL (SASAEAI_SITE_URL + the stored path); the inbox when
        the row has no link."""
        from .links import INBOX_PATH, absolute_url

        return absolute_url(self.url or INBOX_PATH)


class NotificationPreference(models.Model):
    """通知設定: the channel a user wants messages on."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="notification_preference", verbose_name=_("user"))
    channel = models.CharField(_("preferred channel"), max_length=10, choices=Channel.choices,
                               default=Channel.EMAIL)
    line_user_id = models.CharField(_("LINE user id"), max_length=64, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"user #{self.user_id}: {self.channel}"
