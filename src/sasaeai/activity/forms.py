"""Forms of the activity pages. They parse; the rules live in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import MINUTES_PER_DAY, Function, NoteSection

DURATIONS = [(15, _("15 min")), (30, _("30 min")), (45, _("45 min")), (60, _("1 hour")), (90, _("1 h 30 min")),
             (120, _("2 hours")), (180, _("3 hours")), (240, _("4 hours")), (360, _("6 hours")), (480, _("8 hours"))]


class EntryForm(forms.Form):
    date = forms.DateField(label=pgettext_lazy("activity", "Date"), widget=forms.DateInput(attrs={"type": "date"}))
    duration = forms.TypedChoiceField(label=_("Time spent"), choices=DURATIONS, coerce=int, required=False,
                                      widget=forms.RadioSelect)
    other_minutes = forms.IntegerField(label=_("Or minutes"), required=False, min_value=-100000, max_value=100000,
                                       help_text=_("Only when none of the buttons fits."))
    function = forms.ChoiceField(label=pgettext_lazy("activity", "Function"), choices=Function.choices, widget=forms.RadioSelect)
    area = forms.TypedChoiceField(label=_("Area"), coerce=int, choices=())
    link_kind = forms.ChoiceField(label=_("About (optional)"), required=False, choices=())
    link_id = forms.IntegerField(label=_("Record number"), required=False, min_value=1, max_value=2**53)
    note = forms.CharField(label=_("Note"), required=False, max_length=300,
                           help_text=_("Short, and no personal details of residents."))

    def __init__(self, *args, areas=(), link_kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [(a.pk, a.name) for a in areas]
        self.fields["link_kind"].choices = [("", _("— nothing —")), *link_kinds]

    def clean(self):
        data = super().clean()
        minutes = data.get("other_minutes")
        if minutes is None:
            minutes = data.get("duration")
        if minutes in (None, ""):
            self.add_error("duration", _("Choose how long it took."))
        data["minutes"] = minutes
        return data


class NoteForm(forms.Form):
    section = forms.ChoiceField(choices=NoteSection.choices, widget=forms.HiddenInput)
    base_version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    text = forms.CharField(label=pgettext_lazy("handover note", "Text"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))


__all__ = ["EntryForm", "NoteForm", "MINUTES_PER_DAY"]
