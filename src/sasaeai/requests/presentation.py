"""What pages and the API show: explanations of candidates and the private part of a request."""

from __future__ import annotations

from functools import cache

from django.contrib.staticfiles import finders

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
