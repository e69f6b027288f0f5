from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorklifeConfig(AppConfig):
    name = "sasaeai.worklife"
    verbose_name = _("Work and care (仕事と介護の両立)")
    default_auto_field = "django.db.models.BigAutoField"
