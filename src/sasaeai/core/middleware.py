"""Staff must pass two-factor log-in before any page opens for them."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from sasaeai.tenancy.selectors import is_staff_member

# Paths open to a staff user who has logged in with a password but not yet with TOTP.
_OPEN_PREFIXES = ("/accounts/", "/i18n/", "/healthz", "/api/", settings.STATIC_URL)


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and needs_two_factor(user)
        ):
            return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def needs_two_factor(user) -> bool:
    """A staff member (or Django-admin user) who has not verified TOTP in this session."""
    verified = getattr(user, "is_verified", lambda: False)()
    return not verified and (user.is_staff or is_staff_member(user))
