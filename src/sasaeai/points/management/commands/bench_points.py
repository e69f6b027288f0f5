"""`sasaeai bench_points --accounts 100000 --transactions 1000000 --measure 20000 --json`:
the points ledger at full size. Prints ONE JSON line.

1. Set-up: a bench municipality, a scheme and `--accounts` member accounts (with their users),
   in bulk (`setup_seconds`).
2. History (`load_seconds`): `--transactions` balanced transactions of the real models' shape
   (earn 200: issuer → member, with an idempotency key like a booking credit; hold 100: member →
   held, only from a member who has the points), written with bulk inserts (COPY on PostgreSQL),
   and every account's stored balance set to the sum of its entries. Not `ledger.post`: this
   is the full-size ledger the measurements run against, and `ledger.verify` checks it at the end.
3. Writes (`measured_posts`): that many posts through the real `ledger.post`, each its own
   database transaction (80 % keyed earns, 20 % holds from a random member, refused when the
   member has too little), interleaved in blocks of 100 with the same number of plain
   single-row INSERTs into an ordinary table, one per database transaction (the baseline), so
   both see the same machine load. `ledger_tx_per_s`, `post_ms_p50/p95`, `baseline_insert_per_s`.
4. Reads on the full-size ledger: a member's balance and yearly statement (`statement`, as the
   statement page and PDF build it), `--reads` samples each, p50/p95 in milliseconds.
5. `ledger.verify` over the bench scheme (`verified`, `verify_seconds`).

Run it against a throwaway database (DATABASE_URL=…): the ledger is append-only, so what it
writes stays."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

BLOCK = 100
EARN, HOLD = 200, 100
YEAR = 2025


def _pct(values, q):
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))] * 1000, 3)


def _load_average():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover - not on every platform
        return None


class Command(BaseCommand):
    help = ("Benchmark the points ledger at full size: bulk-loaded history, write throughput through ledger.post "
            "beside a plain-insert baseline, balance and statement read latency.")

    def add_arguments(self, parser):
        parser.add_argument("--accounts", type=int, default=10_000, help="Member accounts.")
        parser.add_argument("--transactions", type=int, default=20_000,
                            help="Transactions in the bulk-loaded history the measurements run against.")
        parser.add_argument("--measure", type=int, default=None,
                            help="Posts through ledger.post to time, and as many baseline inserts "
                                 "(default: min(transactions, 2000)).")
        parser.add_argument("--reads", type=int, default=500, help="Samples per read measurement.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", action="store_true", help="Print one JSON line (the default output).")

    def handle(self, *args, accounts, transactions, measure, reads, seed, **options):
        from sasaeai.points import services
        from sasaeai.tenancy import services as tenancy
        from sasaeai.tenancy.codes import with_check_digit
        from sasaeai.tenancy.models import Municipality

        if accounts < 1 or transactions < 0 or (measure is not None and measure < 1) or reads < 1:
            raise CommandError("--accounts, --measure and --reads must be at least 1, --transactions at least 0.")
        measure = measure if measure is not None else max(1, min(transactions, 2000))
        load_before = _load_average()
        rng = random.Random(seed)
        run = f"{int(time.time())}{rng.randrange(1000):03d}"
        n_bench = Municipality.objects.filter(name__startswith="ベンチ市").count()
        code = with_check_digit(f"47{n_bench % 1000:03d}")
        municipality = tenancy.create_municipality(
            code=code, name=f"ベンチ市{run}", name_kana="べんちし", prefecture=code[:2], population=accounts,
            population_65_plus=accounts // 3, population_75_plus=accounts // 6, center_lat=35.6, center_lon=139.3)
        scheme = services.scheme_create(municipality=municipality, name=f"bench {run}")
        services.terms_set(scheme=scheme, valid_from=dt.date(2020, 1, 1), needs_confirmation=False)

        t0 = time.perf_counter()
        account_ids = self._accounts(scheme, municipality, accounts, run)
        setup_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        history = self._history(scheme, account_ids, transactions, rng, run)
        load_s = time.perf_counter() - t0

        writes = self._writes(scheme, account_ids, measure, rng, run)
        read = self._reads(scheme, account_ids, reads, rng)

        from sasaeai.points import ledger

        t0 = time.perf_counter()
        check = ledger.verify([scheme.pk])
        verify_s = time.perf_counter() - t0
        out = {
            "bench": "points", "database": connection.vendor, "accounts": accounts, "transactions": transactions,
            "history_transactions": history["transactions"], "history_entries": history["entries"],
            "history_earn": history["earn"], "history_hold": history["hold"],
            "setup_seconds": round(setup_s, 2), "load_seconds": round(load_s, 2),
            "load_rows_per_s": round((history["transactions"] + history["entries"]) / load_s) if load_s else None,
            **writes, **read,
            "verify_seconds": round(verify_s, 2), "verified": check["ok"],
            "ledger_transactions_total": check["transactions"], "ledger_entries_total": check["entries"],
            "load_average_before": load_before, "load_average_after": _load_average(),
            "cpus": os.cpu_count(),
        }
        self.stdout.write(json.dumps(out))

    # --- 1. users and accounts in bulk -----------------------------------------------------------

    def _accounts(self, scheme, municipality, n_accounts, run) -> list[int]:
        from sasaeai.accounts.models import User
        from sasaeai.points import ledger
        from sasaeai.points.models import AccountKind, PointsAccount

        ledger.system_account(scheme, AccountKind.ISSUER)
        ledger.system_account(scheme, AccountKind.HELD)
        ids: list[int] = []
        batch = 5000
        for start in range(0, n_accounts, batch):
            n = min(batch, n_accounts - start)
            with transaction.atomic():
                users = User.objects.bulk_create([
                    User(email=f"bench{run}-{start + i}@bench.invalid", display_name=f"ベンチ{start + i}", password="!")
                    for i in range(n)])
                accts = PointsAccount.objects.bulk_create([
                    PointsAccount(scheme=scheme, municipality=municipality, kind=AccountKind.MEMBER, owner=u)
                    for u in users])
            ids += [a.pk for a in accts]
        return ids

    # --- 2. the history, in bulk -----------------------------------------------------------------

    def _history(self, scheme, account_ids, n_tx, rng, run) -> dict:
        """`n_tx` balanced transactions in booked-date order over YEAR, then stored balances."""
        from sasaeai.points import ledger
        from sasaeai.points.models import AccountKind, LedgerTransaction, TransactionKind

        issuer = ledger.system_account(scheme, AccountKind.ISSUER)
        held = ledger.system_account(scheme, AccountKind.HELD)
        balance = dict.fromkeys(account_ids, 0)
        balance[issuer.pk] = balance[held.pk] = 0
        fields = [f for f in LedgerTransaction._meta.concrete_fields if not f.primary_key]
        expected = {"scheme_id", "municipality_id", "kind", "booked_on", "memo", "idempotency_key", "reverses_id",
                    "booking_id", "created_by_id", "created_at"}
        if {f.attname for f in fields} != expected:  # the bench writes the model's shape; keep it in step
            raise CommandError("LedgerTransaction changed: update bench_points' history loader.")
        now = timezone.now()
        days = [dt.date(YEAR, 1, 1) + dt.timedelta(days=i) for i in range(365)]
        counts = {"transactions": 0, "entries": 0, "earn": 0, "hold": 0}
        batch = 20_000
        for start in range(0, n_tx, batch):
            txs, entries = [], []  # entries: (tx index in batch, account, amount)
            for i in range(start, min(n_tx, start + batch)):
                member = account_ids[rng.randrange(len(account_ids))]
                day = days[i * 365 // n_tx]
                if rng.random() < 0.2 and balance[member] >= HOLD:
                    kind, key, lines = TransactionKind.HOLD, None, [(member, -HOLD), (held.pk, HOLD)]
                    counts["hold"] += 1
                else:
                    kind, key, lines = TransactionKind.EARN, f"bench:{run}:h{i}", [(issuer.pk, -EARN), (member, EARN)]
                    counts["earn"] += 1
                row = {"scheme_id": scheme.pk, "municipality_id": scheme.municipality_id, "kind": str(kind),
                       "booked_on": day, "memo": "", "idempotency_key": key, "reverses_id": None,
                       "booking_id": None, "created_by_id": None, "created_at": now}
                txs.append(tuple(row[f.attname] for f in fields))
                for acct, amount in lines:
                    balance[acct] += amount
                    entries.append((len(txs) - 1, acct, amount))
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    self._copy_batch(fields, txs, entries)
                else:
                    self._orm_batch(fields, txs, entries)
            counts["transactions"] += len(txs)
            counts["entries"] += len(entries)
        with transaction.atomic():
            self._set_balances({pk: b for pk, b in balance.items() if b})
        if connection.vendor == "postgresql":
            with connection.cursor() as c:  # what autovacuum would have done for a table this size
                c.execute("ANALYZE points_ledgertransaction, points_ledgerentry, points_pointsaccount")
        return counts

    def _copy_batch(self, fields, txs, entries):
        qn = connection.ops.quote_name
        with connection.cursor() as c:
            c.execute("SELECT nextval(pg_get_serial_sequence('points_ledgertransaction', 'id')) "
                      "FROM generate_series(1, %s)", [len(txs)])
            ids = [r[0] for r in c.fetchall()]
            cols = ", ".join(["id"] + [qn(f.column) for f in fields])
            with c.cursor.copy(f"COPY points_ledgertransaction ({cols}) FROM STDIN") as cp:
                for pk, row in zip(ids, txs, strict=True):
                    cp.write_row((pk, *row))
            with c.cursor.copy("COPY points_ledgerentry (transaction_id, account_id, amount) FROM STDIN") as cp:
                for n, acct, amount in entries:
                    cp.write_row((ids[n], acct, amount))

    def _orm_batch(self, fields, txs, entries):
        from sasaeai.points.models import LedgerEntry, LedgerTransaction

        objs = LedgerTransaction.objects.bulk_create(
            [LedgerTransaction(**dict(zip([f.attname for f in fields], row, strict=True))) for row in txs])
        if any(o.pk is None for o in objs):
            raise CommandError("this database does not return ids from bulk inserts")
        LedgerEntry.objects.bulk_create([LedgerEntry(transaction_id=objs[n].pk, account_id=a, amount=m)
                                         for n, a, m in entries], batch_size=5000)

    def _set_balances(self, balances: dict[int, int]):
        """The stored balances (the history never moved them): one statement per database."""
        items = list(balances.items())
        with connection.cursor() as c:
            if connection.vendor == "postgresql":
                c.execute("CREATE TEMP TABLE bench_points_balance (id bigint PRIMARY KEY, balance bigint) "
                          "ON COMMIT DROP")
                with c.cursor.copy("COPY bench_points_balance (id, balance) FROM STDIN") as cp:
                    for row in items:
                        cp.write_row(row)
                c.execute("UPDATE points_pointsaccount a SET balance = a.balance + b.balance "
                          "FROM bench_points_balance b WHERE a.id = b.id")
            else:
                c.executemany("UPDATE points_pointsaccount SET balance = balance + %s WHERE id = %s",
                              [(b, pk) for pk, b in items])

    # --- 3. writes through ledger.post, beside the baseline ----------------------------------------

    def _writes(self, scheme, account_ids, n, rng, run) -> dict:
        from sasaeai.points import ledger
        from sasaeai.points.models import AccountKind, PointsAccount, TransactionKind

        issuer = ledger.system_account(scheme, AccountKind.ISSUER)
        held = ledger.system_account(scheme, AccountKind.HELD)
        with connection.cursor() as c:
            c.execute("DROP TABLE IF EXISTS bench_points_plain")
            if connection.vendor == "postgresql":
                c.execute("CREATE TABLE bench_points_plain (id bigserial PRIMARY KEY, n bigint NOT NULL)")
            else:
                c.execute("CREATE TABLE bench_points_plain (id integer PRIMARY KEY, n integer NOT NULL)")
        post_t, base_t = [], []
        refused = earns = 0
        day = dt.date(YEAR, 12, 31)
        try:
            for block in range(0, n, BLOCK):
                size = min(BLOCK, n - block)
                for i in range(block, block + size):
                    member = PointsAccount(pk=account_ids[rng.randrange(len(account_ids))], scheme_id=scheme.pk,
                                           kind=AccountKind.MEMBER)
                    earn = rng.random() < 0.8
                    earns += earn
                    t = time.perf_counter()
                    try:
                        with transaction.atomic():
                            if earn:
                                ledger.post(scheme=scheme, kind=TransactionKind.EARN, booked_on=day,
                                            lines=[(issuer, -EARN), (member, EARN)],
                                            idempotency_key=f"bench:{run}:m{i}")
                            else:
                                ledger.post(scheme=scheme, kind=TransactionKind.HOLD, booked_on=day,
                                            lines=[(member, -HOLD), (held, HOLD)])
                    except Exception:  # noqa: BLE001 - an overdraft refusal is part of the workload
                        refused += 1
                    post_t.append(time.perf_counter() - t)
                for i in range(block, block + size):
                    t = time.perf_counter()
                    with transaction.atomic(), connection.cursor() as c:
                        c.execute("INSERT INTO bench_points_plain (n) VALUES (%s)", [i])
                    base_t.append(time.perf_counter() - t)
        finally:
            with connection.cursor() as c:
                c.execute("DROP TABLE IF EXISTS bench_points_plain")
        post_s, base_s = sum(post_t), sum(base_t)
        tx_per_s = n / post_s if post_s else None
        base_per_s = n / base_s if base_s else None
        return {
            "measured_posts": n, "measured_keyed_earns": earns, "refused_overdrafts": refused,
            "ledger_tx_per_s": round(tx_per_s, 1) if tx_per_s else None,
            "post_ms_p50": _pct(post_t, 0.5), "post_ms_p95": _pct(post_t, 0.95),
            "baseline_inserts": n, "baseline_insert_per_s": round(base_per_s, 1) if base_per_s else None,
            "baseline_ms_p50": _pct(base_t, 0.5), "baseline_ms_p95": _pct(base_t, 0.95),
            "ledger_vs_baseline": round(tx_per_s / base_per_s, 3) if tx_per_s and base_per_s else None,
        }

    # --- 4. reads on the full-size ledger ---------------------------------------------------------

    def _reads(self, scheme, account_ids, n, rng) -> dict:
        from sasaeai.points import selectors
        from sasaeai.points.models import AccountKind, PointsAccount

        with_entries = list(PointsAccount.objects.filter(scheme=scheme, kind=AccountKind.MEMBER)
                            .exclude(balance=0).values_list("pk", flat=True)[:20_000]) or account_ids
        balance_t, statement_t, lines = [], [], []
        for _ in range(n):
            pk = with_entries[rng.randrange(len(with_entries))]
            t = time.perf_counter()
            PointsAccount.objects.filter(pk=pk).values_list("balance", flat=True).get()
            balance_t.append(time.perf_counter() - t)
            t = time.perf_counter()
            acct = PointsAccount.objects.select_related("scheme").get(pk=pk)
            st = selectors.statement(acct, YEAR)
            lines.append(len(st["lines"]))
            statement_t.append(time.perf_counter() - t)
        return {
            "reads": n, "balance_ms_p50": _pct(balance_t, 0.5), "balance_ms_p95": _pct(balance_t, 0.95),
            "statement_ms_p50": _pct(statement_t, 0.5), "statement_ms_p95": _pct(statement_t, 0.95),
            "statement_lines_mean": round(statistics.mean(lines), 1) if lines else None,
        }
