"""Demo work-like activities for the synthetic town: seven tasks of the demo partners (shop
assistance, a nursery, park cleaning, a university farm, a draft, a finished one and an open one
nobody is placed on yet), up to sixteen older residents with work interests, placements and the
participation of the past weekly dates. Needs the partners demo (it runs first). Deterministic;
a second call adds nothing."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sasaeai.partners.models import PartnerProfile
from sasaeai.tenancy.models import Role

from . import services
from .models import WorkCategory, WorkTask

#: (partner demo index, title, kind, skills, weeks before today it started, weeks it runs,
#:  days from today (one-off), start hour, hours, slots, people placed, final state)
TASKS = [
    (0, "品出し・袋詰めのお手伝い", WorkCategory.SHOP, ["cashier", "lifting"], 6, 14, None, 10, 2, 3, 3, "open"),
    (7, "保育園の見守り補助", WorkCategory.NURSERY, ["children"], 4, 12, None, 9, 3, 2, 1, "open"),
    (9, "公園の清掃", WorkCategory.CLEANING, ["cleaning"], None, None, 5, 9, 2, 4, 2, "open"),
    (8, "学内農園の草取り・収穫", WorkCategory.FARM, ["farming"], 3, 9, None, 13, 2, 2, 2, "open"),
    (15, "商店街まつりの受付", WorkCategory.SHOP, ["cashier"], None, None, 10, 10, 4, 3, 0, "draft"),
    (21, "店舗まわりの朝の清掃", WorkCategory.CLEANING, ["cleaning"], None, None, -20, 8, 1, 1, 1, "closed"),
    (5, "店頭での薬の受け取り案内", WorkCategory.SHOP, ["cashier"], None, None, 3, 14, 2, 1, 0, "open"),
]


def seed(town) -> dict[str, int]:
    m = town.municipality
    if not town.areas or WorkTask.objects.filter(municipality=m, demo_key__isnull=False).exists():
        return {"work_tasks": 0}
    partners = {int(p.demo_key.split("-")[1]): p for p in
                PartnerProfile.objects.filter(municipality=m, demo_key__startswith="partner-")}
    if not partners:
        return {"work_tasks": 0}
    with transaction.atomic():
        return _seed(town, partners)


def _seed(town, partners) -> dict[str, int]:
    from sasaeai.accounts.models import User

    m, rng, areas = town.municipality, town.rng("workactivity"), town.areas
    today = timezone.localdate()
    users = list(User.objects.filter(memberships__municipality=m, memberships__role=Role.RESIDENT)
                 .order_by("pk").distinct()[:16])
    interests = []
    for n, user in enumerate(users):
        area = areas[n % len(areas)]
        kinds = sorted(set(rng.sample(WorkCategory.values[:4], rng.randint(1, 3))) | {WorkCategory.SHOP}
                       if n % 3 == 0 else rng.sample(WorkCategory.values[:4], rng.randint(1, 3)))
        interests.append(services.interest_save(
            user=user, municipality=m, area=area, kinds=kinds,
            skills=rng.sample(["children", "farming", "cleaning", "cashier", "cooking", "lifting"], 2),
            weekdays=sorted(rng.sample(range(7), rng.randint(3, 6))), available_from=dt.time(8),
            available_until=dt.time(rng.choice([15, 16, 17])), max_hours_per_week=rng.choice([4, 6, 8, 10]),
            radius_km=rng.choice([3.0, 4.0, 5.0]), travel_mode=rng.choice(["walk", "bicycle", "transit"]),
            home_lat=round(area.center_lat + rng.uniform(-0.008, 0.008), 5),
            home_lon=round(area.center_lon + rng.uniform(-0.008, 0.008), 5),
            note="腰に不安があるので重い物は少しだけ" if n % 5 == 0 else "", consent=True, demo_key=f"wi-{n}"))
    counts = {"work_tasks": 0, "work_interests": len(interests), "work_placements": 0, "work_participations": 0}
    cursor = 0
    for n, (pi, title, kind, skills, weeks_ago, weeks, days, hour, hours, slots, placed, state) in enumerate(TASKS):
        partner = partners.get(pi) or partners[min(partners)]
        area = areas[n % len(areas)]
        if weeks_ago is not None:
            first = today - dt.timedelta(days=7 * weeks_ago)
            until = first + dt.timedelta(days=7 * weeks)
        else:
            first, until = today + dt.timedelta(days=days), None
        task = services.task_create(
            by=None, partner=partner, title=title, category=kind, area=area, address=f"{m.name}{area.name}{n + 2}-3",
            lat=round(area.center_lat + 0.002 * (n % 3), 5), lon=round(area.center_lon - 0.002 * (n % 2), 5),
            date=first, start_time=dt.time(hour), end_time=dt.time(hour + hours), weekly_until=until, slots=slots,
            description=f"{partner.organization.name}での{WorkCategory(kind).label}です。短い時間から歓迎します。",
            skills=skills, reward_text="地域商品券" if n % 2 == 0 else "", reward_yen=500 * hours if n % 3 else None,
            publish=state != "draft", demo_key=f"wt-{n}")
        counts["work_tasks"] += 1
        if state == "draft" or not interests:
            continue
        placements = []
        # People who want this kind of work first, starting where the previous task stopped.
        ring = interests[cursor % len(interests):] + interests[:cursor % len(interests)]
        cursor += placed
        ring = [i for i in ring if kind in i.kinds] + [i for i in ring if kind not in i.kinds]
        for tries, person in enumerate(ring, 1):
            if len(placements) >= placed:
                break
            try:
                placements.append(services.placement_confirm(by=None, task=task, interest=person,
                                                             notify_person=False, demo_key=f"wp-{n}-{tries}"))
            except ValidationError:  # a busy person in the demo: take the next one
                continue
        counts["work_placements"] += len(placements)
        for day in task.occurrences():
            if day > today or day == today:
                break
            for p in placements:
                attended = rng.random() < 0.85
                services.participation_record(by=None, placement=p, date=day, attended=attended)
                counts["work_participations"] += 1
        if state == "closed":
            services.task_set_status(by=None, task=task, action="close")
    return counts
