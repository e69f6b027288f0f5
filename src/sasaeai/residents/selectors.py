"""Which residents a user may see. Every read of residents goes through here."""

from django.db.models import Q, QuerySet

from sasaeai.tenancy.models import STAFF_ROLES
from sasaeai.tenancy.selectors import area_ids, is_operator, memberships_of

from .models import Resident


def residents_for_staff(user) -> QuerySet[Resident]:
    """Residents inside the areas of the user's staff memberships (operators: all)."""
    if is_operator(user):
        return Resident.objects.all()
    condition = Q(pk__in=[])
    for municipality_id in {m.municipality_id for m in memberships_of(user) if m.role in STAFF_ROLES}:
        scope = area_ids(user, municipality_id, STAFF_ROLES)
        if scope is None:
            condition |= Q(municipality_id=municipality_id)
        elif scope:
            condition |= Q(municipality_id=municipality_id, area_id__in=scope)
    return Resident.objects.filter(condition)


def residents_acted_for(user) -> QuerySet[Resident]:
    """The resident's own record and those the user is a proxy for."""
    if not getattr(user, "is_authenticated", False):
        return Resident.objects.none()
    return Resident.objects.filter(Q(user=user) | Q(proxies__user=user)).distinct()


def residents_visible_to(user) -> QuerySet[Resident]:
    """Staff scope plus own/proxied records."""
    return Resident.objects.filter(
        Q(pk__in=residents_for_staff(user).values("pk")) | Q(pk__in=residents_acted_for(user).values("pk"))
    )
