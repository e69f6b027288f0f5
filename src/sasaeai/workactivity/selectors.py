"""Reads of the work-like activities app, scoped inside the query.

* Work coordinators (就労的活動支援コーディネーター), layer-1 SCs, municipal administrators and
  the operator: every task and interest of their municipality.
* Partner staff: the tasks of their own organisation and their placements (display names).
* Everybody with an interest: open tasks that match it, and their own placements.
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sasaeai.partners.selectors import own_partner_ids
from sasaeai.tenancy.models import Role
from sasaeai.tenancy.selectors import is_operator, municipality_ids

from .models import (
    PlacementStatus,
    TaskStatus,
    WorkInterest,
    WorkParticipation,
    WorkPlacement,
    WorkTask,
)

#: Roles that rank candidates and confirm placements. The work coordinator exists in tenancy;
#: the layer-1 SC and the municipality's administrator may stand in for them.
WORK_ROLES = frozenset({Role.WORK_COORDINATOR, Role.COORDINATOR_L1, Role.MUNICIPAL_ADMIN, Role.OPERATOR})
#: Roles whose members may keep a work interest (older residents, helpers).
INTEREST_ROLES = frozenset({Role.RESIDENT, Role.HELPER})


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def managed_municipality_ids(user) -> set[int] | None:
    """None = every municipality (operator); otherwise where the user holds a work role."""
    if not _authenticated(user):
        return set()
    if is_operator(user):
        return None
    return municipality_ids(user, WORK_ROLES) or set()


def manages(user, municipality_id: int | None) -> bool:
    ids = managed_municipality_ids(user)
    return municipality_id is not None and (ids is None or municipality_id in ids)


def manages_any(user) -> bool:
    ids = managed_municipality_ids(user)
    return ids is None or bool(ids)


def partner_ids(user) -> list[int]:
    return own_partner_ids(user) if _authenticated(user) else []


def interest_of(user) -> WorkInterest | None:
    if not _authenticated(user):
        return None
    return WorkInterest.objects.filter(user=user).select_related("area", "municipality").first()


def interest_municipality_ids(user) -> set[int]:
    """Municipalities where the user may keep a work interest."""
    if not _authenticated(user):
        return set()
    return municipality_ids(user, INTEREST_ROLES) or set()


def _tasks() -> QuerySet[WorkTask]:
    live = Count("placements", filter=Q(placements__status=PlacementStatus.CONFIRMED))
    return WorkTask.objects.select_related("partner__organization", "area", "municipality").annotate(n_placed=live)


def offered_q(interest: WorkInterest | None) -> Q:
    """Open tasks of the person's municipality, of a kind they want, not yet over."""
    if interest is None or not interest.active:
        return Q(pk__in=[])
    today = timezone.localdate()
    return (Q(municipality_id=interest.municipality_id, status=TaskStatus.OPEN, category__in=interest.kinds)
            & (Q(date__gte=today) | Q(weekly_until__gte=today)))


def tasks_for(user) -> QuerySet[WorkTask]:
    """Tasks the user may read: managed municipality, own partner, offered or placed on."""
    if not _authenticated(user):
        return WorkTask.objects.none()
    managed = managed_municipality_ids(user)
    if managed is None:
        return _tasks()
    interest = interest_of(user)
    q = Q(municipality_id__in=managed) | Q(partner_id__in=partner_ids(user)) | offered_q(interest)
    if interest is not None:
        q |= Q(placements__interest=interest)
    return _tasks().filter(pk__in=WorkTask.objects.filter(q).values("pk"))


def managed_tasks(user) -> QuerySet[WorkTask]:
    managed = managed_municipality_ids(user)
    return _tasks() if managed is None else _tasks().filter(municipality_id__in=managed)


def may_manage_task(user, task: WorkTask) -> bool:
    return manages(user, task.municipality_id)


def is_task_partner(user, task: WorkTask) -> bool:
    return task.partner_id in partner_ids(user)


def may_post_for(user, partner) -> bool:
    """Partner staff for their own partner; work staff for any partner of their municipality."""
    return partner.pk in partner_ids(user) or manages(user, partner.municipality_id)


def postable_partners(user):
    from sasaeai.partners.models import PartnerProfile

    managed = managed_municipality_ids(user)
    qs = PartnerProfile.objects.select_related("organization", "municipality")
    if managed is None:
        return qs
    return qs.filter(Q(pk__in=partner_ids(user)) | Q(municipality_id__in=managed))


def placements_of_task(task: WorkTask) -> QuerySet[WorkPlacement]:
    return (WorkPlacement.objects.filter(task=task).select_related("interest__user")
            .prefetch_related("participations").order_by("status", "confirmed_at", "pk"))


def placements_of(user) -> QuerySet[WorkPlacement]:
    """The person's own placements."""
    if not _authenticated(user):
        return WorkPlacement.objects.none()
    return (WorkPlacement.objects.filter(interest__user=user).select_related("task__partner__organization",
                                                                             "task__area")
            .order_by("-task__date", "-pk"))


def placements_for(user) -> QuerySet[WorkPlacement]:
    """Placements the user may see: managed municipality, own partner's tasks, own."""
    if not _authenticated(user):
        return WorkPlacement.objects.none()
    managed = managed_municipality_ids(user)
    qs = WorkPlacement.objects.select_related("task", "interest__user")
    if managed is None:
        return qs
    return qs.filter(Q(task__municipality_id__in=managed) | Q(task__partner_id__in=partner_ids(user))
                     | Q(interest__user=user))


def may_record_participation(user, placement: WorkPlacement) -> bool:
    return may_manage_task(user, placement.task) or is_task_partner(user, placement.task)


def participants(municipality_id: int, start, end, area_id: int | None = None) -> QuerySet:
    """Different people who attended a work-like task between `start` and `end` (dates)."""
    from django.contrib.auth import get_user_model

    att = WorkParticipation.objects.filter(attended=True, date__gte=start, date__lte=end,
                                           placement__task__municipality_id=municipality_id)
    if area_id is not None:
        att = att.filter(placement__task__area_id=area_id)
    return get_user_model().objects.filter(pk__in=att.values("placement__interest__user_id")).order_by("pk")
