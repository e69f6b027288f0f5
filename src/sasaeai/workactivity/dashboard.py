"""Home page panel for the work coordinator: today's work-like tasks with who is placed and
how many places are still open."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasaeai.core.dashboard import Panel

from . import selectors
from .models import TaskStatus


def panels(request, membership) -> list[Panel]:
    if membership.role not in selectors.WORK_ROLES or membership.municipality_id is None:
        return []
    today = timezone.localdate()
    tasks = selectors.managed_tasks(request.user).filter(municipality_id=membership.municipality_id).filter(
        Q(date=today) | Q(date__lt=today, weekly_until__gte=today)).exclude(status=TaskStatus.DRAFT)
    todays = [t for t in tasks.order_by("start_time", "pk")[:50] if today in t.occurrences()][:10]
    open_count = selectors.managed_tasks(request.user).filter(
        municipality_id=membership.municipality_id, status=TaskStatus.OPEN).count()
    return [Panel(_("Work-like activities today"), "workactivity/panels/today.html",
                  {"tasks": todays, "open_count": open_count}, order=63)]
