"""Audit events (監査記録) for security-relevant actions: ids and codes only."""

from __future__ import annotations

from django.http import HttpRequest

from .audit import truncate_ip
from .models import AuditEvent


def audit(by, action: str, *, municipality_id=None, target=None, details=None, request: HttpRequest | None = None):
    actor = by if getattr(by, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=actor, action=action, municipality_id=municipality_id,
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=getattr(target, "pk", None), details=details or {},
        ip_prefix=truncate_ip(request.META.get("REMOTE_ADDR")) if request is not None else "",
    )
