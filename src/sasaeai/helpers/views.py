"""Helper pages: the helper's own profile, and the coordinators' review and vetting pages."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services
from .forms import (
    AboutForm,
    ExceptionForm,
    HomeForm,
    IdentityForm,
    InsuranceForm,
    QualificationForm,
    ReasonForm,
    ReviewForm,
    RuleFormSet,
    SkillsForm,
)
from .models import HelperProfile, HelperQualification
from .selectors import REVIEWER_ROLES


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _own_profile_or_404(request):
    profile = services.get_or_create_own_profile(request.user)
    if profile is None:
        raise Http404(_("You are not registered as a helper."))
    return profile


def _is_reviewer(user) -> bool:
    from sasaeai.tenancy.selectors import municipality_ids

    ids = municipality_ids(user, REVIEWER_ROLES)
    return ids is None or bool(ids)


def _qualification_labels(codes) -> list[str]:
    from .qualifications import Qualification

    return [str(label) for value, label in Qualification.choices if value in codes]


# --- the helper's own profile, in short steps (issue 9 §9) ----------------------------------

@dataclass(frozen=True)
class Step:
    key: str
    url_name: str
    title: str


STEPS = [
    Step("about", "helpers:me_about", gettext_lazy("About you")),
    Step("home", "helpers:me_home", gettext_lazy("Home and travel")),
    Step("skills", "helpers:me_skills", gettext_lazy("What you can help with")),
    Step("qualifications", "helpers:me_qualification_add", gettext_lazy("Qualifications")),
    Step("availability", "helpers:me_availability", gettext_lazy("Weekly availability (Japan time)")),
    Step("exceptions", "helpers:me_exception_add", gettext_lazy("Days off and extra hours")),
    Step("insurance", "helpers:me_insurance", gettext_lazy("Insurance and orientation")),
    Step("identity", "helpers:me_identity", gettext_lazy("Identity verification")),
]
_STEP_INDEX = {s.key: i for i, s in enumerate(STEPS)}


def _next_url(key: str) -> str:
    i = _STEP_INDEX[key]
    return reverse(STEPS[i + 1].url_name) if i + 1 < len(STEPS) else reverse("helpers:me")


def _render_step(request, profile, key: str, status: int = 200, **context):
    i = _STEP_INDEX[key]
    return render(request, "helpers/me_step.html", {
        "profile": profile, "steps": [(n + 1, s, reverse(s.url_name)) for n, s in enumerate(STEPS)],
        "step": STEPS[i], "step_number": i + 1, "step_count": len(STEPS),
        "step_template": f"helpers/steps/{key}.html",
        "previous_url": reverse(STEPS[i - 1].url_name) if i > 0 else reverse("helpers:me"),
        "next_url": _next_url(key), **context,
    }, status=status)


def _home_map_data(profile) -> dict:
    """Where the map's marker starts: the saved home, else an approximate point."""
    from django.conf import settings

    from . import postal

    placed = profile.home_lat is not None and profile.home_lon is not None
    if placed:
        lat, lon = profile.home_lat, profile.home_lon
    else:
        found = postal.approximate_point(None, fallback_area=profile.area,
                                         fallback_municipality=profile.municipality)
        lat, lon = (found.lat, found.lon) if found else (35.68, 139.76)
    return {"lat": lat, "lon": lon, "zoom": 16 if placed else 14, "placed": placed,
            "tile_url": getattr(settings, "SASAEAI_MAP_TILE_URL", ""),
            "attribution": getattr(settings, "SASAEAI_MAP_ATTRIBUTION", ""),
            "postal_url": reverse("helpers:postal")}


def _profile_step(request, key: str, form_class):
    profile = _own_profile_or_404(request)
    if request.method == "POST":
        form = form_class(request.POST, instance=profile)
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in form_class.Meta.fields}
            try:
                services.update_profile(profile, request.user, **data)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Your helper profile was saved."))
                return redirect(_next_url(key))
        profile.refresh_from_db()
        status = 400
    else:
        form = form_class(instance=profile, initial=form_class.initial_for(profile))
        status = 200
    extra = {"home_map": _home_map_data(profile)} if key == "home" else {}
    return _render_step(request, profile, key, status=status, form=form, **extra)


@login_required
@require_GET
def my_profile(request):
    """担い手プロフィール: the overview of the steps (the old one long page is gone)."""
    profile = _own_profile_or_404(request)
    rules = profile.availability_rules.count()
    done = {
        "about": bool(profile.bio or profile.languages),
        "home": profile.home_lat is not None or profile.area_id is not None,
        "skills": bool(profile.skills),
        "qualifications": profile.qualifications.exists(),
        "availability": rules > 0,
        "exceptions": None,
        "insurance": profile.has_insurance or profile.training_done,
        "identity": profile.identity_status != "none",
    }
    return render(request, "helpers/me.html", {
        "profile": profile,
        "steps": [(n + 1, s, reverse(s.url_name), done[s.key]) for n, s in enumerate(STEPS)],
        "verified_labels": _qualification_labels(selectors.verified_qualifications(profile)),
    })


@login_required
def my_about(request):
    return _profile_step(request, "about", AboutForm)


@login_required
def my_home(request):
    return _profile_step(request, "home", HomeForm)


@login_required
def my_skills(request):
    return _profile_step(request, "skills", SkillsForm)


@login_required
def my_insurance(request):
    return _profile_step(request, "insurance", InsuranceForm)


@login_required
@require_POST
def postal_lookup(request):
    """郵便番号検索: JSON address and approximate point for a postal code (POST, so the code
    stays out of request logs). 400 invalid_postal_code, 404 unknown_postal_code."""
    from sasaeai.tenancy.selectors import primary_municipality

    from . import postal

    try:
        place = postal.lookup(request.POST.get("code", ""))
    except ValidationError as exc:
        status = 404 if exc.code == "unknown_postal_code" else 400
        return JsonResponse({"code": exc.code, "message": exc.messages[0]}, status=status)
    profile = HelperProfile.objects.filter(user=request.user).select_related("area", "municipality").first()
    found = postal.approximate_point(
        place, fallback_area=profile.area if profile else None,
        fallback_municipality=profile.municipality if profile else primary_municipality(request.user),
    )
    return JsonResponse({
        "postal_code": place.postal_code, "display": place.display_code, "prefecture": place.prefecture,
        "city": place.city, "town": place.town, "address": place.address,
        "point": {"lat": found.lat, "lon": found.lon, "approximate": True, "source": found.source}
        if found else None,
        "message": _("The address was filled in. Now put the pin in the right place on the map."),
    })


@login_required
def my_availability(request):
    profile = _own_profile_or_404(request)
    if request.method != "POST":
        initial = [{"weekday": r.weekday, "start_time": r.start_time, "end_time": r.end_time}
                   for r in profile.availability_rules.all()]
        return _render_step(request, profile, "availability",
                            rules_formset=RuleFormSet(initial=initial, prefix="rules"))
    formset = RuleFormSet(request.POST, prefix="rules")
    if formset.is_valid():
        rules = [
            (f.cleaned_data["weekday"], f.cleaned_data["start_time"], f.cleaned_data["end_time"])
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            services.set_weekly_availability(profile, request.user, rules)
        except ValidationError as exc:
            formset._non_form_errors = formset.error_class(exc.messages)
        else:
            messages.success(request, _("Your weekly availability was saved."))
            return redirect(_next_url("availability"))
    return _render_step(request, profile, "availability", status=400, rules_formset=formset)


def _exceptions_step(request, profile, form, status=200):
    return _render_step(request, profile, "exceptions", status=status, exception_form=form,
                        exceptions=profile.availability_exceptions.order_by("date", "start_time"))


@login_required
def my_exception_add(request):
    profile = _own_profile_or_404(request)
    if request.method != "POST":
        return _exceptions_step(request, profile, ExceptionForm())
    form = ExceptionForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.add_exception(profile, request.user, d["date"], d["start_time"], d["end_time"],
                                   available=d["kind"] == "extra", note=d["note"])
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("The exception was added."))
            return redirect("helpers:me_exception_add")
    return _exceptions_step(request, profile, form, status=400)


@login_required
@require_POST
def my_exception_delete(request, pk: int):
    profile = _own_profile_or_404(request)
    exception = get_object_or_404(profile.availability_exceptions, pk=pk)
    services.remove_exception(exception, request.user)
    messages.success(request, _("The exception was removed."))
    return redirect("helpers:me_exception_add")


def _qualifications_step(request, profile, form, status=200):
    return _render_step(request, profile, "qualifications", status=status, qualification_form=form,
                        qualifications=profile.qualifications.order_by("code", "-submitted_at"))


@login_required
def my_qualification_add(request):
    profile = _own_profile_or_404(request)
    if request.method != "POST":
        return _qualifications_step(request, profile, QualificationForm())
    form = QualificationForm(request.POST)
    if form.is_valid():
        try:
            services.submit_qualification(profile, request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Submitted. A coordinator will check it."))
            return redirect("helpers:me_qualification_add")
    return _qualifications_step(request, profile, form, status=400)


@login_required
def my_identity(request):
    profile = _own_profile_or_404(request)
    if request.method != "POST":
        return _render_step(request, profile, "identity", identity_form=IdentityForm())
    form = IdentityForm(request.POST)
    if form.is_valid():
        try:
            services.submit_identity(profile, request.user, form.cleaned_data["document"])
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Submitted. Show the document to your coordinator."))
            return redirect("helpers:me")
    return _render_step(request, profile, "identity", status=400, identity_form=form)


# --- coordinators ---------------------------------------------------------------------------

def _reviewer_required(request):
    if not _is_reviewer(request.user):
        raise PermissionDenied(_("Only coordinators can review helpers."))


@login_required
def review_queue(request):
    """審査キュー: qualifications and identities waiting, flagged and suspended helpers."""
    _reviewer_required(request)
    user = request.user
    return render(request, "helpers/review_queue.html", {
        "qualifications": selectors.pending_qualifications(user)[:200],
        "identities": selectors.pending_identity(user)[:200],
        "flagged": selectors.flagged_profiles(user)[:200],
        "suspended": selectors.suspended_profiles(user)[:200],
        "review_form": ReviewForm(),
    })


@login_required
def helper_list(request):
    _reviewer_required(request)
    profiles = selectors.profiles_for_staff(request.user).order_by("municipality_id", "user__display_name")[:500]
    return render(request, "helpers/list.html", {"profiles": profiles})


@login_required
def helper_detail(request, pk: int):
    _reviewer_required(request)
    profile = selectors.profile_for_staff(request.user, pk)
    if profile is None:
        raise Http404
    return render(request, "helpers/detail.html", {
        "profile": profile,
        "qualifications": profile.qualifications.order_by("code", "-submitted_at"),
        "verified_labels": _qualification_labels(selectors.verified_qualifications(profile)),
        "rules": profile.availability_rules.all(),
        "events": profile.events.select_related("by")[:50],
        "reason_form": ReasonForm(),
        "review_form": ReviewForm(),
    })


def _decide(request, form, action, on_success, redirect_to):
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect(redirect_to)
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, on_success)
    return redirect(redirect_to)


@login_required
@require_POST
def review_qualification(request, pk: int):
    _reviewer_required(request)
    qualification = get_object_or_404(
        HelperQualification.objects.filter(profile__in=selectors.profiles_for_staff(request.user)), pk=pk
    )
    return _decide(
        request, ReviewForm(request.POST),
        lambda d: services.review_qualification(qualification, request.user, d["decision"] == "approve", d["note"]),
        _("The qualification was reviewed."),
        reverse("helpers:detail", args=[qualification.profile_id])
        if request.POST.get("next_page") == "detail" else reverse("helpers:review"),
    )


@login_required
@require_POST
def review_identity(request, pk: int):
    _reviewer_required(request)
    profile = selectors.profile_for_staff(request.user, pk)
    if profile is None:
        raise Http404
    return _decide(
        request, ReviewForm(request.POST),
        lambda d: services.review_identity(profile, request.user, d["decision"] == "approve", d["note"]),
        _("The identity check was recorded."), reverse("helpers:review"),
    )


def _staff_action(request, pk, service, done_message):
    _reviewer_required(request)
    profile = selectors.profile_for_staff(request.user, pk)
    if profile is None:
        raise Http404
    return _decide(
        request, ReasonForm(request.POST), lambda d: service(profile, request.user, d["reason"]),
        done_message, reverse("helpers:detail", args=[profile.pk]),
    )


@login_required
@require_POST
def suspend(request, pk: int):
    return _staff_action(request, pk, services.suspend_audited, _("The helper is suspended."))


@login_required
@require_POST
def reinstate(request, pk: int):
    return _staff_action(request, pk, services.reinstate_audited, _("The helper is reinstated."))


@login_required
@require_POST
def clear_flag(request, pk: int):
    return _staff_action(request, pk, services.clear_flag, _("The flag was cleared."))
