from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _


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
