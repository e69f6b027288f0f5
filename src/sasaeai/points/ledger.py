"""The double-entry core (複式記帳): accounts and balanced transactions.

`post` is the only writer of `LedgerEntry` and of `PointsAccount.balance`. It must run inside
a transaction (every service does); it locks the accounts it touches in primary-key order (one
`UPDATE … WHERE balance + delta >= 0 RETURNING balance` per account: lock, check and move in one
statement), so concurrent posts on the same accounts queue instead of reading a stale balance,
and no two posts can deadlock on lock order. On PostgreSQL those moves, the transaction row and
its entries are a single statement (one round trip per post, `_post_statement`). A balance that would go below zero
on an account that may not is refused with `insufficient_balance`; the CHECK constraint
`points_account_balance_not_negative` is the database's second line.
"""

from __future__ import annotations

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import (
    NEGATIVE_ALLOWED,
    AccountKind,
    LedgerEntry,
    LedgerTransaction,
    PointsAccount,
    Scheme,
    TransactionKind,
)


def system_account(scheme: Scheme, kind: str) -> PointsAccount:
    """The scheme's issuer / held / redeemed / expired account (created on first use)."""
    assert kind != AccountKind.MEMBER
    acct = PointsAccount.objects.filter(scheme=scheme, kind=kind).first()
    if acct is not None:
        return acct
    try:
        with transaction.atomic():
            return PointsAccount.objects.create(scheme=scheme, municipality_id=scheme.municipality_id, kind=kind,
                                                allow_negative=kind in NEGATIVE_ALLOWED)
    except IntegrityError:  # created by a concurrent first use
        return PointsAccount.objects.get(scheme=scheme, kind=kind)


def find_member_account(scheme: Scheme, user) -> PointsAccount | None:
    return PointsAccount.objects.filter(scheme=scheme, kind=AccountKind.MEMBER, owner=user).first()


def member_account(scheme: Scheme, user, *, area=None) -> PointsAccount:
    """The member's account in the scheme (opened on first use; a time bank's terms may give a
    starting credit, posted once with the opening)."""
    acct = find_member_account(scheme, user)
    if acct is not None:
        return acct
    try:
        with transaction.atomic():
            acct = PointsAccount.objects.create(scheme=scheme, municipality_id=scheme.municipality_id,
                                                kind=AccountKind.MEMBER, owner=user, area=area)
            from .services import terms_on

            terms = terms_on(scheme, timezone.localdate())
            if terms is not None and terms.starting_credit:
                post(scheme=scheme, kind=TransactionKind.STARTING,
                     lines=[(system_account(scheme, AccountKind.ISSUER), -terms.starting_credit),
                            (acct, terms.starting_credit)],
                     idempotency_key=f"starting:{acct.pk}")
            return acct
    except IntegrityError:
        return PointsAccount.objects.get(scheme=scheme, kind=AccountKind.MEMBER, owner=user)


def insufficient(available: int) -> ValidationError:
    return ValidationError(_("Not enough points: the balance is %(n)s.") % {"n": available},
                           code="insufficient_balance")


def post(*, scheme: Scheme, kind: str, lines, idempotency_key: str | None = None,
         reverses: LedgerTransaction | None = None, booking=None, by=None, memo: str = "",
         booked_on=None) -> LedgerTransaction:
    """Write one balanced transaction: `lines` is [(account, amount), …], two or more, none
    zero, summing to zero, all of `scheme`. With an `idempotency_key` already used, the
    existing transaction is returned and nothing is written.

    On PostgreSQL the whole transaction is ONE statement (`_post_statement`): the balance moves
    (lock, check and move per account, in primary-key order), the transaction row and its
    entries. A keyed post (idempotency key or reversal) runs it inside a savepoint: a key
    already used makes the INSERT fail on its unique index, the savepoint is rolled back and
    the existing transaction returned — no look-up before the write."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.post must run inside a transaction")
    per_account: dict[int, int] = defaultdict(int)
    accounts: dict[int, PointsAccount] = {}
    for account, amount in lines:
        if not isinstance(amount, int) or isinstance(amount, bool) or amount == 0:
            raise ValueError("ledger amounts are non-zero integers")
        if account.scheme_id != scheme.pk:
            raise ValidationError(_("Both accounts must belong to the same scheme."), code="other_scheme")
        per_account[account.pk] += amount
        accounts[account.pk] = account
    if len(lines) < 2 or sum(a for _acct, a in lines) != 0:
        raise ValueError("a transaction has two or more entries summing to zero")
    moves = [(pk, per_account[pk]) for pk in sorted(per_account) if per_account[pk]]
    tx = LedgerTransaction(scheme=scheme, municipality_id=scheme.municipality_id, kind=kind,
                           idempotency_key=idempotency_key, reverses=reverses, booking=booking, created_by=by,
                           memo=memo[:200], booked_on=booked_on or timezone.localdate())
    entries = [(a.pk, amt) for a, amt in lines]
    # The moves run one account after the other in pk order: each UPDATE takes the row lock,
    # re-checks the balance on the row as it is once the lock is held (PostgreSQL re-evaluates
    # the WHERE after waiting), and moves it. Two posts on the same accounts queue; they cannot
    # deadlock. The transaction row is inserted after the moves (an idempotency key is claimed
    # only by the post that holds the accounts).
    keyed = bool(idempotency_key or reverses)
    try:
        with transaction.atomic(savepoint=keyed):
            connection = transaction.get_connection()
            if connection.vendor == "postgresql":
                balances = _post_statement(connection, tx, moves, entries)
            else:
                balances = _post_orm(tx, moves, entries)
            refused = next((pk for (pk, _d), b in zip(moves, balances, strict=True) if b is None), None)
            if refused is not None:
                raise insufficient(PointsAccount.objects.filter(pk=refused).values_list("balance", flat=True)
                                   .first() or 0)
    except IntegrityError:
        if not keyed:
            raise
        if idempotency_key:  # already written (a retry, or a concurrent writer that committed first)
            existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                for account in accounts.values():
                    account.refresh_from_db(fields=["balance"])
                return existing
        raise ValidationError(_("This transaction was already corrected."), code="already_reversed") from None
    except ValidationError as exc:
        # A retry of a keyed post whose accounts have moved on since: the write it repeats exists.
        if idempotency_key and exc.code == "insufficient_balance":
            existing = LedgerTransaction.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        raise
    for (pk, _delta), balance in zip(moves, balances, strict=True):
        accounts[pk].balance = balance
    return tx


_MOVE = ("UPDATE {table} SET balance = balance + %s WHERE id = %s AND (allow_negative OR balance + %s >= 0) "
         "RETURNING balance")


def _post_orm(tx: LedgerTransaction, moves, entries) -> list[int | None]:
    """Other databases: one UPDATE per account in pk order (stopping at a refused one), then the
    transaction and its entries."""
    balances: list[int | None] = [None] * len(moves)
    for i, (pk, delta) in enumerate(moves):
        balances[i] = _move(pk, delta)
        if balances[i] is None:
            return balances
    tx.save(force_insert=True)
    LedgerEntry.objects.bulk_create([LedgerEntry(transaction=tx, account_id=pk, amount=amt) for pk, amt in entries])
    return balances


def _move(pk: int, delta: int) -> int | None:
    """Add `delta` to the stored balance unless that would make a non-negative account negative;
    returns the new balance, or None when refused (nothing moved)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(_MOVE.format(table=PointsAccount._meta.db_table), [delta, pk, delta])
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _post_statement(connection, tx: LedgerTransaction, moves, entries) -> list[int | None]:
    """PostgreSQL: the moves, the transaction and its entries in one statement (one round
    trip). Data-modifying CTEs: move k runs only once move k-1 has returned its row (its
    `EXISTS` is an init-plan, evaluated before move k touches a row), so the row locks are
    taken in pk order and a refused move stops the rest; the transaction row is inserted only
    when every move succeeded, its entries from the inserted row's id. Returns each move's new
    balance (None for a refused move and those after it); sets `tx.pk` when written."""
    qn = connection.ops.quote_name
    acct_table, tx_table = qn(PointsAccount._meta.db_table), qn(LedgerTransaction._meta.db_table)
    entry_table = qn(LedgerEntry._meta.db_table)
    ctes, params = [], []
    gate = "TRUE"
    for i, (pk, delta) in enumerate(moves):
        ctes.append(f"m{i} AS (UPDATE {acct_table} SET balance = balance + %s WHERE id = %s "
                    f"AND (allow_negative OR balance + %s >= 0) AND {gate} RETURNING balance)")
        params += [delta, pk, delta]
        gate = f"EXISTS (SELECT 1 FROM m{i})"
    fields = [f for f in LedgerTransaction._meta.concrete_fields if not f.primary_key]
    ctes.append(f"t AS (INSERT INTO {tx_table} ({', '.join(qn(f.column) for f in fields)}) "
                f"SELECT {', '.join(['%s'] * len(fields))} WHERE {gate} RETURNING id)")
    params += [f.get_db_prep_save(f.pre_save(tx, True), connection) for f in fields]
    rows = ", ".join(["(%s, %s::bigint, %s::bigint)"] * len(entries))
    ctes.append(f"e AS (INSERT INTO {entry_table} (transaction_id, account_id, amount) "
                f"SELECT t.id, v.a, v.m FROM t, (VALUES {rows}) AS v(n, a, m) ORDER BY v.n)")
    for n, (pk, amount) in enumerate(entries):
        params += [n, pk, amount]
    select = ", ".join(["(SELECT id FROM t)"] + [f"(SELECT balance FROM m{i})" for i in range(len(moves))])
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(ctes)} SELECT {select}", params)
        row = cursor.fetchone()
    if row[0] is not None:
        tx.pk = row[0]
        tx._state.adding, tx._state.db = False, connection.alias
    return [None if b is None else int(b) for b in row[1:]]


def reverse(tx: LedgerTransaction, *, by=None, memo: str = "") -> LedgerTransaction:
    """取消: a new transaction with every entry of `tx` negated, naming `tx`. Once only."""
    if tx.kind == TransactionKind.REVERSAL:
        raise ValidationError(_("A correction cannot itself be reversed; record a new transaction."),
                              code="reversal_of_reversal")
    if LedgerTransaction.objects.filter(reverses=tx).exists():
        raise ValidationError(_("This transaction was already corrected."), code="already_reversed")
    lines = [(e.account, -e.amount) for e in tx.entries.select_related("account")]
    return post(scheme=tx.scheme, kind=TransactionKind.REVERSAL, lines=lines, reverses=tx, by=by,
                memo=memo or f"reverses #{tx.pk}", booking=tx.booking)


def verify(scheme_ids=None) -> dict:
    """Check the whole ledger (or some schemes) with aggregate queries: each transaction has ≥ 2
    entries summing to zero, each stored balance equals the sum of its entries, no forbidden
    negative balance, and every scheme's entries sum to zero. Returns counts and problems."""
    from django.db.models import Count, F, OuterRef, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    txs = LedgerTransaction.objects.all()
    accts = PointsAccount.objects.all()
    entries = LedgerEntry.objects.all()
    if scheme_ids is not None:
        txs, accts = txs.filter(scheme_id__in=scheme_ids), accts.filter(scheme_id__in=scheme_ids)
        entries = entries.filter(account__scheme_id__in=scheme_ids)
    problems: list[str] = []
    unbalanced = (entries.values("transaction_id").annotate(s=Sum("amount"), n=Count("id"))
                  .exclude(s=0, n__gte=2).values_list("transaction_id", flat=True)[:50])
    problems += [f"transaction {pk} does not balance" for pk in unbalanced]
    empty = txs.filter(entries__isnull=True).values_list("pk", flat=True)[:50]
    problems += [f"transaction {pk} has no entries" for pk in empty]
    sums = (LedgerEntry.objects.filter(account_id=OuterRef("pk")).order_by().values("account_id")
            .annotate(s=Sum("amount")).values("s"))
    wrong = (accts.annotate(total=Coalesce(Subquery(sums), Value(0))).exclude(balance=F("total"))
             .values_list("pk", "balance", "total")[:50])
    problems += [f"account {pk}: stored {b} != entries {t}" for pk, b, t in wrong]
    negative = accts.filter(allow_negative=False, balance__lt=0).values_list("pk", flat=True)[:50]
    problems += [f"account {pk} is negative" for pk in negative]
    per_scheme = entries.values("account__scheme_id").annotate(s=Sum("amount")).exclude(s=0)
    problems += [f"scheme {r['account__scheme_id']} sums to {r['s']}" for r in per_scheme]
    return {"transactions": txs.count(), "entries": entries.count(), "accounts": accts.count(),
            "problems": problems, "ok": not problems}
