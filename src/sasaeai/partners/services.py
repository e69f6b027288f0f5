"""Every write of the partners app. Each public function validates first and is one
transaction: it writes everything or nothing and raises `ValidationError` (with a stable
`code`) or `PermissionDenied`."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sasaeai.core.suppression import k_public, suppress_table
from sasaeai.directory.models import Organization, Service
from sasaeai.directory.models import Status as ResourceStatus
from sasaeai.needs.categories import NeedCategory, resource_categories
from sasaeai.needs.models import OPEN_STATES, UNMET_STATES, Need, NeedSource, NeedStatus, Urgency
from sasaeai.tenancy.models import Area, Municipality
from sasaeai.tenancy.selectors import in_tenant

from . import selectors
from .models import (
    EMERGENCY_SIGNS,
    RENEWAL_REMINDER_DAYS,
    Agreement,
    AgreementItem,
    AgreementType,
    Challenge,
    ChallengeStatus,
    ItemReport,
    PartnerBranch,
    PartnerKind,
    PartnerProfile,
    Proposal,
    ProposalStatus,
    Registration,
    RegistrationScheme,
    RegistrationStatus,
    WarningSign,
    WatchAlert,
)

TEXT_MAX = 2000
REASON_MAX = 500


def _invalid(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _text(field: str, value: str | None, *, required: bool = True, limit: int = TEXT_MAX) -> str:
    text = (value or "").strip()
    if required and not text:
        raise _invalid(field, _("This field is required."), "required")
    if len(text) > limit:
        raise _invalid(field, _("Write at most %(n)s characters.") % {"n": limit}, "too_long")
    return text


def _require(user, perm: str, obj=None) -> None:
    if user is not None and not user.has_perm(perm, obj):
        raise PermissionDenied(_("You may not do this."))


def _own_partner(user, partner: PartnerProfile) -> None:
    if user is not None and partner.pk not in selectors.own_partner_ids(user) \
            and not user.has_perm("partners.manage", partner.municipality):
        raise PermissionDenied(_("You may only act for your own organisation."))


# --- Partner registry ----------------------------------------------------------------------

def partner_create(*, by, organization: Organization, kind: str, sectors: str = "", contact_name: str = "",
                   contact_phone: str = "", contact_email: str = "", branches: list[dict] | None = None,
                   demo_key: str | None = None) -> PartnerProfile:
    """協力事業者を登録する: the partner profile of a directory organisation, with its branches
    ({"name", "address", "location"}). The organisation's own staff or the municipality."""
    if kind not in PartnerKind.values:
        raise _invalid("kind", _("Choose the kind of partner."), "invalid_kind")
    if by is not None and organization.pk not in selectors.organization_ids_of(by) \
            and not by.has_perm("partners.manage", organization.municipality):
        raise PermissionDenied(_("You may only act for your own organisation."))
    rows = []
    for row in branches or []:
        name = _text("branches", row.get("name"), limit=200)
        address = _text("branches", row.get("address"), limit=200)
        location = row.get("location")
        if location is not None and location.municipality_id != organization.municipality_id:
            raise _invalid("branches", _("Choose a place of the organisation's own directory."), "invalid_location")
        rows.append((name, address, location))
    with transaction.atomic():
        if PartnerProfile.objects.select_for_update().filter(organization=organization).exists():
            raise _invalid("organization", _("This organisation is already a partner."), "already_partner")
        profile = PartnerProfile.objects.create(
            organization=organization, municipality_id=organization.municipality_id, kind=kind,
            sectors=_text("sectors", sectors, required=False, limit=300),
            contact_name=_text("contact_name", contact_name, required=False, limit=100),
            contact_phone=_text("contact_phone", contact_phone, required=False, limit=20),
            contact_email=_text("contact_email", contact_email, required=False, limit=254), demo_key=demo_key)
        PartnerBranch.objects.bulk_create(
            [PartnerBranch(partner=profile, name=n, address=a, location=loc) for n, a, loc in rows])
    return profile


# --- Registration schemes ------------------------------------------------------------------

def has_office_in(partner: PartnerProfile, municipality: Municipality) -> bool:
    """Eligibility "an office in the city": a branch whose address names the municipality, or
    whose directory place is one of the municipality's."""
    for branch in partner.branches.select_related("location"):
        if municipality.name and municipality.name in branch.address:
            return True
        if branch.location_id and branch.location.municipality_id == municipality.pk \
                and municipality.name in (branch.location.address or ""):
            return True
    return False


def registration_apply(*, by, scheme: RegistrationScheme, partner: PartnerProfile, categories: str = "",
                       demo_key: str | None = None) -> Registration:
    """登録申請. Refused when the scheme requires an office in the municipality and the partner
    has none there."""
    _own_partner(by, partner)
    if scheme.requires_local_office and not has_office_in(partner, scheme.municipality):
        raise _invalid("partner", _("This registration requires an office in %(city)s. Add a branch with "
                                    "its address in %(city)s first.") % {"city": scheme.municipality.name},
                       "no_local_office")
    categories = _text("categories", categories, required=False, limit=300)
    with transaction.atomic():
        existing = Registration.objects.select_for_update().filter(scheme=scheme, partner=partner).first()
        if existing is not None:
            if existing.status in (RegistrationStatus.APPLIED, RegistrationStatus.REGISTERED):
                raise _invalid("partner", _("This partner has already applied or is registered."), "already_applied")
            existing.status, existing.applied_at, existing.categories = (
                RegistrationStatus.APPLIED, timezone.now(), categories)
            existing.review_reason = ""
            existing.save()
            return existing
        return Registration.objects.create(scheme=scheme, partner=partner, categories=categories,
                                           demo_key=demo_key)


def registration_review(*, by, registration: Registration, approve: bool, reason: str = "",
                        today: date | None = None) -> Registration:
    """審査: approve (registered for the scheme's years) or decline with a reason."""
    _require(by, "partners.manage", registration.scheme.municipality)
    reason = _text("reason", reason, required=not approve, limit=REASON_MAX)
    today = today or timezone.localdate()
    with transaction.atomic():
        current = Registration.objects.select_for_update().select_related("scheme").get(pk=registration.pk)
        if current.status != RegistrationStatus.APPLIED:
            raise _invalid("status", _("Only an application waiting for review can be reviewed."), "not_applied")
        current.reviewed_by, current.review_reason = by, reason
        if approve:
            current.status = RegistrationStatus.REGISTERED
            current.registered_on = today
            current.expires_on = _add_years(today, current.scheme.years)
            current.reminded_on = None
        else:
            current.status = RegistrationStatus.DECLINED
        current.save()
    return current


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years) - timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28) - timedelta(days=1)


def registration_renew(*, by, registration: Registration) -> Registration:
    """更新: a registration in force (or expired) starts a new term from its expiry."""
    _require(by, "partners.manage", registration.scheme.municipality)
    with transaction.atomic():
        current = Registration.objects.select_for_update().select_related("scheme").get(pk=registration.pk)
        if current.status not in (RegistrationStatus.REGISTERED, RegistrationStatus.EXPIRED):
            raise _invalid("status", _("Only a registration in force or expired can be renewed."), "not_renewable")
        start = max(current.expires_on + timedelta(days=1), timezone.localdate()) \
            if current.status == RegistrationStatus.EXPIRED else current.expires_on + timedelta(days=1)
        current.status, current.expires_on = RegistrationStatus.REGISTERED, _add_years(start, current.scheme.years)
        current.renewals += 1
        current.reminded_on = None
        current.reviewed_by = by
        current.save()
    return current


def run_reminders(today: date | None = None) -> dict:
    """Daily: expire registrations past their date, remind 60 days before expiry (once), renew
    automatically renewing agreements that ended, remind agreements ending within 60 days."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=RENEWAL_REMINDER_DAYS)
    with transaction.atomic():
        expired = Registration.objects.filter(status=RegistrationStatus.REGISTERED, expires_on__lt=today).update(
            status=RegistrationStatus.EXPIRED)
        due = list(Registration.objects.filter(status=RegistrationStatus.REGISTERED, expires_on__lte=horizon,
                                               reminded_on__isnull=True)
                   .select_related("partner__organization", "scheme"))
        Registration.objects.filter(pk__in=[r.pk for r in due]).update(reminded_on=today)
        renewed = 0
        for agreement in Agreement.objects.select_for_update().filter(auto_renew=True, ends_on__lt=today):
            span = agreement.ends_on - agreement.starts_on
            while agreement.ends_on < today:
                agreement.starts_on = agreement.ends_on + timedelta(days=1)
                agreement.ends_on = agreement.starts_on + span
            agreement.reminded_on = None
            agreement.save(update_fields=["starts_on", "ends_on", "reminded_on"])
            renewed += 1
        ending = list(Agreement.objects.filter(ends_on__gte=today, ends_on__lte=horizon, reminded_on__isnull=True,
                                               auto_renew=False).select_related("contact_person"))
        Agreement.objects.filter(pk__in=[a.pk for a in ending]).update(reminded_on=today)
    _notify_reminders(due, ending)
    return {"expired": expired, "registration_reminders": len(due), "agreements_renewed": renewed,
            "agreement_reminders": len(ending)}


def _notify_reminders(registrations, agreements) -> None:
    from sasaeai.notifications.services import notify

    for registration in registrations:
        for user in registration.partner.organization.members.all():
            with _in_language_of(user):
                subject = _("Your registration expires on %(day)s") % {"day": registration.expires_on}
                body = _("Apply for renewal of “%(scheme)s”.") % {"scheme": registration.scheme.name}
            notify(user, "partners_registration_renewal", {"subject": subject, "body": body, "url": "/partners/"})
    for agreement in agreements:
        with _in_language_of(agreement.contact_person):
            subject = _("An agreement ends on %(day)s") % {"day": agreement.ends_on}
        notify(agreement.contact_person, "partners_agreement_expiry", {
            "subject": subject, "body": agreement.title, "url": f"/partners/agreements/{agreement.pk}/"})


def _in_language_of(user):
    """The words of a notice are fixed when it is sent: in the recipient's language, not in
    the language of whoever (or whichever monitor) caused it."""
    return translation.override(getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE)


# --- Agreements ----------------------------------------------------------------------------

def agreement_create(*, by, municipality: Municipality, type: str, title: str, parties: list[PartnerProfile],
                     signed_on: date, starts_on: date, ends_on: date | None, auto_renew: bool, contact_person,
                     items: list[str], document=None, demo_key: str | None = None) -> Agreement:
    """協定を登録する, with its numbered collaboration items (1, 2, …)."""
    _require(by, "partners.manage", municipality)
    errors: dict[str, list] = {}
    if type not in AgreementType.values:
        errors["type"] = [ValidationError(_("Choose the type of agreement."), code="invalid_type")]
    if not (title or "").strip() or len(title) > 200:
        errors["title"] = [ValidationError(_("Give the agreement a title (at most 200 characters)."),
                                           code="invalid_title")]
    if not parties:
        errors["parties"] = [ValidationError(_("Choose at least one partner."), code="no_parties")]
    elif any(p.municipality_id != municipality.pk for p in parties):
        errors["parties"] = [ValidationError(_("Choose partners of this municipality."), code="party_other_municipality")]
    if ends_on is not None and starts_on is not None and ends_on < starts_on:
        errors["ends_on"] = [ValidationError(_("The agreement cannot end before it starts."), code="ends_before_start")]
    if auto_renew and ends_on is None:
        errors["auto_renew"] = [ValidationError(_("Automatic renewal needs an end date."), code="renew_without_end")]
    if contact_person is None or not in_tenant(contact_person, municipality.pk, selectors.CHALLENGE_ROLES) \
            or getattr(contact_person, "is_operator", False):
        errors["contact_person"] = [ValidationError(
            _("Choose the municipality's contact person from its own staff."), code="invalid_contact")]
    if document is not None:
        try:
            _check_document(document)
        except ValidationError as exc:
            errors.update(exc.error_dict)
    clean_items = [(i or "").strip() for i in items if (i or "").strip()]
    if not clean_items:
        errors["items"] = [ValidationError(_("Write at least one collaboration item."), code="no_items")]
    elif any(len(i) > 500 for i in clean_items):
        errors["items"] = [ValidationError(_("Write at most %(n)s characters.") % {"n": 500}, code="too_long")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        agreement = Agreement.objects.create(
            municipality=municipality, type=type, title=title.strip(), signed_on=signed_on, starts_on=starts_on,
            ends_on=ends_on, auto_renew=auto_renew, contact_person=contact_person, demo_key=demo_key)
        if document is not None:
            agreement.document.save(getattr(document, "name", "agreement.pdf"), document, save=True)
        agreement.parties.set(parties)
        AgreementItem.objects.bulk_create(
            [AgreementItem(agreement=agreement, number=n, text=text) for n, text in enumerate(clean_items, 1)])
    return agreement


#: Signed documents: a scan or PDF, at most 10 MB.
DOCUMENT_EXTENSIONS = (".pdf", ".png", ".jpg", ".jpeg")
DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


#: The first bytes of each accepted kind of file (the name alone proves nothing).
DOCUMENT_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff")


def _check_document(document) -> str:
    """The lower-cased file name of an acceptable signed document, or `ValidationError`."""
    name = (getattr(document, "name", "") or "").lower()
    if document is None or not name.endswith(DOCUMENT_EXTENSIONS):
        raise _invalid("document", _("Upload the signed document as a PDF, PNG or JPEG file."), "invalid_document")
    if (getattr(document, "size", 0) or 0) > DOCUMENT_MAX_BYTES:
        raise _invalid("document", _("The file is too large (at most 10 MB)."), "document_too_large")
    document.seek(0)
    head = document.read(4)
    document.seek(0)
    if not head.startswith(DOCUMENT_MAGIC):
        raise _invalid("document", _("Upload the signed document as a PDF, PNG or JPEG file."), "invalid_document")
    return name


def agreement_attach_document(*, by, agreement: Agreement, document) -> Agreement:
    """調印済み文書を登録する (replaces an earlier one): a PDF or a scan."""
    _require(by, "partners.manage", agreement.municipality)
    name = _check_document(document)
    with transaction.atomic():
        current = Agreement.objects.select_for_update().get(pk=agreement.pk)
        old = current.document.name if current.document else ""
        current.document.save(f"agreement-{current.pk}{name[name.rfind('.'):]}", document, save=True)
    if old and old != current.document.name:
        current.document.storage.delete(old)
    return current


def agreement_renew(*, by, agreement: Agreement, ends_on: date | None) -> Agreement:
    """更新: the agreement continues to a new end date (after the current one), and a new
    expiry reminder will be sent."""
    _require(by, "partners.manage", agreement.municipality)
    with transaction.atomic():
        current = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if ends_on is None:
            raise _invalid("ends_on", _("Give the new end date."), "required")
        if ends_on < current.starts_on:
            raise _invalid("ends_on", _("The agreement cannot end before it starts."), "ends_before_start")
        if current.ends_on is not None and ends_on <= current.ends_on:
            raise _invalid("ends_on", _("The new end date must be after the current one (%(day)s).")
                           % {"day": current.ends_on}, "not_later")
        current.ends_on, current.reminded_on = ends_on, None
        current.save(update_fields=["ends_on", "reminded_on"])
    return current


def item_report(*, by, item: AgreementItem, partner: PartnerProfile, fiscal_year: int, text: str) -> ItemReport:
    """連携項目の年次活動報告 by a party of the agreement (one per item, partner and year)."""
    _own_partner(by, partner)
    if not item.agreement.parties.filter(pk=partner.pk).exists():
        raise PermissionDenied(_("Only a party to the agreement reports on it."))
    text = _text("text", text, limit=4000)
    with transaction.atomic():
        report, _created = ItemReport.objects.update_or_create(
            item=item, partner=partner, fiscal_year=fiscal_year, defaults={"text": text, "by": by})
    return report


# --- Watch-over alerts ---------------------------------------------------------------------

def alert_urgency(signs: list[str]) -> str:
    if set(signs) & EMERGENCY_SIGNS:
        return Urgency.URGENT
    return Urgency.HIGH if len(set(signs)) >= 3 else Urgency.NORMAL


def _nearest_area(municipality: Municipality, lat: float, lon: float) -> Area | None:
    areas = list(Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE))
    return min(areas, key=lambda a: (a.center_lat - lat) ** 2 + (a.center_lon - lon) ** 2, default=None)


def alert_report(*, by, partner: PartnerProfile, signs: list[str], text: str = "", place: str = "",
                 area: Area | None = None, lat: float | None = None, lon: float | None = None,
                 emergency_called: bool = False, demo_key: str | None = None) -> WatchAlert:
    """見守り・気づきを知らせる. Becomes a need (見守り) of the area, routed by the register to the
    area's SC and 地域包括支援センター. An emergency sign is refused until the reporter confirms
    that 119/110 has been called (`emergency_called`), so nothing is saved before that."""
    if by is not None and partner.pk not in selectors.own_partner_ids(by):
        raise PermissionDenied(_("You may only report for your own organisation."))
    signs = list(dict.fromkeys(signs or []))
    if any(s not in WarningSign.values for s in signs):
        raise _invalid("signs", _("Choose the signs from the list."), "invalid_sign")
    text = _text("text", text, required=False)
    place = _text("place", place, required=False, limit=200)
    if not signs and not text:
        raise _invalid("signs", _("Tick what you noticed or write it down."), "nothing_noticed")
    municipality = partner.municipality
    if area is None and lat is not None and lon is not None:
        area = _nearest_area(municipality, lat, lon)
    if not place and (lat is None or lon is None):
        raise _invalid("place", _("Give an address or a landmark so someone can find the household."), "no_place")
    if area is None:
        raise _invalid("area", _("Choose the district."), "area_required")
    if area.municipality_id != municipality.pk or area.layer != Area.Layer.DAILY_LIFE:
        raise _invalid("area", _("Choose a district of this municipality."), "invalid_area")
    emergency = bool(set(signs) & EMERGENCY_SIGNS)
    if emergency and not emergency_called:
        raise _invalid("signs", _("This is an emergency: call 119 (ambulance, fire) or 110 (police) first, "
                                  "then confirm and send."), "call_emergency_first")
    from sasaeai.needs.services import need_create

    lines = [str(WarningSign(s).label) for s in signs]
    description = "\n".join([_("Watch-over alert from %(partner)s") % {"partner": partner.organization.name},
                             *[f"・{line}" for line in lines], *( [text] if text else []),
                             _("Place: %(place)s") % {"place": place or f"{lat:.5f}, {lon:.5f}"}])
    with transaction.atomic():
        need = need_create(by=None, municipality=municipality, area=area, category=NeedCategory.WATCHING,
                           description=description[:2000], source=NeedSource.PARTNER,
                           urgency=alert_urgency(signs), lat=lat, lon=lon)
        alert = WatchAlert.objects.create(municipality=municipality, area=area, partner=partner, reporter=by,
                                          signs=signs, emergency=emergency, need=need, demo_key=demo_key)
    _notify_alert(alert)
    return alert


def _notify_alert(alert: WatchAlert) -> None:
    """Tell the area's SC and 地域包括支援センター: a link to the need, no household data."""
    from sasaeai.notifications.services import notify
    from sasaeai.tenancy.models import Membership, Role

    members = Membership.objects.filter(
        municipality_id=alert.municipality_id, role__in=[Role.COORDINATOR_L2, Role.SUPPORT_CENTER],
        areas=alert.area).select_related("user")
    for membership in members:
        with _in_language_of(membership.user):
            subject = _("New watch-over alert (%(urgency)s)") % {"urgency": alert.need.get_urgency_display()}
            body = _("A partner reported warning signs. Open the need to see what was noticed.")
        notify(membership.user, "partners_watch_alert", {"subject": subject, "body": body,
                                                          "url": f"/needs/{alert.need_id}/"})


HANDLED_STATES = frozenset({NeedStatus.CONNECTED, NeedStatus.RESOLVED, NeedStatus.CLOSED})


def alert_status_for_reporter(alert: WatchAlert) -> str:
    """"received" or "handled" — the only thing the reporter learns."""
    status = Need.objects.filter(pk=alert.need_id).values_list("status", flat=True).first()
    return "handled" if status in HANDLED_STATES else "received"


def alert_receipts(user, limit: int) -> list[dict]:
    """The reporter's receipts, newest first, in one query: {"id", "at", "status"} with status
    "received" or "handled" (`alert_status_for_reporter`'s rule); nothing else of the need."""
    rows = selectors.alert_receipts_for(user).values_list("pk", "created_at", "need__status")[:limit]
    return [{"id": pk, "at": at, "status": "handled" if status in HANDLED_STATES else "received"}
            for pk, at, status in rows]


def notify_alert_handled(need_id: int, from_status: str, to_status: str) -> None:
    """Tell the reporter of the watch-over alert that became need `need_id` that it was
    handled, when the need has just moved into a handled state (`HANDLED_STATES`) from one
    that was not: once per follow-up, not again when a connected need is resolved."""
    from sasaeai.notifications.services import notify

    if to_status not in HANDLED_STATES or from_status in HANDLED_STATES:
        return
    alert = WatchAlert.objects.filter(need_id=need_id).select_related("reporter").first()
    if alert is None or alert.reporter is None or not alert.reporter.is_active:
        return
    notify(alert.reporter, "partners.alert_handled", {
        "reported_on": timezone.localtime(alert.created_at).date(), "url": "/partners/alerts/"})


# --- Challenges and proposals ---------------------------------------------------------------

#: The counts a challenge shows, as the columns of the gap-map table of its category.
CHALLENGE_COLUMNS = ("open", "unmet", "connected")


def challenge_counts(municipality: Municipality, area: Area | None, category: str, k: int | None = None) -> dict:
    """The gap-map counts of a need category (open, unmet, connected, total) in one district, or
    in the whole municipality when `area` is None, k-suppressed (None where fewer than k
    people, or where the entry could be worked out from what is shown).

    Every challenge of a category reads ONE table — the daily-life districts × (open, unmet,
    connected, the rest) — suppressed as a whole by `suppress_table`: a district's challenge
    shows its row, the municipality's shows the column totals. A partner reading several
    challenges side by side therefore cannot subtract one district from the municipality to
    find a small count (suppressing each challenge's row on its own allowed exactly that)."""
    k = k or k_public()
    area_ids = list(Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE)
                    .order_by("pk").values_list("pk", flat=True))
    rows = {r["area_id"]: r for r in (
        Need.objects.filter(municipality=municipality, category=category).order_by().values("area_id")
        .annotate(open=Count("pk", filter=Q(status__in=OPEN_STATES)),
                  unmet=Count("pk", filter=Q(status__in=UNMET_STATES)),
                  connected=Count("pk", filter=Q(status=NeedStatus.CONNECTED)), total=Count("pk")))}
    cells = []
    for pk in area_ids or [None]:
        row = rows.get(pk) or {"open": 0, "unmet": 0, "connected": 0, "total": 0}
        shown = [row[c] for c in CHALLENGE_COLUMNS]
        cells.append([*shown, row["total"] - sum(shown)])  # the rest (resolved, closed): never shown
    table = suppress_table(cells, k)
    if area is None:
        counts, total = table.col_totals, table.total
    else:
        i = area_ids.index(area.pk)
        counts, total = table.cells[i], table.row_totals[i]
    return {**dict(zip(CHALLENGE_COLUMNS, counts, strict=False)), "total": total, "k": k}


def challenge_create(*, by, municipality: Municipality, category: str, title: str, business_terms: str,
                     offer: str = "", area: Area | None = None, demo_key: str | None = None) -> Challenge:
    """課題を書く (from the gap map): the need in business terms, with suppressed counts."""
    _require(by, "partners.write_challenge", municipality)
    if category not in NeedCategory.values:
        raise _invalid("category", _("Choose the kind of need."), "invalid_category")
    if area is not None and (area.municipality_id != municipality.pk or area.layer != Area.Layer.DAILY_LIFE):
        raise _invalid("area", _("Choose a district of this municipality."), "invalid_area")
    title = _text("title", title, limit=200)
    business_terms = _text("business_terms", business_terms, limit=4000)
    offer = _text("offer", offer, required=False)
    with transaction.atomic():
        return Challenge.objects.create(
            municipality=municipality, area=area, category=category, title=title, business_terms=business_terms,
            offer=offer, counts=challenge_counts(municipality, area, category), created_by=by, demo_key=demo_key)


def challenge_close(*, by, challenge: Challenge) -> Challenge:
    _require(by, "partners.write_challenge", challenge.municipality)
    Challenge.objects.filter(pk=challenge.pk).update(status=ChallengeStatus.CLOSED)
    challenge.refresh_from_db()
    return challenge


def proposal_submit(*, by, challenge: Challenge, partner: PartnerProfile, description: str, area_text: str,
                    price: str = "", starts_on: date | None = None, demo_key: str | None = None) -> Proposal:
    """提案する: a registered partner answers an open challenge."""
    if by is not None and partner.pk not in selectors.own_partner_ids(by):
        raise PermissionDenied(_("You may only propose for your own organisation."))
    description = _text("description", description, limit=4000)
    area_text = _text("area_text", area_text, limit=200)
    price = _text("price", price, required=False, limit=100)
    with transaction.atomic():
        current = Challenge.objects.select_for_update().get(pk=challenge.pk)
        if current.status != ChallengeStatus.OPEN:
            raise _invalid("challenge", _("This challenge is closed; it takes no more proposals."), "challenge_closed")
        if not selectors.is_registered(partner.pk, current.municipality_id):
            raise _invalid("partner", _("Only partners registered with the municipality can propose."),
                           "not_registered")
        return Proposal.objects.create(challenge=current, partner=partner, description=description,
                                       area_text=area_text, price=price, starts_on=starts_on, submitted_by=by,
                                       demo_key=demo_key)


def proposal_revise(*, by, proposal: Proposal, description: str, area_text: str, price: str = "",
                    starts_on: date | None = None) -> Proposal:
    """After "changes asked": the partner revises and the proposal is submitted again."""
    if by is not None and proposal.partner_id not in selectors.own_partner_ids(by):
        raise PermissionDenied(_("You may only change your own organisation's proposals."))
    description = _text("description", description, limit=4000)
    area_text = _text("area_text", area_text, limit=200)
    with transaction.atomic():
        current = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if current.status != ProposalStatus.CHANGES:
            raise _invalid("status", _("Only a proposal with changes asked can be revised."), "not_revisable")
        current.description, current.area_text, current.price, current.starts_on = (
            description, area_text, _text("price", price, required=False, limit=100), starts_on)
        current.status = ProposalStatus.SUBMITTED
        current.save()
    return current


REVIEW_DECISIONS = {"accept": ProposalStatus.PILOT, "changes": ProposalStatus.CHANGES,
                    "decline": ProposalStatus.DECLINED}


def proposal_review(*, by, proposal: Proposal, decision: str, reason: str = "") -> Proposal:
    """審査: accept (→ pilot), ask for changes, or decline — the last two with a reason."""
    _require(by, "partners.write_challenge", proposal.challenge.municipality)
    if decision not in REVIEW_DECISIONS:
        raise _invalid("decision", _("Choose accept, ask for changes or decline."), "invalid_decision")
    reason = _text("reason", reason, required=decision != "accept", limit=REASON_MAX)
    with transaction.atomic():
        current = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if current.status != ProposalStatus.SUBMITTED:
            raise _invalid("status", _("Only a submitted proposal can be reviewed."), "not_submitted")
        current.status, current.review_reason, current.reviewed_by = REVIEW_DECISIONS[decision], reason, by
        current.save()
    return current


def pilot_progress(*, by, proposal: Proposal, progress: int, note: str = "") -> Proposal:
    """試行の進捗 (0–100 %), by the partner or the reviewers."""
    if by is not None and proposal.partner_id not in selectors.own_partner_ids(by):
        _require(by, "partners.write_challenge", proposal.challenge.municipality)
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        raise _invalid("progress", _("Progress is a percentage from 0 to 100."), "invalid_progress")
    note = _text("note", note, required=False, limit=500)
    with transaction.atomic():
        current = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if current.status != ProposalStatus.PILOT:
            raise _invalid("status", _("Only a pilot has progress."), "not_pilot")
        current.progress, current.progress_note = progress, note
        current.save(update_fields=["progress", "progress_note"])
    return current


def pilot_go_live(*, by, proposal: Proposal, area: Area | None = None) -> Service:
    """実施へ: the pilot becomes a published directory resource of the partner's organisation,
    and the challenge's open and unmet needs are connected to it (linked back)."""
    from sasaeai.directory.services import save_service
    from sasaeai.needs.services import need_connect

    challenge = proposal.challenge
    _require(by, "partners.write_challenge", challenge.municipality)
    area = area or challenge.area
    if area is None:
        raise _invalid("area", _("Choose the district where the service runs."), "area_required")
    categories = resource_categories(challenge.category)
    with transaction.atomic():
        current = Proposal.objects.select_for_update().select_related("partner__organization").get(pk=proposal.pk)
        if current.status != ProposalStatus.PILOT:
            raise _invalid("status", _("Only an accepted pilot can go into the directory."), "not_pilot")
        resource = save_service(by=None, municipality=challenge.municipality, values={
            "name": f"{current.partner.organization.name}: {challenge.title}"[:200],
            "description": current.description, "category": categories[0] if categories else "store",
            "area": area, "organization": current.partner.organization, "status": ResourceStatus.PUBLISHED,
            "cost_note": current.price})
        current.status, current.resource, current.progress = ProposalStatus.RUNNING, resource, 100
        current.save(update_fields=["status", "resource", "progress"])
        needs = Need.objects.filter(municipality=challenge.municipality, category=challenge.category,
                                    status__in=OPEN_STATES | UNMET_STATES)
        if challenge.area_id:
            needs = needs.filter(area_id=challenge.area_id)
        for need in needs[:200]:
            need_connect(need=need, by=None, target=resource,
                         note=_("Answered by a partner's proposal (challenge #%(n)s)") % {"n": challenge.pk})
    return resource


# --- National market view -------------------------------------------------------------------

def national_view(k: int | None = None) -> dict:
    """The operator's view: needs by category across municipalities and prefectures, with
    primary and complementary suppression (k public)."""
    k = k or k_public()
    rows = (Need.objects.values("municipality__prefecture", "category").annotate(n=Count("pk"))
            .order_by("municipality__prefecture", "category"))
    prefectures = sorted({r["municipality__prefecture"] for r in rows})
    categories = list(NeedCategory.values)
    grid = {(r["municipality__prefecture"], r["category"]): r["n"] for r in rows}
    cells = [[grid.get((p, c), 0) for c in categories] for p in prefectures]
    table = suppress_table(cells, k) if cells else None
    return {"prefectures": prefectures, "categories": categories, "table": table, "k": k}
