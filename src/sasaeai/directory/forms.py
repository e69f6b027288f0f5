from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    TEXT_MAX,
    Category,
    Cost,
    Organization,
    Schedule,
    Service,
    Target,
    validate_contact_phone,
)
from .selectors import MAX_RADIUS_KM

BLANK = [("", _("Any"))]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Keywords"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 体操, サロン")}))
    category = forms.ChoiceField(label=_("Category"), required=False, choices=BLANK + list(Category.choices))
    area = forms.ModelChoiceField(label=_("Area"), required=False, queryset=None, empty_label=_("Any"))
    target = forms.ChoiceField(label=_("For whom"), required=False, choices=BLANK + list(Target.choices))
    cost = forms.ChoiceField(label=_("Cost"), required=False, choices=BLANK + list(Cost.choices))
    open_at = forms.DateTimeField(label=_("Open at"), required=False,
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                  input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
    near_home = forms.BooleanField(label=_("Near my home"), required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(label=_("Longitude"), required=False, widget=forms.HiddenInput)
    radius_km = forms.FloatField(label=_("Within (km)"), required=False, min_value=0.5, max_value=MAX_RADIUS_KM,
                                 initial=3, widget=forms.NumberInput(attrs={"step": "0.5"}))

    def __init__(self, *args, areas=None, has_home=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        if not has_home:
            del self.fields["near_home"]


class ServiceForm(forms.ModelForm):
    targets = forms.MultipleChoiceField(label=_("For whom"), required=False, choices=Target.choices,
                                        widget=forms.CheckboxSelectMultiple)
    tags = forms.CharField(label=_("Participation meaning (comma separated)"), required=False, max_length=300)
    place_name = forms.CharField(label=_("Place name"), max_length=200, required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=8, required=False)
    # Placed on the map (sasaeai/js/point_picker.js), never typed (issue 9 §9).
    lat = forms.FloatField(label=_("Latitude"), required=False, widget=forms.HiddenInput)
    lon = forms.FloatField(label=_("Longitude"), required=False, widget=forms.HiddenInput)
    accessibility = forms.CharField(label=_("Accessibility notes"), max_length=500, required=False)
    url = forms.URLField(label=_("Web page"), required=False, assume_scheme="https")
    transportation = forms.CharField(label=_("How to get there"), max_length=500, required=False)

    class Meta:
        model = Service
        fields = ["name", "name_kana", "category", "area", "organization", "description", "targets", "tags",
                  "cost", "cost_amount", "cost_note", "capacity", "contact_name", "contact_phone",
                  "contact_email", "url", "visibility", "status"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_MAX})}

    def __init__(self, *args, areas=None, municipality=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["organization"].queryset = Organization.objects.filter(municipality=municipality)
        instance = self.instance
        self.fields["category"].required = True  # blank only for an import waiting for review
        if instance.cost != Cost.OTHER:  # other currencies come only from imports
            self.fields["cost"].choices = [c for c in self.fields["cost"].choices if c[0] != Cost.OTHER]
        if instance.pk:
            self.initial["targets"] = instance.target_list
            self.initial["tags"] = "、".join(instance.tag_list)
            if instance.location_id:
                loc = instance.location
                self.initial.update(place_name=loc.name, address=loc.address, postal_code=loc.postal_code,
                                    lat=loc.lat, lon=loc.lon, accessibility=loc.accessibility,
                                    transportation=loc.transportation)

    def _post_clean(self):
        # Validation happens in the service (one place for the rules); skip ModelForm's.
        pass


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Schedule.Kind.choices, initial="weekly")
    weekday = forms.TypedChoiceField(label=_("Weekday"), required=False, coerce=int, empty_value=None,
                                     choices=[("", "—")] + Schedule.WEEKDAYS)
    week_of_month = forms.TypedChoiceField(label=_("Week of the month"), required=False, coerce=int,
                                           empty_value=None,
                                           choices=[("", _("Every week"))] + [(i, str(i)) for i in range(1, 6)])
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    opens_at = forms.TimeField(label=_("Opens at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label=_("Closes at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    valid_from = forms.DateField(label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    valid_to = forms.DateField(label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    closed_on_holidays = forms.BooleanField(label=_("Closed on public holidays"), required=False, initial=True)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if not data.get("opens_at") and not data.get("closes_at"):
            data["unused"] = True  # an empty row: ignored
        elif not data.get("opens_at") or not data.get("closes_at"):
            raise forms.ValidationError(_("Give both the start and the end time."))
        return data


ScheduleFormSet = forms.formset_factory(ScheduleForm, extra=2, max_num=14, can_delete=True)


class SuggestionForm(forms.Form):
    name = forms.CharField(label=_("Name of the place or activity"), max_length=200)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    area = forms.ModelChoiceField(label=_("Area"), queryset=None)
    description = forms.CharField(label=_("What happens there"), required=False, max_length=TEXT_MAX,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    place_name = forms.CharField(label=_("Place name"), required=False, max_length=200)
    address = forms.CharField(label=_("Address"), required=False, max_length=200)
    schedule_text = forms.CharField(label=_("When (as you know it)"), required=False, max_length=200)
    weekday = forms.TypedChoiceField(label=_("Weekday"), required=False, coerce=int, empty_value=None,
                                     choices=[("", "—")] + Schedule.WEEKDAYS)
    opens_at = forms.TimeField(label=_("Starts at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label=_("Ends at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=20,
                                    validators=[validate_contact_phone])
    comment = forms.CharField(label=_("Message to the coordinator"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, areas=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        if editing:
            # A correction proposes only what is filled in: no field has a default value.
            for name in ("name", "category", "area"):
                self.fields[name].required = False
            self.fields["category"].choices = [("", _("(unchanged)"))] + list(Category.choices)
            self.fields["area"].empty_label = _("(unchanged)")


class ReviewForm(forms.Form):
    """The moderator's review: optional corrections of the proposal (pre-filled with it) and a note."""

    name = forms.CharField(label=_("Name of the place or activity"), required=False, max_length=200)
    category = forms.ChoiceField(label=_("Category"), required=False,
                                 choices=[("", _("(unchanged)"))] + list(Category.choices))
    area = forms.ModelChoiceField(label=_("Area"), queryset=None, required=False, empty_label=_("(unchanged)"))
    description = forms.CharField(label=_("What happens there"), required=False, max_length=TEXT_MAX,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    place_name = forms.CharField(label=_("Place name"), required=False, max_length=200)
    address = forms.CharField(label=_("Address"), required=False, max_length=200)
    lat = forms.FloatField(label=_("Latitude"), required=False)
    lon = forms.FloatField(label=_("Longitude"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=20)
    schedule_text = forms.CharField(label=_("When (as written)"), required=False, max_length=200)
    weekday = forms.TypedChoiceField(label=_("Weekday"), required=False, coerce=int, empty_value=None,
                                     choices=[("", "—")] + Schedule.WEEKDAYS)
    opens_at = forms.TimeField(label=_("Starts at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    closes_at = forms.TimeField(label=_("Ends at"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    closed_on_holidays = forms.BooleanField(label=_("Closed on public holidays"), required=False)
    note = forms.CharField(label=_("Note (shown in the history)"), required=False, max_length=1000)

    EDIT_FIELDS = ("name", "category", "area", "description", "place_name", "address", "lat", "lon",
                   "contact_phone", "schedule_text", "weekday", "opens_at", "closes_at", "closed_on_holidays")

    def __init__(self, *args, suggestion=None, areas=None, **kwargs):
        initial = {k: v for k, v in (suggestion.proposed if suggestion else {}).items() if k in self.EDIT_FIELDS}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["area"].queryset = areas

    def edits(self) -> dict:
        """Every correctable value submitted (a field left out of the request is unchanged; an
        emptied one leaves the proposed value out). The service works out what differs."""
        out = {}
        for key in self.EDIT_FIELDS:
            if key not in self.data and key != "closed_on_holidays":
                continue
            value = self.cleaned_data.get(key)
            if key == "area":
                value = value.pk if value is not None else ""
            out[key] = "" if value is None else value
        return out


class ImportForm(forms.Form):
    KINDS = [("template", _("Excel/CSV template")), ("hsds", _("HSDS (zip of JSON or CSV files)"))]
    kind = forms.ChoiceField(label=_("File type"), choices=KINDS)
    encoding = forms.ChoiceField(label=_("Encoding of a CSV file"), choices=[
        ("auto", _("Detect (UTF-8 or Shift_JIS)")), ("utf-8", "UTF-8"), ("shift_jis", _("Shift_JIS (Excel)"))])
    file = forms.FileField(label=_("File"))
    skip_invalid = forms.BooleanField(label=_("Import the valid rows and skip rows with errors"), required=False)
