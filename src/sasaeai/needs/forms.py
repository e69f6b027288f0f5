from django import forms
from django.utils.translation import gettext_lazy as _

from sasaeai.tenancy.models import Area

from .categories import NeedCategory
from .models import NeedSource, NeedStatus, Urgency


class NeedForm(forms.Form):
    """困りごとの受付 (phone or after a visit): one short form."""

    category = forms.ChoiceField(label=_("Kind of need"), choices=NeedCategory.choices, widget=forms.RadioSelect)
    area = forms.ModelChoiceField(label=_("Daily-life area"), queryset=Area.objects.none(), required=False,
                                  help_text=_("Taken from the resident when one is chosen."))
    description = forms.CharField(label=_("What was noticed"), max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.ChoiceField(label=_("Reported by"), choices=NeedSource.choices, initial=NeedSource.PHONE)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    noticed_on = forms.DateField(label=_("Noticed on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, areas=None, **kwargs):
        super().__init__(*args, **kwargs)
        if areas is not None:
            self.fields["area"].queryset = areas


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=NeedStatus.choices)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))
    encoding = forms.ChoiceField(label=_("Encoding of a CSV file"), choices=[
        ("auto", _("Detect (UTF-8 or Shift_JIS)")), ("utf-8", "UTF-8"), ("shift_jis", "Shift_JIS")], initial="auto")
