"""Pages of the coordinators' exchange. Views parse → authorise → call a service → render;
refusals become messages. The author of an anonymous post never reaches a template unless
the viewer moderates: templates get `author_label`, not the author."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sasaeai.core.pages import attempt

from . import selectors, services
from .models import AreaType, CafeSurvey, ModerationEvent, PostKind, Reaction, Satisfaction, Watched


def _attempt(request, fn, success: str | None = None) -> bool:
    """`attempt`, returning whether the call went through."""
    return attempt(request, fn, success)[0]


def _space(request, pk):
    return get_object_or_404(selectors.readable_spaces(request.user), pk=pk)


def _post(request, pk):
    return get_object_or_404(selectors.visible_posts(request.user), pk=pk)


def _member(request, obj):
    if not request.user.has_perm("exchange.post", obj):
        raise PermissionDenied(str(services.NotMember().args[0]))
    return obj


def _decorate(user, posts):
    out = []
    for p in posts:
        p.author_label = selectors.author_label(user, p)
        p.counts = selectors.reaction_counts(p)
        out.append(p)
    return out


@login_required
def space_list(request):
    spaces = selectors.readable_spaces(request.user)
    if not spaces.exists():
        raise PermissionDenied
    return render(request, "exchange/spaces.html", {"spaces": spaces})


@login_required
def space_detail(request, pk):
    space = _space(request, pk)
    kind = request.GET.get("kind", "")
    kind = kind if kind in {PostKind.QUESTION, PostKind.DISCUSSION, PostKind.PRACTICE} else ""
    q = request.GET.get("q", "").strip()[:100]
    threads = _decorate(request.user, selectors.threads(request.user, space, kind=kind or None, q=q)[:50])
    return render(request, "exchange/space.html", {
        "space": space, "threads": threads, "kind": kind, "q": q,
        "kinds": [(k, label) for k, label in PostKind.choices if k != PostKind.REPLY],
        "area_types": AreaType.choices, "cafes": selectors.cafes(request.user, space)[:10],
        "can_post": request.user.has_perm("exchange.post", space),
    })


@login_required
@require_POST
def thread_new(request, pk):
    space = _member(request, _space(request, pk))
    population = request.POST.get("population", "").strip()
    _attempt(request, lambda: services.post_thread(
        by=request.user, space=space, body=request.POST.get("body", ""),
        kind=request.POST.get("kind") or PostKind.QUESTION, title=request.POST.get("title", ""),
        topic=request.POST.get("topic", ""), anonymous=request.POST.get("anonymous") == "on",
        area_type=request.POST.get("area_type", ""),
        population=int(population) if population.isdigit() else None,
        what_was_done=request.POST.get("what_was_done", ""), result=request.POST.get("result", ""),
        attachment_url=request.POST.get("attachment_url", ""),
    ), _("Posted."))
    return redirect("exchange:space", pk=space.pk)


@login_required
def thread_detail(request, pk):
    post = _post(request, pk)
    if post.thread_id:
        return redirect("exchange:thread", pk=post.thread_id)
    replies = _decorate(request.user, selectors.replies(request.user, post))
    return render(request, "exchange/thread.html", {
        "thread": _decorate(request.user, [post])[0], "replies": replies,
        "can_post": request.user.has_perm("exchange.post", post),
        "can_moderate": request.user.has_perm("exchange.moderate"),
        "is_asker": post.author_id == request.user.pk and post.kind == PostKind.QUESTION,
        "reaction_kinds": Reaction.Kind.choices,
    })


@login_required
@require_POST
def reply_new(request, pk):
    thread = _member(request, _post(request, pk))
    _attempt(request, lambda: services.post_reply(by=request.user, thread=thread, body=request.POST.get("body", ""),
                                                  anonymous=request.POST.get("anonymous") == "on"), _("Posted."))
    return redirect("exchange:thread", pk=thread.thread_id or thread.pk)


@login_required
@require_POST
def accept(request, pk):
    reply = _post(request, pk)
    _attempt(request, lambda: services.accept_answer(by=request.user, reply=reply), _("Answer accepted."))
    return redirect("exchange:thread", pk=reply.thread_id or reply.pk)


@login_required
@require_POST
def react(request, pk):
    post = _member(request, _post(request, pk))
    _attempt(request, lambda: services.react(by=request.user, post=post, kind=request.POST.get("kind", "")))
    return redirect("exchange:thread", pk=post.thread_id or post.pk)


@login_required
@require_POST
def report(request, pk):
    post = _post(request, pk)
    _attempt(request, lambda: services.report(by=request.user, post=post, reason=request.POST.get("reason", "")),
             _("Thank you. The moderators will look at this post."))
    return redirect("exchange:thread", pk=post.thread_id or post.pk)


@login_required
@require_POST
def moderate(request, pk):
    if not request.user.has_perm("exchange.moderate"):
        raise PermissionDenied
    post = _post(request, pk)
    hidden = request.POST.get("action") == "hide"
    _attempt(request, lambda: services.set_hidden(by=request.user, post=post, hidden=hidden,
                                                  reason=request.POST.get("reason", "")),
             _("Hidden.") if hidden else _("Restored."))
    return redirect("exchange:thread", pk=post.thread_id or post.pk)


@login_required
def moderation_log(request):
    if not request.user.has_perm("exchange.moderate"):
        raise PermissionDenied
    events = ModerationEvent.objects.select_related("post", "by")[:200]
    reported = selectors.visible_posts(request.user).filter(moderation__action=ModerationEvent.Action.REPORT,
                                                           hidden=False).distinct()[:50]
    return render(request, "exchange/moderation.html", {"events": events, "reported": _decorate(request.user, reported)})


@login_required
def cafe_detail(request, pk):
    from django.utils import timezone

    from sasaeai.events.models import LIVE, SignUpStatus

    session = _cafe(request, pk)
    signup = None
    if session.event_id:
        signup = session.event.signups.filter(person=request.user, status__in=LIVE).first()
    return render(request, "exchange/cafe.html", {
        "cafe": session, "can_post": request.user.has_perm("exchange.post", session),
        "registered": session.registrations.filter(user=request.user).exists()
        and (signup is None or signup.status == SignUpStatus.CONFIRMED),
        "signup": signup, "waiting": signup is not None and signup.status != SignUpStatus.CONFIRMED,
        "answered": CafeSurvey.objects.filter(session=session, user=request.user).exists(),
        "n_registered": session.registrations.count(), "started": session.starts_at <= timezone.now(),
        "can_manage": services.can_manage_cafe(request.user, session),
        "satisfaction": Satisfaction.choices, "watched": Watched.choices,
    })


@login_required
@require_POST
def cafe_new(request, pk):
    from django.utils.dateparse import parse_datetime
    from django.utils.timezone import get_current_timezone, is_naive, make_aware

    space = _member(request, _space(request, pk))
    when = parse_datetime(request.POST.get("starts_at", "").strip() or "-")
    if when is not None and is_naive(when):
        when = make_aware(when, get_current_timezone())
    session = None

    def create():
        nonlocal session
        session = services.create_cafe(by=request.user, space=space, title=request.POST.get("title", ""),
                                       starts_at=when, join_url=request.POST.get("join_url", ""),
                                       minutes=request.POST.get("minutes") or services.CAFE_MINUTES,
                                       capacity=request.POST.get("capacity") or 100)

    if _attempt(request, create, _("The SC Café is planned.")):
        return redirect("exchange:cafe", pk=session.pk)
    return redirect("exchange:space", pk=space.pk)


@login_required
@require_POST
def cafe_recording(request, pk):
    session = _cafe(request, pk)
    if not services.can_manage_cafe(request.user, session):
        raise PermissionDenied
    _attempt(request, lambda: services.set_recording(by=request.user, session=session,
                                                     url=request.POST.get("recording_url", "")),
             _("The recording link is saved."))
    return redirect("exchange:cafe", pk=session.pk)


def _cafe(request, pk):
    from .models import CafeSession

    return get_object_or_404(CafeSession.objects.filter(space__in=selectors.readable_spaces(request.user)), pk=pk)


@login_required
@require_POST
def cafe_register(request, pk):
    session = _member(request, _cafe(request, pk))
    if _attempt(request, lambda: services.register_cafe(by=request.user, session=session)):
        waiting = session.event_id and not session.event.signups.filter(person=request.user,
                                                                         status="confirmed").exists()
        messages.success(request, _("The SC Café is full: you are on its waiting list. We will tell you when a "
                                    "place is free.") if waiting else _("You are registered."))
    return redirect("exchange:cafe", pk=session.pk)


@login_required
@require_POST
def cafe_survey(request, pk):
    session = _member(request, _cafe(request, pk))
    _attempt(request, lambda: services.answer_survey(
        by=request.user, session=session, satisfaction=request.POST.get("satisfaction"),
        watched=request.POST.get("watched", ""), comment=request.POST.get("comment", ""),
    ), _("Thank you for answering."))
    return redirect("exchange:cafe", pk=session.pk)
