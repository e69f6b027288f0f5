from django.apps import apps
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _

#: Names for third-party apps and models shown in the Django admin, which their packages leave
#: in English (or as the bare app label). They are set on the app config and the model's
#: `_meta` at start-up, so the index, app pages, breadcrumbs and titles all show them; the
#: migration state is unaffected (it reads Meta's original attributes, not `_meta`).
APP_NAMES = {
    "otp_static": _("Two-step log-in: backup codes"),
    "otp_totp": _("Two-step log-in: authenticator apps"),
    "django_tasks_database": _("Background tasks"),
}
MODEL_NAMES = {
    ("otp_static", "staticdevice"): (_("backup code device"), _("backup code devices")),
    ("otp_static", "statictoken"): (_("backup code"), _("backup codes")),
    ("otp_totp", "totpdevice"): (_("authenticator app device"), _("authenticator app devices")),
    ("django_tasks_database", "dbtaskresult"): (_("task result"), _("task results")),
}


def translate_third_party_names() -> None:
    for label, name in APP_NAMES.items():
        config = apps.app_configs.get(label)
        if config is not None:
            config.verbose_name = name
    for (label, model_name), (singular, plural) in MODEL_NAMES.items():
        try:
            model = apps.get_model(label, model_name)
        except LookupError:
            continue
        model._meta.verbose_name, model._meta.verbose_name_plural = singular, plural


class OperatorAdminSite(AdminSite):
    """Django admin, open only to platform operators who passed two-factor log-in."""

    site_header = _("Sasaeai administration")
    site_title = _("Sasaeai administration")
    login_template = None

    def has_permission(self, request):
        from sasaeai.tenancy.selectors import is_operator

        user = request.user
        return (
            user.is_active and user.is_staff and user.is_verified()
            and (user.is_superuser or is_operator(user))
        )


class OperatorAdminConfig(AdminConfig):
    default_site = "sasaeai.core.admin_site.OperatorAdminSite"

    def ready(self):
        super().ready()
        translate_third_party_names()
