"""Home panels of the cases app: the SC's follow-ups due today (overdue first) and the
unanswered referrals; the referrer's recent referrals."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasaeai.core.dashboard import Panel

from . import selectors
from .presentation import log_reads

ROWS = 10


def panels(request, membership) -> list[Panel]:
    user = request.user
    out = []
    if membership.role in selectors.CASE_ROLES or (membership.role == "operator" and membership.municipality_id):
        today = timezone.localdate()
        due = selectors.follow_ups_due(user, today)
        if membership.municipality_id:
            due = due.filter(case__municipality_id=membership.municipality_id)
        due_rows = list(due[:ROWS])
        unanswered = selectors.unanswered_referrals(user)
        if membership.municipality_id:
            unanswered = unanswered.filter(municipality_id=membership.municipality_id)
        referral_rows = list(unanswered[:ROWS])
        log_reads(request, [f.case for f in due_rows] + referral_rows, ("case_status",))
        out.append(Panel(_("Today's follow-ups"), "cases/panels/follow_ups.html", {
            "rows": due_rows, "count": due.count(), "today": today}, order=15))
        out.append(Panel(_("Unanswered referrals"), "cases/panels/referrals.html", {
            "rows": referral_rows, "count": unanswered.count(), "escalate_days": selectors.ESCALATE_AFTER_DAYS},
            order=16))
    elif membership.role == "support_center":
        out.append(Panel(_("Referrals"), "cases/panels/referrer.html", {
            "count": selectors.referrals_by(user).count()}, order=40))
    return out
