"""Pages and API: the helper's phone page, bulk confirmation, redemption and its refusals,
the administrator's rules, finance export (Excel) and yearly statement (PDF)."""

import datetime as dt
import io
import json

import pytest
from django.utils import timezone

from sasaeai.points import ledger, services
from sasaeai.points.models import CreditStatus, Redemption
from tests.conftest import login_client

from .conftest import completed_booking

pytestmark = pytest.mark.django_db


@pytest.fixture
def earned(town):
    credits = [services.credit_booking(completed_booking(town, town.helper, when=timezone.now() - dt.timedelta(days=d)))[0]
               for d in (2, 3)]
    return credits


def test_the_helper_sees_balance_pending_and_history(town, earned):
    services.confirm_credits([earned[0].pk], by=town.coordinator)
    html = login_client(town.helper.user).get("/points/").content.decode()
    assert "200" in html and "確認待ち" in html and "有効期限" in html


def test_the_coordinator_confirms_in_bulk(town, earned):
    c = login_client(town.coordinator)
    r = c.post("/points/staff/pending/", {"credits": [x.pk for x in earned], "action": "confirm"}, follow=True)
    assert "2件のポイントを確認しました" in r.content.decode()
    assert ledger.find_member_account(town.scheme, town.helper.user).balance == 400
    r = c.post("/points/staff/pending/", {"credits": [earned[0].pk], "action": "confirm"}, follow=True)
    assert r.status_code == 200  # already decided: the choice is no longer offered, nothing written
    assert ledger.find_member_account(town.scheme, town.helper.user).balance == 400


def test_a_coordinator_of_another_area_does_not_see_the_credits(town, earned, make_user):
    from sasaeai.tenancy.models import Role

    other = make_user(Role.COORDINATOR_L2, town.municipality, areas=[town.area2])
    html = login_client(other).get("/points/staff/pending/").content.decode()
    assert "確認待ちはありません" in html


def test_redeeming_more_than_the_balance_shows_a_message_and_writes_nothing(town, earned):
    services.confirm_credits([c.pk for c in earned], by=town.coordinator)
    acct = ledger.find_member_account(town.scheme, town.helper.user)
    option = town.scheme.options.get()
    r = login_client(town.helper.user).post(f"/points/accounts/{acct.pk}/redeem/",
                                            {"option": option.pk, "points": 900}, follow=True)
    assert "ポイントが足りません" in r.content.decode() and not Redemption.objects.exists()


def test_api_redemption_errors_have_the_project_shape(town, earned):
    services.confirm_credits([c.pk for c in earned], by=town.coordinator)
    acct = ledger.find_member_account(town.scheme, town.helper.user)
    option = town.scheme.options.get()
    c = login_client(town.helper.user)
    r = c.post(f"/api/v1/points/accounts/{acct.pk}/redemptions", json.dumps({"option_id": option.pk, "points": 100}),
               content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400 and r.json()["code"] == "below_minimum"
    assert "At least 200 points" in r.json()["message"]
    r = c.post(f"/api/v1/points/accounts/{acct.pk}/redemptions", json.dumps({"option_id": option.pk, "points": 400}),
               content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "requested"
    assert c.get("/api/v1/points/accounts").json()[0]["balance"] == 0


def test_api_confirm_twice_is_refused(town, earned):
    c = login_client(town.coordinator)
    ids = {"ids": [earned[0].pk]}
    assert c.post("/api/v1/points/credits/confirm", json.dumps(ids), content_type="application/json").status_code == 200
    r = c.post("/api/v1/points/credits/confirm", json.dumps(ids), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "already_decided"
    earned[0].refresh_from_db()
    assert earned[0].status == CreditStatus.CONFIRMED


def test_api_rule_with_negative_points_is_refused(town):
    c = login_client(town.admin)
    r = c.post(f"/api/v1/points/schemes/{town.scheme.pk}/rules",
               json.dumps({"activity": "trial", "valid_from": "2025-01-01", "points": -10}),
               content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "negative_amount"
    assert not town.scheme.rules.filter(activity="trial").exists()


def test_the_admin_downloads_the_finance_export_and_a_statement(town, earned):
    from openpyxl import load_workbook

    services.confirm_credits([c.pk for c in earned], by=town.coordinator)
    acct = ledger.find_member_account(town.scheme, town.helper.user)
    r = services.redemption_request(account=acct, option=town.scheme.options.get(), points=200, by=town.helper.user)
    services.redemption_pay(r, by=town.admin, finance_reference="=HYPERLINK(1)")
    c = login_client(town.admin)
    fy = services.fiscal_year_of(timezone.localdate())
    resp = c.get(f"/points/admin/schemes/{town.scheme.pk}/finance-FY{fy}.xlsx")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.content))
    cells = [c.value for row in wb.worksheets[0].iter_rows() for c in row]
    assert "'=HYPERLINK(1)" in cells  # never a formula
    liab = [c.value for row in wb.worksheets[1].iter_rows() for c in row]
    assert 200 in liab
    pdf = c.get(f"/points/accounts/{acct.pk}/statement/{timezone.localdate().year}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert c.get(f"/points/admin/schemes/{town.scheme.pk}/").status_code == 200


def test_the_admin_sets_a_rule_on_the_page_and_bad_caps_are_refused(town):
    c = login_client(town.admin)
    r = c.post(f"/points/admin/schemes/{town.scheme.pk}/", {
        "action": "terms", "valid_from": "2025-04-01", "daily_cap": 100, "yearly_cap": 8000, "year_basis": "fiscal",
        "min_age": 0, "expiry_years": 1, "min_redemption": 0, "starting_credit": 0}, follow=True)
    assert "1日の上限が1回の活動のポイント（200）より小さくなっています" in r.content.decode()
    assert town.scheme.terms.count() == 1
