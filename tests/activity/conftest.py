"""A town with two layer-2 areas, a layer-2 coordinator per area, a layer-1 coordinator, an
administrator, a support centre and a second municipality."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from sasaeai.tenancy.models import Area, Role


def make_town(make_municipality, make_user):
    m = make_municipality(n_areas=2)
    north, south = Area.objects.filter(municipality=m, layer=2).order_by("name")
    other = make_municipality(n_areas=1)
    other_area = Area.objects.get(municipality=other, layer=2)
    return SimpleNamespace(
        municipality=m, north=north, south=south, layer1=m.layer1_area, other=other, other_area=other_area,
        sc_north=make_user(Role.COORDINATOR_L2, m, areas=[north], display_name="北 SC"),
        sc_south=make_user(Role.COORDINATOR_L2, m, areas=[south], display_name="南 SC"),
        sc1=make_user(Role.COORDINATOR_L1, m, display_name="第1層 SC"),
        admin=make_user(Role.MUNICIPAL_ADMIN, m),
        center=make_user(Role.SUPPORT_CENTER, m, areas=[north]),
        helper=make_user(Role.HELPER, m),
        sc_other=make_user(Role.COORDINATOR_L2, other, areas=[other_area], display_name="他市 SC"),
    )


@pytest.fixture
def town(make_municipality, make_user):
    return make_town(make_municipality, make_user)


def today():
    return timezone.localdate()


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def published_service(municipality, area, name="ふれあいサロン"):
    from sasaeai.directory.models import Service

    return Service.objects.create(municipality=municipality, area=area, name=name, category="salon",
                                  status="published", visibility="public", last_verified_at=timezone.now())


def help_request(municipality, area):
    from sasaeai.requests.models import HelpRequest
    from sasaeai.residents.models import Resident

    resident = Resident.objects.create(
        municipality=municipality, area=area, family_name="山田", given_name="花子", family_name_kana="やまだ",
        given_name_kana="はなこ", birth_date=dt.date(1940, 1, 1), address="北町1-2-3", lat=35.66, lon=139.33,
        h3_cell="x", phone="0425000000")
    return HelpRequest.objects.create(municipality=municipality, area=area, recipient=resident, entered_by="staff",
                                      category="housework", title="買い物", starts_at=timezone.now(),
                                      duration_minutes=60)
