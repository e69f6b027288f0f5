"""Reads of the worklife app. Who may see what is inside every query:

* a work-support care manager (a `WorkSupportCareManager` listing whose helper profile holds the
  verified "work_support_cm" qualification) sees the consultations assigned to them;
* an employer's HR contact (`EmployerContact`) sees the employer's checklist — of the cases the
  employee shared with the employer, by reference only — and k-suppressed counts. No selector
  for the employer side returns a Consultation row or its text;
* a 地域包括支援センター worker (support_center role) sees the handovers to their areas, with only
  what the consent allowed."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from sasaeai.core.suppression import k_public, suppress_counts
from sasaeai.tenancy.models import Role
from sasaeai.tenancy.selectors import area_ids, municipality_ids

from .models import (
    ChecklistItem,
    Consultation,
    ConsultationStatus,
    Contract,
    Employer,
    FollowUp,
    Handover,
    ItemKind,
    NoticeMethod,
    SizeBand,
    Topic,
    WorkSupportCareManager,
)

QUALIFICATION = "work_support_cm"
#: Who receives handovers (the 地域包括支援センター of the family member's area).
HANDOVER_ROLES = frozenset({Role.SUPPORT_CENTER})


def qualified_care_managers() -> QuerySet[WorkSupportCareManager]:
    """Listings whose account holds the verified qualification (and is active)."""
    return WorkSupportCareManager.objects.filter(
        user__is_active=True, user__helper_profile__qualifications__code=QUALIFICATION,
        user__helper_profile__qualifications__status="verified").distinct()


def care_manager_of(user) -> WorkSupportCareManager | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return qualified_care_managers().filter(user=user).select_related("municipality", "office").first()


def is_care_manager(user) -> bool:
    return care_manager_of(user) is not None


def consultations_for(user) -> QuerySet[Consultation]:
    """The consultations the user works on: only the assigned, qualified care manager."""
    cm = care_manager_of(user)
    if cm is None:
        return Consultation.objects.none()
    return Consultation.objects.filter(care_manager=cm).select_related("employer", "family_municipality",
                                                                       "family_area")


def employers_for_care_manager(user) -> QuerySet[Employer]:
    """Employers the care manager created or holds a contract with."""
    cm = care_manager_of(user)
    if cm is None:
        return Employer.objects.none()
    from django.db.models import Q

    return Employer.objects.filter(Q(contracts__care_manager=cm) | Q(created_by=user)).distinct()


def employers_for_contact(user) -> QuerySet[Employer]:
    if not getattr(user, "is_authenticated", False):
        return Employer.objects.none()
    return Employer.objects.filter(contacts__user=user)


def is_employer_contact(user) -> bool:
    return employers_for_contact(user).exists()


def employers_visible(user) -> QuerySet[Employer]:
    """The employer pages (checklist, counts): the HR contact and the contracted care manager."""
    ids = set(employers_for_contact(user).values_list("pk", flat=True))
    ids |= set(employers_for_care_manager(user).values_list("pk", flat=True))
    return Employer.objects.filter(pk__in=ids)


def contract_in_force(employer: Employer, day: date | None = None) -> Contract | None:
    day = day or timezone.localdate()
    return (employer.contracts.filter(starts_on__lte=day, ends_on__gte=day)
            .filter(care_manager__in=qualified_care_managers()).order_by("-starts_on", "pk").first())


def checklist_for_employer(employer: Employer) -> QuerySet[ChecklistItem]:
    """The employer's checklist as its HR contact sees it: employer-wide duties and the duties
    of cases the employee shared with the employer (not withdrawn). Deliberately loads no
    consultation field except its reference (see `ChecklistRow`)."""
    return (ChecklistItem.objects.filter(employer=employer)
            .exclude(consultation__status=ConsultationStatus.WITHDRAWN)
            .exclude(consultation__shared_with_employer=False)
            .select_related(None).order_by("consultation_id", "due_on", "pk"))


def checklist_rows(employer: Employer) -> list[dict]:
    """Plain rows for the employer side: the case reference and the duty — never a name."""
    rows = []
    items = checklist_for_employer(employer).values(
        "pk", "kind", "due_on", "done_on", "method", "notice_items", "note", "consultation_id",
        "consultation__reference")
    today = timezone.localdate()
    for row in items:
        rows.append({
            "id": row["pk"], "kind": row["kind"], "due_on": row["due_on"], "done_on": row["done_on"],
            "method": row["method"], "notice_items": row["notice_items"], "note": row["note"],
            "reference": row["consultation__reference"] or "",
            "overdue": row["done_on"] is None and row["due_on"] < today,
            "label": str(ItemKind(row["kind"]).label),
            "method_label": str(NoticeMethod(row["method"]).label) if row["method"] in NoticeMethod.values else "",
        })
    return rows


def item_row(item: ChecklistItem) -> dict:
    """The same row shape for the care manager's page."""
    today = timezone.localdate()
    return {"id": item.pk, "kind": item.kind, "due_on": item.due_on, "done_on": item.done_on, "method": item.method,
            "notice_items": item.notice_items, "note": item.note, "reference": "",
            "overdue": item.done_on is None and item.due_on < today, "label": str(item.get_kind_display()),
            "method_label": str(item.get_method_display()) if item.method else ""}


def employer_counts(employer: Employer, *, months: int = 12, today: date | None = None,
                    k: int | None = None) -> dict:
    """Consultations of the employer by month, department size band and topic, each a
    k-suppressed row (complementary suppression of `core.suppression`). Only counts leave."""
    k = k or k_public()
    today = today or timezone.localdate()
    rows = list(Consultation.objects.filter(employer=employer).values_list("requested_at", "department_size",
                                                                            "topics"))
    total = len(rows)
    month_keys = []
    y, m = today.year, today.month
    for _i in range(months):
        month_keys.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    month_keys.reverse()
    by_month = Counter(timezone.localtime(at).strftime("%Y-%m") for at, _s, _t in rows)
    by_size = Counter(size for _a, size, _t in rows)
    by_topic = Counter(t for _a, _s, topics in rows for t in (topics or []) if t in Topic.values)
    months_row = suppress_counts({key: by_month.get(key, 0) for key in month_keys}, k, total=total)
    size_row = suppress_counts({b.value: by_size.get(b.value, 0) for b in SizeBand}, k, total=total)
    # Topics: one consultation may have several, so the topic row has no total of people.
    topic_row = suppress_counts({t.value: by_topic.get(t.value, 0) for t in Topic}, k)
    return {
        "k": k, "total": months_row.total,
        "by_month": [{"key": key, "count": months_row.counts[key]} for key in month_keys],
        "by_size": [{"key": b.value, "label": str(b.label), "count": size_row.counts[b.value]} for b in SizeBand],
        "by_topic": [{"key": t.value, "label": str(t.label), "count": topic_row.counts[t.value]} for t in Topic],
    }


def handovers_for(user) -> QuerySet[Handover]:
    """Handovers to the areas the user covers as a 地域包括支援センター worker."""
    if not getattr(user, "is_authenticated", False):
        return Handover.objects.none()
    ids = municipality_ids(user, HANDOVER_ROLES)
    if ids is None:
        return Handover.objects.all()
    from django.db.models import Q

    condition = Q(pk__in=[])
    for mid in ids:
        scope = area_ids(user, mid, HANDOVER_ROLES)
        condition |= Q(municipality_id=mid) if scope is None else Q(municipality_id=mid, area_id__in=scope)
    return Handover.objects.filter(condition).select_related("municipality", "area", "consultation")


def may_receive_handovers(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    ids = municipality_ids(user, HANDOVER_ROLES)
    return ids is None or bool(ids)


def follow_ups_due(user, day: date | None = None) -> QuerySet[FollowUp]:
    day = day or timezone.localdate()
    return (FollowUp.objects.filter(consultation__in=consultations_for(user).values("pk"), due_on__lte=day,
                                    done_on__isnull=True)
            .select_related("consultation").order_by("due_on", "pk"))


def overdue_items_for_care_manager(user, day: date | None = None) -> QuerySet[ChecklistItem]:
    day = day or timezone.localdate()
    employers = employers_for_care_manager(user)
    return (ChecklistItem.objects.filter(employer__in=employers.values("pk"), done_on__isnull=True, due_on__lt=day)
            .exclude(consultation__status=ConsultationStatus.WITHDRAWN)
            .select_related("employer", "consultation").order_by("due_on", "pk"))


def public_directory(municipality_id: int | None = None, area_id: int | None = None):
    """Listed, qualified work-support care managers with their districts (a public page)."""
    qs = qualified_care_managers().filter(published=True).select_related("user", "office", "municipality")
    if municipality_id:
        qs = qs.filter(municipality_id=municipality_id)
    if area_id:
        qs = qs.filter(areas__id=area_id)
    return qs.prefetch_related("areas").order_by("municipality__name", "pk")


def retention(consultations: QuerySet[Consultation], months: int, today: date | None = None) -> tuple[int, int]:
    """(still employed, known): see `retention_ids`."""
    kept, known = retention_ids(consultations, months, today)
    return len(kept), len(known)


def retention_ids(consultations: QuerySet[Consultation], months: int,
                  today: date | None = None) -> tuple[set[int], set[int]]:
    """(still employed, known) `months` after the interview, over consultations whose interview
    is at least that long ago. Known = left work (left_work_on) by then, or an employment
    check or follow-up done on/after that day saying still employed. Unknown ones are left out."""
    from .services import add_months

    today = today or timezone.localdate()
    rows = (consultations.exclude(status=ConsultationStatus.WITHDRAWN).filter(interviewed_on__isnull=False)
            .values_list("pk", "interviewed_on", "left_work_on"))
    candidates = {}
    for pk, interviewed_on, left_on in rows:
        horizon = add_months(interviewed_on, months)
        if horizon <= today:
            candidates[pk] = (horizon, left_on)
    if not candidates:
        return set(), set()
    employed_checks: dict[int, list[date]] = {}
    for cid, done_on in FollowUp.objects.filter(consultation_id__in=list(candidates), done_on__isnull=False,
                                                still_employed=True).values_list("consultation_id", "done_on"):
        employed_checks.setdefault(cid, []).append(done_on)
    kept: set[int] = set()
    known: set[int] = set()
    for pk, (horizon, left_on) in candidates.items():
        if left_on is not None and left_on <= horizon:
            known.add(pk)
        elif any(d >= horizon for d in employed_checks.get(pk, ())):
            known.add(pk)
            kept.add(pk)
    return kept, known
