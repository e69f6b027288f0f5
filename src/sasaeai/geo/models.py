"""Landmarks drawn on the support map and on paper so a reader can find their way: the
station, the city hall, the community general support centres (地域包括支援センター)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sasaeai.tenancy.models import LATITUDE, LONGITUDE, Municipality


class Landmark(models.Model):
    class Kind(models.TextChoices):
        STATION = "station", pgettext_lazy("landmark", "Station")
        CITY_HALL = "city_hall", pgettext_lazy("landmark", "City hall")
        SUPPORT_CENTER = "support_center", pgettext_lazy("landmark", "Community general support centre")
        OTHER = "other", pgettext_lazy("landmark", "Other landmark")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="landmarks",
                                     verbose_name=_("municipality"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    lat = models.FloatField(_("latitude"), validators=LATITUDE)
    lon = models.FloatField(_("longitude"), validators=LONGITUDE)
    demo_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("landmark")
        verbose_name_plural = _("landmarks")
        ordering = ["municipality_id", "kind", "name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "demo_key"], condition=Q(demo_key__isnull=False),
                                    name="landmark_demo_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name
