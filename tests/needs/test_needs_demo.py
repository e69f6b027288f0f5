"""Demo needs: hundreds per area, kinds skewed (shopping first), an obvious gap area (many
shopping needs, no mobile shop stop) at the top of the ranking, and a second run adds nothing."""

from collections import Counter

import pytest

from sasaeai.directory.models import Service
from sasaeai.needs import demo, gaps
from sasaeai.needs.models import Need
from tests.directory.conftest import town_of

pytestmark = pytest.mark.django_db


def test_the_demo_town_gets_skewed_needs_and_one_obvious_gap(make_municipality):
    from sasaeai.directory.demo import seed as seed_directory

    town = town_of(make_municipality(n_areas=3))
    seed_directory(town)
    counts = demo.seed(town)
    assert counts["needs"] == Need.objects.count() > 0
    for area in town.areas:
        assert Need.objects.filter(area=area).count() >= 180
    kinds = Counter(Need.objects.values_list("category", flat=True))
    assert [k for k, _n in kinds.most_common(1)] == ["shopping"]
    assert set(dict(kinds.most_common(4))) <= {"shopping", "going_out", "garbage", "isolation"}
    gap = demo.gap_area(town)
    assert not Service.objects.filter(area=gap, category="mobile_sales", status="published").exists()
    table = gaps.build(town.municipality, gaps.Viewer(None, None, "owner"))
    top = table.ranked(limit=1)[0]
    assert (top.area_id, top.category) == (gap.pk, "shopping")
    assert Need.objects.filter(status="connected", links__isnull=True).count() < Need.objects.filter(
        status="connected").count()
    assert all(n.history.exists() for n in Need.objects.all()[:50])
    assert demo.seed(town)["needs"] == 0


def test_the_kpi_indicators_count_what_their_records_show(town):
    import datetime as dt

    from sasaeai.needs import kpis, services

    for category in ("shopping", "garbage", "isolation"):
        services.need_create(by=town["sc"], municipality=town["m"], category=category, description="x",
                             source="phone", area=town["north"])
    need = Need.objects.get(category="garbage")
    services.need_change_status(need=need, by=town["sc"], to="unmet")
    start, end = dt.date(2000, 4, 1), dt.date(2100, 3, 31)
    by_key = {i["key"]: i for i in kpis.indicators()}
    assert by_key["needs_recorded"]["compute"](town["m"], None, start, end) == (3, None)
    assert by_key["needs_connected_share"]["compute"](town["m"], town["north"], start, end) == (0, 3)
    unmet = by_key["needs_unmet"]
    assert unmet["compute"](town["m"], None, start, end)[0] == unmet["records"](town["m"], None, start, end).count() == 1
