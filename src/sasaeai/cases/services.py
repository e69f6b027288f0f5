"""Every write of the cases app. Each public function is one transaction: it validates first,
writes everything or nothing, and raises `ValidationError` (with a stable `code`) or
`PermissionDenied`.

Transitions are explicit services rather than a state-machine library: each one locks the
case row (`select_for_update`), checks `TRANSITIONS` against the status it finds *after* the
lock, raises `version` and writes a `CaseEvent`. Two SCs answering the same referral at once
queue on the lock; the second finds the referral already answered and is refused
("illegal_transition"). A caller that shows a form may pass the `version` it displayed, and a
write based on an older version is refused ("stale") instead of overwriting a colleague's."""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sasaeai.safety.audit import record_access
from sasaeai.safety.consent import Purpose, has_consent

from . import selectors
from .models import (
    ONS4_QUESTIONS,
    OPTION_TRANSITIONS,
    PLAN_STATUSES,
    TRANSITIONS,
    Case,
    CaseEvent,
    CaseGoal,
    CaseOption,
    CaseStatus,
    FollowUp,
    OptionKind,
    OptionStatus,
    Outcome,
    ReferrerKind,
    WellbeingMoment,
    WellbeingScore,
)

#: Default follow-ups after the person is connected.
FOLLOW_UP_DAYS = 14
FOLLOW_UP_MONTHS = 3
#: At most this many options per goal, goals per case (a plan, not a catalogue).
MAX_OPTIONS = 10
MAX_GOALS = 10
#: Consent that lets the referrer hear back (the sharing purposes of `safety`). Referrers
#: without a sharing purpose of their own (doctor, family, other) are not sent a message.
REFERRER_PURPOSE = {
    ReferrerKind.SUPPORT_CENTER: Purpose.SHARE_SUPPORT_CENTER,
    ReferrerKind.CARE_MANAGER: Purpose.SHARE_CARE_MANAGER,
}
#: The access-log field names of a case (labels in `access_labels.py`).
LOG_FIELDS = ("case_record",)
LOG_STATUS_FIELDS = ("case_status",)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _lock(case: Case | int) -> Case:
    pk = case if isinstance(case, int) else case.pk
    # Locks only the case row: two SCs answering the same referral (or any two transitions)
    # queue here, and the second sees the first one's status.
    return Case.objects.select_for_update(of=("self",)).select_related("resident").get(pk=pk)


def _require_worker(by, case: Case) -> None:
    if not selectors.cases_for(by).filter(pk=case.pk).exists():
        raise PermissionDenied(_("You are not allowed to do this."))


def _check(case: Case, target: str, version: int | None) -> None:
    if version is not None and int(version) != case.version:
        raise ValidationError(
            _("Someone else changed this case a moment ago. Reload the page and check before saving."),
            code="stale")
    if target not in TRANSITIONS.get(case.status, frozenset()):
        raise ValidationError(
            _("This step is not possible now: the case is “%(status)s”.") % {"status": case.get_status_display()},
            code="illegal_transition")


def _move(case: Case, target: str, *, by, note: str = "", fields=()) -> Case:
    before = case.status
    case.status = target
    case.version = F("version") + 1
    case.save(update_fields=["status", "version", "updated_at", *fields])
    case.refresh_from_db(fields=["version"])
    CaseEvent.objects.create(case=case, from_status=before, to_status=target, by=by, note=note[:200])
    return case


def _invalid(field: str, message, code: str) -> ValidationError:
    """A refusal of one field that keeps its stable code (for the API's `code`)."""
    error = ValidationError({field: [ValidationError(message, code=code)]})
    error.code = code
    return error


def _not_future(value: date, field: str, today: date | None = None) -> None:
    if value > (today or timezone.localdate()):
        raise _invalid(field, _("This date is in the future."), "date_in_future")


def _text(value, field: str, *, required: bool, max_length: int) -> str:
    value = (value or "").strip()
    if required and not value:
        raise _invalid(field, _("This field is required."), "required")
    if len(value) > max_length:
        raise _invalid(field, _("At most %(n)d characters.") % {"n": max_length}, "too_long")
    return value


def _whole_number(value) -> int | None:
    """An int, or text of one or two digits (full-width digits from an IME accepted)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if re.fullmatch(r"[0-9]{1,2}", text):
            return int(text)
    return None


def clean_ons4(answers: dict | None) -> dict[str, int]:
    """The four ONS4 answers as whole numbers 0–10, or a ValidationError naming each bad one."""
    answers = answers or {}
    out, errors = {}, {}
    for key, _question in ONS4_QUESTIONS:
        number = _whole_number(answers.get(key))
        if number is None or not 0 <= number <= 10:
            errors[key] = [ValidationError(_("Answer with a whole number from 0 to 10."), code="invalid_ons4")]
        else:
            out[key] = number
    if errors:
        error = ValidationError(errors)
        error.code = "invalid_ons4"
        raise error
    return out


def _message_referrer(case: Case, kind: str) -> bool:
    """Tell the referrer (the account that entered the referral) that the case was accepted or
    closed — only with the resident's consent to share with that kind of referrer. The message
    carries no care details, only the step and a link; the disclosure is access-logged."""
    from sasaeai.notifications import notify

    referrer = case.referred_by
    purpose = REFERRER_PURPOSE.get(case.referrer_kind)
    if referrer is None or purpose is None or not referrer.is_active:
        return False
    if not has_consent(case.resident_id, purpose):
        return False
    if not selectors.referrals_by(referrer).filter(pk=case.pk).exists():
        return False  # the referrer no longer holds a referring role there
    notify(referrer, f"cases.{kind}", {"url": "/cases/referrals/", "case_id": case.pk})
    record_access(referrer, case.resident, LOG_STATUS_FIELDS, "care_coordination", channel="system")
    return True


# --- referral ---------------------------------------------------------------------------------


@transaction.atomic
def refer(*, by, resident, referrer_kind: str, reason: str, referrer_name: str = "",
          referred_at: datetime | None = None) -> Case:
    """紹介: a resident is referred to the SC of their area."""
    from sasaeai.residents.models import Resident

    resident_id = resident.pk if isinstance(resident, Resident) else resident
    found = selectors.referable_residents(by).filter(pk=resident_id).select_related("area").first()
    if found is None:
        raise _invalid("resident", _("This resident is not one you can refer: they live in another "
                                              "municipality or outside your areas."), "unknown_resident")
    if referrer_kind not in ReferrerKind.values:
        raise _invalid("referrer_kind", _("Say who referred the person."), "invalid_referrer")
    reason = _text(reason, "reason", required=True, max_length=2000)
    referrer_name = _text(referrer_name, "referrer_name", required=False, max_length=120)
    if Case.objects.filter(resident=found).exclude(status__in=[CaseStatus.DECLINED, CaseStatus.CLOSED]).exists():
        raise ValidationError(_("This resident already has an open case."), code="already_open")
    try:
        with transaction.atomic():
            case = Case.objects.create(
                municipality_id=found.municipality_id, area_id=found.area_id, resident=found,
                referrer_kind=referrer_kind, referrer_name=referrer_name, referred_by=by, reason=reason,
                referred_at=referred_at or timezone.now())
    except IntegrityError:  # a concurrent referral of the same resident
        raise ValidationError(_("This resident already has an open case."), code="already_open") from None
    CaseEvent.objects.create(case=case, from_status="", to_status=CaseStatus.REFERRED, by=by, at=case.referred_at)
    return case


@transaction.atomic
def accept(case: Case | int, *, by, version: int | None = None) -> Case:
    """受理: the SC takes the case on (and becomes its coordinator)."""
    case = _lock(case)
    _require_worker(by, case)
    _check(case, CaseStatus.ACCEPTED, version)
    case.coordinator, case.answered_at = by, timezone.now()
    _move(case, CaseStatus.ACCEPTED, by=by, fields=("coordinator", "answered_at"))
    _message_referrer(case, "accepted")
    return case


@transaction.atomic
def decline(case: Case | int, *, by, reason: str, version: int | None = None) -> Case:
    """The SC declines the referral, with a reason (e.g. another service fits better)."""
    case = _lock(case)
    _require_worker(by, case)
    _check(case, CaseStatus.DECLINED, version)
    case.decline_reason = _text(reason, "reason", required=True, max_length=1000)
    case.answered_at = timezone.now()
    return _move(case, CaseStatus.DECLINED, by=by, fields=("decline_reason", "answered_at"))


# --- "what matters to me" ------------------------------------------------------------------------


@transaction.atomic
def record_conversation(case: Case | int, *, by, what_matters: str, domains: dict | None = None,
                        ons4: dict | None = None, on: date | None = None, version: int | None = None) -> Case:
    """本人にとって大切なこと: free text, the five life domains and ONS4 at the start."""
    case = _lock(case)
    _require_worker(by, case)
    _check(case, CaseStatus.CONVERSATION, version)
    on = on or timezone.localdate()
    _not_future(on, "on")
    if on < timezone.localtime(case.referred_at).date():
        raise _invalid("on", _("The conversation cannot be before the referral."), "date_order")
    case.what_matters = _text(what_matters, "what_matters", required=True, max_length=4000)
    domains = domains or {}
    for domain, field in Case.DOMAIN_FIELDS.items():
        setattr(case, field, _text(domains.get(str(domain)), field, required=False, max_length=1000))
    answers = clean_ons4(ons4)
    case.conversation_on = on
    _move(case, CaseStatus.CONVERSATION, by=by,
          fields=("what_matters", "conversation_on", *Case.DOMAIN_FIELDS.values()))
    WellbeingScore.objects.create(case=case, moment=WellbeingMoment.CONVERSATION, recorded_on=on, **answers)
    return case


# --- plan --------------------------------------------------------------------------------------


def _option(case: Case, spec: dict) -> CaseOption:
    """An unsaved option from {"kind", "service_id" | "help_request_id" | "helper_id", "label"};
    the linked record must belong to the case's municipality."""
    from sasaeai.directory.models import Service
    from sasaeai.helpers.models import HelperProfile
    from sasaeai.requests.models import HelpRequest

    kind = spec.get("kind")
    label = (spec.get("label") or "").strip()[:200]
    option = CaseOption(kind=kind, label=label)
    if kind == OptionKind.RESOURCE:
        obj = Service.objects.filter(pk=spec.get("service_id"), municipality_id=case.municipality_id).first()
        option.service, option.label = obj, label or (obj.name if obj else "")
    elif kind == OptionKind.HELP_REQUEST:
        obj = HelpRequest.objects.filter(pk=spec.get("help_request_id"), municipality_id=case.municipality_id,
                                         recipient_id=case.resident_id).first()
        option.help_request, option.label = obj, label or (obj.title if obj else "")
    elif kind == OptionKind.HELPER:
        obj = (HelperProfile.objects.filter(pk=spec.get("helper_id"), municipality_id=case.municipality_id)
               .select_related("user").first())
        option.helper, option.label = obj, label or (obj.user.display_name if obj else "")
    elif kind == OptionKind.OTHER:
        obj = label or None
    else:
        raise _invalid("options", _("Unknown kind of option."), "invalid_option")
    if obj is None:
        raise _invalid("options", _("An option refers to something that does not exist in this "
                                             "municipality."), "invalid_option")
    return option


@transaction.atomic
def add_goal(case: Case | int, *, by, text: str, options: list[dict], version: int | None = None) -> CaseGoal:
    """A goal of the plan with the options the SC and the person found (the person chooses)."""
    case = _lock(case)
    _require_worker(by, case)
    _check(case, CaseStatus.PLANNED if case.status == CaseStatus.CONVERSATION else case.status, version)
    text = _text(text, "text", required=True, max_length=300)
    if not options:
        raise _invalid("options", _("Give at least one option for the goal."), "no_options")
    if len(options) > MAX_OPTIONS:
        raise _invalid("options", _("At most %(n)d options per goal.") % {"n": MAX_OPTIONS}, "too_many_options")
    if case.goals.count() >= MAX_GOALS:
        raise ValidationError(_("At most %(n)d goals per case.") % {"n": MAX_GOALS}, code="too_many_goals")
    built = [_option(case, spec) for spec in options]
    goal = CaseGoal.objects.create(case=case, text=text)
    for option in built:
        option.goal = goal
    CaseOption.objects.bulk_create(built)
    target = CaseStatus.PLANNED if case.status == CaseStatus.CONVERSATION else case.status
    _move(case, target, by=by, note="goal")
    return goal


@transaction.atomic
def update_option(option: CaseOption | int, *, by, status: str, on: date | None = None) -> CaseOption:
    """The person chose / tried / continues / stopped an option, on a date. The first option
    tried or continuing connects the case and schedules the default follow-ups."""
    pk = option if isinstance(option, int) else option.pk
    found = CaseOption.objects.filter(pk=pk).values_list("goal__case_id", flat=True).first()
    if found is None:
        raise PermissionDenied(_("You are not allowed to do this."))
    case = _lock(found)
    _require_worker(by, case)
    option = CaseOption.objects.select_for_update(of=("self",)).get(pk=pk)
    if case.status not in (CaseStatus.PLANNED, CaseStatus.CONNECTED):
        raise ValidationError(_("This step is not possible now: the case is “%(status)s”.")
                              % {"status": case.get_status_display()}, code="illegal_transition")
    if status not in OPTION_TRANSITIONS.get(option.status, frozenset()):
        raise ValidationError(_("This option is “%(status)s” and cannot become “%(target)s”.") % {
            "status": option.get_status_display(),
            "target": OptionStatus(status).label if status in OptionStatus.values else status},
            code="illegal_transition")
    on = on or timezone.localdate()
    _not_future(on, "on")
    if case.conversation_on and on < case.conversation_on:
        raise _invalid("on", _("The date cannot be before the conversation."), "date_order")
    field = {OptionStatus.CHOSEN: "chosen_on", OptionStatus.TRIED: "tried_on",
             OptionStatus.CONTINUING: "continuing_since", OptionStatus.STOPPED: "stopped_on"}[status]
    earliest = [d for d in (option.chosen_on, option.tried_on, option.continuing_since) if d]
    if earliest and on < max(earliest):
        raise _invalid("on", _("The date cannot be before the option's previous step."), "date_order")
    option.status = status
    setattr(option, field, on)
    option.save(update_fields=["status", field])
    if status in (OptionStatus.TRIED, OptionStatus.CONTINUING) and case.status == CaseStatus.PLANNED:
        case.connected_on = on
        _move(case, CaseStatus.CONNECTED, by=by, fields=("connected_on",))
        if not case.follow_ups.exists():
            FollowUp.objects.bulk_create([
                FollowUp(case=case, due_on=on + timedelta(days=FOLLOW_UP_DAYS)),
                FollowUp(case=case, due_on=add_months(on, FOLLOW_UP_MONTHS)),
            ])
    else:
        _move(case, case.status, by=by, note=f"option {status}")
    return option


# --- follow-ups --------------------------------------------------------------------------------


@transaction.atomic
def schedule_follow_up(case: Case | int, *, by, due_on: date) -> FollowUp:
    case = _lock(case)
    _require_worker(by, case)
    if case.status not in PLAN_STATUSES:
        raise ValidationError(_("This step is not possible now: the case is “%(status)s”.")
                              % {"status": case.get_status_display()}, code="illegal_transition")
    if due_on < timezone.localdate():
        raise _invalid("due_on", _("A follow-up cannot be scheduled in the past."), "date_in_past")
    if due_on > timezone.localdate() + timedelta(days=366 * 2):
        raise _invalid("due_on", _("A follow-up is at most two years ahead."), "date_too_far")
    return FollowUp.objects.create(case=case, due_on=due_on)


@transaction.atomic
def complete_follow_up(follow_up: FollowUp | int, *, by, note: str = "", on: date | None = None) -> FollowUp:
    pk = follow_up if isinstance(follow_up, int) else follow_up.pk
    case_id = FollowUp.objects.filter(pk=pk).values_list("case_id", flat=True).first()
    if case_id is None:
        raise PermissionDenied(_("You are not allowed to do this."))
    case = _lock(case_id)
    _require_worker(by, case)
    follow_up = FollowUp.objects.select_for_update(of=("self",)).get(pk=pk)
    if not follow_up.is_open:
        raise ValidationError(_("This follow-up is already done."), code="already_done")
    on = on or timezone.localdate()
    _not_future(on, "on")
    follow_up.done_on, follow_up.done_by = on, by
    follow_up.note = _text(note, "note", required=False, max_length=2000)
    follow_up.save(update_fields=["done_on", "done_by", "note"])
    return follow_up


# --- closure -----------------------------------------------------------------------------------


@transaction.atomic
def close(case: Case | int, *, by, outcome: str, note: str = "", ons4: dict | None = None,
          on: date | None = None, version: int | None = None) -> Case:
    """終結: with an outcome and, when the person can answer, ONS4 again (shown as a change)."""
    case = _lock(case)
    _require_worker(by, case)
    if case.status in (CaseStatus.REFERRED, CaseStatus.ACCEPTED):
        raise ValidationError(_("A case can be closed only after the “what matters to me” conversation."),
                              code="illegal_transition")
    _check(case, CaseStatus.CLOSED, version)
    if outcome not in Outcome.values:
        raise _invalid("outcome", _("Choose the outcome."), "invalid_outcome")
    on = on or timezone.localdate()
    _not_future(on, "on")
    if case.conversation_on and on < case.conversation_on:
        raise _invalid("on", _("The case cannot close before the conversation."), "date_order")
    answers = clean_ons4(ons4) if ons4 and any(v not in (None, "") for v in ons4.values()) else None
    case.outcome, case.closed_on = outcome, on
    case.outcome_note = _text(note, "note", required=False, max_length=2000)
    _move(case, CaseStatus.CLOSED, by=by, fields=("outcome", "closed_on", "outcome_note"))
    if answers is not None:
        WellbeingScore.objects.create(case=case, moment=WellbeingMoment.CLOSURE, recorded_on=on, **answers)
    case.follow_ups.filter(done_on__isnull=True, cancelled=False).update(cancelled=True)
    _message_referrer(case, "closed")
    return case


# --- escalation (run by `sasaeai run_monitors`) ----------------------------------------------------


def escalate_unanswered(now: datetime | None = None) -> int:
    """A referral not answered in 14 days goes to the layer-1 SC(s) of the municipality: the
    case is marked and they are notified. Idempotent (a case is escalated once)."""
    from sasaeai.notifications import notify
    from sasaeai.safety.selectors import staff_covering
    from sasaeai.tenancy.models import Role

    now = now or timezone.now()
    cutoff = now - timedelta(days=selectors.ESCALATE_AFTER_DAYS)
    due = list(Case.objects.filter(status=CaseStatus.REFERRED, escalated_at__isnull=True, referred_at__lte=cutoff)
               .values_list("pk", flat=True)[:1000])
    done = 0
    for pk in due:
        with transaction.atomic():
            case = _lock(pk)
            if case.status != CaseStatus.REFERRED or case.escalated_at is not None:
                continue  # answered or escalated by a concurrent run meanwhile
            case.escalated_at = now
            case.save(update_fields=["escalated_at", "updated_at"])
            CaseEvent.objects.create(case=case, from_status=case.status, to_status=case.status, at=now,
                                     note="escalated")
            for user in staff_covering(case.municipality_id, case.area_id, [Role.COORDINATOR_L1]):
                notify(user, "cases.escalated", {"url": f"/cases/{case.pk}/", "case_id": case.pk})
            done += 1
    return done
