from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors
from .models import ADMIN_ROLES


def items(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    if selectors.municipality_ids(user, ADMIN_ROLES) == set():
        return []
    return [{"label": _("Staff and areas"), "url": reverse("tenancy:staff_home"), "order": 80}]
