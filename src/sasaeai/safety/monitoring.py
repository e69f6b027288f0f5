"""訪問見守り: a booking not checked in `check_in_grace_minutes` (15) after its start, or not
checked out `check_out_grace_minutes` (30) after its planned end, alerts the coordinators
of its area. `scan_visits(now)` is run by `sasaeai run_monitors` (cron / worker)."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasaeai.tenancy.models import Role

from . import selectors
from .models import EscalationRuleSet, VisitAlert

#: Who is alerted about a late check-in / check-out.
ALERT_ROLES = (Role.COORDINATOR_L2, Role.COORDINATOR_L1)
#: Bookings older than this are not scanned (a forgotten check-out last month is not an alert).
LOOKBACK = timedelta(hours=24)


def _grace(municipality_id, cache) -> tuple[timedelta, timedelta]:
    if municipality_id not in cache:
        rules = EscalationRuleSet.objects.filter(municipality_id=municipality_id).first()
        cache[municipality_id] = (
            timedelta(minutes=rules.check_in_grace_minutes if rules else 15),
            timedelta(minutes=rules.check_out_grace_minutes if rules else 30),
        )
    return cache[municipality_id]


def _raise(booking, kind: str, now) -> VisitAlert | None:
    from sasaeai.notifications import notify

    area_id = booking.request.area_id
    try:
        with transaction.atomic():
            alert = VisitAlert.objects.create(booking=booking, municipality_id=booking.municipality_id,
                                              area_id=area_id, kind=kind, created_at=now)
            users = list(selectors.staff_covering(booking.municipality_id, area_id, ALERT_ROLES))
            for user in users:
                notify(user, f"safety.visit_{kind}", {"url": f"/safety/visit-alerts/{alert.pk}/",
                                                       "booking_id": booking.pk})
            alert.notified = len(users)
            alert.save(update_fields=["notified"])
    except IntegrityError:  # already alerted (a concurrent run)
        return None
    return alert


def scan_visits(now=None) -> dict[str, int]:
    """Raise the alerts that are due. Idempotent: one alert per booking and kind."""
    from sasaeai.requests.models import Booking, BookingStatus

    now = now or timezone.now()
    cache: dict = {}
    created = {VisitAlert.Kind.NO_CHECK_IN: 0, VisitAlert.Kind.NO_CHECK_OUT: 0}
    done = set(VisitAlert.objects.filter(created_at__gte=now - 2 * LOOKBACK).values_list("booking_id", "kind"))
    late_start = (Booking.objects.filter(status=BookingStatus.BOOKED, checked_in_at__isnull=True,
                                         starts_at__lte=now, starts_at__gte=now - LOOKBACK)
                  .select_related("request"))
    for booking in late_start:
        grace_in, _out = _grace(booking.municipality_id, cache)
        if booking.starts_at + grace_in <= now and (booking.pk, VisitAlert.Kind.NO_CHECK_IN) not in done:
            if _raise(booking, VisitAlert.Kind.NO_CHECK_IN, now):
                created[VisitAlert.Kind.NO_CHECK_IN] += 1
    late_end = (Booking.objects.filter(status__in=[BookingStatus.BOOKED, BookingStatus.IN_PROGRESS],
                                       checked_in_at__isnull=False, checked_out_at__isnull=True,
                                       ends_at__lte=now, ends_at__gte=now - LOOKBACK)
                .select_related("request"))
    for booking in late_end:
        _in, grace_out = _grace(booking.municipality_id, cache)
        if booking.ends_at + grace_out <= now and (booking.pk, VisitAlert.Kind.NO_CHECK_OUT) not in done:
            if _raise(booking, VisitAlert.Kind.NO_CHECK_OUT, now):
                created[VisitAlert.Kind.NO_CHECK_OUT] += 1
    return {str(k): v for k, v in created.items()}


def resolve(alert: VisitAlert, *, by) -> VisitAlert:
    if not selectors.visit_alerts_for(by).filter(pk=alert.pk).exists():
        raise PermissionDenied(_("You are not allowed to do this."))
    if alert.resolved_at is None:
        alert.resolved_at, alert.resolved_by = timezone.now(), by
        alert.save(update_fields=["resolved_at", "resolved_by"])
    return alert
