"""Proxy-assisted account recovery (アカウント復旧).

A resident or helper who lost their password (or phone) asks their coordinator, often
through a family member. The coordinator checks identity (in person or by video with an
identity document, or through a *confirmed* proxy plus a call back to the registered
phone), then issues a one-time code: 8 characters from an unambiguous alphabet, valid for
30 minutes, 5 attempts, only its hash stored. The person (with the proxy beside them)
enters log-in + code + a new password. Every step is audit-logged; all API tokens are
revoked and other sessions end (the password hash changes). Staff accounts are never
recoverable this way (that would let a coordinator take over an administrator): they go to
the operator.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sasaeai.residents.models import Proxy, Resident
from sasaeai.tenancy.models import TWO_FACTOR_ROLES, Membership, Role
from sasaeai.tenancy.selectors import municipality_ids

from .events import audit
from .models import RecoveryCode
from .selectors import COORDINATOR_ROLES

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
VALID_FOR = timedelta(minutes=30)
MAX_ATTEMPTS = 5


def _hash(code: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:recovery:{code.strip().upper().replace('-', '')}".encode()).hexdigest()


def _tenants_of(user) -> set[int]:
    ids = set(Membership.objects.filter(user=user, municipality__isnull=False).values_list("municipality_id", flat=True))
    ids |= set(Resident.objects.filter(user=user).values_list("municipality_id", flat=True))
    return ids


def recoverable_users(coordinator):
    """Non-staff accounts belonging to the coordinator's municipalities."""
    scope = municipality_ids(coordinator, COORDINATOR_ROLES | {Role.OPERATOR})
    users = get_user_model().objects.filter(is_active=True, is_staff=False).exclude(
        pk__in=Membership.objects.filter(role__in=TWO_FACTOR_ROLES).values("user_id"))
    if scope is None:
        return users
    from django.db.models import Q

    return users.filter(Q(memberships__municipality_id__in=scope) | Q(resident__municipality_id__in=scope)).distinct()


@transaction.atomic
def issue(*, by, user, identity_check: str, assisted_by=None, request=None) -> tuple[RecoveryCode, str]:
    if not recoverable_users(by).filter(pk=user.pk).exists() or by.pk == user.pk:
        raise PermissionDenied(_("You cannot issue a recovery code for this account."))
    if identity_check not in RecoveryCode.IdentityCheck.values:
        raise ValidationError({"identity_check": ValidationError(_("Say how the identity was checked."), code="identity_check")})
    if identity_check == RecoveryCode.IdentityCheck.PROXY_CONFIRMED:
        if assisted_by is None or not Proxy.objects.filter(resident__user=user, user=assisted_by,
                                                           confirmed=True).exists():
            raise ValidationError({"assisted_by": ValidationError(_("Only a proxy confirmed by a coordinator can vouch."), code="proxy_not_confirmed")})
    # One live code per account: issuing a new one cancels the old.
    now = timezone.now()
    RecoveryCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    code = "".join(secrets.choice(ALPHABET) for _i in range(CODE_LENGTH))
    record = RecoveryCode.objects.create(user=user, code_hash=_hash(code), issued_by=by, assisted_by=assisted_by,
                                         identity_check=identity_check, expires_at=now + VALID_FOR)
    tenants = _tenants_of(user)
    audit(by, "recovery.issued", municipality_id=min(tenants) if tenants else None, target=record,
          details={"user": user.pk, "identity_check": identity_check,
                   "assisted_by": assisted_by.pk if assisted_by else None}, request=request)
    return record, f"{code[:4]}-{code[4:]}"


def redeem(*, login: str, code: str, new_password: str, request=None):
    """Set a new password with a valid code. Refuses with one generic message (no account
    enumeration)."""
    refused = ValidationError(_("The log-in or the recovery code is not correct, or the code has expired."),
                              code="recovery_invalid")
    try:
        user = get_user_model().objects.get_by_login(login)
    except get_user_model().DoesNotExist:
        raise refused from None
    now = timezone.now()
    with transaction.atomic():
        record = (RecoveryCode.objects.select_for_update()
                  .filter(user=user, used_at__isnull=True, expires_at__gt=now).order_by("-issued_at").first())
        if record is None or record.failed_attempts >= MAX_ATTEMPTS:
            raise refused
        wrong = not secrets.compare_digest(record.code_hash, _hash(code or ""))
        if wrong:  # counted (committed) before refusing
            record.failed_attempts += 1
            record.save(update_fields=["failed_attempts"])
            audit(None, "recovery.failed", target=record, details={"user": user.pk}, request=request)
    if wrong:
        raise refused
    password_validation.validate_password(new_password, user)
    with transaction.atomic():
        record.used_at = now
        record.save(update_fields=["used_at"])
        user.set_password(new_password)
        user.save(update_fields=["password"])
        from sasaeai.accounts.models import ApiToken, LoginThrottle

        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        LoginThrottle.objects.filter(key_hash=LoginThrottle.key_for(login)).delete()
        audit(user, "recovery.used", target=record, details={"user": user.pk}, request=request)
    return user
