"""Trust and safety (安全・信頼): consent (同意), the sensitive-data access log (閲覧記録),
emergency plans and escalation (緊急対応), incidents (事故・ヒヤリハット報告), visit
monitoring alerts (訪問見守り) and helper vetting records (担い手審査)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sasaeai.residents.models import ProxyRelation, Resident


class Purpose(models.TextChoices):
    """利用目的: the purposes personal data is used for (APPI 個人情報保護法 §17–18, §27)."""

    MATCHING = "matching", _("Matching with helpers (担い手とのマッチング)")
    SHARE_SUPPORT_CENTER = "share_support_center", _(
        "Sharing with the community general support centre (地域包括支援センターとの共有)")
    SHARE_CARE_MANAGER = "share_care_manager", _("Sharing with the care manager (ケアマネジャーとの共有)")
    STATISTICS = "statistics", _("Aggregated statistics (統計への利用)")
    COMPANY_CONTACT = "company_contact", _("Contact by companies (企業からの連絡)")


class GiverKind(models.TextChoices):
    SELF = "self", _("The resident themself (本人)")
    PROXY = "proxy", _("A proxy (代理人)")


class ConsentBasis(models.TextChoices):
    """How the consent (or its withdrawal) was expressed."""

    ONLINE = "online", _("Given online (オンラインで本人・代理人が操作)")
    WRITTEN = "written", _("Signed form (書面)")
    VERBAL = "verbal", _("Verbally, recorded by a coordinator (口頭・職員が記録)")
    GUARDIAN = "guardian", _("Decision of a legal guardian (成年後見人等の判断)")


class AppendOnlyQuerySet(models.QuerySet):
    """Rows are never changed or removed through the ORM."""

    def update(self, **kwargs):
        raise PermissionError(f"{self.model.__name__} rows are append-only")

    def delete(self):
        raise PermissionError(f"{self.model.__name__} rows are append-only")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} rows are append-only")


class ConsentEvent(AppendOnlyModel):
    """同意の記録: one decision (give or withdraw) for one resident and purpose. The latest
    event per (resident, purpose) is the current state; history is never rewritten."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="consent_events",
                                 verbose_name=_("resident"))
    purpose = models.CharField(_("purpose"), max_length=32, choices=Purpose.choices)
    granted = models.BooleanField(_("consent given"))
    giver_kind = models.CharField(_("given by"), max_length=8, choices=GiverKind.choices)
    proxy_relation = models.CharField(_("proxy's relation"), max_length=20, choices=ProxyRelation.choices,
                                      blank=True)
    basis = models.CharField(_("basis"), max_length=12, choices=ConsentBasis.choices)
    #: The account that entered the decision (the resident, the proxy, or a coordinator
    #: recording a written/verbal decision).
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("recorded by"))
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("consent decision")
        verbose_name_plural = _("consent decisions")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["resident", "purpose", "-at", "-id"])]

    def __str__(self) -> str:
        return f"consent #{self.pk} {self.purpose}={'yes' if self.granted else 'no'}"


class AccessLog(AppendOnlyModel):
    """閲覧記録: one read of sensitive fields of a resident's record. Holds ids and field names
    only — never the values. Append-only (model, queryset and, on PostgreSQL, a trigger)."""

    class Channel(models.TextChoices):
        PAGE = "page", _("Web page")
        API = "api", _("API")
        EXPORT = "export", _("Export")
        SYSTEM = "system", _("System (notification, background task)")

    #: Ids are kept even if the account or the record is later anonymised/removed.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
                              null=True, blank=True, related_name="+", verbose_name=_("who"))
    actor_roles = models.CharField(_("roles"), max_length=200, blank=True)
    resident = models.ForeignKey(Resident, on_delete=models.DO_NOTHING, db_constraint=False,
                                 related_name="+", verbose_name=_("whose record"))
    municipality_id = models.BigIntegerField(_("municipality"), db_index=True)
    fields = models.JSONField(_("fields"), default=list)
    purpose = models.CharField(_("purpose"), max_length=40)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.SYSTEM)
    path = models.CharField(_("page or operation"), max_length=200, blank=True)
    ip_prefix = models.CharField(_("from (network)"), max_length=64, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["resident", "-at"])]

    def __str__(self) -> str:
        return f"access #{self.pk} resident={self.resident_id} by={self.actor_id}"
