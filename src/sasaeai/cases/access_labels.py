"""Labels of the access-log field names the cases app writes (see `safety/labels.py`)."""

from django.utils.translation import gettext_lazy as _

FIELDS = {
    "case_record": _("support case (個別支援の記録)"),
    "case_status": _("support case status (個別支援の状況)"),
}
