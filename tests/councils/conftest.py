import datetime as dt

import pytest

from sasaeai.councils import services
from sasaeai.tenancy.models import Area, Role


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    """Accounts made by these tests need no slow password hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def on_agenda(town, issue):
    services.issue_move(by=town["sc1"], issue=issue, state="on_agenda")
    issue.refresh_from_db()
    return issue


@pytest.fixture
def town(make_municipality, make_user):
    """A municipality with a layer-1 and two layer-2 councils, a layer-1 coordinator, a layer-2
    coordinator of area 1, a council-member account seated on area 1's council, and a resident."""
    m = make_municipality(n_areas=2)
    l1 = m.layer1_area
    a1, a2 = Area.objects.filter(municipality=m, layer=2).order_by("name")
    sc1 = make_user(Role.COORDINATOR_L1, m)
    sc2 = make_user(Role.COORDINATOR_L2, m, areas=[a1])
    member_user = make_user(Role.COUNCIL_MEMBER, m, areas=[a1])
    resident = make_user(Role.RESIDENT, m)
    top = services.council_create(by=sc1, area=l1, name="第1層協議体")
    c1 = services.council_create(by=sc1, area=a1, name="地区1協議体", is_existing_gathering=True,
                                 gathering_note="地区社協の定例会")
    c2 = services.council_create(by=sc1, area=a2, name="地区2協議体")
    start = dt.date(2025, 4, 1)
    seat = services.member_add(by=sc2, council=c1, name="自治会長 山田", affiliation=5, term_start=start,
                               user=member_user, role="chair")
    pro = services.member_add(by=sc2, council=c1, name="包括 佐藤", affiliation=2, term_start=start)
    return {"m": m, "l1": l1, "a1": a1, "a2": a2, "sc1": sc1, "sc2": sc2, "member_user": member_user,
            "resident": resident, "top": top, "c1": c1, "c2": c2, "seat": seat, "pro": pro}


def code_of(exc) -> str | None:
    """The stable code of a service's refusal (first field's first error)."""
    if hasattr(exc, "error_dict"):
        return next(e.code for errs in exc.error_dict.values() for e in errs)
    return exc.code
