from django.urls import reverse
from django.utils.translation import gettext as _


def items(request) -> list[dict]:
    """Links shown only to whom the page answers (the same rules as the pages)."""
    user = getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False):
        return []
    out = []
    if user.has_perm("partners.report_alert"):
        out.append({"label": _("Report a watch-over alert"), "url": reverse("partners:alert_new"), "order": 60})
    out.append({"label": _("Challenges for partners"), "url": reverse("partners:challenges"), "order": 61})
    if user.has_perm("partners.view"):
        out.append({"label": _("Partner registry"), "url": reverse("partners:registry"), "order": 62})
        out.append({"label": _("Agreements"), "url": reverse("partners:agreements"), "order": 63})
    elif user.has_perm("partners.register_organisation"):
        out.append({"label": _("Register your organisation"), "url": reverse("partners:register"), "order": 62})
    return out
