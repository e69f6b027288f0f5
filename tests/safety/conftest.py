"""Fixtures of the safety tests: residents, proxies."""

import datetime
import itertools

import pytest

from sasaeai.residents.models import Proxy, ProxyRelation, Resident
from sasaeai.tenancy.models import Area

_n = itertools.count(1)


@pytest.fixture
def make_resident(db):
    """make_resident(municipality, area=None, user=None, **fields) -> Resident."""

    def make(municipality, area=None, user=None, **fields):
        n = next(_n)
        area = area or Area.objects.filter(municipality=municipality, layer=2).order_by("pk").first()
        values = dict(
            family_name=f"山田{n}", given_name=f"花子{n}", family_name_kana="やまだ", given_name_kana="はなこ",
            birth_date=datetime.date(1940, 4, 1), address=f"東京都テスト市本町{n}-2-3", postal_code="1900001",
            lat=35.66, lon=139.33, h3_cell="8844c0a305fffff", phone=f"0425{n:06d}", care_level="support_1",
            notes=f"認知症の初期症状あり{n}",
        )
        values.update(fields)
        return Resident.objects.create(municipality=municipality, area=area, user=user, **values)

    return make


@pytest.fixture
def make_proxy(db):
    def make(resident, user, relation=ProxyRelation.CHILD, confirmed=True):
        return Proxy.objects.create(resident=resident, user=user, relation=relation, confirmed=confirmed)

    return make


@pytest.fixture
def make_helper(db, make_user):
    """make_helper(municipality, **profile_fields) -> HelperProfile (identity verified)."""
    from django.utils import timezone

    from sasaeai.helpers.models import HelperProfile, IdentityStatus
    from sasaeai.tenancy.models import Role

    def make(municipality, user=None, **fields):
        user = user or make_user(Role.HELPER, municipality)
        values = dict(home_lat=35.66, home_lon=139.33, identity_status=IdentityStatus.VERIFIED,
                      identity_verified_at=timezone.now(), skills=["housework"])
        values.update(fields)
        return HelperProfile.objects.create(user=user, municipality=municipality, **values)

    return make


@pytest.fixture
def make_booking(db, make_user):
    """make_booking(resident, helper, starts_at, minutes=60, status="booked") -> Booking (ORM only)."""
    from datetime import timedelta

    from sasaeai.requests.models import Booking, HelpRequest

    def make(resident, helper, starts_at, minutes=60, status="booked", **fields):
        req = HelpRequest.objects.create(
            municipality=resident.municipality, area=resident.area, recipient=resident, entered_by="coordinator",
            category="housework", title="買い物", starts_at=starts_at, duration_minutes=minutes,
            status="booked" if status == "booked" else "in_progress",
        )
        return Booking.objects.create(request=req, helper=helper, municipality=resident.municipality,
                                      starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes),
                                      status=status, **fields)

    return make
