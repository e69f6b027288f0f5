"""Schedule evaluation in Asia/Tokyo with Japanese public holidays (祝日, via jpholiday)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import jpholiday
from django.db.models import Q

TOKYO = ZoneInfo("Asia/Tokyo")
DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def is_holiday(day: date) -> bool:
    return jpholiday.is_holiday(day)


def week_of_month(day: date) -> int:
    """1 for the first such weekday of the month (days 1–7), 2 for days 8–14, …"""
    return (day.day - 1) // 7 + 1


@dataclass(frozen=True)
class Moment:
    """A point in time seen from Tokyo: what a schedule needs to decide 'open'."""

    day: date
    clock: time
    weekday: int
    nth: int
    holiday: bool

    @classmethod
    def of(cls, when: datetime) -> Moment:
        if when.tzinfo is None:
            when = when.replace(tzinfo=TOKYO)
        local = when.astimezone(TOKYO)
        day = local.date()
        return cls(day=day, clock=local.time().replace(tzinfo=None), weekday=day.weekday(),
                   nth=week_of_month(day), holiday=is_holiday(day))


def occurs_on(schedule, day: date) -> bool:
    """Whether a session of `schedule` takes place on `day`."""
    if schedule.kind == "once":
        return schedule.date == day
    if schedule.weekday != day.weekday():
        return False
    if schedule.valid_from and day < schedule.valid_from:
        return False
    if schedule.valid_to and day > schedule.valid_to:
        return False
    if schedule.week_of_month and week_of_month(day) != schedule.week_of_month:
        return False
    return not (schedule.closed_on_holidays and is_holiday(day))


def is_open(schedule, when: datetime) -> bool:
    m = Moment.of(when)
    return occurs_on(schedule, m.day) and schedule.opens_at <= m.clock < schedule.closes_at


def open_at_q(when: datetime, prefix: str = "schedules__") -> Q:
    """A query condition on services with a schedule open at `when` (evaluated in SQL)."""
    m = Moment.of(when)
    p = prefix
    in_hours = Q(**{f"{p}opens_at__lte": m.clock, f"{p}closes_at__gt": m.clock})
    once = Q(**{f"{p}kind": "once", f"{p}date": m.day})
    weekly = (
        Q(**{f"{p}kind": "weekly", f"{p}weekday": m.weekday})
        & (Q(**{f"{p}valid_from__isnull": True}) | Q(**{f"{p}valid_from__lte": m.day}))
        & (Q(**{f"{p}valid_to__isnull": True}) | Q(**{f"{p}valid_to__gte": m.day}))
        & (Q(**{f"{p}week_of_month__isnull": True}) | Q(**{f"{p}week_of_month": m.nth}))
    )
    if m.holiday:
        weekly &= Q(**{f"{p}closed_on_holidays": False})
    return in_hours & (once | weekly)


def describe(schedule) -> str:
    """A short Japanese-or-English line such as 「毎週火曜 10:00–11:30」."""
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    hours = f"{schedule.opens_at:%H:%M}–{schedule.closes_at:%H:%M}"
    if schedule.kind == "once":
        return f"{date_format(schedule.date, 'SHORT_DATE_FORMAT')} {hours}"
    day = str(dict(schedule.WEEKDAYS)[schedule.weekday])
    if schedule.week_of_month:
        when = _("Week %(n)s %(day)s") % {"n": schedule.week_of_month, "day": day}
    else:
        when = _("Every %(day)s") % {"day": day}
    text = f"{when} {hours}"
    if schedule.closed_on_holidays:
        text += " " + _("(not on public holidays)")
    return text
