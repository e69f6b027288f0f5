"""Directory programmes published as events (issue 16 §1): the publish page (pre-filled from
the programme's weekly schedule), the events' source, and the weekly calendar PDF showing this
month's published dates (its cache changes when they do)."""

import datetime as dt
import subprocess
import tempfile
from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from sasaeai.directory import paper, printouts
from sasaeai.directory import services as directory
from sasaeai.directory.models import Category, Status, Visibility
from sasaeai.events import selectors, services
from sasaeai.events.models import Event
from sasaeai.tenancy.models import Role
from tests.conftest import login_client

pytestmark = pytest.mark.django_db


def _pdf_text(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(data)
        fh.flush()
        return subprocess.run(["pdftotext", fh.name, "-"], capture_output=True, check=True).stdout.decode()


def _programme(town, name="いきいき体操", status=Status.PUBLISHED):
    a1 = town["a1"]
    weekly = [{"kind": "weekly", "weekday": 1, "opens_at": time(10), "closes_at": time(11, 30)}]
    return directory.save_service(by=None, municipality=town["m"], values={
        "name": name, "category": Category.EXERCISE, "area": a1, "visibility": Visibility.PUBLIC, "status": status,
        "lat": a1.center_lat, "lon": a1.center_lon}, schedules=weekly)


def _this_month_day():
    """A day later this month, or the first of next month near the month's end."""
    today = timezone.localdate()
    later = today + dt.timedelta(days=2)
    return later if later.month == today.month else None


def test_publish_page_prefills_and_creates_events_with_the_programme_as_source(town):
    service = _programme(town)
    client = login_client(town["sc"])
    page = client.get(reverse("events:publish"), {"service": service.pk}).content.decode()
    assert "いきいき体操" in page and 'value="10:00"' in page and 'value="11:30"' in page
    day = timezone.localdate() + dt.timedelta(days=4)
    r = client.post(reverse("events:publish"), {"service": service.pk, "date": day.isoformat(), "start": "10:00",
                                                "end": "11:30", "capacity": "15", "repeat_weekly": "2",
                                                "event_type": "exercise"})
    published = Event.objects.filter(source_id=service.pk).order_by("starts_at")
    assert r.status_code == 302 and published.count() == 3
    first = published[0]
    assert (first.title, first.event_type, first.capacity, first.area_id, first.organiser_kind) == (
        "いきいき体操", "exercise", 15, town["a1"].pk, "partner")
    assert first.source == service and first.shown_to_residents


def test_publish_refuses_bad_input_and_other_people(town):
    service = _programme(town)
    draft = _programme(town, "準備中の体操", status=Status.DRAFT)
    client = login_client(town["sc"])
    bad = client.post(reverse("events:publish"), {"service": service.pk, "date": "x", "start": "10:00",
                                                  "end": "09:00", "capacity": "5"}, follow=True)
    assert bad.status_code == 200 and not Event.objects.filter(source_id=service.pk).exists()
    day = (timezone.localdate() + dt.timedelta(days=4)).isoformat()
    backwards = client.post(reverse("events:publish"), {"service": service.pk, "date": day, "start": "10:00",
                                                        "end": "09:00", "capacity": "5"})
    assert backwards.status_code == 200 and not Event.objects.filter(source_id=service.pk).exists()
    assert client.get(reverse("events:publish"), {"service": draft.pk}).status_code == 404
    resident = town["make_user"](Role.RESIDENT, town["m"])
    assert login_client(resident).get(reverse("events:publish")).status_code == 403


def test_published_dates_appear_on_the_weekly_calendar_and_change_its_cache(town):
    day = _this_month_day()
    if day is None:
        pytest.skip("the month ends in two days: nothing later this month to print")
    service = _programme(town)
    before = printouts.printout_version(town["m"], town["a1"])
    start = timezone.make_aware(dt.datetime.combine(day, time(13, 30)))
    [event] = services.publish_programme(by=town["sc"], service=service, starts_at=start,
                                         ends_at=start + dt.timedelta(hours=1), capacity=10)
    assert list(selectors.programme_events(town["m"], area=town["a1"])) == [event]
    assert printouts.printout_version(town["m"], town["a1"]) != before
    text = _pdf_text(paper.weekly_calendar(town["m"], area=town["a1"]))
    assert f"{day.month}/{day.day}" in text and "申込制" in text
    assert "10:00〜11:30" in text  # the weekly schedule is still there
    services.cancel_event(by=town["sc"], event=event)
    assert not selectors.programme_events(town["m"]).exists()
    assert "申込制" not in _pdf_text(paper.weekly_calendar(town["m"], area=town["a1"]))
