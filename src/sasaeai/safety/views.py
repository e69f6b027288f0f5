"""Pages of the safety app. Thin: scope, authorise, call a service, render."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from sasaeai.core import spreadsheets
from sasaeai.residents.models import Resident
from sasaeai.tenancy.selectors import in_tenant, municipalities_for

from . import consent as consent_service
from . import emergency, incidents, monitoring, recovery, selectors, subject, vetting
from .access_lines import group_bursts
from .audit import record_access
from .forms import (
    ConsentForm,
    ContactFormSet,
    FollowUpForm,
    IncidentForm,
    IssueRecoveryForm,
    PlanForm,
    RaiseForm,
    RedeemForm,
    RulesForm,
    StaffConsentForm,
)
from .labels import entry_labels
from .models import (
    AccessLog,
    AlertStatus,
    ConsentBasis,
    EmergencyAlert,
    Incident,
    InsurancePolicy,
    Purpose,
    VisitAlert,
)
from .sensitive import DISPLAY_FIELDS, read, resident_for


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- residents ---------------------------------------------------------------------------------

@login_required
def my_records(request):
    """本人・代理人: the records I act for, with consent, plan and access-log links."""
    residents = selectors.residents_acted_for(request.user).order_by("pk")
    staff = selectors.care_residents(request.user).exists()
    return render(request, "safety/my_records.html", {"residents": residents, "staff": staff})


@login_required
@never_cache
def resident_detail(request, resident_id: int):
    """利用者の詳細: staff read the record here; every read of a sensitive field is logged."""
    resident, relation = resident_for(request.user, resident_id)
    values = read(request, resident, relation, DISPLAY_FIELDS)
    shown = [(Resident._meta.get_field(f).verbose_name, resident.get_care_level_display() if f == "care_level"
              else values[f]) for f in DISPLAY_FIELDS if f in values]
    return render(request, "safety/resident_detail.html", {
        "resident": resident, "relation": relation, "shown": shown,
        "consents": [(Purpose(k).label, e) for k, e in consent_service.current_state(resident).items()]
        if relation != "helper" else None,
        "may_manage": relation in ("self_side", "staff"),
        "may_export": subject.may_handle(request.user, resident),
        "standards_needed": relation == "helper" and _standards_needed(request.user, resident),
    })


def _standards_needed(user, resident) -> bool:
    from sasaeai.requests.selectors import helper_profile_of

    profile = helper_profile_of(user)
    return profile is not None and not vetting.has_agreed(profile, resident)


# --- consent --------------------------------------------------------------------------------

@login_required
def consent_page(request, resident_id: int):
    resident, relation = resident_for(request.user, resident_id)
    is_staff = selectors.is_care_staff_for(request.user, resident)
    if relation not in ("self_side", "staff") or (relation == "staff" and not is_staff):
        raise PermissionDenied
    form_class = StaffConsentForm if relation == "staff" else ConsentForm
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                kwargs = {"basis": ConsentBasis.ONLINE}
                if relation == "staff":
                    kwargs = {"basis": data["basis"], "giver_kind": data["giver_kind"],
                              "proxy_relation": data.get("proxy_relation") or ""}
                consent_service.record_decision(resident, data["purpose"], data["granted"], by=request.user,
                                                **kwargs)
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("Saved. It takes effect immediately."))
                return redirect("safety:consent", resident_id=resident.pk)
        else:
            messages.error(request, _("Please check the form."))
    state = consent_service.current_state(resident)
    rows = [{"purpose": p, "event": state[p.value], "form": form_class(initial={"purpose": p.value},
                                                                          auto_id=f"id_{p.value}_%s")}
            for p in Purpose]
    history = resident.consent_events.select_related("recorded_by").order_by("-at", "-pk")[:50]
    return render(request, "safety/consent.html", {"resident": resident, "rows": rows, "history": history,
                                                   "staff_form": relation == "staff"})


# --- access log -----------------------------------------------------------------------------

#: The filter of the 「この記録を見た人」 page: (value, label).
LOG_SIDES = (("", pgettext_lazy("access log filter", "Everyone")), ("own", gettext_lazy("The person and their family or proxies")),
             ("others", gettext_lazy("Staff, helpers and the system")))


@login_required
def access_log_page(request, resident_id: int):
    """閲覧記録: who looked at this record (resident, proxies and care staff), one line per
    burst of reads, with labels instead of codes; filter own side / staff."""
    resident, relation = resident_for(request.user, resident_id)
    if relation == "helper":
        raise PermissionDenied
    side = request.GET.get("show", "")
    if side not in dict(LOG_SIDES):
        side = ""
    entries = selectors.access_log_for_resident(request.user, resident, side=side).only(
        "pk", "at", "actor_id", "actor_roles", "fields", "purpose", "channel", "ip_prefix")
    page = Paginator(group_bursts(entries.iterator(chunk_size=2000)), 50).get_page(request.GET.get("page"))
    users = get_user_model().objects.in_bulk({line.actor_id for line in page if line.actor_id})
    relations = {p.user_id: p.get_relation_display() for p in resident.proxies.all()}
    own_ids = selectors.own_side_user_ids(resident)
    rows = [{"line": line, "actor": users.get(line.actor_id), "own": line.actor_id in own_ids,
             "is_resident": line.actor_id is not None and line.actor_id == resident.user_id,
             "relation": relations.get(line.actor_id, "")} for line in page]
    return render(request, "safety/access_log.html", {
        "resident": resident, "page": page, "rows": rows, "side": side, "sides": LOG_SIDES,
        "sep": pgettext("list separator", ", ")})


LOG_COLUMNS = ("id", "at", "actor_id", "actor_roles", "actor_roles_label", "resident_id", "municipality_id",
               "fields", "fields_label", "purpose", "purpose_label", "channel", "channel_label", "path", "ip_prefix")


def _log_row(entry: AccessLog) -> dict:
    """Codes as stored, and their labels (in the request's language) beside them."""
    return {"id": entry.pk, "at": entry.at.isoformat(), "actor_id": entry.actor_id, "actor_roles": entry.actor_roles,
            "resident_id": entry.resident_id, "municipality_id": entry.municipality_id, "fields": entry.fields,
            "purpose": entry.purpose, "channel": entry.channel, "path": entry.path, "ip_prefix": entry.ip_prefix,
            **entry_labels(entry)}


class _Echo:
    def write(self, value):
        return value


@login_required
def access_log_export(request, fmt: str):
    """Operators (all tenants) and municipal administrators (their tenant) export the log."""
    if fmt not in ("csv", "json"):
        raise Http404
    if not selectors.may_export_log(request.user):
        raise PermissionDenied
    qs = selectors.access_log_for_export(request.user)
    if request.GET.get("municipality", "").isdigit():
        qs = qs.filter(municipality_id=int(request.GET["municipality"]))
    from .events import audit

    audit(request.user, "access_log.exported", details={"format": fmt}, request=request)
    if fmt == "json":
        return JsonResponse({"entries": [_log_row(e) for e in qs.iterator(chunk_size=2000)]})
    writer = spreadsheets.csv_writer(_Echo())

    def rows():
        yield writer.writerow(LOG_COLUMNS)
        for e in qs.iterator(chunk_size=2000):
            row = _log_row(e)
            row["fields"] = " ".join(row["fields"])
            row["fields_label"] = ", ".join(row["fields_label"])
            yield writer.writerow([row[c] for c in LOG_COLUMNS])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="access-log.csv"'
    return response


# --- emergency ------------------------------------------------------------------------------

@login_required
def plan_page(request, resident_id: int):
    resident, relation = resident_for(request.user, resident_id)
    editable = emergency.may_edit_plan(request.user, resident)
    plan = emergency.plan_of(resident)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        form, formset = PlanForm(request.POST), ContactFormSet(request.POST, prefix="c")
        if form.is_valid() and formset.is_valid():
            contacts = [f.cleaned_data for f in formset.forms
                        if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            try:
                emergency.save_plan(resident, by=request.user, contacts=contacts, **form.cleaned_data)
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("The emergency plan was saved."))
                return redirect("safety:plan", resident_id=resident.pk)
    else:
        initial = [{"kind": c.kind, "name": c.name, "relation": c.relation, "phone": c.phone}
                   for c in (plan.contacts.all() if plan else [])]
        form = PlanForm(initial={"notes": plan.notes if plan else "", "hospital": plan.hospital if plan else ""})
        formset = ContactFormSet(initial=initial, prefix="c")
    if plan is not None:
        record_access(request, resident, ["emergency_contacts", "emergency_notes"], "emergency_plan")
    return render(request, "safety/plan.html", {"resident": resident, "plan": plan, "form": form,
                                                "formset": formset, "editable": editable})


@login_required
def emergency_start(request, resident_id: int):
    """「緊急」: 119 guidance first, then notify the chain."""
    resident = get_object_or_404(Resident, pk=resident_id)
    if not emergency.may_raise(request.user, resident):
        raise Http404
    form = RaiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        alert = emergency.raise_alert(by=request.user, resident=resident,
                                      called_119=form.cleaned_data["called_119"])
        messages.success(request, _("The emergency contacts are being notified in order."))
        return redirect("safety:alert", alert_id=alert.pk)
    return render(request, "safety/emergency_start.html", {"resident": resident, "guidance": emergency.guidance(),
                                                           "form": form})


@login_required
def alert_list(request):
    alerts = selectors.alerts_for(request.user).select_related("municipality")[:200]
    return render(request, "safety/alert_list.html", {"alerts": alerts})


@login_required
@never_cache
def alert_detail(request, alert_id: int):
    alert = get_object_or_404(selectors.alerts_for(request.user).select_related("resident"), pk=alert_id)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "acknowledge":
                emergency.acknowledge(alert, by=request.user)
                messages.success(request, _("Thank you. The others will not be called."))
            elif action == "resolve":
                emergency.resolve(alert, by=request.user)
                messages.success(request, _("Marked as resolved."))
        except ValidationError as exc:
            _errors(request, exc)
        return redirect("safety:alert", alert_id=alert.pk)
    steps = alert.steps.select_related("contact", "user").order_by("order", "pk")
    if any(s.contact_id for s in steps):
        record_access(request, alert.resident, ["emergency_contacts"], "emergency")
    return render(request, "safety/alert_detail.html", {
        "alert": alert, "steps": steps, "guidance": emergency.guidance(),
        "may_ack": alert.status in (AlertStatus.OPEN, AlertStatus.EXHAUSTED)
        and emergency.may_acknowledge(request.user, alert),
        "may_resolve": alert.status != AlertStatus.RESOLVED
        and (alert.raised_by_id == request.user.pk or selectors.is_care_staff_for(request.user, alert.resident)),
    })


@login_required
def rules_page(request, municipality_id: int):
    municipality = get_object_or_404(municipalities_for(request.user), pk=municipality_id)
    if not in_tenant(request.user, municipality.pk, emergency.RULE_ROLES):
        raise PermissionDenied
    rules = emergency.rules_for(municipality.pk)
    form = RulesForm(request.POST or None, initial={
        "ack_timeout_minutes": rules.ack_timeout_minutes, "check_in_grace_minutes": rules.check_in_grace_minutes,
        "check_out_grace_minutes": rules.check_out_grace_minutes})
    if request.method == "POST" and form.is_valid():
        roles = {k: request.POST.getlist(k) for k in ("inform_roles", "fallback_roles")}
        try:
            emergency.update_rules(municipality.pk, by=request.user, **form.cleaned_data, **roles)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("safety:rules", municipality_id=municipality.pk)
    from sasaeai.tenancy.models import Role

    return render(request, "safety/rules.html", {"municipality": municipality, "rules": rules, "form": form,
                                                 "roles": Role.choices})


# --- incidents --------------------------------------------------------------------------------

@login_required
def incident_list(request):
    items = selectors.incidents_for(request.user).select_related("insurance_policy")[:300]
    return render(request, "safety/incident_list.html", {"incidents": items})


@login_required
def incident_new(request, resident_id: int):
    resident = get_object_or_404(Resident, pk=resident_id)
    booking = None
    if request.GET.get("booking", "").isdigit() or request.POST.get("booking", "").isdigit():
        from sasaeai.requests.models import Booking

        booking = Booking.objects.filter(pk=int(request.GET.get("booking") or request.POST.get("booking")),
                                         request__recipient=resident).select_related("helper").first()
    if not incidents.may_report(request.user, resident, booking):
        raise Http404
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = incidents.report(by=request.user, resident=resident, booking=booking, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The incident was reported. The coordinator has been told."))
            return redirect("safety:incident", incident_id=incident.pk)
    return render(request, "safety/incident_new.html", {"resident": resident, "form": form, "booking": booking})


@login_required
def incident_detail(request, incident_id: int):
    incident = get_object_or_404(selectors.incidents_for(request.user).select_related("insurance_policy"),
                                 pk=incident_id)
    manage = selectors.scoped(Incident.objects.filter(pk=incident.pk), request.user).exists()
    policies = InsurancePolicy.objects.filter(municipality_id=incident.municipality_id)
    form = FollowUpForm(request.POST or None, initial={"status": incident.status})
    form.fields["policy"].choices = [("", "—"), *[(p.pk, str(p)) for p in policies]]
    if request.method == "POST":
        if not manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                incidents.follow_up(incident, by=request.user, status=form.cleaned_data["status"],
                                    note=form.cleaned_data["note"], policy_id=form.cleaned_data.get("policy"))
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("safety:incident", incident_id=incident.pk)
    if incident.resident_id:
        record_access(request, incident.resident, ["incident_description"], "incident")
    return render(request, "safety/incident_detail.html", {
        "incident": incident, "updates": incident.updates.select_related("by"), "form": form, "manage": manage})


# --- visit alerts ------------------------------------------------------------------------------

@login_required
def visit_alert_list(request):
    alerts = selectors.visit_alerts_for(request.user).select_related("booking")[:300]
    return render(request, "safety/visit_alerts.html", {"alerts": alerts})


@login_required
@require_POST
def visit_alert_resolve(request, alert_id: int):
    alert = get_object_or_404(selectors.visit_alerts_for(request.user), pk=alert_id)
    monitoring.resolve(alert, by=request.user)
    messages.success(request, _("Marked as resolved."))
    return redirect("safety:visit_alerts")


@login_required
def visit_alert_detail(request, alert_id: int):
    get_object_or_404(selectors.visit_alerts_for(request.user), pk=alert_id)
    return redirect("safety:visit_alerts")


# --- vetting ----------------------------------------------------------------------------------

@login_required
def standards_page(request, resident_id: int):
    """A helper agrees to the community standards before the first visit with a recipient."""
    from sasaeai.requests.selectors import helper_profile_of

    resident = get_object_or_404(Resident, pk=resident_id)
    profile = helper_profile_of(request.user)
    if profile is None or profile.municipality_id != resident.municipality_id:
        raise Http404
    from sasaeai.requests.models import Booking

    if not Booking.objects.filter(helper=profile, request__recipient=resident).exists():
        raise Http404
    agreed = vetting.has_agreed(profile, resident)
    if request.method == "POST" and not agreed:
        if request.POST.get("agree") != "yes":
            messages.error(request, _("Please tick the box to agree."))
        else:
            vetting.agree(profile, resident, by=request.user)
            messages.success(request, _("Thank you. You may now start the visit."))
            return redirect("safety:standards", resident_id=resident.pk)
    return render(request, "safety/standards.html", {"resident": resident, "standards": vetting.standards(),
                                                     "agreed": agreed, "version": vetting.STANDARDS_VERSION})


# --- account recovery ---------------------------------------------------------------------------

@login_required
@never_cache
def recovery_issue(request):
    if not request.user.has_perm("safety.issue_recovery_code"):
        raise PermissionDenied
    form = IssueRecoveryForm(request.POST or None)
    code = None
    if request.method == "POST" and form.is_valid():
        User = get_user_model()
        try:
            target = User.objects.get_by_login(form.cleaned_data["login"])
            proxy = (User.objects.get_by_login(form.cleaned_data["proxy_login"])
                     if form.cleaned_data["proxy_login"] else None)
        except User.DoesNotExist:
            form.add_error(None, _("No account you can help was found."))
        else:
            try:
                _record, code = recovery.issue(by=request.user, user=target, assisted_by=proxy, request=request,
                                               identity_check=form.cleaned_data["identity_check"])
            except PermissionDenied:
                form.add_error(None, _("No account you can help was found."))
            except ValidationError as exc:
                _errors(request, exc)
    return render(request, "safety/recovery_issue.html", {"form": form, "code": code,
                                                          "minutes": int(recovery.VALID_FOR.total_seconds() // 60)})


@sensitive_post_parameters("code", "new_password")
@never_cache
def recovery_redeem(request):
    form = RedeemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recovery.redeem(request=request, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your password was changed. Please log in."))
            return redirect("accounts:login")
    return render(request, "safety/recovery_redeem.html", {
        "form": form, "password_help": password_validation.password_validators_help_texts()})


# --- data subject requests ----------------------------------------------------------------------

@login_required
def subject_export(request, resident_id: int):
    resident, relation = resident_for(request.user, resident_id)
    if not (subject.may_handle(request.user, resident) or (relation == "self_side" and resident.user_id ==
                                                           request.user.pk)):
        raise PermissionDenied
    data = subject.export_resident(resident, by=request.user, request=request)
    record_access(request, resident, list(Resident.SENSITIVE_FIELDS) + ["emergency_contacts"], "subject_export",
                  channel=AccessLog.Channel.EXPORT)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="resident-{resident.pk}.json"'
    return response


@login_required
def subject_anonymise(request, resident_id: int):
    resident, _relation = resident_for(request.user, resident_id)
    if not subject.may_handle(request.user, resident):
        raise PermissionDenied
    if request.method == "POST":
        if request.POST.get("confirm") != "anonymise":
            messages.error(request, _("Type the word to confirm."))
        else:
            subject.anonymise_resident(resident, by=request.user, request=request)
            messages.success(request, _("The record was anonymised."))
            return redirect("safety:resident", resident_id=resident.pk)
    return render(request, "safety/anonymise.html", {"resident": resident})


# --- overview -----------------------------------------------------------------------------------

@login_required
def overview(request):
    """安全管理: open alerts, incidents and visit alerts for staff."""
    if not request.user.has_perm("safety.view_overview"):
        raise PermissionDenied
    return render(request, "safety/overview.html", {
        "alerts": selectors.alerts_for(request.user).exclude(status=AlertStatus.RESOLVED)[:50],
        "incidents": selectors.incidents_for(request.user).exclude(status="closed")[:50],
        "visit_alerts": selectors.visit_alerts_for(request.user).filter(resolved_at__isnull=True)[:50],
        "may_export": selectors.may_export_log(request.user),
        "municipalities": [m for m in municipalities_for(request.user)
                           if in_tenant(request.user, m.pk, emergency.RULE_ROLES)][:50],
    })


__all__ = ["EmergencyAlert", "VisitAlert"]


@login_required
def vetting_audit(request):
    """担い手審査の記録: identity, qualification, suspension and flag decisions with reasons,
    and community-standards agreements, for the helpers a coordinator reviews."""
    from sasaeai.helpers.models import HelperEvent
    from sasaeai.helpers.selectors import REVIEWER_ROLES, profiles_for_staff

    from .models import StandardsAgreement

    if not request.user.has_perm("safety.view_vetting_record"):
        raise PermissionDenied
    profiles = profiles_for_staff(request.user, REVIEWER_ROLES | {"operator"})
    events = (HelperEvent.objects.filter(profile__in=profiles).select_related("profile__user", "by")
              .order_by("-at", "-pk")[:300])
    agreements = (StandardsAgreement.objects.filter(helper__in=profiles).select_related("helper__user")
                  .order_by("-agreed_at")[:300])
    return render(request, "safety/vetting_audit.html", {"events": events, "agreements": agreements})
