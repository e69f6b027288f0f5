"""困りごと (needs): what someone noticed, whether or not anyone can help yet.

A need belongs to the municipality and its layer-2 area, never to the coordinator who typed
it. It names a resident only with the resident's consent; otherwise it is anonymous and keeps
an approximate place as an H3 cell (resolution 8, about 0.7 km²), never an exact point.
Every change of status is a `NeedStatusChange` row (who, when, from, to). A need is
"connected" through `NeedLink` rows: generic relations to a directory resource, a help
request, or (apps built later) a case or an event, so this app has no migration dependency on
them.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sasaeai.tenancy.models import Area, Municipality

from .categories import NeedCategory

#: H3 resolution of an anonymous need's approximate place (the project's aggregation cell).
H3_RESOLUTION = 8


class NeedSource(models.TextChoices):
    """Who reported the need, and how (把握の経路)."""

    RESIDENT = "resident", _("The resident (本人)")
    FAMILY = "family", _("Family (家族)")
    SC_VISIT = "sc_visit", _("Coordinator's visit (SCの訪問)")
    SUPPORT_CENTER = "support_center", _("Community general support centre (地域包括支援センター)")
    CARE_MANAGER = "care_manager", _("Care manager (ケアマネジャー)")
    MINSEI_IIN = "minsei_iin", _("Welfare commissioner (民生委員)")
    COUNCIL_MEMBER = "council_member", _("Council member (協議体構成員)")
    PARTNER = "partner", _("Partner or shop (協力事業者・店舗)")
    SURVEY = "survey", _("Needs survey (ニーズ調査)")
    PHONE = "phone", _("Phone call (電話)")


class Urgency(models.TextChoices):
    """緊急度."""

    LOW = "low", pgettext_lazy("need urgency", "Can wait (急がない)")
    NORMAL = "normal", pgettext_lazy("need urgency", "Within weeks (通常)")
    HIGH = "high", pgettext_lazy("need urgency", "Within days (早めに)")
    URGENT = "urgent", pgettext_lazy("need urgency", "Today (至急)")


class NeedStatus(models.TextChoices):
    """困りごとの状態: new → triaged → connected | unmet → escalated → resolved / closed."""

    NEW = "new", pgettext_lazy("need status", "New (新規)")
    TRIAGED = "triaged", pgettext_lazy("need status", "Triaged (確認済み)")
    CONNECTED = "connected", pgettext_lazy("need status", "Connected (つないだ)")
    UNMET = "unmet", pgettext_lazy("need status", "Unmet: nothing exists (資源なし)")
    ESCALATED = "escalated", pgettext_lazy("need status", "Escalated to the council (地域課題へ)")
    RESOLVED = "resolved", pgettext_lazy("need status", "Resolved (解決)")
    CLOSED = "closed", pgettext_lazy("need status", "Closed (終了)")


#: Needs still waiting for an answer (counted as "open" in the gap table).
OPEN_STATES = frozenset({NeedStatus.NEW, NeedStatus.TRIAGED})
#: Needs for which nothing exists (counted as "unmet").
UNMET_STATES = frozenset({NeedStatus.UNMET, NeedStatus.ESCALATED})
#: Needs that are not finished (a second one for the same resident and category is a duplicate).
ACTIVE_STATES = OPEN_STATES | UNMET_STATES | {NeedStatus.CONNECTED}

#: The state machine: from → allowed targets. Anything else is refused ("illegal_transition").
TRANSITIONS: dict[str, frozenset[str]] = {
    NeedStatus.NEW: frozenset({NeedStatus.TRIAGED, NeedStatus.CONNECTED, NeedStatus.UNMET, NeedStatus.CLOSED}),
    NeedStatus.TRIAGED: frozenset({NeedStatus.CONNECTED, NeedStatus.UNMET, NeedStatus.CLOSED}),
    NeedStatus.CONNECTED: frozenset({NeedStatus.RESOLVED, NeedStatus.UNMET, NeedStatus.TRIAGED, NeedStatus.CLOSED}),
    NeedStatus.UNMET: frozenset({NeedStatus.ESCALATED, NeedStatus.CONNECTED, NeedStatus.CLOSED}),
    NeedStatus.ESCALATED: frozenset({NeedStatus.CONNECTED, NeedStatus.RESOLVED, NeedStatus.CLOSED}),
    NeedStatus.RESOLVED: frozenset({NeedStatus.TRIAGED}),
    NeedStatus.CLOSED: frozenset({NeedStatus.TRIAGED}),
}


class Need(models.Model):
    """困りごと: one need noticed in a layer-2 area."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="needs",
                                     verbose_name=_("municipality"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="needs",
                             verbose_name=_("daily-life area"))
    category = models.CharField(_("kind of need"), max_length=16, choices=NeedCategory.choices)
    description = models.TextField(_("what was noticed"), max_length=2000)
    #: Only with the resident's consent (services check it); otherwise None (anonymous).
    resident = models.ForeignKey("residents.Resident", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="needs", verbose_name=_("resident"))
    #: Approximate place of an anonymous need (never an exact point).
    h3_cell = models.CharField(_("approximate place (H3 cell)"), max_length=16, blank=True, db_index=True)
    source = models.CharField(_("reported by"), max_length=16, choices=NeedSource.choices)
    urgency = models.CharField(_("urgency"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(_("status"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.NEW)
    status_changed_at = models.DateTimeField(_("status changed"), default=timezone.now)
    #: The open need of the same resident and category this one repeats (flagged, not refused).
    duplicate_of = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="duplicates", verbose_name=_("possible duplicate of"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    noticed_on = models.DateField(_("noticed on"), default=timezone.localdate)
    demo_key = models.CharField(max_length=40, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["municipality", "area", "category", "status"], name="need_gap_idx"),
            models.Index(fields=["resident", "category", "status"], name="need_resident_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "demo_key"], condition=Q(demo_key__isnull=False),
                                    name="need_demo_key_unique"),
            models.CheckConstraint(condition=Q(resident__isnull=True) | Q(h3_cell=""),
                                   name="need_place_only_when_anonymous",
                                   violation_error_message=_("A need with a resident keeps no separate place.")),
        ]

    def __str__(self) -> str:
        return f"need #{self.pk} {self.category}"

    @property
    def is_anonymous(self) -> bool:
        return self.resident_id is None

    @property
    def allowed_statuses(self) -> list[str]:
        return [s for s in NeedStatus.values if s in TRANSITIONS.get(self.status, ())]


class NeedStatusChange(models.Model):
    """One change of a need's status: who changed it, when, and why."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="history", verbose_name=_("need"))
    from_status = models.CharField(pgettext_lazy("status change", "from"), max_length=12, choices=NeedStatus.choices, blank=True)
    to_status = models.CharField(pgettext_lazy("status change", "to"), max_length=12, choices=NeedStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("changed by"))
    at = models.DateTimeField(_("when"), default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("change of status")
        verbose_name_plural = _("changes of status")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '-'}→{self.to_status}"


class NeedLink(models.Model):
    """つなぎ先: what a need was connected to (a resource, a help request, a case, an event)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="links", verbose_name=_("need"))
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, verbose_name=_("kind of record"))
    object_id = models.PositiveBigIntegerField(pgettext_lazy("linked record", "record"))
    target = GenericForeignKey("content_type", "object_id")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("connected by"))
    created_at = models.DateTimeField(_("connected on"), default=timezone.now)

    class Meta:
        verbose_name = _("connection")
        verbose_name_plural = _("connections")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["need", "content_type", "object_id"], name="need_link_once"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="need_link_target_idx")]

    def __str__(self) -> str:
        return f"need #{self.need_id} → {self.content_type_id}:{self.object_id}"
