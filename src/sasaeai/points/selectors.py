"""Reads of the points app, scoped to the viewer's tenants inside the query.

* a member sees their own accounts, credits, redemptions and history;
* coordinators (第1層・第2層SC) see the credits and office-mode members of the areas they
  cover and confirm pending credits;
* the municipal administrator (and the operator) manage schemes, rules, redemptions, reports
  and the finance export of their municipality.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from sasaeai.tenancy.models import Role
from sasaeai.tenancy.selectors import area_ids, municipality_ids

from .models import (
    AccountKind,
    Credit,
    CreditStatus,
    LedgerEntry,
    PointsAccount,
    Redemption,
    RedemptionStatus,
    Scheme,
    TransactionKind,
)

#: Confirm credits, record office-mode exchanges and events.
COORDINATING_ROLES = frozenset({Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.MUNICIPAL_ADMIN, Role.OPERATOR})
#: Set rules, approve redemptions, see liabilities, download the finance export.
MANAGING_ROLES = frozenset({Role.MUNICIPAL_ADMIN, Role.OPERATOR})
#: People who earn, redeem and exchange (their own account).
MEMBER_ROLES = frozenset({Role.HELPER, Role.RESIDENT, Role.PROXY})


def _in(qs: QuerySet, user, roles, field: str = "municipality_id") -> QuerySet:
    ids = municipality_ids(user, roles)
    return qs if ids is None else qs.filter(**{f"{field}__in": ids})


def schemes_managed(user) -> QuerySet[Scheme]:
    return _in(Scheme.objects.select_related("municipality"), user, MANAGING_ROLES)


def schemes_coordinated(user) -> QuerySet[Scheme]:
    return _in(Scheme.objects.select_related("municipality"), user, COORDINATING_ROLES)


def schemes_for_member(user) -> QuerySet[Scheme]:
    """Active schemes of the municipalities where the user is a helper, resident or proxy."""
    return _in(Scheme.objects.filter(active=True).select_related("municipality"), user, MEMBER_ROLES)


def own_accounts(user) -> QuerySet[PointsAccount]:
    if not user.is_authenticated:
        return PointsAccount.objects.none()
    return PointsAccount.objects.filter(kind=AccountKind.MEMBER, owner=user).select_related("scheme")


def _area_scope(qs: QuerySet, user, roles) -> QuerySet:
    """Per municipality: the areas the user covers (None = whole municipality)."""
    ids = municipality_ids(user, roles)
    if ids is None:
        return qs
    cond = Q(pk__in=[])
    for mid in ids:
        areas = area_ids(user, mid, roles)
        cond |= Q(municipality_id=mid) if areas is None else Q(municipality_id=mid, area_id__in=areas)
    return qs.filter(cond)


def credits_for_staff(user) -> QuerySet[Credit]:
    return _area_scope(Credit.objects.select_related("account__owner", "scheme", "area", "booking__request"),
                       user, COORDINATING_ROLES)


def pending_credits(user) -> QuerySet[Credit]:
    return credits_for_staff(user).filter(status=CreditStatus.PENDING).order_by("earned_on", "pk")


def member_accounts_for_staff(user, scheme: Scheme) -> QuerySet[PointsAccount]:
    return _area_scope(PointsAccount.objects.filter(scheme=scheme, kind=AccountKind.MEMBER), user,
                       COORDINATING_ROLES).select_related("owner", "area").order_by("owner__display_name", "pk")


def redemptions_for_staff(user) -> QuerySet[Redemption]:
    return _in(Redemption.objects.select_related("account__owner", "option", "scheme"), user, MANAGING_ROLES)


def pending_redemptions(user) -> QuerySet[Redemption]:
    return redemptions_for_staff(user).filter(status=RedemptionStatus.REQUESTED).order_by("requested_at", "pk")


# --- a member's view ------------------------------------------------------------------------------


def history(account: PointsAccount, start: dt.date | None = None, end: dt.date | None = None):
    """The account's entries, newest first, with the transaction (kind, date, memo)."""
    qs = LedgerEntry.objects.filter(account=account).select_related("transaction")
    if start:
        qs = qs.filter(transaction__booked_on__gte=start)
    if end:
        qs = qs.filter(transaction__booked_on__lte=end)
    return qs.order_by("-transaction__booked_on", "-transaction_id")


def pending_of(account: PointsAccount) -> QuerySet[Credit]:
    return account.credits.filter(status=CreditStatus.PENDING).order_by("earned_on")


def expiring(account: PointsAccount, today: dt.date) -> list[dict]:
    """Upcoming expiry dates with the points that will expire then if nothing is spent: FIFO,
    the oldest points are spent first."""
    from .services import _keep

    rows = (account.credits.filter(status=CreditStatus.CONFIRMED, expires_on__gte=today)
            .values("expires_on").annotate(n=Sum("amount")).order_by("expires_on"))
    spent_from_old = _keep(account, today) - account.balance  # points of the valid credits already spent
    out = []
    for r in rows:
        n = r["n"]
        used = min(n, max(0, spent_from_old))
        spent_from_old -= used
        if n - used > 0:
            out.append({"date": r["expires_on"], "points": n - used})
    return out


def statement(account: PointsAccount, year: int) -> dict:
    """Yearly statement (年間明細, calendar year): opening, lines, closing."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    before = (LedgerEntry.objects.filter(account=account, transaction__booked_on__lt=start)
              .aggregate(s=Sum("amount"))["s"] or 0)
    lines = list(history(account, start, end).order_by("transaction__booked_on", "transaction_id"))
    total = sum(e.amount for e in lines)
    by_kind = {}
    for e in lines:
        by_kind[e.transaction.kind] = by_kind.get(e.transaction.kind, 0) + e.amount
    return {"account": account, "year": year, "opening": before, "lines": lines, "closing": before + total,
            "by_kind": by_kind}


# --- the administrator's figures ------------------------------------------------------------------


def liabilities(scheme: Scheme) -> dict:
    """Outstanding points (未交換残高): what members hold plus what is held for pending
    redemptions, and the yen they are worth at the first active option's rate."""
    members = (PointsAccount.objects.filter(scheme=scheme, kind=AccountKind.MEMBER)
               .aggregate(s=Sum("balance"), n=Count("pk")))
    held = PointsAccount.objects.filter(scheme=scheme, kind=AccountKind.HELD).aggregate(s=Sum("balance"))["s"] or 0
    option = scheme.options.filter(active=True).order_by("pk").first()
    outstanding = (members["s"] or 0) + held
    return {"members": members["n"] or 0, "member_balance": members["s"] or 0, "held": held,
            "outstanding": outstanding, "yen": outstanding * (option.yen_per_point if option else 0)}


def by_month_and_area(scheme: Scheme, start: dt.date, end: dt.date) -> list[dict]:
    """Credits (confirmed) and redemptions (paid) per month and area, with aggregate queries."""
    credits = (Credit.objects.filter(scheme=scheme, status__in=[CreditStatus.CONFIRMED, CreditStatus.REVERSED],
                                     earned_on__gte=start, earned_on__lte=end)
               .annotate(month=TruncMonth("earned_on")).values("month", "area__name")
               .annotate(points=Sum("amount"), n=Count("pk")))
    paid = (Redemption.objects.filter(scheme=scheme, status=RedemptionStatus.PAID,
                                      settlement__booked_on__gte=start, settlement__booked_on__lte=end)
            .annotate(month=TruncMonth("settlement__booked_on")).values("month", "account__area__name")
            .annotate(points=Sum("points"), yen=Sum("value_yen"), n=Count("pk")))
    rows: dict = {}

    def key(month, area):
        month = month.date() if isinstance(month, dt.datetime) else month
        return (month, area or "")

    for r in credits:
        row = rows.setdefault(key(r["month"], r["area__name"]), {"credited": 0, "credits": 0, "redeemed": 0,
                                                                 "yen": 0, "redemptions": 0})
        row["credited"] += r["points"] or 0
        row["credits"] += r["n"]
    for r in paid:
        row = rows.setdefault(key(r["month"], r["account__area__name"]), {"credited": 0, "credits": 0,
                                                                          "redeemed": 0, "yen": 0, "redemptions": 0})
        row["redeemed"] += r["points"] or 0
        row["yen"] += r["yen"] or 0
        row["redemptions"] += r["n"]
    return [{"month": m, "area": a, **v} for (m, a), v in sorted(rows.items())]


def totals_by_kind(scheme: Scheme, start: dt.date, end: dt.date) -> dict[str, int]:
    """Points moved into member accounts (earned, starting) and out (expired, redeemed) in the period."""
    rows = (LedgerEntry.objects.filter(account__scheme=scheme, account__kind=AccountKind.MEMBER,
                                       transaction__booked_on__gte=start, transaction__booked_on__lte=end)
            .values("transaction__kind").annotate(s=Sum("amount")))
    out = {k: 0 for k in TransactionKind.values}
    for r in rows:
        out[r["transaction__kind"]] = r["s"] or 0
    return out
