"""緊急対応: emergency plans, the 「緊急」 button and escalation along the chain.

Pressing the button first shows 119 guidance (the page and the API return it before
anything else); then the first contact of the recipient's plan is notified and the
coordinators named in the municipality's rule set are informed. A step that is not
acknowledged within the rule set's time escalates to the next contact; when the chain is
exhausted the fallback roles are called. `run_escalations(now)` does the timing and is run
by `sasaeai run_monitors` (cron / worker).
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sasaeai.residents.models import Resident
from sasaeai.tenancy.models import Role
from sasaeai.tenancy.selectors import in_tenant

from . import selectors
from .events import audit
from .models import (
    AlertStatus,
    AlertStep,
    EmergencyAlert,
    EmergencyContact,
    EmergencyPlan,
    EscalationRuleSet,
)

DEFAULT_INFORM_ROLES = [Role.COORDINATOR_L2]
DEFAULT_FALLBACK_ROLES = [Role.SUPPORT_CENTER, Role.COORDINATOR_L1]
#: Who may change a municipality's escalation rules.
RULE_ROLES = frozenset({Role.MUNICIPAL_ADMIN, Role.COORDINATOR_L1, Role.OPERATOR})

#: Shown first, before anything is sent (消防庁の119番通報の手順に沿う).
GUIDANCE_119 = (
    gettext_lazy("If the person is unconscious, not breathing normally, bleeding heavily or in severe pain: "
                 "call 119 now."),
    gettext_lazy("Say: 「救急です」, the address, what happened, the person's age, and your phone number."),
    gettext_lazy("Stay with the person. Do not move them after a fall unless they are in danger."),
    gettext_lazy("If unsure, call #7119 (救急安心センター) for advice where available."),
    gettext_lazy("Then continue here: we notify the emergency contacts in order."),
)


def guidance() -> list[str]:
    return [str(line) for line in GUIDANCE_119]


def _notify(user, kind: str, context: dict) -> None:
    from sasaeai.notifications import notify

    notify(user, kind, context)


def rules_for(municipality_id: int) -> EscalationRuleSet:
    rules, _created = EscalationRuleSet.objects.get_or_create(
        municipality_id=municipality_id,
        defaults={"inform_roles": list(DEFAULT_INFORM_ROLES), "fallback_roles": list(DEFAULT_FALLBACK_ROLES)},
    )
    return rules


def update_rules(municipality_id: int, *, by, **fields) -> EscalationRuleSet:
    if not in_tenant(by, municipality_id, RULE_ROLES):
        raise PermissionDenied(_("You are not allowed to do this."))
    rules = rules_for(municipality_id)
    valid_roles = set(Role.values)
    for key in ("inform_roles", "fallback_roles"):
        if key in fields:
            roles = [str(r) for r in fields[key]]
            if not set(roles) <= valid_roles:
                raise ValidationError({key: ValidationError(_("Unknown role."), code="invalid_role")})
            setattr(rules, key, roles)
    for key in ("ack_timeout_minutes", "check_in_grace_minutes", "check_out_grace_minutes"):
        if key in fields and fields[key] is not None:
            value = int(fields[key])
            if not 1 <= value <= 240:
                raise ValidationError({key: ValidationError(_("Give between 1 and 240 minutes."),
                                                           code="invalid_minutes")})
            setattr(rules, key, value)
    rules.save()
    audit(by, "escalation_rules.updated", municipality_id=municipality_id, target=rules)
    return rules


# --- plans ------------------------------------------------------------------------------------

def may_edit_plan(user, resident: Resident) -> bool:
    return selectors.is_care_staff_for(user, resident) or selectors.is_recipient_side(user, resident)


@transaction.atomic
def save_plan(resident: Resident, *, by, notes: str = "", hospital: str = "", contacts=()) -> EmergencyPlan:
    """Replace the plan. `contacts` is an ordered list of dicts (kind, name, relation, phone,
    user_id optional)."""
    if not may_edit_plan(by, resident):
        raise PermissionDenied(_("You are not allowed to do this."))
    plan, _created = EmergencyPlan.objects.select_for_update().get_or_create(resident=resident)
    plan.notes, plan.hospital, plan.updated_by = notes or "", hospital or "", by
    plan.full_clean(exclude=["resident"])
    plan.save()
    plan.contacts.all().delete()
    errors = []
    for i, c in enumerate(contacts, start=1):
        contact = EmergencyContact(plan=plan, order=i, kind=c.get("kind", ""), name=(c.get("name") or "").strip(),
                                   relation=(c.get("relation") or "").strip(), phone=(c.get("phone") or "").strip(),
                                   user_id=c.get("user_id") or None)
        try:
            contact.full_clean(exclude=["plan"])
        except ValidationError as exc:
            errors.append((i, exc))
            continue
        contact.save()
    if errors:
        i, exc = errors[0]
        raise ValidationError(
            {f"contacts.{i}.{k}": v for k, v in exc.message_dict.items()}, code="invalid_contact")
    audit(by, "emergency_plan.saved", municipality_id=resident.municipality_id, target=plan,
          details={"contacts": len(contacts)})
    return plan


def plan_of(resident: Resident) -> EmergencyPlan | None:
    return EmergencyPlan.objects.filter(resident=resident).prefetch_related("contacts").first()


# --- the button -------------------------------------------------------------------------------

def may_raise(user, resident: Resident, booking=None) -> bool:
    """The helper booked for this recipient (today's or a current visit), the recipient side,
    or care staff."""
    if selectors.is_care_staff_for(user, resident) or selectors.is_recipient_side(user, resident):
        return True
    return _helper_booking(user, resident, booking) is not None


def _helper_booking(user, resident, booking=None):
    try:
        from sasaeai.requests.models import Booking, BookingStatus
    except ImportError:  # pragma: no cover - requests app absent
        return None
    qs = Booking.objects.filter(request__recipient=resident, helper__user=user,
                                helper__suspended_at__isnull=True,
                                status__in=[BookingStatus.BOOKED, BookingStatus.IN_PROGRESS])
    if booking is not None:
        qs = qs.filter(pk=booking.pk)
    now = timezone.now()
    return qs.filter(starts_at__lte=now + timedelta(hours=12), ends_at__gte=now - timedelta(hours=12)).first()


def _context(alert: EmergencyAlert) -> dict:
    return {"url": f"/safety/emergencies/{alert.pk}/", "alert_id": alert.pk}


def _notify_step(step: AlertStep, now) -> None:
    step.notified_at = now
    if step.kind != AlertStep.Kind.INFORM:
        step.due_at = now + timedelta(minutes=step.alert.ack_timeout_minutes)
    step.save(update_fields=["notified_at", "due_at"])
    if step.user_id:
        kind = "safety.emergency_informed" if step.kind == AlertStep.Kind.INFORM else "safety.emergency"
        _notify(step.user, kind, _context(step.alert))


@transaction.atomic
def raise_alert(*, by, resident: Resident, booking=None, called_119: bool = False, now=None) -> EmergencyAlert:
    if not may_raise(by, resident, booking):
        raise PermissionDenied(_("You are not allowed to do this."))
    if booking is None:
        booking = _helper_booking(by, resident)
    now = now or timezone.now()
    rules = rules_for(resident.municipality_id)
    alert = EmergencyAlert.objects.create(
        municipality_id=resident.municipality_id, area_id=resident.area_id, resident=resident, booking=booking,
        raised_by=by, raised_at=now, called_119=called_119, ack_timeout_minutes=rules.ack_timeout_minutes,
    )
    plan = plan_of(resident)
    order = 0
    for contact in (plan.contacts.all() if plan else []):
        order += 1
        AlertStep.objects.create(alert=alert, order=order, kind=AlertStep.Kind.CONTACT, contact=contact,
                                 user_id=contact.user_id)
    informed = selectors.staff_covering(resident.municipality_id, resident.area_id, rules.inform_roles)
    for user in informed.exclude(pk=by.pk):
        step = AlertStep.objects.create(alert=alert, order=0, kind=AlertStep.Kind.INFORM, user=user)
        _notify_step(step, now)
    first = alert.steps.filter(kind=AlertStep.Kind.CONTACT).order_by("order").first()
    if first is not None:
        _notify_step(first, now)
    else:
        _call_fallback(alert, now)
    audit(by, "emergency.raised", municipality_id=alert.municipality_id, target=alert,
          details={"called_119": called_119, "booking": booking.pk if booking else None})
    return alert


def _call_fallback(alert: EmergencyAlert, now) -> None:
    rules = rules_for(alert.municipality_id)
    order = (alert.steps.order_by("-order").values_list("order", flat=True).first() or 0)
    for user in selectors.staff_covering(alert.municipality_id, alert.area_id, rules.fallback_roles):
        order += 1
        step = AlertStep.objects.create(alert=alert, order=order, kind=AlertStep.Kind.FALLBACK, user=user)
        _notify_step(step, now)
    alert.status = AlertStatus.EXHAUSTED
    alert.save(update_fields=["status"])


def current_step(alert: EmergencyAlert) -> AlertStep | None:
    """The contact step waiting for acknowledgement."""
    return (alert.steps.filter(kind=AlertStep.Kind.CONTACT, notified_at__isnull=False, escalated_at__isnull=True,
                               acknowledged_at__isnull=True).order_by("order").first())


@transaction.atomic
def escalate_due(alert: EmergencyAlert, now) -> int:
    """Escalate every step whose time has passed; returns the number of escalations."""
    alert = EmergencyAlert.objects.select_for_update().get(pk=alert.pk)
    count = 0
    while alert.status == AlertStatus.OPEN:
        step = current_step(alert)
        if step is None or step.due_at is None or step.due_at > now:
            break
        step.escalated_at = now
        step.save(update_fields=["escalated_at"])
        count += 1
        following = (alert.steps.filter(kind=AlertStep.Kind.CONTACT, order__gt=step.order, notified_at__isnull=True)
                     .order_by("order").first())
        if following is not None:
            _notify_step(following, now)
        else:
            _call_fallback(alert, now)
    return count


def run_escalations(now=None) -> int:
    now = now or timezone.now()
    total = 0
    due = EmergencyAlert.objects.filter(
        status=AlertStatus.OPEN, steps__kind=AlertStep.Kind.CONTACT, steps__acknowledged_at__isnull=True,
        steps__escalated_at__isnull=True, steps__due_at__lte=now).distinct()
    for alert in due:
        total += escalate_due(alert, now)
    return total


def may_acknowledge(user, alert: EmergencyAlert) -> bool:
    return (alert.raised_by_id == user.pk or alert.steps.filter(user=user).exists()
            or selectors.is_care_staff_for(user, alert.resident))


@transaction.atomic
def acknowledge(alert: EmergencyAlert, *, by, now=None) -> EmergencyAlert:
    """対応受諾: a notified contact (or the helper/staff, e.g. after reaching a contact by
    phone) takes the emergency on; the chain stops."""
    alert = EmergencyAlert.objects.select_for_update().get(pk=alert.pk)
    if not may_acknowledge(by, alert):
        raise PermissionDenied(_("You are not allowed to do this."))
    if alert.status == AlertStatus.RESOLVED:
        raise ValidationError(_("This emergency is already resolved."), code="already_resolved")
    now = now or timezone.now()
    step = alert.steps.filter(user=by, acknowledged_at__isnull=True).exclude(kind=AlertStep.Kind.INFORM).first() \
        or current_step(alert)
    if step is not None:
        step.acknowledged_at, step.acknowledged_by = now, by
        step.save(update_fields=["acknowledged_at", "acknowledged_by"])
    if alert.acknowledged_at is None:
        alert.acknowledged_at = now
    alert.status = AlertStatus.ACKNOWLEDGED
    alert.save(update_fields=["status", "acknowledged_at"])
    audit(by, "emergency.acknowledged", municipality_id=alert.municipality_id, target=alert)
    return alert


@transaction.atomic
def resolve(alert: EmergencyAlert, *, by, now=None) -> EmergencyAlert:
    alert = EmergencyAlert.objects.select_for_update().get(pk=alert.pk)
    if not (alert.raised_by_id == by.pk or selectors.is_care_staff_for(by, alert.resident)):
        raise PermissionDenied(_("You are not allowed to do this."))
    now = now or timezone.now()
    alert.status, alert.resolved_at, alert.resolved_by = AlertStatus.RESOLVED, now, by
    if alert.acknowledged_at is None:
        alert.acknowledged_at = now
    alert.save(update_fields=["status", "resolved_at", "resolved_by", "acknowledged_at"])
    audit(by, "emergency.resolved", municipality_id=alert.municipality_id, target=alert)
    return alert
