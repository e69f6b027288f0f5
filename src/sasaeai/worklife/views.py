"""Pages of the worklife app. Thin: parse, authorise (through selectors), call a service, render.
Every page that shows a consultation writes the read to the access log; the employer's pages
never load a consultation's identity or text (only references and counts)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sasaeai.core.pages import attempt, perm_required
from sasaeai.tenancy.models import Area, Municipality

from . import selectors, services
from .forms import (
    ChecklistForm,
    CloseForm,
    CodeForm,
    ConsentForm,
    ContactForm,
    ContractForm,
    EmployerForm,
    FollowUpDoneForm,
    FollowUpForm,
    HandoverForm,
    PlanForm,
    RecordForm,
    RequestForm,
    SeminarForm,
)
from .models import ChecklistItem, ConsultationStatus, FollowUp, ItemKind
from .presentation import log_reads

LIST_LIMIT = 200


def _item_context() -> dict:
    from .models import NoticeItem, NoticeMethod

    return {"methods": NoticeMethod.choices, "notice_items": NoticeItem.choices, "notice_kind": ItemKind.INDIVIDUAL_NOTICE,
            "today": timezone.localdate()}


def _consultation(request, pk: int):
    return get_object_or_404(selectors.consultations_for(request.user), pk=pk)


# --- public: directory and the employee's request --------------------------------------------


def directory(request):
    """地域のワークサポートケアマネジャー: listed, verified care managers by junior-high district."""
    municipalities = list(Municipality.objects.order_by("code"))
    mid = request.GET.get("municipality") or ""
    mid = int(mid) if mid.isdigit() else None
    aid = request.GET.get("area") or ""
    aid = int(aid) if aid.isdigit() else None
    areas = list(Area.objects.filter(municipality_id=mid, layer=Area.Layer.DAILY_LIFE).order_by("name")) if mid else []
    listings = list(selectors.public_directory(mid, aid)[:LIST_LIMIT])
    return render(request, "worklife/directory.html", {
        "listings": listings, "municipalities": municipalities, "areas": areas, "mid": mid, "aid": aid})


def consult(request):
    """Enter the code your employer gave you (or open the employer's link directly)."""
    form = CodeForm(request.GET or None)
    if request.GET and form.is_valid():
        employer = services.employer_by_code(form.cleaned_data["code"])
        if employer is not None:
            return redirect("worklife:request", code=employer.link_code)
        form.add_error("code", _("This code is not known. Check the code your employer gave you."))
    return render(request, "worklife/consult.html", {"form": form})


def request_consultation(request, code: str):
    """The employer's link: any employee, logged in or not, asks for a consultation. The page
    shows the employer's name only; the employer is never told who used it."""
    employer = services.employer_by_code(code)
    if employer is None:
        from django.http import Http404

        raise Http404
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ok, _c = attempt(request, lambda: services.consultation_request(
            code=employer.link_code, employee_name=d["employee_name"], employee_contact=d["employee_contact"],
            department_size=d["department_size"], topics=d["topics"], note=d["note"], user=request.user),
            form=form)
        if ok:
            return redirect("worklife:requested")
    in_force = selectors.contract_in_force(employer) is not None
    return render(request, "worklife/request.html", {"employer": employer, "form": form, "in_force": in_force})


def requested(request):
    return render(request, "worklife/requested.html")


# --- the care manager -------------------------------------------------------------------------


@perm_required("worklife.work")
def consultation_list(request):
    status = request.GET.get("status", "")
    qs = selectors.consultations_for(request.user)
    if status in ConsultationStatus.values:
        qs = qs.filter(status=status)
    elif status != "all":
        qs = qs.filter(status__in=[ConsultationStatus.REQUESTED, ConsultationStatus.RECORDED,
                                   ConsultationStatus.PLANNED])
    rows = list(qs.order_by("status", "requested_at", "pk")[:LIST_LIMIT])
    log_reads(request, rows, ("worklife_consultation_status",))
    return render(request, "worklife/list.html", {"rows": rows, "status": status,
                                                  "statuses": ConsultationStatus.choices})


@perm_required("worklife.work")
def detail(request, pk: int):
    c = _consultation(request, pk)
    log_reads(request, [c])
    plan = getattr(c, "plan", None)
    return render(request, "worklife/detail.html", {
        **_item_context(), "c": c, "plan": plan, "items": [selectors.item_row(i) for i in c.checklist.all()], "follow_ups": list(c.follow_ups.all()),
        "handovers": list(c.handovers.select_related("municipality", "area")),
        "consent": services.current_consent(c), "consent_form": ConsentForm(), "handover_form": HandoverForm(),
        "follow_up_form": FollowUpForm(), "done_form": FollowUpDoneForm(),
        "close_form": CloseForm(initial={"on": timezone.localdate()})})


@perm_required("worklife.work")
def record(request, pk: int):
    """面談の記録: the family member's situation (possibly in another municipality), the
    employee's work and wishes, topics."""
    c = _consultation(request, pk)
    log_reads(request, [c])
    areas = list(Area.objects.filter(layer=Area.Layer.DAILY_LIFE).select_related("municipality")
                 .order_by("municipality__code", "name")[:2000])
    initial = {"interviewed_on": timezone.localdate(), "topics": c.topics}
    form = RecordForm(request.POST or None, areas=areas, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        area = next((a for a in areas if a.pk == d["family_area"]), None)
        ok, _r = attempt(request, lambda: services.consultation_record(
            c, by=request.user, interviewed_on=d["interviewed_on"], relation=d["relation"],
            care_level=d["care_level"], family_municipality=area.municipality if area else None,
            family_area=area, family_situation=d["family_situation"], work_situation=d["work_situation"],
            wishes=d["wishes"], topics=d["topics"], shared_with_employer=d["shared_with_employer"]),
            _("The interview was recorded."), form=form)
        if ok:
            return redirect("worklife:detail", pk=c.pk)
    return render(request, "worklife/record.html", {"c": c, "form": form})


@perm_required("worklife.work")
def plan(request, pk: int):
    """介護支援プラン: goals, leave and work changes with dates, handover at work, care
    services; follow-ups default to 1 and 3 months."""
    c = _consultation(request, pk)
    log_reads(request, [c])
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        ok, _r = attempt(request, lambda: services.plan_create(
            c, by=request.user, goals=d["goals"], leave_from=d["leave_from"], leave_until=d["leave_until"],
            work_changes=d["work_changes"], work_changes_from=d["work_changes_from"],
            handover_at_work=d["handover_at_work"], care_services=d["care_services"],
            follow_ups=form.follow_ups()), _("The plan was saved."), form=form)
        if ok:
            return redirect("worklife:detail", pk=c.pk)
    return render(request, "worklife/plan.html", {"c": c, "form": form})


def _post(request, pk, form_class, call, success):
    c = _consultation(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        attempt(request, lambda: call(c, form.cleaned_data), success)
    else:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
    return redirect("worklife:detail", pk=c.pk)


@require_POST
@perm_required("worklife.work")
def consent(request, pk: int):
    return _post(request, pk, ConsentForm, lambda c, d: services.consent_record(
        c, by=request.user, granted=d["granted"], scope=d["scope"], basis=d["basis"]),
        _("The employee's decision was recorded."))


@require_POST
@perm_required("worklife.work")
def handover(request, pk: int):
    return _post(request, pk, HandoverForm, lambda c, d: services.handover_create(
        c, by=request.user, kind=d["kind"], note=d["note"]), _("The handover was sent."))


@require_POST
@perm_required("worklife.work")
def share(request, pk: int):
    c = _consultation(request, pk)
    attempt(request, lambda: services.share_with_employer(c, by=request.user),
             _("The employer's duties are open on the checklist."))
    return redirect("worklife:detail", pk=c.pk)


@require_POST
@perm_required("worklife.work")
def follow_up(request, pk: int):
    return _post(request, pk, FollowUpForm, lambda c, d: services.follow_up_schedule(
        c, by=request.user, due_on=d["due_on"], kind=d["kind"]), _("The follow-up was scheduled."))


@require_POST
@perm_required("worklife.work")
def follow_up_done(request, pk: int, follow_up_id: int):
    c = _consultation(request, pk)
    found = get_object_or_404(FollowUp, pk=follow_up_id, consultation=c)
    form = FollowUpDoneForm(request.POST)
    form.is_valid()
    attempt(request, lambda: services.follow_up_complete(
        found, by=request.user, still_employed=form.cleaned_data.get("still_employed"),
        note=form.cleaned_data.get("note", "")), _("The follow-up was recorded."))
    return redirect("worklife:detail", pk=c.pk)


@require_POST
@perm_required("worklife.work")
def close(request, pk: int):
    return _post(request, pk, CloseForm, lambda c, d: services.consultation_close(
        c, by=request.user, outcome=d["outcome"], on=d["on"], note=d["note"]), _("The consultation was closed."))


@require_POST
@perm_required("worklife.work")
def withdraw(request, pk: int):
    c = _consultation(request, pk)
    attempt(request, lambda: services.consultation_withdraw(c, by=request.user),
             _("The consultation was marked as withdrawn."))
    return redirect("worklife:detail", pk=c.pk)


# --- employers ---------------------------------------------------------------------------------


@perm_required("worklife.work")
def employers(request):
    form = EmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, employer = attempt(request, lambda: services.employer_create(
            by=request.user, name=form.cleaned_data["name"], size_band=form.cleaned_data["size_band"]),
            _("The employer was registered."), form=form)
        if ok:
            return redirect("worklife:employer", pk=employer.pk)
    rows = list(selectors.employers_for_care_manager(request.user).order_by("name", "pk"))
    return render(request, "worklife/employers.html", {"rows": rows, "form": form})


@perm_required("worklife.employer")
def employer(request, pk: int):
    """The employer's page: the legal checklist (cases by reference only) and k-suppressed
    counts. The same for the HR contact and the care manager — no identity, no text."""
    found = get_object_or_404(selectors.employers_visible(request.user), pk=pk)
    rows = selectors.checklist_rows(found)
    case_rows, employer_rows = [], []
    for row in rows:
        (case_rows if row["reference"] else employer_rows).append(row)
    is_cm = selectors.employers_for_care_manager(request.user).filter(pk=found.pk).exists()
    from sasaeai.events.models import Event

    events = []
    if is_cm:
        events = list(Event.objects.filter(municipality_id=found.municipality_id, cancelled_at__isnull=True,
                                           starts_at__gte=timezone.now(),
                                           event_type__in=["information", "course"]).order_by("starts_at")[:50])
    kept6, known6 = selectors.retention(found.consultations.all(), 6)
    kept12, known12 = selectors.retention(found.consultations.all(), 12)
    from sasaeai.core.suppression import k_public

    k = k_public()
    return render(request, "worklife/employer.html", {
        **_item_context(), "employer": found, "case_rows": case_rows, "employer_rows": employer_rows,
        "counts": selectors.employer_counts(found), "is_cm": is_cm,
        "contracts": list(found.contracts.select_related("care_manager__user")),
        "seminars": list(found.seminars.select_related("event")),
        "link": request.build_absolute_uri(reverse("worklife:request", kwargs={"code": found.link_code})),
        "contract_form": ContractForm(), "contact_form": ContactForm(), "seminar_form": SeminarForm(events=events),
        "retention": [(6, kept6, known6 if known6 >= k else None), (12, kept12, known12 if known12 >= k else None)],
        "k": k})


@require_POST
@perm_required("worklife.employer")
def item(request, pk: int):
    """Tick a duty of the checklist (the HR contact or the care manager)."""
    found = get_object_or_404(ChecklistItem, pk=pk, employer__in=selectors.employers_visible(request.user))
    form = ChecklistForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            attempt(request, lambda: services.checklist_complete(
                found, by=request.user, done_on=d["done_on"], method=d["method"], notice_items=d["notice_items"],
                note=d["note"]), _("The duty was recorded."))
        except PermissionDenied:
            messages.error(request, _("You are not allowed to do this."))
    else:
        messages.error(request, _("Give a valid date."))
    back = request.POST.get("back", "")
    if back == "consultation" and found.consultation_id:
        return redirect("worklife:detail", pk=found.consultation_id)
    return redirect("worklife:employer", pk=found.employer_id)


def _employer_post(request, pk, form_class, call, success, **form_kwargs):
    found = get_object_or_404(selectors.employers_for_care_manager(request.user), pk=pk)
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid():
        attempt(request, lambda: call(found, form.cleaned_data), success)
    else:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
    return redirect("worklife:employer", pk=found.pk)


@require_POST
@perm_required("worklife.work")
def contract(request, pk: int):
    return _employer_post(request, pk, ContractForm, lambda e, d: services.contract_create(
        by=request.user, employer=e, starts_on=d["starts_on"], ends_on=d["ends_on"]), _("The contract was recorded."))


@require_POST
@perm_required("worklife.work")
def contact(request, pk: int):
    return _employer_post(request, pk, ContactForm, lambda e, d: services.contact_add(
        by=request.user, employer=e, email=d["email"]), _("The HR contact was added."))


@require_POST
@perm_required("worklife.work")
def seminar(request, pk: int):
    from sasaeai.events.models import Event

    found = get_object_or_404(selectors.employers_for_care_manager(request.user), pk=pk)
    events = Event.objects.filter(municipality_id=found.municipality_id, cancelled_at__isnull=True)
    return _employer_post(request, pk, SeminarForm, lambda e, d: services.seminar_link(
        by=request.user, employer=e, event=events.get(pk=d["event"]), topic=d["topic"]),
        _("The seminar was linked."), events=events)


# --- the receiving support centre ---------------------------------------------------------------


def _log_handovers(request, handovers):
    log_reads(request, [h.consultation for h in handovers], ("worklife_handover",))


@perm_required("worklife.handovers")
def handovers(request):
    rows = list(selectors.handovers_for(request.user).order_by("-sent_at", "-pk")[:LIST_LIMIT])
    _log_handovers(request, rows)
    return render(request, "worklife/handovers.html", {"rows": rows})


@perm_required("worklife.handovers")
def handover_detail(request, pk: int):
    found = get_object_or_404(selectors.handovers_for(request.user), pk=pk)
    _log_handovers(request, [found])
    from sasaeai.residents.models import CareLevel, ProxyRelation

    shared = dict(found.shared)
    labels = {
        "relation": ProxyRelation(shared["relation"]).label if shared.get("relation") in ProxyRelation.values else "",
        "care_level": CareLevel(shared["care_level"]).label if shared.get("care_level") in CareLevel.values else "",
    }
    residents = []
    if found.kind == "proxy_request":
        from sasaeai.residents.selectors import residents_for_staff

        residents = list(residents_for_staff(request.user).filter(municipality_id=found.municipality_id,
                                                                  area_id=found.area_id)
                         .order_by("family_name_kana", "given_name_kana", "pk")[:300])
    return render(request, "worklife/handover_detail.html", {"h": found, "shared": shared, "labels": labels,
                                                             "residents": residents})


@require_POST
@perm_required("worklife.handovers")
def link_proxy(request, pk: int):
    """The centre links the employee as the family member's proxy (代理入力)."""
    found = get_object_or_404(selectors.handovers_for(request.user), pk=pk)
    resident = request.POST.get("resident", "")
    attempt(request, lambda: services.handover_link_proxy(found, by=request.user,
                                                           resident=int(resident) if resident.isdigit() else 0),
             _("The employee can now enter help requests as the family member's proxy."))
    return redirect("worklife:handover_detail", pk=found.pk)


@require_POST
@perm_required("worklife.handovers")
def acknowledge(request, pk: int):
    found = get_object_or_404(selectors.handovers_for(request.user), pk=pk)
    attempt(request, lambda: services.handover_acknowledge(found, by=request.user), _("Acknowledged."))
    return redirect("worklife:handover_detail", pk=found.pk)
