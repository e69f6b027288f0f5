"""Fixtures of the directory tests: a seeded demo town and a small hand-made directory."""

from datetime import time

import pytest

from sasaeai.demo.town import DemoTown
from sasaeai.directory import services
from sasaeai.directory.models import Category, Status, Visibility
from sasaeai.tenancy.models import Area, Role


@pytest.fixture(autouse=True)
def printout_dir(settings, tmp_path):
    """Cached printouts go to a per-test folder."""
    settings.SASAEAI_PRINTOUT_DIR = tmp_path / "printouts"
    return settings.SASAEAI_PRINTOUT_DIR


def town_of(municipality, seed: int = 7) -> DemoTown:
    areas = list(Area.objects.filter(municipality=municipality, layer=2).order_by("name"))
    return DemoTown(municipality=municipality, areas=areas, seed=seed, scale="small")


@pytest.fixture
def seeded_town(make_municipality):
    from sasaeai.directory.demo import seed
    from sasaeai.geo.demo import seed as seed_geo

    municipality = make_municipality(n_areas=4)
    town = town_of(municipality)
    seed_geo(town)
    seed(town)
    return town


@pytest.fixture
def small_dir(make_municipality, make_user):
    """One municipality, two areas, a coordinator of area 1, and four resources:
    public 体操 in area 1, professionals-only, private, and a draft."""
    m = make_municipality(n_areas=2)
    a1, a2 = list(Area.objects.filter(municipality=m, layer=2).order_by("name"))
    coordinator = make_user(Role.COORDINATOR_L2, m, areas=[a1])

    def make(name, *, area=a1, visibility=Visibility.PUBLIC, status=Status.PUBLISHED, category=Category.EXERCISE,
             lat=None, lon=None, schedules=None, **extra):
        values = {"name": name, "category": category, "area": area, "visibility": visibility, "status": status,
                  "lat": lat if lat is not None else area.center_lat,
                  "lon": lon if lon is not None else area.center_lon, **extra}
        return services.save_service(by=None, municipality=m, values=values, schedules=schedules)

    weekly = [{"kind": "weekly", "weekday": 1, "opens_at": time(10), "closes_at": time(11, 30)}]
    return {
        "m": m, "a1": a1, "a2": a2, "coordinator": coordinator, "make": make,
        "public": make("いきいき体操", name_kana="いきいきたいそう", schedules=weekly, targets=["frail", "healthy"], cost="free",
                       description="椅子に座ってできる体操です"),
        "pro": make("専門職向け 体操 連絡会", visibility=Visibility.PROFESSIONALS),
        "private": make("ひそかな協力店 体操", visibility=Visibility.PRIVATE, category=Category.COOPERATING_STORE),
        "draft": make("準備中の体操", status=Status.DRAFT),
    }
