from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors


def items(request) -> list[dict]:
    out = [
        {"label": _("Find resources"), "url": reverse("directory:search"), "order": 20},
        {"label": _("Support map"), "url": reverse("directory:map"), "order": 21},
    ]
    user = getattr(request, "user", None)
    if selectors.is_coordinator(user):
        out.append({"label": _("Suggestions"), "url": reverse("directory:moderation"), "order": 22})
    if selectors.is_coordinator(user) or selectors.organization_ids(user):
        out.append({"label": _("My resources"), "url": reverse("directory:manage"), "order": 23})
    return out
