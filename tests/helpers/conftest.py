"""Fixtures for helper tests: a municipality with a helper and coordinators."""

import datetime as dt

import pytest

from sasaeai.helpers import services
from sasaeai.helpers.models import HelperProfile, IdentityStatus
from sasaeai.tenancy.models import Role


@pytest.fixture
def world(make_municipality, make_user):
    """Municipality A (2 areas) with a helper (profile in area 1), an L1 coordinator, an L2
    coordinator of area 2, and municipality B with its own coordinator and helper."""
    a, b = make_municipality(), make_municipality()
    area1, area2 = list(a.areas.filter(layer=2).order_by("name"))
    helper_user = make_user(Role.HELPER, a, areas=[area1])
    profile = services.create_profile(helper_user, a, area=area1, home_lat=35.66, home_lon=139.33,
                                      skills=["housework", "watch_talk"])
    other_helper_user = make_user(Role.HELPER, b)
    other_profile = services.create_profile(other_helper_user, b, home_lat=35.7, home_lon=139.4)
    return {
        "a": a, "b": b, "area1": area1, "area2": area2,
        "helper": helper_user, "profile": profile,
        "coordinator": make_user(Role.COORDINATOR_L1, a),
        "coordinator_l2_area2": make_user(Role.COORDINATOR_L2, a, areas=[area2]),
        "coordinator_b": make_user(Role.COORDINATOR_L1, b),
        "other_helper": other_helper_user, "other_profile": other_profile,
    }


def verify_identity(profile: HelperProfile, coordinator) -> HelperProfile:
    services.submit_identity(profile, profile.user, "driving_licence")
    profile = services.review_identity(profile, coordinator, True)
    assert profile.identity_status == IdentityStatus.VERIFIED
    return profile


@pytest.fixture
def verified_world(world):
    world["profile"] = verify_identity(world["profile"], world["coordinator"])
    return world


def tokyo(y, mo, d, h=0, mi=0):
    from zoneinfo import ZoneInfo

    return dt.datetime(y, mo, d, h, mi, tzinfo=ZoneInfo("Asia/Tokyo"))
