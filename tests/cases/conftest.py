"""A town with two areas, an SC per area, a layer-1 SC, a 地域包括支援センター worker and a
resident with sharing consent (and one without)."""

import datetime as dt
import itertools

import pytest

from sasaeai.residents.models import Resident
from sasaeai.safety import consent
from sasaeai.tenancy.models import Role

_n = itertools.count(1)


def make_resident(municipality, area, **fields):
    n = next(_n)
    values = dict(municipality=municipality, area=area, family_name="支援", given_name=f"花子{n}",
                  family_name_kana="しえん", given_name_kana=f"はなこ{n}", birth_date=dt.date(1940, 1, 1),
                  address="北町1-2-3", lat=35.66, lon=139.33, h3_cell="x")
    values.update(fields)
    return Resident.objects.create(**values)


@pytest.fixture
def town(make_municipality, make_user):
    m = make_municipality(n_areas=2)
    north, south = list(m.areas.filter(layer=2).order_by("name"))
    sc = make_user(Role.COORDINATOR_L2, m, areas=[north], display_name="北のSC")
    sc2 = make_user(Role.COORDINATOR_L2, m, areas=[north], display_name="北のSC二人目")
    sc_south = make_user(Role.COORDINATOR_L2, m, areas=[south], display_name="南のSC")
    l1 = make_user(Role.COORDINATOR_L1, m, display_name="第1層SC")
    centre = make_user(Role.SUPPORT_CENTER, m, areas=[north], display_name="包括の職員")
    resident = make_resident(m, north)
    consent.give(resident, consent.Purpose.SHARE_SUPPORT_CENTER, by=sc, basis="written", giver_kind="self")
    quiet = make_resident(m, north, given_name="静子")
    other_m = make_municipality(n_areas=1)
    stranger = make_resident(other_m, other_m.areas.get(layer=2))
    return {"m": m, "north": north, "south": south, "sc": sc, "sc2": sc2, "sc_south": sc_south, "l1": l1,
            "centre": centre, "resident": resident, "quiet": quiet, "stranger": stranger}


ONS4_LOW = {"life_satisfaction": 4, "worthwhile": 5, "happiness": 3, "anxiety": 7}
ONS4_HIGH = {"life_satisfaction": 7, "worthwhile": 8, "happiness": 6, "anxiety": 3}


@pytest.fixture
def new_resident():
    return make_resident


@pytest.fixture
def ons4():
    return {"low": dict(ONS4_LOW), "high": dict(ONS4_HIGH)}
