from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpersConfig(AppConfig):
    """担い手: helper profiles, skills, qualifications and their verification, availability."""

    name = "sasaeai.helpers"
    label = "helpers"
    verbose_name = _("Helpers")
