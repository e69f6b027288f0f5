"""本人の求めに応じた開示・削除 (APPI §33, §35): export one person's data as JSON, and
anonymise a resident or an account on request.

Anonymising never deletes rows that other records or the books depend on — bookings,
reviews, points ledgers, the access log and audit events keep their ids and amounts, so
totals and the audit trail stay consistent; only the personal content is overwritten.
"""

from __future__ import annotations

import datetime as dt
import json

from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext as _

from sasaeai.residents.models import Resident
from sasaeai.tenancy.models import Role
from sasaeai.tenancy.selectors import in_tenant, is_operator

from .events import audit
from .models import AccessLog, AuditEvent, ConsentEvent, EmergencyPlan

#: Who may carry out an export or erasure for a resident of their tenant.
SUBJECT_ROLES = frozenset({Role.MUNICIPAL_ADMIN, Role.COORDINATOR_L1, Role.OPERATOR})
ANON_NAME = "匿名"


def may_handle(user, resident: Resident) -> bool:
    return is_operator(user) or in_tenant(user, resident.municipality_id, SUBJECT_ROLES)


def _rows(queryset) -> list[dict]:
    out = []
    for obj in queryset[:5000]:
        row = model_to_dict(obj)
        row["id"] = obj.pk
        out.append({k: (v.pk if isinstance(v, models.Model) else v) for k, v in row.items()
                    if not isinstance(v, list | tuple) or all(not isinstance(i, models.Model) for i in v)})
    return out


def export_resident(resident: Resident, *, by, request=None) -> dict:
    """Everything stored about the resident: the record, and every row of every app that
    points at it (found through the model graph, so new apps are included)."""
    if not may_handle(by, resident) and getattr(resident, "user_id", None) != by.pk:
        raise PermissionDenied(_("You are not allowed to do this."))
    data: dict = {"generated_at": timezone.now().isoformat(), "resident": _rows(Resident.objects.filter(pk=resident.pk))[0]}
    related: dict[str, list] = {}
    for rel in Resident._meta.related_objects:
        if rel.related_name == "+" or rel.one_to_one and rel.related_model is None:
            continue
        model = rel.related_model
        if model in (AccessLog,):
            continue
        qs = model._base_manager.filter(**{rel.field.name: resident})
        related[f"{model._meta.app_label}.{model._meta.model_name}"] = _rows(qs)
    plan = EmergencyPlan.objects.filter(resident=resident).first()
    if plan is not None:
        related["safety.emergencycontact"] = _rows(plan.contacts.all())
    related["safety.accesslog"] = _rows(AccessLog.objects.filter(resident_id=resident.pk))
    data["related"] = related
    audit(by, "subject.exported", municipality_id=resident.municipality_id, target=resident, request=request)
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@transaction.atomic
def anonymise_resident(resident: Resident, *, by, request=None) -> Resident:
    """Overwrite the personal content; keep ids, area, municipality and every dependent row.
    Consent to every purpose is withdrawn, so no flow uses the record again."""
    if not may_handle(by, resident):
        raise PermissionDenied(_("You are not allowed to do this."))
    from .consent import Purpose

    resident = Resident.objects.select_for_update().get(pk=resident.pk)
    area = resident.area
    resident.family_name = resident.given_name = ANON_NAME
    resident.family_name_kana = resident.given_name_kana = "とくめい"
    resident.birth_date = dt.date(resident.birth_date.year, 1, 1)
    resident.address, resident.postal_code, resident.phone, resident.notes = "", "", "", ""
    resident.lat, resident.lon = area.center_lat, area.center_lon
    resident.save()
    EmergencyPlan.objects.filter(resident=resident).delete()
    for purpose in Purpose:
        if ConsentEvent.objects.filter(resident=resident, purpose=purpose).exists():
            ConsentEvent.objects.create(resident=resident, purpose=purpose, granted=False, giver_kind="self",
                                        basis="written", recorded_by=by)
    _scrub_related(resident)
    if resident.user_id:
        anonymise_user(resident.user, by=by, check=False)
    audit(by, "subject.anonymised", municipality_id=resident.municipality_id, target=resident, request=request)
    return resident


#: Free-text personal fields of other apps' rows about the resident, blanked on erasure.
SCRUB_FIELDS = ("details", "meeting_point", "mobility", "allergies", "key_box", "pets", "notes", "description",
                "comment", "body")


def _scrub_related(resident: Resident) -> None:
    for rel in Resident._meta.related_objects:
        model = rel.related_model
        if model in (AccessLog, ConsentEvent, AuditEvent) or rel.related_name == "+":
            continue
        fields = [f.name for f in model._meta.concrete_fields
                  if f.name in SCRUB_FIELDS and isinstance(f, models.CharField | models.TextField)]
        if fields:
            model._base_manager.filter(**{rel.field.name: resident}).update(**dict.fromkeys(fields, ""))


@transaction.atomic
def anonymise_user(user, *, by, check: bool = True, request=None):
    """Close an account: personal fields overwritten, log-in impossible, rows kept."""
    if check and not (is_operator(by) or user.pk == by.pk):
        raise PermissionDenied(_("You are not allowed to do this."))
    from sasaeai.accounts.models import ApiToken

    user.email = f"erased-{user.pk}@erased.invalid"
    user.phone = None
    user.display_name = ANON_NAME
    user.furigana = ""
    user.birth_date = None
    user.is_active = False
    user.set_unusable_password()
    user.save()
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit(by, "subject.user_anonymised", target=user, request=request)
    return user
