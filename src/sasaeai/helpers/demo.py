"""Demo helper profiles: every user with a helper membership in the demo town gets skills,
a home near their area, weekly availability, qualifications (mostly verified, some waiting),
identity checks and a few ratings. Deterministic for the town's seed; idempotent (the profile
is keyed by its user; re-running adds nothing)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sasaeai.tenancy.models import Membership, Role

from .categories import Category, HouseworkTask
from .models import (
    AvailabilityRule,
    HelperProfile,
    HelperQualification,
    HelperRating,
    IdentityDocument,
    IdentityStatus,
    QualificationStatus,
    TravelMode,
)
from .services import ROLLING_WINDOW, rolling_average

SKILL_WEIGHTS = [
    (Category.HOUSEWORK, 30), (Category.WATCH_TALK, 25), (Category.ESCORT_SHOPPING, 12),
    (Category.ESCORT_HOSPITAL, 10), (Category.ESCORT_OUTING, 8), (Category.IT_SUPPORT, 8),
    (Category.FACILITY_SPOT, 7),
]
QUALIFICATION_RATES = [
    ("ninchisho_supporter", 0.35), ("futsu_menkyo", 0.45), ("first_aid", 0.2), ("shoninsha_kenshu", 0.12),
    ("kaigo_fukushishi", 0.05), ("kangoshi", 0.03), ("seikatsu_enjo_kenshu", 0.06),
]
SLOTS = [(dt.time(9), dt.time(12)), (dt.time(10), dt.time(15)), (dt.time(13), dt.time(17)),
         (dt.time(9), dt.time(17)), (dt.time(17), dt.time(20))]


def _reviewer(town):
    m = (
        Membership.objects.filter(municipality=town.municipality, role=Role.COORDINATOR_L1)
        .select_related("user").order_by("user__email").first()
    )
    return m.user if m else None


def seed(town) -> dict[str, int]:
    municipality = town.municipality
    memberships = list(
        Membership.objects.filter(municipality=municipality, role=Role.HELPER)
        .select_related("user").prefetch_related("areas").order_by("user__email", "pk")
    )
    done = set(HelperProfile.objects.filter(user__in=[m.user for m in memberships]).values_list("user_id", flat=True))
    rng = town.rng("helpers.profiles")
    reviewer = _reviewer(town)
    now = timezone.now()
    today = timezone.localdate()
    counts = {"profiles": 0, "qualifications": 0, "availability_rules": 0, "ratings": 0}
    areas = {a.pk: a for a in town.areas}
    with transaction.atomic():
        for index, membership in enumerate(memberships):
            # Draw for every helper, created or not, so the stream (and the result) is the
            # same whether the seed runs once or is completed later.
            member_areas = list(membership.areas.all())
            area = member_areas[0] if member_areas else (town.areas[index % len(town.areas)] if town.areas else None)
            area = areas.get(area.pk, area) if area else None
            dlat, dlon = rng.uniform(-0.012, 0.012), rng.uniform(-0.015, 0.015)
            quals = [code for code, rate in QUALIFICATION_RATES if rng.random() < rate]
            n_skills = rng.choice([1, 2, 2, 3, 3, 4])
            skills = set()
            population = [c for c, _w in SKILL_WEIGHTS]
            weights = [w for _c, w in SKILL_WEIGHTS]
            while len(skills) < n_skills:
                skills.add(rng.choices(population, weights)[0])
            if "futsu_menkyo" in quals and rng.random() < 0.6:
                skills.add(Category.TRANSPORT)
            if {"shoninsha_kenshu", "kaigo_fukushishi"} & set(quals):
                skills.add(Category.PERSONAL_CARE)
            subtasks = sorted(rng.sample(HouseworkTask.values, rng.randint(2, 5))) if Category.HOUSEWORK in skills else []
            travel = TravelMode.CAR if Category.TRANSPORT in skills else rng.choice(
                [TravelMode.WALK, TravelMode.BICYCLE, TravelMode.BICYCLE, TravelMode.TRANSIT])
            radius = {"walk": 1.5, "bicycle": 3.0, "car": 8.0, "transit": 5.0}[travel] * rng.choice([0.8, 1, 1.2])
            languages = ["ja"] + (["en"] if rng.random() < 0.08 else []) + (["zh"] if rng.random() < 0.03 else [])
            identity_roll = rng.random()
            days = rng.sample(range(7), rng.randint(2, 5))
            slots = [rng.choice(SLOTS) for _ in days]
            qual_rolls = [rng.random() for _ in quals]
            n_ratings = rng.choice([0, 0, 3, 5, 8, 12, 20])
            stars = [rng.choices([5, 4, 3, 2, 1], [55, 30, 10, 3, 2])[0] for _ in range(n_ratings)]
            if index == 5:  # one helper the coordinator dashboard shows as flagged
                stars = [4, 3, 2, 3, 2, 4, 3]
            if membership.user_id in done:
                continue
            profile = HelperProfile.objects.create(
                user=membership.user, municipality=municipality, area=area,
                home_lat=round(area.center_lat + dlat, 6) if area else None,
                home_lon=round(area.center_lon + dlon, 6) if area else None,
                radius_km=round(radius, 1), travel_mode=travel,
                skills=[c for c in Category.values if c in skills], subtasks=subtasks, languages=languages,
                gender="", max_hours_per_week=rng.choice([4, 6, 8, 10, 15, 20]),
                has_insurance=True, insurance_note="ボランティア活動保険", training_done=True,
                training_completed_on=today - dt.timedelta(days=30 + index % 300),
                identity_status=(IdentityStatus.VERIFIED if identity_roll < 0.9 else
                                 IdentityStatus.SUBMITTED if identity_roll < 0.97 else IdentityStatus.NONE),
                identity_document=IdentityDocument.DRIVING_LICENCE if identity_roll < 0.97 else "",
                identity_submitted_at=now if identity_roll < 0.97 else None,
                identity_verified_at=now if identity_roll < 0.9 else None,
                identity_verified_by=reviewer if identity_roll < 0.9 else None,
            )
            counts["profiles"] += 1
            rules = [AvailabilityRule(profile=profile, weekday=d, start_time=s, end_time=e)
                     for d, (s, e) in zip(days, slots, strict=True)]
            AvailabilityRule.objects.bulk_create(rules)
            counts["availability_rules"] += len(rules)
            for code, roll in zip(quals, qual_rolls, strict=True):
                status = QualificationStatus.VERIFIED if roll < 0.85 else (
                    QualificationStatus.SUBMITTED if roll < 0.97 else QualificationStatus.REJECTED)
                HelperQualification.objects.create(
                    profile=profile, code=code, status=status, document_note="デモ: 修了証の写しを確認",
                    certificate_number=f"DEMO-{index:04d}-{code[:4].upper()}",
                    expires_on=today + dt.timedelta(days=365 * 3) if code == "futsu_menkyo" else None,
                    reviewed_by=reviewer if status != QualificationStatus.SUBMITTED else None,
                    reviewed_at=now if status != QualificationStatus.SUBMITTED else None,
                    review_note="デモ: 書類不鮮明" if status == QualificationStatus.REJECTED else "",
                )
                counts["qualifications"] += 1
            if stars:
                HelperRating.objects.bulk_create(
                    [HelperRating(profile=profile, stars=s, source=f"demo:{i}") for i, s in enumerate(stars)]
                )
                counts["ratings"] += len(stars)
                avg = rolling_average(list(reversed(stars))[:ROLLING_WINDOW])
                profile.rating_avg, profile.rating_count = avg, len(stars)
                if avg is not None and avg < 3.5:
                    profile.flagged_at = now
                    profile.flag_reason = f"直近{min(len(stars), ROLLING_WINDOW)}件の平均評価 {avg:.2f} が 3.5 未満"
                profile.save(update_fields=["rating_avg", "rating_count", "flagged_at", "flag_reason"])
    return counts
