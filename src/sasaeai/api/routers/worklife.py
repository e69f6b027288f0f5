"""Work and care (仕事と介護の両立): the public directory of work-support care managers, the
employee's request through the employer's code, the care manager's consultations (access-logged),
the employer's checklist and k-suppressed counts (no identity, no text), and handovers."""

from datetime import date

from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from sasaeai.worklife import selectors, services
from sasaeai.worklife.models import Consultation
from sasaeai.worklife.presentation import log_reads

from ..errors import ApiError
from ..schemas import responses

PREFIX = "/worklife"
router = Router(tags=["worklife"])


def _forbid():
    from django.utils.translation import gettext as _

    raise ApiError(403, "forbidden", _("You are not allowed to do this."))


class WorklifeCareManagerOut(Schema):
    id: int
    name: str
    municipality: str
    office: str
    areas: list[str]
    offers: list[str]
    about: str


@router.get("/care-managers", auth=None, response=responses(200, list[WorklifeCareManagerOut]),
            summary="Public directory of work-support care managers (by junior-high district)")
def care_managers(request, municipality_id: int | None = None, area_id: int | None = None):
    return [WorklifeCareManagerOut(id=cm.pk, name=cm.user.display_name, municipality=cm.municipality.name,
                                   office=cm.office.name if cm.office else "",
                                   areas=[a.name for a in cm.areas.all()], offers=cm.offer_labels(), about=cm.about)
            for cm in selectors.public_directory(municipality_id, area_id)[:200]]


class WorklifeRequestIn(Schema):
    code: str
    employee_name: str
    employee_contact: str
    department_size: str
    topics: list[str] = []
    note: str = ""


class WorklifeRequestedOut(Schema):
    ok: bool


@router.post("/requests", auth=None, response=responses(201, WorklifeRequestedOut),
             summary="An employee asks for a consultation with the employer's code (nothing goes to the employer)")
def request_consultation(request, payload: WorklifeRequestIn):
    services.consultation_request(code=payload.code, employee_name=payload.employee_name,
                                  employee_contact=payload.employee_contact, department_size=payload.department_size,
                                  topics=payload.topics, note=payload.note, user=request.user)
    return 201, WorklifeRequestedOut(ok=True)


class WorklifeConsultationSummaryOut(Schema):
    id: int
    reference: str
    employer_id: int
    status: str
    requested_at: str
    topics: list[str]


class WorklifeConsultationOut(WorklifeConsultationSummaryOut):
    employee_name: str
    employee_contact: str
    department_size: str
    shared_with_employer: bool
    interviewed_on: date | None = None
    relation: str
    care_level: str
    family_municipality_id: int | None = None
    family_area_id: int | None = None
    family_situation: str
    work_situation: str
    wishes: str
    outcome: str
    closed_on: date | None = None


def _summary(c: Consultation) -> dict:
    return {"id": c.pk, "reference": c.reference, "employer_id": c.employer_id, "status": c.status,
            "requested_at": c.requested_at.isoformat(), "topics": list(c.topics)}


def _full(c: Consultation) -> dict:
    return {**_summary(c), "employee_name": c.employee_name, "employee_contact": c.employee_contact,
            "department_size": c.department_size, "shared_with_employer": c.shared_with_employer,
            "interviewed_on": c.interviewed_on, "relation": c.relation, "care_level": c.care_level,
            "family_municipality_id": c.family_municipality_id, "family_area_id": c.family_area_id,
            "family_situation": c.family_situation, "work_situation": c.work_situation, "wishes": c.wishes,
            "outcome": c.outcome, "closed_on": c.closed_on}


def _worker(request):
    if not selectors.is_care_manager(request.user):
        _forbid()


def _consultation(request, consultation_id: int) -> Consultation:
    _worker(request)
    return get_object_or_404(selectors.consultations_for(request.user), pk=consultation_id)


@router.get("/consultations", response=responses(200, list[WorklifeConsultationSummaryOut]),
            summary="Consultations assigned to you (work-support care manager)")
def list_consultations(request):
    _worker(request)
    rows = list(selectors.consultations_for(request.user).order_by("-requested_at", "-pk")[:200])
    log_reads(request, rows, ("worklife_consultation_status",))
    return [_summary(c) for c in rows]


@router.get("/consultations/{consultation_id}", response=responses(200, WorklifeConsultationOut),
            summary="One consultation (access-logged)")
def get_consultation(request, consultation_id: int):
    c = _consultation(request, consultation_id)
    log_reads(request, [c])
    return _full(c)


class WorklifeRecordIn(Schema):
    interviewed_on: date
    relation: str = ""
    care_level: str = ""
    family_area_id: int | None = None
    family_situation: str
    work_situation: str = ""
    wishes: str = ""
    topics: list[str] = []
    shared_with_employer: bool = False


@router.post("/consultations/{consultation_id}/record", response=responses(200, WorklifeConsultationOut),
             summary="Record the interview")
def record(request, consultation_id: int, payload: WorklifeRecordIn):
    from sasaeai.tenancy.models import Area

    c = _consultation(request, consultation_id)
    area = Area.objects.filter(pk=payload.family_area_id).select_related("municipality").first() \
        if payload.family_area_id else None
    c = services.consultation_record(
        c, by=request.user, interviewed_on=payload.interviewed_on, relation=payload.relation,
        care_level=payload.care_level, family_municipality=area.municipality if area else None, family_area=area,
        family_situation=payload.family_situation, work_situation=payload.work_situation, wishes=payload.wishes,
        topics=payload.topics, shared_with_employer=payload.shared_with_employer)
    log_reads(request, [c])
    return _full(c)


class WorklifePlanIn(Schema):
    goals: str
    leave_from: date | None = None
    leave_until: date | None = None
    work_changes: str = ""
    work_changes_from: date | None = None
    handover_at_work: str = ""
    care_services: str = ""
    follow_ups: list[date] | None = None


class WorklifeOkOut(Schema):
    ok: bool
    id: int | None = None


@router.post("/consultations/{consultation_id}/plan", response=responses(201, WorklifeOkOut),
             summary="Make the care-work plan (follow-ups default to 1 and 3 months)")
def plan(request, consultation_id: int, payload: WorklifePlanIn):
    c = _consultation(request, consultation_id)
    p = services.plan_create(c, by=request.user, **payload.dict())
    return 201, WorklifeOkOut(ok=True, id=p.pk)


class WorklifeConsentIn(Schema):
    granted: bool
    scope: list[str] = []
    basis: str = "verbal"


@router.post("/consultations/{consultation_id}/consent", response=responses(201, WorklifeOkOut),
             summary="Record the employee's decision on a handover to local support")
def consent(request, consultation_id: int, payload: WorklifeConsentIn):
    c = _consultation(request, consultation_id)
    event = services.consent_record(c, by=request.user, granted=payload.granted, scope=payload.scope,
                                    basis=payload.basis)
    return 201, WorklifeOkOut(ok=True, id=event.pk)


class WorklifeHandoverIn(Schema):
    kind: str
    note: str = ""


@router.post("/consultations/{consultation_id}/handover", response=responses(201, WorklifeOkOut),
             summary="Hand over to local support of the family member's area (needs consent)")
def handover(request, consultation_id: int, payload: WorklifeHandoverIn):
    c = _consultation(request, consultation_id)
    h = services.handover_create(c, by=request.user, kind=payload.kind, note=payload.note)
    return 201, WorklifeOkOut(ok=True, id=h.pk)


class WorklifeChecklistRowOut(Schema):
    id: int
    kind: str
    label: str
    reference: str
    due_on: date
    done_on: date | None = None
    method: str
    notice_items: list[str]
    overdue: bool


class WorklifeCountOut(Schema):
    key: str
    label: str = ""
    count: int | None = None


class WorklifeEmployerOut(Schema):
    """The employer's view: references and k-suppressed counts — no employee identity or text."""

    id: int
    name: str
    checklist: list[WorklifeChecklistRowOut]
    k: int
    total: int | None = None
    by_month: list[WorklifeCountOut]
    by_size: list[WorklifeCountOut]
    by_topic: list[WorklifeCountOut]


@router.get("/employers/{employer_id}", response=responses(200, WorklifeEmployerOut),
            summary="The employer's checklist and anonymised counts (HR contact or contracted care manager)")
def employer(request, employer_id: int):
    if not (selectors.is_employer_contact(request.user) or selectors.is_care_manager(request.user)):
        _forbid()
    found = get_object_or_404(selectors.employers_visible(request.user), pk=employer_id)
    counts = selectors.employer_counts(found)
    rows = [{k: r[k] for k in ("id", "kind", "label", "reference", "due_on", "done_on", "method", "notice_items",
                               "overdue")} for r in selectors.checklist_rows(found)]
    return {"id": found.pk, "name": found.name, "checklist": rows, "k": counts["k"], "total": counts["total"],
            "by_month": counts["by_month"], "by_size": counts["by_size"], "by_topic": counts["by_topic"]}


class WorklifeChecklistIn(Schema):
    done_on: date
    method: str = ""
    notice_items: list[str] = []
    note: str = ""


@router.post("/checklist/{item_id}", response=responses(200, WorklifeOkOut),
             summary="Tick a duty of the employer's checklist (HR contact or care manager)")
def checklist_item(request, item_id: int, payload: WorklifeChecklistIn):
    from sasaeai.worklife.models import ChecklistItem

    found = get_object_or_404(ChecklistItem, pk=item_id, employer__in=selectors.employers_visible(request.user))
    services.checklist_complete(found, by=request.user, done_on=payload.done_on, method=payload.method,
                                notice_items=payload.notice_items, note=payload.note)
    return WorklifeOkOut(ok=True, id=found.pk)


class WorklifeHandoverOut(Schema):
    """Only what the employee's consent allowed (the `shared` copy), never the rest."""

    id: int
    kind: str
    municipality_id: int
    area_id: int
    sent_at: str
    acknowledged: bool
    shared: dict


@router.get("/handovers", response=responses(200, list[WorklifeHandoverOut]),
            summary="Handovers to your area (地域包括支援センター)")
def list_handovers(request):
    if not selectors.may_receive_handovers(request.user):
        _forbid()
    rows = list(selectors.handovers_for(request.user).order_by("-sent_at", "-pk")[:200])
    log_reads(request, [h.consultation for h in rows], ("worklife_handover",))
    return [WorklifeHandoverOut(id=h.pk, kind=h.kind, municipality_id=h.municipality_id, area_id=h.area_id,
                                sent_at=h.sent_at.isoformat(), acknowledged=h.acknowledged_at is not None,
                                shared=h.shared) for h in rows]
