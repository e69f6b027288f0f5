from django.urls import reverse
from django.utils.translation import gettext as _


def items(request) -> list[dict]:
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return []
    out = []
    if user.has_perm("workactivity.manage") or user.has_perm("workactivity.post_task"):
        out.append({"label": _("Work-like activities"), "url": reverse("workactivity:tasks"), "order": 63})
    if user.has_perm("workactivity.keep_interest"):
        out.append({"label": _("Work for me"), "url": reverse("workactivity:mine"), "order": 64})
    return out
