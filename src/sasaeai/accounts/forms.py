from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .services import check_credentials


class LoginForm(forms.Form):
    """Log-in by email address or phone number, throttled per identifier."""

    login = forms.CharField(
        label=_("Email address or phone number"), max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.user_cache = check_credentials(self.request, cleaned["login"], cleaned["password"])
        return cleaned

    def get_user(self):
        return self.user_cache


class OTPForm(forms.Form):
    token = forms.CharField(
        label=_("6-digit code from your authenticator app"), max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_token(self):
        token = self.cleaned_data["token"].strip().replace(" ", "")
        if not token.isdigit() or len(token) not in (6, 8):
            raise ValidationError(_("Enter the 6 digits your authenticator app shows."))
        return token
