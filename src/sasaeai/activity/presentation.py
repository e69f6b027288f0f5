"""How activity entries read on a page: durations, the week grid, what an entry is about."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from .models import COORDINATION_FUNCTIONS, ActivityEntry, Function


def duration(minutes: int | None) -> str:
    minutes = minutes or 0
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("%(m)d min") % {"m": rest}
    if not rest:
        return _("%(h)d h") % {"h": hours}
    return _("%(h)d h %(m)02d min") % {"h": hours, "m": rest}


def coordination_labels() -> list[str]:
    return [label for value, label in Function.choices if value in COORDINATION_FUNCTIONS]


def link_label(entry: ActivityEntry) -> tuple[str, str | None] | None:
    """What the entry is about: the kind of record and, where the record says it is safe to
    show (`activity_link_label` / a published resource's name), its label and page. Never
    a resident's name: a need or case shows its kind and number only."""
    if entry.link_type_id is None:
        return None
    model = entry.link_type.model_class()
    kind = str(model._meta.verbose_name) if model is not None else entry.link_type.model
    obj = entry.link
    if obj is None:
        return (_("%(kind)s (removed)") % {"kind": kind}, None)
    label = getattr(obj, "activity_link_label", None)
    if label is None and entry.link_type.app_label == "directory":
        label = obj.name
    url = None
    if entry.link_type.app_label == "directory" and entry.link_type.model == "service" and (
            obj.status == "published" and obj.visibility == "public"):
        url = reverse("directory:detail", args=[obj.pk])  # a page everybody may open
    text = f"{kind}: {label}" if label else f"{kind} #{obj.pk}"
    return (text, url)


def entry_row(entry: ActivityEntry) -> dict:
    return {"entry": entry, "duration": duration(entry.minutes), "function": entry.get_function_display(),
            "coordination": entry.is_coordination, "link": link_label(entry),
            "who": entry.recorded_by.display_name if entry.recorded_by else _("(former account)")}


def week_grid(entries, start: dt.date) -> dict:
    """Minutes per function (rows) and day (columns) for the week starting `start`."""
    days = [start + dt.timedelta(days=i) for i in range(7)]
    cells: dict[tuple[dt.date, str], int] = {}
    for e in entries:
        cells[(e.date, e.function)] = cells.get((e.date, e.function), 0) + e.minutes
    rows = []
    for value, label in Function.choices:
        minutes = [cells.get((d, value), 0) for d in days]
        rows.append({"label": label, "coordination": value in COORDINATION_FUNCTIONS,
                     "cells": [duration(m) if m else "" for m in minutes], "total": duration(sum(minutes)),
                     "total_minutes": sum(minutes)})
    day_totals = [sum(cells.get((d, v), 0) for v in Function.values) for d in days]
    return {"days": days, "rows": rows, "day_totals": [duration(m) if m else "" for m in day_totals],
            "total": duration(sum(day_totals)), "total_minutes": sum(day_totals)}
