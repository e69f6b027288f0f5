"""The gap table: computed by aggregate queries, exact for the owning coordinator and
municipal staff, suppressed (k = 5 staff, 10 public) with complementary suppression for
everybody else; the page, the map data and the exports."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sasaeai.directory.models import Service
from sasaeai.helpers.models import HelperProfile
from sasaeai.needs import gaps
from sasaeai.needs.models import Need
from tests.conftest import login_client

pytestmark = pytest.mark.django_db


def _needs(t, area, category, n, status="new"):
    Need.objects.bulk_create([Need(municipality=t["m"], area=area, category=category, description="x", source="phone",
                                   status=status, h3_cell="8844c0a305fffff") for _ in range(n)])


@pytest.fixture
def filled(town, make_user):
    _needs(town, town["north"], "shopping", 12)
    _needs(town, town["north"], "shopping", 3, "unmet")
    _needs(town, town["north"], "garbage", 2)
    _needs(town, town["south"], "shopping", 7)
    _needs(town, town["south"], "isolation", 20)
    _needs(town, town["south"], "garbage", 1, "resolved")
    Service.objects.create(municipality=town["m"], area=town["south"], name="移動スーパー", category="mobile_sales",
                           status="published", last_verified_at=timezone.now())
    Service.objects.create(municipality=town["m"], area=town["south"], name="茶話会", category="tea", status="published")
    helper = make_user(display_name="担い手")
    HelperProfile.objects.create(user=helper, municipality=town["m"], area=town["north"], home_lat=35.66,
                                 home_lon=139.33, skills=["escort_shopping", "watch_talk"])
    return town


def test_owners_see_exact_counts_from_a_fixed_number_of_queries(filled):
    t = filled
    viewer = gaps.viewer_for(t["l1"], t["m"])
    assert viewer.k is None
    with CaptureQueriesContext(connection) as q:
        table = gaps.build(t["m"], viewer)
    assert len(q.captured_queries) <= 6
    north = table.cells[(t["north"].pk, "shopping")]
    assert north.values["open_needs"] == 12 and north.values["unmet_needs"] == 3
    assert north.values["active_helpers"] == 1
    assert table.cells[(t["north"].pk, "isolation")].values["active_helpers"] == 1
    south = table.cells[(t["south"].pk, "shopping")]
    assert south.values["resources"] == 1 and south.values["fresh_resources"] == 1
    assert table.cells[(t["south"].pk, "isolation")].values["resources"] == 1
    assert table.totals["open_needs"] == 12 + 2 + 7 + 20
    # 1,000 residents aged 65+: the area holds 29,300 / 2 = 14,650.
    assert north.rates["open_needs"] == round(12 * 1000 / 14_650, 1)
    # 20 open needs against no fresh resource outrank 15 against one helper.
    top = [(c.area_id, c.category) for c in table.ranked(limit=2)]
    assert top == [(t["south"].pk, "isolation"), (t["north"].pk, "shopping")]


def test_a_partner_sees_counts_below_ten_hidden_and_no_hidden_count_is_derivable(filled):
    t = filled
    viewer = gaps.viewer_for(t["partner"], t["m"])
    assert viewer.k == 10
    table = gaps.build(t["m"], viewer)
    values = {c: table.cells[(t["south"].pk, c)].values["open_needs"] for c in ("shopping", "isolation")}
    assert values["shopping"] is None and values["isolation"] in (None, 20)
    for metric in gaps.PEOPLE_METRICS:
        for cell in table.cells.values():
            v = cell.values[metric]
            assert v is None or v == 0 or v >= 10
        # Every row with a hidden cell hides at least one more entry (a cell or its total).
        for area in table.areas:
            row = [table.cells[(area.pk, c)].values[metric] for c in table.categories]
            hidden = sum(v is None for v in row) + (table.row_totals[metric][area.pk] is None)
            assert hidden != 1
    assert all(c.indicator is None for c in table.cells.values())


def test_a_layer2_coordinator_sees_their_area_exactly_and_the_others_suppressed_at_five(filled):
    t = filled
    viewer = gaps.viewer_for(t["sc"], t["m"])
    assert viewer.k == 5 and viewer.exact_areas == {t["north"].pk}
    table = gaps.build(t["m"], viewer)
    assert table.cells[(t["north"].pk, "garbage")].values["open_needs"] == 2
    assert table.cells[(t["south"].pk, "shopping")].values["open_needs"] == 7
    assert table.cells[(t["south"].pk, "garbage")].values["open_needs"] == 0
    # The other areas are suppressed as their own table (here nothing below 5 there).
    assert table.totals["open_needs"] == 41


def test_support_centre_staff_get_k_five(filled):
    assert gaps.viewer_for(filled["support"], filled["m"]).k == 5


def test_the_page_shows_the_table_and_the_map_and_anonymous_visitors_get_suppressed_counts(filled, client):
    t = filled
    response = client.get(f"/needs/gaps/?m={t['m'].pk}")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="gap-map"' in body and 'id="gap-table"' in body
    assert "/needs/?m=" not in body  # no drill-down for the public
    data = client.get(f"/needs/gaps/data.json?m={t['m'].pk}").json()
    assert {a["id"] for a in data["areas"]} == {t["north"].pk, t["south"].pk}
    assert all(h["n"] is None or h["n"] >= 10 for h in data["hexagons"])
    owner = login_client(t["l1"]).get(f"/needs/gaps/?m={t['m'].pk}").content.decode()
    assert f"/needs/?m={t['m'].pk}&amp;area={t['north'].pk}&amp;category=shopping" in owner


@pytest.mark.parametrize("fmt", ["csv", "sjis", "xlsx"])
def test_the_table_exports_as_excel_and_csv(filled, fmt):
    t = filled
    response = login_client(t["partner"]).get(f"/needs/gaps/export.{fmt}?m={t['m'].pk}")
    assert response.status_code == 200
    if fmt == "xlsx":
        from openpyxl import load_workbook

        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    else:
        text = response.content.decode("cp932" if fmt == "sjis" else "utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    assert len(header) > 10
    south_shopping = [r for r in rows if r[0] == t["south"].name and "買い物" in str(r[1])]
    assert south_shopping and south_shopping[0][2] == "*"
