from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    """地図の下地: municipality and area outlines and landmarks, drawn on the map and on paper
    whether or not map tiles are reachable."""

    name = "sasaeai.geo"
    verbose_name = _("Map geography")
