from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .audit import audit_rows
from .forms import AreaForm, MembershipChangeForm, ReasonForm, StaffInviteForm, apply_errors
from .models import GRANTABLE_ROLES, Area, Membership, Municipality


@login_required
def municipality_detail(request, municipality_id: int):
    """市町村: the municipality and its daily-life areas (members of the tenant only)."""
    municipality = get_object_or_404(selectors.municipalities_for(request.user), pk=municipality_id)
    areas = (
        Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE)
        .annotate(resident_count=Count("residents"))
        .order_by("name")
    )
    may_manage = selectors.managed_municipalities(request.user).filter(pk=municipality.pk).exists()
    return render(request, "tenancy/municipality.html",
                  {"municipality": municipality, "areas": areas, "may_manage": may_manage})


@login_required
def area_detail(request, area_id: int):
    """圏域: one area with its coordinators and centres."""
    area = get_object_or_404(selectors.areas_for(request.user), pk=area_id)
    staff = (
        area.memberships.select_related("user").filter(role__in=["coordinator_l2", "support_center"])
        .order_by("role", "user__display_name")
    )
    return render(request, "tenancy/area.html", {"area": area, "staff": staff})


# --- Staff and area administration (municipal administrators, operators) ---------------------


def _managed_municipality(request, municipality_id: int) -> Municipality:
    """Another municipality (or no administrator role) answers 404."""
    return get_object_or_404(selectors.managed_municipalities(request.user), pk=municipality_id)


def _managed_membership(request, membership_id: int) -> Membership:
    return get_object_or_404(selectors.managed_memberships(request.user), pk=membership_id)


def _done(request, text: str, to: str, *args):
    messages.success(request, text)
    return redirect(to, *args)


@login_required
def staff_home(request):
    """職員と地域の管理: an administrator goes to their municipality; an operator picks one."""
    municipalities = list(selectors.managed_municipalities(request.user)[:500])
    if not municipalities:
        raise Http404
    if len(municipalities) == 1 and not selectors.is_operator(request.user):
        return redirect("tenancy:staff", municipalities[0].pk)
    return render(request, "tenancy/staff_home.html", {"municipalities": municipalities})


@login_required
def staff_list(request, municipality_id: int):
    """職員一覧: name, role, areas, second factor, active, last log-in."""
    municipality = _managed_municipality(request, municipality_id)
    rows = list(selectors.staff_of(municipality))
    return render(request, "tenancy/staff_list.html", {
        "municipality": municipality,
        "active": [m for m in rows if m.ended_at is None],
        "ended": [m for m in rows if m.ended_at is not None],
    })


@login_required
def staff_invite(request, municipality_id: int):
    """職員を招待: email, name, role and areas; the invitee gets a one-time link."""
    municipality = _managed_municipality(request, municipality_id)
    form = StaffInviteForm(request.POST or None, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.staff_invite(by=request.user, municipality=municipality, request=request,
                                               **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _done(request, _("The invitation has been sent to %(name)s.")
                         % {"name": invitation.membership.user.display_name}, "tenancy:staff", municipality.pk)
    return render(request, "tenancy/staff_invite.html", {"municipality": municipality, "form": form})


@login_required
def membership_detail(request, membership_id: int):
    """One staff member's membership: change role and areas; deactivate, reactivate, reset
    the second factor, resend the invitation."""
    membership = _managed_membership(request, membership_id)
    municipality = membership.municipality
    form = MembershipChangeForm(
        request.POST or None, municipality=municipality,
        initial={"role": membership.role, "areas": list(membership.areas.all())},
    )
    if request.method == "POST" and membership.ended_at is None and form.is_valid():
        try:
            changed = services.membership_change(by=request.user, membership=membership, request=request,
                                                 **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _done(request, _("The role and areas have been saved."), "tenancy:membership", changed.pk)
    row = selectors.staff_of(municipality).filter(pk=membership.pk).first()
    return render(request, "tenancy/membership.html", {
        "membership": row, "municipality": municipality, "form": form, "reason_form": ReasonForm(),
        "grantable": membership.role in GRANTABLE_ROLES,
        "invitation_open": not membership.user.has_usable_password(),
    })


def _membership_action(request, membership_id: int, fn, success: str, *, needs_reason: bool = True):
    membership = _managed_membership(request, membership_id)
    form = ReasonForm(request.POST)
    if needs_reason and not form.is_valid():
        messages.error(request, _("Enter the reason."))
        return redirect("tenancy:membership", membership.pk)
    reason = request.POST.get("reason", "")
    try:
        result = fn(by=request.user, membership=membership, reason=reason, request=request)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
        return redirect("tenancy:membership", membership.pk)
    target = result.pk if isinstance(result, Membership) else membership.pk
    return _done(request, success, "tenancy:membership", target)


@login_required
@require_POST
def membership_deactivate(request, membership_id: int):
    return _membership_action(request, membership_id, services.membership_end,
                              _("The membership has ended. The person no longer has this access."))


@login_required
@require_POST
def membership_reactivate(request, membership_id: int):
    return _membership_action(request, membership_id, services.membership_restart,
                              _("The membership is active again."), needs_reason=False)


@login_required
@require_POST
def membership_reset_second_factor(request, membership_id: int):
    return _membership_action(request, membership_id, services.second_factor_reset,
                              _("The second factor has been reset. At the next log-in the person sets up "
                                "an authenticator app again."))


@login_required
@require_POST
def invitation_resend(request, membership_id: int):
    def resend(*, by, membership, reason, request):
        return services.invitation_resend(by=by, membership=membership, request=request)

    return _membership_action(request, membership_id, resend, _("A new invitation link has been sent."),
                              needs_reason=False)


@login_required
def areas_manage(request, municipality_id: int):
    """地域の管理: the municipality's areas, and a form to add a daily-life area."""
    municipality = _managed_municipality(request, municipality_id)
    form = AreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.area_add(by=request.user, municipality=municipality, request=request, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _done(request, _("The area has been added."), "tenancy:areas_manage", municipality.pk)
    areas = Area.objects.filter(municipality=municipality).order_by("layer", "name")
    return render(request, "tenancy/areas_manage.html", {"municipality": municipality, "areas": areas, "form": form})


@login_required
def area_edit(request, area_id: int):
    """地域を編集: name, kana, centre and population 65+."""
    area = get_object_or_404(selectors.managed_areas(request.user), pk=area_id)
    initial = {f: getattr(area, f) for f in services.AREA_FIELDS}
    form = AreaForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.area_update(by=request.user, area=area, request=request, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return _done(request, _("The area has been saved."), "tenancy:areas_manage", area.municipality_id)
    return render(request, "tenancy/area_edit.html", {"area": area, "form": form})


@login_required
def audit_page(request, municipality_id: int):
    """職員・地域の変更記録: who changed what, when, before/after and why."""
    municipality = _managed_municipality(request, municipality_id)
    events = list(selectors.audit_trail(municipality)[:500])
    return render(request, "tenancy/audit.html", {"municipality": municipality,
                                                  "rows": audit_rows(municipality, events)})
