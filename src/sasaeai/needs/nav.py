from django.urls import reverse
from django.utils.translation import gettext as _

from sasaeai.tenancy.selectors import primary_municipality


def items(request) -> list[dict]:
    out = [{"label": _("Needs and gaps"), "url": reverse("needs:gaps"), "order": 24}]
    user = getattr(request, "user", None)
    municipality = primary_municipality(user) if getattr(user, "is_authenticated", False) else None
    if municipality is not None and user.has_perm("needs.view_register", municipality):
        out.append({"label": _("Needs register"), "url": reverse("needs:list"), "order": 25})
    return out
