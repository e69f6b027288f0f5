from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    """協力事業者: partner registry, registration schemes, agreements (協定), watch-over alerts
    (見守り・気づき) and challenges with proposals (ニーズの翻訳)."""

    name = "sasaeai.partners"
    label = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from . import handlers, rules  # noqa: F401  registers the permissions and the need-handled handler
