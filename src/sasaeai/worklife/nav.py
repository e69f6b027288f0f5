"""Main navigation links of the worklife app (the same permissions the views check)."""

from django.urls import reverse
from django.utils.translation import gettext as _


def items(request) -> list[dict]:
    user = getattr(request, "user", None)
    out = [{"label": _("Work-support care managers"), "url": reverse("worklife:directory"), "order": 85}]
    if user is None or not user.is_authenticated:
        return out
    if user.has_perm("worklife.work"):
        out.append({"label": _("Work-care consultations"), "url": reverse("worklife:list"), "order": 34})
        out.append({"label": _("Employers"), "url": reverse("worklife:employers"), "order": 35})
    elif user.has_perm("worklife.employer"):
        from . import selectors

        first = selectors.employers_for_contact(user).order_by("pk").first()
        if first is not None:
            out.append({"label": _("Work and care checklist"),
                        "url": reverse("worklife:employer", kwargs={"pk": first.pk}), "order": 35})
    if user.has_perm("worklife.handovers"):
        out.append({"label": _("Work-care handovers"), "url": reverse("worklife:handovers"), "order": 36})
    return out
