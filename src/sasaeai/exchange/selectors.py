"""Reads of the exchange. Who takes part is decided here, once: life support coordinators
(第1層・第2層SC) in force — of any municipality for a national space, of a municipality of the
prefecture for a prefecture-wide space. The operator reads every space; moderators (appointed
by the operator) read every space and are the only ones who see who wrote an anonymous post."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from sasaeai.tenancy.models import Role
from sasaeai.tenancy.selectors import is_operator, memberships_of

from .models import CafeSession, Moderator, Post, Space

PARTICIPANT_ROLES = frozenset({Role.COORDINATOR_L1, Role.COORDINATOR_L2})


def anonymous_label() -> str:
    return _("Anonymous coordinator")


def _coordinator_memberships(user):
    return [m for m in memberships_of(user) if m.role in PARTICIPANT_ROLES and m.municipality_id]


def is_moderator(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    cached = getattr(user, "_sasaeai_exchange_moderator", None)
    if cached is None:
        cached = Moderator.objects.filter(user=user).exists()
        user._sasaeai_exchange_moderator = cached
    return cached


def is_participant(user) -> bool:
    return bool(_coordinator_memberships(user))


def participant_prefectures(user) -> set[str]:
    return {m.municipality.prefecture for m in _coordinator_memberships(user)}


def home_municipality(user):
    ms = _coordinator_memberships(user)
    return ms[0].municipality if ms else None


def readable_spaces(user) -> QuerySet[Space]:
    if is_operator(user) or is_moderator(user):
        return Space.objects.all()
    if not is_participant(user):
        return Space.objects.none()
    return Space.objects.filter(Q(scope=Space.Scope.NATIONAL) | Q(prefecture__in=participant_prefectures(user)))


def can_read(user, space: Space) -> bool:
    return readable_spaces(user).filter(pk=space.pk).exists()


def is_member(user, space: Space) -> bool:
    """May post in the space: a coordinator of the space's reach."""
    if not is_participant(user):
        return False
    return space.scope == Space.Scope.NATIONAL or space.prefecture in participant_prefectures(user)


def visible_posts(user) -> QuerySet[Post]:
    qs = Post.objects.filter(space__in=readable_spaces(user)).select_related("space", "author_municipality")
    if not is_moderator(user):
        qs = qs.filter(Q(hidden=False) | Q(author=user))
    return qs


def threads(user, space: Space, *, kind: str | None = None, q: str = "") -> QuerySet[Post]:
    qs = visible_posts(user).filter(space=space, thread__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        return search(user, q).filter(space=space, thread__isnull=True)
    return qs.annotate(n_replies=Count("replies", filter=Q(replies__hidden=False), distinct=True))


def search(user, q: str) -> QuerySet[Post]:
    """Search text and topic; an author's name matches only posts signed with it (never an
    anonymous one, unless the viewer moderates)."""
    q = q.strip()[:100]
    text = Q(title__icontains=q) | Q(body__icontains=q) | Q(topic__icontains=q)
    by_name = Q(author__display_name__icontains=q)
    if not is_moderator(user):
        by_name &= Q(anonymous=False)
    return visible_posts(user).filter(text | by_name)


def replies(user, thread: Post) -> QuerySet[Post]:
    return visible_posts(user).filter(thread=thread).order_by("created_at", "pk")


def sees_author(user, post: Post) -> bool:
    return not post.anonymous or is_moderator(user)


def author_label(user, post: Post) -> str:
    """What the viewer sees as the author: 「匿名のコーディネーター」 for an anonymous post
    unless the viewer moderates."""
    if not sees_author(user, post):
        return anonymous_label()
    town = post.author_municipality.name if post.author_municipality_id else ""
    name = post.author.display_name or pgettext("exchange", "Coordinator")
    return f"{name}（{town}）" if town else name


def reaction_counts(post: Post) -> dict[str, int]:
    rows = post.reactions.values("kind").annotate(n=Count("pk"))
    out = {"helpful": 0, "me_too": 0}
    out.update({r["kind"]: r["n"] for r in rows})
    return out


def cafes(user, space: Space) -> QuerySet[CafeSession]:
    return CafeSession.objects.filter(space=space, space__in=readable_spaces(user))
