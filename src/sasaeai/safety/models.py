"""Trust and safety (安全・信頼): consent (同意), the sensitive-data access log (閲覧記録),
emergency plans and escalation (緊急対応), incidents (事故・ヒヤリハット報告), visit
monitoring alerts (訪問見守り) and helper vetting records (担い手審査)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sasaeai.residents.models import ProxyRelation, Resident


class Purpose(models.TextChoices):
    """利用目的: the purposes personal data is used for (APPI 個人情報保護法 §17–18, §27)."""

    MATCHING = "matching", _("Matching with helpers (担い手とのマッチング)")
    SHARE_SUPPORT_CENTER = "share_support_center", _(
        "Sharing with the community general support centre (地域包括支援センターとの共有)")
    SHARE_CARE_MANAGER = "share_care_manager", _("Sharing with the care manager (ケアマネジャーとの共有)")
    STATISTICS = "statistics", _("Aggregated statistics (統計への利用)")
    COMPANY_CONTACT = "company_contact", _("Contact by companies (企業からの連絡)")
    WORK_CARE_HANDOVER = "work_care_handover", _(
        "Handover from the work-support care manager to local support (仕事と介護の両立相談からの引き継ぎ)")


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


class AccessPurpose(models.TextChoices):
    """Why a sensitive read happened (the `purpose` code of an `AccessLog` entry). The codes
    are stored as they are; pages and exports show these labels (`safety/labels.py`)."""

    MATCHING = "matching", Purpose.MATCHING.label
    CARE_COORDINATION = "care_coordination", _("Support by care staff (職員による支援)")
    VISIT = "visit", _("A booked helper's visit (担い手の訪問)")
    OWN_RECORD = "own_record", _("Checking one's own record (本人・代理人による確認)")
    EMERGENCY_PLAN = "emergency_plan", _("Emergency plan (緊急時対応計画)")
    EMERGENCY = "emergency", _("Emergency response (緊急対応)")
    INCIDENT = "incident", _("Incident report (事故・ヒヤリハット報告)")
    SUBJECT_EXPORT = "subject_export", _("Copy of the data for the person (本人への開示)")


class AccessLog(AppendOnlyModel):
    """閲覧記録: one read of sensitive fields of a resident's record. Holds ids and field names
    only — never the values. Append-only (model, queryset and, on PostgreSQL, a trigger)."""

    class Channel(models.TextChoices):
        PAGE = "page", pgettext_lazy("access channel", "Web page")
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
    channel = models.CharField(_("access channel"), max_length=8, choices=Channel.choices, default=Channel.SYSTEM)
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


class AuditEvent(AppendOnlyModel):
    """監査記録: security-relevant actions (recovery codes, data exports and erasures,
    emergency plan changes, vetting decisions made through this app). Ids and codes only."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
                              null=True, blank=True, related_name="+", verbose_name=_("who"))
    action = models.CharField(_("action"), max_length=48, db_index=True)
    municipality_id = models.BigIntegerField(_("municipality"), null=True, blank=True, db_index=True)
    target_type = models.CharField(_("target type"), max_length=40, blank=True)
    target_id = models.BigIntegerField(_("target id"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    ip_prefix = models.CharField(_("from (network)"), max_length=64, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} #{self.pk}"


# --- Emergencies ----------------------------------------------------------------------------


class ContactKind(models.TextChoices):
    FAMILY = "family", _("Family (家族)")
    SUPPORT_CENTER = "support_center", _("Community general support centre (地域包括支援センター)")
    CARE_MANAGER = "care_manager", _("Care manager (ケアマネジャー)")
    DOCTOR = "doctor", _("Doctor (かかりつけ医)")
    NEIGHBOUR = "neighbour", _("Neighbour (近隣)")
    OTHER = "other", _("Other")


class EmergencyPlan(models.Model):
    """緊急時対応計画: what to do for one recipient (ordered contacts and notes)."""

    #: Sensitive: shown only to staff, the recipient side and the booked helper, and audited.
    SENSITIVE_FIELDS = ("emergency_contacts", "emergency_notes")

    resident = models.OneToOneField(Resident, on_delete=models.CASCADE, related_name="emergency_plan",
                                    verbose_name=_("resident"))
    notes = models.TextField(_("notes for an emergency"), blank=True, max_length=2000,
                             help_text=_("Conditions, medicines, where the health insurance card is kept."))
    hospital = models.CharField(_("hospital"), max_length=120, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("updated by"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")

    def __str__(self) -> str:
        return f"emergency plan #{self.pk}"

    @property
    def municipality_id(self) -> int:
        return self.resident.municipality_id


class EmergencyContact(models.Model):
    """緊急連絡先: one step of the chain, in order."""

    plan = models.ForeignKey(EmergencyPlan, on_delete=models.CASCADE, related_name="contacts",
                             verbose_name=_("emergency plan"))
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=16, choices=ContactKind.choices)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    relation = models.CharField(_("relation"), max_length=40, blank=True)
    phone = models.CharField(_("phone number"), max_length=20)
    #: When the contact has an account, they are notified and can acknowledge in the app.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="emergency_contact_for", verbose_name=_("account"))

    class Meta:
        verbose_name = _("emergency contact")
        verbose_name_plural = _("emergency contacts")
        ordering = ["plan_id", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "order"], name="emergency_contact_order_unique")]

    def __str__(self) -> str:
        return f"contact #{self.pk} ({self.kind})"


class EscalationRuleSet(models.Model):
    """エスカレーション規則: per municipality, how long each step of the chain has to
    acknowledge before the next is called, and who is always told."""

    municipality = models.OneToOneField("tenancy.Municipality", on_delete=models.CASCADE,
                                        related_name="escalation_rules", verbose_name=_("municipality"))
    ack_timeout_minutes = models.PositiveSmallIntegerField(_("minutes to acknowledge before escalating"),
                                                           default=10)
    inform_roles = models.JSONField(
        _("roles informed at once"), default=list, blank=True,
        help_text=_("Role codes told as soon as the button is pressed (e.g. coordinator_l2)."))
    fallback_roles = models.JSONField(
        _("roles called when the chain is exhausted"), default=list, blank=True)
    check_in_grace_minutes = models.PositiveSmallIntegerField(_("alert when not checked in after (minutes)"),
                                                              default=15)
    check_out_grace_minutes = models.PositiveSmallIntegerField(
        _("alert when not checked out after the planned end (minutes)"), default=30)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("escalation rule set")
        verbose_name_plural = _("escalation rule sets")

    def __str__(self) -> str:
        return f"escalation rules #{self.pk}"


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open: waiting for acknowledgement")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    EXHAUSTED = "exhausted", _("Nobody acknowledged: fallback called")
    RESOLVED = "resolved", _("Resolved")


class EmergencyAlert(models.Model):
    """緊急発報: the 「緊急」 button pressed during a visit."""

    municipality = models.ForeignKey("tenancy.Municipality", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("municipality"))
    area_id = models.BigIntegerField(_("area"), null=True, blank=True)
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="emergency_alerts",
                                 verbose_name=_("resident"))
    booking = models.ForeignKey("requests.Booking", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("booking"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  related_name="+", verbose_name=_("raised by"))
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    called_119 = models.BooleanField(_("119 was called"), default=False)
    status = models.CharField(_("status"), max_length=14, choices=AlertStatus.choices, default=AlertStatus.OPEN,
                              db_index=True)
    ack_timeout_minutes = models.PositiveSmallIntegerField(_("minutes to acknowledge"), default=10)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("resolved by"))

    class Meta:
        verbose_name = _("emergency alert")
        verbose_name_plural = _("emergency alerts")
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return f"emergency #{self.pk} ({self.status})"


class AlertStep(models.Model):
    """One step of an alert's chain: a contact (or fallback staff member) told at
    `notified_at`; acknowledged or escalated when `due_at` passes."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("Emergency contact")
        INFORM = "inform", _("Informed staff")
        FALLBACK = "fallback", _("Fallback staff")

    alert = models.ForeignKey(EmergencyAlert, on_delete=models.CASCADE, related_name="steps",
                              verbose_name=_("alert"))
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CONTACT)
    contact = models.ForeignKey(EmergencyContact, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("contact"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("account notified"))
    notified_at = models.DateTimeField(_("notified at"), null=True, blank=True)
    due_at = models.DateTimeField(_("escalates at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                        blank=True, related_name="+", verbose_name=_("acknowledged by"))
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alert step")
        verbose_name_plural = _("alert steps")
        ordering = ["alert_id", "order", "pk"]

    def __str__(self) -> str:
        return f"step {self.order} of alert #{self.alert_id}"


# --- Incidents -------------------------------------------------------------------------------


class InsurancePolicy(models.Model):
    """保険: the policy that covers activities in a municipality (e.g. ボランティア活動保険)."""

    class Coverage(models.TextChoices):
        LIABILITY = "liability", _("Liability (賠償責任)")
        ACCIDENT = "accident", _("Injury of the helper (傷害)")
        BOTH = "both", _("Liability and injury")

    municipality = models.ForeignKey("tenancy.Municipality", on_delete=models.CASCADE,
                                     related_name="insurance_policies", verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=120)
    insurer = models.CharField(_("insurer"), max_length=120)
    policy_number = models.CharField(_("policy number"), max_length=60, blank=True)
    coverage = models.CharField(_("coverage"), max_length=10, choices=Coverage.choices, default=Coverage.BOTH)
    claim_contact = models.CharField(_("how to claim"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("insurance policy")
        verbose_name_plural = _("insurance policies")
        ordering = ["municipality_id", "-valid_from"]

    def __str__(self) -> str:
        return self.name


class IncidentKind(models.TextChoices):
    FALL = "fall", _("Fall (転倒)")
    ILLNESS = "illness", _("Sudden illness (急病)")
    ACCIDENT = "accident", _("Accident (事故)")
    PROPERTY_DAMAGE = "property_damage", _("Property damage (物損)")
    THEFT_ALLEGATION = "theft_allegation", _("Theft allegation (盗難の訴え)")
    ABUSE_CONCERN = "abuse_concern", _("Abuse concern (虐待の疑い)")
    OTHER = "other", _("Other")


class Severity(models.TextChoices):
    NEAR_MISS = "near_miss", _("Near miss (ヒヤリハット)")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    INVESTIGATING = "investigating", _("Investigating")
    ACTION_TAKEN = "action_taken", _("Action taken")
    CLOSED = "closed", _("Closed")


class Incident(models.Model):
    """事故報告: something that happened on a visit, with its follow-up."""

    municipality = models.ForeignKey("tenancy.Municipality", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("municipality"))
    area_id = models.BigIntegerField(_("area"), null=True, blank=True)
    resident = models.ForeignKey(Resident, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="incidents", verbose_name=_("resident"))
    booking = models.ForeignKey("requests.Booking", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("booking"))
    helper = models.ForeignKey("helpers.HelperProfile", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("helper involved"))
    alert = models.ForeignKey(EmergencyAlert, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="incidents", verbose_name=_("emergency alert"))
    kind = models.CharField(_("kind"), max_length=20, choices=IncidentKind.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    occurred_at = models.DateTimeField(_("when it happened"))
    description = models.TextField(_("what happened"), max_length=4000)
    status = models.CharField(_("status"), max_length=14, choices=IncidentStatus.choices,
                              default=IncidentStatus.REPORTED, db_index=True)
    insurance_policy = models.ForeignKey(InsurancePolicy, on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="incidents", verbose_name=_("insurance policy"))
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    related_name="+", verbose_name=_("reported by"))
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-occurred_at", "-pk"]

    def __str__(self) -> str:
        return f"incident #{self.pk} ({self.kind}, {self.severity})"


class IncidentUpdate(models.Model):
    """対応記録: one follow-up step on an incident."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="updates",
                                 verbose_name=_("incident"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                           verbose_name=pgettext_lazy("recorded by", "by"))
    status = models.CharField(_("new status"), max_length=14, choices=IncidentStatus.choices)
    note = models.TextField(_("note"), max_length=2000)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("incident follow-up")
        verbose_name_plural = _("incident follow-ups")
        ordering = ["incident_id", "at", "pk"]

    def __str__(self) -> str:
        return f"update #{self.pk} of incident #{self.incident_id}"


# --- Visit monitoring -------------------------------------------------------------------------


class VisitAlert(models.Model):
    """訪問見守りアラート: a booking not checked in / out in time."""

    class Kind(models.TextChoices):
        NO_CHECK_IN = "no_check_in", _("Not checked in")
        NO_CHECK_OUT = "no_check_out", _("Not checked out")

    booking = models.ForeignKey("requests.Booking", on_delete=models.CASCADE, related_name="+",
                                verbose_name=_("booking"))
    municipality = models.ForeignKey("tenancy.Municipality", on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("municipality"))
    area_id = models.BigIntegerField(_("area"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)
    notified = models.PositiveSmallIntegerField(_("people alerted"), default=0)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("resolved by"))

    class Meta:
        verbose_name = _("visit alert")
        verbose_name_plural = _("visit alerts")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["booking", "kind"], name="visit_alert_once_per_kind")]

    def __str__(self) -> str:
        return f"visit alert #{self.pk} ({self.kind})"


# --- Helper vetting ---------------------------------------------------------------------------


class StandardsAgreement(models.Model):
    """行動規範への同意: a helper agrees to the community standards before the first visit
    with each new recipient."""

    helper = models.ForeignKey("helpers.HelperProfile", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("helper"))
    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("resident"))
    version = models.CharField(_("standards version"), max_length=16)
    agreed_at = models.DateTimeField(_("agreed at"), default=timezone.now)

    class Meta:
        verbose_name = _("community standards agreement")
        verbose_name_plural = _("community standards agreements")
        constraints = [models.UniqueConstraint(fields=["helper", "resident", "version"],
                                               name="standards_agreement_once")]

    def __str__(self) -> str:
        return f"agreement #{self.pk}"


# --- Account recovery -------------------------------------------------------------------------


class RecoveryCode(models.Model):
    """本人確認後の復旧コード: a coordinator, after checking identity (in person, or through a
    confirmed proxy), issues a one-time code; only its hash is stored."""

    class IdentityCheck(models.TextChoices):
        IN_PERSON_ID = "in_person_id", _("In person with an identity document")
        VIDEO_ID = "video_id", _("Video call with an identity document")
        PROXY_CONFIRMED = "proxy_confirmed", _("Through a confirmed proxy, with a call back to the registered phone")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("account"))
    code_hash = models.CharField(max_length=64)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                  related_name="+", verbose_name=_("issued by"))
    assisted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("assisting proxy"))
    identity_check = models.CharField(_("identity check"), max_length=20, choices=IdentityCheck.choices)
    issued_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"recovery code #{self.pk}"
