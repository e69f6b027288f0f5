"""Fixtures of the needs tests: one municipality with two areas, staff per role, a consenting
resident in area 1 and a resident without consent."""

import datetime as dt

import pytest

from sasaeai.residents.models import Resident
from sasaeai.safety import consent
from sasaeai.tenancy.models import Area, Role


def make_resident(municipality, area, name="花子", **fields):
    defaults = dict(municipality=municipality, area=area, family_name="山田", given_name=name,
                    family_name_kana="やまだ", given_name_kana="はなこ", birth_date=dt.date(1940, 4, 1),
                    address="テスト市1-2-3", lat=35.66, lon=139.33, h3_cell="8844c0a305fffff", phone="0425000001")
    defaults.update(fields)
    return Resident.objects.create(**defaults)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Users are made per test; a fast hasher keeps the module quick (not a security test)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def town(make_municipality, make_user):
    m = make_municipality(n_areas=2)
    north, south = Area.objects.filter(municipality=m, layer=2).order_by("name")
    sc = make_user(Role.COORDINATOR_L2, m, areas=[north], display_name="北SC")
    t = {
        "m": m, "north": north, "south": south, "sc": sc,
        "sc_south": make_user(Role.COORDINATOR_L2, m, areas=[south]),
        "l1": make_user(Role.COORDINATOR_L1, m),
        "admin": make_user(Role.MUNICIPAL_ADMIN, m),
        "support": make_user(Role.SUPPORT_CENTER, m, areas=[north]),
        "partner": make_user(Role.PARTNER, m),
    }
    t["resident"] = make_resident(m, north)
    consent.give(t["resident"], consent.Purpose.MATCHING, by=sc, basis="verbal", giver_kind="self")
    t["no_consent"] = make_resident(m, north, name="太郎", phone="0425000002")
    return t
