"""協力事業者 (partners): companies, shops, NPOs, 社協, co-ops, universities, resident groups and
professional bodies working with a municipality.

* `PartnerProfile` sits on the directory's `Organization` (one profile per organisation); its
  staff are the organisation's `members` holding the existing partner role.
* `RegistrationScheme` / `Registration`: a municipality's registration (e.g. 2 years) with an
  eligibility rule; apply → registered | declined → renewal reminder → renewed | expired.
* `Agreement` (協定) with numbered `AgreementItem`s (連携項目) and yearly `ItemReport`s.
* `WatchAlert` (見守り・気づき): what partner staff noticed; it becomes a `needs.Need`. The
  reporter sees only its `status`, never the household.
* `Challenge` (企業向け課題) written from the gap map with k-suppressed counts, answered by
  `Proposal`s (提案); an accepted proposal becomes a pilot and then a directory resource.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sasaeai.directory.models import Location, Organization, Service
from sasaeai.tenancy.models import Area, Municipality


class PartnerKind(models.TextChoices):
    """協力事業者の種別."""

    COMPANY = "company", _("Company (企業)")
    SHOP = "shop", _("Shop (商店)")
    NPO = "npo", _("NPO (NPO法人)")
    SHAKYO = "shakyo", _("Social welfare council (社会福祉協議会)")
    COOP = "coop", _("Co-operative (生活協同組合)")
    UNIVERSITY = "university", _("University (大学)")
    RESIDENT_GROUP = "resident_group", _("Resident group (住民団体)")
    PROFESSIONAL = "professional", _("Professional body (職能団体)")
    #: A care facility: its staff may post spot shifts (施設スポット支援, requests app).
    CARE_PROVIDER = "care_provider", _("Care provider (介護事業所)")


#: Kinds counted by the agreements KPI (company and university agreements, seed 003).
KPI_KINDS = frozenset({PartnerKind.COMPANY, PartnerKind.SHOP, PartnerKind.COOP, PartnerKind.UNIVERSITY})


class PartnerProfile(models.Model):
    """協力事業者の登録情報: the partner profile of a directory organisation."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="partner_profile",
                                        verbose_name=_("organisation"))
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="partner_profiles",
                                     verbose_name=_("municipality"))
    kind = models.CharField(pgettext_lazy("partner", "kind"), max_length=16, choices=PartnerKind.choices)
    sectors = models.CharField(_("sectors"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    demo_key = models.CharField(max_length=60, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["organization__name", "pk"]

    def __str__(self) -> str:
        return self.organization.name


class PartnerBranch(models.Model):
    """店舗・事業所: a store or office of the partner (optionally a directory location)."""

    partner = models.ForeignKey(PartnerProfile, on_delete=models.CASCADE, related_name="branches",
                                verbose_name=_("partner"))
    name = models.CharField(_("place name"), max_length=200)
    address = models.CharField(_("address"), max_length=200)
    location = models.ForeignKey(Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("directory place"))

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class RegistrationScheme(models.Model):
    """登録制度 (e.g. 人生100年サポート企業): a municipality's registration of partners."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="partner_schemes",
                                     verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=200)
    categories = models.CharField(_("registration categories"), max_length=300, blank=True)
    years = models.PositiveSmallIntegerField(_("years of validity"), default=2)
    requires_local_office = models.BooleanField(_("requires an office in the municipality"), default=True)
    demo_key = models.CharField(max_length=60, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("registration scheme")
        verbose_name_plural = _("registration schemes")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class RegistrationStatus(models.TextChoices):
    APPLIED = "applied", pgettext_lazy("registration", "Applied (申請中)")
    REGISTERED = "registered", pgettext_lazy("registration", "Registered (登録済み)")
    DECLINED = "declined", pgettext_lazy("registration", "Declined (不承認)")
    EXPIRED = "expired", pgettext_lazy("registration", "Expired (期限切れ)")


#: Days before expiry at which the renewal reminder is sent.
RENEWAL_REMINDER_DAYS = 60


class Registration(models.Model):
    """登録: one partner's registration in a scheme."""

    scheme = models.ForeignKey(RegistrationScheme, on_delete=models.CASCADE, related_name="registrations",
                               verbose_name=_("registration scheme"))
    partner = models.ForeignKey(PartnerProfile, on_delete=models.CASCADE, related_name="registrations",
                                verbose_name=_("partner"))
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.APPLIED)
    categories = models.CharField(_("registration categories"), max_length=300, blank=True)
    applied_at = models.DateTimeField(_("applied"), default=timezone.now)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    review_reason = models.CharField(_("reason"), max_length=500, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    renewals = models.PositiveSmallIntegerField(_("renewals"), default=0)
    reminded_on = models.DateField(_("renewal reminder sent"), null=True, blank=True)
    demo_key = models.CharField(max_length=60, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["-applied_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "partner"], name="partner_registration_once"),
        ]

    def __str__(self) -> str:
        return f"registration #{self.pk}"


class AgreementType(models.TextChoices):
    COMPREHENSIVE = "comprehensive", _("Comprehensive partnership agreement (包括連携協定)")
    WATCH_OVER = "watch_over", _("Watch-over agreement (見守り協定)")
    INDIVIDUAL = "individual", _("Individual agreement (個別協定)")


class Agreement(models.Model):
    """協定: an agreement between the municipality and one or more partners."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="partner_agreements",
                                     verbose_name=_("municipality"))
    type = models.CharField(_("type of agreement"), max_length=16, choices=AgreementType.choices)
    title = models.CharField(_("title"), max_length=200)
    parties = models.ManyToManyField(PartnerProfile, related_name="agreements", verbose_name=_("parties"))
    signed_on = models.DateField(_("signed on"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    auto_renew = models.BooleanField(_("renewed automatically"), default=False)
    contact_person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("municipality's contact person"))
    document = models.FileField(_("signed document"), upload_to="partners/agreements/", blank=True)
    reminded_on = models.DateField(_("expiry reminder sent"), null=True, blank=True)
    demo_key = models.CharField(max_length=60, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                                   name="agreement_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.title


class AgreementItem(models.Model):
    """連携項目: a numbered collaboration item of an agreement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="items",
                                  verbose_name=_("agreement"))
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.CharField(_("collaboration item"), max_length=500)

    class Meta:
        verbose_name = _("collaboration item")
        verbose_name_plural = _("collaboration items")
        ordering = ["agreement", "number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="agreement_item_number_once")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class ItemReport(models.Model):
    """活動報告: the partner's yearly report on one collaboration item."""

    item = models.ForeignKey(AgreementItem, on_delete=models.CASCADE, related_name="reports",
                             verbose_name=_("collaboration item"))
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    text = models.TextField(_("activity report"), max_length=4000)
    partner = models.ForeignKey(PartnerProfile, on_delete=models.CASCADE, related_name="+", verbose_name=_("partner"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("activity report")
        verbose_name_plural = _("activity reports")
        constraints = [models.UniqueConstraint(fields=["item", "partner", "fiscal_year"], name="item_report_once")]

    def __str__(self) -> str:
        return f"report #{self.pk} ({self.fiscal_year})"


class WarningSign(models.TextChoices):
    """気づきのサイン."""

    POST_PILING = "post_piling", _("Post or newspapers piling up")
    LIGHTS = "lights", _("Lights on day and night")
    LAUNDRY = "laundry", _("Laundry left out for days")
    SAME_CLOTHES = "same_clothes", _("The same clothes for days")
    CONFUSION = "confusion", _("Confusion at the till or with money")
    SMELL = "smell", _("An unusual smell")
    NOT_SEEN = "not_seen", _("Not seen for a long time")
    COLLAPSED = "collapsed", _("Collapsed or calling for help (emergency)")
    INJURED = "injured", _("Injured or bleeding (emergency)")
    CRIME = "crime", _("Crime or a fire (emergency)")


#: Signs that are an emergency: the reporter is told to call 119/110 first.
EMERGENCY_SIGNS = frozenset({WarningSign.COLLAPSED, WarningSign.INJURED, WarningSign.CRIME})


class AlertStatus(models.TextChoices):
    RECEIVED = "received", pgettext_lazy("watch alert", "Received (受付済み)")
    HANDLED = "handled", pgettext_lazy("watch alert", "Handled (対応済み)")


class WatchAlert(models.Model):
    """見守り・気づき: what partner staff noticed about a household. Its content goes into a Need
    of the area; the reporter keeps only this receipt (status), never the household's data."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="watch_alerts",
                                     verbose_name=_("municipality"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("daily-life area"))
    partner = models.ForeignKey(PartnerProfile, on_delete=models.CASCADE, related_name="alerts",
                                verbose_name=_("partner"))
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                 verbose_name=_("reported by"))
    signs = models.JSONField(_("warning signs"), default=list)
    emergency = models.BooleanField(_("emergency"), default=False)
    need = models.OneToOneField("needs.Need", on_delete=models.PROTECT, related_name="watch_alert",
                                verbose_name=_("need"))
    status = models.CharField(_("status"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.RECEIVED)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    demo_key = models.CharField(max_length=60, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("watch-over alert")
        verbose_name_plural = _("watch-over alerts")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"alert #{self.pk}"


class ChallengeStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("challenge", "Open for proposals (募集中)")
    CLOSED = "closed", pgettext_lazy("challenge", "Closed (締切)")


class Challenge(models.Model):
    """企業向け課題: a need written in business terms, from the gap map."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="partner_challenges",
                                     verbose_name=_("municipality"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("daily-life area"))
    category = models.CharField(_("kind of need"), max_length=16)
    title = models.CharField(_("title"), max_length=200)
    business_terms = models.TextField(_("the need in business terms"), max_length=4000)
    offer = models.TextField(_("what the municipality offers"), max_length=2000, blank=True)
    #: Counts copied from the gap map AFTER k-suppression (None where suppressed).
    counts = models.JSONField(_("counts (suppressed)"), default=dict)
    status = models.CharField(_("status"), max_length=8, choices=ChallengeStatus.choices,
                              default=ChallengeStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("written by"))
    created_at = models.DateTimeField(default=timezone.now)
    demo_key = models.CharField(max_length=60, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("proposal", "Submitted (提出済み)")
    CHANGES = "changes", pgettext_lazy("proposal", "Changes asked (修正依頼)")
    DECLINED = "declined", pgettext_lazy("proposal", "Declined (見送り)")
    PILOT = "pilot", pgettext_lazy("proposal", "Accepted: pilot (試行中)")
    RUNNING = "running", pgettext_lazy("proposal", "Running: in the directory (実施中)")


class Proposal(models.Model):
    """提案: a partner's answer to a challenge."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="proposals",
                                  verbose_name=_("challenge"))
    partner = models.ForeignKey(PartnerProfile, on_delete=models.CASCADE, related_name="proposals",
                                verbose_name=_("partner"))
    description = models.TextField(_("service description"), max_length=4000)
    area_text = models.CharField(_("where"), max_length=200)
    price = models.CharField(_("price"), max_length=100, blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ProposalStatus.choices,
                              default=ProposalStatus.SUBMITTED)
    review_reason = models.CharField(_("reason"), max_length=500, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("reviewed by"))
    progress = models.PositiveSmallIntegerField(_("pilot progress (%)"), default=0)
    progress_note = models.CharField(_("progress note"), max_length=500, blank=True)
    resource = models.ForeignKey(Service, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                 verbose_name=_("directory resource"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    demo_key = models.CharField(max_length=60, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="proposal_progress_max")]

    def __str__(self) -> str:
        return f"proposal #{self.pk}"
