"""Root URLs. Each app's `urls.py` is included automatically (see core.plugins)."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from sasaeai.api.main import api
from sasaeai.core import views as core_views
from sasaeai.core.plugins import project_modules

handler400 = "sasaeai.core.views.error_400"
handler403 = "sasaeai.core.views.error_403"
handler404 = "sasaeai.core.views.error_404"
handler500 = "sasaeai.core.views.error_500"

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
urlpatterns += [path("", include(module)) for _label, module in project_modules("urls")]
