"""Demo activity for the synthetic town: a year of activity entries (活動記録) for every
coordinator (about 5 hours a working day, 24.8 h a week as the seeds report, with a
coordination share between about 55 % and 80 % that differs per coordinator), some linked to
the area's resources, and handover notes for every layer-2 area. Deterministic for
`town.seed` (dates count back from the day it runs); a second call the same day adds nothing."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from sasaeai.tenancy.models import Area, Membership, Role

from .models import ActivityEntry, Function, HandoverNote, NoteSection

DAYS = 365
#: Minutes per function for a typical day; each coordinator shifts weight towards or away
#: from direct support and office work.
BASE_WEIGHTS = {
    Function.RESOURCE_DEVELOPMENT: 14, Function.NETWORK_BUILDING: 16, Function.MATCHING: 20,
    Function.OUTREACH: 9, Function.HELPER_TRAINING: 8, Function.DIRECT_SUPPORT: 17,
    Function.ADMINISTRATION: 13, Function.TRAINING_ATTENDED: 3,
}
NOTES = {
    Function.RESOURCE_DEVELOPMENT: ["移動販売の停留所候補を下見", "サロン立ち上げの相談", "空き店舗の活用を相談"],
    Function.NETWORK_BUILDING: ["町会長と顔合わせ", "民生委員定例会に参加", "地域包括と情報交換"],
    Function.MATCHING: ["買い物支援の担い手を紹介", "ごみ出し支援の調整", "通いの場を紹介"],
    Function.OUTREACH: ["広報紙の原稿作成", "老人クラブで活動紹介", "チラシ配布"],
    Function.HELPER_TRAINING: ["担い手養成講座の運営", "有償ボランティア研修"],
    Function.DIRECT_SUPPORT: ["個別相談の対応", "同行支援"],
    Function.ADMINISTRATION: ["記録整理", "報告書作成", "会議資料の準備"],
    Function.TRAINING_ATTENDED: ["県のSC研修", "オンライン研修"],
}
HANDOVER = {
    NoteSection.PEOPLE: "町会長（毎月第2火曜の定例会で会える）、民生委員の代表、老人クラブ会長。まず顔を出すこと。",
    NoteSection.COMMITMENTS: "サロンの立ち上げ支援を約束中（月1回の運営相談）。移動販売の停留所の件は事業者と協議中。",
    NoteSection.ISSUES: "坂の上の団地で買い物に困る声が多い。バス減便の影響。商店会に相談済みだが未解決。",
    NoteSection.PRACTICAL: "公民館の予約は2か月前から。会議は午前中が集まりやすい。",
}


def _coordinators(town) -> list[tuple[Membership, Area]]:
    """(membership, area logged against): each layer-2 SC in their first area, the layer-1 SC
    in the whole municipality."""
    out = []
    layer1 = town.municipality.layer1_area
    qs = (Membership.objects.filter(municipality=town.municipality, role__in=[Role.COORDINATOR_L1, Role.COORDINATOR_L2])
          .select_related("user").prefetch_related("areas").order_by("role", "user__email"))
    for m in qs:
        areas = sorted(m.areas.all(), key=lambda a: a.name)
        area = areas[0] if areas else layer1
        if area is not None:
            out.append((m, area))
    return out


def _weights(rng) -> dict:
    weights = dict(BASE_WEIGHTS)
    shift = rng.uniform(-0.5, 0.6)  # > 0: more direct support and office work
    weights[Function.DIRECT_SUPPORT] *= 1 + shift
    weights[Function.ADMINISTRATION] *= 1 + shift
    return weights


def seed(town) -> dict[str, int]:
    from sasaeai.directory.models import Service

    code = town.municipality.code
    today = timezone.localdate()
    first = today - dt.timedelta(days=DAYS)
    existing = set(ActivityEntry.objects.filter(demo_key__startswith=f"{code}:").values_list("demo_key", flat=True))
    service_type = ContentType.objects.get_for_model(Service)
    services_by_area: dict[int, list[int]] = {}
    for pk, area_id in (Service.objects.filter(municipality=town.municipality, status="published",
                                               visibility="public").order_by("pk").values_list("pk", "area_id")):
        services_by_area.setdefault(area_id, []).append(pk)
    new: list[ActivityEntry] = []
    for membership, area in _coordinators(town):
        local = membership.user.email.split("@")[0]
        rng = town.rng(f"activity:{local}")
        weights = _weights(rng)
        functions, w = list(weights), list(weights.values())
        day = first
        while day < today:
            if day.weekday() < 5 and rng.random() > 0.08:  # weekdays, some leave
                remaining = rng.choice([270, 300, 300, 330, 360])
                i = 0
                while remaining > 0:
                    minutes = min(remaining, rng.choice([30, 45, 60, 60, 90, 120]))
                    function = rng.choices(functions, weights=w)[0]
                    key = f"{code}:{local}:{day.isoformat()}:{i}"
                    link_id = None
                    pool = services_by_area.get(area.pk) or []
                    if function in (Function.MATCHING, Function.RESOURCE_DEVELOPMENT) and pool and rng.random() < 0.3:
                        link_id = pool[rng.randrange(len(pool))]
                    note = rng.choice(NOTES[function])  # drawn whether or not the entry exists
                    if key not in existing:
                        new.append(ActivityEntry(
                            municipality=town.municipality, area=area, date=day, minutes=minutes, function=function,
                            note=note, recorded_by=membership.user, demo_key=key,
                            link_type=service_type if link_id else None, link_id=link_id,
                            created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(17, 30)))))
                    remaining -= minutes
                    i += 1
            day += dt.timedelta(days=1)
    notes = 0
    with transaction.atomic():
        ActivityEntry.objects.bulk_create(new, batch_size=2000)
        have = set(HandoverNote.objects.filter(demo_key__startswith=f"{code}:").values_list("demo_key", flat=True))
        for membership, area in _coordinators(town):
            if area.layer != 2:
                continue
            for section, text in HANDOVER.items():
                key = f"{code}:note:{area.name}:{section}"
                if key in have or HandoverNote.objects.filter(area=area, section=section).exists():
                    continue
                HandoverNote.objects.create(municipality=town.municipality, area=area, section=section, version=1,
                                            text=f"{area.name}：{text}", written_by=membership.user, demo_key=key)
                notes += 1
    return {"entries": len(new), "handover_notes": notes}
