"""The dashboard over HTTP: values, targets, trends, the drill-down behind every number, the
operator's side-by-side view, the reports; and bounded queries per indicator."""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sasaeai.kpis import registry, selectors
from sasaeai.tenancy.models import Role

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


@pytest.mark.parametrize("key", ALL_KEYS)
def test_the_number_equals_the_rows_of_its_drill_down(kpi_world, l1, client_for, key):
    """For every discovered indicator (also those of apps merged later)."""
    indicator = registry.get(key)
    m = kpi_world["m"]
    for area in (None, kpi_world["areas"]["north"]):
        measure = selectors.measure(indicator, m, area, fy_now())
        if not indicator.available or not measure.applicable:
            continue
        qs = selectors.records(indicator, m, area, fy_now())[0]
        if indicator.records_measure:  # the records' summed field is the numerator (e.g. minutes)
            from django.db.models import Sum

            assert (qs.aggregate(s=Sum(indicator.records_measure))["s"] or 0) == (measure.numerator or 0), key
            continue
        assert qs.count() == measure.drill_count, (key, area)
        client = client_for(l1)
        suffix = f"&area={area.pk}" if area else ""
        card = _card(client.get(f"/kpis/?m={m.pk}{suffix}").content.decode(), key)
        shown = re.search(r"data-drill-count>([\d,]+)<", card)
        page = client.get(f"/kpis/{key}/records/?m={m.pk}{suffix}").content.decode()
        rows = re.search(r'<tbody>(.*?)</tbody>', page, re.S).group(1).count("<tr>")
        total = measure.drill_count or 0
        if shown:
            assert int(shown.group(1).replace(",", "")) == total
        assert rows == (total if total else 1)  # one "No records." row when empty
        if indicator.unit in ("count", "percent"):
            assert measure.numerator == qs.count()


@pytest.mark.parametrize("key", ALL_KEYS)
def test_no_indicator_query_count_grows_with_the_records(db, key):
    indicator = registry.get(key)
    counts = []
    for n in (10, 100):
        world = build_world(n)
        with CaptureQueriesContext(connection) as ctx:
            m = selectors.measure(indicator, world["m"], None, fy_now(), with_trend=True)
            if indicator.available:
                qs = selectors.records(indicator, world["m"], None, fy_now())[0]
                qs.count()
                [selectors.describe(indicator, r) for r in qs[:500]]
        counts.append(len(ctx.captured_queries))
        assert m is not None
    assert counts[0] == counts[1], counts


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
