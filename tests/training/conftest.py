"""Fixtures of the training app: a town with a coordinator (organiser), a helper without the
dementia supporter qualification, a resident who is not a helper, and a dementia supporter
course with one session that has just taken place (the helper and the resident signed up)."""

import datetime as dt

import pytest
from django.utils import timezone

from sasaeai.events import services as event_services
from sasaeai.events.models import Event
from sasaeai.tenancy.models import Area, Role
from sasaeai.training import services
from tests.requests.conftest import make_helper


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def code_of(exc) -> str | None:
    if hasattr(exc, "error_dict"):
        return next(e.code for errs in exc.error_dict.values() for e in errs)
    return exc.code


def held(session, hours_ago: int = 3) -> None:
    """Move the session's event into the past (sign-up is only possible before it)."""
    start = timezone.now() - dt.timedelta(hours=hours_ago)
    Event.objects.filter(pk=session.event_id).update(starts_at=start, ends_at=start + dt.timedelta(hours=2))
    session.event.refresh_from_db()


@pytest.fixture
def town(make_municipality, make_user):
    m = make_municipality(n_areas=2)
    a1, a2 = Area.objects.filter(municipality=m, layer=2).order_by("name")
    sc = make_user(Role.COORDINATOR_L2, m, areas=[a1])
    sc_other = make_user(Role.COORDINATOR_L2, m, areas=[a2])
    helper = make_helper(m)
    resident = make_user(Role.RESIDENT, m, display_name="佐藤花子")
    course = services.create_course(by=sc, municipality=m, title="認知症サポーター養成講座",
                                     kind="dementia_supporter", organiser_name="地域包括支援センター")
    start = timezone.now() + dt.timedelta(days=2)
    session = services.add_session(by=sc, course=course, starts_at=start, ends_at=start + dt.timedelta(hours=2),
                                   capacity=20, area=a1, place="地区センター")
    for person in (helper.user, resident):
        event_services.sign_up(by=person, event=session.event)
    held(session)
    return {"m": m, "a1": a1, "a2": a2, "sc": sc, "sc_other": sc_other, "helper": helper, "resident": resident,
            "course": course, "session": session, "make_user": make_user}
