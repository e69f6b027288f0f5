"""Events as iCalendar feeds (RFC 5545, `icalendar` package), times in Asia/Tokyo: a person's
own events, an area's public events and the municipality's public feed."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation

from .models import Event, EventType


def calendar(events, *, name: str, limit: int = 1000) -> bytes:
    from icalendar import Calendar
    from icalendar import Event as VEvent

    with translation.override(settings.LANGUAGE_CODE):
        cal = Calendar()
        cal.add("prodid", "-//Sasaeai//events//JA")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", settings.TIME_ZONE)
        host = (getattr(settings, "SASAEAI_SITE_URL", "") or "sasaeai.invalid").split("//")[-1].strip("/")
        for e in events.order_by("starts_at", "id")[:limit]:
            e: Event
            ev = VEvent()
            ev.add("uid", f"event-{e.pk}@{host}")
            ev.add("summary", f"{e.title}（{EventType(e.event_type).label}）")
            ev.add("dtstart", timezone.localtime(e.starts_at))
            ev.add("dtend", timezone.localtime(e.ends_at))
            ev.add("dtstamp", e.updated_at)
            if e.place:
                ev.add("location", e.place)
            if e.online_url:
                ev.add("url", e.online_url)
            ev.add("status", "CANCELLED" if e.cancelled_at else "CONFIRMED")
            cal.add_component(ev)
        return cal.to_ical()
