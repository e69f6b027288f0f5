"""Which sensitive fields of a resident a viewer may read, and the gate every page and API
endpoint uses before showing them (the read is then written to the access log)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.http import Http404
from django.utils import timezone

from sasaeai.residents.models import Resident
from sasaeai.residents.selectors import residents_acted_for, residents_for_staff
from sasaeai.tenancy.models import STAFF_ROLES, Role
from sasaeai.tenancy.selectors import roles_in

from .audit import record_access
from .consent import Purpose, has_consent

#: What a booked helper needs for the visit (not the care level).
HELPER_FIELDS = ("address", "postal_code", "phone", "notes", "lat", "lon")
#: Shown on the record pages (lat/lon are used only for maps and are not displayed).
DISPLAY_FIELDS = ("address", "postal_code", "phone", "care_level", "notes")


def relation_to(user, resident: Resident) -> str | None:
    """"self_side" (the resident or a proxy), "staff" (staff in scope), "helper" (booked
    helper, until 7 days after the visit; never when suspended) or None."""
    if not getattr(user, "is_authenticated", False):
        return None
    if residents_acted_for(user).filter(pk=resident.pk).exists():
        return "self_side"
    if residents_for_staff(user).filter(pk=resident.pk).exists():
        if _only_support_center(user, resident) and not has_consent(resident, Purpose.SHARE_SUPPORT_CENTER):
            return None  # sharing with the 地域包括支援センター needs the resident's consent
        return "staff"
    try:
        from sasaeai.requests.selectors import helper_may_see_private
    except ImportError:  # pragma: no cover
        return None
    return "helper" if helper_may_see_private(user, resident) else None


def _only_support_center(user, resident: Resident) -> bool:
    """The user reaches the record only as a 地域包括支援センター (no coordinator role)."""
    return (roles_in(user, resident.municipality_id) & STAFF_ROLES) == {Role.SUPPORT_CENTER}


def resident_for(user, pk: int) -> tuple[Resident, str]:
    """The resident and the viewer's relation, or 404 (also for another tenant's record)."""
    resident = Resident.objects.select_related("area", "municipality").filter(pk=pk).first()
    relation = relation_to(user, resident) if resident is not None else None
    if relation is None:
        raise Http404
    return resident, relation


def readable_fields(relation: str) -> tuple[str, ...]:
    if relation in ("self_side", "staff"):
        return Resident.SENSITIVE_FIELDS
    if relation == "helper":
        return HELPER_FIELDS
    return ()


def read(request_or_user, resident: Resident, relation: str, fields=DISPLAY_FIELDS, purpose: str = "") -> dict:
    """The allowed sensitive values among `fields`, with one access-log entry."""
    allowed = [f for f in fields if f in readable_fields(relation)]
    values = {f: getattr(resident, f) for f in allowed}
    shown = [f for f, v in values.items() if v not in ("", None)]
    record_access(request_or_user, resident, shown or allowed,
                  purpose or {"staff": "care_coordination", "helper": "visit", "self_side": "own_record"}[relation])
    return values


# --- the booked helper and the recipient's phone number ----------------------------------------

#: The booked helper sees the recipient's full phone number (otherwise masked unless the
#: request allows sharing it) from this long before the visit starts ...
PHONE_BEFORE_START = timedelta(hours=1)
#: ... until this long after its planned end, and for as long as the helper is checked in.
PHONE_AFTER_END = timedelta(minutes=30)


def helper_phone_window(booking) -> tuple[datetime, datetime]:
    return booking.starts_at - PHONE_BEFORE_START, booking.ends_at + PHONE_AFTER_END


def helper_may_see_phone(user, booking, now: datetime | None = None) -> bool:
    """The helper of this live booking (not suspended), during the visit window: to ring the
    bell, find the door or call the person at the door. The caller logs the read."""
    from sasaeai.requests.models import BookingStatus

    if booking is None or not getattr(user, "is_authenticated", False):
        return False
    helper = booking.helper
    if helper.user_id != user.pk or helper.suspended_at is not None:
        return False
    if booking.status == BookingStatus.IN_PROGRESS and booking.checked_out_at is None:
        return True
    if booking.status != BookingStatus.BOOKED:
        return False
    start, end = helper_phone_window(booking)
    return start <= (now or timezone.now()) <= end
