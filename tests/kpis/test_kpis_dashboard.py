"""The dashboard over HTTP: values, targets, trends, the drill-down behind every number, the
operator's side-by-side view, the reports; and, on the demo town where every indicator has
records, the number = drill-down check and bounded queries per indicator."""

import dataclasses
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from sasaeai.kpis import registry, selectors
from sasaeai.tenancy.models import Area, Membership, Municipality, Role

from . import growth
from .conftest import build_world, fy_now

pytestmark = pytest.mark.django_db

ALL_KEYS = [i.key for i in registry.indicators()]


@pytest.fixture
def l1(kpi_world, make_user):
    return make_user(Role.COORDINATOR_L1, kpi_world["m"])


def _card(html, key):
    match = re.search(rf'<li class="kpi-card" id="kpi-{key}".*?</li>', html, re.S)
    assert match, key
    return match.group(0)


def test_the_dashboard_shows_every_indicator_with_value_and_target(kpi_world, l1, client_for):
    response = client_for(l1).get(f"/kpis/?m={kpi_world['m'].pk}")
    assert response.status_code == 200
    html = response.content.decode()
    for key in ALL_KEYS:
        _card(html, key)
    card = _card(html, "helpers_share_65")
    assert "1.0 %" in card and "<svg" in card and "5.0 %" in card
    assert "未達成" in card


def test_no_data_yet_is_said_plainly(kpi_world, l1, client_for, waiting_key):
    html = client_for(l1).get(f"/kpis/?m={kpi_world['m'].pk}").content.decode()
    card = _card(html, waiting_key)
    value = re.search(r"data-value>(.*?)</p>", card).group(1)
    assert value.strip() and "0" not in value
    assert "records" not in card.split("kpi-definition")[-1] or "/records/" not in card


def test_an_area_view_scopes_the_numbers(kpi_world, l1, client_for):
    south = kpi_world["areas"]["south"]
    html = client_for(l1).get(f"/kpis/?m={kpi_world['m'].pk}&area={south.pk}").content.decode()
    assert "100.0 %" in _card(html, "sc_turnover")
    assert "/records/" not in _card(html, "sc_satisfaction")  # municipality-wide only


def test_a_layer2_coordinator_drills_down_only_in_their_area(kpi_world, make_user, client_for):
    north = kpi_world["areas"]["north"]
    sc = make_user(Role.COORDINATOR_L2, kpi_world["m"], areas=[north])
    c = client_for(sc)
    assert c.get(f"/kpis/helpers_share_65/records/?m={kpi_world['m'].pk}").status_code == 403
    assert c.get(f"/kpis/helpers_share_65/records/?m={kpi_world['m'].pk}&area={north.pk}").status_code == 200


def test_another_municipality_answers_404(kpi_world, l1, client_for, make_municipality):
    other = make_municipality()
    assert client_for(l1).get(f"/kpis/?m={other.pk}").status_code == 404


def test_non_staff_do_not_see_the_indicators(kpi_world, make_user, client_for):
    for role in (Role.RESIDENT, Role.HELPER, Role.PARTNER, Role.COUNCIL_MEMBER):
        assert client_for(make_user(role, kpi_world["m"])).get("/kpis/").status_code == 403


def test_an_operator_sees_all_municipalities_side_by_side(kpi_world, make_user, client_for):
    other = build_world(10)
    operator = make_user(Role.OPERATOR, None)
    html = client_for(operator).get("/kpis/municipalities/").content.decode()
    assert kpi_world["m"].name in html and other["m"].name in html
    assert html.count("25.0 %") >= 2  # turnover of both


def test_the_annual_report_as_pdf_and_excel(kpi_world, l1, client_for):
    from openpyxl import load_workbook

    c = client_for(l1)
    pdf = c.get(f"/kpis/report.pdf?m={kpi_world['m'].pk}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xlsx = c.get(f"/kpis/report.xlsx?m={kpi_world['m'].pk}")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    cells = [c for row in book.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert any("担い手" in str(c) for c in cells)
    assert any("実施報告" in str(c) for c in cells)


def test_report_sections_from_other_apps_are_included(kpi_world, monkeypatch):
    from sasaeai.kpis import report

    def sections(municipality, fiscal_year):
        return [{"title": "協議体で解決した地域課題", "columns": ["課題"], "rows": [["=買い物の足"]]}]

    monkeypatch.setattr(registry, "report_section_providers", lambda: [("councils", sections)])
    titles = [s["title"] for s in report.sections(kpi_world["m"], fy_now())]
    assert "協議体で解決した地域課題" in titles
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(report.xlsx(kpi_world["m"], fy_now())))
    values = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "'=買い物の足" in values  # neutralised, never a formula


# --- On the demo town: every indicator measured (non-zero), its number = its drill-down, -------
# --- and no indicator's query count grows with the records ------------------------------------

#: A fixed day late in a fiscal year (FY2026). The demo dates its records back from "today", so on
#: this day the running fiscal year (and the month, and the six months) holds records of every kind
#: whatever day the suite runs; early in April it would hold almost none.
DEMO_DAY = dt.datetime(2027, 2, 20, 10, tzinfo=ZoneInfo("Asia/Tokyo"))
#: The demo town's code here (Tokyo, as the demo): outside the codes of make_municipality (139xx)
#: and build_world (15xxx), which other tests of the module may create while the demo exists.
DEMO_CODE = "13899"
#: Indicators that cannot be non-zero on the demo data by definition. None today: every declared
#: indicator has records behind it in the small demo town (a key added here needs its reason).
ZERO_ON_DEMO: dict[str, str] = {}
#: One xdist worker seeds the demo once and runs every test that uses it (`--dist loadgroup`).
on_demo = pytest.mark.xdist_group("kpis_demo")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The small demo town (`seed_demo("small")`: every app's demo.py, about 15 s), seeded once for
    the module on DEMO_DAY inside a transaction rolled back after the module's last test."""
    from sasaeai.demo import generator

    small = dataclasses.replace(generator.SCALES["small"], code=DEMO_CODE)
    with pytest.MonkeyPatch.context() as patch, django_db_blocker.unblock(), transaction.atomic():
        patch.setitem(generator.SCALES, "small", small)
        with time_machine.travel(DEMO_DAY):
            generator.seed_demo("small", 1)
        m = Municipality.objects.get(code=generator.with_check_digit(DEMO_CODE))
        area = Area.objects.filter(municipality=m, layer=Area.Layer.DAILY_LIFE).order_by("name").first()
        sc = Membership.objects.filter(municipality=m, role=Role.COORDINATOR_L1).order_by("pk").first().user
        yield {"m": m, "area": area, "sc": sc, "dashboards": {}}
        transaction.set_rollback(True)


@pytest.fixture
def demo_day(demo):
    """The demo town, with the clock an hour after it was seeded (ticking) for the test."""
    with time_machine.travel(DEMO_DAY + dt.timedelta(hours=1)):
        yield demo


def _scope(area):
    return f"&area={area.pk}" if area else ""


@on_demo
@pytest.mark.parametrize("key", ALL_KEYS)
def test_the_number_equals_the_rows_of_its_drill_down(demo_day, client_for, key):
    """For every discovered indicator (also those of apps merged later), on data where it is not
    zero: the value's numerator, the dashboard's "records behind the number" and the drill-down
    page all agree, for the municipality and for one area."""
    indicator = registry.get(key)
    demo = demo_day
    m, fy = demo["m"], fy_now()
    assert indicator.available, f"{key}: no data yet, although every source app is installed"
    client = client_for(demo["sc"])
    for area in (None, demo["area"]):
        measure = selectors.measure(indicator, m, area, fy)
        if not measure.applicable:
            continue
        qs = selectors.records(indicator, m, area, fy)[0]
        if area is None and key not in ZERO_ON_DEMO:
            assert measure.numerator, f"{key} is 0 on the demo data: the check below would compare 0 with 0"
        if indicator.records_measure:  # the records' summed field is the numerator (e.g. minutes)
            assert (qs.aggregate(s=Sum(indicator.records_measure))["s"] or 0) == (measure.numerator or 0), key
            continue
        total = qs.count()
        assert total == measure.drill_count, (key, area)
        if indicator.unit in ("count", "percent"):
            assert measure.numerator == total, (key, area)
        if area not in demo["dashboards"]:
            demo["dashboards"][area] = client.get(f"/kpis/?m={m.pk}{_scope(area)}").content.decode()
        shown = re.search(r"data-drill-count>([\d,]+)<", _card(demo["dashboards"][area], key))
        assert shown and int(shown.group(1).replace(",", "")) == total, (key, area)
        page = client.get(f"/kpis/{key}/records/?m={m.pk}{_scope(area)}").content.decode()
        rows = re.search(r"<tbody>(.*?)</tbody>", page, re.S).group(1).count("<tr>")
        assert rows == (min(total, selectors.DRILL_LIMIT) if total else 1), (key, area)  # "No records." row
        assert re.search(rf'id="records-total">{total}(?!\d)', page), (key, area)


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _one_indicator(indicator, m, fy):
    """What a viewer makes the server compute: value with trend, drill-down count and rows."""
    selectors.measure(indicator, m, None, fy, with_trend=True)
    qs = selectors.records(indicator, m, None, fy)[0]
    qs.count()
    [selectors.describe(indicator, r) for r in qs[:selectors.DRILL_LIMIT]]


def _size(indicator, m, fy):
    measure = selectors.measure(indicator, m, None, fy)
    return measure.numerator if indicator.records_measure else measure.drill_count


@on_demo
def test_no_indicator_query_count_grows_with_the_records(demo_day):
    """The whole dashboard and each indicator on the demo town, then again after a few more
    records of every kind behind every indicator (`growth.grow`): same number of queries."""
    m, fy = demo_day["m"], fy_now()
    indicators = registry.indicators()
    _queries(lambda: selectors.dashboard(m, None, fy))  # warm-up (content types, caches)
    before = {i.key: _queries(lambda i=i: _one_indicator(i, m, fy)) for i in indicators}
    dashboard_before = _queries(lambda: selectors.dashboard(m, None, fy))
    sizes = {i.key: _size(i, m, fy) for i in indicators}
    growth.grow(m, fy)
    not_grown = {i.key: (sizes[i.key], _size(i, m, fy)) for i in indicators if not _size(i, m, fy) > sizes[i.key]}
    assert not not_grown, f"no more records behind these after growth.grow: {not_grown}"
    after = {i.key: _queries(lambda i=i: _one_indicator(i, m, fy)) for i in indicators}
    assert {k: (before[k], after[k]) for k in before if before[k] != after[k]} == {}
    assert _queries(lambda: selectors.dashboard(m, None, fy)) == dashboard_before
