"""Briefing sections of the activity app: the people working in the area (5), the recent
activity timeline (50) and the handover notes (90)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from sasaeai.core.briefing import MAX_ROWS, area_q
from sasaeai.tenancy.models import Membership, Role

from . import presentation, selectors
from .models import NoteSection

#: Roles listed as the area's key people (memberships in force only).
PEOPLE_ROLES = (Role.COORDINATOR_L2, Role.COORDINATOR_L1, Role.SUPPORT_CENTER, Role.COUNCIL_MEMBER,
                Role.WORK_COORDINATOR)


def _people(area) -> list[list]:
    memberships = (Membership.objects.filter(municipality_id=area.municipality_id, role__in=PEOPLE_ROLES)
                   .annotate(n_areas=Count("areas"))
                   .filter(Q(areas=area) | Q(n_areas=0) if area.layer == 2 else Q())
                   .select_related("user").order_by("role", "user__display_name").distinct())
    order = {r: i for i, r in enumerate(PEOPLE_ROLES)}
    rows = sorted(memberships[:200], key=lambda m: (order.get(m.role, 99), m.user.display_name))
    return [[m.get_role_display(), m.user.display_name, m.started_at.date().isoformat()] for m in rows][:MAX_ROWS]


def sections(request, area) -> list[dict]:
    user = request.user
    entries = (selectors.visible_entries(user).filter(area_q(area)).order_by("-date", "-created_at")[:MAX_ROWS])
    timeline = []
    for e in entries:
        row = presentation.entry_row(e)
        timeline.append([e.date.isoformat(), row["function"], row["duration"], row["link"] or "", row["who"]])
    notes = selectors.current_notes(area)
    note_rows = []
    for value, label in NoteSection.choices:
        note = notes.get(value)
        if note is None or not note.text:
            continue
        who = note.written_by.display_name if note.written_by else "—"
        note_rows.append([label, note.text, _("Version %(v)d by %(who)s, %(when)s") % {
            "v": note.version, "who": who, "when": note.written_at.strftime("%Y-%m-%d")}])
    return [
        {"key": "people", "title": _("People working in this area"), "order": 5,
         "columns": [_("Role"), _("Name"), pgettext("membership", "Since")], "rows": _people(area),
         "empty": _("Nobody is assigned to this area at the moment."), "more_url": None},
        {"key": "timeline", "title": _("Recent activity"), "order": 50,
         "columns": [_("Date"), pgettext("activity", "Function"), _("Time spent"), pgettext("activity", "About"),
                     pgettext("activity", "Coordinator")], "rows": timeline,
         "empty": _("No activity logged in this area yet."),
         "more_url": reverse("activity:area", args=[area.pk])},
        {"key": "notes", "title": _("Handover notes"), "order": 90,
         "columns": [pgettext("handover note", "Section"), pgettext("handover note", "Text"),
                     pgettext("handover note", "Written")], "rows": note_rows,
         "empty": _("No handover notes yet."),
         "more_url": reverse("activity:notes_edit", args=[area.pk])},
    ]
