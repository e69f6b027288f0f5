"""The council's meetings as an iCalendar feed (RFC 5545, `icalendar` package). Only what a
public notice would say: type, council, date and place — no agenda, minutes or online link."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation

from .models import Council, MeetingKind


def council_calendar(council: Council, *, limit: int = 500) -> bytes:
    from icalendar import Calendar, Event

    with translation.override(settings.LANGUAGE_CODE):
        cal = Calendar()
        cal.add("prodid", "-//Sasaeai//councils//JA")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", council.name)
        host = (getattr(settings, "SASAEAI_SITE_URL", "") or "sasaeai.invalid").split("//")[-1].strip("/")
        for m in council.meetings.order_by("-starts_at")[:limit]:
            ev = Event()
            ev.add("uid", f"council-meeting-{m.pk}@{host}")
            ev.add("summary", f"{council.name}：{MeetingKind(m.kind).label}")
            start = timezone.localtime(m.starts_at)
            ev.add("dtstart", start)
            ev.add("dtend", timezone.localtime(m.ends_at) if m.ends_at else start + timedelta(hours=2))
            ev.add("dtstamp", m.updated_at or m.created_at)
            if m.place:
                ev.add("location", m.place)
            cal.add_component(ev)
        return cal.to_ical()
