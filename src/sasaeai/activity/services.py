"""Every write of the activity app. Each public function is one transaction: it validates
first, writes everything or nothing, and raises `ValidationError` (with a stable `code`).

Concurrency: the day's 24-hour limit is a per-coordinator invariant across rows, so
`entry_create` locks the coordinator's user row before summing the day (two tabs logging at
once queue instead of both passing the check). A handover note version is unique per
(area, section, version) in the database; a writer names the version it edited
(`base_version`) and is refused when someone saved another version meanwhile.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from sasaeai.tenancy.models import Area

from . import selectors
from .models import MINUTES_PER_DAY, ActivityEntry, Function, HandoverNote, NoteSection

#: Records an entry may link to ("app_label.model"); kinds whose app is not installed are refused.
LINKABLE = ("needs.need", "cases.case", "directory.service", "directory.organization", "councils.meeting",
            "partners.partner", "requests.helprequest")
#: How far back an entry may be dated (a forgotten week is fine, last year's is a typo).
MAX_AGE = dt.timedelta(days=400)


def _error(message: str, code: str, field: str | None = None) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]} if field else ValidationError(message, code=code))


def link_kinds() -> list[tuple[str, str]]:
    """(key, label) of the installed kinds an entry may link to."""
    from django.apps import apps

    out = []
    for key in LINKABLE:
        app_label, model_name = key.split(".")
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        out.append((key, str(model._meta.verbose_name)))
    return out


def resolve_link(kind: str | None, object_id: int | None, *, municipality_id: int):
    """The linked record, checked to exist in the same municipality. None when no link."""
    if not kind and object_id in (None, ""):
        return None
    if not kind or object_id in (None, ""):
        raise _error(_("Choose both the kind of record and its number, or neither."), "link_incomplete", "link")
    if kind not in dict(link_kinds()):
        raise _error(_("Records of this kind cannot be linked."), "link_kind_unknown", "link")
    app_label, model_name = kind.split(".")
    content_type = ContentType.objects.get_by_natural_key(app_label, model_name)
    model = content_type.model_class()
    try:
        object_id = int(object_id)
    except (TypeError, ValueError):
        raise _error(_("The record number must be a whole number."), "link_invalid", "link") from None
    obj = model._default_manager.filter(pk=object_id).first() if 0 < object_id < 2**63 else None
    if obj is None or getattr(obj, "municipality_id", None) != municipality_id:
        # Another municipality's record answers like a missing one (its existence does not leak).
        raise _error(_("No such record in this municipality."), "link_not_found", "link")
    return obj


def entry_create(*, by, area: Area, date: dt.date, minutes: int, function: str, note: str = "",
                 link_kind: str | None = None, link_id: int | None = None, today: dt.date | None = None) -> ActivityEntry:
    """Log `minutes` of `function` in `area` on `date` for the coordinator `by`."""
    today = today or timezone.localdate()
    if not selectors.loggable_areas(by).filter(pk=getattr(area, "pk", None)).exists():
        raise _error(_("You cannot log time for this area."), "area_not_covered", "area")
    if function not in Function.values:
        raise _error(_("Choose one of the listed functions."), "function_unknown", "function")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1:
        raise _error(_("Enter the time spent: at least 1 minute."), "minutes_not_positive", "minutes")
    if minutes > MINUTES_PER_DAY:
        raise _error(_("One entry cannot be longer than 24 hours."), "minutes_over_day", "minutes")
    if date > today:
        raise _error(_("The date is in the future: log time after the work is done."), "date_in_future", "date")
    if date < today - MAX_AGE:
        raise _error(_("The date is more than 400 days ago. Check the year."), "date_too_old", "date")
    note = (note or "").strip()
    if len(note) > 300:
        raise _error(_("The note is at most 300 characters."), "note_too_long", "note")
    link = resolve_link(link_kind, link_id, municipality_id=area.municipality_id)
    with transaction.atomic():
        # Lock the coordinator's row: two entries saved at once for the same day must not both
        # pass the 24-hour check below.
        get_user_model().objects.select_for_update().filter(pk=by.pk).first()
        already = ActivityEntry.objects.filter(recorded_by=by, date=date).aggregate(t=Sum("minutes"))["t"] or 0
        if already + minutes > MINUTES_PER_DAY:
            left = MINUTES_PER_DAY - already
            raise _error(
                _("A day has 24 hours: %(logged)s are already logged on %(date)s, so at most %(left)s more minutes "
                  "fit.") % {"logged": _format_minutes(already), "date": date.isoformat(), "left": max(left, 0)},
                "day_over_24_hours", "minutes")
        entry = ActivityEntry(
            municipality_id=area.municipality_id, area=area, date=date, minutes=minutes, function=function,
            note=note, recorded_by=by,
            link_type=ContentType.objects.get_for_model(link) if link is not None else None,
            link_id=link.pk if link is not None else None,
        )
        entry.save()
    return entry


def entry_delete(*, by, entry: ActivityEntry) -> None:
    """Remove one of the user's own entries (a correction)."""
    with transaction.atomic():
        deleted, _n = selectors.deletable_entries(by).filter(pk=entry.pk).delete()
    if not deleted:
        raise _error(_("Only your own entries can be removed."), "not_own_entry")


def _format_minutes(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return _("%(h)d h %(m)02d min") % {"h": hours, "m": rest}


def note_save(*, by, area: Area, section: str, text: str, base_version: int | None) -> HandoverNote:
    """Save a new version of one section of the area's handover notes. `base_version` is the
    version the writer started from (0 or None for a new section)."""
    if not selectors.can_read_area(by, area):
        raise _error(_("You cannot write notes for this area."), "area_not_covered", "area")
    if section not in NoteSection.values:
        raise _error(_("Choose one of the listed sections."), "section_unknown", "section")
    text = (text or "").strip()
    if len(text) > 5000:
        raise _error(_("A section is at most 5,000 characters."), "note_too_long", "text")
    with transaction.atomic():
        # Lock the area's row so two writers of the same section queue; the unique constraint
        # on (area, section, version) is the last line of defence.
        Area.objects.select_for_update().filter(pk=area.pk).first()
        current = HandoverNote.objects.filter(area=area, section=section).aggregate(v=Max("version"))["v"] or 0
        if (base_version or 0) != current:
            raise _error(_("Someone saved this section while you were writing. Reload the page, then add your "
                           "changes to the new text."), "note_changed_meanwhile", "text")
        if current and HandoverNote.objects.get(area=area, section=section, version=current).text == text:
            raise _error(_("Nothing changed in this section."), "note_unchanged", "text")
        try:
            with transaction.atomic():
                return HandoverNote.objects.create(municipality_id=area.municipality_id, area=area, section=section,
                                                   version=current + 1, text=text, written_by=by)
        except IntegrityError:
            raise _error(_("Someone saved this section while you were writing. Reload the page, then add your "
                           "changes to the new text."), "note_changed_meanwhile", "text") from None
