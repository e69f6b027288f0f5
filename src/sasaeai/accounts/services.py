"""Log-in with throttling, two-factor devices and API tokens."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import LoginThrottle


def _lock_message(until) -> str:
    minutes = max(1, int((until - timezone.now()).total_seconds() // 60) + 1)
    return _(
        "Too many failed log-ins. For your safety this account is locked for %(minutes)d more "
        "minutes. If you forgot your password, ask your coordinator or municipal office."
    ) % {"minutes": minutes}


def check_credentials(request, login: str, password: str):
    """Return the user for a correct login/password, or raise ValidationError.

    After SASAEAI_LOGIN_MAX_FAILURES failures within the lock period the identifier is
    locked: even the right password is refused until the lock ends. Only a hash of the
    identifier is stored.
    """
    login = (login or "").strip()
    key = LoginThrottle.key_for(login)
    now = timezone.now()
    throttle = LoginThrottle.objects.filter(key_hash=key).first()
    if throttle and throttle.locked_until and throttle.locked_until > now:
        raise ValidationError(_lock_message(throttle.locked_until), code="login_locked")

    user = authenticate(request, username=login, password=password)
    if user is not None:
        LoginThrottle.objects.filter(key_hash=key).delete()
        return user

    window = timedelta(seconds=settings.SASAEAI_LOGIN_LOCK_SECONDS)
    with transaction.atomic():
        throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(key_hash=key)
        if throttle.first_failure_at is None or throttle.first_failure_at < now - window:
            throttle.failures = 0
            throttle.first_failure_at = now
            throttle.locked_until = None
        throttle.failures += 1
        if throttle.failures >= settings.SASAEAI_LOGIN_MAX_FAILURES:
            throttle.locked_until = now + window
        throttle.save()
    if throttle.locked_until:
        raise ValidationError(_lock_message(throttle.locked_until), code="login_locked")
    raise ValidationError(
        _("The email address / phone number or the password is not correct."), code="login_invalid"
    )


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp_device(user) -> TOTPDevice:
    """The unconfirmed device a staff member is setting up (created on first visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    return device


def verify_totp(user, token: str) -> TOTPDevice | None:
    """The confirmed (or pending, which it then confirms) device the code matches."""
    token = (token or "").strip().replace(" ", "")
    if not token.isdigit():
        return None
    device = confirmed_totp_device(user)
    if device is not None:
        return device if device.verify_token(token) else None
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is not None and device.verify_token(token):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        return device
    return None
