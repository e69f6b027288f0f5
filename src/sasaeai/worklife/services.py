"""Every write of the worklife app. Each public function is one transaction: it validates first,
writes everything or nothing, and raises `ValidationError` (with a stable `code`) or
`PermissionDenied`.

Consultation steps lock the consultation row (`select_for_update`) and check `TRANSITIONS` on
the status found after the lock, so two writers queue and the second sees the first's step.
Nothing here writes personal data to a log; notifications carry a reference and a link only."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sasaeai.residents.models import CareLevel, ProxyRelation
from sasaeai.safety.models import ConsentBasis, Purpose
from sasaeai.tenancy.models import Area, Municipality

from . import selectors
from .models import (
    CASE_ITEMS,
    EMPLOYER_ITEMS,
    TRANSITIONS,
    ChecklistItem,
    Consultation,
    ConsultationStatus,
    Contract,
    Employer,
    EmployerContact,
    FollowUp,
    FollowUpKind,
    Handover,
    HandoverConsent,
    HandoverKind,
    ItemKind,
    NoticeItem,
    NoticeMethod,
    Outcome,
    Plan,
    Seminar,
    ShareScope,
    SizeBand,
    Topic,
    WorkSupportCareManager,
)

#: The consent purpose of a handover (added to safety's purposes for this app).
HANDOVER_PURPOSE = Purpose.WORK_CARE_HANDOVER
#: Default plan follow-ups (months after the plan) and employment checks (after the interview).
FOLLOW_UP_MONTHS = (1, 3)
RETENTION_MONTHS = (6, 12)
#: The individual notice and the wishes are due this many days after the request.
CASE_ITEM_DAYS = 14
#: Employer-wide measures are due this many days after the contract starts.
EMPLOYER_ITEM_DAYS = 90
MAX_FOLLOW_UPS = 12


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _invalid(field: str, message, code: str) -> ValidationError:
    error = ValidationError({field: [ValidationError(message, code=code)]})
    error.code = code
    return error


def _text(value, field: str, *, required: bool, max_length: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise _invalid(field, _("This field is required."), "required")
    if len(value) > max_length:
        raise _invalid(field, _("At most %(n)d characters.") % {"n": max_length}, "too_long")
    return value


def _choices(values, allowed, field: str) -> list[str]:
    values = list(dict.fromkeys(values or []))
    if any(v not in allowed for v in values):
        raise _invalid(field, _("Choose from the list."), "invalid_choice")
    return values


def _choice(value, allowed, field: str, *, required: bool = True) -> str:
    value = value or ""
    if (required or value) and value not in allowed:
        raise _invalid(field, _("Choose from the list."), "invalid_choice")
    return value


def _not_future(value: date, field: str) -> None:
    if value > timezone.localdate():
        raise _invalid(field, _("This date is in the future."), "date_in_future")


def _require_cm(by) -> WorkSupportCareManager:
    cm = selectors.care_manager_of(by)
    if cm is None:
        raise PermissionDenied(_("Only a verified work-support care manager can do this."))
    return cm


def _lock(consultation: Consultation | int, by) -> Consultation:
    pk = consultation if isinstance(consultation, int) else consultation.pk
    # Locks the consultation row only: two steps at once queue here.
    found = (selectors.consultations_for(by).select_for_update(of=("self",)).filter(pk=pk).first())
    if found is None:
        raise PermissionDenied(_("You are not allowed to do this."))
    return found


def _check(consultation: Consultation, target: str) -> None:
    if target not in TRANSITIONS.get(consultation.status, frozenset()):
        raise ValidationError(
            _("This step is not possible now: the consultation is “%(status)s”.")
            % {"status": consultation.get_status_display()}, code="illegal_transition")


def _move(consultation: Consultation, target: str, fields=()) -> None:
    consultation.status = target
    consultation.version = F("version") + 1
    consultation.save(update_fields=["status", "version", "updated_at", *fields])
    consultation.refresh_from_db(fields=["version"])


def _notify(user, kind: str, context: dict) -> None:
    """Notifications carry a link only (no names, no care details)."""
    from sasaeai.notifications import notify

    notify(user, kind, context)


# --- employers and contracts ------------------------------------------------------------------


@transaction.atomic
def employer_create(*, by, name: str, size_band: str, municipality: Municipality | None = None,
                    organization=None, partner=None) -> Employer:
    """A care manager registers an employer (optionally linked to a directory organisation or a
    partner). The employer-wide duties are created with the first contract."""
    cm = _require_cm(by)
    name = _text(name, "name", required=True, max_length=150)
    size_band = _choice(size_band, SizeBand.values, "size_band")
    return Employer.objects.create(municipality=municipality or cm.municipality, name=name, size_band=size_band,
                                   organization=organization, partner=partner, created_by=by)


@transaction.atomic
def contact_add(*, by, employer: Employer, email: str) -> EmployerContact:
    """The employer's HR contact: an existing account, found by email."""
    from sasaeai.accounts.models import User

    if not selectors.employers_for_care_manager(by).filter(pk=employer.pk).exists():
        raise PermissionDenied(_("You are not allowed to do this."))
    user = User.objects.filter(email__iexact=(email or "").strip(), is_active=True).first()
    if user is None:
        raise _invalid("email", _("No account has this email address. Ask the HR contact to register first."),
                       "unknown_account")
    contact, _created = EmployerContact.objects.get_or_create(employer=employer, user=user)
    return contact


@transaction.atomic
def contract_create(*, by, employer: Employer, starts_on: date, ends_on: date) -> Contract:
    """契約: the employer contracts the care manager entering it for a period."""
    cm = _require_cm(by)
    if not selectors.employers_for_care_manager(by).filter(pk=employer.pk).exists():
        raise PermissionDenied(_("You are not allowed to do this."))
    if ends_on < starts_on:
        raise _invalid("ends_on", _("The end of the contract cannot be before its start."), "date_order")
    contract = Contract.objects.create(employer=employer, care_manager=cm, starts_on=starts_on, ends_on=ends_on)
    due = starts_on + timedelta(days=EMPLOYER_ITEM_DAYS)
    existing = set(ChecklistItem.objects.filter(employer=employer, consultation__isnull=True)
                   .values_list("kind", flat=True))
    ChecklistItem.objects.bulk_create([ChecklistItem(employer=employer, kind=kind, due_on=due)
                                       for kind in EMPLOYER_ITEMS if kind not in existing])
    return contract


# --- the employee's request -------------------------------------------------------------------


def employer_by_code(code: str) -> Employer | None:
    code = (code or "").strip().upper().replace("-", "").replace(" ", "")
    if not code or len(code) > 12:
        return None
    return Employer.objects.filter(link_code=code).first()


@transaction.atomic
def consultation_request(*, code: str, employee_name: str, employee_contact: str, department_size: str,
                         topics=(), note: str = "", user=None) -> Consultation:
    """相談の申込み: an employee (logged in or not) asks through the employer's code. The code is
    the same for every employee; nothing about the request reaches the employer."""
    employer = employer_by_code(code)
    if employer is None:
        raise _invalid("code", _("This code is not known. Check the code your employer gave you."), "unknown_code")
    contract = selectors.contract_in_force(employer)
    if contract is None:
        raise _invalid("code", _("Your employer has no contract with a work-support care manager at the "
                                 "moment, so a consultation cannot be requested here."), "no_contract")
    consultation = Consultation.objects.create(
        employer=employer, contract=contract, care_manager=contract.care_manager,
        employee_user=user if getattr(user, "is_authenticated", False) else None,
        employee_name=_text(employee_name, "employee_name", required=True, max_length=80),
        employee_contact=_text(employee_contact, "employee_contact", required=True, max_length=120),
        department_size=_choice(department_size, SizeBand.values, "department_size"),
        topics=_choices(topics, Topic.values, "topics"),
        request_note=_text(note, "request_note", required=False, max_length=2000))
    _notify(contract.care_manager.user, "worklife.requested",
            {"url": f"/worklife/consultations/{consultation.pk}/"})
    return consultation


# --- the care manager's record --------------------------------------------------------------


@transaction.atomic
def consultation_record(consultation, *, by, interviewed_on: date, relation: str = "", care_level: str = "",
                        family_municipality: Municipality | None = None, family_area: Area | None = None,
                        family_situation: str = "", work_situation: str = "", wishes: str = "", topics=(),
                        shared_with_employer: bool = False) -> Consultation:
    """面談の記録: the family member's situation, the employee's work and wishes, topics. When
    the employee has told the employer, the employer's case duties open on the checklist."""
    c = _lock(consultation, by)
    _check(c, ConsultationStatus.RECORDED)
    _not_future(interviewed_on, "interviewed_on")
    if interviewed_on < c.requested_on:
        raise _invalid("interviewed_on", _("The interview cannot be before the request."), "date_order")
    if family_area is not None and (family_area.layer != Area.Layer.DAILY_LIFE or family_municipality is None
                                    or family_area.municipality_id != family_municipality.pk):
        raise _invalid("family_area", _("Choose a daily-life area of the family member's municipality."),
                       "invalid_area")
    c.interviewed_on = interviewed_on
    c.relation = _choice(relation, ProxyRelation.values, "relation", required=False)
    c.care_level = _choice(care_level, CareLevel.values, "care_level", required=False)
    c.family_municipality, c.family_area = family_municipality, family_area
    c.family_situation = _text(family_situation, "family_situation", required=True, max_length=4000)
    c.work_situation = _text(work_situation, "work_situation", required=False, max_length=2000)
    c.wishes = _text(wishes, "wishes", required=False, max_length=2000)
    c.topics = _choices(topics, Topic.values, "topics") or c.topics
    c.shared_with_employer = bool(shared_with_employer)
    _move(c, ConsultationStatus.RECORDED, fields=(
        "interviewed_on", "relation", "care_level", "family_municipality", "family_area", "family_situation",
        "work_situation", "wishes", "topics", "shared_with_employer"))
    if c.shared_with_employer:
        _open_case_items(c)
    return c


def _open_case_items(c: Consultation) -> None:
    due = c.requested_on + timedelta(days=CASE_ITEM_DAYS)
    existing = set(c.checklist.values_list("kind", flat=True))
    ChecklistItem.objects.bulk_create([ChecklistItem(employer_id=c.employer_id, consultation=c, kind=kind,
                                                     due_on=due) for kind in CASE_ITEMS if kind not in existing])


@transaction.atomic
def share_with_employer(consultation, *, by) -> Consultation:
    """The employee has now told the employer: open the case duties on the checklist."""
    c = _lock(consultation, by)
    if not c.is_open:
        _check(c, "-")
    c.shared_with_employer = True
    c.save(update_fields=["shared_with_employer", "updated_at"])
    _open_case_items(c)
    return c


@transaction.atomic
def consultation_withdraw(consultation, *, by, note: str = "") -> Consultation:
    c = _lock(consultation, by)
    _check(c, ConsultationStatus.WITHDRAWN)
    c.outcome_note = _text(note, "note", required=False, max_length=2000)
    _move(c, ConsultationStatus.WITHDRAWN, fields=("outcome_note",))
    return c


# --- the legal checklist -----------------------------------------------------------------------


def _may_complete(by, item: ChecklistItem) -> bool:
    if selectors.employers_for_contact(by).filter(pk=item.employer_id).exists():
        return item.consultation_id is None or item.consultation.shared_with_employer
    if item.consultation_id is not None:
        return selectors.consultations_for(by).filter(pk=item.consultation_id).exists()
    return selectors.employers_for_care_manager(by).filter(pk=item.employer_id).exists()


@transaction.atomic
def checklist_complete(item: ChecklistItem | int, *, by, done_on: date, method: str = "", notice_items=(),
                       note: str = "") -> ChecklistItem:
    """Tick a duty with its date (and, for the individual notice, the method and the items
    covered). The care manager or the employer's HR contact does it."""
    pk = item if isinstance(item, int) else item.pk
    item = (ChecklistItem.objects.select_for_update(of=("self",)).select_related("consultation")
            .filter(pk=pk).first())
    if item is None or not _may_complete(by, item):
        raise PermissionDenied(_("You are not allowed to do this."))
    if item.consultation_id is not None and item.consultation.status == ConsultationStatus.WITHDRAWN:
        raise ValidationError(_("The consultation was withdrawn."), code="illegal_transition")
    if not isinstance(done_on, date):
        raise _invalid("done_on", _("Give a valid date."), "invalid_date")
    _not_future(done_on, "done_on")
    if item.consultation_id is not None and done_on < item.consultation.requested_on:
        raise _invalid("done_on", _("The date cannot be before the consultation was requested."), "date_order")
    method = _choice(method, NoticeMethod.values, "method", required=item.kind == ItemKind.INDIVIDUAL_NOTICE)
    notice_items = _choices(notice_items, NoticeItem.values, "notice_items")
    if item.kind == ItemKind.INDIVIDUAL_NOTICE and not notice_items:
        raise _invalid("notice_items", _("Say which items the notice covered."), "required")
    item.done_on, item.method, item.notice_items = done_on, method, notice_items
    item.note = _text(note, "note", required=False, max_length=300)
    item.done_by = by
    item.save(update_fields=["done_on", "method", "notice_items", "note", "done_by"])
    return item


def remind_overdue(now=None) -> int:
    """Monitor: remind the care manager and the HR contacts once of each overdue duty."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    items = (ChecklistItem.objects.filter(done_on__isnull=True, due_on__lt=today, reminded_at__isnull=True)
             .exclude(consultation__status=ConsultationStatus.WITHDRAWN)
             .exclude(consultation__shared_with_employer=False).select_related("employer", "consultation"))
    sent = 0
    for item in items:
        with transaction.atomic():
            locked = ChecklistItem.objects.select_for_update().filter(pk=item.pk, reminded_at__isnull=True).first()
            if locked is None:
                continue
            contract = selectors.contract_in_force(item.employer, today)
            recipients = {c.user for c in item.employer.contacts.select_related("user") if c.user.is_active}
            if contract is not None:
                recipients.add(contract.care_manager.user)
            for user in recipients:
                _notify(user, "worklife.checklist_overdue", {"url": f"/worklife/employers/{item.employer_id}/"})
            locked.reminded_at = now
            locked.save(update_fields=["reminded_at"])
            sent += 1
    return sent


# --- the plan and follow-ups ----------------------------------------------------------------


def _future_date(value, field: str) -> date:
    if not isinstance(value, date):
        raise _invalid(field, _("Give a valid date."), "invalid_date")
    if value < timezone.localdate():
        raise _invalid(field, _("A follow-up cannot be in the past."), "follow_up_in_past")
    return value


@transaction.atomic
def plan_create(consultation, *, by, goals: str, leave_from: date | None = None, leave_until: date | None = None,
                work_changes: str = "", work_changes_from: date | None = None, handover_at_work: str = "",
                care_services: str = "", follow_ups: list[date] | None = None) -> Plan:
    """介護支援プラン, with follow-ups (default 1 and 3 months from today)."""
    c = _lock(consultation, by)
    _check(c, ConsultationStatus.PLANNED)
    if leave_from and leave_until and leave_until < leave_from:
        raise _invalid("leave_until", _("The leave cannot end before it starts."), "date_order")
    today = timezone.localdate()
    dates = follow_ups if follow_ups else [add_months(today, n) for n in FOLLOW_UP_MONTHS]
    if len(dates) > MAX_FOLLOW_UPS:
        raise _invalid("follow_ups", _("At most %(n)d follow-ups.") % {"n": MAX_FOLLOW_UPS}, "too_many")
    dates = [_future_date(d, "follow_ups") for d in dates]
    plan = Plan.objects.create(
        consultation=c, goals=_text(goals, "goals", required=True, max_length=2000), leave_from=leave_from,
        leave_until=leave_until, work_changes=_text(work_changes, "work_changes", required=False, max_length=2000),
        work_changes_from=work_changes_from,
        handover_at_work=_text(handover_at_work, "handover_at_work", required=False, max_length=2000),
        care_services=_text(care_services, "care_services", required=False, max_length=2000))
    FollowUp.objects.bulk_create([FollowUp(consultation=c, due_on=d) for d in sorted(set(dates))])
    _move(c, ConsultationStatus.PLANNED)
    return plan


@transaction.atomic
def follow_up_schedule(consultation, *, by, due_on: date, kind: str = FollowUpKind.PLAN) -> FollowUp:
    c = _lock(consultation, by)
    if c.status == ConsultationStatus.WITHDRAWN:
        _check(c, "-")
    _future_date(due_on, "due_on")
    kind = _choice(kind, FollowUpKind.values, "kind")
    if c.follow_ups.filter(done_on__isnull=True).count() >= MAX_FOLLOW_UPS:
        raise _invalid("due_on", _("At most %(n)d follow-ups.") % {"n": MAX_FOLLOW_UPS}, "too_many")
    return FollowUp.objects.create(consultation=c, due_on=due_on, kind=kind)


@transaction.atomic
def follow_up_complete(follow_up: FollowUp | int, *, by, done_on: date | None = None,
                       still_employed: bool | None = None, note: str = "") -> FollowUp:
    """A follow-up done: whether the employee still works there feeds the retention figure."""
    pk = follow_up if isinstance(follow_up, int) else follow_up.pk
    cid = FollowUp.objects.filter(pk=pk).values_list("consultation_id", flat=True).first()
    if cid is None:
        raise PermissionDenied(_("You are not allowed to do this."))
    c = _lock(cid, by)
    fu = FollowUp.objects.select_for_update(of=("self",)).get(pk=pk)
    if fu.done_on is not None:
        raise ValidationError(_("This follow-up is already recorded."), code="already_done")
    done_on = done_on or timezone.localdate()
    _not_future(done_on, "done_on")
    if c.interviewed_on and done_on < c.interviewed_on:
        raise _invalid("done_on", _("The date cannot be before the interview."), "date_order")
    fu.done_on, fu.still_employed = done_on, still_employed
    fu.note = _text(note, "note", required=False, max_length=2000)
    fu.save(update_fields=["done_on", "still_employed", "note"])
    if still_employed is False and c.left_work_on is None:
        c.left_work_on = done_on
        c.save(update_fields=["left_work_on", "updated_at"])
    return fu


@transaction.atomic
def consultation_close(consultation, *, by, outcome: str, on: date | None = None, note: str = "") -> Consultation:
    """終結: the outcome. Unless the employee left, employment checks at 6 and 12 months after
    the interview are scheduled (when still ahead) for the retention figure."""
    c = _lock(consultation, by)
    _check(c, ConsultationStatus.CLOSED)
    on = on or timezone.localdate()
    _not_future(on, "on")
    if c.interviewed_on and on < c.interviewed_on:
        raise _invalid("on", _("The closure cannot be before the interview."), "date_order")
    c.outcome = _choice(outcome, Outcome.values, "outcome")
    c.outcome_note = _text(note, "note", required=False, max_length=2000)
    c.closed_on = on
    fields = ["outcome", "outcome_note", "closed_on"]
    if c.outcome == Outcome.LEFT_WORK and c.left_work_on is None:
        c.left_work_on = on
        fields.append("left_work_on")
    _move(c, ConsultationStatus.CLOSED, fields=fields)
    c.follow_ups.filter(done_on__isnull=True, kind=FollowUpKind.PLAN).delete()
    if c.outcome != Outcome.LEFT_WORK and c.interviewed_on:
        today = timezone.localdate()
        FollowUp.objects.bulk_create([
            FollowUp(consultation=c, kind=FollowUpKind.EMPLOYMENT, due_on=d)
            for d in (add_months(c.interviewed_on, n) for n in RETENTION_MONTHS) if d >= today])
    return c


# --- consent and handover ----------------------------------------------------------------------


def current_consent(consultation: Consultation) -> HandoverConsent | None:
    return consultation.consents.filter(purpose=str(HANDOVER_PURPOSE)).order_by("-at", "-pk").first()


@transaction.atomic
def consent_record(consultation, *, by, granted: bool, scope=(), basis: str = ConsentBasis.VERBAL) -> HandoverConsent:
    """The employee's decision (give or withdraw) on handing their family member's situation
    over to local support; the scope says what may go. The latest decision wins."""
    c = _lock(consultation, by)
    scope = _choices(scope, ShareScope.values, "scope")
    if granted and not scope:
        raise _invalid("scope", _("Say what may be shared."), "required")
    basis = _choice(basis, ConsentBasis.values, "basis")
    return HandoverConsent.objects.create(consultation=c, purpose=str(HANDOVER_PURPOSE), granted=bool(granted),
                                          scope=scope if granted else [], basis=basis, recorded_by=by)


def _shared(c: Consultation, scope: list[str], note: str) -> dict:
    """Only what the consent's scope allows, copied at the time of the handover."""
    out = {"reference": c.reference, "note": note}
    if ShareScope.SITUATION in scope:
        out.update(relation=c.relation, care_level=c.care_level, situation=c.family_situation)
    if ShareScope.CONTACT in scope:
        out.update(employee_name=c.employee_name, employee_contact=c.employee_contact)
    if ShareScope.WORK in scope:
        out.update(work_situation=c.work_situation, wishes=c.wishes)
    return out


@transaction.atomic
def handover_create(consultation, *, by, kind: str, municipality: Municipality | None = None,
                    area: Area | None = None, note: str = "") -> Handover:
    """つなぐ: to the 地域包括支援センター of the family member's area, as a need in that
    municipality's register (anonymous: no resident is named), or as a wish for the employee
    to enter help requests as the family member's proxy (the centre registers the proxy link).
    Refused without the employee's consent; the receiving side sees only the consent's scope."""
    from sasaeai.needs.categories import NeedCategory
    from sasaeai.needs.models import NeedSource
    from sasaeai.needs.services import need_create
    from sasaeai.tenancy.models import Membership, Role

    c = _lock(consultation, by)
    if c.status in (ConsultationStatus.REQUESTED, ConsultationStatus.WITHDRAWN):
        raise ValidationError(_("Record the interview before a handover."), code="illegal_transition")
    kind = _choice(kind, HandoverKind.values, "kind")
    consent = current_consent(c)
    if consent is None or not consent.granted:
        raise ValidationError(_("The employee has not consented to a handover to local support. Record "
                                "their consent first."), code="no_consent")
    municipality = municipality or c.family_municipality
    area = area or c.family_area
    if municipality is None or area is None:
        raise _invalid("area", _("Say where the family member lives (municipality and area)."), "required")
    if area.municipality_id != municipality.pk or area.layer != Area.Layer.DAILY_LIFE:
        raise _invalid("area", _("Choose a daily-life area of the family member's municipality."), "invalid_area")
    note = _text(note, "note", required=False, max_length=1000)
    shared = _shared(c, consent.scope, note)
    need = None
    if kind == HandoverKind.NEED:
        description = "\n".join(x for x in (shared.get("situation", ""), note) if x) or _(
            "Handover from a work-care consultation")
        need = need_create(by=None, municipality=municipality, area=area, category=NeedCategory.HEALTH_CARE,
                           description=description[:2000], source=NeedSource.FAMILY)
    handover = Handover.objects.create(consultation=c, kind=kind, municipality=municipality, area=area,
                                       shared=shared, need=need, consent=consent, sent_by=by)
    centre = Membership.objects.filter(municipality=municipality, role=Role.SUPPORT_CENTER).select_related("user")
    for m in centre:
        scope = {a.pk for a in m.areas.all()}
        if (not scope or area.pk in scope) and m.user.is_active:
            _notify(m.user, "worklife.handover", {"url": f"/worklife/handovers/{handover.pk}/"})
    return handover


@transaction.atomic
def handover_acknowledge(handover: Handover | int, *, by) -> Handover:
    pk = handover if isinstance(handover, int) else handover.pk
    found = selectors.handovers_for(by).select_for_update(of=("self",)).filter(pk=pk).first()
    if found is None:
        raise PermissionDenied(_("You are not allowed to do this."))
    if found.acknowledged_at is not None:
        raise ValidationError(_("This handover is already acknowledged."), code="already_done")
    found.acknowledged_by, found.acknowledged_at = by, timezone.now()
    found.save(update_fields=["acknowledged_by", "acknowledged_at"])
    return found


@transaction.atomic
def handover_link_proxy(handover: Handover | int, *, by, resident) -> object:
    """代理入力の準備: the receiving 地域包括支援センター links the employee's account as a proxy
    of the family member (a resident of its own area), so the employee can enter help requests
    for them. Needs the consent still in force, with the employee's contact in its scope, and an
    account; the consent is then also recorded in safety for the resident (given by the proxy)."""
    from sasaeai.residents.models import Proxy
    from sasaeai.residents.selectors import residents_for_staff
    from sasaeai.safety.consent import give
    from sasaeai.tenancy import services as tenancy
    from sasaeai.tenancy.models import Membership, Role

    pk = handover if isinstance(handover, int) else handover.pk
    found = selectors.handovers_for(by).select_for_update(of=("self",)).filter(pk=pk).first()
    if found is None:
        raise PermissionDenied(_("You are not allowed to do this."))
    if found.kind != HandoverKind.PROXY_REQUEST:
        raise ValidationError(_("This handover does not ask for proxy entry."), code="invalid_kind")
    resident_id = getattr(resident, "pk", resident)
    target = residents_for_staff(by).filter(pk=resident_id, municipality_id=found.municipality_id).first()
    if target is None:
        raise _invalid("resident", _("Choose a resident of your area."), "unknown_resident")
    c = found.consultation
    consent = current_consent(c)
    if consent is None or not consent.granted or ShareScope.CONTACT not in consent.scope:
        raise ValidationError(_("The employee's consent does not cover sharing their contact, so they cannot "
                                "be linked as a proxy."), code="no_consent")
    user = c.employee_user
    if user is None or not user.is_active:
        raise ValidationError(_("The employee asked without an account. Ask them to register, then link them."),
                              code="no_account")
    relation = c.relation or ProxyRelation.OTHER_RELATIVE
    link, _created = Proxy.objects.get_or_create(resident=target, user=user,
                                                 defaults={"relation": relation, "confirmed": True})
    if not Membership.objects.filter(user=user, municipality_id=found.municipality_id, role=Role.PROXY).exists():
        tenancy.create_membership(user=user, municipality=found.municipality, role=Role.PROXY)
    give(target, HANDOVER_PURPOSE, by=by, basis=consent.basis, giver_kind="proxy", proxy_relation=link.relation)
    return link


# --- seminars ---------------------------------------------------------------------------------


@transaction.atomic
def seminar_link(*, by, employer: Employer, event, topic: str) -> Seminar:
    """A seminar for the employer's staff is an event of the events app: link it."""
    if not selectors.employers_for_care_manager(by).filter(pk=employer.pk).exists():
        raise PermissionDenied(_("You are not allowed to do this."))
    topic = _choice(topic, Seminar.SeminarTopic.values, "topic")
    if event.cancelled_at is not None:
        raise _invalid("event", _("This event was cancelled."), "cancelled")
    seminar, _created = Seminar.objects.get_or_create(employer=employer, event=event, defaults={"topic": topic})
    return seminar
