from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkactivityConfig(AppConfig):
    """就労的活動: work-like tasks posted by partners, older residents' interest, ranking with the
    matching engine, placements and participation."""

    name = "sasaeai.workactivity"
    label = "workactivity"
    verbose_name = _("Work-like activities")

    def ready(self) -> None:
        from . import rules  # noqa: F401  registers the permissions
