from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The synthetic demo town generator."""

    name = "sasaeai.demo"
    verbose_name = _("Demo town")
