import pytest

from sasaeai.demo.town import DemoTown
from sasaeai.partners import demo as partners_demo
from sasaeai.tenancy.models import Area, Role
from sasaeai.workactivity import demo
from sasaeai.workactivity.models import WorkInterest, WorkParticipation, WorkPlacement, WorkTask

pytestmark = pytest.mark.django_db


def _snapshot():
    return (list(WorkTask.objects.order_by("pk").values_list("title", "status", "date", "slots")),
            list(WorkPlacement.objects.order_by("pk").values_list("task__title", "interest__user__email")),
            list(WorkParticipation.objects.order_by("pk").values_list("date", "attended")))


def test_demo_seeds_tasks_with_participants_once(make_municipality, make_user):
    m = make_municipality(n_areas=3)
    make_user(Role.COORDINATOR_L1, m)
    for n in range(20):
        make_user(Role.RESIDENT, m, email=f"demo-resident{n}@example.test")
    town = DemoTown(municipality=m, areas=list(Area.objects.filter(municipality=m, layer=2).order_by("name")),
                    seed=1, scale="small")
    partners_demo.seed(town)
    counts = demo.seed(town)
    assert counts["work_tasks"] == 7 and counts["work_interests"] == 16
    assert counts["work_placements"] >= 8 and counts["work_participations"] > 10
    assert set(WorkTask.objects.values_list("status", flat=True)) == {"draft", "open", "filled", "closed"}
    assert WorkParticipation.objects.filter(attended=False).exists()
    assert WorkInterest.objects.count() == 16
    first = _snapshot()
    assert demo.seed(town) == {"work_tasks": 0} and _snapshot() == first
