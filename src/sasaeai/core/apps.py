from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """The shell: layout, home dashboard, health check, error pages."""

    name = "sasaeai.core"
    verbose_name = _("Core")
