"""Volunteer points and time bank (same operations as the pages): my accounts and history,
redemptions, time-bank transfers; coordinators confirm credits and record office exchanges;
administrators set rules and terms, approve redemptions and read the scheme's figures."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from pydantic import Field

from sasaeai.points import ledger, selectors, services
from sasaeai.points.models import AccountKind, PointsAccount, RedemptionOption

from ..schemas import responses

PREFIX = ""
router = Router(tags=["points"])
BIG = 10_000_000


class AccountOut(Schema):
    id: int
    scheme_id: int
    scheme_name: str
    scheme_kind: str
    balance: int
    pending: int


class PointsEntryOut(Schema):
    transaction_id: int
    kind: str
    booked_on: dt.date
    amount: int


class RedemptionIn(Schema):
    option_id: int
    points: int = Field(..., ge=-BIG, le=BIG)


class RedemptionOut(Schema):
    id: int
    account_id: int
    option_id: int
    points: int
    value_yen: int
    status: str
    finance_reference: str
    refusal_reason: str


class TransferIn(Schema):
    booking_id: int
    minutes: int = Field(..., ge=-BIG, le=BIG)


class TransferOut(Schema):
    transaction_id: int
    kind: str
    minutes: int


class CreditOut(Schema):
    id: int
    scheme_id: int
    account_id: int
    activity: str
    earned_on: dt.date
    requested: int
    amount: int
    refused_amount: int
    refused_reason: str
    status: str


class IdsIn(Schema):
    ids: list[int] = Field(..., max_length=500)


class OfficeIn(Schema):
    payer_account_id: int
    payee_account_id: int
    minutes: int = Field(..., ge=-BIG, le=BIG)
    memo: str = Field("", max_length=200)


class PointsRuleIn(Schema):
    activity: str = Field(..., max_length=10)
    category: str = Field("", max_length=32)
    valid_from: dt.date
    points: int = Field(..., ge=-BIG, le=BIG)
    per_minutes: int = Field(0, ge=-BIG, le=BIG)
    min_minutes: int = Field(0, ge=-BIG, le=BIG)


class PointsRuleOut(Schema):
    id: int
    activity: str
    category: str
    valid_from: dt.date
    points: int
    per_minutes: int
    min_minutes: int


class TermsIn(Schema):
    valid_from: dt.date
    daily_cap: int = Field(0, ge=-BIG, le=BIG)
    yearly_cap: int = Field(0, ge=-BIG, le=BIG)
    year_basis: str = Field("fiscal", max_length=8)
    min_age: int = Field(0, ge=-BIG, le=200)
    needs_confirmation: bool = True
    expiry_years: int = Field(1, ge=-BIG, le=50)
    min_redemption: int = Field(0, ge=-BIG, le=BIG)
    redemption_months: list[int] = Field([], max_length=12)
    starting_credit: int = Field(0, ge=-BIG, le=BIG)


class TermsOut(Schema):
    id: int
    valid_from: dt.date
    daily_cap: int
    yearly_cap: int
    year_basis: str
    needs_confirmation: bool
    expiry_years: int
    min_redemption: int
    redemption_months: list[int]


class SchemeOut(Schema):
    id: int
    municipality_id: int
    name: str
    kind: str
    outstanding: int
    held: int
    members: int


class MonthRow(Schema):
    month: dt.date
    area: str
    credited: int
    credits: int
    redeemed: int
    yen: int
    redemptions: int


class ReportOut(Schema):
    scheme_id: int
    fiscal_year: int
    outstanding: int
    rows: list[MonthRow]


class PayIn(Schema):
    finance_reference: str = Field(..., max_length=60)


class RefuseIn(Schema):
    reason: str = Field(..., max_length=200)


def _account_out(a: PointsAccount) -> dict:
    return {"id": a.pk, "scheme_id": a.scheme_id, "scheme_name": a.scheme.name, "scheme_kind": a.scheme.kind,
            "balance": a.balance, "pending": sum(c.amount for c in selectors.pending_of(a))}


def _redemption_out(r) -> dict:
    return {"id": r.pk, "account_id": r.account_id, "option_id": r.option_id, "points": r.points,
            "value_yen": r.value_yen, "status": r.status, "finance_reference": r.finance_reference,
            "refusal_reason": r.refusal_reason}


def _require(request, perm):
    if not request.user.has_perm(perm):
        raise PermissionDenied


# --- members --------------------------------------------------------------------------------------


@router.get("/points/accounts", response=responses(200, list[AccountOut]), summary="My points accounts")
def my_accounts(request):
    return [_account_out(a) for a in selectors.own_accounts(request.user).order_by("pk")]


@router.get("/points/accounts/{account_id}/history", response=responses(200, list[PointsEntryOut]),
            summary="My account's entries, newest first (at most 200)")
def account_history(request, account_id: int):
    acct = get_object_or_404(selectors.own_accounts(request.user), pk=account_id)
    return [{"transaction_id": e.transaction_id, "kind": e.transaction.kind, "booked_on": e.transaction.booked_on,
             "amount": e.amount} for e in selectors.history(acct)[:200]]


@router.post("/points/accounts/{account_id}/redemptions", response=responses(201, RedemptionOut),
             summary="Ask to redeem points (held until approved)")
def request_redemption(request, account_id: int, payload: RedemptionIn):
    acct = get_object_or_404(selectors.own_accounts(request.user), pk=account_id)
    option = get_object_or_404(RedemptionOption.objects.filter(scheme_id=acct.scheme_id), pk=payload.option_id)
    r = services.redemption_request(account=acct, option=option, points=payload.points, by=request.user)
    return 201, _redemption_out(r)


@router.post("/points/accounts/{account_id}/transfers", response=responses(201, TransferOut),
             summary="Pay the helper of a completed visit in time credit (time bank)")
def pay_time(request, account_id: int, payload: TransferIn):
    from sasaeai.requests.models import Booking
    from sasaeai.requests.selectors import own_requests

    acct = get_object_or_404(selectors.own_accounts(request.user), pk=account_id)
    booking = get_object_or_404(Booking.objects.filter(request__in=own_requests(request.user))
                                .select_related("helper__user"), pk=payload.booking_id)
    payee = ledger.member_account(acct.scheme, booking.helper.user, area=booking.helper.area)
    tx = services.transfer(payer=acct, payee=payee, minutes=payload.minutes, by=request.user, booking=booking)
    return 201, {"transaction_id": tx.pk, "kind": tx.kind, "minutes": payload.minutes}


# --- coordinators ---------------------------------------------------------------------------------


def _credit_out(c) -> dict:
    return {"id": c.pk, "scheme_id": c.scheme_id, "account_id": c.account_id, "activity": c.activity,
            "earned_on": c.earned_on, "requested": c.requested, "amount": c.amount,
            "refused_amount": c.refused_amount, "refused_reason": c.refused_reason, "status": c.status}


def _allowed_credits(request, ids):
    """Credits outside the coordinator's areas answer 404, as if they did not exist."""
    allowed = selectors.credits_for_staff(request.user)
    if allowed.filter(pk__in=ids).count() != len(set(ids)):
        raise Http404
    return allowed


@router.get("/points/credits/pending", response=responses(200, list[CreditOut]),
            summary="Credits waiting for confirmation in my areas (at most 500)")
def pending_credits(request):
    _require(request, "points.coordinate")
    return [_credit_out(c) for c in selectors.pending_credits(request.user)[:500]]


@router.post("/points/credits/confirm", response=responses(200, list[CreditOut]),
             summary="Confirm pending credits (all or none)")
def confirm_credits(request, payload: IdsIn):
    _require(request, "points.coordinate")
    done = services.confirm_credits(payload.ids, by=request.user, allowed=_allowed_credits(request, payload.ids))
    return [_credit_out(c) for c in done]


@router.post("/points/credits/reject", response=responses(200, list[CreditOut]),
             summary="Reject pending credits (all or none)")
def reject_credits(request, payload: IdsIn):
    _require(request, "points.coordinate")
    done = services.reject_credits(payload.ids, by=request.user, allowed=_allowed_credits(request, payload.ids))
    return [_credit_out(c) for c in done]


@router.post("/points/schemes/{scheme_id}/office-exchanges", response=responses(201, TransferOut),
             summary="Office mode: record a time-bank exchange from a paper list")
def office_exchange(request, scheme_id: int, payload: OfficeIn):
    _require(request, "points.coordinate")
    scheme = get_object_or_404(selectors.schemes_coordinated(request.user), pk=scheme_id)
    accounts = selectors.member_accounts_for_staff(request.user, scheme)
    payer = get_object_or_404(accounts, pk=payload.payer_account_id)
    # Any member account: one of another municipality is refused by the service ("other_municipality").
    payee = get_object_or_404(PointsAccount.objects.filter(kind=AccountKind.MEMBER), pk=payload.payee_account_id)
    tx = services.transfer(payer=payer, payee=payee, minutes=payload.minutes, by=request.user, office=True,
                           memo=payload.memo)
    return 201, {"transaction_id": tx.pk, "kind": tx.kind, "minutes": payload.minutes}


# --- administrators -----------------------------------------------------------------------------------


def _scheme(request, scheme_id):
    _require(request, "points.manage")
    return get_object_or_404(selectors.schemes_managed(request.user), pk=scheme_id)


@router.get("/points/schemes", response=responses(200, list[SchemeOut]), summary="Schemes I manage, with liabilities")
def list_schemes(request):
    _require(request, "points.manage")
    out = []
    for s in selectors.schemes_managed(request.user):
        li = selectors.liabilities(s)
        out.append({"id": s.pk, "municipality_id": s.municipality_id, "name": s.name, "kind": s.kind,
                    "outstanding": li["outstanding"], "held": li["held"], "members": li["members"]})
    return out


@router.get("/points/schemes/{scheme_id}/report", response=responses(200, ReportOut),
            summary="Credits and redemptions by month and area for a fiscal year")
def scheme_report(request, scheme_id: int, fiscal_year: int | None = None):
    scheme = _scheme(request, scheme_id)
    import django.utils.timezone as tz

    fy = fiscal_year or services.fiscal_year_of(tz.localdate())
    fy = min(max(fy, 2000), 2100)
    rows = selectors.by_month_and_area(scheme, dt.date(fy, 4, 1), dt.date(fy + 1, 3, 31))
    return {"scheme_id": scheme.pk, "fiscal_year": fy, "outstanding": selectors.liabilities(scheme)["outstanding"],
            "rows": rows}


@router.post("/points/schemes/{scheme_id}/rules", response=responses(201, PointsRuleOut),
             summary="A new version of an earning rule")
def set_rule(request, scheme_id: int, payload: PointsRuleIn):
    scheme = _scheme(request, scheme_id)
    rule = services.rule_set(scheme=scheme, by=request.user, **payload.dict())
    return 201, {"id": rule.pk, "activity": rule.activity, "category": rule.category, "valid_from": rule.valid_from,
                 "points": rule.points, "per_minutes": rule.per_minutes, "min_minutes": rule.min_minutes}


@router.post("/points/schemes/{scheme_id}/terms", response=responses(201, TermsOut),
             summary="A new version of the scheme's terms (caps, expiry, redemption)")
def set_terms(request, scheme_id: int, payload: TermsIn):
    scheme = _scheme(request, scheme_id)
    t = services.terms_set(scheme=scheme, by=request.user, **payload.dict())
    return 201, {"id": t.pk, "valid_from": t.valid_from, "daily_cap": t.daily_cap, "yearly_cap": t.yearly_cap,
                 "year_basis": t.year_basis, "needs_confirmation": t.needs_confirmation,
                 "expiry_years": t.expiry_years, "min_redemption": t.min_redemption,
                 "redemption_months": t.redemption_months}


@router.get("/points/redemptions", response=responses(200, list[RedemptionOut]),
            summary="Redemptions waiting for approval")
def pending_redemptions(request):
    _require(request, "points.manage")
    return [_redemption_out(r) for r in selectors.pending_redemptions(request.user)[:500]]


@router.post("/points/redemptions/{redemption_id}/pay", response=responses(200, RedemptionOut),
             summary="Approve: paid out, with the finance office's reference")
def pay_redemption(request, redemption_id: int, payload: PayIn):
    _require(request, "points.manage")
    r = get_object_or_404(selectors.redemptions_for_staff(request.user), pk=redemption_id)
    return _redemption_out(services.redemption_pay(r, by=request.user, finance_reference=payload.finance_reference))


@router.post("/points/redemptions/{redemption_id}/refuse", response=responses(200, RedemptionOut),
             summary="Refuse: the held points go back to the member")
def refuse_redemption(request, redemption_id: int, payload: RefuseIn):
    _require(request, "points.manage")
    r = get_object_or_404(selectors.redemptions_for_staff(request.user), pk=redemption_id)
    return _redemption_out(services.redemption_refuse(r, by=request.user, reason=payload.reason))
