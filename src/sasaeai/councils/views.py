"""Pages of the councils app: councils and members, meetings (agenda, attendance, minutes,
files, notice, PDF, iCal, public summary), the local issue register and policy proposals.
Views parse → authorise → call a service → render; refusals become messages."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sasaeai.core.pages import attempt
from sasaeai.tenancy.models import Area, Municipality
from sasaeai.tenancy.selectors import primary_municipality

from . import forms, selectors, services
from .models import (
    Action,
    ActionStatus,
    IssueSource,
    IssueState,
    Meeting,
    MeetingKind,
    ResolutionKind,
)


def _form_errors(request, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for e in errors:
            messages.error(request, f"{label}: {e}" if label else e)


def _council(request, pk):
    return get_object_or_404(selectors.readable_councils(request.user), pk=pk)


def _managed(request, obj):
    if not request.user.has_perm("councils.manage_council", obj):
        raise PermissionDenied
    return obj


def _meeting(request, pk) -> Meeting:
    return get_object_or_404(selectors.readable_meetings(request.user), pk=pk)


def _issue(request, pk):
    return get_object_or_404(selectors.readable_issues(request.user), pk=pk)


# --- Councils ---------------------------------------------------------------------------------


def _creatable_areas(user) -> list[Area]:
    """Areas without a council where the user may register one."""
    from sasaeai.tenancy.selectors import is_operator, municipality_ids

    ids = None if is_operator(user) else municipality_ids(user, selectors.MANAGE_ROLES)
    qs = Area.objects.filter(councils__isnull=True).select_related("municipality").order_by("layer", "name")
    qs = qs if ids is None else qs.filter(municipality_id__in=ids)
    return [a for a in qs[:200] if selectors.in_tenant_manager(user, a)]


@login_required
def council_list(request):
    councils = list(selectors.readable_councils(request.user).order_by("municipality__code", "area__layer",
                                                                        "area__name"))
    creatable = _creatable_areas(request.user)
    return render(request, "councils/list.html", {"councils": councils, "creatable": creatable,
                                                   "form": forms.CouncilForm(areas=creatable)})


@login_required
@require_POST
def council_new(request):
    creatable = _creatable_areas(request.user)
    if not creatable:
        raise PermissionDenied
    form = forms.CouncilForm(request.POST, areas=creatable)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("councils:list")
    d = form.cleaned_data
    area = next(a for a in creatable if a.pk == d["area"])
    ok, council = attempt(request, lambda: services.council_create(
        by=request.user, area=area, name=d["name"], is_existing_gathering=d["is_existing_gathering"],
        gathering_note=d["gathering_note"], established_on=d["established_on"]), _("The council is registered."))
    return redirect("councils:council", council.pk) if ok else redirect("councils:list")


@login_required
def council_detail(request, pk):
    council = _council(request, pk)
    today = timezone.localdate()
    members = list(council.members.select_related("user").order_by("term_end", "role", "name"))
    current = [m for m in members if m.in_term(today)]
    resident = sum(1 for m in current if m.counts_as_resident_private and m.role != "observer")
    voting = sum(1 for m in current if m.role != "observer")
    return render(request, "councils/council.html", {
        "council": council, "members": members, "current": current,
        "share": round(100 * resident / voting) if voting else None,
        "meetings": council.meetings.order_by("-starts_at")[:50],
        "issues": council.issues.order_by("state", "-created_at")[:100],
        "proposals": council.proposals.all()[:20],
        "member_form": forms.MemberForm(initial={"term_start": today}),
        "today": today,
    })


@login_required
@require_POST
def member_add(request, pk):
    council = _managed(request, _council(request, pk))
    form = forms.MemberForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("councils:council", council.pk)
    d = form.cleaned_data
    user = None
    if d["email"]:
        from sasaeai.accounts.models import User

        user = User.objects.filter(email__iexact=d["email"], memberships__municipality=council.municipality,
                                   memberships__role="council_member").first()
        if user is None:
            messages.error(request, _("No council-member account with that e-mail in this municipality."))
            return redirect("councils:council", council.pk)
    flag = {"auto": None, "yes": True, "no": False}[d["resident_private"]]
    attempt(request, lambda: services.member_add(
        by=request.user, council=council, name=d["name"], organisation=d["organisation"],
        affiliation=d["affiliation"], role=d["role"], term_start=d["term_start"], term_end=d["term_end"],
        counts_as_resident_private=flag, user=user), _("The member is added."))
    return redirect("councils:council", council.pk)


# --- Meetings ---------------------------------------------------------------------------------


@login_required
def meeting_new(request, pk):
    council = _managed(request, _council(request, pk))
    issues = list(selectors.open_issues(council).order_by("-created_at"))
    preselect = [int(i) for i in request.GET.getlist("issue") if i.isdigit()]
    form = forms.MeetingForm(request.POST or None, issues=issues,
                             initial={"issues": preselect, "kind": MeetingKind.COUNCIL})
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            starts = datetime.combine(d["date"], d["start"])
            ends = datetime.combine(d["date"], d["end"]) if d["end"] else None
            ok, meeting = attempt(request, lambda: services.meeting_create(
                by=request.user, council=council, kind=d["kind"], title=d["title"], starts_at=starts, ends_at=ends,
                format=d["format"], place=d["place"], online_url=d["online_url"], issue_ids=d["issues"],
                extra_items=[d["other_item"]] if d["other_item"] else []), _("The meeting is planned."))
            if ok:
                return redirect("councils:meeting", meeting.pk)
        else:
            _form_errors(request, form)
    return render(request, "councils/meeting_new.html", {"council": council, "form": form})


@login_required
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    council = meeting.council
    day = timezone.localtime(meeting.starts_at).date()
    marked = {a.member_id: a.present for a in meeting.attendance.all() if a.member_id}
    members = [m for m in council.members.order_by("role", "name") if m.in_term(day)]
    rows = [{"member": m, "present": marked.get(m.pk)} for m in members]
    return render(request, "councils/meeting.html", {
        "meeting": meeting, "council": council,
        "agenda": meeting.agenda.select_related("issue"),
        "rows": rows, "guests": [a for a in meeting.attendance.all() if not a.member_id],
        "files": meeting.files.defer("data"),
        "minutes_form": forms.MinutesForm(initial={"internal_minutes": meeting.internal_minutes,
                                                   "public_summary": meeting.public_summary,
                                                   "decisions": meeting.decisions}),
        "case_review": meeting.kind == MeetingKind.CASE_REVIEW,
    })


@login_required
@require_POST
def meeting_attendance(request, pk):
    meeting = _managed(request, _meeting(request, pk))
    members = {}
    for key, value in request.POST.items():
        if key.startswith("member_") and key[7:].isdigit():
            members[int(key[7:])] = value == "present"
    guests = list(zip(request.POST.getlist("guest_name"), request.POST.getlist("guest_organisation"), strict=False))
    attempt(request, lambda: services.attendance_record(by=request.user, meeting=meeting, members=members,
                                                         guests=guests), _("Attendance is recorded."))
    return redirect("councils:meeting", meeting.pk)


@login_required
@require_POST
def meeting_minutes(request, pk):
    meeting = _managed(request, _meeting(request, pk))
    form = forms.MinutesForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        attempt(request, lambda: services.minutes_save(
            by=request.user, meeting=meeting, internal_minutes=d["internal_minutes"],
            public_summary=d["public_summary"], decisions=d["decisions"]), _("The minutes are saved."))
    else:
        _form_errors(request, form)
    return redirect("councils:meeting", meeting.pk)


@login_required
@require_POST
def meeting_notify(request, pk):
    meeting = _managed(request, _meeting(request, pk))
    ok, count = attempt(request, lambda: services.meeting_notify(by=request.user, meeting=meeting))
    if ok:
        messages.success(request, _("The notice was sent to %(n)d members.") % {"n": count})
    return redirect("councils:meeting", meeting.pk)


@login_required
@require_POST
def meeting_file_add(request, pk):
    meeting = _managed(request, _meeting(request, pk))
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file."))
    elif upload.size > services.MeetingFile.MAX_BYTES:
        messages.error(request, _("A file may be at most 5 MB."))
    else:
        attempt(request, lambda: services.file_attach(by=request.user, meeting=meeting, filename=upload.name,
                                                       content_type=upload.content_type, data=upload.read()),
                 _("The file is attached."))
    return redirect("councils:meeting", meeting.pk)


@login_required
def meeting_file(request, pk, file_id):
    meeting = _meeting(request, pk)
    f = get_object_or_404(meeting.files, pk=file_id)
    response = HttpResponse(bytes(f.data), content_type="application/octet-stream")
    from urllib.parse import quote

    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f.filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def meeting_pdf(request, pk):
    from .paper import minutes_pdf

    meeting = _meeting(request, pk)
    response = HttpResponse(minutes_pdf(meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="minutes-{meeting.pk}.pdf"'
    return response


def meeting_public(request, pk):
    """The public summary: anyone may read it; the internal minutes are never on this page."""
    meeting = get_object_or_404(selectors.public_meetings(), pk=pk)
    return render(request, "councils/public_meeting.html", {"meeting": meeting})


def public_list(request):
    wanted = request.GET.get("m")
    municipality = None
    if wanted and wanted.isdigit():
        municipality = Municipality.objects.filter(pk=int(wanted)).first()
    if municipality is None and request.user.is_authenticated:
        municipality = primary_municipality(request.user)
    qs = selectors.public_meetings(municipality.pk if municipality else None)
    return render(request, "councils/public_list.html", {"meetings": qs.order_by("-starts_at")[:100],
                                                          "municipality": municipality})


def council_ical(request, pk):
    """The council's meetings as an iCal feed (dates, type and place only; no agenda, no link)."""
    from .ical import council_calendar

    council = get_object_or_404(selectors.Council.objects.select_related("area"), pk=pk)
    response = HttpResponse(council_calendar(council), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="council-{council.pk}.ics"'
    return response


# --- Local issues -----------------------------------------------------------------------------


@login_required
def issue_list(request):
    qs = selectors.readable_issues(request.user)
    state = request.GET.get("state")
    if state in IssueState.values:
        qs = qs.filter(state=state)
    council = request.GET.get("council")
    if council and council.isdigit():
        qs = qs.filter(council_id=int(council))
    return render(request, "councils/issues.html", {
        "issues": qs.order_by("state", "-created_at")[:200], "states": IssueState.choices, "state": state,
        "councils": selectors.readable_councils(request.user)})


@login_required
def issue_new(request, pk):
    council = _council(request, pk)
    if not request.user.has_perm("councils.raise_issue", council):
        raise PermissionDenied
    meetings = list(council.meetings.filter(kind=MeetingKind.CASE_REVIEW).order_by("-starts_at")[:50])
    needs = selectors.unmet_needs_for_council(request.user, council)
    initial = {}
    wanted = request.GET.get("need", "")
    if wanted.isdigit() and any(n.pk == int(wanted) for n in needs):
        initial = {"needs": [int(wanted)], "source": IssueSource.NEEDS}
    form = forms.IssueForm(request.POST or None, meetings=meetings, needs=needs, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            meeting = next((m for m in meetings if m.pk == d["meeting"]), None)
            chosen = [n for n in needs if n.pk in set(d.get("needs") or ())]
            ok, issue = attempt(request, lambda: services.issue_raise(
                by=request.user, council=council, title=d["title"], source=d["source"], summary=d["summary"],
                needs_summary=d["needs_summary"], meeting=meeting, raised_from=chosen),
                _("The issue is in the register."))
            if ok:
                return redirect("councils:issue", issue.pk)
        else:
            _form_errors(request, form)
    return render(request, "councils/issue_new.html", {"council": council, "form": form})


def _resources_for(request, issue):
    """Directory resources of the issue's municipality the viewer may edit, newest first."""
    from sasaeai.directory.selectors import editable_services

    return list(editable_services(request.user).filter(municipality_id=issue.municipality_id)
                .order_by("-created_at", "-pk")[:200])


@login_required
def issue_detail(request, pk):
    issue = _issue(request, pk)
    manage = request.user.has_perm("councils.manage_council", issue)
    tree = selectors.action_tree(issue)
    flat = []

    def walk(nodes, depth):
        for n in nodes:
            flat.append({"node": n, "depth": depth, "indent": depth * 2})
            walk(n.children, depth + 1)

    walk(tree, 0)
    transitions = []
    if manage and issue.is_open:
        from .models import ISSUE_TRANSITIONS

        transitions = [(s, IssueState(s).label) for s in (IssueState.ON_AGENDA, IssueState.ACTION_PLAN,
                                                          IssueState.ESCALATED)
                       if s in ISSUE_TRANSITIONS[IssueState(issue.state)]
                       and not (s == IssueState.ESCALATED and issue.council.area.layer == 1)]
    return render(request, "councils/issue.html", {
        "issue": issue, "manage": manage, "actions": flat, "progress": selectors.plan_progress(issue),
        "transitions": transitions,
        "agenda": issue.agenda_items.select_related("meeting").order_by("-meeting__starts_at"),
        "link_count": issue.links.count(),
        "resolve_form": forms.ResolveForm(services=_resources_for(request, issue) if manage and issue.is_open else ())
        if manage else None,
        "action_form": forms.ActionForm(actions=[a["node"].action for a in flat]) if manage else None,
        "update_form": forms.ActionUpdateForm() if manage else None,
        "statuses": ActionStatus.choices, "kinds": ResolutionKind.choices,
    })


@login_required
@require_POST
def issue_move(request, pk):
    issue = _managed(request, _issue(request, pk))
    attempt(request, lambda: services.issue_move(by=request.user, issue=issue, state=request.POST.get("state", "")),
             _("The issue has moved."))
    return redirect("councils:issue", issue.pk)


@login_required
@require_POST
def issue_resolve(request, pk):
    issue = _managed(request, _issue(request, pk))
    resources = _resources_for(request, issue)
    form = forms.ResolveForm(request.POST, services=resources)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect("councils:issue", issue.pk)
    d = form.cleaned_data
    service = next((s for s in resources if s.pk == d["service"]), None)
    attempt(request, lambda: services.issue_resolve(by=request.user, issue=issue, kind=d["resolution_kind"],
                                                     on=d["resolved_on"], note=d["note"], service=service),
             _("The issue is resolved."))
    return redirect("councils:issue", issue.pk)


@login_required
@require_POST
def action_add(request, pk):
    issue = _managed(request, _issue(request, pk))
    actions = list(issue.actions.all())
    form = forms.ActionForm(request.POST, actions=actions)
    if form.is_valid():
        d = form.cleaned_data
        parent = next((a for a in actions if a.pk == d["parent"]), None)
        attempt(request, lambda: services.action_add(by=request.user, issue=issue, title=d["title"],
                                                      owner=d["owner"], due_on=d["due_on"], parent=parent),
                 _("The action is added."))
    else:
        _form_errors(request, form)
    return redirect("councils:issue", issue.pk)


@login_required
@require_POST
def action_update(request, pk):
    action = get_object_or_404(Action.objects.filter(issue__in=selectors.readable_issues(request.user))
                               .select_related("issue", "issue__council"), pk=pk)
    _managed(request, action.issue)
    form = forms.ActionUpdateForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        attempt(request, lambda: services.action_update(by=request.user, action=action, note=d["note"], on=d["on"],
                                                         progress=d["progress"], status=d["status"] or None),
                 _("The timeline is updated."))
    else:
        _form_errors(request, form)
    return redirect("councils:issue", action.issue_id)


# --- Policy proposals -------------------------------------------------------------------------


@login_required
def proposal_list(request):
    councils = list(selectors.managed_councils(request.user))
    issues = list(selectors.managed_issues(request.user).filter(state__in=[
        IssueState.RAISED, IssueState.ON_AGENDA, IssueState.ACTION_PLAN]).order_by("-created_at")[:200])
    return render(request, "councils/proposals.html", {
        "proposals": selectors.readable_proposals(request.user).prefetch_related("issues")[:200],
        "form": forms.ProposalForm(councils=councils, issues=issues,
                                   initial={"submitted_on": timezone.localdate()}) if councils else None,
        "statuses": selectors.PolicyProposal._meta.get_field("status").choices,
    })


@login_required
@require_POST
def proposal_new(request):
    councils = list(selectors.managed_councils(request.user))
    if not councils:
        raise PermissionDenied
    issues = list(selectors.managed_issues(request.user))
    form = forms.ProposalForm(request.POST, councils=councils, issues=issues)
    if form.is_valid():
        d = form.cleaned_data
        council = next(c for c in councils if c.pk == d["council"])
        attempt(request, lambda: services.proposal_submit(
            by=request.user, council=council, title=d["title"], text=d["text"], addressee=d["addressee"],
            submitted_on=d["submitted_on"], issues=d["issues"]), _("The proposal is recorded."))
    else:
        _form_errors(request, form)
    return redirect("councils:proposals")


@login_required
@require_POST
def proposal_decide(request, pk):
    proposal = get_object_or_404(selectors.readable_proposals(request.user), pk=pk)
    _managed(request, proposal)
    attempt(request, lambda: services.proposal_decide(by=request.user, proposal=proposal,
                                                       status=request.POST.get("status", ""),
                                                       plan=request.POST.get("plan", "")),
             _("The proposal's status is saved."))
    return redirect("councils:proposals")


