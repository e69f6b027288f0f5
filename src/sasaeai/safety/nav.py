from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors


def items(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    out = []
    if selectors.residents_acted_for(user).exists():
        out.append({"label": _("My records and consent"), "url": reverse("safety:my_records"), "order": 60})
    if selectors.is_care_staff(user):
        out.append({"label": _("Safety"), "url": reverse("safety:overview"), "order": 61})
    return out
