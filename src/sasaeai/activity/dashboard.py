"""Home panel of the activity app for coordinators: this week's logged time and the
coordination share, with the way to log more and the areas' handover briefings."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasaeai.core.dashboard import Panel

from . import selectors


def panels(request, membership) -> list[Panel]:
    if membership.role not in selectors.LOG_ROLES or not membership.municipality_id:
        return []
    user = request.user
    today = timezone.localdate()
    start, end = selectors.week_of(today)
    month_start, month_end = selectors.month_of(today)
    own = selectors.own_entries(user).filter(municipality_id=membership.municipality_id)
    week = selectors.coordination_share(start=start, end=end, queryset=own, coordinator=user)
    month = selectors.coordination_share(start=month_start, end=month_end, queryset=own, coordinator=user)
    from .presentation import duration

    areas = [a for a in selectors.briefing_areas(user) if a.municipality_id == membership.municipality_id
             and (a.layer == 2 or membership.role != "coordinator_l2")][:20]
    return [Panel(_("This week's activity"), "activity/panels/week.html", {
        "week_total": duration(week.total_minutes), "week_share": week, "month_share": month,
        "today_total": duration(selectors.day_total(user, today)),
        "target": selectors.COORDINATION_TARGET_PERCENT, "areas": areas, "month_start": month_start,
    }, order=15)]
