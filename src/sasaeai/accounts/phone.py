"""Japanese phone numbers: normalise full-width digits, hyphens and +81."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_DIGITS = re.compile(r"^0\d{9,10}$")


def normalize_phone(raw: str) -> str:
    """Return digits only in domestic form (e.g. '09012345678'); '' for blank."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    text = re.sub(r"[\s\-‐－ー()（）]", "", text)
    if text.startswith("+81"):
        text = "0" + text[3:]
    return text


def validate_phone(raw: str) -> str:
    phone = normalize_phone(raw)
    if not _DIGITS.match(phone):
        raise ValidationError(
            _("Enter a Japanese phone number of 10 or 11 digits, e.g. 090-1234-5678."), code="phone_invalid"
        )
    return phone


def mask_phone(phone: str) -> str:
    """Show only the last four digits: '090-****-5678'."""
    if not phone:
        return ""
    return f"{phone[:3]}-****-{phone[-4:]}"
