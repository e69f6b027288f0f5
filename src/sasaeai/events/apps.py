from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """催し・おためしボランティア: events, sign-ups with a waiting list, attendance and the
    trial-volunteering follow-up funnel."""

    name = "sasaeai.events"
    verbose_name = _("Events and trial volunteering")
