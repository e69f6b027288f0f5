"""What the pages and the API show of a consultation (no writes except the access log)."""

from __future__ import annotations

from django.http import HttpRequest

from sasaeai.safety.audit import truncate_ip

from .models import Consultation, ConsultationAccess


def log_reads(request_or_user, consultations, fields=Consultation.LOG_FIELDS,
              purpose: str = "care_coordination") -> int:
    """A consultation is care data: every one shown is one access-log entry (ids and field
    names only — never a value)."""
    request = request_or_user if isinstance(request_or_user, HttpRequest) else None
    user = getattr(request, "user", None) if request is not None else request_or_user
    actor = user if getattr(user, "is_authenticated", False) else None
    path, ip, channel = "", "", "system"
    if request is not None:
        match = getattr(request, "resolver_match", None)
        path = (match.route if match is not None and match.route else request.path)[:200]
        ip = truncate_ip(request.META.get("REMOTE_ADDR"))
        channel = "api" if request.path.startswith("/api/") else "page"
    rows = [ConsultationAccess(actor=actor, consultation_id_ref=c.pk, fields=sorted(fields), purpose=purpose,
                               channel=channel, path=path, ip_prefix=ip) for c in consultations]
    # bulk_create bypasses AppendOnlyModel.save, which only forbids updates: inserts are fine.
    ConsultationAccess.objects.bulk_create(rows)
    return len(rows)
