"""Security headers Django does not set itself."""

from django.conf import settings


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions = getattr(settings, "SASAEAI_PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.permissions:
            response.headers.setdefault("Permissions-Policy", self.permissions)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            # Pages of logged-in users may hold personal data: never store them in shared caches.
            response.headers.setdefault("Cache-Control", "private, no-store")
        return response
