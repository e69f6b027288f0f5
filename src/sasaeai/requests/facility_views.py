"""Pages of care facilities' spot help (施設スポット支援) for the facility's staff: their
postings with the helpers booked, a form to post a shift, and one posting's page (find
helpers, review each helper after the shift, cancel). Facility staff see only their own
facilities' postings (`selectors.facility_requests`); anything else answers 404."""

from __future__ import annotations

import datetime as dt
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sasaeai.tenancy.models import Area

from . import selectors, services
from .forms import TOKYO, FacilityShiftForm, ReasonForm, ReviewForm
from .models import BookingStatus, HelpRequest, Review, ReviewDirection


def facility_staff_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm("requests.post_spot_shift"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _own_shift(request, pk: int) -> HelpRequest:
    return get_object_or_404(selectors.facility_requests(request.user)
                             .select_related("facility__partner__organization", "area"), pk=pk)


def _areas_for(branches):
    municipality_ids = {b.partner.municipality_id for b in branches}
    return Area.objects.filter(municipality_id__in=municipality_ids).order_by("layer", "name")


@facility_staff_required
def shifts(request):
    """スポット募集一覧: the facility's postings, newest first, with the helpers booked."""
    reqs = list(selectors.facility_requests(request.user)
                .select_related("facility", "area").prefetch_related("bookings__helper__user")
                .order_by("-starts_at")[:200])
    for r in reqs:
        r.booked = [b for b in r.bookings.all() if b.status != BookingStatus.CANCELLED]
    return render(request, "requests/facility/shifts.html", {"reqs": reqs})


@facility_staff_required
def new_shift(request):
    """スポット募集の登録: one form; the place is the facility's own."""
    branches = list(selectors.facility_branches(request.user))
    form = FacilityShiftForm(request.POST or None, branches=branches, areas=_areas_for(branches))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        facility = next(b for b in branches if b.pk == int(data["facility"]))
        starts = dt.datetime.combine(data["date"], data["time"], tzinfo=TOKYO)
        try:
            req = services.create_facility_request(
                user=request.user, facility=facility, area=Area.objects.get(pk=int(data["area"])),
                starts_at=starts, duration_minutes=data["duration_minutes"], slots=data["slots"],
                title=data["title"], details=data["details"], recurrence=data["recurrence"],
                recurrence_until=data["recurrence_until"],
                required_qualifications=data["required_qualifications"],
                payment_kind=data["payment_kind"], payment_amount=data["payment_amount"] or 0)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errs in exc.message_dict.items():
                    for text in errs:
                        form.add_error(field if field in form.fields else None, text)
            else:
                form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("The shift is posted."))
            return redirect("requests:facility_shift", pk=req.pk)
    return render(request, "requests/facility/shift_form.html", {"form": form, "branches": branches})


@facility_staff_required
def shift(request, pk: int):
    """One posting: places filled, the helpers booked (name only), reviews to give."""
    req = _own_shift(request, pk)
    bookings = list(req.bookings.exclude(status=BookingStatus.CANCELLED).select_related("helper__user")
                    .order_by("seat", "pk"))
    reviews = {(r.booking_id, r.direction): r for r in Review.objects.filter(booking__request=req)}
    for b in bookings:
        b.facility_review = reviews.get((b.pk, ReviewDirection.OF_HELPER))
        b.helper_review = reviews.get((b.pk, ReviewDirection.OF_RECIPIENT))
        b.may_review = b.status == BookingStatus.COMPLETED and b.facility_review is None
        b.review_form = ReviewForm(auto_id=f"review{b.pk}_%s") if b.may_review else None
    live = [b for b in bookings if b.status in (BookingStatus.BOOKED, BookingStatus.IN_PROGRESS,
                                                BookingStatus.COMPLETED, BookingStatus.DISPUTED)]
    return render(request, "requests/facility/shift.html", {
        "req": req, "bookings": bookings, "filled": len(live),
        "reason_form": ReasonForm(), "may_find": req.status in ("open", "offered"),
        "may_cancel": req.status in ("draft", "open", "offered", "booked"),
    })


@facility_staff_required
@require_POST
def find_helpers(request, pk: int):
    """Offer the shift to the engine's best candidates (the same engine and rules as home visits)."""
    req = _own_shift(request, pk)
    places = max(1, req.slots - len(selectors.live_bookings(req)))
    try:
        offers = services.offer_to_top(req, by=request.user, n=min(10, places * 3))
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The shift was offered to %(n)d helpers.") % {"n": len(offers)})
    return redirect("requests:facility_shift", pk=req.pk)


@facility_staff_required
@require_POST
def cancel_shift(request, pk: int):
    req = _own_shift(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the request is cancelled."))
    else:
        try:
            services.cancel_request(req, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            for text in exc.messages:
                messages.error(request, text)
        else:
            messages.success(request, _("The request was cancelled."))
    return redirect("requests:facility_shift", pk=req.pk)
