"""Fixtures of the work-like activities tests: one town (two districts), a work coordinator, a
partner with one staff member, and older residents with work interests at known distances."""

import datetime as dt

import pytest
from django.utils import timezone

from sasaeai.directory.models import Organization
from sasaeai.partners import services as partners
from sasaeai.partners.models import PartnerKind
from sasaeai.tenancy.models import Area, Role
from sasaeai.workactivity import services


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def next_weekday(weekday: int, after: dt.date | None = None) -> dt.date:
    day = (after or timezone.localdate()) + dt.timedelta(days=1)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


def make_partner(m, make_user, name, kind=PartnerKind.SHOP):
    org = Organization.objects.create(municipality=m, name=name)
    staff = make_user(Role.PARTNER, m, display_name=f"{name}の職員")
    org.members.add(staff)
    profile = partners.partner_create(by=staff, organization=org, kind=kind,
                                      branches=[{"name": f"{name} 本店", "address": f"{m.name}本町1-1"}])
    return profile, staff


def make_person(t, make_user, name, *, kinds=("shop",), skills=(), weekdays=(0, 1, 2, 3, 4), lat=None, lon=None,
                radius=3.0, area=None, hours=8):
    user = make_user(Role.RESIDENT, t["m"], display_name=name)
    interest = services.interest_save(
        user=user, kinds=list(kinds), skills=list(skills), weekdays=list(weekdays),
        available_from=dt.time(9), available_until=dt.time(17), area=area or t["north"], radius_km=radius,
        max_hours_per_week=hours, home_lat=lat, home_lon=lon, consent=True)
    return user, interest


@pytest.fixture
def town(make_municipality, make_user):
    m = make_municipality(n_areas=2)
    north, south = Area.objects.filter(municipality=m, layer=2).order_by("name")
    t = {"m": m, "north": north, "south": south,
         "work": make_user(Role.WORK_COORDINATOR, m, display_name="就労コーディネーター"),
         "l1": make_user(Role.COORDINATOR_L1, m), "sc2": make_user(Role.COORDINATOR_L2, m, areas=[north])}
    t["shop"], t["clerk"] = make_partner(m, make_user, "北スーパー")
    t["farm"], t["farmer"] = make_partner(m, make_user, "みどり農園", PartnerKind.COMPANY)
    t["day"] = next_weekday(2)  # a Wednesday
    return t


def make_task(t, *, partner=None, slots=2, category="shop", skills=(), day=None, start=dt.time(10),
              end=dt.time(12), weekly_until=None, lat=35.66, lon=139.33, publish=True, **kw):
    return services.task_create(
        by=None, partner=partner or t["shop"], title=kw.pop("title", "品出しのお手伝い"), category=category,
        area=t["north"], address="本町1-1", lat=lat, lon=lon, date=day or t["day"], start_time=start, end_time=end,
        weekly_until=weekly_until, slots=slots, skills=list(skills), reward_text="商品券", reward_yen=500,
        publish=publish, **kw)
