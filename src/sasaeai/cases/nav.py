"""Main navigation links of the cases app (the same permissions the views check)."""

from django.urls import reverse
from django.utils.translation import gettext as _


def items(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    out = []
    if user.has_perm("cases.work"):
        out.append({"label": _("Support cases"), "url": reverse("cases:list"), "order": 30})
    elif user.has_perm("cases.refer"):
        out.append({"label": _("Referrals"), "url": reverse("cases:referrals"), "order": 30})
    return out
