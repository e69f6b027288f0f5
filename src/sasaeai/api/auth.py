"""API authentication: the browser session (with CSRF) or a bearer token.
Staff need two-factor: a session must be TOTP-verified, a token issued after TOTP."""

from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from sasaeai.accounts.models import ApiToken
from sasaeai.core.middleware import needs_two_factor
from sasaeai.tenancy.selectors import is_staff_member

from .errors import ApiError


def _two_factor_refused():
    return ApiError(403, "two_factor_required",
                    _("Staff accounts must complete two-step verification first."))


class SessionWithTwoFactor(SessionAuth):
    """The logged-in browser session; CSRF is checked on unsafe methods of a logged-in session.
    Without a logged-in session there is nothing for a forged request to ride on: the caller is
    simply not authenticated (401), as the docs say, rather than refused for CSRF (403)."""

    def _get_key(self, request):
        if not getattr(getattr(request, "user", None), "is_authenticated", False):
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = request.user
        if not user.is_authenticated:
            return None
        if needs_two_factor(user):
            raise _two_factor_refused()
        return user


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        found = ApiToken.find_active(token)
        if found is None:
            return None
        user = found.user
        if (user.is_staff or is_staff_member(user)) and not found.two_factor_verified:
            raise _two_factor_refused()
        from django.utils import timezone

        ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = user
        return user


session_auth = SessionWithTwoFactor()
token_auth = BearerToken()
AUTH = [token_auth, session_auth]
