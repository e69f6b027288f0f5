from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """通知: messages to users through pluggable channels (email now; SMS and LINE ready)."""

    name = "sasaeai.notifications"
    label = "notifications"
    verbose_name = _("Notifications")
