"""Pages of the activity log and the handover briefing. Thin: parse, authorise (through
selectors and rules), call a service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sasaeai.core.briefing import sections_for

from . import presentation, selectors, services
from .forms import EntryForm, NoteForm
from .models import ActivityEntry, Function, NoteSection


def _require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _day(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


def _entry_form(request, data=None):
    areas = list(selectors.loggable_areas(request.user))
    initial = {"date": timezone.localdate()}
    if len(areas) == 1:
        initial["area"] = areas[0].pk
    elif areas:
        layer2 = [a for a in areas if a.layer == 2]
        initial["area"] = (layer2 or areas)[0].pk
    kind, _sep, number = (request.GET.get("link") or "").partition(":")
    if kind and number.isdigit():
        initial.update(link_kind=kind, link_id=int(number))
    return EntryForm(data, initial=initial, areas=areas, link_kinds=services.link_kinds())


def _timesheet(request, form, status=200):
    today = timezone.localdate()
    day = _day(request.GET.get("week") or request.POST.get("week"), today)
    start, end = selectors.week_of(day)
    entries = selectors.own_entries(request.user).filter(date__gte=start, date__lte=end).order_by("date", "created_at")
    week = presentation.week_grid(entries, start)
    month_start, month_end = selectors.month_of(day)
    context = {
        "form": form, "week": week, "start": start, "end": end, "entries": list(entries),
        "previous": start - dt.timedelta(days=7), "next": start + dt.timedelta(days=7) if end < today else None,
        "week_share": selectors.coordination_share(coordinator=request.user, start=start, end=end,
                                                   queryset=selectors.own_entries(request.user)),
        "month_share": selectors.coordination_share(coordinator=request.user, start=month_start, end=month_end,
                                                    queryset=selectors.own_entries(request.user)),
        "month_start": month_start, "target": selectors.COORDINATION_TARGET_PERCENT,
        "coordination_labels": presentation.coordination_labels(),
    }
    return render(request, "activity/timesheet.html", context, status=status)


@login_required
def timesheet(request):
    """週の活動記録: the coordinator's week, with the form to log time."""
    _require(request, "activity.log_time")
    return _timesheet(request, _entry_form(request))


@login_required
@require_POST
def log_entry(request):
    _require(request, "activity.log_time")
    form = _entry_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        area = selectors.loggable_areas(request.user).filter(pk=data["area"]).first()
        try:
            if area is None:
                raise ValidationError(_("You cannot log time for this area."), code="area_not_covered")
            entry = services.entry_create(
                by=request.user, area=area, date=data["date"], minutes=data["minutes"], function=data["function"],
                note=data.get("note") or "", link_kind=data.get("link_kind") or None, link_id=data.get("link_id"))
        except ValidationError as exc:
            for text in exc.messages:
                form.add_error(None, text)
        else:
            messages.success(request, _("Logged: %(minutes)s on %(date)s.") % {
                "minutes": presentation.duration(entry.minutes), "date": entry.date.isoformat()})
            return redirect(f"{reverse('activity:timesheet')}?week={entry.date.isoformat()}")
    return _timesheet(request, form, status=400)


@login_required
@require_POST
def delete_entry(request, pk: int):
    _require(request, "activity.log_time")
    entry = get_object_or_404(selectors.deletable_entries(request.user), pk=pk)
    week = entry.date.isoformat()
    services.entry_delete(by=request.user, entry=entry)
    messages.success(request, _("The entry was removed."))
    return redirect(f"{reverse('activity:timesheet')}?week={week}")


def _area(request, area_id: int):
    if not selectors.may_read(request.user):
        raise PermissionDenied
    area = get_object_or_404(selectors.briefing_areas(request.user), pk=area_id)
    return area


@login_required
def area_activity(request, area_id: int):
    """The area's activity, whoever logged it (newest first)."""
    area = _area(request, area_id)
    today = timezone.localdate()
    month_start, month_end = selectors.month_of(today)
    entries = selectors.visible_entries(request.user).filter(area=area).order_by("-date", "-created_at")[:200]
    return render(request, "activity/area.html", {
        "area": area, "entries": [presentation.entry_row(e) for e in entries],
        "month_share": selectors.coordination_share(area=area, start=month_start, end=month_end,
                                                    queryset=selectors.visible_entries(request.user)),
        "month_start": month_start, "target": selectors.COORDINATION_TARGET_PERCENT,
    })


@login_required
def handover_home(request):
    _require(request, "activity.view_briefings")
    return render(request, "activity/handover_home.html", {"areas": selectors.briefing_areas(request.user)[:500]})


@login_required
def handover(request, area_id: int):
    """引き継ぎ資料: the area's briefing, generated from data (every app's briefing.py)."""
    area = _area(request, area_id)
    return render(request, "activity/handover.html", {"area": area, "sections": sections_for(request, area)})


@login_required
def notes_edit(request, area_id: int):
    area = _area(request, area_id)
    _require(request, "activity.write_notes", area)
    current = selectors.current_notes(area)
    status = 200
    bound = None
    if request.method == "POST":
        bound = NoteForm(request.POST)
        if bound.is_valid():
            data = bound.cleaned_data
            try:
                services.note_save(by=request.user, area=area, section=data["section"], text=data["text"],
                                   base_version=data["base_version"])
            except ValidationError as exc:
                for text in exc.messages:
                    bound.add_error(None, text)
                status = 400
            else:
                messages.success(request, _("The handover notes were saved."))
                return redirect(reverse("activity:handover", args=[area.pk]) + "#notes")
        else:
            status = 400
    forms = []
    for value, label in NoteSection.choices:
        note = current.get(value)
        if bound is not None and bound.data.get("section") == value:
            form = bound
        else:
            form = NoteForm(initial={"section": value, "base_version": note.version if note else 0,
                                     "text": note.text if note else ""}, prefix=None)
        forms.append({"section": value, "label": label, "note": note, "form": form})
    return render(request, "activity/notes_edit.html", {"area": area, "forms": forms}, status=status)


@login_required
def note_history(request, area_id: int, section: str):
    area = _area(request, area_id)
    if section not in NoteSection.values:
        raise Http404
    return render(request, "activity/note_history.html", {
        "area": area, "section_label": NoteSection(section).label,
        "versions": selectors.note_history(area, section)[:100]})


__all__ = ["ActivityEntry", "Function"]
