"""Every write of the tenancy app: municipalities, areas, memberships and the staff
administration of a municipality (invite, change role and areas, end and restart a membership,
reset the second factor, edit areas). Each public function is one transaction: it validates
first, writes everything or nothing, and raises `ValidationError` (with a stable `code`).
Staff-administration writes also write an audit event (`safety.AuditEvent`: who, when, what,
before/after, reason) in the same transaction; they hold ids and codes, never names or emails."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import selectors
from .models import (
    ADMIN_ROLES,
    AREA_REQUIRED_ROLES,
    GRANTABLE_ROLES,
    Area,
    Invitation,
    Membership,
    Municipality,
    Role,
)

#: Days an invitation link stays valid (setting SASAEAI_INVITATION_DAYS).
INVITATION_DAYS = 7


def _save(obj, *, unique_message: str | None = None) -> None:
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:  # a concurrent writer won the race the clean() check saw free
        raise ValidationError(unique_message or _("This conflicts with an existing record.")) from exc


@transaction.atomic
def create_municipality(
    *, code: str, name: str, name_kana: str, prefecture: str, population: int,
    population_65_plus: int, population_75_plus: int, center_lat: float, center_lon: float,
    is_synthetic: bool = False,
) -> Municipality:
    """Create a municipality together with its one layer-1 area (the whole municipality)."""
    municipality = Municipality(
        code=code, name=name, name_kana=name_kana, prefecture=prefecture, population=population,
        population_65_plus=population_65_plus, population_75_plus=population_75_plus,
        is_synthetic=is_synthetic,
    )
    _save(municipality, unique_message=_("A municipality with this code already exists."))
    layer1 = Area(
        municipality=municipality, layer=Area.Layer.MUNICIPALITY, name=name, name_kana=name_kana,
        center_lat=center_lat, center_lon=center_lon, population_65_plus=population_65_plus,
    )
    _save(layer1)
    return municipality


def create_area(
    *, municipality: Municipality, name: str, center_lat: float, center_lon: float,
    layer: int = Area.Layer.DAILY_LIFE, name_kana: str = "", boundary: dict | None = None,
    population_65_plus: int = 0,
) -> Area:
    """Create an area. Layer 2 areas hang under the municipality's layer-1 area."""
    parent = None
    if layer == Area.Layer.DAILY_LIFE:
        parent = municipality.layer1_area
        if parent is None:
            raise ValidationError({"parent": _("Create the municipality's layer-1 area first.")})
    area = Area(
        municipality=municipality, layer=layer, name=name, name_kana=name_kana, parent=parent,
        center_lat=center_lat, center_lon=center_lon, boundary=boundary,
        population_65_plus=population_65_plus,
    )
    _save(area, unique_message=_("This municipality already has an area of that name, or its layer-1 area."))
    return area


@transaction.atomic
def create_membership(
    *, user, municipality: Municipality | None, role: str, areas: Iterable[Area] = ()
) -> Membership:
    """Give a user a role in a municipality, optionally limited to some of its areas."""
    areas = list(areas)
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    foreign = [a for a in areas if municipality is None or a.municipality_id != municipality.pk]
    if foreign:
        raise ValidationError({"areas": _("Every area must belong to the membership's municipality.")})
    membership = Membership(user=user, municipality=municipality, role=role)
    _save(membership, unique_message=_("The user already has this role in this municipality."))
    if areas:
        membership.areas.set(areas)
    from .selectors import forget_memberships

    forget_memberships(user)
    return membership


# --- Staff administration (municipal administrators, operators) ------------------------------


def _invalid(field: str, message, code: str) -> ValidationError:
    """A field error that keeps its stable code (the API reports it)."""
    return ValidationError({field: ValidationError(message, code=code)})


def _audit(by, action: str, *, municipality_id, target, request=None, **details):
    from sasaeai.safety.events import audit

    return audit(by, action, municipality_id=municipality_id, target=target,
                 details={k: v for k, v in details.items() if v not in (None, "")}, request=request)


def _require_admin(by, municipality_id: int | None) -> None:
    """Only a municipal administrator of that municipality or an operator; operators' own
    memberships (no municipality) are never managed here."""
    if municipality_id is None or not selectors.in_tenant(by, municipality_id, ADMIN_ROLES):
        raise PermissionDenied


def _check_role(role: str) -> None:
    if role not in GRANTABLE_ROLES:
        raise _invalid("role", _("This role cannot be given here."), "role_not_grantable")


def _check_areas(municipality_id: int, role: str, areas: list[Area]) -> None:
    if any(a.municipality_id != municipality_id or a.layer != Area.Layer.DAILY_LIFE for a in areas):
        raise _invalid("areas", _("Choose daily-life areas of this municipality."), "area_foreign")
    if role in AREA_REQUIRED_ROLES and not areas:
        raise _invalid("areas", _("A layer-2 coordinator needs at least one area."), "areas_required")


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise _invalid("reason", _("Enter the reason."), "reason_required")
    return reason[:500]


def _keep_one_admin(membership: Membership) -> None:
    """Refuse to end or change the last municipal administrator of a municipality. The
    administrators' rows are locked in id order, before the membership itself, so two
    administrators ending each other at the same moment queue (neither deadlocks) and the
    second sees the first's end. A membership's role never changes in place, so the role read
    before the lock is the role."""
    if membership.role != Role.MUNICIPAL_ADMIN:
        return
    admins = list(
        Membership.objects.select_for_update()
        .filter(municipality_id=membership.municipality_id, role=Role.MUNICIPAL_ADMIN)
        .order_by("pk").values_list("pk", flat=True)
    )
    if membership.pk in admins and len(admins) == 1:
        raise ValidationError(
            _("At least one municipal administrator must remain. Give the role to someone else first."),
            code="last_admin",
        )


def _locked_active(membership: Membership) -> Membership:
    locked = Membership.history.select_for_update().filter(pk=membership.pk).first()
    if locked is None or locked.ended_at is not None:
        raise ValidationError(_("This membership has already ended."), code="membership_ended")
    return locked


def _area_ids(membership: Membership) -> list[int]:
    return sorted(membership.areas.values_list("pk", flat=True))


def token_hash(token: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:invitation:{token}".encode()).hexdigest()


def _invitation_url(token: str, request=None) -> str:
    path = reverse("accounts:invitation", args=[token])
    if request is not None:
        return request.build_absolute_uri(path)
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def _send_invitation(*, by, membership: Membership, request=None) -> Invitation:
    from sasaeai.notifications import notify

    token = secrets.token_urlsafe(32)
    days = getattr(settings, "SASAEAI_INVITATION_DAYS", INVITATION_DAYS)
    invitation = Invitation.objects.create(
        membership=membership, token_hash=token_hash(token), invited_by=by,
        expires_at=timezone.now() + timedelta(days=days),
    )
    user = membership.user
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        role_label = str(membership.get_role_display())
    notify(user, "tenancy.invitation", {
        "url": _invitation_url(token, request), "municipality": membership.municipality.name,
        "role": role_label, "expires": timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d %H:%M"),
    })
    return invitation


@transaction.atomic
def staff_invite(
    *, by, municipality: Municipality, email: str, display_name: str, role: str,
    areas: Iterable[Area] = (), request=None,
) -> Invitation:
    """Invite a new staff member: an account without a password, the membership, and a
    one-time link (by notification) to set a password; the first log-in enrols TOTP."""
    _require_admin(by, municipality.pk)
    areas = list(areas)
    _check_role(role)
    _check_areas(municipality.pk, role, areas)
    User = get_user_model()
    email = User.objects.normalize_email((email or "").strip())
    display_name = (display_name or "").strip()
    if not display_name:
        raise _invalid("display_name", _("Enter the name."), "name_required")
    if User.objects.filter(email__iexact=email).exists():
        raise _invalid("email", _("An account with this email address already exists. Ask the platform operator."),
                       "email_in_use")
    user = User(email=email, display_name=display_name[:100])
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    membership = create_membership(user=user, municipality=municipality, role=role, areas=areas)
    invitation = _send_invitation(by=by, membership=membership, request=request)
    _audit(by, "staff.invited", municipality_id=municipality.pk, target=membership, request=request,
           user_id=user.pk, after={"role": role, "areas": sorted(a.pk for a in areas)})
    return invitation


@transaction.atomic
def invitation_resend(*, by, membership: Membership, request=None) -> Invitation:
    """A new link for an invitee who has not set a password yet; earlier links stop working."""
    _require_admin(by, membership.municipality_id)
    membership = _locked_active(membership)
    if membership.user.has_usable_password():
        raise ValidationError(_("This person has already accepted the invitation."), code="invitation_used")
    Invitation.objects.filter(membership__user=membership.user, used_at__isnull=True).update(
        expires_at=timezone.now())
    invitation = _send_invitation(by=by, membership=membership, request=request)
    _audit(by, "staff.invitation_resent", municipality_id=membership.municipality_id, target=membership,
           request=request, user_id=membership.user_id)
    return invitation


def invitation_for(token: str) -> Invitation | None:
    return (Invitation.objects.select_related("membership__user", "membership__municipality")
            .filter(token_hash=token_hash(token or "")).first())


@transaction.atomic
def invitation_accept(*, token: str, password: str, password_again: str | None = None):
    """Set the invitee's password through the one-time link; returns the user."""
    found = invitation_for(token)
    invitation = (Invitation.objects.select_for_update().filter(pk=found.pk).first()
                  if found is not None else None)
    if invitation is None or invitation.membership.ended_at is not None:
        raise ValidationError(_("This invitation link is not valid."), code="invitation_invalid")
    if invitation.used_at is not None:
        raise ValidationError(_("This invitation link has already been used. Log in instead."),
                              code="invitation_used")
    if invitation.expires_at <= timezone.now():
        raise ValidationError(_("This invitation link has expired. Ask your administrator for a new one."),
                              code="invitation_expired")
    user = invitation.membership.user
    if password_again is not None and password != password_again:
        raise _invalid("password_again", _("The two passwords do not match."), "password_mismatch")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": [ValidationError(m, code="password_invalid") for m in exc.messages]}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    _audit(user, "staff.invitation_accepted", municipality_id=invitation.membership.municipality_id,
           target=invitation.membership, user_id=user.pk)
    return user


@transaction.atomic
def membership_change(
    *, by, membership: Membership, role: str, areas: Iterable[Area], reason: str = "", request=None,
) -> Membership:
    """Change a staff member's role and/or areas. A new role ends this membership and starts
    another (so each role keeps its own period); new areas change it in place."""
    _require_admin(by, membership.municipality_id)
    if role != membership.role:
        _keep_one_admin(membership)
    membership = _locked_active(membership)
    areas = list(areas)
    _check_role(role)
    if membership.role not in GRANTABLE_ROLES:
        raise ValidationError(_("This role is not managed on these pages."), code="not_manageable")
    _check_areas(membership.municipality_id, role, areas)
    before = {"role": membership.role, "areas": _area_ids(membership)}
    after = {"role": role, "areas": sorted(a.pk for a in areas)}
    if before == after:
        return membership
    reason = (reason or "").strip()[:500]
    if role == membership.role:
        membership.areas.set(areas)
        selectors.forget_memberships(membership.user)
        _audit(by, "staff.areas_changed", municipality_id=membership.municipality_id, target=membership,
               request=request, user_id=membership.user_id, before=before, after=after, reason=reason)
        return membership
    if Membership.objects.filter(user_id=membership.user_id, municipality_id=membership.municipality_id,
                                 role=role).exists():
        raise _invalid("role", _("This person already has that role here."), "role_held")
    now = timezone.now()
    membership.ended_at = now
    membership.save(update_fields=["ended_at"])
    successor = Membership.objects.create(user_id=membership.user_id, municipality_id=membership.municipality_id,
                                          role=role, started_at=now)
    successor.areas.set(areas)
    selectors.forget_memberships(membership.user)
    _audit(by, "staff.role_changed", municipality_id=membership.municipality_id, target=successor,
           request=request, user_id=membership.user_id, ended_membership=membership.pk,
           before=before, after=after, reason=reason)
    return successor


@transaction.atomic
def membership_end(*, by, membership: Membership, reason: str, request=None) -> Membership:
    """Deactivate: the membership ends now and gives no access from the next request on; the
    row and everything the person recorded stay."""
    _require_admin(by, membership.municipality_id)
    reason = _require_reason(reason)
    _keep_one_admin(membership)
    membership = _locked_active(membership)
    if membership.role not in GRANTABLE_ROLES:
        raise ValidationError(_("This role is not managed on these pages."), code="not_manageable")
    membership.ended_at = timezone.now()
    membership.save(update_fields=["ended_at"])
    selectors.forget_memberships(membership.user)
    _audit(by, "staff.deactivated", municipality_id=membership.municipality_id, target=membership,
           request=request, user_id=membership.user_id, before={"active": True}, after={"active": False},
           reason=reason)
    return membership


@transaction.atomic
def membership_restart(*, by, membership: Membership, reason: str = "", request=None) -> Membership:
    """Reactivate: a new membership with the same role and areas starts now (the ended one
    keeps its period)."""
    _require_admin(by, membership.municipality_id)
    old = Membership.history.select_for_update().filter(pk=membership.pk).first()
    if old is None or old.ended_at is None:
        raise ValidationError(_("This membership is still active."), code="membership_active")
    _check_role(old.role)
    if Membership.objects.filter(user_id=old.user_id, municipality_id=old.municipality_id, role=old.role).exists():
        raise ValidationError(_("This person already has that role here."), code="role_held")
    areas = list(old.areas.all())
    successor = Membership.objects.create(user_id=old.user_id, municipality_id=old.municipality_id, role=old.role)
    successor.areas.set(areas)
    selectors.forget_memberships(old.user)
    _audit(by, "staff.reactivated", municipality_id=old.municipality_id, target=successor, request=request,
           user_id=old.user_id, previous_membership=old.pk, before={"active": False}, after={"active": True},
           reason=(reason or "").strip()[:500])
    return successor


@transaction.atomic
def second_factor_reset(*, by, membership: Membership, reason: str, request=None) -> int:
    """Delete the person's TOTP and backup-code devices; their next log-in (and their next
    request, if logged in now) asks them to set up an authenticator app again."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _require_admin(by, membership.municipality_id)
    reason = _require_reason(reason)
    membership = _locked_active(membership)
    user = membership.user
    if (user.is_staff or user.is_superuser or selectors.is_operator(user)) and not selectors.is_operator(by):
        raise ValidationError(_("Only the platform operator can reset this account's second factor."),
                              code="not_manageable")
    removed = TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]
    _audit(by, "staff.second_factor_reset", municipality_id=membership.municipality_id, target=membership,
           request=request, user_id=user.pk, devices_removed=removed, reason=reason)
    return removed


AREA_FIELDS = ("name", "name_kana", "center_lat", "center_lon", "population_65_plus")


@transaction.atomic
def area_update(*, by, area: Area, reason: str = "", request=None, **values) -> Area:
    """Edit an area's name, kana, centre and population 65+ (layer and parent stay as
    `Area.clean` allows them)."""
    _require_admin(by, area.municipality_id)
    unknown = set(values) - set(AREA_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed here."), code="field_not_editable")
    area = Area.objects.select_for_update().get(pk=area.pk)
    before = {f: getattr(area, f) for f in values if getattr(area, f) != values[f]}
    if not before:
        return area
    for field, value in values.items():
        setattr(area, field, value)
    _save(area, unique_message=_("This municipality already has an area of that name."))
    _audit(by, "area.changed", municipality_id=area.municipality_id, target=area, request=request,
           before=before, after={f: getattr(area, f) for f in before}, reason=(reason or "").strip()[:500])
    return area


@transaction.atomic
def area_add(*, by, municipality: Municipality, request=None, **values) -> Area:
    """Add a layer-2 area (audited)."""
    _require_admin(by, municipality.pk)
    area = create_area(municipality=municipality, **values)
    _audit(by, "area.created", municipality_id=municipality.pk, target=area, request=request,
           after={f: getattr(area, f) for f in AREA_FIELDS})
    return area
