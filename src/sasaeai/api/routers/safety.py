"""Trust and safety: consent, sensitive record reads (audited), the access log, emergency
plans and alerts, incidents, visit alerts, community standards, recovery, data-subject requests."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from sasaeai.residents.models import Resident
from sasaeai.safety import consent as consent_service
from sasaeai.safety import emergency, incidents, monitoring, recovery, selectors, subject, vetting
from sasaeai.safety.audit import record_access
from sasaeai.safety.labels import entry_labels
from sasaeai.safety.models import (
    AccessLog,
    ConsentBasis,
    GiverKind,
    IncidentKind,
    IncidentStatus,
    Purpose,
    Severity,
)
from sasaeai.safety.sensitive import read, resident_for

from ..errors import ApiError
from ..schemas import responses

PREFIX = "/safety"
router = Router(tags=["safety"])


def _forbid():
    raise ApiError(403, "forbidden", _("You are not allowed to do this."))


# --- consent -----------------------------------------------------------------------------------

class ConsentOut(Schema):
    purpose: str
    granted: bool
    decided: bool = Field(description="False when never asked (treated as no consent)")
    giver_kind: str | None = None
    proxy_relation: str | None = None
    basis: str | None = None
    at: datetime | None = None


class ConsentIn(Schema):
    purpose: Purpose
    granted: bool
    basis: ConsentBasis = ConsentBasis.ONLINE
    giver_kind: GiverKind | None = Field(None, description="Staff recording a paper/verbal decision: who decided")
    proxy_relation: str = Field("", max_length=20)


def _consents(resident) -> list[dict]:
    out = []
    for purpose, e in consent_service.current_state(resident).items():
        out.append({"purpose": purpose, "granted": bool(e and e.granted), "decided": e is not None,
                    "giver_kind": e.giver_kind if e else None, "proxy_relation": (e.proxy_relation or None) if e else None,
                    "basis": e.basis if e else None, "at": e.at if e else None})
    return out


def _manageable(request, resident_id: int):
    resident, relation = resident_for(request.user, resident_id)
    if relation == "helper":
        _forbid()
    return resident, relation


@router.get("/residents/{resident_id}/consents", response=responses(200, list[ConsentOut]),
            summary="Current consent per purpose")
def list_consents(request, resident_id: int):
    resident, _relation = _manageable(request, resident_id)
    return _consents(resident)


@router.post("/residents/{resident_id}/consents", response=responses(200, list[ConsentOut]),
             summary="Give or withdraw consent (effective immediately)")
def set_consent(request, resident_id: int, payload: ConsentIn):
    resident, relation = _manageable(request, resident_id)
    kwargs = {"basis": payload.basis}
    if relation == "staff":
        if not selectors.is_care_staff_for(request.user, resident):
            _forbid()
        if payload.basis == ConsentBasis.ONLINE:
            raise ApiError(400, "invalid_basis", str(consent_service.STAFF_BASIS_MESSAGE))
        kwargs.update(giver_kind=payload.giver_kind or GiverKind.SELF, proxy_relation=payload.proxy_relation)
    else:
        kwargs["basis"] = ConsentBasis.ONLINE
    consent_service.record_decision(resident, payload.purpose, payload.granted, by=request.user, **kwargs)
    return _consents(resident)


# --- sensitive record and access log ---------------------------------------------------------

class ResidentRecordOut(Schema):
    id: int
    municipality_id: int
    area_id: int
    family_name: str
    given_name: str
    relation: str = Field(description="self_side | staff | helper")
    address: str | None = None
    postal_code: str | None = None
    phone: str | None = None
    care_level: str | None = None
    notes: str | None = None


@router.get("/residents/{resident_id}/record", response=responses(200, ResidentRecordOut),
            summary="A resident's record with the sensitive fields the caller may read (logged)")
def get_record(request, resident_id: int):
    resident, relation = resident_for(request.user, resident_id)
    values = read(request, resident, relation, ("address", "postal_code", "phone", "care_level", "notes"))
    return {"id": resident.pk, "municipality_id": resident.municipality_id, "area_id": resident.area_id,
            "family_name": resident.family_name, "given_name": resident.given_name, "relation": relation, **values}


class AccessLogOut(Schema):
    id: int
    at: datetime
    actor_id: int | None
    actor_roles: str
    resident_id: int
    municipality_id: int
    fields: list[str]
    purpose: str
    channel: str
    path: str
    ip_prefix: str
    #: Labels beside the codes, in the request's language (`safety/labels.py`).
    actor_roles_label: str = ""
    fields_label: list[str] = []
    purpose_label: str = ""
    channel_label: str = ""

    @staticmethod
    def resolve_actor_roles_label(obj) -> str:
        return entry_labels(obj)["actor_roles_label"]

    @staticmethod
    def resolve_fields_label(obj) -> list[str]:
        return entry_labels(obj)["fields_label"]

    @staticmethod
    def resolve_purpose_label(obj) -> str:
        return entry_labels(obj)["purpose_label"]

    @staticmethod
    def resolve_channel_label(obj) -> str:
        return entry_labels(obj)["channel_label"]


@router.get("/residents/{resident_id}/access-log", response=responses(200, list[AccessLogOut]),
            summary="Who looked at this record")
@paginate
def resident_access_log(request, resident_id: int):
    resident, _relation = _manageable(request, resident_id)
    return selectors.access_log_for_resident(request.user, resident)


@router.get("/access-log", response=responses(200, list[AccessLogOut]),
            summary="Export the access log (operators; municipal administrators for their tenant)")
@paginate
def export_access_log(request, municipality_id: int | None = None):
    if not selectors.may_export_log(request.user):
        _forbid()
    qs = selectors.access_log_for_export(request.user)
    return qs.filter(municipality_id=municipality_id) if municipality_id is not None else qs


# --- emergency plans and alerts ----------------------------------------------------------------

class ContactIO(Schema):
    kind: str = Field(..., max_length=16)
    name: str = Field(..., min_length=1, max_length=100)
    relation: str = Field("", max_length=40)
    phone: str = Field(..., min_length=1, max_length=20)
    user_id: int | None = None


class PlanOut(Schema):
    resident_id: int
    notes: str
    hospital: str
    contacts: list[ContactIO]


class PlanIn(Schema):
    notes: str = Field("", max_length=2000)
    hospital: str = Field("", max_length=120)
    contacts: list[ContactIO] = Field(default_factory=list, max_length=8)


def _plan_out(resident) -> dict:
    plan = emergency.plan_of(resident)
    contacts = [{"kind": c.kind, "name": c.name, "relation": c.relation, "phone": c.phone, "user_id": c.user_id}
                for c in (plan.contacts.all() if plan else [])]
    return {"resident_id": resident.pk, "notes": plan.notes if plan else "", "hospital": plan.hospital if plan else "",
            "contacts": contacts}


@router.get("/residents/{resident_id}/emergency-plan", response=responses(200, PlanOut),
            summary="The emergency plan (logged)")
def get_plan(request, resident_id: int):
    resident, _relation = resident_for(request.user, resident_id)
    record_access(request, resident, ["emergency_contacts", "emergency_notes"], "emergency_plan")
    return _plan_out(resident)


@router.put("/residents/{resident_id}/emergency-plan", response=responses(200, PlanOut),
            summary="Replace the emergency plan")
def put_plan(request, resident_id: int, payload: PlanIn):
    resident, _relation = resident_for(request.user, resident_id)
    if not emergency.may_edit_plan(request.user, resident):
        _forbid()
    emergency.save_plan(resident, by=request.user, notes=payload.notes, hospital=payload.hospital,
                        contacts=[c.dict() for c in payload.contacts])
    record_access(request, resident, ["emergency_contacts", "emergency_notes"], "emergency_plan")
    return _plan_out(resident)


class GuidanceOut(Schema):
    guidance_119: list[str]


@router.get("/emergency-guidance", auth=None, response=responses(200, GuidanceOut),
            summary="119 guidance shown first (public: anyone may need it)")
def get_guidance(request):
    return {"guidance_119": emergency.guidance()}


class StepOut(Schema):
    order: int
    kind: str
    contact_kind: str | None
    contact_name: str | None
    contact_phone: str | None
    user_id: int | None
    notified_at: datetime | None
    due_at: datetime | None
    acknowledged_at: datetime | None
    escalated_at: datetime | None


class AlertOut(Schema):
    id: int
    resident_id: int
    municipality_id: int
    booking_id: int | None
    status: str
    called_119: bool
    raised_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    ack_timeout_minutes: int
    guidance_119: list[str]
    steps: list[StepOut]


class AlertIn(Schema):
    resident_id: int
    booking_id: int | None = None
    called_119: bool = False


def _alert_out(request, alert) -> dict:
    steps = list(alert.steps.select_related("contact").order_by("order", "pk"))
    if any(s.contact_id for s in steps):
        record_access(request, alert.resident, ["emergency_contacts"], "emergency")
    return {
        "id": alert.pk, "resident_id": alert.resident_id, "municipality_id": alert.municipality_id,
        "booking_id": alert.booking_id, "status": alert.status, "called_119": alert.called_119,
        "raised_at": alert.raised_at, "acknowledged_at": alert.acknowledged_at, "resolved_at": alert.resolved_at,
        "ack_timeout_minutes": alert.ack_timeout_minutes, "guidance_119": emergency.guidance(),
        "steps": [{"order": s.order, "kind": s.kind, "contact_kind": s.contact.kind if s.contact else None,
                   "contact_name": s.contact.name if s.contact else None,
                   "contact_phone": s.contact.phone if s.contact else None, "user_id": s.user_id,
                   "notified_at": s.notified_at, "due_at": s.due_at, "acknowledged_at": s.acknowledged_at,
                   "escalated_at": s.escalated_at} for s in steps],
    }


@router.post("/emergencies", response=responses(201, AlertOut),
             summary="The emergency button: returns 119 guidance and notifies the chain")
def raise_emergency(request, payload: AlertIn):
    resident = Resident.objects.filter(pk=payload.resident_id).first()
    if resident is None or not emergency.may_raise(request.user, resident):
        raise ApiError(404, "not_found", _("Not found."))
    booking = None
    if payload.booking_id is not None:
        from sasaeai.requests.models import Booking

        booking = Booking.objects.filter(pk=payload.booking_id, request__recipient=resident).first()
        if booking is None:
            raise ApiError(404, "not_found", _("Not found."))
    alert = emergency.raise_alert(by=request.user, resident=resident, booking=booking, called_119=payload.called_119)
    return 201, _alert_out(request, alert)


@router.get("/emergencies", response=responses(200, list[AlertOut]), summary="Emergencies you may see")
@paginate
def list_emergencies(request):
    alerts = selectors.alerts_for(request.user).select_related("resident")
    return [_alert_out(request, a) for a in alerts[:100]]


@router.get("/emergencies/{alert_id}", response=responses(200, AlertOut))
def get_emergency(request, alert_id: int):
    alert = get_object_or_404(selectors.alerts_for(request.user).select_related("resident"), pk=alert_id)
    return _alert_out(request, alert)


@router.post("/emergencies/{alert_id}/acknowledge", response=responses(200, AlertOut),
             summary="Take the emergency on (stops escalation)")
def acknowledge_emergency(request, alert_id: int):
    alert = get_object_or_404(selectors.alerts_for(request.user), pk=alert_id)
    try:
        alert = emergency.acknowledge(alert, by=request.user)
    except PermissionDenied:
        _forbid()
    return _alert_out(request, alert)


@router.post("/emergencies/{alert_id}/resolve", response=responses(200, AlertOut))
def resolve_emergency(request, alert_id: int):
    alert = get_object_or_404(selectors.alerts_for(request.user), pk=alert_id)
    try:
        alert = emergency.resolve(alert, by=request.user)
    except PermissionDenied:
        _forbid()
    return _alert_out(request, alert)


class RulesOut(Schema):
    municipality_id: int
    ack_timeout_minutes: int
    inform_roles: list[str]
    fallback_roles: list[str]
    check_in_grace_minutes: int
    check_out_grace_minutes: int


class RulesIn(Schema):
    ack_timeout_minutes: int | None = Field(None, ge=1, le=240)
    inform_roles: list[str] | None = Field(None, max_length=12)
    fallback_roles: list[str] | None = Field(None, max_length=12)
    check_in_grace_minutes: int | None = Field(None, ge=1, le=240)
    check_out_grace_minutes: int | None = Field(None, ge=1, le=240)


@router.get("/municipalities/{municipality_id}/escalation-rules", response=responses(200, RulesOut))
def get_escalation_rules(request, municipality_id: int):
    from sasaeai.tenancy.selectors import municipalities_for

    municipality = get_object_or_404(municipalities_for(request.user), pk=municipality_id)
    return emergency.rules_for(municipality.pk)


@router.put("/municipalities/{municipality_id}/escalation-rules", response=responses(200, RulesOut))
def put_escalation_rules(request, municipality_id: int, payload: RulesIn):
    from sasaeai.tenancy.selectors import municipalities_for

    municipality = get_object_or_404(municipalities_for(request.user), pk=municipality_id)
    try:
        return emergency.update_rules(municipality.pk, by=request.user,
                                      **{k: v for k, v in payload.dict().items() if v is not None})
    except PermissionDenied:
        _forbid()


# --- incidents ---------------------------------------------------------------------------------

class IncidentIn(Schema):
    resident_id: int
    booking_id: int | None = None
    kind: IncidentKind
    severity: Severity
    occurred_at: datetime
    description: str = Field(..., min_length=5, max_length=4000)


class IncidentUpdateOut(Schema):
    at: datetime
    status: str
    note: str
    by_id: int | None


class IncidentOut(Schema):
    id: int
    municipality_id: int
    resident_id: int | None
    booking_id: int | None
    kind: str
    severity: str
    status: str
    occurred_at: datetime
    description: str
    insurance_policy_id: int | None
    insurance_policy_name: str | None
    updates: list[IncidentUpdateOut]


class FollowUpIn(Schema):
    status: IncidentStatus
    note: str = Field(..., min_length=3, max_length=2000)
    policy_id: int | None = None


def _incident_out(request, incident) -> dict:
    if incident.resident_id:
        record_access(request, incident.resident, ["incident_description"], "incident")
    return {
        "id": incident.pk, "municipality_id": incident.municipality_id, "resident_id": incident.resident_id,
        "booking_id": incident.booking_id, "kind": incident.kind, "severity": incident.severity,
        "status": incident.status, "occurred_at": incident.occurred_at, "description": incident.description,
        "insurance_policy_id": incident.insurance_policy_id,
        "insurance_policy_name": incident.insurance_policy.name if incident.insurance_policy else None,
        "updates": [{"at": u.at, "status": u.status, "note": u.note, "by_id": u.by_id} for u in incident.updates.all()],
    }


@router.post("/incidents", response=responses(201, IncidentOut), summary="Report an incident")
def report_incident(request, payload: IncidentIn):
    resident = Resident.objects.filter(pk=payload.resident_id).first()
    booking = None
    if payload.booking_id is not None and resident is not None:
        from sasaeai.requests.models import Booking

        booking = Booking.objects.filter(pk=payload.booking_id, request__recipient=resident).select_related(
            "helper").first()
    if resident is None or not incidents.may_report(request.user, resident, booking):
        raise ApiError(404, "not_found", _("Not found."))
    incident = incidents.report(by=request.user, resident=resident, booking=booking, kind=payload.kind,
                                severity=payload.severity, occurred_at=payload.occurred_at,
                                description=payload.description)
    return 201, _incident_out(request, incident)


@router.get("/incidents", response=responses(200, list[IncidentOut]))
@paginate
def list_incidents(request):
    return [_incident_out(request, i) for i in
            selectors.incidents_for(request.user).select_related("insurance_policy", "resident")[:100]]


@router.get("/incidents/{incident_id}", response=responses(200, IncidentOut))
def get_incident(request, incident_id: int):
    incident = get_object_or_404(selectors.incidents_for(request.user).select_related("insurance_policy", "resident"),
                                 pk=incident_id)
    return _incident_out(request, incident)


@router.post("/incidents/{incident_id}/follow-ups", response=responses(200, IncidentOut))
def follow_up_incident(request, incident_id: int, payload: FollowUpIn):
    incident = get_object_or_404(selectors.incidents_for(request.user), pk=incident_id)
    try:
        incidents.follow_up(incident, by=request.user, status=payload.status, note=payload.note,
                            policy_id=payload.policy_id)
    except PermissionDenied:
        _forbid()
    incident.refresh_from_db()
    return _incident_out(request, incident)


# --- visit alerts ---------------------------------------------------------------------------

class VisitAlertOut(Schema):
    id: int
    booking_id: int
    municipality_id: int
    area_id: int | None
    kind: str
    created_at: datetime
    notified: int
    resolved_at: datetime | None


@router.get("/visit-alerts", response=responses(200, list[VisitAlertOut]))
@paginate
def list_visit_alerts(request):
    return selectors.visit_alerts_for(request.user)


@router.post("/visit-alerts/{alert_id}/resolve", response=responses(200, VisitAlertOut))
def resolve_visit_alert(request, alert_id: int):
    alert = get_object_or_404(selectors.visit_alerts_for(request.user), pk=alert_id)
    return monitoring.resolve(alert, by=request.user)


# --- community standards ------------------------------------------------------------------------

class StandardsOut(Schema):
    version: str
    items: list[str]


class AgreementIn(Schema):
    resident_id: int


class AgreementOut(Schema):
    helper_id: int
    resident_id: int
    version: str
    agreed_at: datetime


@router.get("/standards", response=responses(200, StandardsOut), summary="The community standards")
def get_standards(request):
    return {"version": vetting.STANDARDS_VERSION, "items": vetting.standards()}


@router.post("/standards/agreements", response=responses(201, AgreementOut),
             summary="A helper agrees to the standards before the first visit with a recipient")
def agree_standards(request, payload: AgreementIn):
    from sasaeai.requests.models import Booking
    from sasaeai.requests.selectors import helper_profile_of

    profile = helper_profile_of(request.user)
    resident = Resident.objects.filter(pk=payload.resident_id).first()
    if profile is None or resident is None or not Booking.objects.filter(
            helper=profile, request__recipient=resident).exists():
        raise ApiError(404, "not_found", _("Not found."))
    try:
        agreement = vetting.agree(profile, resident, by=request.user)
    except PermissionDenied:
        _forbid()
    return 201, {"helper_id": agreement.helper_id, "resident_id": agreement.resident_id,
                 "version": agreement.version, "agreed_at": agreement.agreed_at}


# --- account recovery ----------------------------------------------------------------------------

class RecoveryIssueIn(Schema):
    user_id: int
    identity_check: str = Field(..., max_length=20)
    assisted_by_id: int | None = None


class RecoveryIssueOut(Schema):
    code: str
    expires_at: datetime


class RecoveryRedeemIn(Schema):
    login: str = Field(..., max_length=254)
    code: str = Field(..., max_length=12)
    new_password: str = Field(..., max_length=256)


class OkOut(Schema):
    ok: bool


@router.post("/recovery/codes", response=responses(201, RecoveryIssueOut),
             summary="Issue a one-time recovery code after an identity check (coordinators)")
def issue_recovery_code(request, payload: RecoveryIssueIn):
    from django.contrib.auth import get_user_model

    if not selectors.is_coordinator(request.user):
        _forbid()
    user = recovery.recoverable_users(request.user).filter(pk=payload.user_id).first()
    if user is None:
        raise ApiError(404, "not_found", _("Not found."))
    proxy = get_user_model().objects.filter(pk=payload.assisted_by_id).first() if payload.assisted_by_id else None
    try:
        record, code = recovery.issue(by=request.user, user=user, identity_check=payload.identity_check,
                                      assisted_by=proxy, request=request)
    except PermissionDenied:
        _forbid()
    return 201, {"code": code, "expires_at": record.expires_at}


@router.post("/recovery/redeem", auth=None, response=responses(200, OkOut),
             summary="Set a new password with a recovery code")
def redeem_recovery_code(request, payload: RecoveryRedeemIn):
    recovery.redeem(login=payload.login, code=payload.code, new_password=payload.new_password, request=request)
    return {"ok": True}


# --- data subject requests -------------------------------------------------------------------------

@router.get("/residents/{resident_id}/export", response=responses(200, dict),
            summary="Everything stored about a resident (JSON)")
def export_subject(request, resident_id: int):
    resident, relation = resident_for(request.user, resident_id)
    if not (subject.may_handle(request.user, resident) or resident.user_id == request.user.pk):
        _forbid()
    data = subject.export_resident(resident, by=request.user, request=request)
    record_access(request, resident, list(Resident.SENSITIVE_FIELDS) + ["emergency_contacts"], "subject_export",
                  channel=AccessLog.Channel.EXPORT)
    return data


@router.post("/residents/{resident_id}/anonymise", response=responses(200, OkOut),
             summary="Anonymise a resident on request (records and ledgers are kept)")
def anonymise_subject(request, resident_id: int):
    resident, _relation = resident_for(request.user, resident_id)
    if not subject.may_handle(request.user, resident):
        _forbid()
    subject.anonymise_resident(resident, by=request.user, request=request)
    return {"ok": True}
