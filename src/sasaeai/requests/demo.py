"""Demo help requests: open ones for the coming days, booked ones (offered and accepted
through the services, so the slots and offers are real) and completed, reviewed visits in the
past weeks. Deterministic for the town's seed and the day it runs; idempotent through
`HelpRequest.demo_key`. Runs after the helpers and safety demo data (profiles, consents)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from sasaeai.helpers.categories import Category
from sasaeai.residents.models import Proxy, Resident
from sasaeai.tenancy.models import Membership, Role

from . import services
from .models import (
    Booking,
    BookingSlot,
    BookingStatus,
    EnteredBy,
    HelpRequest,
    Offer,
    OfferSource,
    OfferStatus,
    PaymentKind,
    RequestStatus,
    Review,
    ReviewDirection,
)

TOKYO = ZoneInfo("Asia/Tokyo")
SIZES = {"small": (14, 8, 12), "city": (40, 20, 40), "large": (80, 40, 80)}  # open, booked, completed
CATEGORIES = [
    (Category.HOUSEWORK, "掃除と片付け", 30), (Category.HOUSEWORK, "買い物代行", 10),
    (Category.HOUSEWORK, "草むしり", 6), (Category.HOUSEWORK, "電球交換", 4),
    (Category.WATCH_TALK, "話し相手", 20), (Category.ESCORT_HOSPITAL, "通院の付き添い", 12),
    (Category.ESCORT_SHOPPING, "スーパーへの買い物付き添い", 10), (Category.ESCORT_OUTING, "サロンへの外出付き添い", 5),
    (Category.IT_SUPPORT, "スマホの使い方", 8),
]
COMMENTS = ["丁寧に対応していただきました。", "時間通りに来てくれて助かりました。", "また同じ方にお願いしたいです。",
            "楽しくお話しできました。", ""]
HELPER_COMMENTS = ["説明が分かりやすかったです。", "笑顔で迎えていただきました。", ""]


def _coordinator(town):
    m = (Membership.objects.filter(municipality=town.municipality, role=Role.COORDINATOR_L1)
         .select_related("user").order_by("user__email").first())
    return m.user if m else None


def _consenting_residents(town, coordinator, want: int) -> list[Resident]:
    """Residents who consented to matching. If the safety demo recorded no decisions at all,
    a written consent is recorded for a deterministic set of undecided residents (those with
    a family proxy or their own account first), so the demo has someone to help."""
    from sasaeai.safety.consent import give, with_consent
    from sasaeai.safety.models import Purpose

    qs = Resident.objects.filter(municipality=town.municipality, demo_key__isnull=False).order_by("pk")
    found = list(with_consent(qs, Purpose.MATCHING))
    if found:
        return found
    undecided = qs.exclude(consent_events__purpose=Purpose.MATCHING)
    linked = list(undecided.filter(Q(proxies__isnull=False) | Q(user__isnull=False)).distinct().order_by("pk"))
    others = list(undecided.filter(proxies__isnull=True, user__isnull=True).order_by("pk")[:want])
    chosen = sorted(linked + others, key=lambda r: r.pk)
    for resident in chosen:
        give(resident, Purpose.MATCHING, by=coordinator, basis="written", giver_kind="self")
    return chosen


def _pick_category(rng):
    total = sum(w for *_x, w in CATEGORIES)
    x = rng.uniform(0, total)
    for cat, title, w in CATEGORIES:
        x -= w
        if x <= 0:
            return cat, title
    return CATEGORIES[0][0], CATEGORIES[0][1]


def _entered_by_user(resident, coordinator, proxies):
    if resident.user_id:
        return resident.user
    proxy = proxies.get(resident.pk)
    return proxy or coordinator


def seed(town) -> dict[str, int]:
    coordinator = _coordinator(town)
    counts = {"open": 0, "booked": 0, "completed": 0, "reviews": 0}
    if coordinator is None:
        return counts
    n_open, n_booked, n_done = SIZES.get(town.scale, SIZES["small"])
    residents = _consenting_residents(town, coordinator, 2 * (n_open + n_booked + n_done))
    if not residents:
        return counts
    rng = town.rng("requests.demo")
    proxies = {p.resident_id: p.user for p in Proxy.objects.filter(resident__in=residents).select_related("user")}
    code = town.municipality.code
    existing = set(HelpRequest.objects.filter(demo_key__startswith=f"{code}:").values_list("demo_key", flat=True))
    today = timezone.localtime(timezone.now(), TOKYO).date()

    def future_start(offset_days: int):
        day = today + dt.timedelta(days=offset_days)
        return dt.datetime.combine(day, dt.time(rng.choice([9, 10, 11, 13, 14, 15]), rng.choice([0, 30])),
                                   tzinfo=TOKYO)

    # Open and booked requests in the coming days, created through the services.
    for i in range(n_open + n_booked):
        key = f"{code}:q{i}"
        resident = residents[rng.randrange(len(residents))]
        category, title = _pick_category(rng)
        starts = future_start(1 + rng.randrange(3))
        duration = rng.choice([60, 60, 90, 120])
        payment = rng.choice([PaymentKind.FREE, PaymentKind.FREE, PaymentKind.POINTS, PaymentKind.YEN])
        amount = 0 if payment == PaymentKind.FREE else (rng.choice([1, 2]) if payment == PaymentKind.POINTS else 800)
        mobility = rng.choice(["", "杖を使用", "階段がつらい"])
        pets = rng.choice(["", "", "猫1匹"])
        dementia = rng.random() < 0.1
        want_booked = i >= n_open
        if key in existing:
            continue
        user = _entered_by_user(resident, coordinator, proxies)
        try:
            with transaction.atomic():
                req = services.create_request(
                    user=user, recipient=resident, category=category, title=title, starts_at=starts,
                    duration_minutes=duration, payment_kind=payment, payment_amount=amount,
                    mobility=mobility, pets=pets, has_dementia=dementia, demo_key=key,
                )
        except (ValidationError, PermissionDenied):
            continue
        counts["open"] += 1
        if want_booked:
            # Its own transaction: if no helper fits, the request simply stays open.
            try:
                with transaction.atomic():
                    candidates, _rejected = services.rank_candidates(req, limit=1)
                    if candidates:
                        offer = services.offer_to(req, [candidates[0]], by=coordinator)[0]
                        services.accept_offer(offer, user=candidates[0].profile.user)
                        counts["open"] -= 1
                        counts["booked"] += 1
            except (ValidationError, PermissionDenied):
                pass

    # Completed visits of the past weeks, written directly (the services refuse past times).
    from sasaeai.helpers.selectors import matchable_profiles

    helpers = list(matchable_profiles(town.municipality.pk))
    if not helpers:
        return counts
    for i in range(n_done):
        key = f"{code}:d{i}"
        resident = residents[rng.randrange(len(residents))]
        category, title = _pick_category(rng)
        able = [h for h in helpers if category in (h.skills or [])] or helpers
        helper = able[rng.randrange(len(able))]
        day = today - dt.timedelta(days=1 + rng.randrange(21))
        starts = dt.datetime.combine(day, dt.time(rng.choice([9, 10, 13, 14]), 0), tzinfo=TOKYO)
        duration = rng.choice([60, 90])
        stars = rng.choice([5, 5, 5, 4, 4, 3])
        helper_stars = rng.choice([5, 5, 4])
        comment = rng.choice(COMMENTS)
        helper_comment = rng.choice(HELPER_COMMENTS)
        if key in existing:
            continue
        user = _entered_by_user(resident, coordinator, proxies)
        ends = starts + dt.timedelta(minutes=duration)
        try:
            with transaction.atomic():
                req = HelpRequest.objects.create(
                    municipality_id=resident.municipality_id, area_id=resident.area_id, recipient=resident,
                    created_by=user, entered_by=(EnteredBy.SELF if user == resident.user else
                                                 EnteredBy.PROXY if resident.pk in proxies else EnteredBy.COORDINATOR),
                    category=category, title=title, starts_at=starts, duration_minutes=duration,
                    required_qualifications=sorted(services._category_minimum(category)),
                    status=RequestStatus.REVIEWED, demo_key=key,
                )
                offer = Offer.objects.create(request=req, helper=helper, status=OfferStatus.ACCEPTED,
                                             source=OfferSource.MANUAL, offered_by=coordinator, rank=1,
                                             responded_at=starts - dt.timedelta(days=2))
                booking = Booking.objects.create(
                    request=req, helper=helper, offer=offer, municipality_id=req.municipality_id,
                    starts_at=starts, ends_at=ends, status=BookingStatus.COMPLETED,
                    checked_in_at=starts + dt.timedelta(minutes=rng.choice([-5, 0, 2])),
                    checked_out_at=ends, completed_at=ends,
                )
                BookingSlot.objects.bulk_create([BookingSlot(helper=helper, slot_start=s, booking=booking)
                                                 for s in services.slot_starts(starts, ends)])
                review = Review.objects.create(booking=booking, direction=ReviewDirection.OF_HELPER, author=user,
                                               stars=stars, comment=comment,
                                               tags=["kind", "punctual"] if stars == 5 else [])
                Review.objects.create(booking=booking, direction=ReviewDirection.OF_RECIPIENT, author=helper.user,
                                      stars=helper_stars, comment=helper_comment)
                services.record_rating(helper, stars, review.tags, source=f"review:{review.pk}")
                counts["completed"] += 1
                counts["reviews"] += 2
        except (ValidationError, PermissionDenied, IntegrityError):
            continue
    counts.update(seed_spot_shifts(town))
    return counts


# --- care facilities' spot shifts (施設スポット支援) ---------------------------------------------------

FACILITIES = [("特別養護老人ホーム さくら苑", "本館", 0.004, -0.003),
              ("デイサービスセンター ひまわり", "デイフロア", -0.005, 0.004)]
SHIFT_TITLES = ["昼食の配膳と見守り", "レクリエーション補助", "お茶の時間の話し相手", "夕食の配膳補助"]
#: (key, state, days from today, start hour, helpers wanted). Future states go through the
#: services; past ones are written directly (the services refuse past times), like the visits above.
SHIFT_PLAN = [("draft", "draft", 6, 13, 2), ("open", "open", 4, 13, 2), ("offered", "offered", 3, 10, 2),
              ("partly", "partly", 2, 13, 2), ("booked", "booked", 1, 11, 1), ("cancelled", "cancelled", 5, 13, 1),
              ("in_progress", "in_progress", 0, None, 2), ("completed", "completed", -1, 13, 2),
              ("reviewed", "reviewed", -3, 13, 2), ("no_show", "no_show", -5, 10, 1),
              ("disputed", "disputed", -8, 13, 1)]


def _facility(town, n: int, name: str, branch_name: str, dlat: float, dlon: float):
    """A care-provider partner with one branch on the map and one staff log-in (facility-N@…)."""
    from django.contrib.auth.hashers import make_password

    from sasaeai.accounts.models import User
    from sasaeai.demo.generator import DEMO_PASSWORD, demo_email
    from sasaeai.directory.models import Location, Organization
    from sasaeai.partners.models import PartnerBranch, PartnerKind, PartnerProfile
    from sasaeai.tenancy import services as tenancy

    m = town.municipality
    key = f"spot-facility-{n}"
    org, created = Organization.objects.get_or_create(municipality=m, demo_key=key, defaults={"name": name})
    area = town.areas[n % len(town.areas)]
    lat, lon = (area.center_lat or m.center_lat) + dlat, (area.center_lon or m.center_lon) + dlon
    loc, _c = Location.objects.get_or_create(municipality=m, demo_key=key, defaults={
        "organization": org, "name": name, "address": f"{m.name}{area.name}{n + 1}-{n + 3}", "lat": lat, "lon": lon})
    partner, _c = PartnerProfile.objects.get_or_create(organization=org, defaults={
        "municipality": m, "kind": PartnerKind.CARE_PROVIDER, "contact_name": "施設長", "demo_key": key})
    branch = PartnerBranch.objects.filter(partner=partner).first() or PartnerBranch.objects.create(
        partner=partner, name=branch_name, address=loc.address, location=loc)
    email = demo_email(town.scale, f"facility-{n + 1}")
    staff = User.objects.filter(email=email).first()
    if staff is None:
        staff = User.objects.create(email=email, display_name=f"{name} 職員", furigana="しせつ しょくいん",
                                    password=make_password(DEMO_PASSWORD), is_demo=True)
    if not Membership.objects.filter(user=staff, municipality=m, role=Role.PARTNER).exists():
        tenancy.create_membership(user=staff, municipality=m, role=Role.PARTNER)
    org.members.add(staff)
    return branch, staff, area, created


def _spot_helpers(town, want: int = 8):
    """A deterministic set of the town's helpers who also offer facility spot help."""
    from sasaeai.helpers.selectors import matchable_profiles

    helpers = list(matchable_profiles(town.municipality.pk).order_by("pk"))[:want]
    for h in helpers:
        if Category.FACILITY_SPOT not in (h.skills or []):
            h.skills = list(h.skills or []) + [Category.FACILITY_SPOT]
            h.save(update_fields=["skills"])
    return helpers


def _past_shift(town, branch, staff, area, helpers, *, key, state, starts, slots, title, rng):
    """A shift of the past (or running now), written directly with its bookings and slots."""
    duration = 120
    ends = starts + dt.timedelta(minutes=duration)
    status = {"in_progress": RequestStatus.IN_PROGRESS, "completed": RequestStatus.COMPLETED,
              "reviewed": RequestStatus.REVIEWED, "no_show": RequestStatus.NO_SHOW,
              "disputed": RequestStatus.DISPUTED}[state]
    req = HelpRequest.objects.create(
        municipality_id=town.municipality.pk, area=area, facility=branch, slots=slots, created_by=staff,
        entered_by=EnteredBy.FACILITY, category=Category.FACILITY_SPOT, title=title, starts_at=starts,
        duration_minutes=duration, place_kind="facility", meeting_point=f"{branch.name} {branch.address}"[:200],
        meeting_lat=branch.location.lat, meeting_lon=branch.location.lon, status=status, demo_key=key,
        cancel_reason="終了時刻の記録が違う" if state == "disputed" else "")
    booking_status = {"in_progress": BookingStatus.IN_PROGRESS, "completed": BookingStatus.COMPLETED,
                      "reviewed": BookingStatus.COMPLETED, "no_show": BookingStatus.NO_SHOW,
                      "disputed": BookingStatus.DISPUTED}[state]
    reviews = 0
    for seat, helper in enumerate(helpers[:slots], start=1):
        done = booking_status in (BookingStatus.COMPLETED, BookingStatus.DISPUTED)
        offer = Offer.objects.create(request=req, helper=helper, status=OfferStatus.ACCEPTED, source=OfferSource.MANUAL,
                                     offered_by=staff, rank=seat, responded_at=starts - dt.timedelta(days=2))
        booking = Booking.objects.create(
            request=req, helper=helper, offer=offer, municipality_id=req.municipality_id, seat=seat,
            starts_at=starts, ends_at=ends, status=booking_status,
            checked_in_at=starts if booking_status != BookingStatus.NO_SHOW else None,
            checked_out_at=ends if done else None, completed_at=ends if done else None)
        if booking_status != BookingStatus.NO_SHOW:
            BookingSlot.objects.bulk_create([BookingSlot(helper=helper, slot_start=s, booking=booking)
                                             for s in services.slot_starts(starts, ends)])
        if state == "reviewed" or (state == "completed" and seat == 1):
            stars = rng.choice([5, 5, 4])
            review = Review.objects.create(booking=booking, direction=ReviewDirection.OF_HELPER, author=staff,
                                           stars=stars, tags=["kind"] if stars == 5 else [],
                                           comment=rng.choice(["利用者さんと楽しく過ごしてくださいました。", ""]))
            services.record_rating(helper, stars, review.tags, source=f"review:{review.pk}")
            reviews += 1
            if state == "reviewed":
                Review.objects.create(booking=booking, direction=ReviewDirection.OF_RECIPIENT, author=helper.user,
                                      stars=5, tags=["clear_instructions"], comment="職員の方の説明が丁寧でした。")
                reviews += 1
    return req, reviews


def seed_spot_shifts(town) -> dict[str, int]:
    """Two care facilities with spot shifts in every state (issue 15 §6 and §8)."""
    counts = {"spot_facilities": 0, "spot_shifts": 0, "spot_bookings": 0}
    if not town.areas:
        return counts
    code = town.municipality.code
    existing = set(HelpRequest.objects.filter(demo_key__startswith=f"{code}:spot").values_list("demo_key", flat=True))
    rng = town.rng("requests.spot")
    helpers = _spot_helpers(town)
    today = timezone.localtime(timezone.now(), TOKYO).date()
    now = timezone.now()
    for n, (name, branch_name, dlat, dlon) in enumerate(FACILITIES):
        branch, staff, area, created = _facility(town, n, name, branch_name, dlat, dlon)
        counts["spot_facilities"] += int(created)
        for j, (label, state, days, hour, slots) in enumerate(SHIFT_PLAN):
            key = f"{code}:spot{n}:{label}"
            title = SHIFT_TITLES[(n + j) % len(SHIFT_TITLES)]
            if key in existing:
                continue
            if hour is None:  # running now: started an hour ago, on the half hour
                starts = (now - dt.timedelta(hours=1)).replace(second=0, microsecond=0)
                starts -= dt.timedelta(minutes=starts.minute % 30)
            else:
                starts = dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, 0), tzinfo=TOKYO)
            # Rotate helpers between facilities so nobody is double-booked across the plan.
            pool = helpers[(2 * n) % max(len(helpers), 1):] + helpers[:(2 * n) % max(len(helpers), 1)]
            try:
                with transaction.atomic():
                    if starts <= now or state in ("in_progress",):
                        _req, reviews = _past_shift(town, branch, staff, area, pool, key=key, state=state,
                                                    starts=starts, slots=slots, title=title, rng=rng)
                        counts["spot_bookings"] += min(slots, len(pool))
                    else:
                        req = services.create_facility_request(
                            user=staff, facility=branch, area=area, starts_at=starts, duration_minutes=120,
                            slots=slots, title=title, draft=state == "draft", demo_key=key,
                            recurrence="weekly" if label == "open" else "once",
                            details="介助（身体介護）はありません。エプロンをご持参ください。")
                        if state in ("offered", "partly", "booked"):
                            # Its own savepoint: if no helper fits, the shift simply stays open.
                            try:
                                with transaction.atomic():
                                    offers = services.offer_to_top(req, by=staff, n=3)
                                    take = {"offered": 0, "partly": 1, "booked": slots}[state]
                                    for offer in offers[:take]:
                                        services.accept_offer(offer, user=offer.helper.user)
                                        counts["spot_bookings"] += 1
                            except (ValidationError, PermissionDenied):
                                pass
                        elif state == "cancelled":
                            services.cancel_request(req, user=staff, reason="感染症対策のため行事を中止")
                counts["spot_shifts"] += 1
            except (ValidationError, PermissionDenied, IntegrityError):
                continue
    return counts
