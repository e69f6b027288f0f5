"""Home page panel for life support coordinators: what is new in the exchange spaces they take
part in (new threads of the last 7 days, questions nobody has answered yet) and the next SC
Café. Titles only — never authors, so an anonymous post stays anonymous."""

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasaeai.core.dashboard import Panel

from . import selectors
from .models import CafeSession, Post, PostKind

NEW_DAYS = 7


def summary(user) -> dict:
    spaces = [s for s in selectors.readable_spaces(user) if selectors.is_member(user, s)]
    threads = Post.objects.filter(space__in=spaces, thread__isnull=True, hidden=False)
    since = timezone.now() - dt.timedelta(days=NEW_DAYS)
    unanswered = (threads.filter(kind=PostKind.QUESTION, accepted_answer__isnull=True)
                  .exclude(replies__hidden=False).exclude(author=user).order_by("-created_at", "-pk"))
    cafe = (CafeSession.objects.filter(space__in=spaces, starts_at__gte=timezone.now())
            .filter(Q(event__isnull=True) | Q(event__cancelled_at__isnull=True))
            .select_related("space").order_by("starts_at").first())
    return {"new_count": threads.filter(created_at__gte=since).count(),
            "unanswered": list(unanswered[:5]), "unanswered_count": unanswered.count(),
            "next_cafe": cafe, "space": spaces[0] if spaces else None}


def panels(request, membership) -> list[Panel]:
    if membership.role not in selectors.PARTICIPANT_ROLES or not selectors.is_participant(request.user):
        return []
    return [Panel(_("Coordinators' exchange"), "exchange/panels/coordinator.html", summary(request.user), order=72)]
