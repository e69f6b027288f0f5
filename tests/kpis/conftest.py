"""A KPI world: one municipality with records behind every indicator this app's declarers
compute, built `n` records at a time (so query counts can be compared for 10 vs 100)."""

import datetime as dt
import itertools

import pytest
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.kpis.periods import fiscal_year_bounds, fiscal_year_of, today
from sasaeai.tenancy import services as tenancy
from sasaeai.tenancy.codes import with_check_digit
from sasaeai.tenancy.models import Area, Membership, Role

_n = itertools.count(1)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def fy_now() -> int:
    return fiscal_year_of(today())


def in_year(days: int = 1) -> dt.date:
    """A day of the running fiscal year that is not in the future."""
    start, _end = fiscal_year_bounds(fy_now())
    return min(start + dt.timedelta(days=days), today())


def user(**fields) -> User:
    n = next(_n)
    fields.setdefault("email", f"kpi{n}@example.test")
    fields.setdefault("display_name", f"指標{n}")
    return User.objects.create(**fields)


def coordinator(municipality, role=Role.COORDINATOR_L2, areas=(), started=None, ended=None):
    u = user()
    m = Membership.history.create(user=u, municipality=municipality, role=role,
                                  started_at=started or at(in_year(0)) - dt.timedelta(days=800), ended_at=ended)
    if areas:
        m.areas.set(areas)
    return u


def build_world(n: int = 10):
    """n of each: helpers (half under 65), residents served, published resources (half verified
    recently), survey answers; plus coordinators with one leaver and one layer change."""
    from sasaeai.directory.models import Organization, Service
    from sasaeai.helpers.models import HelperProfile
    from sasaeai.kpis.models import ScSurveyAnswer, ScSurveyParticipation
    from sasaeai.kpis.services import survey_for
    from sasaeai.requests.models import Booking, HelpRequest
    from sasaeai.residents.models import Resident

    k = next(_n)
    code = with_check_digit(f"15{100 + k % 800:03d}")
    m = tenancy.create_municipality(code=code, name=f"指標市{k}", name_kana="しひょうし", prefecture=code[:2],
                                    population=5_000, population_65_plus=1_000, population_75_plus=500,
                                    center_lat=35.4, center_lon=139.4)
    north = tenancy.create_area(municipality=m, name="北", center_lat=35.41, center_lon=139.41, population_65_plus=600)
    south = tenancy.create_area(municipality=m, name="南", center_lat=35.39, center_lon=139.39, population_65_plus=400)
    day = in_year(1)
    # Coordinators: L1, L2 north, L2 south (left this year), and one who moved from L2 to L1.
    staff = {"l1": coordinator(m, Role.COORDINATOR_L1), "north": coordinator(m, areas=[north])}
    staff["leaver"] = coordinator(m, areas=[south], ended=at(day))
    mover = coordinator(m, areas=[north], ended=at(day))
    Membership.history.create(user=mover, municipality=m, role=Role.COORDINATOR_L1, started_at=at(day))
    staff["mover"] = mover
    # Helpers: registered this year, half under 65 at the year's end, all in the north.
    helpers = []
    for i in range(n):
        age = 40 if i % 2 == 0 else 70
        u = user(birth_date=dt.date(today().year - age, 1, 1))
        helpers.append(HelperProfile(user=u, municipality=m, area=north if i % 3 else south))
    HelperProfile.objects.bulk_create(helpers)
    # Residents served: each with one completed booking this year (and one cancelled).
    residents = Resident.objects.bulk_create([
        Resident(municipality=m, area=north if i % 2 else south, family_name="指標", given_name=f"{i}",
                 family_name_kana="しひょう", given_name_kana="な", birth_date=dt.date(1940, 1, 1),
                 address="x", lat=35.4, lon=139.4, h3_cell="x") for i in range(n)])
    profile = HelperProfile.objects.filter(municipality=m).first()
    requests = HelpRequest.objects.bulk_create([
        HelpRequest(municipality=m, area=r.area, recipient=r, entered_by="coordinator", category="housework",
                    title="掃除", starts_at=at(day), duration_minutes=60, status="completed") for r in residents])
    Booking.objects.bulk_create([
        Booking(request=r, helper=profile, municipality=m, starts_at=at(day), ends_at=at(day, 11),
                status=status) for r in requests for status in ("completed",)])
    # Resources: published, half verified in the last six months.
    org = Organization.objects.create(municipality=m, name="指標の会")
    recent, old = timezone.now() - dt.timedelta(days=10), timezone.now() - dt.timedelta(days=400)
    Service.objects.bulk_create([
        Service(municipality=m, organization=org, area=north if i % 2 else south, name=f"サロン{i}",
                category="kayoi", status="published", last_verified_at=recent if i % 2 == 0 else old)
        for i in range(n)])
    # Survey: n anonymous answers (participations of n other users).
    survey = survey_for(m, fy_now())
    ScSurveyParticipation.objects.bulk_create([ScSurveyParticipation(survey=survey, user=user()) for _ in range(n)])
    ScSurveyAnswer.objects.bulk_create([
        ScSurveyAnswer(survey=survey, satisfaction=4 if i % 2 else 5, evaluation_clear=3, support=4) for i in range(n)])
    areas = {"north": north, "south": south}
    return {"m": m, "areas": areas, "staff": staff, "n": n, "area_objs": list(Area.objects.filter(municipality=m))}


@pytest.fixture
def kpi_world(db):
    return build_world(10)


def codes(exc) -> set[str]:
    """The stable codes of a ValidationError (field errors included)."""
    if hasattr(exc, "error_dict"):
        return {e.code for errors in exc.error_dict.values() for e in errors}
    return {e.code for e in exc.error_list}


@pytest.fixture
def waiting_key(monkeypatch):
    """An indicator declared as "no data yet" (its source app absent), added to the registry
    for the test: every real placeholder has been replaced by the app that holds its data."""
    from types import SimpleNamespace

    from sasaeai.kpis import kpis as own
    from sasaeai.kpis import registry

    extra = registry.load([("kpis", SimpleNamespace(indicators=lambda: [{
        "key": "test_waiting", "name": "まだ元データのない指標", "definition": "Source: an app not built yet.",
        "unit": "count", "direction": "at_least", "target": 3, "available": False,
        "compute": own._no_data, "records": own._no_records}]))])
    found = tuple(registry._discovered()) + tuple(extra)
    monkeypatch.setattr(registry, "_discovered", lambda: found)
    return "test_waiting"
