from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    """依頼: help requests, helper profiles, offers, bookings and reviews."""

    name = "sasaeai.requests"
    label = "requests"
    verbose_name = _("Help requests")
