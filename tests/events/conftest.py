import datetime as dt

import pytest
from django.utils import timezone

from sasaeai.events import services
from sasaeai.tenancy.models import Area, Role


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def code_of(exc) -> str | None:
    if hasattr(exc, "error_dict"):
        return next(e.code for errs in exc.error_dict.values() for e in errs)
    return exc.code


@pytest.fixture
def town(make_municipality, make_user):
    m = make_municipality(n_areas=2)
    a1, a2 = Area.objects.filter(municipality=m, layer=2).order_by("name")
    sc = make_user(Role.COORDINATOR_L2, m, areas=[a1])
    sc_other = make_user(Role.COORDINATOR_L2, m, areas=[a2])
    residents = [make_user(Role.RESIDENT, m) for _ in range(4)]
    start = timezone.now() + dt.timedelta(days=3)
    trial = services.create_event(by=sc, municipality=m, area=a1, title="おためし：配食のお手伝い",
                                  event_type="trial_volunteering", starts_at=start,
                                  ends_at=start + dt.timedelta(hours=2), capacity=2, place="地区センター")[0]
    return {"m": m, "a1": a1, "a2": a2, "sc": sc, "sc_other": sc_other, "residents": residents, "trial": trial,
            "make_user": make_user}
