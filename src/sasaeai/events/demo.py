"""Demo events for the synthetic town: a year of events of every type (monthly, in the town's
areas) with sign-ups, waiting lists and attendance, 12 trial-volunteering events with
follow-ups and conversions to helpers, and upcoming events to sign up for. Deterministic for
the town's seed; a second call adds nothing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from . import services
from .models import Event, EventType, FollowUp

TITLES = {
    EventType.TRIAL_VOLUNTEERING: ["配食のお手伝い体験", "サロンの運営体験", "ゴミ出し支援体験", "買い物付き添い体験"],
    EventType.COURSE: ["認知症サポーター養成講座", "生活支援サポーター養成研修"],
    EventType.SALON: ["ふれあいサロン", "おしゃべりカフェ"],
    EventType.EXERCISE: ["いきいき百歳体操"],
    EventType.INFORMATION: ["支え合い活動説明会"],
    EventType.COUNCIL_PUBLIC: ["協議体 地域フォーラム"],
    EventType.SC_NETWORK: ["生活支援コーディネーター連絡会"],
    EventType.JOINT_TRAINING: ["多職種合同研修（地域ケア）"],
}


def seed(town) -> dict[str, int]:
    m = town.municipality
    if Event.objects.filter(municipality=m, demo_key__isnull=False).exists():
        return {"events": 0}
    with transaction.atomic():
        return _seed(town)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _seed(town) -> dict[str, int]:
    from sasaeai.accounts.models import User
    from sasaeai.tenancy.models import Role

    m, rng = town.municipality, town.rng("events")
    people = list(User.objects.filter(memberships__municipality=m, memberships__role=Role.RESIDENT)
                  .order_by("pk").distinct()[:80])
    counts = {"events": 0, "signups": 0, "attendances": 0, "trial_events": 0, "followups": 0, "conversions": 0}
    if not people or not town.areas:
        return counts
    today = timezone.localdate()
    soon = timezone.now() + dt.timedelta(days=1)
    plan = []  # (date, type, area)
    for month in range(12):
        day = today - dt.timedelta(days=30 * (12 - month) - 3)
        for k, etype in enumerate(EventType.values):
            if etype == EventType.TRIAL_VOLUNTEERING:
                continue
            plan.append((day + dt.timedelta(days=k), etype, town.areas[(month + k) % len(town.areas)]))
        plan.append((day + dt.timedelta(days=9), EventType.TRIAL_VOLUNTEERING, town.areas[month % len(town.areas)]))
    for k, etype in enumerate(EventType.values):  # upcoming ones
        plan.append((today + dt.timedelta(days=3 + 2 * k), etype, town.areas[k % len(town.areas)]))
    for n, (day, etype, area) in enumerate(plan):
        titles = TITLES[etype]
        past = day < today
        capacity = 8 if etype == EventType.TRIAL_VOLUNTEERING else rng.choice([10, 15, 20, 30])
        start = _at(day, rng.choice([10, 13, 14]))
        staff_only = etype in (EventType.SC_NETWORK, EventType.JOINT_TRAINING)
        ev = services.create_event(
            by=None, municipality=m, area=None if staff_only else area, title=titles[n % len(titles)],
            event_type=etype, starts_at=soon if past else start, ends_at=(soon if past else start) + dt.timedelta(hours=2),
            capacity=capacity, place=f"{area.name}地区センター" if not staff_only else "市役所 会議室",
            organiser_name=f"{area.name}の生活支援コーディネーター", demo_key=f"{m.code}:ev{n}")[0]
        counts["events"] += 1
        if staff_only:
            if past:
                Event.objects.filter(pk=ev.pk).update(starts_at=start, ends_at=start + dt.timedelta(hours=2))
            continue
        wanted = capacity + (3 if n % 3 == 0 else 0) if etype == EventType.TRIAL_VOLUNTEERING else rng.randint(
            capacity // 2, capacity + 2)
        chosen = rng.sample(people, min(wanted, len(people)))
        signups = [services.sign_up(by=p, event=ev, as_helper=(i == 0)) for i, p in enumerate(chosen)]
        counts["signups"] += len(signups)
        if past:
            if signups and n % 4 == 1:  # a cancellation that promoted the first of the waiting list
                services.cancel_signup(by=signups[1].person, signup=signups[1])
            for s in signups:
                s.refresh_from_db()
                if s.status == "confirmed" and rng.random() < 0.85:
                    services.record_attendance(by=None, event=ev, person=s.person, method=rng.choice(["qr", "list"]))
                    counts["attendances"] += 1
            walk_in = next((p for p in people if p not in chosen), None)
            if walk_in is not None and n % 2 == 0:
                services.record_attendance(by=None, event=ev, person=walk_in, walk_in=True)
                counts["attendances"] += 1
            Event.objects.filter(pk=ev.pk).update(starts_at=start, ends_at=start + dt.timedelta(hours=2))
            if etype == EventType.TRIAL_VOLUNTEERING:
                counts["trial_events"] += 1
                for j, fu in enumerate(FollowUp.objects.filter(event=ev).order_by("pk")):
                    counts["followups"] += 1
                    if j % 4 != 3:
                        services.complete_followup(by=None, followup=fu, note="活動に関心あり")
                    if j % 5 == 0:
                        services.register_helper_from_followup(by=fu.person, followup=fu)
                        FollowUp.objects.filter(pk=fu.pk).update(registered_helper_at=start + dt.timedelta(days=7))
                        counts["conversions"] += 1
    return counts
