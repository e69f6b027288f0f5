"""Background delivery. Run the worker with `sasaeai db_worker` (django-tasks-db); in
development `sasaeai db_worker --batch` drains the queue once."""

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .backends import NoAddress, NotConfigured, get_backend
from .models import Notification, Status

logger = logging.getLogger("sasaeai.notifications")


@task()
def send_notification(notification_id: int) -> str:
    """Deliver one notification through its channel's backend; logs ids and codes only."""
    with transaction.atomic():
        n = (
            Notification.objects.select_for_update(of=("self",)).select_related("user").filter(pk=notification_id).first()
        )
        if n is None:
            return "missing"
        if n.status != Status.QUEUED:
            return n.status
        n.attempts += 1
        try:
            get_backend(n.channel).send(n)
        except NoAddress:
            n.status, n.error_code = Status.SKIPPED, NoAddress.code
        except NotConfigured:
            n.status, n.error_code = Status.FAILED, NotConfigured.code
        except Exception as exc:  # noqa: BLE001 - recorded, then re-raised for the task result
            n.status, n.error_code = Status.FAILED, type(exc).__name__[:64]
            n.save(update_fields=["status", "error_code", "attempts"])
            logger.warning("notification %s (%s via %s) failed: %s", n.pk, n.kind, n.channel, type(exc).__name__)
            raise
        else:
            n.status, n.sent_at = Status.SENT, timezone.now()
        n.save(update_fields=["status", "error_code", "attempts", "sent_at"])
    logger.info("notification %s (%s via %s): %s", n.pk, n.kind, n.channel, n.status)
    return n.status
