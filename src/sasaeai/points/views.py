"""Pages of the points app. Thin: parse, authorise (through selectors), call a service,
render. Refusals from services become a message on the page, never a half-done change."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sasaeai.core.pages import attempt

from . import exports, selectors, services
from .forms import (
    ActivityCreditForm,
    CreditChoiceForm,
    OfficeExchangeForm,
    OptionForm,
    PayForm,
    RedeemForm,
    RefuseForm,
    RuleForm,
    SchemeForm,
    TermsForm,
    TransferForm,
)
from .models import AccountKind, PointsAccount, SchemeKind


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, e)


def _require(request, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


# --- members ----------------------------------------------------------------------------------------


@login_required
def mine(request):
    """ポイント: balance, pending credits, expiry dates and history of each of my accounts."""
    today = timezone.localdate()
    for scheme in selectors.schemes_for_member(request.user).filter(kind=SchemeKind.TIME_BANK):
        # A time bank opens the member's account (with any starting credit) on first visit.
        from .ledger import member_account

        member_account(scheme, request.user)
    cards = []
    for acct in selectors.own_accounts(request.user).order_by("scheme_id"):
        cards.append({
            "account": acct, "pending": list(selectors.pending_of(acct)[:20]),
            "expiring": selectors.expiring(acct, today)[:5], "history": list(selectors.history(acct)[:30]),
            "redemptions": list(acct.redemptions.select_related("option")[:10]),
            "can_redeem": acct.scheme.options.filter(active=True).exists(),
            "is_time_bank": acct.scheme.is_time_bank,
        })
    return render(request, "points/mine.html", {"cards": cards, "year": today.year})


def _own_account(request, pk) -> PointsAccount:
    return get_object_or_404(selectors.own_accounts(request.user), pk=pk)


@login_required
def redeem(request, pk):
    """交換申請 (a helper redeems points for vouchers, e-money or a donation)."""
    acct = _own_account(request, pk)
    options = list(acct.scheme.options.filter(active=True))
    form = RedeemForm(request.POST or None, options=options)
    if request.method == "POST":
        if form.is_valid():
            option = next(o for o in options if o.pk == form.cleaned_data["option"])
            ok, _r = attempt(request, lambda: services.redemption_request(
                account=acct, option=option, points=form.cleaned_data["points"], by=request.user),
                _("Your redemption request was sent. The points are held until it is approved."))
            if ok:
                return redirect("points:mine")
        else:
            _form_errors(request, form)
    terms = services.terms_on(acct.scheme, timezone.localdate())
    return render(request, "points/redeem.html", {"account": acct, "form": form, "terms": terms})


@login_required
def transfer(request, pk):
    """時間預託: pay the helper of a completed visit in time credit."""
    from sasaeai.requests.models import Booking, BookingStatus
    from sasaeai.requests.selectors import own_requests

    acct = _own_account(request, pk)
    if not acct.scheme.is_time_bank:
        raise Http404
    bookings = list(Booking.objects.filter(request__in=own_requests(request.user), status=BookingStatus.COMPLETED,
                                           municipality_id=acct.municipality_id)
                    .select_related("request", "helper__user").order_by("-starts_at")[:30])
    form = TransferForm(request.POST or None, bookings=bookings)
    if request.method == "POST":
        if form.is_valid():
            booking = next(b for b in bookings if b.pk == form.cleaned_data["booking"])
            from .ledger import member_account

            payee = member_account(acct.scheme, booking.helper.user, area=booking.helper.area)
            ok, _r = attempt(request, lambda: services.transfer(
                payer=acct, payee=payee, minutes=form.cleaned_data["minutes"], by=request.user, booking=booking),
                _("The time was paid."))
            if ok:
                return redirect("points:mine")
        else:
            _form_errors(request, form)
    return render(request, "points/transfer.html", {"account": acct, "form": form, "bookings": bookings})


@login_required
def statement(request, pk, year):
    """年間明細 (PDF): the member's own, or any member's for the scheme's administrator."""
    acct = PointsAccount.objects.filter(kind=AccountKind.MEMBER, pk=pk).select_related("scheme", "owner").first()
    if acct is None:
        raise Http404
    if acct.owner_id != request.user.pk and not selectors.schemes_managed(request.user).filter(
            pk=acct.scheme_id).exists():
        raise Http404
    if not 2000 <= year <= 2100:
        raise Http404
    pdf = exports.statement_pdf(selectors.statement(acct, year))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="points-statement-{year}-{acct.pk}.pdf"'
    return response


# --- coordinators -----------------------------------------------------------------------------------


@login_required
def pending(request):
    """確認待ち: a coordinator confirms or rejects pending credits in bulk."""
    _require(request, "points.coordinate")
    qs = selectors.pending_credits(request.user)
    credits = list(qs[:200])
    if request.method == "POST":
        form = CreditChoiceForm(request.POST, credits=credits)
        if form.is_valid():
            ids = form.cleaned_data["credits"]
            if form.cleaned_data["action"] == "confirm":
                ok, done = attempt(request, lambda: services.confirm_credits(ids, by=request.user, allowed=qs))
                if ok:
                    messages.success(request, _("%(n)s credits confirmed.") % {"n": len(done)})
            else:
                ok, done = attempt(request, lambda: services.reject_credits(ids, by=request.user, allowed=qs))
                if ok:
                    messages.success(request, _("%(n)s credits rejected.") % {"n": len(done)})
        else:
            _form_errors(request, form)
        return redirect("points:pending")
    return render(request, "points/pending.html", {"credits": credits, "total": qs.count()})


@login_required
def office(request):
    """事務局モード: record exchanges from paper lists (time bank) and event or training credits."""
    _require(request, "points.coordinate")
    schemes = list(selectors.schemes_coordinated(request.user).filter(active=True))
    chosen = next((s for s in schemes if str(s.pk) == request.GET.get("scheme", request.POST.get("scheme", ""))),
                  schemes[0] if schemes else None)
    accounts = list(selectors.member_accounts_for_staff(request.user, chosen)) if chosen else []
    members = _members_of(request.user, chosen) if chosen else []
    exchange = OfficeExchangeForm(accounts=accounts)
    activity = ActivityCreditForm(members=members, initial={"day": timezone.localdate(), "minutes": 60})
    if request.method == "POST" and chosen is not None:
        if request.POST.get("action") == "exchange":
            exchange = OfficeExchangeForm(request.POST, accounts=accounts)
            if exchange.is_valid():
                by_pk = {a.pk: a for a in accounts}
                d = exchange.cleaned_data
                ok, _r = attempt(request, lambda: services.transfer(
                    payer=by_pk[d["payer"]], payee=by_pk[d["payee"]], minutes=d["minutes"], by=request.user,
                    memo=d["memo"], office=True), _("The exchange was recorded."))
                if ok:
                    return redirect(f"{request.path}?scheme={chosen.pk}")
            else:
                _form_errors(request, exchange)
        else:
            activity = ActivityCreditForm(request.POST, members=members)
            if activity.is_valid():
                d = activity.cleaned_data
                user = next(u for u in members if u.pk == d["member"])
                ok, _r = attempt(request, lambda: services.credit_activity(
                    scheme=chosen, user=user, activity=d["activity"], minutes=d["minutes"], day=d["day"],
                    reference=d["reference"], by=request.user), _("The activity was recorded."))
                if ok:
                    return redirect(f"{request.path}?scheme={chosen.pk}")
            else:
                _form_errors(request, activity)
    return render(request, "points/office.html", {"schemes": schemes, "scheme": chosen, "accounts": accounts,
                                                  "exchange": exchange, "activity": activity})


def _members_of(user, scheme):
    """Helpers of the areas the coordinator covers (they can be credited for events)."""
    from sasaeai.accounts.models import User
    from sasaeai.helpers.models import HelperProfile

    profiles = selectors._area_scope(HelperProfile.objects.filter(municipality_id=scheme.municipality_id), user,
                                     selectors.COORDINATING_ROLES)
    return list(User.objects.filter(helper_profile__in=profiles).order_by("display_name")[:500])


# --- administrators ---------------------------------------------------------------------------------


@login_required
def schemes(request):
    """制度の一覧: schemes of my municipality with their liabilities; a new scheme."""
    _require(request, "points.manage")
    managed = list(selectors.schemes_managed(request.user))
    form = SchemeForm(request.POST or None)
    if request.method == "POST":
        from sasaeai.tenancy.selectors import managed_municipalities

        raw = request.POST.get("municipality", "")
        managed_m = managed_municipalities(request.user)
        municipality = (managed_m.filter(pk=int(raw)).first() if raw.isdigit() else None) or managed_m.first()
        if form.is_valid() and municipality is not None:
            ok, scheme = attempt(request, lambda: services.scheme_create(
                municipality=municipality, name=form.cleaned_data["name"], kind=form.cleaned_data["kind"],
                by=request.user), _("The scheme was created."))
            if ok:
                return redirect("points:scheme", scheme.pk)
        else:
            _form_errors(request, form)
    rows = [{"scheme": s, "liabilities": selectors.liabilities(s)} for s in managed]
    return render(request, "points/schemes.html", {"rows": rows, "form": form,
                                                   "pending_redemptions": selectors.pending_redemptions(
                                                       request.user).count()})


def _managed_scheme(request, pk):
    _require(request, "points.manage")
    return get_object_or_404(selectors.schemes_managed(request.user), pk=pk)


@login_required
def scheme(request, pk):
    """制度の設定と集計: terms and rules (versioned by date), options, liabilities, credits and
    redemptions by month and area for a fiscal year."""
    obj = _managed_scheme(request, pk)
    today = timezone.localdate()
    current = services.terms_on(obj, today)
    terms_initial = ({f: getattr(current, f) for f in TermsForm.base_fields if hasattr(current, f)}
                     if current else {"daily_cap": 0, "yearly_cap": 0, "min_age": 0, "expiry_years": 1,
                                      "min_redemption": 0, "starting_credit": 0, "needs_confirmation": True})
    terms_initial["valid_from"] = today
    forms_ = {"terms": TermsForm(initial=terms_initial), "rule": RuleForm(initial={"valid_from": today}),
              "option": OptionForm(initial={"yen_per_point": 1})}
    if request.method == "POST":
        action = request.POST.get("action")
        if action in forms_:
            form = type(forms_[action])(request.POST)
            forms_[action] = form
            if form.is_valid():
                d = dict(form.cleaned_data)
                if action == "terms":
                    call = lambda: services.terms_set(scheme=obj, by=request.user, **d)  # noqa: E731
                elif action == "rule":
                    call = lambda: services.rule_set(scheme=obj, by=request.user, **d)  # noqa: E731
                else:
                    call = lambda: services.option_set(scheme=obj, **d)  # noqa: E731
                ok, _r = attempt(request, call, _("Saved."))
                if ok:
                    return redirect("points:scheme", obj.pk)
            else:
                _form_errors(request, form)
    try:
        fy = int(request.GET.get("fy", services.fiscal_year_of(today)))
    except ValueError:
        fy = services.fiscal_year_of(today)
    fy = min(max(fy, 2000), 2100)
    start, end = dt.date(fy, 4, 1), dt.date(fy + 1, 3, 31)
    return render(request, "points/scheme.html", {
        "scheme": obj, "terms": obj.terms.all()[:10], "rules": obj.rules.all()[:50], "options": obj.options.all(),
        "forms": forms_, "liabilities": selectors.liabilities(obj), "fy": fy,
        "report": selectors.by_month_and_area(obj, start, end), "totals": selectors.totals_by_kind(obj, start, end),
        "members": selectors.member_accounts_for_staff(request.user, obj)[:50], "year": today.year,
    })


@login_required
def redemptions(request):
    """交換申請の承認: approve (paid out with the finance reference) or refuse."""
    _require(request, "points.manage")
    qs = selectors.redemptions_for_staff(request.user)
    if request.method == "POST":
        raw = request.POST.get("redemption", "")
        r = get_object_or_404(qs, pk=int(raw) if raw.isdigit() else 0)
        if request.POST.get("action") == "pay":
            form = PayForm(request.POST)
            if form.is_valid():
                attempt(request, lambda: services.redemption_pay(
                    r, by=request.user, finance_reference=form.cleaned_data["finance_reference"]),
                    _("Marked as paid out."))
            else:
                _form_errors(request, form)
        else:
            form = RefuseForm(request.POST)
            if form.is_valid():
                attempt(request, lambda: services.redemption_refuse(r, by=request.user,
                                                                     reason=form.cleaned_data["reason"]),
                         _("The redemption was refused; the points went back to the member."))
            else:
                _form_errors(request, form)
        return redirect("points:redemptions")
    return render(request, "points/redemptions.html", {
        "pending": list(selectors.pending_redemptions(request.user)[:200]),
        "decided": list(qs.exclude(status="requested")[:50])})


@login_required
def finance(request, pk, fy):
    """財務向け出力 (Excel): redemptions and liabilities of a fiscal year."""
    obj = _managed_scheme(request, pk)
    if not 2000 <= fy <= 2100:
        raise Http404
    data = exports.finance_xlsx(obj, fy)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="points-finance-{obj.pk}-FY{fy}.xlsx"'
    return response


@require_POST
@login_required
def reverse_credit(request, pk):
    """訂正: the administrator takes back a confirmed credit (reversing transaction)."""
    _require(request, "points.manage")
    from .models import Credit

    credit = get_object_or_404(Credit.objects.filter(scheme__in=selectors.schemes_managed(request.user)), pk=pk)
    attempt(request, lambda: services.reverse_credit(credit, by=request.user), _("The credit was reversed."))
    return redirect("points:scheme", credit.scheme_id)
