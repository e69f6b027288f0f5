"""Labels of the access-log field names the worklife app writes."""

from django.utils.translation import gettext_lazy as _

FIELDS = {
    "worklife_consultation": _("work-care consultation (仕事と介護の両立相談)"),
    "worklife_consultation_status": _("work-care consultation status"),
    "worklife_handover": _("work-care handover (両立相談からの引き継ぎ)"),
}
