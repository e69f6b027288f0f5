from django.urls import reverse
from django.utils.translation import gettext as _

from sasaeai.tenancy.models import Role
from sasaeai.tenancy.selectors import memberships_of


def items(request) -> list[dict]:
    user = request.user
    if not user.is_authenticated:
        return []
    if user.has_perm("training.view_courses"):
        return [{"label": _("Training"), "url": reverse("training:list"), "order": 56}]
    if any(m.role == Role.HELPER for m in memberships_of(user)):
        return [{"label": _("My training"), "url": reverse("training:mine"), "order": 56}]
    return []
