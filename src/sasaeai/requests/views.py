"""Pages of the requests app. Thin: parse, authorise (through selectors), call a service,
render. Refusals from services become a message on the page, never a half-done change."""

from __future__ import annotations

import datetime as dt
from functools import wraps

import jaconv
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sasaeai.accounts.phone import mask_phone, normalize_phone
from sasaeai.core.pages import attempt
from sasaeai.helpers.models import HelperProfile
from sasaeai.residents.selectors import residents_acted_for, residents_for_staff
from sasaeai.tenancy.models import Area, Municipality
from sasaeai.tenancy.selectors import municipality_ids

from . import batch as batch_services
from . import selectors, services
from .forms import (
    TOKYO,
    BatchForm,
    IntroductionForm,
    MessageForm,
    OfferForm,
    ReasonForm,
    RequestForm,
    ReviewForm,
    VisitForm,
)
from .integrations import (
    emergency_url,
    has_agreed_standards,
    helper_may_see_phone,
    record_access,
)
from .models import (
    Booking,
    BookingStatus,
    HelpRequest,
    Introduction,
    MatchingRun,
    Message,
    Offer,
    OfferStatus,
    ProposedAssignment,
    RequestStatus,
    Review,
    ReviewDirection,
)
from .presentation import explain_reasons, private_fields, standing


def _visible_request(request, pk: int) -> HelpRequest:
    return get_object_or_404(
        selectors.requests_visible_to(request.user).select_related(
            "recipient", "area", "municipality", "facility__partner__organization"), pk=pk)


def _back_to(request, req: HelpRequest):
    """After a POST on a request: the facility's own page for its staff, else the request page."""
    if req.facility_id is not None and selectors.is_facility_staff(request.user, req) \
            and not selectors.is_staff_for(request.user, req):
        return redirect("requests:facility_shift", pk=req.pk)
    return redirect("requests:detail", pk=req.pk)


def _managed_request(request, pk: int) -> HelpRequest:
    return get_object_or_404(selectors.managed_requests(request.user).select_related("recipient"), pk=pk)


def coordinator_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm("requests.coordinate"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _coordinator_municipality(request) -> Municipality:
    ids = municipality_ids(request.user, selectors.COORDINATING_ROLES)
    wanted = request.GET.get("municipality") or request.POST.get("municipality")
    qs = Municipality.objects.all() if ids is None else Municipality.objects.filter(pk__in=ids)
    if wanted and str(wanted).isdigit():
        return get_object_or_404(qs, pk=int(wanted))
    found = qs.order_by("pk").first()
    if found is None:
        raise Http404
    return found


# --- recipient / proxy ---------------------------------------------------------------------------


@login_required
def my_requests(request):
    """依頼一覧: requests for me and for the people I act for."""
    reqs = list(selectors.own_requests(request.user).select_related("recipient", "area")
                .prefetch_related("offers__helper__user", "bookings__helper__user").order_by("-starts_at")[:200])
    for r in reqs:
        r.standing = standing(r)
    residents = residents_acted_for(request.user)
    return render(request, "requests/my_requests.html", {"reqs": reqs, "residents": residents})


def _create(request, resident, form):
    kwargs = form.service_kwargs()
    return services.create_request(user=request.user, recipient=resident, **kwargs)


@login_required
def new_request(request):
    """A resident or proxy creates a request (for themself or for the person they act for)."""
    residents = list(residents_acted_for(request.user))
    if not residents:
        messages.info(request, _("You are not linked to a resident yet. Please ask your coordinator."))
        return redirect("requests:mine")
    chosen = residents[0]
    wanted = request.POST.get("recipient") or request.GET.get("recipient")
    if wanted:
        chosen = next((r for r in residents if str(r.pk) == str(wanted)), None)
        if chosen is None:
            raise Http404
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, req = attempt(request, lambda: _create(request, chosen, form), _("Your request was sent."))
        if ok:
            return redirect("requests:detail", pk=req.pk)
    return render(request, "requests/request_form.html",
                  {"form": form, "residents": residents, "chosen": chosen, "intake": False})


def search_residents(user, q: str):
    """By name (kanji or kana, either script) or by phone number, inside the staff scope."""
    q = (q or "").strip()
    qs = residents_for_staff(user)
    if not q:
        return qs.none()
    digits = normalize_phone(q)
    if digits.isdigit() and len(digits) >= 3:
        return qs.filter(phone__contains=digits).order_by("family_name_kana", "given_name_kana")[:20]
    cond = Q()
    for token in q.replace("　", " ").split():
        hira, kata = jaconv.kata2hira(token), jaconv.hira2kata(token)
        cond &= (Q(family_name__contains=token) | Q(given_name__contains=token)
                 | Q(family_name_kana__contains=hira) | Q(given_name_kana__contains=hira)
                 | Q(family_name_kana__contains=kata) | Q(given_name_kana__contains=kata))
    return qs.filter(cond).select_related("area").order_by("family_name_kana", "given_name_kana")[:20]


@login_required
def intake(request):
    """電話受付: one page — find the recipient by name, kana or phone, fill the defaults, save."""
    q = request.GET.get("q", "")
    results = list(search_residents(request.user, q)) if q else []
    chosen = None
    wanted = request.POST.get("recipient") or request.GET.get("recipient")
    if wanted and str(wanted).isdigit():
        chosen = get_object_or_404(residents_for_staff(request.user), pk=int(wanted))
    elif len(results) == 1:
        chosen = results[0]
    if not request.user.has_perm("requests.phone_intake"):
        raise PermissionDenied
    form = RequestForm(request.POST or None)
    if request.method == "POST":
        if chosen is None:
            messages.error(request, _("Find and choose the person first."))
        elif form.is_valid():
            ok, req = attempt(request, lambda: _create(request, chosen, form), _("The request was saved."))
            if ok:
                return redirect("requests:detail", pk=req.pk)
    for r in results:
        r.masked_phone = mask_phone(r.phone)
    return render(request, "requests/request_form.html", {
        "form": form, "results": results, "q": q, "chosen": chosen, "intake": True,
        "searched": bool(q),
    })


@login_required
def detail(request, pk: int):
    req = _visible_request(request, pk)
    user = request.user
    manage = selectors.can_manage(user, req)
    if req.facility_id is not None and not selectors.is_staff_for(user, req) \
            and selectors.is_facility_staff(user, req):
        return redirect("requests:facility_shift", pk=req.pk)
    recipient_side = selectors.is_recipient_side(user, req)
    profile = selectors.helper_profile_of(user)
    booking = selectors.live_booking(req)
    if req.facility_id is not None and profile is not None:
        # A spot shift has a booking per helper: a helper sees their own.
        booking = next((b for b in selectors.live_bookings(req) if b.helper_id == profile.pk), booking)
    show_private = selectors.may_see_private(user, req)
    private = None
    if show_private:
        private = private_fields(req, booking_helper_view=not (recipient_side or selectors.is_staff_for(user, req)),
                                 reveal_phone=helper_may_see_phone(user, booking))
        record_access(request, req.recipient, private["audited"], "matching")
    my_offer = Offer.objects.filter(request=req, helper=profile).first() if profile else None
    ctx = {
        "req": req, "manage": manage, "recipient_side": recipient_side, "booking": booking,
        "private": private, "my_offer": my_offer, "profile": profile,
        "is_helper_of_booking": bool(booking and profile and booking.helper_id == profile.pk),
        "reason_form": ReasonForm(),
    }
    lang = get_language() or "ja"
    if manage:
        offers = list(req.offers.select_related("helper__user").order_by("status", "rank"))
        for o in offers:
            o.explanation = explain_reasons(o.reasons, lang)
            o.refusal = services.accept_refusal_text(o.refused_code)
        ctx["offers"] = offers
        ctx["consent"] = services.matching_allowed(req)
        if req.status in (RequestStatus.OPEN, RequestStatus.OFFERED) and ctx["consent"]:
            candidates, rejections = services.rank_candidates(req, limit=10)
            for c in candidates:
                c.explanation = explain_reasons(services.reasons_json(c), lang)
            ctx["candidates"] = candidates
            ctx["rejected_count"] = len(rejections)
    # Conversation: recipient side and staff see every helper thread; a helper sees their own.
    threads = Message.objects.filter(request=req).select_related("sender", "helper__user")
    if not (recipient_side or selectors.is_staff_for(user, req)):
        threads = threads.filter(helper=profile) if profile else threads.none()
    ctx["messages_list"] = threads
    helpers_to_talk = []
    if recipient_side or manage:
        ids = set(req.offers.values_list("helper_id", flat=True)) | set(req.bookings.values_list("helper_id", flat=True))
        helpers_to_talk = list(HelperProfile.objects.filter(pk__in=ids).select_related("user"))
    elif profile and services.may_message(user, req, profile):
        helpers_to_talk = [profile]
    ctx["helpers_to_talk"] = helpers_to_talk
    ctx["conversation_open"] = services.conversation_open(req)
    if recipient_side or selectors.is_staff_for(user, req):
        ctx["standing"] = standing(req)
    ctx["introductions"] = req.introductions.select_related("helper__user")
    if booking and booking.status == BookingStatus.COMPLETED:
        reviews = {r.direction: r for r in Review.objects.filter(booking=booking)}
        ctx["reviews"] = reviews
        if recipient_side and ReviewDirection.OF_HELPER not in reviews:
            ctx["review_form"] = ReviewForm()
    return render(request, "requests/detail.html", ctx)


@login_required
def booked_helper(request, pk: int):
    """担い手の紹介: who the booked helper is, for the resident and their family — display name,
    what they wrote about themself, the help they offer, verified qualifications, rating and
    languages. No contact data, no home, no photo."""
    req = _visible_request(request, pk)
    if not request.user.has_perm("requests.view_booked_helper", req):
        raise PermissionDenied
    from sasaeai.helpers.qualifications import Qualification
    from sasaeai.helpers.selectors import verified_qualifications

    booking = selectors.live_booking(req)
    helper = booking.helper
    held = verified_qualifications(helper)
    return render(request, "requests/booked_helper.html", {
        "req": req, "booking": booking, "helper": helper,
        "qualifications": [label for code, label in Qualification.choices if code in held],
        "languages": [language_name(code) for code in helper.languages],
    })


def language_name(code: str) -> str:
    """「英語」 for "en" in the active language; the code itself if Django does not know it."""
    from django.utils.translation import get_language_info

    try:
        return str(get_language_info(str(code))["name_translated"])
    except KeyError:
        return str(code)


@login_required
@require_POST
def cancel(request, pk: int):
    req = _visible_request(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the request is cancelled."))
    else:
        attempt(request, lambda: services.cancel_request(req, user=request.user, reason=form.cleaned_data["reason"]),
                 _("The request was cancelled."))
    return redirect("requests:detail", pk=pk)


@login_required
@require_POST
def publish(request, pk: int):
    req = _visible_request(request, pk)
    attempt(request, lambda: services.publish(req, user=request.user), _("The request is open."))
    return redirect("requests:detail", pk=pk)


def _helper_in(municipality_id: int, helper_id: int) -> HelperProfile:
    """A helper of the same municipality, or 404 (ids from forms are never trusted)."""
    return get_object_or_404(HelperProfile, pk=helper_id, municipality_id=municipality_id)


@login_required
@require_POST
def send_message(request, pk: int):
    req = _visible_request(request, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        helper = _helper_in(req.municipality_id, form.cleaned_data["helper"])
        attempt(request, lambda: services.send_message(req, user=request.user, helper=helper,
                                                        body=form.cleaned_data["body"]), _("Message sent."))
    else:
        messages.error(request, _("Write a message."))
    return redirect("requests:detail", pk=pk)


@login_required
@require_POST
def introduction(request, pk: int):
    req = _visible_request(request, pk)
    form = IntroductionForm(request.POST)
    if form.is_valid():
        helper = _helper_in(req.municipality_id, form.cleaned_data["helper"])
        at = dt.datetime.combine(form.cleaned_data["date"], form.cleaned_data["time"], tzinfo=TOKYO)
        attempt(request, lambda: services.propose_introduction(
            req, user=request.user, helper=helper, mode=form.cleaned_data["mode"], scheduled_at=at),
            _("The introduction was proposed."))
    else:
        messages.error(request, _("Choose how and when to meet."))
    return redirect("requests:detail", pk=pk)


@login_required
@require_POST
def answer_introduction(request, pk: int, intro_id: int):
    req = _visible_request(request, pk)
    intro = get_object_or_404(Introduction, pk=intro_id, request=req)
    attempt(request, lambda: services.answer_introduction(intro, user=request.user,
                                                           status=request.POST.get("status", "")),
             _("Saved."))
    return redirect("requests:detail", pk=pk)


# --- coordinator ------------------------------------------------------------------------------------


@login_required
@require_POST
def offer(request, pk: int):
    req = _managed_request(request, pk)
    if request.POST.get("top"):
        try:
            n = max(1, min(20, int(request.POST["top"])))
        except ValueError:
            n = 3
        attempt(request, lambda: services.offer_to_top(req, by=request.user, n=n), _("Offers sent."))
    else:
        ids = [int(i) for i in request.POST.getlist("helpers") if i.isdigit()]
        profiles = list(HelperProfile.objects.filter(pk__in=ids, municipality_id=req.municipality_id))
        if not profiles:
            messages.error(request, _("Choose at least one helper."))
        else:
            order = {pk_: i for i, pk_ in enumerate(ids)}
            profiles.sort(key=lambda p: order[p.pk])
            attempt(request, lambda: services.offer_to(req, profiles, by=request.user), _("Offers sent."))
    return redirect("requests:detail", pk=pk)


@login_required
@require_POST
def withdraw(request, offer_id: int):
    offer_obj = get_object_or_404(Offer.objects.filter(request__in=selectors.managed_requests(request.user)),
                                  pk=offer_id)
    attempt(request, lambda: services.withdraw_offer(offer_obj, by=request.user), _("The offer was withdrawn."))
    return redirect("requests:detail", pk=offer_obj.request_id)


@login_required
@require_POST
def no_show(request, booking_id: int):
    booking = get_object_or_404(Booking.objects.filter(request__in=selectors.managed_requests(request.user)),
                                pk=booking_id)
    attempt(request, lambda: services.mark_no_show(booking, by=request.user), _("Recorded as a no-show."))
    return redirect("requests:detail", pk=booking.request_id)


@login_required
@require_POST
def dispute(request, pk: int):
    req = _visible_request(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: services.dispute(req, user=request.user, reason=form.cleaned_data["reason"]),
                 _("The coordinator will follow this up."))
    else:
        messages.error(request, _("Say what went wrong."))
    return redirect("requests:detail", pk=pk)


@coordinator_required
def board(request):
    """依頼ボード: open and offered requests of the municipality, per area."""
    municipality = _coordinator_municipality(request)
    areas = list(Area.objects.filter(municipality=municipality, layer=2).order_by("name"))
    area_id = request.GET.get("area")
    area_id = int(area_id) if area_id and area_id.isdigit() else None
    reqs = list(selectors.open_requests_board(request.user, municipality.pk, area_id))
    groups: dict[str, list] = {}
    for r in reqs:
        groups.setdefault(r.area.name, []).append(r)
    return render(request, "requests/board.html", {
        "municipality": municipality, "areas": areas, "area_id": area_id, "groups": groups,
        "count": len(reqs), "batch_form": BatchForm(areas=areas),
    })


@coordinator_required
def batch(request):
    """Run batch matching for a day (POST) and go to the proposal."""
    municipality = _coordinator_municipality(request)
    areas = list(Area.objects.filter(municipality=municipality, layer=2).order_by("name"))
    form = BatchForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        area = next((a for a in areas if a.pk == form.cleaned_data["area"]), None)
        ok, run = attempt(request, lambda: batch_services.run_batch(
            municipality=municipality, day=form.cleaned_data["day"], by=request.user, area=area))
        if ok:
            return redirect("requests:run", run_id=run.pk)
    runs = MatchingRun.objects.filter(municipality=municipality)[:20]
    return render(request, "requests/batch.html", {"form": form, "municipality": municipality, "runs": runs})


def _visible_run(request, run_id: int) -> MatchingRun:
    return selectors.visible_run(request.user, run_id)


@coordinator_required
def run_detail(request, run_id: int):
    """The proposal: list (and map) of requests with the proposed helper; edit, confirm."""
    run = _visible_run(request, run_id)
    lines = list(run.lines.select_related("request", "request__area", "request__recipient", "helper__user"))
    lang = get_language() or "ja"
    points = []
    for line in lines:
        line.explanation = explain_reasons(line.reasons, lang)
        line.override_explanation = batch_services.override_text(line.override_codes, lang)
        lat, lon = line.request.place_point
        # Rounded to ~100 m for the overview map: no exact home positions on screen.
        points.append({"lat": round(lat, 3), "lon": round(lon, 3), "request": line.request_id,
                       "helper": line.helper_id,
                       "hlat": round(line.helper.home_lat, 3) if line.helper else None,
                       "hlon": round(line.helper.home_lon, 3) if line.helper else None})
    from .presentation import leaflet_available

    return render(request, "requests/run.html", {
        "run": run, "lines": lines, "points": points, "quality": batch_services.quality(run),
        "served": sum(1 for line in lines if line.helper_id), "leaflet": leaflet_available(),
        "tile_url": getattr(settings, "SASAEAI_MAP_TILE_URL", ""),
        "tile_attribution": getattr(settings, "SASAEAI_MAP_ATTRIBUTION", ""),
    })


@coordinator_required
def run_line(request, run_id: int, line_id: int):
    """Change one line: the feasible helpers ranked with the engine's explanations, the ones
    that need an exception (with why), and the ones that can never be chosen."""
    run = _visible_run(request, run_id)
    line = get_object_or_404(ProposedAssignment.objects.select_related("request", "request__recipient",
                                                                        "request__area", "helper__user"),
                             pk=line_id, run=run)
    if not selectors.can_manage(request.user, line.request):
        raise Http404
    choices = batch_services.line_choices(line, lang=get_language() or "ja")
    return render(request, "requests/run_line.html", {
        "run": run, "line": line, "choices": choices, "reason_min": batch_services.OVERRIDE_REASON_MIN,
        "override_explanation": batch_services.override_text(line.override_codes),
    })


@coordinator_required
@require_POST
def run_edit(request, run_id: int, line_id: int):
    run = _visible_run(request, run_id)
    line = get_object_or_404(ProposedAssignment, pk=line_id, run=run)
    helper = None
    value = request.POST.get("helper", "")
    if value:
        helper = _helper_in(run.municipality_id, int(value) if value.isdigit() else 0)
    ok, _line = attempt(request, lambda: batch_services.edit_line(
        line, by=request.user, helper=helper, override=request.POST.get("override") == "1",
        override_reason=request.POST.get("override_reason", "")), _("The proposal was changed."))
    if not ok and run.status == MatchingRun.Status.PROPOSED:
        return redirect("requests:run_line", run_id=run.pk, line_id=line.pk)
    return redirect("requests:run", run_id=run.pk)


@coordinator_required
@require_POST
def run_confirm(request, run_id: int):
    run = _visible_run(request, run_id)
    ok, result = attempt(request, lambda: batch_services.confirm_run(run, by=request.user))
    if ok:
        messages.success(request, _("%(n)d offers sent.") % {"n": result["offered"]})
        if result["skipped"]:
            messages.warning(request, _("%(n)d requests were skipped because they changed meanwhile.")
                             % {"n": len(result["skipped"])})
    return redirect("requests:run", run_id=run.pk)


@coordinator_required
@require_POST
def run_discard(request, run_id: int):
    run = _visible_run(request, run_id)
    attempt(request, lambda: batch_services.discard_run(run, by=request.user), _("The proposal was discarded."))
    return redirect("requests:batch")


# --- helper ------------------------------------------------------------------------------------------


def helper_required(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if selectors.helper_profile_of(request.user) is None:
            raise PermissionDenied(_("Register as a helper first."))
        return view(request, *args, **kwargs)

    return login_required(wrapped)


@helper_required
def offers(request):
    """打診一覧: offers waiting for my answer."""
    lang = get_language() or "ja"
    pending = list(selectors.pending_offers_for(request.user))
    for o in pending:
        o.explanation = explain_reasons(o.reasons, lang)
    return render(request, "requests/offers.html", {"offers": pending})


def _own_offer(request, offer_id: int) -> Offer:
    profile = selectors.helper_profile_of(request.user)
    return get_object_or_404(Offer.objects.select_related("request"), pk=offer_id, helper=profile)


@helper_required
@require_POST
def accept(request, offer_id: int):
    offer_obj = _own_offer(request, offer_id)
    ok, booking = attempt(request, lambda: services.accept_offer(offer_obj, user=request.user),
                           _("Accepted. The visit is in your schedule."))
    if ok:
        return redirect("requests:booking", booking_id=booking.pk)
    return redirect("requests:offers")


@helper_required
@require_POST
def decline(request, offer_id: int):
    offer_obj = _own_offer(request, offer_id)
    attempt(request, lambda: services.decline_offer(offer_obj, user=request.user), _("Declined."))
    return redirect("requests:offers")


@helper_required
def schedule(request):
    """今日の予定: today's visits and the next ones."""
    today = timezone.localtime(timezone.now(), TOKYO).date()
    bookings = selectors.helper_bookings(request.user).filter(
        status__in=[BookingStatus.BOOKED, BookingStatus.IN_PROGRESS])
    todays = [b for b in bookings if timezone.localtime(b.starts_at, TOKYO).date() <= today]
    upcoming = [b for b in bookings if timezone.localtime(b.starts_at, TOKYO).date() > today][:30]
    recent = selectors.helper_bookings(request.user).filter(status=BookingStatus.COMPLETED).order_by("-starts_at")[:10]
    pending = selectors.pending_offers_for(request.user).count()
    return render(request, "requests/schedule.html", {
        "today": today, "todays": todays, "upcoming": upcoming, "recent": recent, "pending": pending})


def _own_booking(request, booking_id: int) -> Booking:
    booking = get_object_or_404(Booking.objects.select_related("request", "request__recipient", "helper",
                                                               "request__facility__partner__organization"),
                                pk=booking_id)
    profile = selectors.helper_profile_of(request.user)
    if profile is None or booking.helper_id != profile.pk:
        # Another helper's booking: refuse clearly, change nothing.
        raise PermissionDenied(_("This booking is not yours."))
    return booking


@helper_required
def booking_detail(request, booking_id: int):
    booking = _own_booking(request, booking_id)
    req = booking.request
    private = None
    if selectors.helper_may_see_private(request.user, req):
        private = private_fields(req, booking_helper_view=True,
                                 reveal_phone=helper_may_see_phone(request.user, booking))
        record_access(request, req.recipient, private["audited"], "visit")
    review = Review.objects.filter(booking=booking, direction=ReviewDirection.OF_RECIPIENT).first()
    standards_needed = (booking.status == BookingStatus.BOOKED and req.recipient_id is not None
                        and not has_agreed_standards(booking.helper, req.recipient))
    return render(request, "requests/booking.html", {
        "booking": booking, "req": req, "private": private, "visit_form": VisitForm(),
        "review": review, "review_form": ReviewForm() if booking.status == BookingStatus.COMPLETED and not review else None,
        "reason_form": ReasonForm(), "emergency_url": emergency_url(request.user, booking),
        "standards_needed": standards_needed,
    })


def _visit(request, booking_id: int, fn_name: str, success: str):
    booking = _own_booking(request, booking_id)
    form = VisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The location is not valid."))
        return redirect("requests:booking", booking_id=booking.pk)
    fn = getattr(services, fn_name)
    extra = {"agree_standards": form.cleaned_data["agree_standards"]} if fn_name == "check_in" else {}
    attempt(request, lambda: fn(booking, user=request.user, lat=form.cleaned_data["lat"],
                                 lon=form.cleaned_data["lon"], share_location=form.cleaned_data["share_location"],
                                 **extra),
             success)
    return redirect("requests:booking", booking_id=booking.pk)


@helper_required
@require_POST
def check_in(request, booking_id: int):
    return _visit(request, booking_id, "check_in", _("Checked in. Have a good visit."))


@helper_required
@require_POST
def check_out(request, booking_id: int):
    return _visit(request, booking_id, "check_out", _("Checked out. Thank you!"))


@helper_required
@require_POST
def give_back(request, booking_id: int):
    booking = _own_booking(request, booking_id)
    form = ReasonForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: services.helper_cancel(booking, user=request.user, reason=form.cleaned_data["reason"]),
                 _("The visit was given back; the coordinator will find someone else."))
    else:
        messages.error(request, _("Say why you cannot come."))
    return redirect("requests:schedule")


@login_required
@require_POST
def review(request, booking_id: int):
    """Both sides review through this one endpoint; the service decides the direction."""
    booking = get_object_or_404(
        selectors.bookings_visible_to(request.user), pk=booking_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        attempt(request, lambda: services.review(booking, user=request.user, stars=form.cleaned_data["stars"],
                                                  comment=form.cleaned_data["comment"], tags=form.cleaned_data["tags"]),
                 _("Thank you for your review."))
    else:
        messages.error(request, _("Give 1 to 5 stars."))
    if booking.helper.user_id == request.user.pk:
        return redirect("requests:booking", booking_id=booking.pk)
    return _back_to(request, booking.request)


__all__ = ["OfferForm", "OfferStatus"]
