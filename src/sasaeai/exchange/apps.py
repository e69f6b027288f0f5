from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """SCの相談・交流の場: the coordinators' exchange across municipalities."""

    name = "sasaeai.exchange"
    verbose_name = _("Coordinators' exchange")

    def ready(self) -> None:
        from . import rules  # noqa: F401
