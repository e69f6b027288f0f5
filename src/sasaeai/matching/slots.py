"""The one definition of "this helper is busy then" (予定が入っている時間).

The database guarantees no double booking with one `BookingSlot(helper, slot_start)` row per
30-minute grid slot a booking touches, under a unique constraint (`requests/models.py`). The
engine must see a helper as busy exactly where that constraint would refuse a new booking, so
both use these functions: a time interval [start, end) occupies every slot of the UTC
30-minute grid that it touches — 06:15–07:15 occupies 06:00, 06:30 and 07:00, so it collides
with 06:00–07:00 and with 07:00–08:00, but not with 07:30–08:00.

Slots are integers (seconds since the epoch // 1800) so they hash and compare fast; the web
layer writes them as aware UTC datetimes (`slot_starts`). No Django imports.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

SLOT_MINUTES = 30
SLOT_SECONDS = SLOT_MINUTES * 60


def slot_range(start: datetime, end: datetime) -> range:
    """The grid slots [start, end) touches, as integers (empty when end <= start)."""
    first = math.floor(start.timestamp() / SLOT_SECONDS)
    last = math.ceil(end.timestamp() / SLOT_SECONDS)
    return range(first, max(first, last))


def busy_slots(start: datetime, end: datetime) -> frozenset[int]:
    return frozenset(slot_range(start, end))


def slot_of(moment: datetime) -> int:
    """The integer slot of an aligned slot start (as stored in `BookingSlot.slot_start`)."""
    return math.floor(moment.timestamp() / SLOT_SECONDS)


def slot_start(slot: int) -> datetime:
    return datetime.fromtimestamp(slot * SLOT_SECONDS, tz=UTC)


def slot_starts(start: datetime, end: datetime) -> list[datetime]:
    """The 30-minute grid slots (aware UTC datetimes) that [start, end) touches: the rows a
    booking of that interval writes."""
    return [slot_start(s) for s in slot_range(start, end)]


def slots_collide(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """True when two intervals share a grid slot (the database would refuse the second)."""
    a, b = slot_range(a_start, a_end), slot_range(b_start, b_end)
    return bool(a) and bool(b) and a.start < b.stop and b.start < a.stop


def slot_span(start: datetime, end: datetime) -> tuple[datetime, datetime]:
    """[first slot start, last slot end): the interval rounded out to the grid."""
    r = slot_range(start, end)
    return slot_start(r.start), slot_start(r.start) + timedelta(seconds=SLOT_SECONDS * len(r))
