"""Helper pages: the helper's own profile, and the coordinators' review and vetting pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import (
    ExceptionForm,
    IdentityForm,
    ProfileForm,
    QualificationForm,
    ReasonForm,
    ReviewForm,
    RuleFormSet,
)
from .models import HelperQualification
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


def _my_page_context(request, profile, **forms):
    rules = list(profile.availability_rules.all())
    initial = [{"weekday": r.weekday, "start_time": r.start_time, "end_time": r.end_time} for r in rules]
    return {
        "profile": profile,
        "form": forms.get("form") or ProfileForm(instance=profile, initial={
            "skills": profile.skills, "subtasks": profile.subtasks, "languages": profile.languages,
        }),
        "rules_formset": forms.get("rules_formset") or RuleFormSet(initial=initial, prefix="rules"),
        "exception_form": forms.get("exception_form") or ExceptionForm(),
        "qualification_form": forms.get("qualification_form") or QualificationForm(),
        "identity_form": forms.get("identity_form") or IdentityForm(),
        "exceptions": profile.availability_exceptions.order_by("date", "start_time"),
        "qualifications": profile.qualifications.order_by("code", "-submitted_at"),
        "verified_labels": _qualification_labels(selectors.verified_qualifications(profile)),
    }


@login_required
def my_profile(request):
    """担い手プロフィール: the helper edits skills, area, radius, languages and insurance."""
    profile = _own_profile_or_404(request)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=profile)
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in ProfileForm.Meta.fields}
            try:
                services.update_profile(profile, request.user, **data)
            except ValidationError as exc:
                _errors_to_form(form, exc)
            else:
                messages.success(request, _("Your helper profile was saved."))
                return redirect("helpers:me")
        profile.refresh_from_db()
        return render(request, "helpers/me.html", _my_page_context(request, profile, form=form), status=400)
    return render(request, "helpers/me.html", _my_page_context(request, profile))


@login_required
@require_POST
def my_availability(request):
    profile = _own_profile_or_404(request)
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
            return redirect("helpers:me")
    return render(request, "helpers/me.html", _my_page_context(request, profile, rules_formset=formset), status=400)


@login_required
@require_POST
def my_exception_add(request):
    profile = _own_profile_or_404(request)
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
            return redirect("helpers:me")
    return render(request, "helpers/me.html", _my_page_context(request, profile, exception_form=form), status=400)


@login_required
@require_POST
def my_exception_delete(request, pk: int):
    profile = _own_profile_or_404(request)
    exception = get_object_or_404(profile.availability_exceptions, pk=pk)
    services.remove_exception(exception, request.user)
    messages.success(request, _("The exception was removed."))
    return redirect("helpers:me")


@login_required
@require_POST
def my_qualification_add(request):
    profile = _own_profile_or_404(request)
    form = QualificationForm(request.POST)
    if form.is_valid():
        try:
            services.submit_qualification(profile, request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Submitted. A coordinator will check it."))
            return redirect("helpers:me")
    return render(request, "helpers/me.html", _my_page_context(request, profile, qualification_form=form),
                  status=400)


@login_required
@require_POST
def my_identity(request):
    profile = _own_profile_or_404(request)
    form = IdentityForm(request.POST)
    if form.is_valid():
        try:
            services.submit_identity(profile, request.user, form.cleaned_data["document"])
        except ValidationError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("Submitted. Show the document to your coordinator."))
            return redirect("helpers:me")
    return render(request, "helpers/me.html", _my_page_context(request, profile, identity_form=form), status=400)


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
