"""Main navigation links of the requests app, per role."""

from django.urls import reverse
from django.utils.translation import gettext as _

from sasaeai.tenancy.models import Role
from sasaeai.tenancy.selectors import memberships_of


def items(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    roles = {m.role for m in memberships_of(user)}
    out = []
    if roles & {Role.RESIDENT, Role.PROXY} or getattr(user, "resident", None) is not None:
        out.append({"label": _("Requests"), "url": reverse("requests:mine"), "order": 20})
    if Role.HELPER in roles:
        out.append({"label": _("My schedule"), "url": reverse("requests:schedule"), "order": 21})
        out.append({"label": _("Offers"), "url": reverse("requests:offers"), "order": 22})
    # The same permissions the views check (requests/rules.py).
    if user.has_perm("requests.coordinate"):
        out.append({"label": _("Open requests"), "url": reverse("requests:board"), "order": 23})
    if user.has_perm("requests.post_spot_shift"):
        out.append({"label": _("Spot shifts"), "url": reverse("requests:facility_shifts"), "order": 25})
    if user.has_perm("requests.phone_intake"):
        out.append({"label": _("Phone intake"), "url": reverse("requests:intake"), "order": 24})
    return out
