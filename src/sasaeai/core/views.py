from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sasaeai.tenancy.selectors import memberships_of

from .dashboard import panels_for


def _landing(request):
    """The visitor's home page: search, the map and the municipality's phone window. With one
    municipality it is shown directly; with several the visitor chooses theirs (?m=<id>)."""
    from sasaeai.tenancy.models import Municipality

    municipalities = list(Municipality.objects.order_by("code").only(
        "pk", "name", "contact_window_name", "contact_phone", "contact_hours"))
    chosen = None
    if len(municipalities) == 1:
        chosen = municipalities[0]
    elif str(request.GET.get("m", "")).isdigit():
        chosen = next((m for m in municipalities if m.pk == int(request.GET["m"])), None)
    return render(request, "core/landing.html", {
        "municipalities": municipalities, "municipality": chosen,
        "phone_href": "".join(c for c in chosen.contact_phone if c.isdigit() or c == "+")
        if chosen and chosen.contact_phone else "",
    })


def home(request):
    """ホーム: a landing page for visitors, a dashboard of panels per role for users."""
    if not request.user.is_authenticated:
        return _landing(request)
    sections = [
        {"membership": m, "panels": panels_for(request, m)} for m in memberships_of(request.user)
    ]
    return render(request, "core/home.html", {"sections": sections})


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers, 503 otherwise. No personal data, no auth."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def error_400(request, exception=None):
    if isinstance(exception, RequestDataTooBig):  # a multipart form past the size limit
        return render(request, "core/error.html", {"status": 413}, status=413)
    return render(request, "core/error.html", {"status": 400}, status=400)


def error_403(request, exception=None):
    return render(request, "core/error.html", {"status": 403}, status=403)


def error_404(request, exception=None):
    return render(request, "core/error.html", {"status": 404}, status=404)


def error_500(request):
    # Rendered without the request: no context processor may touch a failing database.
    return HttpResponseServerError(render_to_string("core/error.html", {"status": 500}))


def csrf_failure(request, reason=""):
    return render(request, "core/error.html", {"status": 403, "csrf": True}, status=403)
