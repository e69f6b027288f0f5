"""Messages the API router shows, kept in this app's catalogue."""

from django.utils.translation import gettext_lazy as _

NOT_YOUR_BOOKING = _("This booking is not yours.")
NO_CONSENT = _("This resident has not consented to matching.")
CHOOSE_HELPER = _("Choose at least one helper.")
NOT_FOUND = _("Not found.")
