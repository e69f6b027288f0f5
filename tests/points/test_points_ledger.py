"""The ledger: balanced transactions, append-only entries, reversals once, stored balance ==
sum of entries, and `sasaeai points_verify`."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from sasaeai.points import ledger
from sasaeai.points.models import (
    AccountKind,
    LedgerEntry,
    LedgerTransaction,
    PointsAccount,
    TransactionKind,
)

from .conftest import make_helper


@pytest.fixture
def accounts(town):
    issuer = ledger.system_account(town.scheme, AccountKind.ISSUER)
    member = ledger.member_account(town.scheme, town.helper.user)
    return issuer, member


def test_a_transaction_has_entries_summing_to_zero(town, accounts):
    issuer, member = accounts
    with transaction.atomic():
        tx = ledger.post(scheme=town.scheme, kind=TransactionKind.EARN, lines=[(issuer, -200), (member, 200)])
    assert sorted(tx.entries.values_list("amount", flat=True)) == [-200, 200]
    member.refresh_from_db()
    issuer.refresh_from_db()
    assert (member.balance, issuer.balance) == (200, -200)
    assert ledger.verify()["ok"]


def test_it_refuses_an_unbalanced_or_single_entry_transaction(town, accounts):
    issuer, member = accounts
    with pytest.raises(ValueError), transaction.atomic():
        ledger.post(scheme=town.scheme, kind=TransactionKind.EARN, lines=[(issuer, -200), (member, 199)])
    with pytest.raises(ValueError), transaction.atomic():
        ledger.post(scheme=town.scheme, kind=TransactionKind.EARN, lines=[(member, 0), (issuer, 0)])
    assert not LedgerEntry.objects.exists()


def test_it_refuses_to_overdraw_a_member(town, accounts):
    issuer, member = accounts
    held = ledger.system_account(town.scheme, AccountKind.HELD)
    with pytest.raises(ValidationError) as exc, transaction.atomic():
        ledger.post(scheme=town.scheme, kind=TransactionKind.HOLD, lines=[(member, -1), (held, 1)])
    assert exc.value.code == "insufficient_balance"
    assert not LedgerTransaction.objects.filter(kind=TransactionKind.HOLD).exists()


def test_the_database_refuses_a_negative_member_balance(town, accounts):
    _issuer, member = accounts
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsAccount.objects.filter(pk=member.pk).update(balance=-5)


def test_entries_are_append_only(town, accounts):
    issuer, member = accounts
    with transaction.atomic():
        tx = ledger.post(scheme=town.scheme, kind=TransactionKind.EARN, lines=[(issuer, -200), (member, 200)])
    entry = tx.entries.first()
    with pytest.raises(PermissionError):
        entry.amount = 5
        entry.save()
    with pytest.raises(PermissionError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=5)
    with pytest.raises(PermissionError):
        tx.delete()


def test_on_postgresql_a_trigger_refuses_update_and_delete(town, accounts):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    issuer, member = accounts
    with transaction.atomic():
        tx = ledger.post(scheme=town.scheme, kind=TransactionKind.EARN, lines=[(issuer, -200), (member, 200)])
    from django.db import DatabaseError

    for sql in ("UPDATE points_ledgerentry SET amount = 1 WHERE transaction_id = %s",
                "DELETE FROM points_ledgerentry WHERE transaction_id = %s",
                "UPDATE points_ledgertransaction SET memo = 'x' WHERE id = %s"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as c:
            c.execute(sql, [tx.pk])


def test_a_reversal_names_its_original_and_happens_once(town, accounts):
    issuer, member = accounts
    with transaction.atomic():
        tx = ledger.post(scheme=town.scheme, kind=TransactionKind.EARN, lines=[(issuer, -200), (member, 200)])
        rev = ledger.reverse(tx)
    assert rev.reverses == tx and rev.kind == TransactionKind.REVERSAL
    member.refresh_from_db()
    assert member.balance == 0
    with pytest.raises(ValidationError) as exc, transaction.atomic():
        ledger.reverse(tx)
    assert exc.value.code == "already_reversed"
    with pytest.raises(ValidationError), transaction.atomic():
        ledger.reverse(rev)


def test_idempotency_key_writes_once(town, accounts):
    issuer, member = accounts
    with transaction.atomic():
        a = ledger.post(scheme=town.scheme, kind=TransactionKind.EARN, lines=[(issuer, -200), (member, 200)],
                        idempotency_key="event:1")
        b = ledger.post(scheme=town.scheme, kind=TransactionKind.EARN, lines=[(issuer, -200), (member, 200)],
                        idempotency_key="event:1")
    assert a.pk == b.pk
    member.refresh_from_db()
    assert member.balance == 200


def test_accounts_of_two_schemes_cannot_meet(town, make_municipality):
    from .conftest import yokohama_scheme

    other = yokohama_scheme(make_municipality())
    helper2 = make_helper(other.municipality, None)
    a = ledger.member_account(town.scheme, town.helper.user)
    b = ledger.member_account(other, helper2.user)
    with pytest.raises(ValidationError) as exc, transaction.atomic():
        ledger.post(scheme=town.scheme, kind=TransactionKind.TRANSFER, lines=[(a, -1), (b, 1)])
    assert exc.value.code == "other_scheme"


def test_points_verify_command_finds_a_tampered_balance(town, accounts):
    issuer, member = accounts
    with transaction.atomic():
        ledger.post(scheme=town.scheme, kind=TransactionKind.EARN, lines=[(issuer, -200), (member, 200)])
    out = io.StringIO()
    call_command("points_verify", stdout=out)
    assert '"ok": true' in out.getvalue()
    PointsAccount.objects.filter(pk=member.pk).update(balance=150)  # tampering outside the ledger
    with pytest.raises(SystemExit):
        call_command("points_verify", stdout=out)
    assert f"account {member.pk}: stored 150 != entries 200" in out.getvalue()


def test_a_refused_move_in_a_longer_transaction_writes_nothing(town, accounts):
    issuer, member = accounts
    other = ledger.member_account(town.scheme, make_helper(town.municipality, town.area).user)
    lines = [(issuer, -50), (member, 100), (other, -50)]  # `other` has nothing
    with pytest.raises(ValidationError) as exc, transaction.atomic():
        ledger.post(scheme=town.scheme, kind=TransactionKind.TRANSFER, lines=lines)
    assert exc.value.code == "insufficient_balance"
    assert not LedgerTransaction.objects.exists() and not LedgerEntry.objects.exists()
    assert set(PointsAccount.objects.filter(pk__in=[issuer.pk, member.pk, other.pk])
               .values_list("balance", flat=True)) == {0}
    with transaction.atomic():  # three accounts, one statement: the moves and entries agree
        ledger.post(scheme=town.scheme, kind=TransactionKind.EARN, lines=[(issuer, -300), (member, 200), (other, 100)])
    member.refresh_from_db()
    other.refresh_from_db()
    assert (member.balance, other.balance) == (200, 100)
    assert ledger.verify()["ok"]


def test_a_keyed_retry_after_the_balance_moved_returns_the_first_write(town, accounts):
    issuer, member = accounts
    held = ledger.system_account(town.scheme, AccountKind.HELD)
    with transaction.atomic():
        ledger.post(scheme=town.scheme, kind=TransactionKind.EARN, lines=[(issuer, -100), (member, 100)])
        first = ledger.post(scheme=town.scheme, kind=TransactionKind.HOLD, lines=[(member, -100), (held, 100)],
                            idempotency_key="hold:1")
    with transaction.atomic():  # the member has 0 now: the retry is not an overdraft, it is the same write
        again = ledger.post(scheme=town.scheme, kind=TransactionKind.HOLD, lines=[(member, -100), (held, 100)],
                            idempotency_key="hold:1")
    assert again.pk == first.pk
    assert LedgerTransaction.objects.filter(kind=TransactionKind.HOLD).count() == 1
    assert ledger.verify()["ok"]


def test_a_post_is_one_statement_on_postgresql(town, accounts):
    from django.test.utils import CaptureQueriesContext

    issuer, member = accounts
    with transaction.atomic():
        with CaptureQueriesContext(connection) as plain:
            tx = ledger.post(scheme=town.scheme, kind=TransactionKind.EARN, lines=[(issuer, -200), (member, 200)])
        with CaptureQueriesContext(connection) as keyed:
            ledger.post(scheme=town.scheme, kind=TransactionKind.EARN, lines=[(issuer, -200), (member, 200)],
                        idempotency_key="event:2")
    assert tx.pk and not tx._state.adding
    assert sorted(tx.entries.values_list("account_id", "amount")) == sorted([(issuer.pk, -200), (member.pk, 200)])
    assert (member.balance, issuer.balance) == (400, -400)  # the returned balances, no re-read
    if connection.vendor == "postgresql":
        assert len(plain) == 1
        assert [q["sql"].split()[0] for q in keyed] == ["SAVEPOINT", "WITH", "RELEASE"]
    else:
        assert len(plain) == 4  # two moves, the transaction, its entries
