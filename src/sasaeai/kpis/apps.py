from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpisConfig(AppConfig):
    """KPI (重要業績評価指標): indicators declared by the apps that own the data, targets per
    municipality and fiscal year, the dashboard, the anonymous SC survey and the annual report."""

    name = "sasaeai.kpis"
    label = "kpis"
    verbose_name = _("Indicators (KPI)")
