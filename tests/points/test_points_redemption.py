"""Redemption: request → approval → paid out (finance reference) or refused, the balance held
while it waits; and the time bank: transfers after a completed booking, office mode."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.points import ledger, services
from sasaeai.points.models import AccountKind, LedgerTransaction, Redemption, RedemptionStatus
from sasaeai.tenancy import services as tenancy
from sasaeai.tenancy.models import Role

from .conftest import completed_booking, make_helper, time_bank, yokohama_scheme


@pytest.fixture
def funded(town):
    services.terms_set(scheme=town.scheme, valid_from=dt.date(2020, 1, 1), needs_confirmation=False)
    for days in (2, 3, 4):
        services.credit_booking(completed_booking(town, town.helper, when=timezone.now() - dt.timedelta(days=days)))
    acct = ledger.find_member_account(town.scheme, town.helper.user)
    assert acct.balance == 600
    return acct


def test_a_redemption_holds_then_pays_out(town, funded):
    option = town.scheme.options.get()
    r = services.redemption_request(account=funded, option=option, points=400, by=town.helper.user)
    funded.refresh_from_db()
    held = ledger.system_account(town.scheme, AccountKind.HELD)
    held.refresh_from_db()
    assert (funded.balance, held.balance, r.value_yen) == (200, 400, 400)
    services.redemption_pay(r, by=town.admin, finance_reference="会計-2025-0012")
    held.refresh_from_db()
    redeemed = ledger.system_account(town.scheme, AccountKind.REDEEMED)
    redeemed.refresh_from_db()
    assert (held.balance, redeemed.balance) == (0, 400)
    with pytest.raises(ValidationError) as exc:
        services.redemption_refuse(r, by=town.admin, reason="二重")
    assert exc.value.code == "already_decided"
    assert ledger.verify()["ok"]


def test_a_refused_redemption_gives_the_points_back(town, funded):
    r = services.redemption_request(account=funded, option=town.scheme.options.get(), points=600,
                                    by=town.helper.user)
    services.redemption_refuse(r, by=town.admin, reason="本人確認ができませんでした")
    funded.refresh_from_db()
    assert funded.balance == 600 and Redemption.objects.get().status == RedemptionStatus.REFUSED


def test_paying_out_needs_a_finance_reference(town, funded):
    r = services.redemption_request(account=funded, option=town.scheme.options.get(), points=200,
                                    by=town.helper.user)
    with pytest.raises(ValidationError) as exc:
        services.redemption_pay(r, by=town.admin, finance_reference="  ")
    assert exc.value.code == "required"


@pytest.mark.parametrize("points,code", [(700, "insufficient_balance"), (100, "below_minimum"),
                                         (-200, "negative_amount")])
def test_bad_redemptions_write_nothing(town, funded, points, code):
    before = LedgerTransaction.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.redemption_request(account=funded, option=town.scheme.options.get(), points=points,
                                    by=town.helper.user)
    assert exc.value.code == code
    assert LedgerTransaction.objects.count() == before and not Redemption.objects.exists()


def test_redemption_outside_the_window_is_refused(town, funded):
    services.terms_set(scheme=town.scheme, valid_from=dt.date(2020, 1, 1), redemption_months=[4, 5])
    with pytest.raises(ValidationError) as exc:
        services.redemption_request(account=funded, option=town.scheme.options.get(), points=200,
                                    by=town.helper.user, today=dt.date(2025, 7, 1))
    assert exc.value.code == "outside_window"
    r = services.redemption_request(account=funded, option=town.scheme.options.get(), points=200,
                                    by=town.helper.user, today=dt.date(2025, 4, 10))
    assert r.status == RedemptionStatus.REQUESTED


# --- time bank ------------------------------------------------------------------------------------------


@pytest.fixture
def bank(town):
    scheme = time_bank(town.municipality)
    user = User.objects.create_user(email="tb-resident@example.test", password="correct-horse-battery-staple",
                                    display_name="利用者 時間")
    tenancy.create_membership(user=user, municipality=town.municipality, role=Role.RESIDENT)
    town.resident.user = user
    town.resident.save(update_fields=["user"])
    return scheme, user


def test_members_start_with_the_starting_credit(town, bank):
    scheme, user = bank
    acct = ledger.member_account(scheme, user)
    assert acct.balance == 120
    assert ledger.member_account(scheme, user).pk == acct.pk
    assert LedgerTransaction.objects.filter(kind="starting").count() == 1


def test_a_resident_pays_the_helper_for_a_completed_visit_once(town, bank):
    scheme, user = bank
    booking = completed_booking(town, town.helper)
    payer, payee = ledger.member_account(scheme, user), ledger.member_account(scheme, town.helper.user)
    services.transfer(payer=payer, payee=payee, minutes=60, by=user, booking=booking)
    services.transfer(payer=payer, payee=payee, minutes=60, by=user, booking=booking)  # double submit
    payer.refresh_from_db()
    payee.refresh_from_db()
    assert (payer.balance, payee.balance) == (60, 180)


def test_transfers_refuse_a_cancelled_booking_and_another_municipality(town, bank, make_municipality):
    scheme, user = bank
    payer, payee = ledger.member_account(scheme, user), ledger.member_account(scheme, town.helper.user)
    with pytest.raises(ValidationError) as exc:
        services.transfer(payer=payer, payee=payee, minutes=30, by=user,
                          booking=completed_booking(town, town.helper, status="cancelled"))
    assert exc.value.code == "booking_cancelled"
    other_town = make_municipality()
    other_bank = time_bank(other_town)
    stranger = ledger.member_account(other_bank, make_helper(other_town, None).user)
    with pytest.raises(ValidationError) as exc:
        services.transfer(payer=payer, payee=stranger, minutes=30, by=user)
    assert exc.value.code == "other_municipality"
    with pytest.raises(ValidationError) as exc:
        services.transfer(payer=payer, payee=payee, minutes=500, by=user)
    assert exc.value.code == "insufficient_balance"
    payer.refresh_from_db()
    assert payer.balance == 120


def test_office_mode_records_a_paper_exchange(town, bank):
    scheme, user = bank
    payer, payee = ledger.member_account(scheme, user), ledger.member_account(scheme, town.helper.user)
    tx = services.transfer(payer=payer, payee=payee, minutes=90, by=town.coordinator, office=True,
                           memo="紙の記録 11月分")
    assert tx.kind == "office" and tx.created_by == town.coordinator


def test_volunteer_points_cannot_be_transferred(town, funded):
    other = make_helper(town.municipality, town.area)
    with pytest.raises(ValidationError) as exc:
        services.transfer(payer=funded, payee=ledger.member_account(town.scheme, other.user), minutes=10,
                          by=town.helper.user)
    assert exc.value.code == "not_time_bank"


def test_a_second_scheme_does_not_see_the_first_ones_accounts(town, make_municipality):
    other = yokohama_scheme(make_municipality())
    assert not other.accounts.filter(kind="member").exists()
