"""Pages of the cases app. Thin: parse, authorise (through selectors), call a service, render.
Refusals from services become a message on the page, never a half-done change. Every page that
shows a case writes the read to the access log."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sasaeai.core.pages import attempt, perm_required
from sasaeai.safety.consent import has_consent

from . import selectors, services
from .forms import (
    CloseForm,
    ConversationForm,
    DeclineForm,
    FollowUpDoneForm,
    FollowUpForm,
    GoalForm,
    OptionForm,
    ReferralForm,
)
from .models import ACTIVE_STATUSES, Case, CaseOption, CaseStatus, FollowUp
from .presentation import log_reads, wellbeing_change

LIST_LIMIT = 200


def _case(request, pk: int) -> Case:
    return get_object_or_404(selectors.cases_for(request.user), pk=pk)


@perm_required("cases.work")
def case_list(request):
    """個別支援の一覧: unanswered referrals first, then the active cases, then the rest."""
    status = request.GET.get("status", "")
    qs = selectors.cases_for(request.user)
    if status in CaseStatus.values:
        qs = qs.filter(status=status)
    elif status != "all":
        qs = qs.filter(status__in=[CaseStatus.REFERRED, *ACTIVE_STATUSES])
    cases = list(qs.order_by("status", "referred_at", "pk")[:LIST_LIMIT])
    log_reads(request, cases, services.LOG_STATUS_FIELDS)
    referred = [c for c in cases if c.status == CaseStatus.REFERRED]
    others = [c for c in cases if c.status != CaseStatus.REFERRED]
    return render(request, "cases/list.html", {
        "referred": referred, "others": others, "status": status, "statuses": CaseStatus.choices,
        "escalate_days": selectors.ESCALATE_AFTER_DAYS, "limit": LIST_LIMIT, "shown": len(cases)})


@perm_required("cases.refer")
def refer(request):
    """紹介する: a 地域包括支援センター worker (or an SC) refers a resident to the area's SC."""
    residents = list(selectors.referable_residents(request.user).select_related("area")
                     .order_by("family_name_kana", "given_name_kana", "pk")[:500])
    form = ReferralForm(request.POST or None, residents=residents)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ok, _case = attempt(request, lambda: services.refer(
            by=request.user, resident=d["resident"], referrer_kind=d["referrer_kind"],
            referrer_name=d["referrer_name"], reason=d["reason"]),
            _("The referral was sent to the coordinator of the area."), form=form)
        if ok:
            return redirect("cases:referrals")
    return render(request, "cases/refer.html", {"form": form})


@perm_required("cases.refer")
def referrals(request):
    """My referrals: what happened is shown only with the resident's consent to share it."""
    cases = list(selectors.referrals_by(request.user).order_by("-referred_at", "-pk")[:LIST_LIMIT])
    for case in cases:
        purpose = services.REFERRER_PURPOSE.get(case.referrer_kind)
        case.shared = purpose is not None and has_consent(case.resident_id, purpose)
    log_reads(request, [c for c in cases if c.shared], services.LOG_STATUS_FIELDS)
    return render(request, "cases/referrals.html", {"cases": cases})


@perm_required("cases.work")
def detail(request, pk: int):
    case = _case(request, pk)
    log_reads(request, [case])
    goals = list(case.goals.prefetch_related("options__service", "options__helper__user", "options__help_request"))
    return render(request, "cases/detail.html", {
        "case": case, "goals": goals, "follow_ups": list(case.follow_ups.select_related("done_by")),
        "events": list(case.events.select_related("by")), "wellbeing": wellbeing_change(case),
        "decline_form": DeclineForm(), "option_form": OptionForm(), "follow_up_form": FollowUpForm(),
        "done_form": FollowUpDoneForm(), "today": timezone.localdate()})


@require_POST
@perm_required("cases.work")
def accept(request, pk: int):
    case = _case(request, pk)
    attempt(request, lambda: services.accept(case, by=request.user, version=request.POST.get("version") or None),
             _("You accepted the case."))
    return redirect("cases:detail", pk=case.pk)


@require_POST
@perm_required("cases.work")
def decline(request, pk: int):
    case = _case(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: services.decline(case, by=request.user, reason=form.cleaned_data["reason"],
                                                   version=request.POST.get("version") or None),
                 _("You declined the referral."))
    else:
        messages.error(request, _("Give the reason for declining."))
    return redirect("cases:detail", pk=case.pk)


@perm_required("cases.work")
def conversation(request, pk: int):
    """本人にとって大切なこと: free text, the five life domains and ONS4."""
    case = _case(request, pk)
    log_reads(request, [case])
    form = ConversationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, _r = attempt(request, lambda: services.record_conversation(
            case, by=request.user, what_matters=form.cleaned_data["what_matters"], domains=form.domains(),
            ons4=form.ons4(), on=form.cleaned_data["on"], version=request.POST.get("version") or None),
            _("The conversation was recorded."), form=form)
        if ok:
            return redirect("cases:plan", pk=case.pk)
    return render(request, "cases/conversation.html", {"case": case, "form": form})


def _plan_choices(case: Case) -> dict:
    """Options drawn from the directory (published resources of the area and the whole
    municipality), the person's help requests and the area's available helpers."""
    from django.db.models import Q

    from sasaeai.directory.models import Service
    from sasaeai.helpers.models import HelperProfile
    from sasaeai.requests.models import HelpRequest

    services_qs = (Service.objects.filter(municipality_id=case.municipality_id, status="published")
                   .filter(Q(area_id=case.area_id) | Q(area__layer=1)).order_by("name")[:60])
    reqs = HelpRequest.objects.filter(recipient_id=case.resident_id).order_by("-starts_at")[:20]
    helpers = (HelperProfile.objects.filter(municipality_id=case.municipality_id, area_id=case.area_id,
                                            suspended_at__isnull=True)
               .select_related("user").order_by("user__display_name")[:40])
    return {"services": list(services_qs), "help_requests": list(reqs), "helpers": list(helpers)}


@perm_required("cases.work")
def plan(request, pk: int):
    """The plan: goals and, per goal, several options the person chooses from."""
    case = _case(request, pk)
    log_reads(request, [case])
    form = GoalForm(request.POST or None, **_plan_choices(case))
    if request.method == "POST" and form.is_valid():
        ok, _r = attempt(request, lambda: services.add_goal(
            case, by=request.user, text=form.cleaned_data["text"], options=form.options(),
            version=request.POST.get("version") or None), _("The goal was added to the plan."), form=form)
        if ok:
            return redirect("cases:plan" if "another" in request.POST else "cases:detail", pk=case.pk)
    goals = list(case.goals.prefetch_related("options"))
    return render(request, "cases/plan.html", {"case": case, "form": form, "goals": goals})


@require_POST
@perm_required("cases.work")
def option(request, pk: int, option_id: int):
    case = _case(request, pk)
    found = get_object_or_404(CaseOption, pk=option_id, goal__case=case)
    form = OptionForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: services.update_option(found, by=request.user, status=form.cleaned_data["status"],
                                                         on=form.cleaned_data["on"]), _("The option was updated."))
    else:
        messages.error(request, _("Choose the step and a valid date."))
    return redirect("cases:detail", pk=case.pk)


@require_POST
@perm_required("cases.work")
def follow_up(request, pk: int):
    case = _case(request, pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: services.schedule_follow_up(case, by=request.user, due_on=form.cleaned_data["due_on"]),
                 _("The follow-up was scheduled."))
    else:
        messages.error(request, _("Give a valid date."))
    return redirect("cases:detail", pk=case.pk)


@require_POST
@perm_required("cases.work")
def follow_up_done(request, pk: int, follow_up_id: int):
    case = _case(request, pk)
    found = get_object_or_404(FollowUp, pk=follow_up_id, case=case)
    form = FollowUpDoneForm(request.POST)
    form.is_valid()
    attempt(request, lambda: services.complete_follow_up(found, by=request.user,
                                                          note=form.cleaned_data.get("note", "")),
             _("The follow-up was recorded."))
    return redirect("cases:detail", pk=case.pk)


@perm_required("cases.work")
def close(request, pk: int):
    """終結: the outcome and ONS4 again; the page then shows the change."""
    case = _case(request, pk)
    log_reads(request, [case])
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ok, _r = attempt(request, lambda: services.close(
            case, by=request.user, outcome=d["outcome"], note=d["note"], ons4=form.ons4(), on=d["on"],
            version=request.POST.get("version") or None), _("The case was closed."), form=form)
        if ok:
            return redirect("cases:detail", pk=case.pk)
    return render(request, "cases/close.html", {"case": case, "form": form})


@perm_required("cases.work")
def caseload(request):
    """Caseload per SC and per area (counts only: no personal data, no access log)."""
    return render(request, "cases/caseload.html", {"load": selectors.caseload(request.user)})
