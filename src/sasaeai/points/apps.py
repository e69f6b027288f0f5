from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PointsConfig(AppConfig):
    """地域貢献ポイント・時間預託: volunteer points and the time bank, on an exact ledger."""

    name = "sasaeai.points"
    label = "points"
    verbose_name = _("Volunteer points and time bank")

    def ready(self):
        from . import handlers  # noqa: F401  connects the booking-completed handler
