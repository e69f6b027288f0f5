"""Main navigation links of the points app, per role (same permissions as the views)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors


def items(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    out = []
    if selectors.own_accounts(user).exists() or selectors.schemes_for_member(user).exists():
        out.append({"label": _("My points"), "url": reverse("points:mine"), "order": 30})
    if user.has_perm("points.coordinate"):
        out.append({"label": _("Points to confirm"), "url": reverse("points:pending"), "order": 31})
    if user.has_perm("points.manage"):
        out.append({"label": _("Points schemes"), "url": reverse("points:schemes"), "order": 32})
    return out
