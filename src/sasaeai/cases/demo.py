"""Demo cases: in every area, cases in every stage — new and escalated referrals, a declined one,
accepted, "what matters" recorded, planned, connected (one follow-up overdue) and closed with an
ONS4 change. Deterministic (town.rng) and idempotent (demo_key)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sasaeai.residents.models import Resident
from sasaeai.tenancy.models import Membership, Role

from .models import (
    Case,
    CaseEvent,
    CaseGoal,
    CaseOption,
    CaseStatus,
    FollowUp,
    OptionKind,
    OptionStatus,
    Outcome,
    ReferrerKind,
    WellbeingMoment,
    WellbeingScore,
)
from .services import FOLLOW_UP_DAYS, FOLLOW_UP_MONTHS, add_months

#: (stage, days since the referral) per case of an area.
STAGES = (
    (CaseStatus.REFERRED, 3), (CaseStatus.REFERRED, 20), (CaseStatus.DECLINED, 40),
    (CaseStatus.ACCEPTED, 10), (CaseStatus.CONVERSATION, 25), (CaseStatus.PLANNED, 35),
    (CaseStatus.CONNECTED, 30), (CaseStatus.CONNECTED, 120), (CaseStatus.CLOSED, 200), (CaseStatus.CLOSED, 150),
)
REASONS = (
    "短期集中予防サービスの終了後、外出の機会が減っている。", "配偶者を亡くしてから家にこもりがち。",
    "買い物に行けず、食事が偏っている。", "ごみ出しが難しくなってきた。", "退院後、地域の集まりに戻りたいと本人が希望。",
)
MATTERS = (
    "また友人とお茶を飲みに出かけたい。畑仕事を続けたい。", "孫に会いに電車で出かけられるようになりたい。",
    "近所の人と話す機会がほしい。自分で買い物を続けたい。",
)
GOALS = (("週に一度は外でお茶を飲む", "サロンに参加する"), ("自分で買い物を続ける", "移動販売を利用する"))


def _sc_by_area(m) -> dict[int, object]:
    out = {}
    for membership in (Membership.objects.filter(municipality=m, role=Role.COORDINATOR_L2)
                       .prefetch_related("areas").select_related("user").order_by("pk")):
        for area in membership.areas.all():
            out.setdefault(area.pk, membership.user)
    return out


def _ons4(rng, shift: int = 0) -> dict:
    clamp = lambda v: max(0, min(10, v))  # noqa: E731
    return {"life_satisfaction": clamp(rng.randint(3, 6) + shift), "worthwhile": clamp(rng.randint(3, 6) + shift),
            "happiness": clamp(rng.randint(3, 6) + shift), "anxiety": clamp(rng.randint(4, 8) - shift)}


def seed(town) -> dict[str, int]:
    from sasaeai.directory.models import Service

    m = town.municipality
    rng = town.rng("cases")
    today = timezone.localdate()
    now = timezone.now()
    scs = _sc_by_area(m)
    l1 = (Membership.objects.filter(municipality=m, role=Role.COORDINATOR_L1).select_related("user")
          .order_by("pk").first())
    referrer = (Membership.objects.filter(municipality=m, role=Role.SUPPORT_CENTER).select_related("user")
                .order_by("pk").first())
    taken = set(Case.objects.filter(municipality=m).values_list("resident_id", flat=True))
    created = 0
    with transaction.atomic():
        for area in town.areas:
            sc = scs.get(area.pk) or (l1.user if l1 else None)
            residents = [r for r in Resident.objects.filter(municipality=m, area=area, demo_key__isnull=False)
                         .order_by("pk")[:60] if r.pk not in taken]
            resources = list(Service.objects.filter(municipality=m, area=area, status="published").order_by("pk")[:4])
            for i, (stage, days) in enumerate(STAGES):
                key = f"case-{m.code}-{area.pk}-{i}"
                draws = (rng.random(), rng.randint(0, 4), rng.randint(0, 2))
                if Case.objects.filter(demo_key=key).exists() or i >= len(residents) or sc is None:
                    continue
                resident = residents[i]
                taken.add(resident.pk)
                referred_at = now - dt.timedelta(days=days)
                kind = ReferrerKind.SUPPORT_CENTER if draws[0] < 0.6 else (
                    ReferrerKind.CARE_MANAGER if draws[0] < 0.8 else ReferrerKind.FAMILY)
                case = Case(municipality=m, area=area, resident=resident, status=stage, referrer_kind=kind,
                            referrer_name="地域包括支援センター" if kind == ReferrerKind.SUPPORT_CENTER else "",
                            referred_by=referrer.user if referrer else None, reason=REASONS[draws[1]],
                            referred_at=referred_at, demo_key=key)
                if stage == CaseStatus.REFERRED and days > 14:
                    case.escalated_at = referred_at + dt.timedelta(days=14)
                if stage == CaseStatus.DECLINED:
                    case.answered_at, case.decline_reason = referred_at + dt.timedelta(days=2), \
                        "介護保険サービスでの対応が適切なため、ケアマネジャーに戻した。"
                if stage not in (CaseStatus.REFERRED, CaseStatus.DECLINED):
                    case.coordinator, case.answered_at = sc, referred_at + dt.timedelta(days=2)
                start = (referred_at + dt.timedelta(days=7)).date()
                if stage not in (CaseStatus.REFERRED, CaseStatus.DECLINED, CaseStatus.ACCEPTED):
                    case.what_matters = MATTERS[draws[2]]
                    case.domain_people, case.domain_places = "近所の友人、長女", "公民館、商店街"
                    case.domain_activities, case.domain_tools = "畑仕事、体操", "シルバーカー"
                    case.conversation_on = start
                connect_on = start + dt.timedelta(days=10)
                if stage in (CaseStatus.CONNECTED, CaseStatus.CLOSED):
                    case.connected_on = connect_on
                if stage == CaseStatus.CLOSED:
                    case.closed_on = min(today, connect_on + dt.timedelta(days=100))
                    case.outcome = Outcome.CONNECTED_CONTINUING if i % 2 == 0 else Outcome.MOVED
                case.save()
                created += 1
                CaseEvent.objects.create(case=case, to_status=CaseStatus.REFERRED, at=referred_at,
                                         by=referrer.user if referrer else None)
                if stage != CaseStatus.REFERRED:
                    CaseEvent.objects.create(case=case, from_status=CaseStatus.REFERRED, to_status=stage,
                                             at=referred_at + dt.timedelta(days=2), by=sc)
                if case.conversation_on:
                    WellbeingScore.objects.create(case=case, moment=WellbeingMoment.CONVERSATION,
                                                  recorded_on=start, **_ons4(rng))
                if stage in (CaseStatus.PLANNED, CaseStatus.CONNECTED, CaseStatus.CLOSED):
                    for g, (goal_text, other) in enumerate(GOALS):
                        goal = CaseGoal.objects.create(case=case, text=goal_text)
                        options = [CaseOption(goal=goal, kind=OptionKind.OTHER, label=other)]
                        if resources:
                            res = resources[(i + g) % len(resources)]
                            options.append(CaseOption(goal=goal, kind=OptionKind.RESOURCE, service=res,
                                                      label=res.name))
                        if stage != CaseStatus.PLANNED:
                            options[0].status, options[0].tried_on = OptionStatus.TRIED, connect_on
                            if len(options) > 1:
                                options[1].status = OptionStatus.CONTINUING
                                options[1].continuing_since = connect_on
                        CaseOption.objects.bulk_create(options)
                if case.connected_on:
                    two_weeks = case.connected_on + dt.timedelta(days=FOLLOW_UP_DAYS)
                    three_months = add_months(case.connected_on, FOLLOW_UP_MONTHS)
                    closed = stage == CaseStatus.CLOSED
                    FollowUp.objects.bulk_create([
                        FollowUp(case=case, due_on=two_weeks, done_on=two_weeks if two_weeks < today else None,
                                 done_by=sc if two_weeks < today else None,
                                 note="サロンに2回参加。楽しかったとのこと。" if two_weeks < today else ""),
                        FollowUp(case=case, due_on=three_months,
                                 done_on=three_months if closed and three_months <= today else None,
                                 cancelled=closed and three_months > today, done_by=sc if closed else None),
                    ])
                if stage == CaseStatus.CLOSED:
                    WellbeingScore.objects.create(case=case, moment=WellbeingMoment.CLOSURE,
                                                  recorded_on=case.closed_on, **_ons4(rng, shift=2))
    return {"cases": created}
