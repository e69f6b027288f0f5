"""Forms for helper pages; validation that touches other rows stays in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from sasaeai.tenancy.models import Area

from .categories import Category, HouseworkTask
from .models import Gender, HelperProfile, IdentityDocument, TravelMode, Weekday
from .qualifications import Qualification

LANGUAGE_CHOICES = [
    ("ja", _("Japanese")), ("en", _("English")), ("zh", _("Chinese")), ("ko", _("Korean")),
    ("vi", _("Vietnamese")), ("pt", _("Portuguese")), ("es", _("Spanish")), ("tl", _("Tagalog")),
    ("ne", _("Nepali")), ("id", _("Indonesian")),
]


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs={"step": 900, **(attrs or {})}, format="%H:%M")


class _ProfileStepForm(forms.ModelForm):
    """One short step of the helper profile: only that step's fields are edited."""

    class Meta:
        model = HelperProfile
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "area" in self.fields:
            self.fields["area"].queryset = Area.objects.filter(
                municipality_id=self.instance.municipality_id, layer=Area.Layer.DAILY_LIFE
            ).order_by("name")
        if "travel_mode" in self.fields:
            self.fields["travel_mode"].choices = TravelMode.choices
        if "gender" in self.fields:
            self.fields["gender"].choices = [("", _("Prefer not to say")), *Gender.choices]

    def _post_clean(self):
        # The service validates and saves; skip ModelForm's instance mutation.
        pass

    @classmethod
    def initial_for(cls, profile: HelperProfile) -> dict:
        """JSON list fields are shown as checkboxes: give them their current values."""
        return {name: getattr(profile, name) for name in ("skills", "subtasks", "languages")
                if name in cls.Meta.fields}


class AboutForm(_ProfileStepForm):
    """Step 1: about you."""

    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"), choices=LANGUAGE_CHOICES, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta(_ProfileStepForm.Meta):
        fields = ["bio", "languages", "gender", "active"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}


class HomeForm(_ProfileStepForm):
    """Step 2: home and travel. The home point is placed on a map (hidden fields filled by
    `sasaeai/js/point_picker.js`); nobody types coordinates."""

    home_postal_code = forms.CharField(
        label=_("Postal code"), required=False, max_length=20,
        help_text=_("Seven digits, for example 123-4567. The address is filled in from it."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric",
                                      "class": "postal-code-input"}),
    )

    class Meta(_ProfileStepForm.Meta):
        fields = ["home_postal_code", "home_address", "area", "radius_km", "travel_mode",
                  "home_lat", "home_lon"]
        widgets = {
            "home_lat": forms.HiddenInput(), "home_lon": forms.HiddenInput(),
            "radius_km": forms.NumberInput(attrs={"step": "0.5", "min": "0.5"}),
        }

    def clean_home_postal_code(self):
        from . import postal

        value = self.cleaned_data.get("home_postal_code") or ""
        return postal.normalize(value) if value.strip() else ""


class SkillsForm(_ProfileStepForm):
    """Step 3: what you can help with."""

    skills = forms.MultipleChoiceField(
        label=_("What you can help with"), choices=Category.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    subtasks = forms.MultipleChoiceField(
        label=_("Housework you can do"), choices=HouseworkTask.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta(_ProfileStepForm.Meta):
        fields = ["skills", "subtasks", "max_hours_per_week"]


class InsuranceForm(_ProfileStepForm):
    """Step 7: insurance and orientation."""

    class Meta(_ProfileStepForm.Meta):
        fields = ["has_insurance", "insurance_note", "insurance_expires_on", "training_done",
                  "training_completed_on"]
        widgets = {"insurance_expires_on": DateInput(), "training_completed_on": DateInput()}


class RuleForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=[("", "—"), *Weekday.choices], coerce=int)
    start_time = forms.TimeField(label=_("From"), widget=TimeInput())
    end_time = forms.TimeField(label=_("Until"), widget=TimeInput())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        return cleaned


RuleFormSet = forms.formset_factory(RuleForm, extra=2, can_delete=True, max_num=50, validate_max=True)


class ExceptionForm(forms.Form):
    KIND_CHOICES = [
        ("day_off", _("Whole day off")),
        ("unavailable", _("Not available during these hours")),
        ("extra", _("Extra available hours")),
    ]
    date = forms.DateField(label=_("Date"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES)
    start_time = forms.TimeField(label=_("From"), required=False, widget=TimeInput())
    end_time = forms.TimeField(label=_("Until"), required=False, widget=TimeInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if kind == "day_off":
            cleaned["start_time"] = cleaned["end_time"] = None
        elif kind and (start is None or end is None):
            self.add_error("start_time", _("Give both times."))
        elif start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        return cleaned


class QualificationForm(forms.Form):
    code = forms.ChoiceField(label=_("Qualification"), choices=Qualification.choices)
    certificate_number = forms.CharField(label=_("Certificate number"), required=False, max_length=50)
    document_note = forms.CharField(
        label=_("How the coordinator can check it"), required=False, max_length=300,
        help_text=_("For example the issuing body; bring the certificate to your coordinator."),
    )
    obtained_on = forms.DateField(label=_("Obtained on"), required=False, widget=DateInput())
    expires_on = forms.DateField(label=_("Valid until (if it expires)"), required=False, widget=DateInput())


class IdentityForm(forms.Form):
    document = forms.ChoiceField(
        label=_("Identity document you will show"), choices=IdentityDocument.choices,
        help_text=_("Show the original to your coordinator. Its number is not recorded."),
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Mark as verified")), ("reject", _("Send back"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note (required when rejecting)"), required=False, max_length=300)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), min_length=3, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
