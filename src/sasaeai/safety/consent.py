"""Consent (同意) per resident and purpose. The latest decision wins, so a withdrawal is
effective for the very next check. Every flow of personal data calls `has_consent` or
`require_consent` (or filters with `with_consent`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sasaeai.residents.models import Proxy, Resident

from .models import ConsentBasis, ConsentEvent, GiverKind, Purpose

__all__ = [
    "Purpose", "GiverKind", "ConsentBasis", "has_consent", "require_consent", "with_consent",
    "current_state", "give", "withdraw", "record_decision",
]


#: Staff record decisions made elsewhere; "online" is the resident's or proxy's own action.
STAFF_BASIS_MESSAGE = gettext_lazy("Staff record decisions made on paper, verbally or by a guardian.")


def _resident_id(resident) -> int:
    return resident if isinstance(resident, int) else resident.pk


def _latest(resident_id, purpose) -> ConsentEvent | None:
    return (ConsentEvent.objects.filter(resident_id=resident_id, purpose=str(purpose))
            .order_by("-at", "-pk").first())


def has_consent(resident, purpose) -> bool:
    """True when the latest decision for this purpose is a grant (no decision = no consent)."""
    event = _latest(_resident_id(resident), purpose)
    return bool(event and event.granted)


def require_consent(resident, purpose) -> None:
    if not has_consent(resident, purpose):
        label = Purpose(str(purpose)).label if str(purpose) in Purpose.values else str(purpose)
        raise ValidationError(
            _("The resident has not consented to this use of their information (%(purpose)s).")
            % {"purpose": label},
            code="no_consent",
        )


def with_consent(queryset: QuerySet, purpose, resident_field: str = "pk") -> QuerySet:
    """Filter a queryset (of residents, or of rows pointing at residents through
    `resident_field`, e.g. "recipient_id") to those whose current decision is a grant."""
    latest = (ConsentEvent.objects.filter(resident_id=OuterRef(resident_field), purpose=str(purpose))
              .order_by("-at", "-pk").values("granted")[:1])
    return queryset.alias(_sasaeai_consent=Subquery(latest)).filter(_sasaeai_consent=True)


def current_state(resident) -> dict[str, ConsentEvent | None]:
    """Latest decision per purpose (None when never asked)."""
    rid = _resident_id(resident)
    state: dict[str, ConsentEvent | None] = {p.value: None for p in Purpose}
    for event in ConsentEvent.objects.filter(resident_id=rid).select_related("recorded_by").order_by("at", "pk"):
        state[event.purpose] = event
    return state


def record_decision(resident: Resident, purpose, granted: bool, *, by, basis: str = ConsentBasis.ONLINE,
                    giver_kind: str | None = None, proxy_relation: str = "", at=None) -> ConsentEvent:
    """Record a decision. `by` is the account entering it. When `by` is the resident, the
    giver is the resident; when `by` is a proxy of the resident, the proxy (relation taken
    from the link); otherwise (a coordinator recording a written/verbal decision) the caller
    states `giver_kind` and, for a proxy, `proxy_relation`."""
    purpose = str(purpose)
    if purpose not in Purpose.values:
        raise ValidationError(_("Unknown purpose."), code="invalid_purpose")
    if basis not in ConsentBasis.values:
        raise ValidationError(_("Unknown basis."), code="invalid_basis")
    if by is not None and resident.user_id and by.pk == resident.user_id:
        giver_kind, proxy_relation = GiverKind.SELF, ""
    elif by is not None and (link := Proxy.objects.filter(resident=resident, user=by).first()) is not None:
        giver_kind, proxy_relation = GiverKind.PROXY, link.relation
    else:
        giver_kind = giver_kind or GiverKind.SELF
        if giver_kind not in GiverKind.values:
            raise ValidationError(_("Say who gave the decision."), code="invalid_giver")
        if giver_kind == GiverKind.PROXY and not proxy_relation:
            raise ValidationError(_("Give the proxy's relation to the resident."), code="relation_required")
        if giver_kind == GiverKind.SELF:
            proxy_relation = ""
    with transaction.atomic():
        return ConsentEvent.objects.create(
            resident=resident, purpose=purpose, granted=granted, giver_kind=giver_kind,
            proxy_relation=proxy_relation or "", basis=basis, recorded_by=by, at=at or timezone.now(),
        )


def give(resident, purpose, *, by, **kwargs) -> ConsentEvent:
    return record_decision(resident, purpose, True, by=by, **kwargs)


def withdraw(resident, purpose, *, by, **kwargs) -> ConsentEvent:
    """撤回: effective immediately (the next `has_consent` sees it)."""
    return record_decision(resident, purpose, False, by=by, **kwargs)
