"""Home panels of the points app: a helper's balance; a coordinator's credits to confirm; an
administrator's redemptions to approve."""

from django.utils.translation import gettext_lazy as _

from sasaeai.core.dashboard import Panel
from sasaeai.tenancy.models import Role

from . import selectors


def panels(request, membership) -> list[Panel]:
    user = request.user
    role = membership.role
    if role in (Role.HELPER, Role.RESIDENT, Role.PROXY):
        accounts = list(selectors.own_accounts(user).filter(municipality_id=membership.municipality_id))
        if not accounts:
            return []
        return [Panel(_("My points"), "points/panels/member.html", {"accounts": accounts}, order=40)]
    if role in (Role.COORDINATOR_L1, Role.COORDINATOR_L2):
        n = selectors.pending_credits(user).filter(municipality_id=membership.municipality_id).count()
        return [Panel(_("Points to confirm"), "points/panels/coordinator.html", {"pending": n}, order=40)]
    if role == Role.MUNICIPAL_ADMIN:
        n = selectors.pending_redemptions(user).filter(municipality_id=membership.municipality_id).count()
        m = selectors.pending_credits(user).filter(municipality_id=membership.municipality_id).count()
        return [Panel(_("Volunteer points"), "points/panels/admin.html", {"redemptions": n, "pending": m},
                      order=40)]
    return []
