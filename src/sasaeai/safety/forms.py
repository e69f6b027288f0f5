from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sasaeai.residents.models import ProxyRelation

from .models import (
    ConsentBasis,
    ContactKind,
    GiverKind,
    IncidentKind,
    IncidentStatus,
    RecoveryCode,
    Severity,
)


class ConsentForm(forms.Form):
    purpose = forms.CharField(widget=forms.HiddenInput)
    granted = forms.TypedChoiceField(label=_("Decision"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("Give consent")), ("no", _("Withdraw / refuse"))])


class StaffConsentForm(ConsentForm):
    """A coordinator recording a decision made on paper or verbally."""

    giver_kind = forms.ChoiceField(label=_("Who decided"), choices=GiverKind.choices)
    proxy_relation = forms.ChoiceField(label=_("Proxy's relation (when a proxy decided)"),
                                       choices=[("", "—"), *ProxyRelation.choices], required=False)
    basis = forms.ChoiceField(label=_("Basis"), choices=[c for c in ConsentBasis.choices if c[0] != "online"])


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=100)
    relation = forms.CharField(label=_("Relation"), max_length=40, required=False)
    phone = forms.CharField(label=_("Phone number"), max_length=20,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}))


ContactFormSet = forms.formset_factory(ContactForm, extra=2, max_num=8, can_delete=True)


class PlanForm(forms.Form):
    notes = forms.CharField(label=_("Notes for an emergency"), widget=forms.Textarea(attrs={"rows": 4}),
                            max_length=2000, required=False)
    hospital = forms.CharField(label=_("Hospital"), max_length=120, required=False)


class RaiseForm(forms.Form):
    called_119 = forms.BooleanField(label=_("I have called 119 (or it is not needed)"), required=False)


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened"), choices=IncidentKind.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    occurred_at = forms.DateTimeField(label=_("When (YYYY-MM-DD HH:MM)"),
                                      widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}), max_length=4000)


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=IncidentStatus.choices)
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    policy = forms.TypedChoiceField(label=_("Insurance policy"), coerce=int, required=False, empty_value=None)


class RulesForm(forms.Form):
    ack_timeout_minutes = forms.IntegerField(label=_("Minutes to acknowledge before the next contact is called"),
                                             min_value=1, max_value=240)
    check_in_grace_minutes = forms.IntegerField(label=_("Alert when not checked in after (minutes)"),
                                                min_value=1, max_value=240)
    check_out_grace_minutes = forms.IntegerField(
        label=_("Alert when not checked out after the planned end (minutes)"), min_value=1, max_value=240)


class IssueRecoveryForm(forms.Form):
    login = forms.CharField(label=_("Email address or phone number of the account"), max_length=254)
    identity_check = forms.ChoiceField(label=_("How you checked the identity"),
                                       choices=RecoveryCode.IdentityCheck.choices)
    proxy_login = forms.CharField(label=_("Assisting proxy's email or phone (if a proxy vouched)"),
                                  max_length=254, required=False)


class RedeemForm(forms.Form):
    login = forms.CharField(label=_("Email address or phone number"), max_length=254,
                            widget=forms.TextInput(attrs={"autocomplete": "username"}))
    code = forms.CharField(label=_("Recovery code"), max_length=12,
                           widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}))
    new_password = forms.CharField(label=_("New password"), strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
