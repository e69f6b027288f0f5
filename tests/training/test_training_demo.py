import pytest

from sasaeai.demo.town import DemoTown
from sasaeai.helpers.models import HelperQualification
from sasaeai.tenancy.models import Area, Role
from sasaeai.training import demo, selectors
from sasaeai.training.models import Completion, Course, CourseKind, CourseSession
from tests.requests.conftest import make_helper

pytestmark = pytest.mark.django_db


def _town(m):
    return DemoTown(municipality=m, areas=list(Area.objects.filter(municipality=m, layer=2).order_by("name")),
                    seed=1, scale="small")


def test_demo_seeds_courses_sessions_and_certificates_once(make_municipality, make_user):
    m = make_municipality(n_areas=2)
    for _ in range(12):
        make_user(Role.RESIDENT, m)
    for _ in range(3):
        make_user(Role.COORDINATOR_L2, m)
    helpers = [make_helper(m) for _ in range(8)]
    counts = demo.seed(_town(m))
    assert counts["courses"] == len(demo.COURSES) and counts["sessions"] > 10
    assert counts["completions"] > 20 and counts["applied"] > 0 and counts["pending"] > 0
    assert set(Course.objects.filter(municipality=m).values_list("kind", flat=True)) == set(CourseKind.values) - {
        CourseKind.OTHER}
    assert HelperQualification.objects.filter(profile__in=helpers, code="ninchisho_supporter",
                                              status="verified").exists()
    assert Completion.objects.filter(course__kind=CourseKind.SC_IN_SERVICE).exists()
    c = Completion.objects.order_by("pk").first()
    assert selectors.verification(c.code)["valid"]
    assert CourseSession.objects.filter(course__kind=CourseKind.SC_INITIAL, event__is_public=True).count() == 0
    n = Completion.objects.count(), CourseSession.objects.count()
    assert demo.seed(_town(m)) == {"courses": 0}
    assert (Completion.objects.count(), CourseSession.objects.count()) == n
