"""Links in notifications: a notification keeps a site path (e.g. `/requests/12/`) and every
place that shows it — the email body, the inbox, the API — turns it into an absolute URL from
`settings.SASAEAI_SITE_URL` (env `SASAEAI_SITE_URL`, e.g. `https://sasaeai.example.lg.jp`)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: Where a notification points when its sender gave no link: the user's inbox.
INBOX_PATH = "/notifications/"
MAX_LENGTH = 300


def site_url() -> str:
    """The configured site address without a trailing slash."""
    return (getattr(settings, "SASAEAI_SITE_URL", "") or "http://localhost:8000").rstrip("/")


def clean_link(link) -> str:
    """The link to store: a path on this site ("/…", not "//…"), or an absolute http(s) URL
    (kept as given). Empty means the inbox. Anything else is refused (code "invalid_link")."""
    link = str(link or "").strip() or INBOX_PATH
    if len(link) > MAX_LENGTH:
        raise ValidationError(_("The notification link is too long."), code="invalid_link")
    if link.startswith("/") and not link.startswith("//"):
        return link
    if link.startswith(("https://", "http://")):
        return link
    raise ValidationError(_("A notification link must be a path on this site."), code="invalid_link")


def absolute_url(link: str) -> str:
    """`/requests/12/` -> `https://site.example/requests/12/`; absolute URLs pass unchanged."""
    if not link:
        return ""
    if link.startswith(("https://", "http://")):
        return link
    return f"{site_url()}/{link.lstrip('/')}"
