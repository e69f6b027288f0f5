from django.urls import reverse
from django.utils.translation import gettext as _

from . import selectors


def items(request) -> list[dict]:
    out = [
        {"label": _("Find resources"), "url": reverse("directory:search"), "order": 20},
        {"label": _("Support map"), "url": reverse("directory:map"), "order": 21},
    ]
    if selectors.is_coordinator(getattr(request, "user", None)):
        out.append({"label": _("Suggestions"), "url": reverse("directory:moderation"), "order": 22})
    return out
