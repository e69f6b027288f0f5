from django.urls import reverse
from django.utils.translation import gettext as _


def items(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.has_perm("exchange.view_exchange"):
        return [{"label": _("Coordinators' exchange"), "url": reverse("exchange:spaces"), "order": 70}]
    return []
