"""Pages of the work-like activities app (thin: parse → authorise → call a service → render).

* `/work/` — tasks the viewer may see (work staff: the municipality's; partner staff: their own;
  a person with an interest: open tasks of a kind they want).
* `/work/<id>/` — one task. Work staff see the ranked candidates with the engine's explanation
  and confirm one; partner staff see their placements (display name and participation only);
  a placed person sees their own placement.
* `/work/new/` — post a task (partner staff for their organisation, work staff for a partner).
* `/work/me/` — the person's work interest, their placements and the tasks offered to them.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sasaeai.tenancy.models import Area

from . import selectors, services
from .models import PlacementStatus, TaskStatus, TravelMode, WorkCategory, WorkPlacement, WorkSkill
from .ranking import rank_task


def _weekdays():
    from django.utils.translation import pgettext

    return [(0, pgettext("weekday", "Mon")), (1, pgettext("weekday", "Tue")), (2, pgettext("weekday", "Wed")),
            (3, pgettext("weekday", "Thu")), (4, pgettext("weekday", "Fri")), (5, pgettext("weekday", "Sat")),
            (6, pgettext("weekday", "Sun"))]


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {f: [e.message % (e.params or {}) for e in errs] for f, errs in exc.error_dict.items()}
    return {"__all__": exc.messages}


def _flash(request, exc: ValidationError) -> None:
    for msgs in _errors(exc).values():
        for m in msgs:
            messages.error(request, m)


def _date(value):
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _time(value):
    try:
        return dt.time.fromisoformat(value) if value else None
    except ValueError:
        return None


def _visible_task(request, pk: int):
    return get_object_or_404(selectors.tasks_for(request.user), pk=pk)


@login_required
def task_list(request):
    user = request.user
    status = request.GET.get("status", "")
    tasks = selectors.tasks_for(user)
    if status in TaskStatus.values:
        tasks = tasks.filter(status=status)
    return render(request, "workactivity/list.html", {
        "tasks": tasks.order_by("date", "start_time", "pk")[:200], "statuses": TaskStatus.choices,
        "status": status, "can_post": user.has_perm("workactivity.post_task")})


@login_required
def task_detail(request, pk: int):
    task = _visible_task(request, pk)
    user = request.user
    manage = selectors.may_manage_task(user, task)
    partner_view = selectors.is_task_partner(user, task)
    ctx = {"task": task, "manage": manage, "partner_view": partner_view, "today": timezone.localdate()}
    if manage or partner_view:
        ctx["placements"] = list(selectors.placements_of_task(task))
        ctx["dates"] = [d for d in task.occurrences() if d <= timezone.localdate()][-8:]
    if manage and task.status == TaskStatus.OPEN:
        day = task.next_date()
        ranked, refused = rank_task(task, day, limit=20)
        ctx.update({"ranked": ranked, "refused": refused, "rank_day": day})
    interest = selectors.interest_of(user)
    if interest is not None:
        ctx["my_placement"] = WorkPlacement.objects.filter(task=task, interest=interest,
                                                           status=PlacementStatus.CONFIRMED).first()
    return render(request, "workactivity/detail.html", ctx)


@login_required
def task_new(request):
    user = request.user
    if not user.has_perm("workactivity.post_task"):
        raise PermissionDenied
    partners = list(selectors.postable_partners(user).order_by("organization__name", "pk")[:200])
    municipality_ids = {p.municipality_id for p in partners}
    areas = list(Area.objects.filter(municipality_id__in=municipality_ids, layer=Area.Layer.DAILY_LIFE)
                 .order_by("municipality_id", "name"))
    from sasaeai.directory.models import Location

    locations = list(Location.objects.filter(organization_id__in=[p.organization_id for p in partners])
                     .select_related("organization").order_by("organization__name", "name")[:200])
    data = request.POST if request.method == "POST" else {}
    errors: dict = {}
    if request.method == "POST":
        partner = next((p for p in partners if str(p.pk) == data.get("partner")), None)
        area = next((a for a in areas if str(a.pk) == data.get("area")), None)
        location = next((loc for loc in locations if str(loc.pk) == data.get("location")
                         and partner and loc.organization_id == partner.organization_id), None)
        if partner is None:
            errors = {"partner": [_("Choose the partner.")]}
        else:
            try:
                task = services.task_create(
                    by=user, partner=partner, title=data.get("title", ""), category=data.get("category", ""),
                    area=area, location=location, address=data.get("address", ""), lat=data.get("lat") or None,
                    lon=data.get("lon") or None, date=_date(data.get("date")),
                    start_time=_time(data.get("start_time")), end_time=_time(data.get("end_time")),
                    weekly_until=_date(data.get("weekly_until")), slots=data.get("slots"),
                    description=data.get("description", ""), skills=request.POST.getlist("skills"),
                    reward_text=data.get("reward_text", ""), reward_yen=data.get("reward_yen") or None,
                    publish=data.get("publish") == "1")
            except ValidationError as exc:
                errors = _errors(exc)
            else:
                messages.success(request, _("The task was saved."))
                return redirect("workactivity:detail", pk=task.pk)
        if errors:
            messages.error(request, _("Nothing was saved. Please correct the marked fields."))
    return render(request, "workactivity/new.html", {
        "partners": partners, "areas": areas, "locations": locations, "categories": WorkCategory.choices, "skills": WorkSkill.choices,
        "data": data, "chosen_skills": request.POST.getlist("skills") if data else [], "errors": errors},
        status=400 if errors else 200)


@login_required
@require_POST
def task_status(request, pk: int):
    task = _visible_task(request, pk)
    if not (selectors.may_manage_task(request.user, task) or selectors.is_task_partner(request.user, task)):
        raise PermissionDenied
    try:
        services.task_set_status(by=request.user, task=task, action=request.POST.get("action", ""))
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The task's status was changed."))
    return redirect("workactivity:detail", pk=task.pk)


@login_required
@require_POST
def task_confirm(request, pk: int):
    """Confirm one ranked candidate (work staff)."""
    task = _visible_task(request, pk)
    if not selectors.may_manage_task(request.user, task):
        raise PermissionDenied
    interest_id = request.POST.get("interest", "")
    from .models import WorkInterest

    interest = WorkInterest.objects.filter(pk=int(interest_id), municipality_id=task.municipality_id).first() \
        if interest_id.isdigit() and len(interest_id) <= 15 else None
    if interest is None:
        messages.error(request, _("Choose a candidate."))
        return redirect("workactivity:detail", pk=task.pk)
    ranked, _refused = rank_task(task, limit=None)
    position = next((n for n, r in enumerate(ranked, 1) if r.interest.pk == interest.pk), None)
    reasons = ranked[position - 1].reasons if position else []
    try:
        services.placement_confirm(by=request.user, task=task, interest=interest, rank=position, reasons=reasons)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("%(name)s is placed on this task and was told.") % {
            "name": interest.user.display_name})
    return redirect("workactivity:detail", pk=task.pk)


def _placement(request, pk: int) -> WorkPlacement:
    return get_object_or_404(selectors.placements_for(request.user), pk=pk)


@login_required
@require_POST
def placement_withdraw(request, pk: int):
    placement = _placement(request, pk)
    if not selectors.may_manage_task(request.user, placement.task):
        raise PermissionDenied
    try:
        services.placement_withdraw(by=request.user, placement=placement)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("The placement was withdrawn."))
    return redirect("workactivity:detail", pk=placement.task_id)


@login_required
@require_POST
def participation(request, pk: int):
    placement = _placement(request, pk)
    if not selectors.may_record_participation(request.user, placement):
        raise PermissionDenied
    try:
        services.participation_record(by=request.user, placement=placement, date=_date(request.POST.get("date")),
                                      attended=request.POST.get("attended") == "1",
                                      hours=request.POST.get("hours") or None)
    except ValidationError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Participation was recorded."))
    return redirect("workactivity:detail", pk=placement.task_id)


@login_required
def mine(request):
    """就労の希望: register interest, see placements and the tasks offered."""
    user = request.user
    interest = selectors.interest_of(user)
    allowed = selectors.interest_municipality_ids(user)
    if interest is None and not allowed:
        raise PermissionDenied
    municipality_id = interest.municipality_id if interest else min(allowed)
    areas = list(Area.objects.filter(municipality_id=municipality_id, layer=Area.Layer.DAILY_LIFE).order_by("name"))
    errors: dict = {}
    data = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        area = next((a for a in areas if str(a.pk) == data.get("area")), None)
        try:
            interest = services.interest_save(
                user=user, kinds=request.POST.getlist("kinds"), skills=request.POST.getlist("skills"),
                weekdays=request.POST.getlist("weekdays"), available_from=_time(data.get("available_from")),
                available_until=_time(data.get("available_until")), area=area,
                max_hours_per_week=data.get("max_hours_per_week") or 8, radius_km=data.get("radius_km") or 3,
                travel_mode=data.get("travel_mode", TravelMode.WALK), note=data.get("note", ""),
                active=data.get("active", "1") == "1", consent=data.get("consent") == "1")
        except ValidationError as exc:
            errors = _errors(exc)
            messages.error(request, _("Nothing was saved. Please correct the marked fields."))
        else:
            messages.success(request, _("Your wishes were saved. The work coordinator will contact you."))
            return redirect("workactivity:mine")
    offered = []
    if interest is not None:
        offered = list(selectors.tasks_for(user).filter(selectors.offered_q(interest))
                       .exclude(placements__interest=interest, placements__status=PlacementStatus.CONFIRMED)
                       .order_by("date", "start_time")[:30])
    form = {
        "kinds": request.POST.getlist("kinds") if data else (interest.kinds if interest else []),
        "skills": request.POST.getlist("skills") if data else (interest.skills if interest else []),
        "weekdays": [int(d) for d in request.POST.getlist("weekdays") if d.isdigit()] if data
        else (interest.weekdays if interest else []),
        "available_from": data.get("available_from") or (f"{interest.available_from:%H:%M}" if interest else "09:00"),
        "available_until": data.get("available_until")
        or (f"{interest.available_until:%H:%M}" if interest else "17:00"),
        "area": data.get("area") or (str(interest.area_id) if interest and interest.area_id else ""),
        "max_hours_per_week": data.get("max_hours_per_week") or (interest.max_hours_per_week if interest else 8),
        "radius_km": data.get("radius_km") or (interest.radius_km if interest else 3),
        "travel_mode": data.get("travel_mode") or (interest.travel_mode if interest else TravelMode.WALK),
        "note": data.get("note", interest.note if interest else ""),
        "active": (data.get("active", "1") == "1") if data else (interest.active if interest else True),
    }
    return render(request, "workactivity/mine.html", {
        "interest": interest, "areas": areas, "errors": errors, "form": form, "categories": WorkCategory.choices,
        "skills": WorkSkill.choices, "weekdays": _weekdays(), "travel_modes": TravelMode.choices,
        "placements": list(selectors.placements_of(user)[:50]), "offered": offered},
        status=400 if errors else 200)
