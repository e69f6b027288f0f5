"""Every write of the councils app. Each public function is one transaction: it checks the
caller may write, validates first, writes everything or nothing, and raises `ValidationError`
(with a stable `code`) for bad input or `PermissionDenied` for a caller who may not write."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasaeai.tenancy.models import Area

from . import selectors
from .models import (
    ISSUE_TRANSITIONS,
    RESIDENT_PRIVATE_DEFAULT,
    Action,
    ActionStatus,
    ActionUpdate,
    AgendaItem,
    Attendance,
    Council,
    CouncilMember,
    IssueLink,
    IssueSource,
    IssueState,
    LocalIssue,
    Meeting,
    MeetingFile,
    MeetingFormat,
    MeetingKind,
    PolicyProposal,
    ProposalStatus,
    ResolutionKind,
    validate_affiliation,
)

TEXT_MAX = 20_000


def _invalid(field: str, message, code: str) -> ValidationError:
    """A refusal of one field with a stable code (the API answers 400 with that code)."""
    return ValidationError({field: [ValidationError(message, code=code)]})


def _require_manager(by, council: Council) -> None:
    if by is not None and not selectors.can_manage(by, council):
        raise PermissionDenied


def _text(value, field: str, *, required=False, limit=TEXT_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise _invalid(field, _("This field is required."), "required")
    if len(value) > limit:
        raise _invalid(field, _("This text is too long."), "too_long")
    return value


# --- Councils and members ----------------------------------------------------------------------


@transaction.atomic
def council_create(*, by, area: Area, name: str, is_existing_gathering: bool = False, gathering_note: str = "",
                   established_on: date | None = None, demo_key: str | None = None) -> Council:
    """Register the council of an area (one per area; an existing gathering may be registered)."""
    if by is not None and not selectors.in_tenant_manager(by, area):
        raise PermissionDenied
    name = _text(name, "name", required=True, limit=150)
    if Council.objects.filter(area=area).exists():
        raise _invalid("area", _("This area already has its council."), "council_exists")
    return Council.objects.create(municipality_id=area.municipality_id, area=area, name=name,
                                  is_existing_gathering=is_existing_gathering,
                                  gathering_note=_text(gathering_note, "gathering_note", limit=300),
                                  established_on=established_on, demo_key=demo_key)


@transaction.atomic
def member_add(*, by, council: Council, name: str, affiliation, term_start: date, organisation: str = "",
               role: str = CouncilMember.Role.MEMBER, term_end: date | None = None,
               counts_as_resident_private: bool | None = None, user=None, demo_key: str | None = None) -> CouncilMember:
    """Add a member (a person or an organisation; an account is optional). Without an explicit
    flag, the affiliation decides whether the member counts as resident/private."""
    _require_manager(by, council)
    name = _text(name, "name", required=True, limit=100)
    try:
        affiliation = int(affiliation)
        validate_affiliation(affiliation)
    except (TypeError, ValueError, ValidationError):
        raise _invalid("affiliation", _("Choose an affiliation from the 17 of the survey list."), "invalid_affiliation") from None
    if role not in CouncilMember.Role.values:
        raise _invalid("role", _("Choose a role: chair, vice-chair, member or observer."), "invalid_role")
    if term_start is None:
        raise _invalid("term_start", _("This field is required."), "required")
    if term_end is not None and term_end < term_start:
        raise _invalid("term_end", _("A term cannot end before it starts."), "term_order")
    if counts_as_resident_private is None:
        counts_as_resident_private = affiliation in RESIDENT_PRIVATE_DEFAULT
    return CouncilMember.objects.create(
        council=council, name=name, organisation=_text(organisation, "organisation", limit=150),
        affiliation=affiliation, role=role, term_start=term_start, term_end=term_end,
        counts_as_resident_private=counts_as_resident_private, user=user, demo_key=demo_key)


@transaction.atomic
def member_end_term(*, by, member: CouncilMember, on: date) -> CouncilMember:
    _require_manager(by, member.council)
    if on < member.term_start:
        raise _invalid("term_end", _("A term cannot end before it starts."), "term_order")
    member.term_end = on
    member.save(update_fields=["term_end"])
    return member


# --- Meetings ---------------------------------------------------------------------------------


def _as_aware(value: datetime) -> datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@transaction.atomic
def meeting_create(*, by, council: Council, title: str, starts_at: datetime, kind: str = MeetingKind.COUNCIL,
                   ends_at: datetime | None = None, format: str = MeetingFormat.IN_PERSON, place: str = "",
                   online_url: str = "", issue_ids=(), extra_items=(), demo_key: str | None = None) -> Meeting:
    """Plan a meeting; its agenda is drawn from the council's open issues (`issue_ids`, in
    that order) plus free items. A raised issue put on the agenda moves to "on the agenda"."""
    _require_manager(by, council)
    title = _text(title, "title", required=True, limit=200)
    if kind not in MeetingKind.values:
        raise _invalid("kind", _("Choose a meeting type."), "invalid_kind")
    if format not in MeetingFormat.values:
        raise _invalid("format", _("Choose in person, online or both."), "invalid_format")
    if starts_at is None:
        raise _invalid("starts_at", _("This field is required."), "required")
    starts_at = _as_aware(starts_at)
    ends_at = _as_aware(ends_at) if ends_at else None
    if ends_at and ends_at < starts_at:
        raise _invalid("ends_at", _("A meeting cannot end before it starts."), "ends_before_start")
    place = _text(place, "place", limit=200)
    online_url = _text(online_url, "online_url", limit=200)
    if format in (MeetingFormat.IN_PERSON, MeetingFormat.HYBRID) and not place:
        raise _invalid("place", _("Give the place of the meeting."), "place_required")
    if format in (MeetingFormat.ONLINE, MeetingFormat.HYBRID) and not online_url:
        raise _invalid("online_url", _("Give the online link of the meeting."), "link_required")
    if online_url and not online_url.startswith(("https://", "http://")):
        raise _invalid("online_url", _("The online link must start with https://."), "invalid_link")
    ids = [int(i) for i in issue_ids]
    # Lock the issues put on the agenda: two coordinators planning meetings at once must not
    # both move the same issue from "raised".
    issues = {i.pk: i for i in LocalIssue.objects.select_for_update(of=("self",)).filter(
        council=council, pk__in=ids).order_by("pk")}
    missing = [i for i in ids if i not in issues]
    if missing:
        raise _invalid("issues", _("An agenda issue is not in this council's register."), "unknown_issue")
    closed = [i for i in issues.values() if not i.is_open]
    if closed:
        raise _invalid("issues", _("A closed issue cannot go on the agenda."), "issue_closed")
    meeting = Meeting.objects.create(council=council, municipality_id=council.municipality_id, kind=kind,
                                     title=title, starts_at=starts_at, ends_at=ends_at, format=format,
                                     place=place, online_url=online_url, created_by=by, demo_key=demo_key)
    position = 0
    for pk in dict.fromkeys(ids):
        issue = issues[pk]
        position += 1
        AgendaItem.objects.create(meeting=meeting, issue=issue, title=issue.title, position=position)
        if issue.state == IssueState.RAISED:
            issue.state = IssueState.ON_AGENDA
            issue.save(update_fields=["state", "updated_at"])
    for text in extra_items:
        text = _text(text, "agenda", limit=200)
        if text:
            position += 1
            AgendaItem.objects.create(meeting=meeting, title=text, position=position)
    return meeting


@transaction.atomic
def attendance_record(*, by, meeting: Meeting, members: dict, guests=()) -> list[Attendance]:
    """Record who came: `members` maps a member id to present (True/False); `guests` are
    (name, organisation) pairs. Replaces the meeting's previous record. A person who is not a
    member of this council in term on the meeting's day cannot be recorded as a member."""
    _require_manager(by, meeting.council)
    day = timezone.localtime(meeting.starts_at).date()
    ids = {int(k): bool(v) for k, v in members.items()}
    seated = {m.pk: m for m in meeting.council.members.filter(pk__in=ids)}
    wrong = [pk for pk in ids if pk not in seated or not seated[pk].in_term(day)]
    if wrong:
        raise _invalid("members", _("Someone marked as a member is not a member of this council on "
                                             "the meeting's day. Record them as a guest."), "not_a_member")
    cleaned_guests = []
    for name, organisation in guests:
        name = _text(name, "guests", limit=100)
        if name:
            cleaned_guests.append((name, _text(organisation, "guests", limit=150)))
    meeting.attendance.all().delete()
    rows = [Attendance(meeting=meeting, member=seated[pk], present=present) for pk, present in ids.items()]
    rows += [Attendance(meeting=meeting, guest_name=n, guest_organisation=o, present=True)
             for n, o in cleaned_guests]
    return Attendance.objects.bulk_create(rows)


@transaction.atomic
def minutes_save(*, by, meeting: Meeting, internal_minutes: str, public_summary: str, decisions: str = "") -> Meeting:
    _require_manager(by, meeting.council)
    meeting.internal_minutes = _text(internal_minutes, "internal_minutes")
    meeting.public_summary = _text(public_summary, "public_summary")
    meeting.decisions = _text(decisions, "decisions")
    meeting.save(update_fields=["internal_minutes", "public_summary", "decisions", "updated_at"])
    return meeting


@transaction.atomic
def file_attach(*, by, meeting: Meeting, filename: str, content_type: str, data: bytes) -> MeetingFile:
    _require_manager(by, meeting.council)
    filename = _text(filename, "file", required=True, limit=200).replace("/", "_").replace("\\", "_")
    if not data:
        raise _invalid("file", _("The file is empty."), "file_empty")
    if len(data) > MeetingFile.MAX_BYTES:
        raise _invalid("file", _("A file may be at most 5 MB."), "file_too_large")
    return MeetingFile.objects.create(meeting=meeting, filename=filename,
                                      content_type=(content_type or "application/octet-stream")[:100],
                                      size=len(data), data=data, uploaded_by=by)


@transaction.atomic
def meeting_notify(*, by, meeting: Meeting) -> int:
    """Send the notice of the meeting to every member with an account in term (通知). Returns
    how many were sent."""
    from django.urls import reverse

    from sasaeai.notifications.services import notify

    _require_manager(by, meeting.council)
    day = timezone.localtime(meeting.starts_at).date()
    members = [m for m in meeting.council.members.filter(user__isnull=False).select_related("user")
               if m.in_term(day) and m.user.is_active]
    start = timezone.localtime(meeting.starts_at)
    for m in members:
        notify(m.user, "councils.meeting_notice", {
            "council": meeting.council.name, "title": meeting.title,
            "when": start.strftime("%Y-%m-%d %H:%M"), "place": meeting.place or meeting.online_url,
            "url": reverse("councils:meeting", args=[meeting.pk])})
    meeting.notice_sent_at = timezone.now()
    meeting.save(update_fields=["notice_sent_at"])
    return len(members)


# --- Local issues -----------------------------------------------------------------------------


def _link(issue: LocalIssue, purpose: str, records) -> None:
    for record in records:
        ct = ContentType.objects.get_for_model(record, for_concrete_model=True)
        if getattr(record, "municipality_id", issue.municipality_id) != issue.municipality_id:
            raise _invalid("links", _("A linked record belongs to another municipality."), "link_other_tenant")
        IssueLink.objects.get_or_create(issue=issue, purpose=purpose, content_type=ct, object_id=record.pk)


@transaction.atomic
def issue_raise(*, by, council: Council, title: str, source: str, summary: str = "", needs_summary: str = "",
                meeting: Meeting | None = None, member: CouncilMember | None = None, raised_from=(),
                demo_key: str | None = None) -> LocalIssue:
    """Raise a local issue: from unmet needs (one or many, linked in `raised_from`, and an
    aggregated summary), from anonymised cases, from a community care meeting, or by a member."""
    if by is not None and not (selectors.can_manage(by, council) or selectors.holds_seat(by, council)):
        raise PermissionDenied
    title = _text(title, "title", required=True, limit=200)
    if source not in IssueSource.values:
        raise _invalid("source", _("Choose where the issue comes from."), "invalid_source")
    if by is not None and not selectors.can_manage(by, council):
        # A member raises in their own name.
        source, member = IssueSource.MEMBER, selectors.seat_of(by, council)
    if meeting is not None and meeting.council_id != council.pk:
        raise _invalid("meeting", _("The meeting belongs to another council."), "meeting_other_council")
    if source == IssueSource.CASE_REVIEW and (meeting is None or meeting.kind != MeetingKind.CASE_REVIEW):
        raise _invalid("meeting", _("Choose the community care meeting the issue comes from."), "case_review_meeting_required")
    if member is not None and member.council_id != council.pk:
        raise _invalid("member", _("The member sits on another council."), "member_other_council")
    issue = LocalIssue.objects.create(
        council=council, municipality_id=council.municipality_id, title=title, source=source,
        summary=_text(summary, "summary"), needs_summary=_text(needs_summary, "needs_summary"),
        raised_at_meeting=meeting, raised_by_member=member, created_by=by, demo_key=demo_key)
    _link(issue, IssueLink.Purpose.RAISED_FROM, raised_from)
    _move_needs(raised_from, by, "escalated", title)
    return issue


def _move_needs(records, by, to: str, note: str) -> None:
    """Needs linked to an issue follow it: raised → 地域課題へ (escalated), resolved → 解決."""
    from django.apps import apps

    if not apps.is_installed("sasaeai.needs"):
        return
    from sasaeai.needs.models import Need
    from sasaeai.needs.services import needs_follow_issue

    needs = list({record.pk: record for record in records if isinstance(record, Need)}.values())
    if needs:
        needs_follow_issue(needs=needs, by=by, to=to, note=note)


def _locked(issue: LocalIssue) -> LocalIssue:
    # Two people moving the same issue at once: the second sees the first's state.
    return LocalIssue.objects.select_for_update(of=("self",)).select_related("council", "council__area").get(
        pk=issue.pk)


def _check_move(issue: LocalIssue, state: str) -> None:
    if state not in IssueState.values:
        raise _invalid("state", _("Unknown state."), "invalid_state")
    if state not in ISSUE_TRANSITIONS[IssueState(issue.state)]:
        raise _invalid("state", _("The issue cannot move from “%(from)s” to “%(to)s”.") % {
            "from": IssueState(issue.state).label, "to": IssueState(state).label}, "illegal_transition")


@transaction.atomic
def issue_move(*, by, issue: LocalIssue, state: str) -> LocalIssue:
    """Move an issue along the register: on the agenda, action plan, escalated to the layer-1
    council (which then holds a new issue raised from it). Resolving takes `issue_resolve`,
    a policy proposal `proposal_submit`."""
    _require_manager(by, issue.council)
    issue = _locked(issue)
    if state == IssueState.RESOLVED:
        raise _invalid("state", _("A resolved issue needs its resolution: how and when."), "resolution_required")
    if state == IssueState.PROPOSAL:
        raise _invalid("state", _("Write the policy proposal to turn the issue into one."), "proposal_required")
    _check_move(issue, state)
    if state == IssueState.ESCALATED:
        if issue.council.area.layer == Area.Layer.MUNICIPALITY:
            raise _invalid("state", _("This is already the layer-1 council."), "already_layer1")
        top = Council.objects.filter(municipality_id=issue.municipality_id, area__layer=Area.Layer.MUNICIPALITY).first()
        if top is None:
            raise _invalid("state", _("The municipality has no layer-1 council yet."), "no_layer1")
        issue.escalated_to = top
        LocalIssue.objects.create(
            council=top, municipality_id=issue.municipality_id, title=issue.title, source=issue.source,
            summary=_("Escalated from %(council)s.") % {"council": issue.council.name} + "\n" + issue.summary,
            needs_summary=issue.needs_summary, created_by=by)
    issue.state = state
    issue.save(update_fields=["state", "escalated_to", "updated_at"])
    return issue


@transaction.atomic
def issue_resolve(*, by, issue: LocalIssue, kind: str, on: date | None = None, note: str = "", service=None,
                  closes=()) -> LocalIssue:
    """Resolve an issue and record how: a new resource (linked to its directory entry), an
    adapted resource, a partner engaged, a help arrangement or other — and the needs it closes."""
    _require_manager(by, issue.council)
    issue = _locked(issue)
    if not kind:
        raise _invalid("resolution_kind", _("A resolved issue needs its resolution: how and when."), "resolution_required")
    if kind not in ResolutionKind.values:
        raise _invalid("resolution_kind", _("Choose how the issue was resolved."), "invalid_resolution")
    _check_move(issue, IssueState.RESOLVED)
    if kind in (ResolutionKind.NEW_RESOURCE, ResolutionKind.ADAPTED_RESOURCE) and service is None:
        raise _invalid("service", _("Link the new resource from the directory."), "resource_required")
    if service is not None and service.municipality_id != issue.municipality_id:
        raise _invalid("service", _("The resource belongs to another municipality."), "resource_other_tenant")
    note = _text(note, "resolution_note")
    if kind == ResolutionKind.OTHER and not note:
        raise _invalid("resolution_note", _("Say how the issue was resolved."), "note_required")
    issue.state = IssueState.RESOLVED
    issue.resolution_kind = kind
    issue.resolution_note = note
    issue.resolution_service = service
    issue.resolved_on = on or timezone.localdate()
    issue.save(update_fields=["state", "resolution_kind", "resolution_note", "resolution_service", "resolved_on",
                              "updated_at"])
    _link(issue, IssueLink.Purpose.CLOSES, closes)
    # The needs the issue was raised from are resolved with it, besides those named in `closes`.
    _move_needs(list(closes) + _raised_from_needs(issue), by, "resolved", issue.title)
    return issue


def _raised_from_needs(issue: LocalIssue) -> list:
    from django.apps import apps

    if not apps.is_installed("sasaeai.needs"):
        return []
    from sasaeai.needs.models import Need

    ct = ContentType.objects.get_for_model(Need)
    ids = issue.links.filter(purpose=IssueLink.Purpose.RAISED_FROM, content_type=ct).values("object_id")
    return list(Need.objects.filter(pk__in=ids, municipality_id=issue.municipality_id))


# --- Action plans -----------------------------------------------------------------------------


def _progress(value, field="progress") -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise _invalid(field, _("Progress is a percentage from 0 to 100."), "invalid_progress") from None
    if not 0 <= value <= 100:
        raise _invalid(field, _("Progress is a percentage from 0 to 100."), "invalid_progress")
    return value


@transaction.atomic
def action_add(*, by, issue: LocalIssue, title: str, owner: str = "", due_on: date | None = None,
               parent: Action | None = None, progress=0) -> Action:
    """Add an action to the issue's plan (under `parent` for a sub-action). The first action
    puts an open issue into "action plan"."""
    _require_manager(by, issue.council)
    issue = _locked(issue)
    if not issue.is_open:
        raise _invalid("__all__", _("The issue is closed."), "issue_closed")
    title = _text(title, "title", required=True, limit=200)
    progress = _progress(progress)
    if parent is not None and parent.issue_id != issue.pk:
        raise _invalid("parent", _("The parent action belongs to another issue."), "parent_other_issue")
    position = issue.actions.filter(parent=parent).count() + 1
    action = Action.objects.create(issue=issue, parent=parent, title=title, owner=_text(owner, "owner", limit=100),
                                   due_on=due_on, progress=progress, position=position)
    if issue.state != IssueState.ACTION_PLAN:
        issue.state = IssueState.ACTION_PLAN
        issue.save(update_fields=["state", "updated_at"])
    return action


@transaction.atomic
def action_update(*, by, action: Action, note: str, on: date | None = None, progress=None,
                  status: str | None = None) -> ActionUpdate:
    """Add a dated entry to an action's timeline and set its progress and status. A parent's
    progress is derived from its children, so it cannot be typed."""
    _require_manager(by, action.issue.council)
    action = Action.objects.select_for_update(of=("self",)).get(pk=action.pk)
    note = _text(note, "note", required=True, limit=500)
    fields = []
    if progress not in (None, ""):
        progress = _progress(progress)
        if action.children.exists():
            raise _invalid("progress", _("This action's progress comes from its sub-actions."), "derived_progress")
        action.progress = progress
        fields.append("progress")
    else:
        progress = None
    if status:
        if status not in ActionStatus.values:
            raise _invalid("status", _("Unknown status."), "invalid_status")
        action.status = status
        fields.append("status")
        if status == ActionStatus.DONE and not action.children.exists():
            action.progress = 100
            fields.append("progress")
    if fields:
        action.save(update_fields=list(dict.fromkeys(fields)))
    return ActionUpdate.objects.create(action=action, on=on or timezone.localdate(), note=note, progress=progress,
                                       status=status or "", by=by)


# --- Policy proposals -------------------------------------------------------------------------


@transaction.atomic
def proposal_submit(*, by, council: Council, title: str, text: str, addressee: str, submitted_on: date,
                    issues=(), demo_key: str | None = None) -> PolicyProposal:
    """Submit a policy proposal; the open issues behind it become "turned into a policy proposal"."""
    _require_manager(by, council)
    title = _text(title, "title", required=True, limit=200)
    text = _text(text, "text", required=True)
    addressee = _text(addressee, "addressee", required=True, limit=150)
    if submitted_on is None:
        raise _invalid("submitted_on", _("This field is required."), "required")
    issue_ids = [i.pk if hasattr(i, "pk") else int(i) for i in issues]
    locked = list(LocalIssue.objects.select_for_update(of=("self",)).filter(
        municipality_id=council.municipality_id, pk__in=issue_ids).order_by("pk"))
    if len(locked) != len(set(issue_ids)):
        raise _invalid("issues", _("An issue is not in this municipality's register."), "unknown_issue")
    for issue in locked:
        if issue.state != IssueState.PROPOSAL:
            _check_move(issue, IssueState.PROPOSAL)
    proposal = PolicyProposal.objects.create(council=council, municipality_id=council.municipality_id, title=title,
                                             text=text, addressee=addressee, submitted_on=submitted_on,
                                             demo_key=demo_key)
    proposal.issues.set(locked)
    LocalIssue.objects.filter(pk__in=[i.pk for i in locked]).update(state=IssueState.PROPOSAL,
                                                                     updated_at=timezone.now())
    return proposal


@transaction.atomic
def proposal_decide(*, by, proposal: PolicyProposal, status: str, plan: str = "",
                    decided_on: date | None = None) -> PolicyProposal:
    _require_manager(by, proposal.council)
    if status not in ProposalStatus.values:
        raise _invalid("status", _("Unknown status."), "invalid_status")
    plan = _text(plan, "plan", limit=200)
    if status == ProposalStatus.REFLECTED and not plan:
        raise _invalid("plan", _("Name the plan the proposal was reflected in."), "plan_required")
    proposal.status, proposal.plan = status, plan
    proposal.decided_on = decided_on or (None if status == ProposalStatus.SUBMITTED else timezone.localdate())
    try:
        proposal.save(update_fields=["status", "plan", "decided_on"])
    except IntegrityError:  # the check constraint, should the rule above ever be bypassed
        raise _invalid("plan", _("Name the plan the proposal was reflected in."), "plan_required") from None
    return proposal
