"""Home dashboard panels per role. Apps add panels in their own `dashboard.py` with a
function `panels(request, membership) -> list[Panel]`."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from sasaeai.tenancy.models import Area, Membership, Municipality, Role
from sasaeai.tenancy.selectors import area_ids

from .plugins import project_modules


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


def panels_for(request, membership: Membership) -> list[Panel]:
    result: list[Panel] = []
    for _label, module in project_modules("dashboard"):
        provider = getattr(module, "panels", None)
        if provider is not None:
            result.extend(provider(request, membership))
    return sorted(result, key=lambda p: p.order)


STAFF_OVERVIEW_ROLES = {
    Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.MUNICIPAL_ADMIN, Role.SUPPORT_CENTER,
    Role.WORK_COORDINATOR, Role.COUNCIL_MEMBER,
}


def panels(request, membership: Membership) -> list[Panel]:
    """The core panels: a welcome for everybody, the municipality overview for staff,
    the tenant list for operators."""
    out = [Panel(_("Your role"), "core/panels/role.html", {"membership": membership}, order=0)]
    if membership.role == Role.OPERATOR and membership.municipality_id is None:
        municipalities = Municipality.objects.annotate(area_count=Count("areas")).order_by("code")[:200]
        out.append(Panel(_("Municipalities"), "core/panels/municipalities.html",
                         {"municipalities": municipalities}, order=10))
    elif membership.role in STAFF_OVERVIEW_ROLES:
        scope = area_ids(request.user, membership.municipality_id, {membership.role})
        areas = Area.objects.filter(municipality_id=membership.municipality_id, layer=2)
        if scope is not None:
            areas = areas.filter(pk__in=scope)
        areas = areas.annotate(resident_count=Count("residents")).order_by("name")
        # A layer-2 coordinator's home is today's work (follow-ups, needs, referrals, time):
        # their areas' reference figures come after it.
        layer2 = membership.role == Role.COORDINATOR_L2
        out.append(Panel(_("Your areas") if layer2 else _("Areas"), "core/panels/areas.html",
                         {"municipality": membership.municipality, "areas": areas}, order=90 if layer2 else 10))
    return out
