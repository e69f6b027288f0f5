"""Forms of the worklife pages. They parse; the services validate the rules (one place)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sasaeai.residents.models import CareLevel, ProxyRelation
from sasaeai.safety.models import ConsentBasis

from .models import (
    FollowUpKind,
    HandoverKind,
    NoticeItem,
    NoticeMethod,
    Outcome,
    Seminar,
    ShareScope,
    SizeBand,
    Topic,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MULTI = forms.CheckboxSelectMultiple


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Consultation code from your employer"), max_length=20)


class RequestForm(forms.Form):
    employee_name = forms.CharField(label=_("Name (or how to address you)"), max_length=80)
    employee_contact = forms.CharField(label=_("Phone or email to reach you"), max_length=120)
    department_size = forms.ChoiceField(label=_("Size of your department"), choices=SizeBand.choices)
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=Topic.choices, widget=MULTI, required=False)
    note = forms.CharField(label=_("What you would like to talk about"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 4}))


class RecordForm(forms.Form):
    interviewed_on = forms.DateField(label=_("Interview held on"), widget=DATE)
    relation = forms.ChoiceField(label=_("Family member's relation"), required=False,
                                 choices=[("", "—"), *ProxyRelation.choices])
    care_level = forms.ChoiceField(label=_("Care level"), required=False, choices=[("", "—"), *CareLevel.choices])
    family_area = forms.TypedChoiceField(label=_("Where the family member lives"), coerce=int, required=False,
                                         empty_value=None, choices=())
    family_situation = forms.CharField(label=_("The family member's situation"), max_length=4000,
                                       widget=forms.Textarea(attrs={"rows": 4}))
    work_situation = forms.CharField(label=_("The employee's work situation"), max_length=2000, required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    wishes = forms.CharField(label=_("The employee's wishes"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=Topic.choices, widget=MULTI, required=False)
    shared_with_employer = forms.BooleanField(label=_("The employee has told the employer (open the employer's "
                                                      "duties on the checklist)"), required=False)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["family_area"].choices = [("", "—")] + [
            (a.pk, f"{a.municipality.name} {a.name}") for a in areas]


class PlanForm(forms.Form):
    goals = forms.CharField(label=_("Goals"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    leave_from = forms.DateField(label=_("Planned leave from"), required=False, widget=DATE)
    leave_until = forms.DateField(label=_("Planned leave until"), required=False, widget=DATE)
    work_changes = forms.CharField(label=_("Changes at work"), max_length=2000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    work_changes_from = forms.DateField(label=_("Changes from"), required=False, widget=DATE)
    handover_at_work = forms.CharField(label=_("Handover at work"), max_length=2000, required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    care_services = forms.CharField(label=_("Care services to arrange"), max_length=2000, required=False,
                                    widget=forms.Textarea(attrs={"rows": 2}))
    follow_up_1 = forms.DateField(label=_("First follow-up"), required=False, widget=DATE)
    follow_up_2 = forms.DateField(label=_("Second follow-up"), required=False, widget=DATE)

    def follow_ups(self):
        d = self.cleaned_data
        return [x for x in (d.get("follow_up_1"), d.get("follow_up_2")) if x] or None


class ChecklistForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DATE)
    method = forms.ChoiceField(label=_("Method"), required=False, choices=[("", "—"), *NoticeMethod.choices])
    notice_items = forms.MultipleChoiceField(label=_("Items covered"), choices=NoticeItem.choices, widget=MULTI,
                                             required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ConsentForm(forms.Form):
    granted = forms.TypedChoiceField(label=_("The employee's decision"), coerce=lambda v: v == "yes",
                                     choices=[("yes", _("Consents to the handover")),
                                              ("no", _("Does not consent (or withdraws)"))])
    scope = forms.MultipleChoiceField(label=_("What may be shared"), choices=ShareScope.choices, widget=MULTI,
                                      required=False)
    basis = forms.ChoiceField(label=_("Basis"), choices=ConsentBasis.choices, initial=ConsentBasis.VERBAL)


class HandoverForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("handover", "Hand over"), choices=HandoverKind.choices)
    note = forms.CharField(label=_("Message to the receiving side"), max_length=1000, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(forms.Form):
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    kind = forms.ChoiceField(label=pgettext_lazy("work-care follow-up", "Kind"), choices=FollowUpKind.choices)


class FollowUpDoneForm(forms.Form):
    still_employed = forms.TypedChoiceField(
        label=_("Still employed"), required=False, empty_value=None,
        coerce=lambda v: {"yes": True, "no": False}.get(v),
        choices=[("", "—"), ("yes", _("Yes")), ("no", _("No, left work"))])
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    on = forms.DateField(label=_("Closed on"), widget=DATE)
    note = forms.CharField(label=_("About the outcome"), max_length=2000, required=False)


class EmployerForm(forms.Form):
    name = forms.CharField(label=_("Employer name"), max_length=150)
    size_band = forms.ChoiceField(label=_("Number of employees"), choices=SizeBand.choices)


class ContractForm(forms.Form):
    starts_on = forms.DateField(label=pgettext_lazy("contract", "From"), widget=DATE)
    ends_on = forms.DateField(label=pgettext_lazy("contract", "Until"), widget=DATE)


class ContactForm(forms.Form):
    email = forms.EmailField(label=_("Email of the HR contact's account"))


class SeminarForm(forms.Form):
    event = forms.TypedChoiceField(label=_("Event"), coerce=int, choices=())
    topic = forms.ChoiceField(label=pgettext_lazy("seminar", "Topic"), choices=Seminar.SeminarTopic.choices)

    def __init__(self, *args, events=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [(e.pk, f"{e.starts_at:%Y-%m-%d} {e.title}") for e in events]
