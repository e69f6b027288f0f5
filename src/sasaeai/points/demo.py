"""Demo points (deterministic, idempotent): a Yokohama-like volunteer-points scheme (200 points
per activity of 30 minutes or more, at most 200 a day and 8,000 a fiscal year, 1 point = 1 yen,
points expire on 31 December of the following year, confirmation by the SC) and a time bank
(starting credit 2 hours), with about two years of completed visits: earned, confirmed,
expired and redeemed points consistent with the bookings; the last two weeks wait for the SC.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from sasaeai.tenancy.models import Membership, Role

from . import ledger, services
from .models import (
    ActivityKind,
    Credit,
    CreditStatus,
    Redemption,
    RedemptionKind,
    Scheme,
    SchemeKind,
)

TOKYO = ZoneInfo("Asia/Tokyo")
#: Past visits written for the points history (beyond the requests demo's last three weeks).
HISTORY_VISITS = {"small": 220, "city": 440, "large": 880}
#: Back to the autumn two calendar years ago: the points of that year have expired by now.
HISTORY_DAYS = 820


def _scheme(town) -> Scheme:
    key = f"{town.municipality.code}:points"
    scheme = Scheme.objects.filter(demo_key=key).first()
    if scheme is not None:
        return scheme
    scheme = services.scheme_create(municipality=town.municipality, name="ささえシニアボランティアポイント")
    Scheme.objects.filter(pk=scheme.pk).update(demo_key=key)
    start = dt.date(2020, 4, 1)
    services.terms_set(scheme=scheme, valid_from=start, daily_cap=200, yearly_cap=8000, year_basis="fiscal",
                       min_age=0, needs_confirmation=True, expiry_years=1, min_redemption=200,
                       registered_helpers_only=True, residents_only=True)
    services.rule_set(scheme=scheme, activity=ActivityKind.BOOKING, valid_from=start, points=200, min_minutes=30)
    services.rule_set(scheme=scheme, activity=ActivityKind.EVENT, valid_from=start, points=200, min_minutes=30)
    services.rule_set(scheme=scheme, activity=ActivityKind.TRAINING, valid_from=start, points=200)
    services.option_set(scheme=scheme, kind=RedemptionKind.VOUCHER, name="ささえ市地域商品券", yen_per_point=1)
    services.option_set(scheme=scheme, kind=RedemptionKind.DONATION, name="地域の見守りの会へ寄付", yen_per_point=1)
    return Scheme.objects.get(pk=scheme.pk)


def _bank(town) -> Scheme:
    key = f"{town.municipality.code}:time_bank"
    scheme = Scheme.objects.filter(demo_key=key).first()
    if scheme is not None:
        return scheme
    scheme = services.scheme_create(municipality=town.municipality, name="ささえ時間預託", kind=SchemeKind.TIME_BANK)
    Scheme.objects.filter(pk=scheme.pk).update(demo_key=key)
    services.terms_set(scheme=scheme, valid_from=dt.date(2020, 4, 1), needs_confirmation=False, expiry_years=0,
                       starting_credit=120, registered_helpers_only=False, residents_only=True)
    return Scheme.objects.get(pk=scheme.pk)


def _history_bookings(town, rng, n: int) -> int:
    """Completed visits of the past ~27 months, written directly like the requests demo does."""
    from sasaeai.helpers.selectors import matchable_profiles
    from sasaeai.requests.models import Booking, BookingStatus, HelpRequest, RequestStatus
    from sasaeai.residents.models import Resident

    code = town.municipality.code
    helpers = list(matchable_profiles(town.municipality.pk).order_by("pk"))
    residents = list(Resident.objects.filter(municipality=town.municipality, demo_key__isnull=False).order_by("pk"))
    if not helpers or not residents:
        return 0
    online = [r for r in residents if r.user_id]
    existing = set(HelpRequest.objects.filter(demo_key__startswith=f"{code}:pt").values_list("demo_key", flat=True))
    today = timezone.localdate()
    made = 0
    with transaction.atomic():
        for i in range(n):
            key = f"{code}:pt{i}"
            helper = helpers[rng.randrange(min(len(helpers), 25))]  # a core of active helpers
            resident = residents[rng.randrange(len(residents))]
            if i % 10 == 0 and online:  # some visits for residents who are online (time bank)
                resident = online[rng.randrange(len(online))]
            day = today - dt.timedelta(days=22 + rng.randrange(HISTORY_DAYS))
            hour = rng.choice([9, 10, 13, 14, 15])
            duration = rng.choice([30, 60, 60, 90])
            if key in existing:
                continue
            starts = dt.datetime.combine(day, dt.time(hour), tzinfo=TOKYO)
            ends = starts + dt.timedelta(minutes=duration)
            req = HelpRequest.objects.create(
                municipality=town.municipality, area_id=resident.area_id, recipient=resident, entered_by="coordinator",
                category=rng.choice(helper.skills or ["housework"]), title="（記録）支援活動", starts_at=starts,
                duration_minutes=duration, status=RequestStatus.COMPLETED, payment_kind="points", demo_key=key)
            Booking.objects.create(request=req, helper=helper, municipality=town.municipality, starts_at=starts,
                                   ends_at=ends, status=BookingStatus.COMPLETED, checked_in_at=starts,
                                   checked_out_at=ends, completed_at=ends)
            made += 1
    return made


def seed(town) -> dict[str, int]:
    from sasaeai.requests.models import Booking, BookingStatus

    rng = town.rng("points.demo")
    counts = {"history_visits": 0, "credits": 0, "confirmed": 0, "expired_accounts": 0, "redemptions": 0,
              "time_transfers": 0}
    scheme, bank = _scheme(town), _bank(town)
    counts["history_visits"] = _history_bookings(town, rng, HISTORY_VISITS.get(town.scale, 220))
    today = timezone.localdate()
    bookings = (Booking.objects.filter(municipality=town.municipality, status=BookingStatus.COMPLETED)
                .exclude(point_credits__scheme=scheme).order_by("completed_at", "pk"))
    for b in bookings:
        counts["credits"] += len(services.credit_booking(b))
    # The SC confirmed everything older than two weeks (in the order it was earned).
    sc = (Membership.objects.filter(municipality=town.municipality, role=Role.COORDINATOR_L1)
          .select_related("user").order_by("pk").first())
    old = list(Credit.objects.filter(scheme=scheme, status=CreditStatus.PENDING,
                                     earned_on__lt=today - dt.timedelta(days=14)).values_list("pk", flat=True))
    if old:
        counts["confirmed"] = len(services.confirm_credits(old, by=sc.user if sc else None))
    # Points earned two calendar years ago expired on 1 January; the monitors run expiry daily.
    counts["expired_accounts"] = services.expire_due(today)
    counts["redemptions"] = _redemptions(town, scheme, rng, today)
    counts["time_transfers"] = _time_bank(town, bank, rng, sc.user if sc else None)
    return counts


def _redemptions(town, scheme, rng, today) -> int:
    if Redemption.objects.filter(scheme=scheme).exists():
        return 0
    admin = (Membership.objects.filter(municipality=town.municipality, role=Role.MUNICIPAL_ADMIN)
             .select_related("user").order_by("pk").first())
    by = admin.user if admin else None
    voucher, donation = list(scheme.options.order_by("pk"))[:2]
    rich = list(scheme.accounts.filter(kind="member", balance__gte=400).select_related("owner").order_by("pk"))
    made = 0
    for i, acct in enumerate(rich[:12]):
        option = donation if i % 5 == 4 else voucher
        points = 200 * rng.randint(1, max(1, min(5, acct.balance // 200)))
        r = services.redemption_request(account=acct, option=option, points=points, by=acct.owner,
                                        today=today)
        made += 1
        if i % 4 == 3:
            continue  # waits for the administrator's approval
        if i % 6 == 5:
            services.redemption_refuse(r, by=by, reason="申請書の記入漏れ（再申請をお願いします）")
        else:
            services.redemption_pay(r, by=by, finance_reference=f"会計-{today.year}-{r.pk:04d}")
    return made


def _time_bank(town, bank, rng, sc_user) -> int:
    """Residents with an account pay their helper for their latest visits; the SC
    records two paper exchanges between helpers (office mode)."""
    from sasaeai.requests.models import Booking, BookingStatus

    n = 0
    done = (Booking.objects.filter(municipality=town.municipality, status=BookingStatus.COMPLETED,
                                   request__recipient__user__isnull=False, request__demo_key__isnull=False)
            .select_related("request__recipient__user", "helper__user").order_by("-completed_at", "pk")[:10])
    for b in done:
        payer = ledger.member_account(bank, b.request.recipient.user, area=b.request.area)
        payee = ledger.member_account(bank, b.helper.user, area=b.helper.area)
        minutes = min(b.request.duration_minutes, payer.balance)
        if minutes <= 0:
            continue
        before = bank.transactions.count()
        services.transfer(payer=payer, payee=payee, minutes=minutes, by=b.request.recipient.user, booking=b)
        n += bank.transactions.count() - before
    members = list(bank.accounts.filter(kind="member").order_by("pk")[:4])
    if len(members) >= 2 and not bank.transactions.filter(kind="office").exists():
        for payer, payee in ((members[0], members[1]), (members[1], members[0])):
            if payer.balance >= 30:
                services.transfer(payer=payer, payee=payee, minutes=30, by=sc_user, office=True,
                                  memo="紙の交換記録（事務局入力）")
                n += 1
    return n
