"""事故報告: incidents with severity, a follow-up workflow and the insurance policy that applies."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sasaeai.tenancy.models import Role

from . import selectors
from .events import audit
from .models import (
    Incident,
    IncidentKind,
    IncidentStatus,
    IncidentUpdate,
    InsurancePolicy,
    Severity,
)

#: Allowed follow-up moves.
FLOW = {
    IncidentStatus.REPORTED: {IncidentStatus.INVESTIGATING, IncidentStatus.ACTION_TAKEN, IncidentStatus.CLOSED},
    IncidentStatus.INVESTIGATING: {IncidentStatus.ACTION_TAKEN, IncidentStatus.CLOSED},
    IncidentStatus.ACTION_TAKEN: {IncidentStatus.INVESTIGATING, IncidentStatus.CLOSED},
    IncidentStatus.CLOSED: {IncidentStatus.INVESTIGATING},
}
#: Kinds that always go to the support centre (高齢者虐待防止法: 通報義務) regardless of severity.
ALWAYS_ESCALATE = {IncidentKind.ABUSE_CONCERN, IncidentKind.THEFT_ALLEGATION}
SERIOUS = {Severity.HIGH, Severity.CRITICAL}


def policy_for(municipality_id: int, on) -> InsurancePolicy | None:
    day = timezone.localdate(on) if timezone.is_aware(on) else on
    return (InsurancePolicy.objects.filter(municipality_id=municipality_id, valid_from__lte=day)
            .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day)).order_by("-valid_from").first())


def may_report(user, resident=None, booking=None) -> bool:
    if booking is not None and booking.helper.user_id == user.pk:
        return booking.helper.suspended_at is None
    if resident is not None:
        return selectors.is_care_staff_for(user, resident) or selectors.is_recipient_side(user, resident)
    return False


@transaction.atomic
def report(*, by, kind: str, severity: str, occurred_at, description: str, resident=None, booking=None,
           alert=None) -> Incident:
    if booking is not None and resident is None:
        resident = booking.request.recipient
    if resident is None:
        raise ValidationError({"resident": ValidationError(_("Say whom the incident concerns."), code="resident_required")})
    if not may_report(by, resident, booking):
        raise PermissionDenied(_("You are not allowed to do this."))
    if kind not in IncidentKind.values:
        raise ValidationError({"kind": ValidationError(_("Unknown kind."), code="invalid_kind")})
    if severity not in Severity.values:
        raise ValidationError({"severity": ValidationError(_("Unknown severity."), code="invalid_severity")})
    description = (description or "").strip()
    if len(description) < 5:
        raise ValidationError({"description": ValidationError(_("Describe what happened."), code="description_required")})
    if occurred_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"occurred_at": ValidationError(_("This time is in the future."), code="future")})
    incident = Incident.objects.create(
        municipality_id=resident.municipality_id, area_id=resident.area_id, resident=resident, booking=booking,
        helper=booking.helper if booking is not None else None, alert=alert, kind=kind, severity=severity,
        occurred_at=occurred_at, description=description[:4000], reported_by=by,
        insurance_policy=policy_for(resident.municipality_id, occurred_at),
    )
    IncidentUpdate.objects.create(incident=incident, by=by, status=IncidentStatus.REPORTED, note=_("Reported."))
    roles = [Role.COORDINATOR_L2, Role.COORDINATOR_L1]
    if kind in ALWAYS_ESCALATE or severity in SERIOUS:
        roles.append(Role.SUPPORT_CENTER)
    from sasaeai.notifications import notify

    for user in selectors.staff_covering(resident.municipality_id, resident.area_id, roles).exclude(pk=by.pk):
        notify(user, "safety.incident", {"url": f"/safety/incidents/{incident.pk}/", "severity": severity})
    audit(by, "incident.reported", municipality_id=incident.municipality_id, target=incident,
          details={"kind": kind, "severity": severity})
    return incident


@transaction.atomic
def follow_up(incident: Incident, *, by, status: str, note: str, policy_id: int | None = None) -> IncidentUpdate:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not selectors.scoped(Incident.objects.filter(pk=incident.pk), by).exists():
        raise PermissionDenied(_("You are not allowed to do this."))
    if status != incident.status and status not in FLOW.get(incident.status, set()):
        raise ValidationError({"status": ValidationError(_("This step is not possible from the current status."), code="illegal_transition")})
    note = (note or "").strip()
    if len(note) < 3:
        raise ValidationError({"note": ValidationError(_("Write what was done."), code="note_required")})
    if policy_id is not None:
        policy = InsurancePolicy.objects.filter(pk=policy_id, municipality_id=incident.municipality_id).first()
        if policy is None:
            raise ValidationError({"policy_id": ValidationError(_("Unknown insurance policy."), code="invalid_policy")})
        incident.insurance_policy = policy
    incident.status = status
    incident.closed_at = timezone.now() if status == IncidentStatus.CLOSED else None
    incident.save(update_fields=["status", "closed_at", "insurance_policy"])
    update = IncidentUpdate.objects.create(incident=incident, by=by, status=status, note=note[:2000])
    audit(by, "incident.updated", municipality_id=incident.municipality_id, target=incident,
          details={"status": status})
    return update
