"""What pages and the API show: explanations of candidates, the private part of a request and
where a request stands in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from django.contrib.staticfiles import finders
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sasaeai.accounts.phone import mask_phone

from .models import PlaceKind


def explain_reasons(reasons, lang: str = "ja") -> str:
    """「2.1 km・前回も担当・評価 4.8」 from stored reason dicts."""
    if not reasons:
        return ""
    from sasaeai.matching import Candidate, Reason, explain

    items = tuple(Reason(r.get("code", ""), r.get("value")) for r in reasons if isinstance(r, dict))
    try:
        return explain(Candidate(helper_id=0, task_id=0, cost=0.0, distance_km=0.0, travel_minutes=0.0,
                                 reasons=items), lang="ja" if str(lang).startswith("ja") else "en")
    except (TypeError, ValueError):
        return ""


def private_fields(req, *, booking_helper_view: bool, reveal_phone: bool = False) -> dict:
    """The sensitive part of a request. For a helper the phone stays masked unless the
    recipient allows sharing or `reveal_phone` (the booked helper during the visit window,
    `safety.sensitive.helper_may_see_phone`). `audited` lists the field names shown (for the
    access log)."""
    r = req.recipient
    phone = r.phone or ""
    if booking_helper_view and not (req.share_phone or reveal_phone):
        phone = mask_phone(phone)
    out = {
        "address": r.address,
        "meeting_point": req.meeting_point if req.place_kind == PlaceKind.MEETING_POINT else "",
        "phone": phone,
        "mobility": req.mobility, "has_dementia": req.has_dementia, "allergies": req.allergies,
        "key_box": req.key_box, "pets": req.pets, "notes": req.notes,
    }
    audited = ["address", "mobility", "has_dementia", "allergies", "key_box", "pets", "notes"]
    if phone:
        audited.append("phone" if "*" not in phone else "phone_masked")
    out["audited"] = audited
    return out


@cache
def leaflet_available() -> bool:
    """Leaflet comes from the directory helper's registry package (xstatic), if installed."""
    return bool(finders.find("leaflet/leaflet.js"))


# --- where a request stands, in plain words (for the resident and their family) -----------------

@dataclass(frozen=True)
class Asked:
    """One helper who was asked: the display name only, and their answer."""

    name: str
    answer: str
    pending: bool


@dataclass(frozen=True)
class Standing:
    """「3人の担い手に依頼中です（12月3日 18:00 まで返事を待っています）」, who was asked, until
    when, and the booked helper (if any)."""

    sentence: str
    asked: tuple[Asked, ...] = ()
    until: datetime | None = None
    helper: object | None = None


def _when(value: datetime) -> str:
    """「12月3日 18:00」 / "December 3 18:00" in the active language, Tokyo time."""
    local = timezone.localtime(value)
    return f"{formats.date_format(local, 'MONTH_DAY_FORMAT')} {formats.time_format(local, 'H:i')}"


def standing(req) -> Standing:
    """Derived from the request's status, its offers and its live booking (never stored).
    Uses `req.offers.all()` and `req.bookings.all()`, so a list can prefetch them. Helpers may
    accept an offer until the request starts, so that is how long the answer is awaited."""
    from .models import LIVE_BOOKING_STATUSES, OfferStatus, RequestStatus

    offers = sorted(req.offers.all(), key=lambda o: (o.status != OfferStatus.PENDING, o.rank or 0, o.pk))
    booking = next((b for b in req.bookings.all() if b.status in LIVE_BOOKING_STATUSES), None)
    helper = booking.helper if booking else None
    name = helper.user.display_name if helper else ""
    asked = tuple(Asked(o.helper.user.display_name, o.get_status_display(), o.status == OfferStatus.PENDING)
                  for o in offers)
    status = req.status
    if status == RequestStatus.OFFERED and any(a.pending for a in asked):
        n = sum(a.pending for a in asked)
        sentence = ngettext(
            "We have asked %(n)d helper and are waiting for an answer until %(until)s.",
            "We have asked %(n)d helpers and are waiting for an answer until %(until)s.", n,
        ) % {"n": n, "until": _when(req.starts_at)}
        return Standing(sentence, asked, req.starts_at)
    if status in (RequestStatus.OPEN, RequestStatus.OFFERED):
        return Standing(_("We are looking for a helper. A coordinator will ask helpers soon."), asked)
    if helper is not None and status in (RequestStatus.BOOKED, RequestStatus.IN_PROGRESS, RequestStatus.COMPLETED,
                                         RequestStatus.REVIEWED):
        sentence = {
            RequestStatus.BOOKED: _("It is settled: %(name)s will come."),
            RequestStatus.IN_PROGRESS: _("%(name)s is with you now."),
            RequestStatus.COMPLETED: _("%(name)s has finished the visit."),
            RequestStatus.REVIEWED: _("%(name)s has finished the visit. Thank you for your review."),
        }[status] % {"name": name}
        return Standing(sentence, helper=helper)  # decided: the other offers no longer matter
    sentence = {
        RequestStatus.DRAFT: _("This request has not been sent yet (draft)."),
        RequestStatus.CANCELLED: _("This request was cancelled."),
        RequestStatus.NO_SHOW: _("The helper did not come. If you still need help, please ask your coordinator."),
        RequestStatus.DISPUTED: _("A coordinator is looking into a problem with this request."),
    }.get(status) or str(req.get_status_display())
    return Standing(sentence, asked)
