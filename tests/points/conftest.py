"""Fixtures for the points app: a town with a Yokohama-like volunteer-points scheme (200 points
per activity of 30 minutes or more, at most 200 a day and 8,000 a fiscal year, 1 point = 1 yen,
points expire on 31 December of the following year), a time bank, helpers and completed
bookings made directly in the database."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.helpers.models import HelperProfile, IdentityStatus
from sasaeai.points import services
from sasaeai.points.models import ActivityKind, RedemptionKind, SchemeKind
from sasaeai.requests.models import Booking, HelpRequest
from sasaeai.residents.models import Resident
from sasaeai.tenancy import services as tenancy
from sasaeai.tenancy.models import Area, Role

_n = itertools.count(1)
START = dt.date(2020, 1, 1)


class Town:
    pass


def make_helper(municipality, area, *, verified=True, birth_date=None):
    n = next(_n)
    user = User.objects.create_user(email=f"pt-helper{n}@example.test", password="correct-horse-battery-staple",
                                    display_name=f"担い手{n}", birth_date=birth_date)
    tenancy.create_membership(user=user, municipality=municipality, role=Role.HELPER)
    return HelperProfile.objects.create(
        user=user, municipality=municipality, area=area, home_lat=35.66, home_lon=139.33,
        identity_status=IdentityStatus.VERIFIED if verified else IdentityStatus.NONE,
        identity_verified_at=timezone.now() if verified else None, skills=["housework"])


def make_resident(municipality, area, user=None):
    n = next(_n)
    return Resident.objects.create(
        municipality=municipality, area=area, user=user, family_name="山田", given_name=f"花子{n}",
        family_name_kana="やまだ", given_name_kana="はなこ", birth_date=dt.date(1940, 4, 1),
        address=f"テスト市本町{n}-1", lat=35.66, lon=139.33, h3_cell="8844c1a8f7fffff")


def completed_booking(town, helper, *, minutes=60, when=None, status="completed", category="housework",
                      recipient=None):
    when = when or timezone.now() - dt.timedelta(hours=2)
    req = HelpRequest.objects.create(
        municipality=town.municipality, area=town.area, recipient=recipient or town.resident, entered_by="proxy",
        category=category, title="買い物", starts_at=when, duration_minutes=minutes, status=status)
    done = status == "completed"
    return Booking.objects.create(
        request=req, helper=helper, municipality=town.municipality, starts_at=when,
        ends_at=when + dt.timedelta(minutes=minutes), status=status,
        checked_in_at=when if done else None, checked_out_at=when + dt.timedelta(minutes=minutes) if done else None,
        completed_at=when + dt.timedelta(minutes=minutes) if done else None)


def yokohama_scheme(municipality, *, needs_confirmation=True, name="よこはまシニアボランティアポイント（例）", **terms):
    scheme = services.scheme_create(municipality=municipality, name=name)
    values = dict(daily_cap=200, yearly_cap=8000, year_basis="fiscal", expiry_years=1, min_redemption=200,
                  needs_confirmation=needs_confirmation, registered_helpers_only=True, residents_only=True)
    values.update(terms)
    services.terms_set(scheme=scheme, valid_from=START, **values)
    services.rule_set(scheme=scheme, activity=ActivityKind.BOOKING, valid_from=START, points=200, min_minutes=30)
    services.rule_set(scheme=scheme, activity=ActivityKind.EVENT, valid_from=START, points=200, min_minutes=30)
    services.option_set(scheme=scheme, kind=RedemptionKind.VOUCHER, name="地域商品券", yen_per_point=1)
    return scheme


def time_bank(municipality, *, starting_credit=120, name="ささえ時間預託"):
    scheme = services.scheme_create(municipality=municipality, name=name, kind=SchemeKind.TIME_BANK)
    services.terms_set(scheme=scheme, valid_from=START, needs_confirmation=False, expiry_years=0,
                       starting_credit=starting_credit, registered_helpers_only=False, residents_only=True)
    return scheme


@pytest.fixture
def town(make_municipality, make_user):
    t = Town()
    t.municipality = make_municipality(n_areas=2)
    t.area, t.area2 = list(Area.objects.filter(municipality=t.municipality, layer=2).order_by("name"))
    t.resident = make_resident(t.municipality, t.area)
    t.helper = make_helper(t.municipality, t.area)
    t.coordinator = make_user(Role.COORDINATOR_L1, t.municipality)
    t.admin = make_user(Role.MUNICIPAL_ADMIN, t.municipality)
    t.scheme = yokohama_scheme(t.municipality)
    return t
