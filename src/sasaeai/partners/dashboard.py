"""Home panel of the partners app: a partner organisation's staff (協力事業者の職員) see their
work — report a worry, whether their last reports were handled, proposals the municipality
sent back for changes and the challenges open to them."""

from django.utils.translation import gettext_lazy as _

from sasaeai.core.dashboard import Panel
from sasaeai.tenancy.models import Role

from . import selectors, services
from .models import ChallengeStatus, ProposalStatus

#: How many of the latest reports the panel shows.
RECENT_RECEIPTS = 3


def panels(request, membership) -> list[Panel]:
    user = request.user
    own = selectors.own_partner_ids(user) if membership.role == Role.PARTNER else []
    if not own:
        return []
    receipts = services.alert_receipts(user, RECENT_RECEIPTS)
    changes = selectors.proposals_for(user).filter(partner_id__in=own, status=ProposalStatus.CHANGES).count()
    challenges = selectors.challenges_answerable_by(user).filter(status=ChallengeStatus.OPEN).count()
    return [Panel(_("Your organisation's partner work"), "partners/panels/staff.html", {
        "receipts": receipts, "changes": changes, "challenges": challenges}, order=25)]
