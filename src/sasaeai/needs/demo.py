"""Demo needs for the synthetic town: hundreds per layer-2 area, categories skewed as the
seeds describe (shopping, going out, rubbish, isolation first), every status with its
history, connections to the area's resources, and one area with an obvious gap: many
shopping needs and no mobile shop stop (the area's mobile-sales stops are archived: the
mobile shop stopped coming). Bulk inserts; deterministic for `town.seed`; a second call adds
nothing."""

from __future__ import annotations

from datetime import timedelta

import h3
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from sasaeai.tenancy.models import Membership, Role

from .categories import NeedCategory, resource_categories
from .models import H3_RESOLUTION, Need, NeedLink, NeedSource, NeedStatus, NeedStatusChange, Urgency

PER_AREA = {"small": (180, 320), "city": (250, 450), "large": (300, 500)}
WEIGHTS = {
    NeedCategory.SHOPPING: 24, NeedCategory.GOING_OUT: 18, NeedCategory.GARBAGE: 15, NeedCategory.ISOLATION: 15,
    NeedCategory.HOUSEWORK: 7, NeedCategory.MEALS: 5, NeedCategory.WATCHING: 5, NeedCategory.IT: 4,
    NeedCategory.HEALTH_CARE: 3, NeedCategory.ROLE: 2, NeedCategory.OTHER: 2,
}
STATUS_WEIGHTS = {
    NeedStatus.NEW: 12, NeedStatus.TRIAGED: 14, NeedStatus.CONNECTED: 30, NeedStatus.UNMET: 14,
    NeedStatus.ESCALATED: 5, NeedStatus.RESOLVED: 18, NeedStatus.CLOSED: 7,
}
#: The path each final status took (after "new").
PATHS = {
    NeedStatus.NEW: [], NeedStatus.TRIAGED: [NeedStatus.TRIAGED],
    NeedStatus.CONNECTED: [NeedStatus.TRIAGED, NeedStatus.CONNECTED],
    NeedStatus.UNMET: [NeedStatus.TRIAGED, NeedStatus.UNMET],
    NeedStatus.ESCALATED: [NeedStatus.TRIAGED, NeedStatus.UNMET, NeedStatus.ESCALATED],
    NeedStatus.RESOLVED: [NeedStatus.TRIAGED, NeedStatus.CONNECTED, NeedStatus.RESOLVED],
    NeedStatus.CLOSED: [NeedStatus.TRIAGED, NeedStatus.CLOSED],
}
TEXTS = {
    NeedCategory.SHOPPING: ["近くの店が閉店し、重い物が買えない", "坂の上に住んでいて買い物に行けない", "移動販売が来なくなった"],
    NeedCategory.GOING_OUT: ["通院のバスが減って困っている", "一人で外出するのが不安", "免許を返納して出かけられない"],
    NeedCategory.GARBAGE: ["ゴミ集積所まで運べない", "分別が分からなくなってきた", "粗大ゴミを出せない"],
    NeedCategory.ISOLATION: ["夫を亡くしてから誰とも話していない", "サロンに行きたいが知り合いがいない", "日中ひとりで過ごしている"],
    NeedCategory.HOUSEWORK: ["電球の交換ができない", "庭の草むしりが大変", "布団を干せない"],
    NeedCategory.MEALS: ["食事を作るのが面倒になった", "配食を探している"],
    NeedCategory.WATCHING: ["一人暮らしで夜が心配", "家族が遠方で見守ってほしい"],
    NeedCategory.IT: ["スマホの使い方が分からない", "オンライン診療を受けたい"],
    NeedCategory.HEALTH_CARE: ["体操教室に通いたい", "物忘れが気になる"],
    NeedCategory.ROLE: ["経験を生かして何か役に立ちたい", "短い時間なら働きたい"],
    NeedCategory.OTHER: ["どこに相談すればよいか分からない"],
}
SOURCES = [NeedSource.PHONE, NeedSource.SC_VISIT, NeedSource.SUPPORT_CENTER, NeedSource.MINSEI_IIN,
           NeedSource.FAMILY, NeedSource.SURVEY, NeedSource.RESIDENT, NeedSource.CARE_MANAGER,
           NeedSource.COUNCIL_MEMBER, NeedSource.PARTNER]


def gap_area(town):
    """The area with the obvious gap: the last layer-2 area by name."""
    return town.areas[-1] if town.areas else None


def _pick(rng, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def seed(town) -> dict[str, int]:
    from sasaeai.directory.models import Category as ResourceCategory
    from sasaeai.directory.models import Service, Status
    from sasaeai.residents.models import Resident
    from sasaeai.safety.consent import with_consent

    municipality = town.municipality
    areas = list(town.areas)
    if not areas:
        return {"needs": 0}
    existing = set(Need.objects.filter(municipality=municipality, demo_key__isnull=False)
                   .values_list("demo_key", flat=True))
    coordinators = {}
    for m in Membership.objects.filter(municipality=municipality, role=Role.COORDINATOR_L2).prefetch_related("areas"):
        for a in m.areas.all():
            coordinators.setdefault(a.pk, m.user_id)
    fallback = (Membership.objects.filter(municipality=municipality, role=Role.COORDINATOR_L1)
                .values_list("user_id", flat=True).first())
    gap = gap_area(town)
    archived = 0
    if gap is not None:
        archived = (Service.objects.filter(municipality=municipality, area=gap, category=ResourceCategory.MOBILE_SALES,
                                           status=Status.PUBLISHED).update(status=Status.ARCHIVED))
    resources = {}
    for pk, area_id, category in (Service.objects.filter(municipality=municipality, status=Status.PUBLISHED)
                                  .values_list("pk", "area_id", "category").order_by("pk")):
        resources.setdefault((area_id, category), []).append(pk)
    service_type = ContentType.objects.get(app_label="directory", model="service")
    low, high = PER_AREA.get(town.scale, PER_AREA["small"])
    now = timezone.now()
    created = 0
    with transaction.atomic():
        for area in areas:
            rng = town.rng(f"needs:{area.name}")
            consenting = list(with_consent(Resident.objects.filter(municipality=municipality, area=area), "matching")
                              .order_by("pk").values_list("pk", flat=True)[:40])
            count = rng.randint(low, high)
            weights = dict(WEIGHTS)
            if gap is not None and area.pk == gap.pk:
                weights[NeedCategory.SHOPPING] *= 3
                count += 80
            rows, plans = [], []
            for i in range(count):
                key = f"need:{area.pk}:{i}"
                category = _pick(rng, weights)
                status = _pick(rng, STATUS_WEIGHTS)
                if gap is not None and area.pk == gap.pk and category == NeedCategory.SHOPPING:
                    status = rng.choice([NeedStatus.NEW, NeedStatus.TRIAGED, NeedStatus.UNMET, NeedStatus.UNMET,
                                         NeedStatus.ESCALATED])
                at = now - timedelta(days=rng.randrange(365), minutes=rng.randrange(600))
                if status == NeedStatus.NEW:
                    at = now - timedelta(days=rng.randrange(10), minutes=rng.randrange(600))
                resident_id = consenting[rng.randrange(len(consenting))] if consenting and rng.random() < 0.1 else None
                cell = ""
                if resident_id is None:
                    cell = h3.latlng_to_cell(area.center_lat + rng.uniform(-0.008, 0.008),
                                             area.center_lon + rng.uniform(-0.01, 0.01), H3_RESOLUTION)
                if key in existing:
                    continue
                rows.append(Need(
                    municipality=municipality, area=area, category=category,
                    description=rng.choice(TEXTS[category]) + "（架空のデモデータ）", resident_id=resident_id,
                    h3_cell=cell, source=rng.choice(SOURCES), urgency=rng.choice(list(Urgency.values)),
                    status=status, status_changed_at=at + timedelta(days=len(PATHS[status]) * 3),
                    recorded_by_id=coordinators.get(area.pk, fallback), noticed_on=at.date(), demo_key=key,
                    created_at=at))
                plans.append((status, at))
            if not rows:
                continue
            Need.objects.bulk_create(rows, batch_size=1000)
            saved = dict(Need.objects.filter(municipality=municipality, demo_key__in=[r.demo_key for r in rows])
                         .values_list("demo_key", "pk"))
            history, links = [], []
            for need, (status, at) in zip(rows, plans, strict=True):
                pk = saved[need.demo_key]
                by = need.recorded_by_id
                history.append(NeedStatusChange(need_id=pk, from_status="", to_status=NeedStatus.NEW, by_id=by, at=at))
                previous = NeedStatus.NEW
                for step, target in enumerate(PATHS[status], start=1):
                    history.append(NeedStatusChange(need_id=pk, from_status=previous, to_status=target, by_id=by,
                                                    at=at + timedelta(days=3 * step)))
                    previous = target
                if NeedStatus.CONNECTED in PATHS[status]:
                    options = [s for c in resource_categories(need.category) for s in resources.get((area.pk, c), [])]
                    if options:
                        links.append(NeedLink(need_id=pk, content_type=service_type,
                                              object_id=options[rng.randrange(len(options))], created_by_id=by,
                                              created_at=at + timedelta(days=6)))
            NeedStatusChange.objects.bulk_create(history, batch_size=2000)
            NeedLink.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
            created += len(rows)
    return {"needs": created, "mobile_stops_archived": archived}
