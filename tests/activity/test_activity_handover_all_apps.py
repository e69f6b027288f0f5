"""The handover briefing gathers every app's section (needs, cases, councils, directory,
activity); a successor given the area sees the same sections and rows as the predecessor did."""

import datetime as dt

import pytest
from django.test import RequestFactory

from sasaeai.cases import services as cases
from sasaeai.core.briefing import sections_for
from sasaeai.councils import services as councils
from sasaeai.needs import services as needs
from sasaeai.residents.models import Resident
from sasaeai.safety import consent
from sasaeai.tenancy import services as tenancy
from sasaeai.tenancy.models import Role
from sasaeai.tenancy.selectors import forget_memberships

pytestmark = pytest.mark.django_db


def _briefing(user, area):
    forget_memberships(user)
    request = RequestFactory().get("/handover/")
    request.user = user
    return {s["key"]: s["rows"] for s in sections_for(request, area)}


def test_every_app_contributes_and_the_successor_inherits_it(town, make_user):
    pre = town.sc_north
    needs.need_create(by=pre, municipality=town.municipality, area=town.north, category="shopping",
                      description="買い物に行けない", source="phone")
    resident = Resident.objects.create(
        municipality=town.municipality, area=town.north, family_name="引継", given_name="一郎",
        family_name_kana="ひきつぎ", given_name_kana="いちろう", address="北町1-1", lat=35.66, lon=139.33,
        birth_date=dt.date(1940, 5, 1))
    consent.give(resident, consent.Purpose.SHARE_SUPPORT_CENTER, by=pre, basis="written", giver_kind="self")
    cases.refer(by=town.center, resident=resident, referrer_kind="support_center", reason="外出が減った")
    councils.council_create(by=town.admin, area=town.north, name="北地区協議体")

    before = _briefing(pre, town.north)
    prefixes = {key.split("-")[0] for key, rows in before.items() if rows}
    assert {"needs", "cases", "councils"} <= prefixes, sorted(before)

    tenancy.membership_end(by=town.admin, membership=pre.memberships.get(), reason="異動")
    successor = make_user(Role.COORDINATOR_L2, town.municipality, areas=[town.north], display_name="後任")
    after = _briefing(successor, town.north)
    # "People working in the area" names the successor now; every other section is the same.
    assert "後任" in str(after.pop("activity-people")) and "北 SC" in str(before.pop("activity-people"))
    assert after == before
