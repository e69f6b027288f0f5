from django.urls import reverse
from django.utils.translation import gettext as _

from .selectors import unread_count


def items(request) -> list[dict]:
    if not request.user.is_authenticated:
        return []
    n = unread_count(request.user)
    label = _("Notifications (%(n)d unread)") % {"n": n} if n else _("Notifications")
    return [{"label": label, "url": reverse("notifications:inbox"), "order": 90}]
