"""Messages of the needs API (kept in the needs app's catalogue)."""

from django.utils.translation import gettext_lazy as _

OTHER_MUNICIPALITY = _("This resident lives in another municipality; a need is recorded where the resident lives.")
NOT_IN_AREAS = _("This resident is not in your areas.")
BAD_AREA = _("Choose a layer-2 (daily-life) area of this municipality.")
UNKNOWN_STATUS = _("Unknown status.")
TARGET_REQUIRED = _("Choose what to connect the need to.")
TARGET_NOT_FOUND = _("That record was not found.")
