"""Handover briefing section (引き継ぎ): the area's open needs and unmet gaps."""

from django.urls import reverse
from django.utils.translation import gettext as _

from . import gaps, selectors
from .categories import label
from .models import ACTIVE_STATES


def sections(request, area) -> list[dict]:
    user = request.user
    needs = list(selectors.needs_for(user).filter(area=area, status__in=ACTIVE_STATES).select_related("resident")
                 .order_by("-created_at", "-pk")[:20])
    rows = []
    for need in needs:
        if need.resident_id:  # the text is about a named resident: care data, access-logged
            from sasaeai.safety.audit import record_access

            record_access(request, need.resident, ["need"], "care_coordination")
        rows.append([(f"{label(need.category)}", reverse("needs:detail", args=[need.pk])),
                     need.description[:60], need.get_status_display(), need.created_at.strftime("%Y-%m-%d")])
    if len(rows) < 20 and user.has_perm("needs.view_register", area.municipality):
        table = gaps.build(area.municipality, gaps.viewer_for(user, area.municipality))
        for cell in table.ranked({area.pk}, limit=20 - len(rows)):
            if cell.values.get("unmet_needs"):
                rows.append([(_("Unmet: %(kind)s") % {"kind": label(cell.category)},
                              reverse("needs:list") + f"?m={area.municipality_id}&area={area.pk}"
                              f"&category={cell.category}&status=unmet"),
                             _("%(n)s unmet needs, %(s)s fresh resources") % {
                                 "n": cell.values["unmet_needs"], "s": cell.values["fresh_resources"]},
                             _("Gap indicator %(v)s") % {"v": cell.indicator}, ""])
    return [{
        "key": "needs", "title": _("Open needs and unmet gaps"), "order": 20,
        "columns": [_("Kind of need"), _("What was noticed"), _("Status"), _("Recorded")],
        "rows": rows[:20], "empty": _("No open needs in this area."),
        "more_url": reverse("needs:list") + f"?m={area.municipality_id}&area={area.pk}&status=active",
    }]
