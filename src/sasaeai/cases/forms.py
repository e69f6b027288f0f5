"""Forms of the cases pages. They parse; the services validate the rules (one place)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import ONS4_QUESTIONS, Case, LifeDomain, OptionStatus, Outcome, ReferrerKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReferralForm(forms.Form):
    resident = forms.TypedChoiceField(label=_("Resident"), coerce=int, choices=())
    referrer_kind = forms.ChoiceField(label=_("Referred by"), choices=ReferrerKind.choices,
                                      initial=ReferrerKind.SUPPORT_CENTER)
    referrer_name = forms.CharField(label=_("Referrer (organisation or person)"), max_length=120, required=False)
    reason = forms.CharField(label=_("Reason for the referral"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, residents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].choices = [("", "—")] + [
            (r.pk, f"{r.family_name} {r.given_name}（{r.family_name_kana} {r.given_name_kana}）— {r.area.name}")
            for r in residents]


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Why declined"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


def _ons4_fields(form, required: bool) -> None:
    for key, question in ONS4_QUESTIONS:
        form.fields[key] = forms.CharField(
            label=question, required=required, max_length=3,
            widget=forms.NumberInput(attrs={"min": 0, "max": 10, "step": 1, "inputmode": "numeric"}),
            help_text=_("0 = not at all, 10 = completely"))


class ConversationForm(forms.Form):
    on = forms.DateField(label=_("Conversation held on"), widget=DATE, initial=timezone.localdate)
    what_matters = forms.CharField(label=_("What matters to me"), max_length=4000,
                                   widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for domain in LifeDomain:
            self.fields[f"domain_{domain.value}"] = forms.CharField(
                label=domain.label, required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
        _ons4_fields(self, required=True)

    def domains(self) -> dict:
        return {d.value: self.cleaned_data.get(f"domain_{d.value}", "") for d in LifeDomain}

    def ons4(self) -> dict:
        return {k: self.data.get(k) for k, _q in ONS4_QUESTIONS}


class GoalForm(forms.Form):
    text = forms.CharField(label=_("Goal"), max_length=300)
    services = forms.MultipleChoiceField(label=_("Local resources"), required=False,
                                         widget=forms.CheckboxSelectMultiple)
    help_requests = forms.MultipleChoiceField(label=_("Help requests"), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    helpers = forms.MultipleChoiceField(label=_("Helpers"), required=False, widget=forms.CheckboxSelectMultiple)
    others = forms.CharField(label=_("Other options (one per line)"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("For example family, a neighbour, a shop that delivers."))

    def __init__(self, *args, services=(), help_requests=(), helpers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].choices = [(s.pk, s.name) for s in services]
        self.fields["help_requests"].choices = [(r.pk, r.title) for r in help_requests]
        self.fields["helpers"].choices = [(h.pk, h.user.display_name) for h in helpers]

    def options(self) -> list[dict]:
        d = self.cleaned_data
        out = [{"kind": "resource", "service_id": int(pk)} for pk in d.get("services", [])]
        out += [{"kind": "help_request", "help_request_id": int(pk)} for pk in d.get("help_requests", [])]
        out += [{"kind": "helper", "helper_id": int(pk)} for pk in d.get("helpers", [])]
        out += [{"kind": "other", "label": line.strip()} for line in (d.get("others") or "").splitlines()
                if line.strip()]
        return out


class OptionForm(forms.Form):
    status = forms.ChoiceField(label=pgettext_lazy("case option", "Step"),
                               choices=[c for c in OptionStatus.choices if c[0] != OptionStatus.SUGGESTED])
    on = forms.DateField(label=pgettext_lazy("date of a step", "On"), widget=DATE, initial=timezone.localdate)


class FollowUpForm(forms.Form):
    due_on = forms.DateField(label=_("Due on"), widget=DATE)


class FollowUpDoneForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    on = forms.DateField(label=_("Closed on"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("About the outcome"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _ons4_fields(self, required=False)

    def ons4(self) -> dict:
        return {k: self.data.get(k) for k, _q in ONS4_QUESTIONS}


__all__ = ["Case", "ReferralForm", "DeclineForm", "ConversationForm", "GoalForm", "OptionForm", "FollowUpForm",
           "FollowUpDoneForm", "CloseForm"]
