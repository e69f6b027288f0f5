"""Consequences of other apps' events for the points ledger."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import receiver

from sasaeai.events.signals import event_help_completed
from sasaeai.requests.signals import booking_completed

logger = logging.getLogger("sasaeai.points")


@receiver(booking_completed, dispatch_uid="points.credit_completed_booking")
def credit_completed_booking(sender, booking, **kwargs):
    """Credit the helper in the same transaction as the check-out, in a savepoint: a refusal
    (no rule, not eligible) or a failure leaves the check-out intact; the monitors' sweep
    (`credit_missed_bookings`) retries what failed. Idempotent by the credit's source key."""
    from .services import credit_booking

    try:
        with transaction.atomic():
            credit_booking(booking)
    except ValidationError:
        pass
    except Exception as exc:  # noqa: BLE001 - the visit stays completed; the sweep retries
        logger.error("points credit for booking %s failed: %s", booking.pk, type(exc).__name__)


@receiver(event_help_completed, dispatch_uid="points.credit_event_help")
def credit_event_help(sender, attendance, **kwargs):
    """Credit a person who helped at an event, in a savepoint: a refusal (no rule, not eligible,
    cancelled event) or a failure leaves the attendance intact. Idempotent by the credit's source
    key: the signal sent twice writes one credit."""
    from .services import credit_event_help as credit

    try:
        with transaction.atomic():
            credit(attendance)
    except ValidationError:
        pass
    except Exception as exc:  # noqa: BLE001 - the attendance stays recorded
        logger.error("points credit for event attendance %s failed: %s", attendance.pk, type(exc).__name__)
