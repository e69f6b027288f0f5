"""Password validators added to Django's (see settings.AUTH_PASSWORD_VALIDATORS)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MaximumLengthValidator:
    """Very long passwords make hashing slow (a denial-of-service lever)."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext("This password is too long. It must contain at most %(max)d character.",
                         "This password is too long. It must contain at most %(max)d characters.", self.max_length)
                % {"max": self.max_length}, code="password_too_long")

    def get_help_text(self):
        return _("Your password can be at most %(max)d characters long.") % {"max": self.max_length}


class NotRepeatedValidator:
    """Refuses passwords made of one repeated character or a short repeated pattern."""

    def validate(self, password, user=None):
        for size in (1, 2, 3):
            if len(password) >= 2 * size and len(password) % size == 0 and \
                    password == password[:size] * (len(password) // size):
                raise ValidationError(_("This password is only a repeated pattern."), code="password_repeated")

    def get_help_text(self):
        return _("Your password cannot be only a repeated pattern such as “aaaaaaaaaa”.")
