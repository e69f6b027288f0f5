"""担い手審査 on top of the helpers app: the community standards (行動規範) a helper agrees to
before the first visit with each new recipient, and suspension/reinstatement wrappers that
also write the safety audit trail."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .events import audit
from .models import StandardsAgreement

STANDARDS_VERSION = "2026-1"
STANDARDS = (
    gettext_lazy("I respect the person's dignity, wishes and privacy, and what they can still do themselves."),
    gettext_lazy("I never accept money, gifts, loans or valuables, and never handle cash cards or PINs."),
    gettext_lazy("I do not do bodily care (身体介護) unless the request requires and I hold the qualification."),
    gettext_lazy("I keep what I learn about the person and their home confidential, also after the visit."),
    gettext_lazy("I check in when I arrive and check out when I leave; I never bring other people."),
    gettext_lazy("In an emergency I call 119 first and then use the emergency button."),
    gettext_lazy("I report any concern about abuse, neglect or danger to the coordinator the same day."),
)


def standards() -> list[str]:
    return [str(line) for line in STANDARDS]


def has_agreed(profile, resident) -> bool:
    return StandardsAgreement.objects.filter(helper=profile, resident=resident, version=STANDARDS_VERSION).exists()


def require_agreement(profile, resident) -> None:
    """Call before a helper's first visit with a recipient (e.g. at check-in)."""
    if not has_agreed(profile, resident):
        raise ValidationError(
            _("Please read and agree to the community standards before your first visit with this person."),
            code="standards_not_agreed")


def agree(profile, resident, *, by) -> StandardsAgreement:
    if profile.user_id != by.pk:
        raise PermissionDenied(_("You are not allowed to do this."))
    if profile.suspended_at is not None:
        raise PermissionDenied(_("Your helper activity is suspended."))
    existing = StandardsAgreement.objects.filter(helper=profile, resident=resident, version=STANDARDS_VERSION).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            agreement = StandardsAgreement.objects.create(helper=profile, resident=resident,
                                                          version=STANDARDS_VERSION)
    except IntegrityError:
        return StandardsAgreement.objects.get(helper=profile, resident=resident, version=STANDARDS_VERSION)
    audit(by, "standards.agreed", municipality_id=resident.municipality_id, target=agreement,
          details={"helper": profile.pk, "resident": resident.pk, "version": STANDARDS_VERSION})
    return agreement


def suspend(profile, *, by, reason: str):
    """The helpers app's suspend (matching stops at once) plus the safety audit trail."""
    from sasaeai.helpers import services

    profile = services.suspend(profile, by, reason)
    audit(by, "helper.suspended", municipality_id=profile.municipality_id, target=profile)
    return profile


def reinstate(profile, *, by, reason: str):
    from sasaeai.helpers import services

    profile = services.reinstate(profile, by, reason)
    audit(by, "helper.reinstated", municipality_id=profile.municipality_id, target=profile)
    return profile
