from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SafetyConfig(AppConfig):
    """安全・信頼: consent, access audit, emergencies, incidents, visit monitoring, vetting."""

    name = "sasaeai.safety"
    label = "safety"
    verbose_name = _("Trust and safety")
