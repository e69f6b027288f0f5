"""Scheduled work of the points app, run by `sasaeai run_monitors` (safety/tasks.py finds every
app's `monitors.py`): expiry of points and the sweep of completed visits not yet credited."""

from django.utils import timezone


def run(now=None) -> dict[str, int]:
    from .services import credit_missed_bookings, expire_due

    now = now or timezone.now()
    return {"points_expired": expire_due(timezone.localdate(now)), "points_credited": credit_missed_bookings()}
