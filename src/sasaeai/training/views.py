"""Pages of the training app: staff course list, new course, course detail with its sessions,
the completion tick-list of a session; the person's "my training" with certificate downloads;
the public certificate verification page. Views parse → authorise → call a service → render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sasaeai.core.pages import attempt
from sasaeai.events.models import SignUpStatus
from sasaeai.helpers.qualifications import Qualification
from sasaeai.tenancy.models import Area
from sasaeai.tenancy.selectors import municipalities_for

from . import selectors, services
from .certificate import render_pdf
from .models import Completion, CourseKind, CourseScope


def _attempt(request, fn, success: str | None = None):
    """`attempt`, returning the result alone (None when refused)."""
    return attempt(request, fn, success)[1]


def _require(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _course(request, pk):
    return get_object_or_404(selectors.courses_for(request.user), pk=pk)


def _session(request, pk):
    session = selectors.session_for(request.user, pk)
    if session is None:
        raise Http404
    return session


@login_required
def course_list(request):
    _require(request, "training.view_courses")
    courses = selectors.courses_with_counts(request.user)
    kind = request.GET.get("kind")
    if kind in CourseKind.values:
        courses = courses.filter(kind=kind)
    return render(request, "training/list.html", {
        "courses": courses[:300], "kinds": CourseKind.choices, "kind": kind,
        "can_add": request.user.has_perm("training.add_course")})


@login_required
def course_new(request):
    _require(request, "training.add_course")
    munis = [m for m in municipalities_for(request.user) if selectors.can_create_in(request.user, m)]
    if request.method == "POST":
        p = request.POST
        municipality = next((m for m in munis if str(m.pk) == p.get("municipality")), munis[0] if munis else None)
        if municipality is None:
            raise PermissionDenied
        course = _attempt(request, lambda: services.create_course(
            by=request.user, municipality=municipality, title=p.get("title", ""), kind=p.get("kind", ""),
            scope=p.get("scope", CourseScope.MUNICIPAL), description=p.get("description", ""),
            organiser_name=p.get("organiser_name", ""),
            grants=p.get("grants") if p.get("grants") != "default" else None,
            valid_years=p.get("valid_years")), _("The course is created."))
        if course is not None:
            return redirect("training:detail", course.pk)
    return render(request, "training/new.html", {
        "municipalities": munis, "kinds": CourseKind.choices, "scopes": CourseScope.choices,
        "qualifications": Qualification.choices, "data": request.POST})


@login_required
def course_detail(request, pk):
    _require(request, "training.view_courses")
    course = _course(request, pk)
    sessions = list(selectors.sessions_of(course))
    counts = {}
    for c in course.completions.filter(revoked_at__isnull=True).values_list("session_id", flat=True):
        counts[c] = counts.get(c, 0) + 1
    return render(request, "training/detail.html", {
        "course": course, "sessions": [(s, counts.get(s.pk, 0)) for s in sessions],
        "manages": request.user.has_perm("training.manage_course", course),
        "areas": Area.objects.filter(municipality=course.municipality, layer=2).order_by("name"),
        "now": timezone.now()})


@login_required
@require_POST
def session_new(request, pk):
    course = _course(request, pk)
    _require(request, "training.manage_course", course)
    p = request.POST
    area = Area.objects.filter(municipality=course.municipality, layer=2, pk=p.get("area") or 0).first() \
        if (p.get("area") or "").isdigit() else None
    try:
        day = dt.date.fromisoformat(p.get("date", ""))
        start = timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(p.get("start", ""))))
        end = timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(p.get("end", ""))))
    except ValueError:
        messages.error(request, _("Give a date and start and end times."))
        return redirect("training:detail", course.pk)
    _attempt(request, lambda: services.add_session(
        by=request.user, course=course, starts_at=start, ends_at=end, capacity=p.get("capacity"),
        place=p.get("place", ""), online_url=p.get("online_url", ""), area=area,
        is_public=p.get("is_public") == "1"), _("The session is added; people sign up on its event page."))
    return redirect("training:detail", course.pk)


@login_required
def session_completions(request, pk):
    """The organiser's completion tick-list: the session's confirmed sign-ups and attendances;
    POST `person` ticks one, `walk_in=1` records someone who did not sign up."""
    session = _session(request, pk)
    _require(request, "training.record_completion", session)
    event, course = session.event, session.course
    if request.method == "POST":
        walk_in = request.POST.get("walk_in") == "1"
        if (request.POST.get("login") or "").strip():
            try:  # a walk-in found by the e-mail address or phone number they give at the door
                person = get_user_model().objects.get_by_login(request.POST["login"][:254])
            except get_user_model().DoesNotExist:
                person = None
                messages.error(request, _("No account has this e-mail address or phone number."))
                return redirect("training:session", session.pk)
        else:
            person = get_user_model().objects.filter(pk=request.POST.get("person") or 0).first() \
                if (request.POST.get("person") or "").isdigit() else None
        if person is None:
            messages.error(request, _("Choose a person."))
        else:
            result = _attempt(request, lambda: services.record_completion(
                by=request.user, session=session, person=person, walk_in=walk_in))
            if result is not None:
                messages.success(request, _("Completion is recorded.") if result[1]
                                 else _("This person had already completed the course; nothing was added."))
        return redirect("training:session", session.pk)
    done = {c.person_id: c for c in course.completions.filter(revoked_at__isnull=True)}
    people = {}
    for s in event.signups.filter(status=SignUpStatus.CONFIRMED).select_related("person"):
        people[s.person_id] = (s.person, False)
    for a in event.attendances.select_related("person"):
        people.setdefault(a.person_id, (a.person, a.walk_in))
    rows = [(person, walk_in, done.get(pid)) for pid, (person, walk_in) in people.items()]
    walk_ins = [c for c in done.values() if c.session_id == session.pk and c.person_id not in people]
    return render(request, "training/session.html", {
        "session": session, "course": course, "event": event, "rows": rows, "walk_ins": walk_ins,
        "started": event.starts_at <= timezone.now(),
        "manages_course": request.user.has_perm("training.manage_course", course)})


@login_required
@require_POST
def completion_revoke(request, pk):
    completion = get_object_or_404(Completion.objects.filter(course__in=selectors.courses_for(request.user)), pk=pk)
    _require(request, "training.manage_course", completion.course)
    _attempt(request, lambda: services.revoke_completion(by=request.user, completion=completion,
                                                         reason=request.POST.get("reason", "")),
             _("The completion is withdrawn; its certificate no longer shows as valid."))
    return redirect("training:session", completion.session_id)


@login_required
def my_training(request):
    rows = [(c, selectors.is_valid(c)) for c in selectors.completions_of_person(request.user)[:200]]
    return render(request, "training/mine.html", {"rows": rows})


@login_required
def certificate_pdf(request, pk):
    completion = selectors.certificate_for(request.user, pk)
    if completion is None or completion.revoked_at is not None:
        raise Http404
    response = HttpResponse(render_pdf(completion), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{completion.code}.pdf"'
    return response


def verify(request):
    """Public: a form for the code printed on a certificate."""
    raw = request.GET.get("code", "")
    if raw.strip():
        code = selectors.normalise_code(raw)
        if code:
            return redirect("training:verify_code", code)
    return render(request, "training/verify.html", {"result": None})


def verify_code(request, code):
    """Public: what a certificate code says. An unknown code answers 404 with the same page."""
    result = selectors.verification(code)
    status = 200 if result is not None else 404
    return render(request, "training/verify.html", {"result": result, "asked": code[:40], "unknown": result is None},
                  status=status)
