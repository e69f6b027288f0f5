"""Small builders with sensible defaults for tests and examples (テスト用の生成関数).

`make_task(...)` and `make_helper(...)` return engine value types; every field can be
overridden by keyword. Times default to 2026-12-01 (a Tuesday) in JST.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from itertools import count

from .model import Commitment, HelperCandidate, Interval, Point, Task

JST = timezone(timedelta(hours=9), "JST")
DAY = datetime(2026, 12, 1, tzinfo=JST)
HOME = Point(35.6664, 139.3160)
_ids = count(10_000)


def at(hour: float, day: int = 0) -> datetime:
    """DAY + `day` days at `hour` o'clock (fractions allowed: 9.5 = 09:30)."""
    return DAY + timedelta(days=day, minutes=round(hour * 60))


def offset(point: Point, north_km: float = 0.0, east_km: float = 0.0) -> Point:
    """A point `north_km`/`east_km` away (flat-earth approximation, fine for a town)."""
    import math

    return Point(
        point.lat + north_km / 111.195,
        point.lon + east_km / (111.195 * math.cos(math.radians(point.lat))),
    )


def make_task(**kw) -> Task:
    start = kw.pop("start", at(10))
    fields = dict(
        id=next(_ids), recipient_id=1, category="housework", start=start,
        end=kw.pop("end", start + timedelta(hours=1)), place=offset(HOME, 1.0),
    )
    fields.update(kw)
    return Task(**fields)


def make_helper(**kw) -> HelperCandidate:
    fields = dict(
        id=next(_ids), home=HOME, radius_km=5.0, travel_mode="bicycle",
        skills=frozenset({"housework", "watch_talk", "personal_care", "transport"}),
        qualifications=frozenset(), verified=True,
        availability=(Interval(at(8), at(20)),), weekly_hours_cap=20.0,
        hours_booked_in_week=0.0, commitments=(), rating=None, rating_count=0,
        recent_assignments=0, gender=None, languages=frozenset({"ja"}),
        blocked_recipient_ids=frozenset(), active=True,
    )
    fields.update(kw)
    return HelperCandidate(**fields)


def make_commitment(start: datetime, end: datetime, place: Point = HOME) -> Commitment:
    return Commitment(start, end, place)
