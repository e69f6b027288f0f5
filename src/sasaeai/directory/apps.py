from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """地域資源・支え合いマップ: the community resource directory."""

    name = "sasaeai.directory"
    verbose_name = _("Community resource directory")
