from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeedsConfig(AppConfig):
    """困りごと: the needs register, the gap map and table."""

    name = "sasaeai.needs"
    label = "needs"
    verbose_name = _("Needs register")

    def ready(self) -> None:
        from . import rules  # noqa: F401  registers the permissions
