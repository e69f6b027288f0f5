from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilsConfig(AppConfig):
    """協議体: councils, their members and meetings, the local issue register and policy proposals."""

    name = "sasaeai.councils"
    verbose_name = _("Councils and local issues")

