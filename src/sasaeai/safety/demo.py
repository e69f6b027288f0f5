"""Demo data of the safety app: consent decisions for the demo residents, emergency plans
for residents with a family proxy, the municipality's escalation rules and insurance
policy. Deterministic (town.rng) and idempotent (residents with decisions are skipped)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sasaeai.residents.models import Proxy, Resident
from sasaeai.tenancy.models import Membership, Role

from .emergency import rules_for
from .models import (
    ConsentBasis,
    ConsentEvent,
    ContactKind,
    EmergencyContact,
    EmergencyPlan,
    InsurancePolicy,
    Purpose,
)

#: Share of residents who consent per purpose (synthetic, plausible for a municipal programme).
RATES = {Purpose.MATCHING: 0.9, Purpose.SHARE_SUPPORT_CENTER: 0.75, Purpose.SHARE_CARE_MANAGER: 0.5,
         Purpose.STATISTICS: 0.65, Purpose.COMPANY_CONTACT: 0.1}


def seed(town) -> dict[str, int]:
    m = town.municipality
    rng = town.rng("safety.consent")
    recorder = (Membership.objects.filter(municipality=m, role__in=[Role.COORDINATOR_L2, Role.COORDINATOR_L1])
                .order_by("role", "user__email").select_related("user").first())
    recorder = recorder.user if recorder else None
    residents = list(Resident.objects.filter(municipality=m, demo_key__isnull=False).order_by("pk"))
    decided = set(ConsentEvent.objects.filter(resident__in=residents).values_list("resident_id", flat=True))
    proxies = {p.resident_id: p for p in Proxy.objects.filter(resident__in=residents).order_by("pk")}
    now = timezone.now()
    events, plans = [], 0
    with transaction.atomic():
        for resident in residents:
            draws = {p: rng.random() for p in RATES}
            basis_draw, days = rng.random(), rng.randint(10, 400)
            if resident.pk in decided:
                continue
            proxy = proxies.get(resident.pk)
            at = now - dt.timedelta(days=days)
            kind, relation = ("proxy", proxy.relation) if proxy and basis_draw < 0.5 else ("self", "")
            basis = ConsentBasis.WRITTEN if basis_draw < 0.8 else ConsentBasis.VERBAL
            for purpose, rate in RATES.items():
                events.append(ConsentEvent(resident=resident, purpose=purpose, granted=draws[purpose] < rate,
                                           giver_kind=kind, proxy_relation=relation, basis=basis,
                                           recorded_by=recorder, at=at))
            if proxy is not None and not EmergencyPlan.objects.filter(resident=resident).exists():
                plan = EmergencyPlan.objects.create(resident=resident, notes="", hospital="", updated_by=recorder)
                EmergencyContact.objects.create(plan=plan, order=1, kind=ContactKind.FAMILY,
                                                name=proxy.user.display_name, relation=proxy.get_relation_display(),
                                                phone=proxy.user.phone or "090-0000-0000", user=proxy.user)
                EmergencyContact.objects.create(plan=plan, order=2, kind=ContactKind.SUPPORT_CENTER,
                                                name="地域包括支援センター", phone="042-000-0000")
                plans += 1
        ConsentEvent.objects.bulk_create(events, batch_size=1000)
        rules_for(m.pk)
        _policy, created = InsurancePolicy.objects.get_or_create(
            municipality=m, name="ボランティア活動保険（デモ）",
            defaults={"insurer": "架空損害保険株式会社", "policy_number": "DEMO-0001",
                      "coverage": InsurancePolicy.Coverage.BOTH, "claim_contact": "社会福祉協議会 ボランティアセンター",
                      "valid_from": dt.date(now.year, 4, 1) if now.month >= 4 else dt.date(now.year - 1, 4, 1)})
    return {"consent_decisions": len(events), "emergency_plans": plans, "insurance_policies": int(created)}
