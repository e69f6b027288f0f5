"""Main-navigation links: the helper's own profile; the review queue for coordinators."""

from django.urls import reverse
from django.utils.translation import gettext as _

from sasaeai.tenancy.models import Role
from sasaeai.tenancy.selectors import memberships_of, municipality_ids

from .selectors import REVIEWER_ROLES


def items(request) -> list[dict]:
    user = request.user
    if not user.is_authenticated:
        return []
    out = []
    if any(m.role == Role.HELPER for m in memberships_of(user)):
        out.append({"label": _("My helper profile"), "url": reverse("helpers:me"), "order": 30})
    ids = municipality_ids(user, REVIEWER_ROLES)
    if ids is None or ids:
        out.append({"label": _("Helper reviews"), "url": reverse("helpers:review"), "order": 60})
    return out
