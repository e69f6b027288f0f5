"""Pages of the partners app (thin: services write, selectors read).

The watch-over alert is built for a phone in at most three screens: (1) the form, (2) only
when an emergency sign is ticked, "call 119/110 first" with a confirmation, (3) the receipt."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sasaeai.core.pages import attempt
from sasaeai.needs.categories import NeedCategory
from sasaeai.tenancy.models import Area, Membership, Municipality

from . import selectors, services
from .models import (
    EMERGENCY_SIGNS,
    Agreement,
    AgreementItem,
    AgreementType,
    ItemReport,
    PartnerKind,
    PartnerProfile,
    Proposal,
    RegistrationScheme,
    RegistrationStatus,
    WarningSign,
)

User = get_user_model()


def _partner(request) -> PartnerProfile:
    if not request.user.has_perm("partners.report_alert"):
        raise PermissionDenied
    ids = selectors.own_partner_ids(request.user)
    wanted = request.POST.get("partner") or request.GET.get("partner")
    if wanted and str(wanted).isdigit() and int(wanted) in ids:
        return PartnerProfile.objects.select_related("organization", "municipality").get(pk=int(wanted))
    return PartnerProfile.objects.select_related("organization", "municipality").get(pk=ids[0])


@login_required
def alert_new(request):
    """見守り・気づきを知らせる (partner staff, on a phone)."""
    partner = _partner(request)
    areas = Area.objects.filter(municipality=partner.municipality, layer=Area.Layer.DAILY_LIFE).order_by("name")
    values = {"signs": request.POST.getlist("signs"), "text": request.POST.get("text", ""),
              "place": request.POST.get("place", ""), "area": request.POST.get("area", "")}
    errors: dict = {}
    emergency_step = False
    if request.method == "POST":
        area = areas.filter(pk=values["area"]).first() if values["area"].isdigit() else None
        try:
            services.alert_report(by=request.user, partner=partner, signs=values["signs"], text=values["text"],
                                  place=values["place"], area=area,
                                  emergency_called=request.POST.get("emergency_called") == "1")
        except ValidationError as exc:
            errors = {field: [e.message % (e.params or {}) for e in errs] for field, errs in exc.error_dict.items()}
            emergency_step = any(e.code == "call_emergency_first" for errs in exc.error_dict.values() for e in errs)
        else:
            messages.success(request, _("Thank you. Your report was received."))
            return redirect("partners:alerts")
    return render(request, "partners/alert_new.html", {
        "partner": partner, "areas": areas, "signs": WarningSign.choices, "emergency_signs": EMERGENCY_SIGNS,
        "values": values, "errors": errors, "emergency_step": emergency_step})


@login_required
def alert_receipts(request):
    """The reporter's receipts: received / handled, nothing about the household."""
    if not request.user.has_perm("partners.report_alert"):
        raise PermissionDenied
    return render(request, "partners/alerts.html", {"receipts": services.alert_receipts(request.user, 50)})


@login_required
def challenges(request):
    """企業向け課題: open challenges (registered partners) or the municipality's (staff)."""
    writable = selectors.managed_municipality_ids(request.user, selectors.CHALLENGE_ROLES)
    return render(request, "partners/challenges.html", {
        "challenges": selectors.challenges_for(request.user).order_by("-created_at")[:100],
        "can_write": writable is None or bool(writable)})


@login_required
def proposals(request):
    """提案: the partner's own proposals, or the municipality's for reviewers."""
    return render(request, "partners/proposals.html", {
        "proposals": selectors.proposals_for(request.user).order_by("-created_at")[:100]})


# --- Staff pages: registry, registrations, agreements, challenges, proposals ----------------
# Parse → authorise → call a service → render. Objects are fetched through the scoped
# selectors, so another municipality's (or another partner's) record answers 404.

def _date(value: str | None, field: str, errors: dict, *, required: bool = True):
    value = (value or "").strip()
    if not value:
        if required:
            errors.setdefault(field, []).append(_("This field is required."))
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors.setdefault(field, []).append(_("Enter a date as YYYY-MM-DD."))
        return None


def _int(value) -> int | None:
    value = str(value or "").strip()
    return int(value) if value.isdigit() and len(value) < 16 else None


def _need_view(request) -> None:
    if not request.user.has_perm("partners.view"):
        raise PermissionDenied


@login_required
def registry(request):
    """協力事業者の一覧: kind, registration status and expiry, with filters."""
    _need_view(request)
    kind = request.GET.get("kind", "") if request.GET.get("kind", "") in PartnerKind.values else ""
    status = request.GET.get("status", "")
    status = status if status in RegistrationStatus.values or status == "none" else ""
    q = request.GET.get("q", "").strip()[:100]
    rows = selectors.registry_for(request.user, kind=kind, status=status, q=q)
    waiting = (selectors.registrations_for(request.user).filter(status=RegistrationStatus.APPLIED)
               .filter(scheme__municipality_id__in=_managed_ids(request.user)) if _managed_ids(request.user)
               else selectors.registrations_for(request.user).none())
    return render(request, "partners/registry.html", {
        "rows": rows, "kinds": PartnerKind.choices, "statuses": RegistrationStatus.choices,
        "filters": {"kind": kind, "status": status, "q": q}, "waiting": waiting[:100],
        "can_register": request.user.has_perm("partners.register_organisation")})


def _managed_ids(user) -> list[int]:
    managed = selectors.managed_municipality_ids(user)
    if managed is None:
        return list(Municipality.objects.values_list("pk", flat=True))
    return list(managed)


@login_required
def partner_detail(request, pk: int):
    """One partner: profile, branches, registrations (review), agreements and proposals."""
    _need_view(request)
    partner = get_object_or_404(selectors.partners_for(request.user).prefetch_related("branches"), pk=pk)
    # The partner was fetched through the scoped selector: whoever sees it sees its registrations.
    registrations = partner.registrations.select_related("scheme").order_by("-applied_at", "-pk")
    manages = request.user.has_perm("partners.manage", partner.municipality)
    return render(request, "partners/partner.html", {
        "partner": partner, "registrations": registrations, "manages": manages,
        "own": partner.pk in selectors.own_partner_ids(request.user),
        "agreements": selectors.agreements_for(request.user).filter(parties=partner),
        "proposals": selectors.proposals_for(request.user).filter(partner=partner)[:50]})


@login_required
@require_POST
def registration_review(request, pk: int):
    """審査: approve, or decline with a reason (services.registration_review)."""
    registration = get_object_or_404(selectors.registrations_for(request.user).select_related("scheme__municipality"),
                                     pk=pk)
    if not request.user.has_perm("partners.manage", registration.scheme.municipality):
        raise PermissionDenied
    approve = request.POST.get("decision") == "approve"
    attempt(request, lambda: services.registration_review(by=request.user, registration=registration,
                                                           approve=approve, reason=request.POST.get("reason", "")),
             _("The registration was approved.") if approve else _("The application was declined."))
    return redirect("partners:partner", pk=registration.partner_id)


@login_required
@require_POST
def registration_renew(request, pk: int):
    registration = get_object_or_404(selectors.registrations_for(request.user).select_related("scheme__municipality"),
                                     pk=pk)
    if not request.user.has_perm("partners.manage", registration.scheme.municipality):
        raise PermissionDenied
    attempt(request, lambda: services.registration_renew(by=request.user, registration=registration),
             _("The registration was renewed."))
    return redirect("partners:partner", pk=registration.partner_id)


@login_required
def register(request):
    """自社を登録する (partner staff): the organisation's partner profile, then an application
    to one of the municipality's registration schemes."""
    if not request.user.has_perm("partners.register_organisation"):
        raise PermissionDenied
    organizations = list(selectors.own_organizations(request.user))
    profiles = {p.organization_id: p for p in PartnerProfile.objects.filter(organization__in=organizations)
                .select_related("organization", "municipality").prefetch_related("registrations", "branches")}
    values = {k: request.POST.get(k, "") for k in ("organization", "kind", "sectors", "contact_name",
                                                    "contact_phone", "contact_email", "branch_name",
                                                    "branch_address", "scheme", "partner", "categories")}
    errors: dict = {}
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "profile":
            org = next((o for o in organizations if o.pk == _int(values["organization"])), None)
            if org is None:
                errors = {"organization": [_("Choose your organisation.")]}
                messages.error(request, errors["organization"][0])
            else:
                branches = ([{"name": values["branch_name"], "address": values["branch_address"]}]
                            if values["branch_name"] or values["branch_address"] else [])
                ok, _p = attempt(request, lambda: services.partner_create(
                    by=request.user, organization=org, kind=values["kind"], sectors=values["sectors"],
                    contact_name=values["contact_name"], contact_phone=values["contact_phone"],
                    contact_email=values["contact_email"], branches=branches),
                    _("Your organisation is now a partner. Apply to a registration scheme below."), errors=errors)
                if ok:
                    return redirect("partners:register")
        elif action == "apply":
            partner = next((p for p in profiles.values() if p.pk == _int(values["partner"])), None)
            scheme = (RegistrationScheme.objects.filter(municipality=partner.municipality,
                                                        pk=_int(values["scheme"]) or 0).first()
                      if partner else None)
            if partner is None or scheme is None:
                errors = {"scheme": [_("Choose a registration scheme.")]}
                messages.error(request, errors["scheme"][0])
            else:
                ok, _r = attempt(request, lambda: services.registration_apply(
                    by=request.user, scheme=scheme, partner=partner, categories=values["categories"]),
                    _("Your application was sent. The municipality will review it."), errors=errors)
                if ok:
                    return redirect("partners:register")
    rows = []
    for org in organizations:
        profile = profiles.get(org.pk)
        schemes = list(RegistrationScheme.objects.filter(municipality_id=org.municipality_id)) if profile else []
        by_scheme = {r.scheme_id: r for r in profile.registrations.all()} if profile else {}
        rows.append({"organization": org, "profile": profile,
                     "schemes": [{"scheme": s, "registration": by_scheme.get(s.pk)} for s in schemes]})
    return render(request, "partners/register.html", {"rows": rows, "kinds": PartnerKind.choices,
                                                      "values": values, "errors": errors})


# --- Agreements --------------------------------------------------------------------------------

@login_required
def agreements(request):
    """協定の一覧 per fiscal year (by signing date, as the KPI counts)."""
    _need_view(request)
    qs = selectors.agreements_for(request.user)
    years = selectors.fiscal_years_of_agreements(qs)
    today = timezone.localdate()
    current = today.year if today.month >= 4 else today.year - 1
    year = _int(request.GET.get("fy"))
    year = year if year and 1990 <= year <= 2200 else (years[0] if years else current)
    shown = selectors.agreements_in_fiscal_year(qs, year).order_by("-signed_on", "-pk")
    return render(request, "partners/agreements.html", {
        "agreements": shown, "years": sorted(set(years) | {current, year}, reverse=True), "year": year,
        "can_add": bool(_managed_ids(request.user))})


def _municipality_for_manager(request) -> Municipality:
    ids = _managed_ids(request.user)
    if not ids:
        raise PermissionDenied
    wanted = _int(request.POST.get("m") or request.GET.get("m"))
    return Municipality.objects.get(pk=wanted if wanted in ids else min(ids))


@login_required
def agreement_new(request):
    """協定を登録する (the municipality's partner managers)."""
    municipality = _municipality_for_manager(request)
    parties = PartnerProfile.objects.filter(municipality=municipality).select_related("organization")
    staff_ids = Membership.objects.filter(municipality=municipality, role__in=selectors.CHALLENGE_ROLES) \
        .values_list("user_id", flat=True)
    contacts = User.objects.filter(pk__in=staff_ids).order_by("display_name", "pk")
    post = request.POST
    values = {"type": post.get("type", ""), "title": post.get("title", ""), "signed_on": post.get("signed_on", ""),
              "starts_on": post.get("starts_on", ""), "ends_on": post.get("ends_on", ""),
              "auto_renew": post.get("auto_renew") == "1", "contact_person": post.get("contact_person", ""),
              "items": post.get("items", ""), "parties": post.getlist("parties")}
    errors: dict = {}
    if request.method == "POST":
        signed_on = _date(values["signed_on"], "signed_on", errors)
        starts_on = _date(values["starts_on"], "starts_on", errors)
        ends_on = _date(values["ends_on"], "ends_on", errors, required=False)
        if errors:
            for texts in errors.values():
                for text in texts:
                    messages.error(request, text)
        else:
            chosen = list(parties.filter(pk__in=[i for i in map(_int, values["parties"]) if i]))
            contact = contacts.filter(pk=_int(values["contact_person"]) or 0).first()
            ok, agreement = attempt(request, lambda: services.agreement_create(
                by=request.user, municipality=municipality, type=values["type"], title=values["title"],
                parties=chosen, signed_on=signed_on, starts_on=starts_on, ends_on=ends_on,
                auto_renew=values["auto_renew"], contact_person=contact, items=values["items"].splitlines(),
                document=request.FILES.get("document")), _("The agreement was saved."), errors=errors)
            if ok:
                return redirect("partners:agreement", pk=agreement.pk)
    return render(request, "partners/agreement_form.html", {
        "municipality": municipality, "parties": parties, "contacts": contacts, "types": AgreementType.choices,
        "values": values, "errors": errors})


def _agreement(request, pk: int) -> Agreement:
    _need_view(request)
    return get_object_or_404(selectors.agreements_for(request.user).select_related("municipality"), pk=pk)


@login_required
def agreement_detail(request, pk: int):
    """協定: items, parties, the contact person, the signed document, yearly reports, renewal."""
    agreement = _agreement(request, pk)
    own = set(selectors.own_partner_ids(request.user)) & {p.pk for p in agreement.parties.all()}
    today = timezone.localdate()
    fiscal_year = today.year if today.month >= 4 else today.year - 1
    reports = ItemReport.objects.filter(item__agreement=agreement).select_related("partner__organization") \
        .order_by("-fiscal_year", "item__number", "pk")
    manages = request.user.has_perm("partners.manage", agreement.municipality)
    if not manages:  # a party sees its own reports only
        reports = reports.filter(partner_id__in=own)
    items = [{"item": item, "reports": [r for r in reports if r.item_id == item.pk]} for item in agreement.items.all()]
    return render(request, "partners/agreement.html", {
        "agreement": agreement, "items": items, "manages": manages,
        "own_parties": [p for p in agreement.parties.all() if p.pk in own], "fiscal_year": fiscal_year})


@login_required
def agreement_document(request, pk: int):
    """The signed document, for whoever may see the agreement."""
    agreement = _agreement(request, pk)
    if not agreement.document:
        raise Http404
    name = agreement.document.name.rsplit("/", 1)[-1]
    return FileResponse(agreement.document.open("rb"), as_attachment=True, filename=name)


@login_required
@require_POST
def agreement_upload(request, pk: int):
    agreement = _agreement(request, pk)
    if not request.user.has_perm("partners.manage", agreement.municipality):
        raise PermissionDenied
    attempt(request, lambda: services.agreement_attach_document(by=request.user, agreement=agreement,
                                                                 document=request.FILES.get("document")),
             _("The signed document was saved."))
    return redirect("partners:agreement", pk=agreement.pk)


@login_required
@require_POST
def agreement_renew(request, pk: int):
    agreement = _agreement(request, pk)
    if not request.user.has_perm("partners.manage", agreement.municipality):
        raise PermissionDenied
    errors: dict = {}
    ends_on = _date(request.POST.get("ends_on"), "ends_on", errors)
    if errors:
        messages.error(request, errors["ends_on"][0])
    else:
        attempt(request, lambda: services.agreement_renew(by=request.user, agreement=agreement, ends_on=ends_on),
                 _("The agreement was renewed."))
    return redirect("partners:agreement", pk=agreement.pk)


@login_required
@require_POST
def item_report(request, pk: int):
    """年次活動報告 on one collaboration item, by a party's staff."""
    item = get_object_or_404(AgreementItem.objects.select_related("agreement"),
                             pk=pk, agreement__in=selectors.agreements_for(request.user))
    partner = get_object_or_404(item.agreement.parties.all(), pk=_int(request.POST.get("partner")) or 0)
    year = _int(request.POST.get("fiscal_year"))
    if year is None or not 1990 <= year <= 2200:
        messages.error(request, _("Choose the fiscal year."))
    else:
        attempt(request, lambda: services.item_report(by=request.user, item=item, partner=partner, fiscal_year=year,
                                                       text=request.POST.get("text", "")),
                 _("Your activity report was saved."))
    return redirect("partners:agreement", pk=item.agreement_id)


# --- Challenges and proposals ------------------------------------------------------------------

@login_required
def challenge_new(request):
    """課題を書く from the gap map: category and district give the k-suppressed counts."""
    ids = selectors.managed_municipality_ids(request.user, selectors.CHALLENGE_ROLES)
    ids = list(Municipality.objects.values_list("pk", flat=True)) if ids is None else list(ids)
    if not ids:
        raise PermissionDenied
    wanted = _int(request.POST.get("m") or request.GET.get("m"))
    municipality = Municipality.objects.get(pk=wanted if wanted in ids else min(ids))
    if not request.user.has_perm("partners.write_challenge", municipality):
        raise PermissionDenied
    areas = Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE).order_by("name")
    data = request.POST if request.method == "POST" else request.GET
    values = {k: data.get(k, "") for k in ("category", "area", "title", "business_terms", "offer")}
    category = values["category"] if values["category"] in NeedCategory.values else ""
    area = areas.filter(pk=_int(values["area"]) or 0).first()
    errors: dict = {}
    if request.method == "POST":
        ok, challenge = attempt(request, lambda: services.challenge_create(
            by=request.user, municipality=municipality, category=values["category"], area=area,
            title=values["title"], business_terms=values["business_terms"], offer=values["offer"]),
            _("The challenge was published to registered partners."), errors=errors)
        if ok:
            return redirect("partners:challenge", pk=challenge.pk)
    preview = services.challenge_counts(municipality, area, category) if category else None
    return render(request, "partners/challenge_form.html", {
        "municipality": municipality, "areas": areas, "categories": NeedCategory.choices, "values": values,
        "errors": errors, "preview": preview})


@login_required
def challenge_detail(request, pk: int):
    """One challenge; registered partner staff answer it, reviewers see its proposals."""
    challenge = get_object_or_404(selectors.challenges_for(request.user), pk=pk)
    writes = request.user.has_perm("partners.write_challenge", challenge.municipality)
    own = selectors.own_partner_ids(request.user)
    partners = [p for p in PartnerProfile.objects.filter(pk__in=own, municipality=challenge.municipality)
                .select_related("organization") if selectors.is_registered(p.pk, challenge.municipality_id)]
    return render(request, "partners/challenge.html", {
        "challenge": challenge, "writes": writes, "partners": partners, "values": {}, "errors": {},
        "proposals": selectors.proposals_for(request.user).filter(challenge=challenge)})


@login_required
def propose(request, pk: int):
    """提案する (registered partner staff): description, where, price, start."""
    if not request.user.has_perm("partners.act_as_partner"):
        raise PermissionDenied
    challenge = get_object_or_404(selectors.challenges_answerable_by(request.user), pk=pk)
    own = selectors.own_partner_ids(request.user)
    partners = list(PartnerProfile.objects.filter(pk__in=own, municipality=challenge.municipality)
                    .select_related("organization"))
    values = {k: request.POST.get(k, "") for k in ("partner", "description", "area_text", "price", "starts_on")}
    errors: dict = {}
    if request.method == "POST":
        partner = next((p for p in partners if p.pk == _int(values["partner"])), partners[0] if partners else None)
        starts_on = _date(values["starts_on"], "starts_on", errors, required=False)
        if partner is None:
            errors["partner"] = [_("Only partners registered with the municipality can propose.")]
        if errors:
            for texts in errors.values():
                for text in texts:
                    messages.error(request, text)
        else:
            ok, proposal = attempt(request, lambda: services.proposal_submit(
                by=request.user, challenge=challenge, partner=partner, description=values["description"],
                area_text=values["area_text"], price=values["price"], starts_on=starts_on),
                _("Your proposal was sent. You will be told when it has been reviewed."), errors=errors)
            if ok:
                return redirect("partners:proposal", pk=proposal.pk)
    return render(request, "partners/challenge.html", {
        "challenge": challenge, "writes": False, "partners": partners, "values": values, "errors": errors,
        "proposals": selectors.proposals_for(request.user).filter(challenge=challenge)}, status=400 if errors else 200)


@login_required
@require_POST
def challenge_close(request, pk: int):
    challenge = get_object_or_404(selectors.challenges_for(request.user), pk=pk)
    if not request.user.has_perm("partners.write_challenge", challenge.municipality):
        raise PermissionDenied
    services.challenge_close(by=request.user, challenge=challenge)
    messages.success(request, _("The challenge was closed; it takes no more proposals."))
    return redirect("partners:challenge", pk=challenge.pk)


def _proposal(request, pk: int) -> Proposal:
    return get_object_or_404(selectors.proposals_for(request.user).select_related("challenge__municipality"), pk=pk)


@login_required
def proposal_detail(request, pk: int):
    """提案: reviewers accept / ask for changes / decline, track the pilot and publish it; the
    partner sees the decision and revises when changes were asked."""
    proposal = _proposal(request, pk)
    reviews = request.user.has_perm("partners.write_challenge", proposal.challenge.municipality)
    areas = Area.objects.filter(municipality=proposal.challenge.municipality, layer=Area.Layer.DAILY_LIFE)
    return render(request, "partners/proposal.html", {
        "proposal": proposal, "reviews": reviews, "areas": areas.order_by("name"),
        "own": proposal.partner_id in selectors.own_partner_ids(request.user)})


def _reviewer(request, proposal: Proposal) -> None:
    if not request.user.has_perm("partners.write_challenge", proposal.challenge.municipality):
        raise PermissionDenied


@login_required
@require_POST
def proposal_review(request, pk: int):
    proposal = _proposal(request, pk)
    _reviewer(request, proposal)
    attempt(request, lambda: services.proposal_review(by=request.user, proposal=proposal,
                                                       decision=request.POST.get("decision", ""),
                                                       reason=request.POST.get("reason", "")),
             _("Your review was saved and the partner can see it."))
    return redirect("partners:proposal", pk=proposal.pk)


@login_required
@require_POST
def proposal_progress(request, pk: int):
    proposal = _proposal(request, pk)
    progress = _int(request.POST.get("progress"))
    attempt(request, lambda: services.pilot_progress(by=request.user, proposal=proposal,
                                                      progress=progress if progress is not None else -1,
                                                      note=request.POST.get("note", "")),
             _("The pilot's progress was saved."))
    return redirect("partners:proposal", pk=proposal.pk)


@login_required
@require_POST
def proposal_live(request, pk: int):
    """The pilot runs: it becomes a directory resource linked to the needs it answers."""
    proposal = _proposal(request, pk)
    _reviewer(request, proposal)
    area = Area.objects.filter(municipality=proposal.challenge.municipality, layer=Area.Layer.DAILY_LIFE,
                               pk=_int(request.POST.get("area")) or 0).first()
    attempt(request, lambda: services.pilot_go_live(by=request.user, proposal=proposal, area=area),
             _("The service is now in the directory."))
    return redirect("partners:proposal", pk=proposal.pk)


@login_required
@require_POST
def proposal_revise(request, pk: int):
    proposal = _proposal(request, pk)
    if proposal.partner_id not in selectors.own_partner_ids(request.user):
        raise PermissionDenied
    errors: dict = {}
    starts_on = _date(request.POST.get("starts_on"), "starts_on", errors, required=False)
    if errors:
        messages.error(request, errors["starts_on"][0])
    else:
        attempt(request, lambda: services.proposal_revise(
            by=request.user, proposal=proposal, description=request.POST.get("description", ""),
            area_text=request.POST.get("area_text", ""), price=request.POST.get("price", ""), starts_on=starts_on),
            _("Your revised proposal was sent."))
    return redirect("partners:proposal", pk=proposal.pk)
