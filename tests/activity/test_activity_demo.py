"""Demo data: a year of activity for every coordinator of the town, deterministic and
idempotent, with handover notes for every layer-2 area."""

import datetime as dt

import pytest
from django.utils import timezone

from sasaeai.activity import demo, selectors
from sasaeai.activity.models import ActivityEntry, HandoverNote
from sasaeai.demo.town import DemoTown
from sasaeai.tenancy.models import Area, Role

pytestmark = pytest.mark.django_db


def test_every_coordinator_gets_a_year_of_entries_once(make_municipality, make_user):
    m = make_municipality(n_areas=2)
    areas = list(Area.objects.filter(municipality=m, layer=2).order_by("name"))
    scs = [make_user(Role.COORDINATOR_L2, m, areas=[a], email=f"sc2-{i}@demo.example") for i, a in enumerate(areas)]
    sc1 = make_user(Role.COORDINATOR_L1, m, email="sc1@demo.example")
    town = DemoTown(municipality=m, areas=areas, seed=1, scale="small")

    counts = demo.seed(town)
    assert counts["entries"] > 3 * 200 * 3 and counts["handover_notes"] == 2 * len(demo.HANDOVER)
    keys = set(ActivityEntry.objects.values_list("demo_key", flat=True))
    assert demo.seed(town) == {"entries": 0, "handover_notes": 0}
    assert set(ActivityEntry.objects.values_list("demo_key", flat=True)) == keys

    today = timezone.localdate()
    for user in [*scs, sc1]:
        mine = ActivityEntry.objects.filter(recorded_by=user)
        first = mine.order_by("date").first().date
        assert (today - first).days >= 360 and mine.filter(date__gte=today).count() == 0
        # No day passes 24 hours; a working week is about 25 hours.
        assert max(selectors.day_total(user, d) for d in mine.values_list("date", flat=True).distinct()[:50]) <= 1440
        share = selectors.coordination_share(coordinator=user, start=today - dt.timedelta(days=365), end=today)
        assert 45 <= share.percent <= 90
        weeks = share.total_minutes / 60 / 52
        assert 18 <= weeks <= 30
    assert ActivityEntry.objects.filter(recorded_by=sc1, area=m.layer1_area).exists()
    assert ActivityEntry.objects.filter(area__in=areas).values("area").distinct().count() == 2
    assert HandoverNote.objects.filter(area__in=areas).count() == 8
