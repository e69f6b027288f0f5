"""Fixtures for the requests app: a small town with a recipient, a proxy, a coordinator and
verified helpers whose availability covers every day 06:00–22:00 (Tokyo)."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.helpers.models import (
    AvailabilityRule,
    HelperProfile,
    HelperQualification,
    IdentityStatus,
)
from sasaeai.residents.models import Proxy, Resident
from sasaeai.tenancy import services as tenancy
from sasaeai.tenancy.models import Area, Role

TOKYO = ZoneInfo("Asia/Tokyo")
_n = itertools.count(1)


def tomorrow_at(hour: int, minute: int = 0, days: int = 1) -> dt.datetime:
    day = timezone.localtime(timezone.now(), TOKYO).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TOKYO)


def give_consent(resident, purpose="matching", granted=True):
    from sasaeai.safety.models import ConsentEvent

    ConsentEvent.objects.create(resident=resident, purpose=purpose, granted=granted, giver_kind="self",
                                basis="written")


def make_resident(municipality, area, *, user=None, lat=35.66, lon=139.33, consent=True, phone="09012345678"):
    n = next(_n)
    resident = Resident.objects.create(
        municipality=municipality, area=area, user=user, family_name="山田", given_name=f"花子{n}",
        family_name_kana="やまだ", given_name_kana="はなこ", birth_date=dt.date(1940, 4, 1),
        address=f"テスト市本町{n}-1", lat=lat, lon=lon, h3_cell="8844c1a8f7fffff", phone=phone,
    )
    if consent:
        give_consent(resident)
    return resident


def make_helper(municipality, *, lat=35.661, lon=139.331, skills=None, quals=(), verified=True,
                radius_km=5.0, email=None, area=None):
    n = next(_n)
    user = User.objects.create_user(email=email or f"helper{n}@example.test", password="correct-horse-battery-staple",
                                    display_name=f"担い手{n}")
    tenancy.create_membership(user=user, municipality=municipality, role=Role.HELPER)
    profile = HelperProfile.objects.create(
        user=user, municipality=municipality, area=area, home_lat=lat, home_lon=lon, radius_km=radius_km,
        travel_mode="bicycle", skills=list(skills or ["housework", "escort_hospital", "watch_talk",
                                                       "escort_shopping", "personal_care", "it_support"]),
        languages=["ja"], max_hours_per_week=20, has_insurance=True, training_done=True,
        identity_status=IdentityStatus.VERIFIED if verified else IdentityStatus.NONE,
        identity_verified_at=timezone.now() if verified else None,
    )
    for weekday in range(7):
        AvailabilityRule.objects.create(profile=profile, weekday=weekday, start_time=dt.time(0, 0),
                                        end_time=dt.time(23, 59))
    for code in quals:
        HelperQualification.objects.create(profile=profile, code=code, status="verified",
                                           reviewed_at=timezone.now())
    return profile


class Town:
    pass


@pytest.fixture
def town(make_municipality, make_user):
    t = Town()
    t.municipality = make_municipality(n_areas=2)
    t.areas = list(Area.objects.filter(municipality=t.municipality, layer=2).order_by("name"))
    t.coordinator = make_user(Role.COORDINATOR_L1, t.municipality)
    t.proxy_user = make_user(Role.PROXY, t.municipality, display_name="山田一郎")
    t.resident = make_resident(t.municipality, t.areas[0])
    Proxy.objects.create(resident=t.resident, user=t.proxy_user, relation="child", confirmed=True)
    t.helpers = [make_helper(t.municipality, lat=35.661 + i * 0.002, lon=139.331) for i in range(3)]
    t.stranger = make_user(Role.PROXY, t.municipality)
    return t


@pytest.fixture
def new_request(town):
    from sasaeai.requests import services

    def make(**kw):
        fields = dict(user=town.proxy_user, recipient=town.resident, category="housework",
                      starts_at=tomorrow_at(10), duration_minutes=60, title="掃除")
        fields.update(kw)
        return services.create_request(**fields)

    return make


def soon(minutes_ahead: int = 30) -> dt.datetime:
    """The next half-hour mark at least `minutes_ahead` from now (check-in opens 60 min before)."""
    now = timezone.now() + dt.timedelta(minutes=minutes_ahead)
    base = now.replace(second=0, microsecond=0)
    extra = (30 - base.minute % 30) % 30
    return base + dt.timedelta(minutes=extra)
