"""Demo KPIs: tenures with one rotation this year and a completed SC survey; idempotent."""

import pytest

from sasaeai.demo.town import DemoTown
from sasaeai.kpis import registry, selectors
from sasaeai.kpis.demo import seed
from sasaeai.kpis.models import ScSurveyAnswer, ScSurveyParticipation
from sasaeai.tenancy.models import Area, Membership, Role

from .conftest import fy_now

pytestmark = pytest.mark.django_db


def _town(make_municipality, make_user):
    m = make_municipality(n_areas=3)
    areas = list(Area.objects.filter(municipality=m, layer=2).order_by("name"))
    make_user(Role.COORDINATOR_L1, m)
    for area in areas:
        make_user(Role.COORDINATOR_L2, m, areas=[area])
    return DemoTown(municipality=m, areas=areas, seed=1, scale="small")


def test_one_rotation_and_a_completed_survey_and_rerun_adds_nothing(make_municipality, make_user):
    town = _town(make_municipality, make_user)
    first = seed(town)
    assert first == {"former_coordinators": 1, "survey_answers": 4}
    m = town.municipality
    assert Membership.history.filter(municipality=m, ended_at__isnull=False).count() == 1
    turnover = selectors.measure(registry.get("sc_turnover"), m, None, fy_now())
    assert turnover.value == pytest.approx(20.0) and turnover.met is False  # 1 of 5 in post
    satisfaction = selectors.measure(registry.get("sc_satisfaction"), m, None, fy_now())
    assert satisfaction.value is not None and 1 <= satisfaction.value <= 5
    assert seed(town) == {"former_coordinators": 0, "survey_answers": 0}
    assert ScSurveyAnswer.objects.filter(survey__municipality=m).count() == 4
    assert ScSurveyParticipation.objects.filter(survey__municipality=m).count() == 4
