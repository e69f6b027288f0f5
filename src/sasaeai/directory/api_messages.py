"""Messages of the directory API (kept here so the directory's catalogue translates them)."""

from django.utils.translation import gettext_lazy as _

NEAR_INVALID = _("near must be 'latitude,longitude'.")
NOT_A_POSITION = _("Not a position.")
POSITION_OUTSIDE_JAPAN = _("The position is outside Japan.")
OUTSIDE_JAPAN = _("Outside Japan.")
NO_MUNICIPALITY = _("No municipality with this code.")
BAD_OPEN_AT = _("Give a date between 1900 and 2200.")
