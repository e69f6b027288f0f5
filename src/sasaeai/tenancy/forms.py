"""Forms of the staff and area administration pages. They parse input; the rules live in
`services.py` (whose refusals the views put back on the form)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import GRANTABLE_ROLES, Area, Role


def _role_choices():
    return [(r.value, r.label) for r in Role if r in GRANTABLE_ROLES]


class _AreasMixin:
    def _areas_field(self, municipality):
        self.fields["areas"] = forms.ModelMultipleChoiceField(
            label=_("Areas"), required=False, widget=forms.CheckboxSelectMultiple,
            queryset=Area.objects.filter(municipality=municipality, layer=Area.Layer.DAILY_LIFE).order_by("name"),
            help_text=_("Leave empty for the whole municipality. A layer-2 coordinator needs at least one."),
        )


class StaffInviteForm(_AreasMixin, forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)
    display_name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=100)
    role = forms.ChoiceField(label=pgettext_lazy("staff role", "Role"), choices=_role_choices)

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self._areas_field(municipality)


class MembershipChangeForm(_AreasMixin, forms.Form):
    role = forms.ChoiceField(label=pgettext_lazy("staff role", "Role"), choices=_role_choices)
    reason = forms.CharField(label=_("Reason (optional)"), max_length=500, required=False)

    def __init__(self, *args, municipality, **kwargs):
        super().__init__(*args, **kwargs)
        self._areas_field(municipality)
        self.order_fields(["role", "areas", "reason"])


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class AreaForm(forms.Form):
    name = forms.CharField(label=_("Area name"), max_length=100)
    name_kana = forms.CharField(label=_("Area name (kana)"), max_length=100, required=False)
    center_lat = forms.FloatField(label=_("Centre latitude"), help_text=_("For example 35.66"))
    center_lon = forms.FloatField(label=_("Centre longitude"), help_text=_("For example 139.33"))
    population_65_plus = forms.IntegerField(label=_("Population aged 65+"), min_value=0, max_value=50_000_000)


class InvitationAcceptForm(forms.Form):
    password = forms.CharField(
        label=_("New password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. Avoid your name and common words."),
    )
    password_again = forms.CharField(
        label=_("New password again"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


def apply_errors(form, exc) -> None:
    """Put a service's ValidationError back on the form (unknown fields as form errors)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error.messages)
    else:
        form.add_error(None, exc.messages)
