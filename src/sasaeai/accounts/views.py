import base64
import io
from urllib.parse import urlencode

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from sasaeai.core.middleware import needs_two_factor

from . import services
from .forms import LoginForm, OTPForm


def _next_url(request, default="core:home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@sensitive_post_parameters("password")
@never_cache
def login_view(request):
    """ログイン: email address or phone number and password; staff continue to TOTP."""
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        auth_login(request, user)
        if needs_two_factor(user):
            return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': _next_url(request, '/')})}")
        return redirect(_next_url(request))
    return render(request, "registration/login.html", {"form": form, "next": _next_url(request, "")})


@require_POST
def logout_view(request):
    auth_logout(request)
    messages.success(request, _("You have logged out."))
    return redirect("core:home")


@login_required
@never_cache
def otp_view(request):
    """Two-factor step for staff: set up an authenticator app once, then enter its code."""
    user = request.user
    device = services.confirmed_totp_device(user)
    setup = device is None
    pending = services.pending_totp_device(user) if setup else None
    form = OTPForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        matched = services.verify_totp(user, form.cleaned_data["token"])
        if matched is not None:
            otp_login(request, matched)
            return redirect(_next_url(request))
        form.add_error("token", _("That code is not correct or has expired. Enter the current code."))
    context = {"form": form, "setup": setup, "next": _next_url(request, "")}
    if pending is not None:
        context["secret"] = _base32(pending.bin_key)
        context["qr_svg"] = _qr_svg(pending.config_url)
    return render(request, "registration/otp.html", context)


def _base32(raw: bytes) -> str:
    return base64.b32encode(raw).decode().rstrip("=")


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode()


@sensitive_post_parameters("password", "password_again")
@never_cache
def invitation_view(request, token: str):
    """招待の受諾: a new staff member sets a password through the one-time link, is logged in
    and goes on to set up the authenticator app (two-step log-in)."""
    from sasaeai.tenancy import services as tenancy
    from sasaeai.tenancy.forms import InvitationAcceptForm, apply_errors

    invitation = tenancy.invitation_for(token)
    usable = invitation is not None and invitation.is_usable and invitation.membership.ended_at is None
    form = InvitationAcceptForm(request.POST or None)
    if usable and request.method == "POST" and form.is_valid():
        try:
            user = tenancy.invitation_accept(token=token, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            auth_logout(request)
            auth_login(request, user, backend="sasaeai.accounts.backends.EmailOrPhoneBackend")
            messages.success(request, _("Your password is set. Now set up the two-step log-in."))
            return redirect(f"{reverse('accounts:otp')}?{urlencode({'next': '/'})}")
    status = 200 if usable else 404
    return render(request, "registration/invitation.html",
                  {"form": form, "invitation": invitation if usable else None}, status=status)
