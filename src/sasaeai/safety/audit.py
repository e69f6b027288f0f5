"""The sensitive-data access log (閲覧記録). Call `record_access` wherever a sensitive
field of a resident (address, phone, notes, care level, key box, emergency contacts, ...)
is shown on a page or returned by the API."""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest

from .models import AccessLog

__all__ = ["record_access", "truncate_ip", "AccessLog"]


def truncate_ip(value: str | None) -> str:
    """The network, not the host: IPv4 /24, IPv6 /48 (so the log is not a location tracker)."""
    if not value:
        return ""
    try:
        ip = ipaddress.ip_address(value.strip())
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _roles(user, municipality_id) -> str:
    from sasaeai.tenancy.selectors import memberships_of

    roles = sorted({m.role for m in memberships_of(user)
                    if m.municipality_id in (None, municipality_id)})
    return ",".join(roles)[:200]


def record_access(request_or_user, resident, fields, purpose: str, *, channel: str | None = None) -> AccessLog | None:
    """Append one entry: who (the request's user, or the user given), whose record, which
    fields (names only), why, when, and from where (truncated IP) for a request."""
    fields = sorted({str(f) for f in fields})
    if not fields:
        return None
    request = request_or_user if isinstance(request_or_user, HttpRequest) else None
    user = getattr(request, "user", None) if request is not None else request_or_user
    actor = user if getattr(user, "is_authenticated", False) else None
    path, ip = "", ""
    if request is not None:
        match = getattr(request, "resolver_match", None)
        path = (match.route if match is not None and match.route else request.path)[:200]
        ip = truncate_ip(request.META.get("REMOTE_ADDR"))
        if channel is None:
            channel = AccessLog.Channel.API if request.path.startswith("/api/") else AccessLog.Channel.PAGE
    municipality_id = resident.municipality_id
    return AccessLog.objects.create(
        actor=actor, actor_roles=_roles(actor, municipality_id) if actor else "",
        resident_id=resident.pk, municipality_id=municipality_id, fields=fields, purpose=str(purpose)[:40],
        channel=channel or AccessLog.Channel.SYSTEM, path=path, ip_prefix=ip,
    )
