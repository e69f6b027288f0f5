from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "sasaeai.cases"
    verbose_name = _("Support cases (個別支援)")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # A need (困りごと) can be connected to the case that took it up.
        from django.apps import apps

        if apps.is_installed("sasaeai.needs"):
            from sasaeai.needs.services import register_link_target

            register_link_target("cases.case", "case")
