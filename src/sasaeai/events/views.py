"""Pages of the events app: list and detail (sign-up, waiting list, confirm, cancel), the
organiser's page (tick list, walk-ins, QR check-in), follow-ups after trial volunteering and
the iCal feeds. Views parse → authorise → call a service → render; refusals become messages."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sasaeai.core.pages import attempt
from sasaeai.tenancy.models import Area, Municipality
from sasaeai.tenancy.selectors import municipalities_for, primary_municipality

from . import selectors, services
from .ical import calendar
from .models import LIVE, EventType, FollowUp, OrganiserKind, SignUp, SignUpStatus


def _attempt(request, fn, success: str | None = None):
    """`attempt`, returning the result alone (None when refused)."""
    return attempt(request, fn, success)[1]


def _event(request, pk):
    return get_object_or_404(selectors.events_for(request.user), pk=pk)


def _managed(request, pk):
    event = _event(request, pk)
    if not selectors.can_manage(request.user, event):
        raise PermissionDenied
    return event


def _ics(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.ics"'
    return response


def event_list(request):
    wanted = request.GET.get("m")
    municipality = None
    if wanted and wanted.isdigit():
        municipality = Municipality.objects.filter(pk=int(wanted)).first()
    if municipality is None and request.user.is_authenticated:
        municipality = primary_municipality(request.user)
    qs = selectors.upcoming_for(request.user, municipality_id=municipality.pk if municipality else None)
    kind = request.GET.get("type")
    if kind in EventType.values:
        qs = qs.filter(event_type=kind)
    return render(request, "events/list.html", {
        "events": qs[:200], "municipality": municipality, "types": EventType.choices, "type": kind,
        "can_add": request.user.is_authenticated and request.user.has_perm("events.add_event")})


def event_detail(request, pk):
    event = _event(request, pk)
    mine = None
    if request.user.is_authenticated:
        mine = event.signups.filter(person=request.user, status__in=LIVE).first()
    manages = request.user.is_authenticated and selectors.can_manage(request.user, event)
    held = event.signups.filter(status__in=[SignUpStatus.CONFIRMED, SignUpStatus.OFFERED]).count()
    ctx = {"event": event, "mine": mine, "manages": manages, "places_left": max(0, event.capacity - held),
           "waiting": selectors.waiting_list(event).count(), "past": event.starts_at <= timezone.now()}
    if mine is not None and mine.status == SignUpStatus.WAITING:
        ctx["position"] = selectors.waiting_list(event).filter(id__lt=mine.id).count() + 1
    return render(request, "events/detail.html", ctx)


@login_required
@require_POST
def signup(request, pk):
    event = _event(request, pk)
    result = _attempt(request, lambda: services.sign_up(
        by=request.user, event=event, as_helper=request.POST.get("as_helper") == "1",
        join_waiting_list=request.POST.get("waiting_list") == "1"))
    if result is not None:
        messages.success(request, _("You are signed up.") if result.status == SignUpStatus.CONFIRMED
                         else _("You are on the waiting list. We will tell you when a place is free."))
    return redirect("events:detail", event.pk)


@login_required
@require_POST
def signup_cancel(request, pk):
    s = get_object_or_404(SignUp.objects.filter(event__in=selectors.events_for(request.user)), pk=pk)
    try:
        _attempt(request, lambda: services.cancel_signup(by=request.user, signup=s), _("The sign-up is cancelled."))
    except PermissionDenied:
        raise Http404 from None
    return redirect("events:detail", s.event_id)


@login_required
@require_POST
def signup_confirm(request, pk):
    s = get_object_or_404(SignUp, pk=pk, person=request.user)
    _attempt(request, lambda: services.confirm_offer(by=request.user, signup=s), _("Your place is confirmed."))
    return redirect("events:detail", s.event_id)


@login_required
def signup_qr(request, pk):
    """The participant's check-in QR code: the organiser's check-in URL with the sign-up's code."""
    import qrcode
    import qrcode.image.svg

    s = get_object_or_404(SignUp, pk=pk, person=request.user, status=SignUpStatus.CONFIRMED)
    url = request.build_absolute_uri(reverse("events:checkin", args=[s.checkin_code]))
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return HttpResponse(image.to_string(), content_type="image/svg+xml")


@login_required
def my_events(request):
    signups = selectors.signups_of(request.user).filter(status__in=LIVE)
    return render(request, "events/mine.html", {
        "signups": signups[:100], "followups": selectors.followups_of_person(request.user)[:50]})


@login_required
def event_new(request):
    if not request.user.has_perm("events.add_event"):
        raise PermissionDenied
    munis = [m for m in municipalities_for(request.user) if selectors.can_create_in(request.user, m)]
    areas = Area.objects.filter(municipality__in=munis, layer=2).order_by("municipality_id", "name")
    if request.method == "POST":
        p = request.POST
        municipality = next((m for m in munis if str(m.pk) == p.get("municipality")), munis[0] if munis else None)
        area = areas.filter(pk=p.get("area")).first() if (p.get("area") or "").isdigit() else None
        try:
            day = dt.date.fromisoformat(p.get("date", ""))
            start = timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(p.get("start", ""))))
            end = timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(p.get("end", ""))))
        except ValueError:
            messages.error(request, _("Give a date and start and end times."))
        else:
            created = _attempt(request, lambda: services.create_event(
                by=request.user, municipality=municipality, area=area, title=p.get("title", ""),
                event_type=p.get("event_type", ""), starts_at=start, ends_at=end, capacity=p.get("capacity"),
                organiser_kind=p.get("organiser_kind", OrganiserKind.SC), organiser_name=p.get("organiser_name", ""),
                place=p.get("place", ""), online_url=p.get("online_url", ""), description=p.get("description", ""),
                is_public=p.get("is_public") == "1",
                repeat_weekly=int(p["repeat_weekly"]) if (p.get("repeat_weekly") or "").isdigit() else 0),
                _("The event is created."))
            if created:
                return redirect("events:detail", created[0].pk)
    return render(request, "events/new.html", {"municipalities": munis, "areas": areas, "types": EventType.choices,
                                               "organisers": OrganiserKind.choices, "data": request.POST})


def _next_date(weekday: int) -> dt.date:
    today = timezone.localdate()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 or 7)


@login_required
def publish(request):
    """Publish a directory programme as events (a date or a weekly series): people sign up for
    it here, and it appears, with its date, on the weekly calendar PDF."""
    from sasaeai.directory.selectors import public_services

    if not request.user.has_perm("events.add_event"):
        raise PermissionDenied
    munis = [m for m in municipalities_for(request.user) if selectors.can_create_in(request.user, m)]
    programmes = (public_services().filter(municipality__in=munis).select_related("location", "area")
                  .prefetch_related("schedules").order_by("name_kana", "name", "pk"))
    p = request.POST if request.method == "POST" else request.GET
    wanted = p.get("service") or ""
    service = programmes.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    if wanted and service is None:
        raise Http404
    if request.method == "POST" and service is not None:
        try:
            day = dt.date.fromisoformat(p.get("date", ""))
            start = timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(p.get("start", ""))))
            end = timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(p.get("end", ""))))
        except ValueError:
            messages.error(request, _("Give a date and start and end times."))
        else:
            event_type = p.get("event_type") or EventType.SALON
            created = _attempt(request, lambda: services.publish_programme(
                by=request.user, service=service, starts_at=start, ends_at=end, capacity=p.get("capacity"),
                event_type=event_type,
                repeat_weekly=int(p["repeat_weekly"]) if (p.get("repeat_weekly") or "").isdigit() else 0),
                _("The programme is published as events."))
            if created:
                return redirect("events:detail", created[0].pk)
    initial = {"capacity": getattr(service, "capacity", None) or 20}
    weekly = [x for x in service.schedules.all() if x.kind == "weekly"] if service else []
    if weekly:
        initial.update(date=_next_date(weekly[0].weekday).isoformat(), start=f"{weekly[0].opens_at:%H:%M}",
                       end=f"{weekly[0].closes_at:%H:%M}")
    return render(request, "events/publish.html", {
        "programmes": programmes[:500], "service": service, "initial": initial,
        "types": [(v, label) for v, label in EventType.choices if v not in {"sc_network", "joint_training"}],
        "place": services.programme_place(service) if service else ""})


@login_required
@require_POST
def event_cancel(request, pk):
    event = _managed(request, pk)
    _attempt(request, lambda: services.cancel_event(by=request.user, event=event, reason=request.POST.get("reason", "")),
             _("The event is cancelled and the participants are told."))
    return redirect("events:detail", event.pk)


@login_required
def attendance(request, pk):
    """The organiser's tick list; POST `person` ticks one, `walk_in=1` records a walk-in."""
    event = _managed(request, pk)
    if request.method == "POST":
        person = get_user_model().objects.filter(pk=request.POST.get("person") or 0).first()
        if person is None:
            messages.error(request, _("Choose a person."))
        else:
            _attempt(request, lambda: services.record_attendance(
                by=request.user, event=event, person=person, walk_in=request.POST.get("walk_in") == "1"),
                _("Attendance is recorded."))
        return redirect("events:attendance", event.pk)
    attended = set(event.attendances.values_list("person_id", flat=True))
    rows = [(s, s.person_id in attended) for s in event.signups.filter(status=SignUpStatus.CONFIRMED)
            .select_related("person")]
    return render(request, "events/attendance.html", {
        "event": event, "rows": rows, "walk_ins": event.attendances.filter(walk_in=True).select_related("person"),
        "waiting": selectors.waiting_list(event).select_related("person")})


@login_required
def checkin(request, code):
    """Opened by the organiser's phone from the participant's QR code; POST records the check-in."""
    s = SignUp.objects.filter(checkin_code=code[:32]).select_related("event", "person").first()
    if s is None or not selectors.can_manage(request.user, s.event):
        if s is None and request.method == "POST":
            messages.error(request, _("This check-in code is not valid."))
        raise Http404
    if request.method == "POST":
        if _attempt(request, lambda: services.check_in(by=request.user, code=code), _("Checked in.")):
            return redirect("events:attendance", s.event_id)
    return render(request, "events/checkin.html", {"signup": s})


@login_required
def followup_list(request):
    if not request.user.has_perm("events.follow_up"):
        raise PermissionDenied
    return render(request, "events/followups.html", {"followups": selectors.open_followups(request.user)[:200]})


def _followup(request, pk) -> FollowUp:
    fu = get_object_or_404(FollowUp.objects.select_related("event", "person"), pk=pk)
    if fu.person_id != request.user.pk and not selectors.can_manage(request.user, fu.event):
        raise Http404
    return fu


@login_required
def followup_detail(request, pk):
    fu = _followup(request, pk)
    return render(request, "events/followup.html", {
        "followup": fu, "manages": selectors.can_manage(request.user, fu.event),
        "is_person": fu.person_id == request.user.pk, "prefill": services.helper_prefill(fu)})


@login_required
@require_POST
def followup_done(request, pk):
    fu = _followup(request, pk)
    if not selectors.can_manage(request.user, fu.event):
        raise PermissionDenied
    _attempt(request, lambda: services.complete_followup(by=request.user, followup=fu, note=request.POST.get("note", "")),
             _("The follow-up is recorded."))
    return redirect("events:followups")


@login_required
@require_POST
def followup_register(request, pk):
    fu = _followup(request, pk)
    if fu.person_id != request.user.pk:
        raise PermissionDenied
    _attempt(request, lambda: services.register_helper_from_followup(by=request.user, followup=fu),
             _("You are registered as a helper. Complete your profile."))
    return redirect("helpers:me")


def municipality_ical(request, pk):
    municipality = get_object_or_404(Municipality, pk=pk)
    return _ics(calendar(selectors.public_events(municipality), name=municipality.name), f"events-{pk}")


def area_ical(request, pk):
    area = get_object_or_404(Area, pk=pk)
    return _ics(calendar(selectors.public_events(area.municipality).filter(area=area), name=area.name),
                f"events-area-{pk}")


@login_required
def my_ical(request):
    events = selectors.events_for(request.user).filter(
        signups__person=request.user, signups__status__in=[SignUpStatus.CONFIRMED, SignUpStatus.OFFERED])
    return _ics(calendar(events.distinct(), name=_("My events")), "my-events")
