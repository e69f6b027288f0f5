"""Calls into the apps the requests app depends on: notifications, consent, audit, ratings.

Notifications are never sent inside the request: `notify` records a Notification row and
enqueues a django-tasks task in the same transaction, so a refused (rolled-back) write
tells nobody anything and the worker does the sending.
"""


def notify_later(users, kind: str, context: dict) -> None:
    """Record and enqueue notification `requests.<kind>` for each user (deduplicated)."""
    from sasaeai.notifications import notify

    seen = set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        notify(user, f"requests.{kind}", dict(context))


def require_matching_consent(resident) -> None:
    """Refuse (ValidationError code "no_consent") unless the resident consented to matching."""
    from sasaeai.safety.consent import Purpose, require_consent

    require_consent(resident, Purpose.MATCHING)


def has_matching_consent(resident) -> bool:
    from sasaeai.safety.consent import Purpose, has_consent

    return has_consent(resident, Purpose.MATCHING)


def has_agreed_standards(profile, resident) -> bool:
    from sasaeai.safety import vetting

    return vetting.has_agreed(profile, resident)


def ensure_standards_agreed(profile, resident, *, user, agree: bool) -> None:
    """Before a helper's first visit with a recipient the community standards must be agreed
    (issue 5 §5): record the agreement when the helper ticks it now, otherwise refuse with
    code "standards_not_agreed"."""
    from sasaeai.safety import vetting

    if vetting.has_agreed(profile, resident):
        return
    if not agree:
        vetting.require_agreement(profile, resident)
    vetting.agree(profile, resident, by=user)


def helper_may_see_phone(user, booking) -> bool:
    """The booked helper sees the recipient's phone number during the visit window (safety)."""
    from sasaeai.safety.sensitive import helper_may_see_phone as may_see

    return may_see(user, booking)


def emergency_url(user, booking) -> str:
    """The 「緊急」 page for this booking's recipient when the helper may raise an emergency
    (the visit day; safety), else ""."""
    from django.urls import reverse

    from sasaeai.safety import emergency

    resident = booking.request.recipient
    if resident is None:  # a care facility's spot shift: the facility's own staff are on site
        return ""
    if booking.status not in ("booked", "in_progress") or not emergency.may_raise(user, resident, booking):
        return ""
    return reverse("safety:emergency", args=[resident.pk])


def record_access(request_or_user, resident, fields, purpose: str) -> None:
    from sasaeai.safety.audit import record_access as record

    record(request_or_user, resident, list(fields), purpose)


def record_rating(profile, stars: int, tags, source: str = "") -> None:
    from sasaeai.helpers.services import record_rating as record

    record(profile, stars, list(tags), source=source)


def booking_completed(booking) -> None:
    """Tell other apps (points) that a visit was completed, inside the same transaction."""
    from .signals import booking_completed as signal

    signal.send_robust(sender=type(booking), booking=booking)
