"""The municipality's staff and area record in words: audit events (ids and codes) turned into
labels, names and before → after lines for the audit page."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import Area, Role

ACTION_LABELS = {
    "staff.invited": pgettext_lazy("staff audit action", "Invited"),
    "staff.invitation_resent": pgettext_lazy("staff audit action", "Invitation sent again"),
    "staff.invitation_accepted": pgettext_lazy("staff audit action", "Invitation accepted (password set)"),
    "staff.areas_changed": pgettext_lazy("staff audit action", "Areas changed"),
    "staff.role_changed": pgettext_lazy("staff audit action", "Role changed"),
    "staff.deactivated": pgettext_lazy("staff audit action", "Deactivated"),
    "staff.reactivated": pgettext_lazy("staff audit action", "Reactivated"),
    "staff.second_factor_reset": pgettext_lazy("staff audit action", "Second factor reset"),
    "area.created": pgettext_lazy("staff audit action", "Area added"),
    "area.changed": pgettext_lazy("staff audit action", "Area edited"),
}

FIELD_LABELS = {
    "role": pgettext_lazy("staff role", "Role"),
    "areas": _("Areas"),
    "active": pgettext_lazy("membership state", "Active"),
    "name": _("Area name"),
    "name_kana": _("Area name (kana)"),
    "center_lat": _("Centre latitude"),
    "center_lon": _("Centre longitude"),
    "population_65_plus": _("Population aged 65+"),
}


def _value(key: str, value, area_names: dict[int, str]) -> str:
    if key == "role":
        try:
            return str(Role(value).label)
        except ValueError:
            return "—"
    if key == "areas":
        names = [area_names.get(pk, "—") for pk in value or []]
        return "、".join(names) if names else str(_("Whole municipality"))
    if key == "active":
        return str(pgettext_lazy("membership state", "Active") if value else pgettext_lazy("membership state", "Ended"))
    if value in (None, ""):
        return "—"
    return str(value)


def audit_rows(municipality, events) -> list[dict]:
    user_ids = {e.details.get("user_id") for e in events} - {None}
    names = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "display_name"))
    area_names = dict(Area.objects.filter(municipality=municipality).values_list("pk", "name"))
    rows = []
    for e in events:
        d = e.details or {}
        before, after = d.get("before") or {}, d.get("after") or {}
        changes = []
        for key in [k for k in FIELD_LABELS if k in before or k in after]:
            if before.get(key) == after.get(key) and key in before:
                continue
            changes.append({
                "label": FIELD_LABELS[key],
                "before": _value(key, before[key], area_names) if key in before else "",
                "after": _value(key, after[key], area_names) if key in after else "",
            })
        if "devices_removed" in d:
            changes.append({"label": _("Devices removed"), "before": "", "after": str(d["devices_removed"])})
        if e.target_type == "area":
            subject = area_names.get(e.target_id, "—")
        else:
            subject = names.get(d.get("user_id"), "—")
        rows.append({
            "at": e.at, "actor": e.actor.display_name if e.actor else "—",
            "action": ACTION_LABELS.get(e.action, _("Other change")), "subject": subject,
            "changes": changes, "reason": d.get("reason", ""),
        })
    return rows
