"""Notification pages: a user's own notifications and channel preference."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import PreferenceForm
from .models import NotificationPreference


@login_required
def inbox(request):
    """通知一覧: only the user's own notifications."""
    page = Paginator(selectors.notifications_for(request.user), 30).get_page(request.GET.get("page"))
    pref = NotificationPreference.objects.filter(user=request.user).first()
    form = PreferenceForm(initial={
        "channel": services.preferred_channel(request.user),
        "line_user_id": pref.line_user_id if pref else "",
    })
    return render(request, "notifications/inbox.html", {"page": page, "form": form})


@login_required
@require_POST
def preference(request):
    form = PreferenceForm(request.POST)
    if form.is_valid():
        services.set_preference(request.user, form.cleaned_data["channel"], form.cleaned_data["line_user_id"])
        messages.success(request, _("Your notification setting was saved."))
    else:
        messages.error(request, _("Choose a channel."))
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    services.mark_read(request.user)
    return redirect("notifications:inbox")
