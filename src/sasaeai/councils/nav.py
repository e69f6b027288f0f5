from django.urls import reverse
from django.utils.translation import gettext as _


def items(request) -> list[dict]:
    user = getattr(request, "user", None)
    out = [{"label": _("Council news"), "url": reverse("councils:public"), "order": 60}]
    if user is not None and user.is_authenticated and user.has_perm("councils.list_councils"):
        out.append({"label": _("Councils"), "url": reverse("councils:list"), "order": 59})
    return out
