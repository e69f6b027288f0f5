"""Forms of the councils pages: they parse the input; the services decide what is allowed."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import (
    Affiliation,
    CouncilMember,
    IssueSource,
    MeetingFormat,
    MeetingKind,
    ResolutionKind,
)


class CouncilForm(forms.Form):
    area = forms.TypedChoiceField(label=_("Area"), coerce=int)
    name = forms.CharField(label=_("Name of the council"), max_length=150)
    is_existing_gathering = forms.BooleanField(label=_("An existing gathering is registered as the council"),
                                               required=False)
    gathering_note = forms.CharField(label=_("About the existing gathering"), max_length=300, required=False)
    established_on = forms.DateField(label=_("Established"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.pk, a.name) for a in areas]


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Name (person or organisation)"), max_length=100)
    organisation = forms.CharField(label=pgettext_lazy("affiliation", "Organisation"), max_length=150, required=False)
    affiliation = forms.TypedChoiceField(label=_("Affiliation"), choices=Affiliation.choices, coerce=int,
                                         error_messages={"invalid_choice": _(
                                             "Choose an affiliation from the 17 of the survey list.")})
    role = forms.ChoiceField(label=_("Role in the council"), choices=CouncilMember.Role.choices,
                             initial=CouncilMember.Role.MEMBER)
    resident_private = forms.ChoiceField(
        label=_("Counts as resident or private"), initial="auto",
        choices=[("auto", _("As the affiliation says")), ("yes", _("Yes")), ("no", _("No"))])
    term_start = forms.DateField(label=_("Term starts"), widget=forms.DateInput(attrs={"type": "date"}))
    term_end = forms.DateField(label=_("Term ends"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    email = forms.EmailField(label=_("Account e-mail (optional)"), required=False,
                             help_text=_("A council member with an account sees this council's pages."))


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Meeting type"), choices=MeetingKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Ends at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    format = forms.ChoiceField(label=_("Format"), choices=MeetingFormat.choices)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    issues = forms.TypedMultipleChoiceField(label=_("Agenda: issues from the register"), required=False,
                                            coerce=int, widget=forms.CheckboxSelectMultiple)
    other_item = forms.CharField(label=_("Other agenda item"), max_length=200, required=False)

    def __init__(self, *args, issues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issues"].choices = [(i.pk, i.title) for i in issues]


class MinutesForm(forms.Form):
    internal_minutes = forms.CharField(label=_("Internal minutes (members and staff only)"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 8}))
    public_summary = forms.CharField(label=_("Public summary (residents can read it)"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 5}))
    decisions = forms.CharField(label=_("Decisions"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class IssueForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    source = forms.ChoiceField(label=_("Raised from"), choices=IssueSource.choices)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    needs_summary = forms.CharField(label=_("Summary of the needs behind it (no names)"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}))
    meeting = forms.TypedChoiceField(label=_("Community care meeting it comes from"), required=False, coerce=int,
                                     empty_value=None)
    needs = forms.TypedMultipleChoiceField(
        label=_("Unmet needs it is raised from"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple,
        help_text=_("They move to “escalated to the council” and are resolved with the issue."))

    def __init__(self, *args, meetings=(), needs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].choices = [("", "—")] + [(m.pk, f"{m.starts_at:%Y-%m-%d} {m.title}") for m in meetings]
        # No free text of the need: its kind, area and date say what it is without a name.
        self.fields["needs"].choices = [
            (n.pk, f"#{n.pk} {n.get_category_display()} — {n.area.name} ({n.noticed_on:%Y-%m-%d})") for n in needs]
        if not needs:
            del self.fields["needs"]


class ResolveForm(forms.Form):
    resolution_kind = forms.ChoiceField(label=_("How it was resolved"), choices=[("", "—")] + ResolutionKind.choices,
                                        required=False)
    service = forms.TypedChoiceField(label=_("Resource in the directory"), required=False, coerce=int,
                                     empty_value=None)
    resolved_on = forms.DateField(label=_("Resolved on"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("About the resolution"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", "—")] + [(s.pk, s.name) for s in services]


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    owner = forms.CharField(label=_("Owner"), max_length=100, required=False)
    due_on = forms.DateField(label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    parent = forms.TypedChoiceField(label=_("Part of"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", "—")] + [(a.pk, a.title) for a in actions]


class ActionUpdateForm(forms.Form):
    note = forms.CharField(label=_("What happened"), max_length=500)
    progress = forms.IntegerField(label=_("Progress (%)"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    on = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        from .models import ActionStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "—")] + ActionStatus.choices


class ProposalForm(forms.Form):
    council = forms.TypedChoiceField(label=_("Council"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Proposal text"), widget=forms.Textarea(attrs={"rows": 6}))
    addressee = forms.CharField(label=_("Addressed to"), max_length=150)
    submitted_on = forms.DateField(label=_("Submitted on"), widget=forms.DateInput(attrs={"type": "date"}))
    issues = forms.TypedMultipleChoiceField(label=_("Local issues behind it"), required=False, coerce=int,
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, councils=(), issues=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].choices = [(c.pk, c.name) for c in councils]
        self.fields["issues"].choices = [(i.pk, f"{i.council.name}: {i.title}") for i in issues]
