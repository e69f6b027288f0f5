"""Dashboard panels: a coordinator's helper review summary (flagged helpers and pending
verifications); a helper's own status."""

from django.utils.translation import gettext_lazy as _

from sasaeai.core.dashboard import Panel
from sasaeai.tenancy.models import Role

from . import selectors
from .models import HelperProfile, IdentityStatus, QualificationStatus


def panels(request, membership) -> list[Panel]:
    user = request.user
    if membership.role in selectors.REVIEWER_ROLES and membership.municipality_id is not None:
        scope = selectors.profiles_for_staff(user, {membership.role}).filter(
            municipality_id=membership.municipality_id
        )
        context = {
            "pending_qualifications": selectors.pending_qualifications(user).filter(
                profile__in=scope, status=QualificationStatus.SUBMITTED).count(),
            "pending_identity": scope.filter(identity_status=IdentityStatus.SUBMITTED).count(),
            "suspended": scope.filter(suspended_at__isnull=False).count(),
            "flagged": list(scope.filter(flagged_at__isnull=False).order_by("-flagged_at", "pk")[:10]),
        }
        return [Panel(_("Helpers needing attention"), "helpers/panels/review.html", context, order=30)]
    if membership.role == Role.HELPER:
        profile = HelperProfile.objects.filter(user=user).first()
        if profile is None:
            return []
        from sasaeai.notifications.selectors import unread_count

        return [Panel(_("My helper status"), "helpers/panels/me.html", {
            "profile": profile,
            "pending": profile.qualifications.filter(status=QualificationStatus.SUBMITTED).count(),
            "unread": unread_count(user),
        }, order=20)]
    return []
