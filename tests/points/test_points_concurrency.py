"""Real parallel transactions on PostgreSQL (threads, one connection each): no overdraft, one
credit per booking, exact balances under transfers in both directions."""

import datetime as dt

import pytest
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.points import ledger, services
from sasaeai.points.models import Credit, LedgerTransaction, Redemption
from tests.concurrency import postgres_only, race  # noqa: F401 - fixture

from .conftest import completed_booking, time_bank

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("postgres_only")]


def test_100_concurrent_redemptions_never_overdraw(town):
    services.terms_set(scheme=town.scheme, valid_from=dt.date(2020, 1, 1), needs_confirmation=False,
                       min_redemption=0, daily_cap=0, yearly_cap=0)
    services.credit_booking(completed_booking(town, town.helper, when=timezone.now() - dt.timedelta(days=1)))
    acct = ledger.find_member_account(town.scheme, town.helper.user)
    assert acct.balance == 200
    option = town.scheme.options.get()

    def redeem():
        return services.redemption_request(account=acct, option=option, points=7, by=town.helper.user)

    results, errors = race([redeem] * 100)
    assert len(results) == 200 // 7 and set(errors) == {"insufficient_balance"}
    acct.refresh_from_db()
    assert acct.balance == 200 - 7 * (200 // 7) and acct.balance >= 0
    assert Redemption.objects.count() == len(results)
    assert ledger.verify()["ok"]


def test_20_workers_crediting_one_booking_credit_it_once(town):
    services.terms_set(scheme=town.scheme, valid_from=dt.date(2020, 1, 1), needs_confirmation=False)
    booking = completed_booking(town, town.helper)
    results, errors = race([lambda: services.credit_booking(booking)] * 20)
    assert not errors, errors
    assert {r[0].pk for r in results} == {Credit.objects.get().pk}
    assert LedgerTransaction.objects.filter(kind="earn").count() == 1
    assert ledger.find_member_account(town.scheme, town.helper.user).balance == 200
    assert ledger.verify()["ok"]


def test_50_concurrent_transfers_in_both_directions_keep_balances_exact(town):
    bank = time_bank(town.municipality, starting_credit=1000)
    other = User.objects.create_user(email="tb-other@example.test", password="correct-horse-battery-staple",
                                     display_name="相手")
    a = ledger.member_account(bank, town.helper.user)
    b = ledger.member_account(bank, other)
    calls = []
    for i in range(50):
        payer, payee, n = (a, b, 7) if i % 2 == 0 else (b, a, 5)
        calls.append(lambda payer=payer, payee=payee, n=n: services.transfer(payer=payer, payee=payee, minutes=n,
                                                                              by=None))
    results, errors = race(calls)
    assert not errors, errors
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.balance, b.balance) == (1000 - 25 * 7 + 25 * 5, 1000 + 25 * 7 - 25 * 5)
    assert ledger.verify()["ok"]
