"""Labels for the codes an access-log entry stores (閲覧記録の表示名): roles, fields, purposes
and channels. The log keeps the codes (stable, language-free, no personal data); the
「この記録を見た人」 page and the exports show these labels beside them. This is the one
mapping, built from the models' choices and field verbose names, in the active language.
An unknown code (e.g. from an older release) is shown as it is rather than hidden."""

from __future__ import annotations

from functools import cache

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from sasaeai.residents.models import Resident
from sasaeai.tenancy.models import Role

from .models import AccessLog, AccessPurpose, EmergencyContact, EmergencyPlan

#: Logged names that are not a model field of their own.
_EXTRA_FIELDS = {
    "emergency_contacts": EmergencyContact._meta.verbose_name_plural,
    "emergency_notes": EmergencyPlan._meta.get_field("notes").verbose_name,
    "incident_description": _("incident report (what happened)"),
    "phone_masked": _("phone number (partly hidden)"),
}


@cache
def _field_names() -> dict:
    """code -> lazy label. The resident's own fields win over a request's field of the same
    name (`address`, `notes`)."""
    names = dict(_EXTRA_FIELDS)
    try:
        from sasaeai.requests.models import HelpRequest
    except ImportError:  # pragma: no cover - requests app absent
        HelpRequest = None
    if HelpRequest is not None:
        for f in HelpRequest._meta.get_fields():
            if f.name in HelpRequest.SENSITIVE_FIELDS and getattr(f, "verbose_name", None):
                names[f.name] = f.verbose_name
    # Other apps name their own logged fields (`<app>/access_labels.py` with FIELDS).
    from sasaeai.core.plugins import project_modules

    for _label, module in project_modules("access_labels"):
        names.update(getattr(module, "FIELDS", {}))
    for name in Resident.SENSITIVE_FIELDS:
        names[name] = Resident._meta.get_field(name).verbose_name
    try:
        from sasaeai.needs.models import Need
    except ImportError:  # pragma: no cover - needs app absent
        Need = None
    if Need is not None:
        names["need"] = Need._meta.verbose_name
    return names


def field_label(code: str) -> str:
    label = _field_names().get(code)
    return capfirst(str(label)) if label is not None else str(code)


def fields_labels(codes) -> list[str]:
    return [field_label(c) for c in codes or ()]


def role_label(code: str) -> str:
    return str(Role(code).label) if code in Role.values else str(code)


def roles_labels(codes: str) -> list[str]:
    """`actor_roles` is stored as "proxy,resident"."""
    return [role_label(c) for c in (codes or "").split(",") if c]


def purpose_label(code: str) -> str:
    return str(AccessPurpose(code).label) if code in AccessPurpose.values else str(code)


def channel_label(code: str) -> str:
    return str(AccessLog.Channel(code).label) if code in AccessLog.Channel.values else str(code)


def entry_labels(entry: AccessLog) -> dict:
    """The label columns of one entry, as the exports add them beside the codes."""
    return {"actor_roles_label": ", ".join(roles_labels(entry.actor_roles)),
            "fields_label": fields_labels(entry.fields),
            "purpose_label": purpose_label(entry.purpose),
            "channel_label": channel_label(entry.channel)}
