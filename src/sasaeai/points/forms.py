"""Forms of the points pages: parse and bound the input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sasaeai.helpers.categories import Category

from .models import ActivityKind, RedemptionKind, SchemeKind, YearBasis

BIG = 10_000_000


class RedeemForm(forms.Form):
    option = forms.TypedChoiceField(label=_("Exchange for"), coerce=int)
    points = forms.IntegerField(label=_("Points to redeem"), min_value=1, max_value=BIG)

    def __init__(self, *args, options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].choices = [(o.pk, f"{o.name}（1 pt = {o.yen_per_point} 円）") for o in options]


class TransferForm(forms.Form):
    booking = forms.TypedChoiceField(label=_("For the visit"), coerce=int)
    minutes = forms.IntegerField(label=pgettext_lazy("duration", "Minutes"), min_value=1, max_value=24 * 60)

    def __init__(self, *args, bookings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booking"].choices = [
            (b.pk, f"{b.starts_at:%m/%d} {b.request.title}（{b.helper.user.display_name}）") for b in bookings]


class CreditChoiceForm(forms.Form):
    credits = forms.TypedMultipleChoiceField(label=_("Credits"), coerce=int)
    action = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("reject", pgettext_lazy("points credit", "Reject"))])

    def __init__(self, *args, credits=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["credits"].choices = [(c.pk, str(c.pk)) for c in credits]


class OfficeExchangeForm(forms.Form):
    payer = forms.TypedChoiceField(label=_("Paid by"), coerce=int)
    payee = forms.TypedChoiceField(label=_("Paid to"), coerce=int)
    minutes = forms.IntegerField(label=pgettext_lazy("duration", "Minutes"), min_value=1, max_value=24 * 60)
    memo = forms.CharField(label=_("Note (from the paper list)"), max_length=200, required=False)

    def __init__(self, *args, accounts=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(a.pk, a.owner.display_name) for a in accounts]
        self.fields["payer"].choices = choices
        self.fields["payee"].choices = choices


class ActivityCreditForm(forms.Form):
    member = forms.TypedChoiceField(label=pgettext_lazy("scheme member", "Member"), coerce=int)
    activity = forms.ChoiceField(label=_("Activity"),
                                 choices=[c for c in ActivityKind.choices if c[0] != ActivityKind.BOOKING])
    minutes = forms.IntegerField(label=pgettext_lazy("duration", "Minutes"), min_value=0, max_value=24 * 60)
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Event or course"), max_length=60)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(u.pk, u.display_name) for u in members]


class SchemeForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("points scheme", "name"), max_length=100)
    kind = forms.ChoiceField(label=_("kind of scheme"), choices=SchemeKind.choices)


class TermsForm(forms.Form):
    valid_from = forms.DateField(label=_("valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    daily_cap = forms.IntegerField(label=_("daily cap (0: none)"), max_value=BIG)
    yearly_cap = forms.IntegerField(label=_("yearly cap (0: none)"), max_value=BIG)
    year_basis = forms.ChoiceField(label=_("the cap's year"), choices=YearBasis.choices)
    min_age = forms.IntegerField(label=_("minimum age (0: any)"), max_value=150)
    needs_confirmation = forms.BooleanField(label=_("credits wait for confirmation by the coordinator"),
                                            required=False)
    expiry_years = forms.IntegerField(label=_("points expire on 31 December after this many years (0: never)"),
                                      max_value=10)
    min_redemption = forms.IntegerField(label=_("minimum redemption"), max_value=BIG)
    redemption_months = forms.TypedMultipleChoiceField(
        label=_("redemption months (empty: all year)"), coerce=int, required=False,
        choices=[(m, f"{m}月") for m in range(1, 13)], widget=forms.CheckboxSelectMultiple)
    starting_credit = forms.IntegerField(label=_("starting credit for a new member"), max_value=BIG)


class RuleForm(forms.Form):
    activity = forms.ChoiceField(label=_("activity"), choices=ActivityKind.choices)
    category = forms.ChoiceField(label=_("request category (blank: all)"), required=False,
                                 choices=[("", "—")] + list(Category.choices))
    valid_from = forms.DateField(label=_("valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    points = forms.IntegerField(label=_("points"), max_value=BIG)
    per_minutes = forms.TypedChoiceField(label=_("per this many minutes (0: per activity)"), coerce=int,
                                         choices=[(0, _("per activity")), (30, _("per 30 minutes")),
                                                  (60, _("per 60 minutes"))])
    min_minutes = forms.IntegerField(label=_("minimum duration (minutes)"), max_value=24 * 60, initial=0)


class OptionForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("redemption option", "kind"), choices=RedemptionKind.choices)
    name = forms.CharField(label=pgettext_lazy("redemption option", "name"), max_length=100)
    yen_per_point = forms.IntegerField(label=_("yen per point"), max_value=100_000)


class PayForm(forms.Form):
    finance_reference = forms.CharField(label=_("finance office reference"), max_length=60)


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("reason for refusing"), max_length=200)
