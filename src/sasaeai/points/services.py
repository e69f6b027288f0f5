"""Every write of the points app. Each public function is one transaction: it validates
first, writes everything or nothing, and raises `ValidationError` (with a stable `code`).
Ledger changes go through `ledger.post` (balanced, row-locked, append-only); a credit is
written once per source event (`Credit.source_key` and `LedgerTransaction.idempotency_key`
are unique in the database)."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from . import ledger
from .models import (
    AccountKind,
    ActivityKind,
    Credit,
    CreditStatus,
    EarningRule,
    PointsAccount,
    Redemption,
    RedemptionOption,
    RedemptionStatus,
    Scheme,
    SchemeKind,
    SchemeTerms,
    TransactionKind,
    YearBasis,
)

logger = logging.getLogger("sasaeai.points")

#: Statuses whose amount counts against the caps.
COUNTED = (CreditStatus.PENDING, CreditStatus.CONFIRMED)


def _field_error(field: str, message, code: str) -> ValidationError:
    """A refusal about one input field that still carries its stable `code`."""
    exc = ValidationError({field: ValidationError(message, code=code)})
    exc.code = code
    return exc


# --- terms and rules --------------------------------------------------------------------------


def terms_on(scheme: Scheme, day: dt.date) -> SchemeTerms | None:
    """The terms in force on `day` (latest `valid_from` ≤ day)."""
    return scheme.terms.filter(valid_from__lte=day).order_by("-valid_from").first()


def rule_for(scheme: Scheme, activity: str, category: str, day: dt.date) -> EarningRule | None:
    """The rule in force on `day`: the category's own rule wins over the all-categories one."""
    qs = scheme.rules.filter(activity=activity, valid_from__lte=day).filter(Q(category=category) | Q(category=""))
    best = None
    for rule in qs.order_by("-valid_from"):
        if best is None or (rule.category and not best.category and rule.valid_from >= best.valid_from) \
                or (rule.category == best.category and rule.valid_from > best.valid_from):
            best = rule
    return best if best is not None and best.active else None


def year_bounds(day: dt.date, basis: str) -> tuple[dt.date, dt.date]:
    """First and last day of the cap's year holding `day`."""
    if basis == YearBasis.CALENDAR:
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    start_year = day.year if day.month >= 4 else day.year - 1
    return dt.date(start_year, 4, 1), dt.date(start_year + 1, 3, 31)


def fiscal_year_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def _positive(value, field: str, *, allow_zero=True) -> int:
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise _field_error(field, _("Enter a whole number."), "invalid_number") from None
    if n < 0 or (n == 0 and not allow_zero):
        raise _field_error(field, _("The amount must not be negative.") if n < 0 else
                           _("The amount must be at least 1."), "negative_amount")
    return n


@transaction.atomic
def scheme_create(*, municipality, name: str, kind: str = SchemeKind.VOLUNTEER_POINTS, by=None) -> Scheme:
    name = (name or "").strip()
    if not name:
        raise _field_error("name", _("Give the scheme a name."), "required")
    if kind not in SchemeKind.values:
        raise _field_error("kind", _("Choose a kind of scheme."), "invalid_kind")
    if Scheme.objects.filter(municipality=municipality, name=name).exists():
        raise _field_error("name", _("A scheme with this name already exists."), "duplicate")
    scheme = Scheme.objects.create(municipality=municipality, name=name, kind=kind)
    for k in (AccountKind.ISSUER, AccountKind.HELD, AccountKind.REDEEMED, AccountKind.EXPIRED):
        ledger.system_account(scheme, k)
    return scheme


def _smallest_activity(scheme: Scheme, day: dt.date) -> int:
    """The fewest points one activity can earn under the scheme's active rules."""
    return scheme.rules.filter(active=True).aggregate(m=models.Min("points"))["m"] or 0


def _check_caps(scheme, daily_cap: int, yearly_cap: int, one_activity: int) -> None:
    if one_activity and daily_cap and daily_cap < one_activity:
        raise _field_error("daily_cap", _("The daily cap is below the points of one activity (%(n)s).")
                           % {"n": one_activity}, "cap_below_activity")
    if one_activity and yearly_cap and yearly_cap < one_activity:
        raise _field_error("yearly_cap", _("The yearly cap is below the points of one activity (%(n)s).")
                           % {"n": one_activity}, "cap_below_activity")
    if daily_cap and yearly_cap and yearly_cap < daily_cap:
        raise _field_error("yearly_cap", _("The yearly cap is below the daily cap."), "cap_below_activity")


@transaction.atomic
def terms_set(*, scheme: Scheme, valid_from: dt.date, by=None, **values) -> SchemeTerms:
    """A new version of the scheme's terms from `valid_from` (or a change of the version that
    starts that same day). Earlier credits keep the terms they were made under."""
    ints = {}
    for field in ("daily_cap", "yearly_cap", "min_age", "expiry_years", "min_redemption", "starting_credit"):
        if field in values:
            ints[field] = _positive(values.pop(field), field)
    months = values.pop("redemption_months", None)
    if months is not None:
        try:
            months = sorted({int(m) for m in months})
        except (TypeError, ValueError):
            raise _field_error("redemption_months", _("Months are numbers from 1 to 12."),
                               "invalid_months") from None
        if any(m < 1 or m > 12 for m in months):
            raise _field_error("redemption_months", _("Months are numbers from 1 to 12."), "invalid_months")
        ints["redemption_months"] = months
    if values.get("year_basis", YearBasis.FISCAL) not in YearBasis.values:
        raise _field_error("year_basis", _("Choose the cap's year."), "invalid_choice")
    current = terms_on(scheme, valid_from)
    data = {f.name: getattr(current, f.name) for f in SchemeTerms._meta.concrete_fields
            if current is not None and f.name not in ("id", "scheme", "valid_from", "created_by", "created_at")}
    data.update(values)
    data.update(ints)
    _check_caps(scheme, data.get("daily_cap", 0), data.get("yearly_cap", 0), _smallest_activity(scheme, valid_from))
    terms, _created = SchemeTerms.objects.update_or_create(scheme=scheme, valid_from=valid_from,
                                                           defaults={**data, "created_by": by})
    return terms


@transaction.atomic
def rule_set(*, scheme: Scheme, activity: str, valid_from: dt.date, points, category: str = "",
             per_minutes=0, min_minutes=0, active: bool = True, by=None) -> EarningRule:
    """A new version of an earning rule from `valid_from`."""
    if activity not in ActivityKind.values:
        raise _field_error("activity", _("Choose an activity."), "invalid_choice")
    points = _positive(points, "points", allow_zero=False)
    per_minutes = _positive(per_minutes, "per_minutes")
    if per_minutes not in (0, 30, 60):
        raise _field_error("per_minutes", _("Points are given per activity, per 30 or per 60 minutes."),
                           "invalid_choice")
    min_minutes = _positive(min_minutes, "min_minutes")
    terms = terms_on(scheme, valid_from)
    if terms is not None:
        _check_caps(scheme, terms.daily_cap, terms.yearly_cap, points)
    rule, _created = EarningRule.objects.update_or_create(
        scheme=scheme, activity=activity, category=category or "", valid_from=valid_from,
        defaults={"points": points, "per_minutes": per_minutes, "min_minutes": min_minutes, "active": active,
                  "created_by": by})
    return rule


@transaction.atomic
def option_set(*, scheme: Scheme, kind: str, name: str, yen_per_point, active: bool = True,
               option: RedemptionOption | None = None) -> RedemptionOption:
    rate = _positive(yen_per_point, "yen_per_point", allow_zero=False)
    if not (name or "").strip():
        raise _field_error("name", _("Give the option a name."), "required")
    if option is None:
        return RedemptionOption.objects.create(scheme=scheme, kind=kind, name=name.strip(), yen_per_point=rate,
                                               active=active)
    option.kind, option.name, option.yen_per_point, option.active = kind, name.strip(), rate, active
    option.save()
    return option


# --- earning ------------------------------------------------------------------------------------


def _expires_on(terms: SchemeTerms | None, day: dt.date) -> dt.date | None:
    if terms is None or not terms.expiry_years:
        return None
    return dt.date(day.year + terms.expiry_years, 12, 31)


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _eligibility(terms: SchemeTerms, user, helper_profile, municipality_id: int, day: dt.date) -> str:
    """'' when the member may earn, else the reason code."""
    if terms.registered_helpers_only and (helper_profile is None or not helper_profile.is_identity_verified):
        return "not_registered_helper"
    if terms.residents_only and (helper_profile is None or helper_profile.municipality_id != municipality_id):
        return "not_resident"
    if terms.min_age and user.birth_date:
        on = dt.date(fiscal_year_of(day), 4, 1) if terms.age_reference == SchemeTerms.AgeReference.APRIL_1 else day
        if _age(user.birth_date, on) < terms.min_age:
            return "under_age"
    return ""


def _used(account: PointsAccount, start: dt.date, end: dt.date) -> int:
    return (Credit.objects.filter(account=account, status__in=COUNTED, earned_on__gte=start, earned_on__lte=end)
            .aggregate(s=Sum("amount"))["s"] or 0)


def _credit(*, scheme: Scheme, user, helper_profile, area, activity: str, category: str, minutes: int,
            day: dt.date, source_key: str, booking=None, by=None) -> Credit:
    existing = Credit.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    terms = terms_on(scheme, day)
    rule = rule_for(scheme, activity, category, day)
    if terms is None or rule is None:
        raise ValidationError(_("This activity earns no points in this scheme."), code="no_rule")
    requested = rule.amount_for(minutes)
    account = ledger.member_account(scheme, user, area=area)
    # Lock the member's account: two credits of the same day must not both pass the cap check.
    account = PointsAccount.objects.select_for_update().get(pk=account.pk)
    existing = Credit.objects.filter(source_key=source_key).first()  # a concurrent worker won
    if existing is not None:
        return existing
    amount, reason = requested, ""
    if requested == 0:
        reason = "too_short"
    reason = reason or _eligibility(terms, user, helper_profile, scheme.municipality_id, day)
    if reason:
        amount = 0
    if amount and terms.daily_cap:
        room = max(0, terms.daily_cap - _used(account, day, day))
        if room < amount:
            amount, reason = room, "daily_cap"
    if amount and terms.yearly_cap:
        room = max(0, terms.yearly_cap - _used(account, *year_bounds(day, terms.year_basis)))
        if room < amount:
            amount, reason = room, "yearly_cap"
    credit = Credit(scheme=scheme, account=account, municipality_id=scheme.municipality_id, area=area,
                    activity=activity, source_key=source_key, booking=booking, rule=rule, earned_on=day,
                    minutes=minutes, requested=requested, amount=amount, refused_amount=requested - amount,
                    refused_reason=reason, expires_on=_expires_on(terms, day),
                    status=CreditStatus.PENDING if amount else CreditStatus.REFUSED)
    try:
        with transaction.atomic():
            credit.save()
    except IntegrityError:
        return Credit.objects.get(source_key=source_key)
    if amount and not terms.needs_confirmation:
        _confirm(credit, by=None)
    return credit


def booking_source_key(booking, scheme) -> str:
    return f"booking:{booking.pk}:scheme:{scheme.pk}"


def credit_booking(booking) -> list[Credit]:
    """Credit the booked helper for a completed visit in each volunteer-points scheme of the
    municipality. Idempotent: a retry, a double submit or a concurrent worker returns the
    credit already made. A cancelled (or not completed) booking is refused."""
    from sasaeai.requests.models import Booking, BookingStatus

    with transaction.atomic():
        booking = Booking.objects.select_related("request", "helper__user").get(pk=booking.pk)
        if booking.status in (BookingStatus.CANCELLED, BookingStatus.NO_SHOW):
            raise ValidationError(_("A cancelled visit earns no points."), code="booking_cancelled")
        if booking.status != BookingStatus.COMPLETED or booking.completed_at is None:
            raise ValidationError(_("Points are credited when the visit is completed."), code="booking_not_completed")
        out = []
        day = timezone.localdate(booking.completed_at)
        for scheme in Scheme.objects.filter(municipality_id=booking.municipality_id, active=True,
                                            kind=SchemeKind.VOLUNTEER_POINTS).order_by("pk"):
            if rule_for(scheme, ActivityKind.BOOKING, booking.request.category, day) is None:
                continue
            out.append(_credit(scheme=scheme, user=booking.helper.user, helper_profile=booking.helper,
                               area=booking.helper.area or booking.request.area, activity=ActivityKind.BOOKING,
                               category=booking.request.category, minutes=booking.request.duration_minutes,
                               day=day, source_key=booking_source_key(booking, scheme), booking=booking))
        return out


@transaction.atomic
def credit_activity(*, scheme: Scheme, user, activity: str, minutes: int, day: dt.date, reference: str,
                    by) -> Credit:
    """An event, salon, trial or training recorded by staff (記録): one credit per reference."""
    from sasaeai.helpers.models import HelperProfile

    if activity == ActivityKind.BOOKING:
        raise ValidationError(_("Visits are credited when they are completed."), code="invalid_choice")
    reference = (reference or "").strip()
    if not reference:
        raise _field_error("reference", _("Give the event or course a reference."), "required")
    profile = HelperProfile.objects.filter(user=user).first()
    return _credit(scheme=scheme, user=user, helper_profile=profile, area=getattr(profile, "area", None),
                   activity=activity, category="", minutes=_positive(minutes, "minutes"), day=day,
                   source_key=f"{activity}:{scheme.pk}:{user.pk}:{reference}", by=by)


def _confirm(credit: Credit, *, by) -> Credit:
    issuer = ledger.system_account(credit.scheme, AccountKind.ISSUER)
    tx = ledger.post(scheme=credit.scheme, kind=TransactionKind.EARN,
                     lines=[(issuer, -credit.amount), (credit.account, credit.amount)],
                     idempotency_key=f"credit:{credit.pk}", booking=credit.booking, by=by,
                     booked_on=credit.earned_on)
    credit.status, credit.transaction, credit.decided_by, credit.decided_at = (
        CreditStatus.CONFIRMED, tx, by, timezone.now())
    credit.save(update_fields=["status", "transaction", "decided_by", "decided_at"])
    return credit


def _lock_pending(credit_ids) -> list[Credit]:
    ids = sorted({int(i) for i in credit_ids})
    if not ids:
        raise ValidationError(_("Choose at least one credit."), code="required")
    credits = list(Credit.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if len(credits) != len(ids):
        raise ValidationError(_("Some of the chosen credits do not exist."), code="not_found")
    decided = [c for c in credits if c.status != CreditStatus.PENDING]
    if decided:
        raise ValidationError(_("A credit was already decided: it cannot be confirmed or rejected again."),
                              code="already_decided")
    return credits


@transaction.atomic
def confirm_credits(credit_ids, *, by, allowed=None) -> list[Credit]:
    """確認: confirm pending credits (all or none). `allowed` is the queryset the user may act
    on (the view's selector); an id outside it is 'not found'."""
    if allowed is not None and allowed.filter(pk__in=list(credit_ids)).count() != len(set(credit_ids)):
        raise ValidationError(_("Some of the chosen credits do not exist."), code="not_found")
    return [_confirm(c, by=by) for c in _lock_pending(credit_ids)]


@transaction.atomic
def reject_credits(credit_ids, *, by, allowed=None) -> list[Credit]:
    if allowed is not None and allowed.filter(pk__in=list(credit_ids)).count() != len(set(credit_ids)):
        raise ValidationError(_("Some of the chosen credits do not exist."), code="not_found")
    out = []
    for c in _lock_pending(credit_ids):
        c.status, c.decided_by, c.decided_at = CreditStatus.REJECTED, by, timezone.now()
        c.save(update_fields=["status", "decided_by", "decided_at"])
        out.append(c)
    return out


@transaction.atomic
def reverse_credit(credit: Credit, *, by, memo: str = "") -> Credit:
    """訂正: take back a confirmed credit with a reversing transaction (refused when the points
    were already spent)."""
    credit = Credit.objects.select_for_update().get(pk=credit.pk)
    if credit.status != CreditStatus.CONFIRMED:
        raise ValidationError(_("Only a confirmed credit can be reversed."), code="not_confirmed")
    ledger.reverse(credit.transaction, by=by, memo=memo)
    credit.status = CreditStatus.REVERSED
    credit.save(update_fields=["status"])
    return credit


# --- redemption ---------------------------------------------------------------------------------


@transaction.atomic
def redemption_request(*, account: PointsAccount, option: RedemptionOption, points, by,
                       today: dt.date | None = None) -> Redemption:
    """交換申請: hold the points (member → held) until staff pay out or refuse."""
    today = today or timezone.localdate()
    points = _positive(points, "points", allow_zero=False)
    if account.kind != AccountKind.MEMBER or option.scheme_id != account.scheme_id or not option.active:
        raise _field_error("option", _("Choose one of the scheme's options."), "invalid_option")
    scheme = account.scheme
    terms = terms_on(scheme, today)
    if terms is None:
        raise ValidationError(_("This scheme does not accept redemptions yet."), code="no_terms")
    if terms.min_redemption and points < terms.min_redemption:
        raise _field_error("points", _("At least %(n)s points can be redeemed at a time.")
                           % {"n": terms.min_redemption}, "below_minimum")
    if terms.redemption_months and today.month not in terms.redemption_months:
        months = ", ".join(str(m) for m in terms.redemption_months)
        raise ValidationError(_("Redemption is open only in these months: %(months)s.") % {"months": months},
                              code="outside_window")
    held = ledger.system_account(scheme, AccountKind.HELD)
    tx = ledger.post(scheme=scheme, kind=TransactionKind.HOLD, lines=[(account, -points), (held, points)], by=by)
    return Redemption.objects.create(scheme=scheme, account=account, municipality_id=scheme.municipality_id,
                                     option=option, points=points, value_yen=points * option.yen_per_point,
                                     hold=tx, requested_by=by)


def _lock_requested(redemption: Redemption) -> Redemption:
    redemption = Redemption.objects.select_for_update().select_related("scheme", "account").get(pk=redemption.pk)
    if redemption.status != RedemptionStatus.REQUESTED:
        raise ValidationError(_("This redemption was already decided."), code="already_decided")
    return redemption


@transaction.atomic
def redemption_pay(redemption: Redemption, *, by, finance_reference: str) -> Redemption:
    """支払済: the finance office paid; the held points leave for the redeemed account."""
    reference = (finance_reference or "").strip()
    if not reference:
        raise _field_error("finance_reference", _("Enter the finance office's reference."), "required")
    r = _lock_requested(redemption)
    scheme = r.scheme
    r.settlement = ledger.post(scheme=scheme, kind=TransactionKind.PAY_OUT, by=by, memo=reference,
                               lines=[(ledger.system_account(scheme, AccountKind.HELD), -r.points),
                                      (ledger.system_account(scheme, AccountKind.REDEEMED), r.points)])
    r.status, r.finance_reference, r.decided_by, r.decided_at = (RedemptionStatus.PAID, reference[:60], by,
                                                                 timezone.now())
    r.save(update_fields=["settlement", "status", "finance_reference", "decided_by", "decided_at"])
    return r


@transaction.atomic
def redemption_refuse(redemption: Redemption, *, by, reason: str) -> Redemption:
    """不承認: the held points go back to the member."""
    reason = (reason or "").strip()
    if not reason:
        raise _field_error("reason", _("Say why the redemption is refused."), "required")
    r = _lock_requested(redemption)
    scheme = r.scheme
    r.settlement = ledger.post(scheme=scheme, kind=TransactionKind.RELEASE, by=by,
                               lines=[(ledger.system_account(scheme, AccountKind.HELD), -r.points),
                                      (r.account, r.points)])
    r.status, r.refusal_reason, r.decided_by, r.decided_at = RedemptionStatus.REFUSED, reason[:200], by, timezone.now()
    r.save(update_fields=["settlement", "status", "refusal_reason", "decided_by", "decided_at"])
    return r


# --- time bank ------------------------------------------------------------------------------------


@transaction.atomic
def transfer(*, payer: PointsAccount, payee: PointsAccount, minutes, by, booking=None, memo: str = "",
             office: bool = False) -> object:
    """時間の受け渡し: the payer gives `minutes` of time credit to the payee (time-bank schemes).
    After a completed booking (`booking`) the transfer is written once per booking; in office
    mode a coordinator records an exchange from a paper list (`office=True`)."""
    from sasaeai.requests.models import BookingStatus

    minutes = _positive(minutes, "minutes", allow_zero=False)
    if payer.municipality_id != payee.municipality_id or payer.scheme_id != payee.scheme_id:
        raise ValidationError(_("Both members must belong to the same municipality's time bank."),
                              code="other_municipality")
    if payer.pk == payee.pk:
        raise ValidationError(_("A member cannot pay themselves."), code="same_account")
    if payer.kind != AccountKind.MEMBER or payee.kind != AccountKind.MEMBER:
        raise ValidationError(_("Transfers are between members."), code="invalid_account")
    scheme = payer.scheme
    if scheme.kind != SchemeKind.TIME_BANK:
        raise ValidationError(_("Transfers between members are for time banks."), code="not_time_bank")
    key = None
    if booking is not None:
        if booking.status in (BookingStatus.CANCELLED, BookingStatus.NO_SHOW):
            raise ValidationError(_("A cancelled visit earns no points."), code="booking_cancelled")
        if booking.status != BookingStatus.COMPLETED:
            raise ValidationError(_("Time is paid when the visit is completed."), code="booking_not_completed")
        if booking.helper.user_id != payee.owner_id:
            raise ValidationError(_("Only the helper of the visit can be paid for it."), code="not_the_helper")
        key = f"timebank:booking:{booking.pk}"
    return ledger.post(scheme=scheme, kind=TransactionKind.OFFICE if office else TransactionKind.TRANSFER,
                       lines=[(payer, -minutes), (payee, minutes)], idempotency_key=key, booking=booking, by=by,
                       memo=memo)


# --- expiry -----------------------------------------------------------------------------------------


def _keep(account: PointsAccount, today: dt.date) -> int:
    """Points of the account that have not reached their expiry: credits still valid and every
    inflow that is not an earned credit (transfers in, starting credit). FIFO: what was spent
    came from the oldest points, so the balance above this is what expires."""
    from .models import LedgerEntry

    valid = (Credit.objects.filter(account=account, status=CreditStatus.CONFIRMED)
             .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today)).aggregate(s=Sum("amount"))["s"] or 0)
    inflow = (LedgerEntry.objects.filter(account=account, amount__gt=0, transaction__kind__in=[
        TransactionKind.TRANSFER, TransactionKind.OFFICE, TransactionKind.STARTING]).aggregate(s=Sum("amount"))["s"]
        or 0)
    return valid + inflow


def expire_due(today: dt.date | None = None) -> int:
    """期限切れ: move expired points (member → expired) as ledger transactions, one per account
    and day (idempotent). Run daily by `sasaeai run_monitors` (points/monitors.py)."""
    today = today or timezone.localdate()
    n = 0
    candidates = (Credit.objects.filter(status=CreditStatus.CONFIRMED, expires_on__lt=today, account__balance__gt=0)
                  .values_list("account_id", flat=True).distinct())
    for account_id in sorted(set(candidates)):
        with transaction.atomic():
            account = PointsAccount.objects.select_for_update().select_related("scheme").get(pk=account_id)
            due = account.balance - _keep(account, today)
            if due <= 0:
                continue
            ledger.post(scheme=account.scheme, kind=TransactionKind.EXPIRE, booked_on=today,
                        lines=[(account, -due), (ledger.system_account(account.scheme, AccountKind.EXPIRED), due)],
                        idempotency_key=f"expire:{account.pk}:{today.isoformat()}")
            n += 1
    return n


def credit_missed_bookings(since: dt.datetime | None = None) -> int:
    """A sweep for completed bookings whose credit was not written at completion (the handler
    failed, the scheme was set up later): credits them now, idempotently."""
    from sasaeai.requests.models import Booking, BookingStatus

    since = since or timezone.now() - dt.timedelta(days=7)
    municipalities = Scheme.objects.filter(active=True, kind=SchemeKind.VOLUNTEER_POINTS).values("municipality_id")
    todo = (Booking.objects.filter(status=BookingStatus.COMPLETED, completed_at__gte=since,
                                   municipality_id__in=municipalities)
            .exclude(point_credits__isnull=False).values_list("pk", flat=True))
    n = 0
    for pk in todo:
        try:
            n += len(credit_booking(Booking(pk=pk)))
        except ValidationError:
            continue
    return n


def event_help_source_key(event, person, scheme, activity: str) -> str:
    """The same key as `credit_activity(reference=f"event:{event.pk}")`: a manual record of
    the same help and the automatic credit cannot both be written."""
    return f"{activity}:{scheme.pk}:{person.pk}:event:{event.pk}"


def credit_event_help(attendance) -> list[Credit]:
    """Credit a person who helped run an event (signed up `as_helper`, recorded as attending) in
    each volunteer-points scheme of the event's municipality that has a rule for it: a trial
    volunteering event earns the `trial` rule, any other event the `event` rule. Minutes are the
    event's length. Idempotent by the credit's source key (event, person, scheme)."""
    from sasaeai.events.models import Attendance, EventType
    from sasaeai.helpers.models import HelperProfile

    with transaction.atomic():
        attendance = Attendance.objects.select_related("event", "person", "signup").get(pk=attendance.pk)
        event, person = attendance.event, attendance.person
        if event.cancelled_at is not None:
            raise ValidationError(_("A cancelled event earns no points."), code="event_cancelled")
        if attendance.signup is None or not attendance.signup.as_helper:
            raise ValidationError(_("Only helping to run an event earns points."), code="not_helping")
        activity = ActivityKind.TRIAL if event.event_type == EventType.TRIAL_VOLUNTEERING else ActivityKind.EVENT
        day = timezone.localdate(event.starts_at)
        minutes = max(1, int((event.ends_at - event.starts_at).total_seconds() // 60))
        profile = HelperProfile.objects.filter(user=person).first()
        out = []
        for scheme in Scheme.objects.filter(municipality_id=event.municipality_id, active=True,
                                            kind=SchemeKind.VOLUNTEER_POINTS).order_by("pk"):
            if rule_for(scheme, activity, "", day) is None:
                continue
            out.append(_credit(scheme=scheme, user=person, helper_profile=profile,
                               area=getattr(profile, "area", None) or event.area, activity=activity, category="",
                               minutes=minutes, day=day,
                               source_key=event_help_source_key(event, person, scheme, activity)))
        return out
