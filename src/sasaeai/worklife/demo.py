"""Demo work and care: three employers of different sizes (each with an HR contact account and a
contract), two work-support care managers of one office (verified qualification, listed in the
public directory), 40 consultations in every state with checklists, plans, follow-ups and
closures, and one cross-municipality handover: an employee's mother lives in a neighbouring
synthetic town (さくら町), whose 地域包括支援センター receives it with the employee's consent.
Deterministic (town.rng, fixed offsets) and idempotent (demo_key)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from sasaeai.accounts.models import User
from sasaeai.helpers.models import HelperProfile, HelperQualification
from sasaeai.tenancy import services as tenancy
from sasaeai.tenancy.codes import with_check_digit
from sasaeai.tenancy.models import Area, Membership, Municipality, Role

from .models import (
    CASE_ITEMS,
    EMPLOYER_ITEMS,
    CareManagerOffice,
    ChecklistItem,
    Consultation,
    ConsultationStatus,
    Contract,
    Employer,
    EmployerContact,
    FollowUp,
    FollowUpKind,
    Handover,
    HandoverConsent,
    Outcome,
    Plan,
    WorkSupportCareManager,
)
from .services import add_months

EMPLOYERS = (("ささえ精機株式会社", "1000_plus"), ("みどり運輸株式会社", "50_299"), ("ひかり会計事務所", "under_50"))
#: 40 consultations: (status, days since the request) — every state, some a year old (retention).
STATES = ([(ConsultationStatus.REQUESTED, d) for d in (1, 3, 6, 9, 12, 20)]
          + [(ConsultationStatus.RECORDED, d) for d in (8, 15, 25, 33, 40, 52, 60, 75)]
          + [(ConsultationStatus.PLANNED, d) for d in (30, 45, 60, 70, 90, 110, 130, 150, 170, 200)]
          + [(ConsultationStatus.CLOSED, d) for d in (200, 230, 260, 290, 320, 350, 380, 400, 420, 450, 480, 510)]
          + [(ConsultationStatus.WITHDRAWN, d) for d in (14, 40, 80, 120)])
TOPICS = (["leave", "hours"], ["dementia", "care_services"], ["long_distance", "leave"], ["telework", "finances"],
          ["care_services"], ["hours", "dementia"])
SITUATIONS = ("母が一人暮らしで、最近転倒した。要介護認定を申請中。", "父に認知症の症状が出てきた。日中独居。",
              "遠方に住む母が退院予定。住まいの選択を迷っている。", "義父の通院の付き添いが週2回必要。")
OUTCOMES = (Outcome.KEPT_WORKING, Outcome.CHANGED_HOURS, Outcome.LEAVE_RETURNED, Outcome.KEPT_WORKING,
            Outcome.LEFT_WORK, Outcome.CHANGED_HOURS)
NEIGHBOUR = ("13995", "さくら町", "さくらまち")


def _email(town, local: str) -> str:
    from sasaeai.demo.generator import demo_email

    return demo_email(town.scale, local)


def _user(email: str, name: str, password: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(email=email, display_name=name, password=password)
    return user


def _care_manager(town, user, key: str, office, areas) -> WorkSupportCareManager:
    m = town.municipality
    profile, _c = HelperProfile.objects.get_or_create(user=user, defaults={"municipality": m})
    if not HelperQualification.objects.filter(demo_key=f"{key}-q").exists():
        HelperQualification.objects.create(profile=profile, code="work_support_cm", status="verified",
                                           reviewed_at=timezone.now(), certificate_number=f"WSCM-{key[-1]}001",
                                           demo_key=f"{key}-q")
    cm = WorkSupportCareManager.objects.filter(demo_key=key).first()
    if cm is None:
        cm = WorkSupportCareManager.objects.create(
            user=user, municipality=m, office=office, demo_key=key,
            offers=["employee_consultation", "employer_measures", "seminars", "family_support", "long_distance"],
            about="主任ケアマネジャー。仕事と介護の両立について、従業員と会社の両方から相談を受けます。")
        cm.areas.set(areas)
    return cm


def _neighbour(town, password: str):
    """A small neighbouring synthetic town where one employee's mother lives."""
    from sasaeai.demo.generator import demo_totp_key

    code = with_check_digit(NEIGHBOUR[0])
    m = Municipality.objects.filter(code=code).first()
    if m is None:
        m = tenancy.create_municipality(code=code, name=NEIGHBOUR[1], name_kana=NEIGHBOUR[2], prefecture="13",
                                        population=9_000, population_65_plus=3_100, population_75_plus=1_800,
                                        center_lat=35.70, center_lon=139.20, is_synthetic=True)
    area = Area.objects.filter(municipality=m, layer=2).order_by("pk").first()
    if area is None:
        area = tenancy.create_area(municipality=m, name="さくら中学校区", center_lat=35.70, center_lon=139.20)
    user = _user(_email(town, "sakura-center"), "さくら町地域包括支援センター", password)
    if not Membership.objects.filter(user=user, municipality=m, role=Role.SUPPORT_CENTER).exists():
        tenancy.create_membership(user=user, municipality=m, role=Role.SUPPORT_CENTER, areas=[area])
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.get_or_create(user=user, name="demo", defaults={
        "key": demo_totp_key(user.email, town.seed), "confirmed": True})
    return m, area


def seed(town) -> dict[str, int]:
    from sasaeai.demo.generator import DEMO_PASSWORD

    m = town.municipality
    rng = town.rng("worklife")
    today = timezone.localdate()
    now = timezone.now()
    password = make_password(DEMO_PASSWORD)
    created = 0
    with transaction.atomic():
        office = CareManagerOffice.objects.filter(demo_key=f"wl-office-{m.code}").first() or \
            CareManagerOffice.objects.create(municipality=m, name="ささえ居宅介護支援事業所", phone="042-000-1234",
                                             demo_key=f"wl-office-{m.code}")
        first = User.objects.filter(email=_email(town, "wcm")).first()
        if first is None:
            first = _user(_email(town, "wcm"), "ワークサポート ケアマネ", password)
            tenancy.create_membership(user=first, municipality=m, role=Role.WORK_SUPPORT_CM)
        second = User.objects.filter(email=_email(town, "wcm2")).first()
        if second is None:
            second = _user(_email(town, "wcm2"), "両立支援 ケアマネ二", password)
            tenancy.create_membership(user=second, municipality=m, role=Role.WORK_SUPPORT_CM)
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from sasaeai.demo.generator import demo_totp_key

        for cm_user in (first, second):  # care data: two-factor log-in, a stable demo key
            TOTPDevice.objects.get_or_create(user=cm_user, name="demo", defaults={
                "key": demo_totp_key(cm_user.email, town.seed), "confirmed": True})
        half = max(1, len(town.areas) // 2)
        cms = [_care_manager(town, first, f"wl-cm-{m.code}-1", office, town.areas[:half]),
               _care_manager(town, second, f"wl-cm-{m.code}-2", office, town.areas[half:])]
        neighbour, neighbour_area = _neighbour(town, password)
        employers, contracts = [], []
        for i, (name, size) in enumerate(EMPLOYERS):
            key = f"wl-employer-{m.code}-{i}"
            employer = Employer.objects.filter(demo_key=key).first()
            if employer is None:
                employer = Employer.objects.create(municipality=m, name=name, size_band=size, demo_key=key,
                                                   created_by=cms[i % 2].user)
            hr = _user(_email(town, f"hr-{i + 1}"), f"{name} 人事担当", password)
            EmployerContact.objects.get_or_create(employer=employer, user=hr)
            contract = employer.contracts.order_by("pk").first()
            if contract is None:
                start = add_months(today, -18)
                contract = Contract.objects.create(employer=employer, care_manager=cms[i % 2], starts_on=start,
                                                   ends_on=add_months(today, 18))
                ChecklistItem.objects.bulk_create([
                    ChecklistItem(employer=employer, kind=kind, due_on=start + dt.timedelta(days=90),
                                  done_on=(start + dt.timedelta(days=60 + 10 * n)) if n < 3 + (i == 0) else None)
                    for n, kind in enumerate(EMPLOYER_ITEMS)])
            employers.append(employer)
            contracts.append(contract)
        for n, (status, days) in enumerate(STATES):
            key = f"wl-c-{m.code}-{n}"
            draws = (rng.randint(0, 5), rng.randint(0, 3), rng.randint(0, 3), rng.random())
            if Consultation.objects.filter(demo_key=key).exists():
                continue
            e = n % 3
            employer, contract = employers[e], contracts[e]
            requested_at = now - dt.timedelta(days=days, hours=n % 7)
            requested_on = timezone.localtime(requested_at).date()
            interviewed = requested_on + dt.timedelta(days=3) if status not in (
                ConsultationStatus.REQUESTED, ConsultationStatus.WITHDRAWN) else None
            shared = status != ConsultationStatus.REQUESTED and draws[3] < 0.6
            long_distance = n == 10  # the cross-municipality case
            c = Consultation(
                employer=employer, contract=contract, care_manager=contract.care_manager, status=status,
                requested_at=requested_at, employee_name=f"従業員{n + 1:02d}", employee_contact=f"employee{n + 1}@"
                f"example.test", department_size=["under_50", "50_299", "300_999", "1000_plus"][draws[1]],
                topics=TOPICS[draws[0]] + (["long_distance"] if long_distance else []),
                request_note="親の介護が始まり、仕事を続けられるか不安です。", demo_key=key,
                shared_with_employer=shared)
            if interviewed:
                c.interviewed_on = min(interviewed, today)
                c.relation, c.care_level = ["child", "child_in_law"][n % 2], ["support_2", "care_1", "care_2",
                                                                             "care_3"][draws[2]]
                c.family_situation = SITUATIONS[draws[2]]
                c.work_situation, c.wishes = "製造部門、交替勤務。", "仕事を続けながら介護の体制を整えたい。"
                if long_distance:
                    c.family_municipality, c.family_area = neighbour, neighbour_area
                    c.family_situation = "さくら町で一人暮らしの母。最近もの忘れが増え、火の不始末があった。"
                else:
                    area = town.areas[n % len(town.areas)]
                    c.family_municipality, c.family_area = m, area
            if status == ConsultationStatus.CLOSED:
                c.closed_on = min(today, c.interviewed_on + dt.timedelta(days=120))
                c.outcome = OUTCOMES[n % len(OUTCOMES)]
                if c.outcome == Outcome.LEFT_WORK:
                    c.left_work_on = c.closed_on
            if status == ConsultationStatus.WITHDRAWN:
                c.outcome_note = "本人の都合で取り下げ。"
            c.save()
            created += 1
            if shared:
                ChecklistItem.objects.bulk_create([
                    ChecklistItem(employer=employer, consultation=c, kind=kind,
                                  due_on=requested_on + dt.timedelta(days=14),
                                  done_on=(requested_on + dt.timedelta(days=5 + k)) if (days > 20 or k == 0) and
                                  (n + k) % 5 else None,
                                  method="interview" if k == 0 else "",
                                  notice_items=["care_leave", "support_measures", "where_to_apply", "benefit"]
                                  if k == 0 else [])
                    for k, kind in enumerate(CASE_ITEMS)])
            if status in (ConsultationStatus.PLANNED, ConsultationStatus.CLOSED):
                Plan.objects.create(consultation=c, goals="介護保険サービスを使い、働き方を調整して仕事を続ける。",
                                    leave_from=c.interviewed_on + dt.timedelta(days=14),
                                    leave_until=c.interviewed_on + dt.timedelta(days=28),
                                    work_changes="3か月間の短時間勤務（6時間）", work_changes_from=c.interviewed_on
                                    + dt.timedelta(days=30), handover_at_work="担当顧客を同僚と分担",
                                    care_services="ケアマネジャーと相談しデイサービスを週2回")
                for months in (1, 3):
                    due = add_months(c.interviewed_on, months)
                    done = due if due < today else None
                    FollowUp.objects.create(consultation=c, due_on=max(due, today) if done is None else due,
                                            done_on=done, still_employed=True if done else None,
                                            note="制度を利用し、勤務を続けている。" if done else "")
            if status == ConsultationStatus.CLOSED and c.outcome != Outcome.LEFT_WORK:
                for months in (6, 12):
                    due = add_months(c.interviewed_on, months)
                    done = due if due <= today else None
                    FollowUp.objects.create(consultation=c, kind=FollowUpKind.EMPLOYMENT, due_on=due, done_on=done,
                                            still_employed=True if done else None)
            if long_distance:
                consent = HandoverConsent.objects.create(consultation=c, granted=True, scope=["situation", "contact"],
                                                         basis="written", recorded_by=contract.care_manager.user)
                Handover.objects.create(
                    consultation=c, kind="support_center", municipality=neighbour, area=neighbour_area,
                    consent=consent, sent_by=contract.care_manager.user,
                    shared={"reference": c.reference, "relation": c.relation, "care_level": c.care_level,
                            "situation": c.family_situation, "employee_name": c.employee_name,
                            "employee_contact": c.employee_contact,
                            "note": "週末に帰省します。見守りと介護保険の申請について相談したいそうです。"})
    return {"consultations": created}
