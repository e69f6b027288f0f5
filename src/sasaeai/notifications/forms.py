from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Channel


class PreferenceForm(forms.Form):
    channel = forms.ChoiceField(label=_("How should we contact you?"), choices=Channel.choices,
                                widget=forms.RadioSelect)
    line_user_id = forms.CharField(label=_("LINE user id (only for LINE)"), required=False, max_length=64)
