"""Consequences of other apps' events for partners."""

import logging

from django.db import transaction
from django.dispatch import receiver

from sasaeai.needs.signals import need_status_changed

logger = logging.getLogger("sasaeai.partners")


@receiver(need_status_changed, dispatch_uid="partners.alert_handled")
def tell_reporter_alert_handled(sender, need_id, from_status, to_status, **kwargs):
    """見守り・気づきの対応済み: when the need a watch-over alert became is handled (connected,
    resolved or closed) after not having been, the staff member who reported it is told —
    the date of the report and a link to their receipts, never the household's data. In a
    savepoint: a failure leaves the need's status change intact."""
    from .services import notify_alert_handled

    try:
        with transaction.atomic():
            notify_alert_handled(need_id, from_status, to_status)
    except Exception as exc:  # noqa: BLE001 - the need's change stands; the receipt page still says "handled"
        logger.error("alert-handled notice for need %s failed: %s", need_id, type(exc).__name__)
