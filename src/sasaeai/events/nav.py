from django.urls import reverse
from django.utils.translation import gettext as _


def items(request) -> list[dict]:
    return [{"label": _("Events"), "url": reverse("events:list"), "order": 55}]
