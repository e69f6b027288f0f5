"""Forms for the request pages. Validation of meaning lives in the services; these forms
parse input and offer sensible defaults (a phone intake takes under a minute)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from sasaeai.helpers.categories import Category
from sasaeai.helpers.qualifications import Qualification

from .models import Gender, Introduction, PaymentKind, PlaceKind, Recurrence, ReviewTag

TOKYO = ZoneInfo("Asia/Tokyo")
DURATIONS = [(30, _("30 minutes"))] + [
    (m, format_lazy(_("{hours} hours"), hours=f"{m / 60:g}")) for m in range(60, 12 * 60 + 1, 30)]
LANGUAGES = [("", _("No preference")), ("ja", _("Japanese")), ("en", _("English")), ("zh", _("Chinese")),
             ("ko", _("Korean")), ("vi", _("Vietnamese")), ("pt", _("Portuguese"))]


def default_start() -> tuple[dt.date, dt.time]:
    """Tomorrow at 10:00 (Tokyo)."""
    today = timezone.localtime(timezone.now(), TOKYO).date()
    return today + dt.timedelta(days=1), dt.time(10, 0)


class RequestForm(forms.Form):
    category = forms.ChoiceField(label=_("What kind of help"), choices=Category.choices,
                                 initial=Category.HOUSEWORK)
    title = forms.CharField(label=_("In a few words"), max_length=120, required=False,
                            help_text=_("For example: cleaning the bathroom, going to the eye clinic."))
    details = forms.CharField(label=_("Details"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time", "step": 900}))
    duration_minutes = forms.TypedChoiceField(label=_("How long"), choices=DURATIONS, coerce=int, initial=60)
    flexible_minutes = forms.TypedChoiceField(
        label=_("The start may move by"), coerce=int, initial=0,
        choices=[(0, _("Exactly on time")), (30, _("± 30 min")), (60, _("± 1 hour")), (120, _("± 2 hours"))])
    recurrence = forms.ChoiceField(label=_("How often"), choices=Recurrence.choices, initial=Recurrence.ONCE)
    recurrence_until = forms.DateField(label=_("Repeat until (weekly only)"), required=False,
                                       widget=forms.DateInput(attrs={"type": "date"}))
    place_kind = forms.ChoiceField(label=_("Where"), initial=PlaceKind.HOME,
                                   choices=[c for c in PlaceKind.choices if c[0] != PlaceKind.FACILITY],
                                   widget=forms.RadioSelect)
    meeting_point = forms.CharField(label=_("Meeting point"), max_length=200, required=False,
                                    help_text=_("For example: the main entrance of the station."))
    mobility = forms.CharField(label=_("Mobility"), max_length=200, required=False,
                               help_text=_("For example: walks with a cane; wheelchair."))
    has_dementia = forms.BooleanField(label=_("Lives with dementia"), required=False)
    allergies = forms.CharField(label=_("Allergies"), max_length=200, required=False)
    key_box = forms.CharField(label=_("Key box"), max_length=100, required=False)
    pets = forms.CharField(label=_("Pets"), max_length=100, required=False)
    notes = forms.CharField(label=_("Anything else the helper must know"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 2}))
    required_qualifications = forms.MultipleChoiceField(
        label=_("Required qualifications"), choices=Qualification.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Professional care always requires care training; transport a driving licence."))
    preferred_gender = forms.ChoiceField(label=_("Preferred helper"), required=False,
                                         choices=[("", _("No preference"))] + list(Gender.choices))
    preferred_language = forms.ChoiceField(label=_("Preferred language"), choices=LANGUAGES, required=False)
    payment_kind = forms.ChoiceField(label=_("Payment"), choices=PaymentKind.choices, initial=PaymentKind.FREE)
    payment_amount = forms.IntegerField(label=_("Amount (yen or points)"), min_value=0, max_value=1_000_000,
                                        required=False, initial=0)
    share_phone = forms.BooleanField(label=_("The helper may see the phone number"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            day, time = default_start()
            self.initial.setdefault("date", day)
            self.initial.setdefault("time", time)

    def service_kwargs(self) -> dict:
        d = dict(self.cleaned_data)
        starts_at = dt.datetime.combine(d.pop("date"), d.pop("time"), tzinfo=TOKYO)
        d["starts_at"] = starts_at
        d["payment_amount"] = d.get("payment_amount") or 0
        return d


class OfferForm(forms.Form):
    helpers = forms.MultipleChoiceField(label=_("Offer to"), required=False, widget=forms.CheckboxSelectMultiple)
    top = forms.IntegerField(required=False, min_value=1, max_value=20)

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["helpers"].choices = choices


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    helper = forms.IntegerField(widget=forms.HiddenInput)


class IntroductionForm(forms.Form):
    helper = forms.IntegerField(widget=forms.HiddenInput)
    mode = forms.ChoiceField(label=_("How"), choices=Introduction.Mode.choices)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}))


class ReviewForm(forms.Form):
    stars = forms.TypedChoiceField(label=_("Stars"), coerce=int, widget=forms.RadioSelect,
                                   choices=[(i, "★" * i) for i in range(5, 0, -1)])
    tags = forms.MultipleChoiceField(label=_("Tags"), choices=ReviewTag.choices, required=False,
                                     widget=forms.CheckboxSelectMultiple)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))


class VisitForm(forms.Form):
    """Check-in / check-out. The browser fills lat/lon only if the helper ticks the box."""

    share_location = forms.BooleanField(label=_("Share my location for this visit"), required=False)
    agree_standards = forms.BooleanField(
        label=_("I have read the community standards and agree to keep them on this visit"), required=False)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)


class BatchForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    area = forms.TypedChoiceField(label=_("Area"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("The whole municipality"))] + [(a.pk, a.name) for a in areas]
        if not self.is_bound:
            self.initial.setdefault("day", default_start()[0])


class FacilityShiftForm(forms.Form):
    """施設スポット支援: a short shift of non-bodily help at the facility."""

    facility = forms.TypedChoiceField(label=_("Facility"), coerce=int)
    area = forms.TypedChoiceField(label=_("Daily-life area"), coerce=int)
    title = forms.CharField(label=_("In a few words"), max_length=120, required=False,
                            help_text=_("For example: serving lunch, watching over, recreation."))
    details = forms.CharField(label=_("Details"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time", "step": 900}))
    duration_minutes = forms.TypedChoiceField(label=_("How long"), choices=DURATIONS, coerce=int, initial=120)
    slots = forms.TypedChoiceField(label=_("Helpers wanted"), coerce=int, initial=1,
                                   choices=[(n, str(n)) for n in range(1, 21)])
    recurrence = forms.ChoiceField(label=_("How often"), choices=Recurrence.choices, initial=Recurrence.ONCE)
    recurrence_until = forms.DateField(label=_("Repeat until (weekly only)"), required=False,
                                       widget=forms.DateInput(attrs={"type": "date"}))
    required_qualifications = forms.MultipleChoiceField(
        label=_("Required qualifications"), choices=Qualification.choices, required=False,
        widget=forms.CheckboxSelectMultiple)
    payment_kind = forms.ChoiceField(label=_("Payment"), choices=PaymentKind.choices, initial=PaymentKind.FREE)
    payment_amount = forms.IntegerField(label=_("Amount (yen or points)"), min_value=0, max_value=1_000_000,
                                        required=False)

    def __init__(self, *args, branches=(), areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].choices = [(b.pk, f"{b.partner.organization.name} — {b.name}") for b in branches]
        self.fields["area"].choices = [(a.pk, a.name) for a in areas]
        day, _time = default_start()
        self.fields["date"].initial = day
        self.fields["time"].initial = dt.time(13, 30)
