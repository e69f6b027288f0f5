"""Demo partners for the synthetic town: 23 partners of every kind with a branch in town, a
registration scheme (人生100年サポート企業) with registered, applied, declined and expired
entries, 6 agreements (one 包括連携, several 見守り), a dozen watch-over alerts (some handled)
and three challenges with proposals in every state (one already running as a directory
resource). Deterministic; a second call adds nothing."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from sasaeai.directory.models import Organization
from sasaeai.tenancy.models import Membership, Role

from . import services
from .models import AgreementType, PartnerKind, Registration, RegistrationScheme, RegistrationStatus

NAMES = [
    ("まちなかスーパー", PartnerKind.SHOP), ("はなまる信用金庫", PartnerKind.COMPANY), ("あおぞら生協", PartnerKind.COOP),
    ("みどり電力サービス", PartnerKind.COMPANY), ("こもれび新聞販売所", PartnerKind.SHOP), ("さくら薬局", PartnerKind.SHOP),
    ("市社会福祉協議会", PartnerKind.SHAKYO), ("NPOささえ愛", PartnerKind.NPO), ("地域大学 福祉学部", PartnerKind.UNIVERSITY),
    ("町内会連合会", PartnerKind.RESIDENT_GROUP), ("薬剤師会", PartnerKind.PROFESSIONAL), ("ひかり宅配", PartnerKind.COMPANY),
    ("ふれあい旅行社", PartnerKind.COMPANY), ("やすらぎ保険", PartnerKind.COMPANY), ("NPO移動支援の会", PartnerKind.NPO),
    ("商店会", PartnerKind.SHOP), ("ガス保安センター", PartnerKind.COMPANY), ("郵便局", PartnerKind.COMPANY),
    ("老人クラブ連合会", PartnerKind.RESIDENT_GROUP), ("歯科医師会", PartnerKind.PROFESSIONAL),
    ("看護大学", PartnerKind.UNIVERSITY), ("コンビニ駅前店", PartnerKind.SHOP),
    ("デイサービスひだまり", PartnerKind.CARE_PROVIDER),
]
SIGN_SETS = [["post_piling"], ["lights", "laundry"], ["post_piling", "lights", "not_seen"], ["confusion"],
             ["same_clothes", "confusion"], ["smell"], ["not_seen"], ["laundry"], ["confusion", "same_clothes", "smell"],
             ["post_piling", "not_seen"], ["lights"], ["collapsed"]]


def seed(town) -> dict[str, int]:
    from sasaeai.needs.models import NeedStatus
    from sasaeai.needs.services import need_change_status

    municipality = town.municipality
    areas = list(town.areas)
    if not areas or RegistrationScheme.objects.filter(municipality=municipality, demo_key="scheme").exists():
        return {"partners": 0}
    l1 = (Membership.objects.filter(municipality=municipality, role__in=[Role.COORDINATOR_L1, Role.MUNICIPAL_ADMIN])
          .order_by("role", "pk").values_list("user", flat=True).first())
    partner_users = list(Membership.objects.filter(municipality=municipality, role=Role.PARTNER)
                         .order_by("pk").values_list("user", flat=True))
    from django.contrib.auth import get_user_model

    contact = get_user_model().objects.filter(pk=l1).first()
    today = timezone.localdate()
    with transaction.atomic():
        profiles = []
        for n, (name, kind) in enumerate(NAMES):
            org, _created = Organization.objects.get_or_create(
                municipality=municipality, demo_key=f"partner-{n}", defaults={"name": name})
            if n == 0 and partner_users:
                org.members.add(*partner_users)
            profiles.append(services.partner_create(
                by=None, organization=org, kind=kind, sectors=kind.label, contact_name="担当者",
                branches=[{"name": f"{name} {areas[n % len(areas)].name}店",
                           "address": f"{municipality.name}{areas[n % len(areas)].name}{n + 1}-1"}],
                demo_key=f"partner-{n}"))
        scheme = RegistrationScheme.objects.create(municipality=municipality, name="人生100年サポート企業",
                                                   categories="運動・栄養・社会参加・生活支援", years=2, demo_key="scheme")
        for n, profile in enumerate(profiles):
            registration = services.registration_apply(by=None, scheme=scheme, partner=profile, demo_key=f"reg-{n}")
            if n in (20, 21):
                continue  # waiting for review
            if n == 19:
                services.registration_review(by=None, registration=registration, approve=False,
                                             reason="市内の活動実績を確認できませんでした")
                continue
            registered_on = today - timedelta(days=30 * (n % 8)) if n < 15 else today - timedelta(days=800)
            services.registration_review(by=None, registration=registration, approve=True, today=registered_on)
        Registration.objects.filter(scheme=scheme, status=RegistrationStatus.REGISTERED,
                                    expires_on__lt=today).update(status=RegistrationStatus.EXPIRED)
        agreements = 0
        if contact is not None:
            fy = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
            specs = [
                (AgreementType.COMPREHENSIVE, "地域共生社会に関する包括連携協定", [8], ["見守り", "買い物支援", "人材育成"], True),
                (AgreementType.WATCH_OVER, "高齢者見守り協定（スーパー）", [0], ["異変の連絡", "認知症サポーター養成"], True),
                (AgreementType.WATCH_OVER, "高齢者見守り協定（電力）", [3], ["検針時の異変の連絡"], True),
                (AgreementType.WATCH_OVER, "高齢者見守り協定（新聞）", [4], ["新聞の滞留の連絡"], False),
                (AgreementType.WATCH_OVER, "高齢者見守り協定（宅配）", [11, 17], ["配達時の異変の連絡"], True),
                (AgreementType.INDIVIDUAL, "移動販売に関する協定", [2], ["移動販売車の運行", "販売場所の提供"], False),
            ]
            for n, (kind, title, parties, items, auto) in enumerate(specs):
                signed = fy + timedelta(days=20 * n) if n < 4 else fy - timedelta(days=200 + 30 * n)
                services.agreement_create(
                    by=None, municipality=municipality, type=kind, title=title, parties=[profiles[p] for p in parties],
                    signed_on=signed, starts_on=signed, ends_on=signed + timedelta(days=3 * 365 - 1), auto_renew=auto,
                    contact_person=contact, items=items, demo_key=f"agreement-{n}")
                agreements += 1
        alerts = []
        for n, signs in enumerate(SIGN_SETS):
            alerts.append(services.alert_report(
                by=None, partner=profiles[n % 5], signs=signs, text="いつもと様子が違いました",
                place=f"{areas[n % len(areas)].name} {n + 1}丁目の角の家", area=areas[n % len(areas)],
                emergency_called=True, demo_key=f"alert-{n}"))
        for alert in alerts[:5]:
            need_change_status(need=alert.need, by=None, to=NeedStatus.TRIAGED)
            need_change_status(need=alert.need, by=None, to=NeedStatus.CLOSED, note="訪問して確認済み")
        registered = [p for p in profiles
                      if Registration.objects.filter(partner=p, status=RegistrationStatus.REGISTERED).exists()]
        challenges = [
            services.challenge_create(by=None, municipality=municipality, category="shopping", area=areas[-1],
                                      title="坂の上の買い物", business_terms="週1回、重い物を家まで届ける仕組み",
                                      offer="広報、販売場所（集会所）の紹介", demo_key="challenge-0"),
            services.challenge_create(by=None, municipality=municipality, category="going_out", area=areas[0],
                                      title="通院の足", business_terms="平日午前の通院送迎", offer="広報",
                                      demo_key="challenge-1"),
            services.challenge_create(by=None, municipality=municipality, category="isolation", area=None,
                                      title="話し相手", business_terms="日中ひとりの方との定期的な会話",
                                      offer="会場、民生委員の紹介", demo_key="challenge-2"),
        ]
        proposals = 0
        for c_n, challenge in enumerate(challenges):
            for s_n, state in enumerate(["submitted", "changes", "declined", "pilot", "running"]):
                partner = registered[(c_n * 5 + s_n) % len(registered)]
                p = services.proposal_submit(by=None, challenge=challenge, partner=partner,
                                             description=f"{partner.organization.name}の提案：{challenge.title}",
                                             area_text=areas[-1].name, price="1回300円",
                                             demo_key=f"proposal-{c_n}-{s_n}")
                proposals += 1
                if state == "changes":
                    services.proposal_review(by=None, proposal=p, decision="changes", reason="実施曜日を明記してください")
                elif state == "declined":
                    services.proposal_review(by=None, proposal=p, decision="decline", reason="対象地域外のため")
                elif state in ("pilot", "running"):
                    services.proposal_review(by=None, proposal=p, decision="accept")
                    services.pilot_progress(by=None, proposal=p, progress=40, note="試行2回目")
                    if state == "running" and c_n == 0:
                        services.pilot_go_live(by=None, proposal=p)
        services.challenge_close(by=None, challenge=challenges[1])
    return {"partners": len(profiles), "agreements": agreements, "watch_alerts": len(alerts), "proposals": proposals}
