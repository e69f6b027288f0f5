import pytest

from sasaeai.demo.town import DemoTown
from sasaeai.events import demo
from sasaeai.events.models import Attendance, Event, EventType, FollowUp, SignUp
from sasaeai.tenancy.models import Area, Role

pytestmark = pytest.mark.django_db


def test_demo_seeds_a_year_once(make_municipality, make_user):
    m = make_municipality(n_areas=2)
    for _ in range(30):
        make_user(Role.RESIDENT, m)
    town = DemoTown(municipality=m, areas=list(Area.objects.filter(municipality=m, layer=2).order_by("name")),
                    seed=1, scale="small")
    counts = demo.seed(town)
    assert counts["trial_events"] == 12 and counts["conversions"] > 0 and counts["followups"] > 0
    assert set(Event.objects.filter(municipality=m).values_list("event_type", flat=True)) == set(EventType.values)
    assert SignUp.objects.filter(status="waiting").exists() and SignUp.objects.filter(status="offered").exists()
    assert Attendance.objects.filter(walk_in=True).exists()
    assert FollowUp.objects.filter(registered_helper_at__isnull=False).exists()
    n = Event.objects.count()
    assert demo.seed(town) == {"events": 0} and Event.objects.count() == n
