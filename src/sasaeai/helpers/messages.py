"""Messages the API router uses (kept here so they live in this app's catalogue)."""

from django.utils.translation import gettext_lazy as _

NOT_A_HELPER = _("You are not registered as a helper.")
ONLY_COORDINATORS = _("Only coordinators can review helpers.")
AREA_OTHER_MUNICIPALITY = _("Choose a daily-life area of your municipality.")
NAIVE_DATETIME = _("Give times with a time-zone offset.")
INVALID_RANGE = _("The range must be positive and at most 62 days.")
UNKNOWN_STATUS = _("Unknown status filter.")
