"""Work and care (仕事と介護の両立): employers (事業主), work-support care managers
(ワークサポートケアマネジャー), and employees who care for a family member.

    requested → recorded (interview: family situation, work, wishes, topics)
    recorded → planned (介護支援プラン with follow-ups) | closed
    planned → closed (outcome)
    requested | recorded → withdrawn

A consultation is care data about the employee and their family member. The employer never
sees who asked: its HR contact sees the legal checklist of the cases the employee agreed to
share with the employer (by a reference, never a name) and k-suppressed counts. Every read of
a consultation is written to `ConsultationAccess` (ids and field names only)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sasaeai.residents.models import CareLevel, ProxyRelation
from sasaeai.safety.models import AppendOnlyModel, ConsentBasis
from sasaeai.tenancy.models import Area, Municipality

#: Alphabet of link codes and references: no 0/O, 1/I/L to read aloud or type from paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_code(length: int = 10) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def new_link_code() -> str:
    return new_code(10)


def new_reference() -> str:
    return new_code(8)


class Offer(models.TextChoices):
    """What a work-support care manager offers (公開名簿の掲載項目)."""

    EMPLOYEE_CONSULTATION = "employee_consultation", _("Consultations for employees")
    EMPLOYER_MEASURES = "employer_measures", _("Planning the employer's measures")
    SEMINARS = "seminars", _("Seminars on care insurance")
    FAMILY_SUPPORT = "family_support", _("Support for the family in the care setting")
    LONG_DISTANCE = "long_distance", _("Long-distance care advice")


class CareManagerOffice(models.Model):
    """A care manager office (居宅介護支援事業所 etc.) that employers may contract."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("municipality"))
    name = models.CharField(_("office name"), max_length=150)
    phone = models.CharField(_("phone number"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    demo_key = models.CharField(max_length=60, unique=True, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("care manager office")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class WorkSupportCareManager(models.Model):
    """ワークサポートケアマネジャー: a care manager's listing. They count as one only while
    their helper profile holds the verified "work_support_cm" qualification."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="work_support_cm", verbose_name=_("account"))
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("municipality"))
    office = models.ForeignKey(CareManagerOffice, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="members", verbose_name=_("care manager office"))
    areas = models.ManyToManyField(Area, related_name="+", blank=True, verbose_name=_("junior-high districts"))
    offers = models.JSONField(_("what they offer"), default=list, blank=True)
    about = models.TextField(_("about"), max_length=1000, blank=True)
    published = models.BooleanField(_("listed in the public directory"), default=True)
    demo_key = models.CharField(max_length=60, unique=True, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("work-support care manager")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.user.display_name

    def offer_labels(self) -> list[str]:
        return [str(Offer(o).label) for o in self.offers if o in Offer.values]


class SizeBand(models.TextChoices):
    """従業員規模: of the employer, or of the employee's department."""

    UNDER_50 = "under_50", _("Fewer than 50 people")
    FROM_50 = "50_299", _("50 to 299 people")
    FROM_300 = "300_999", _("300 to 999 people")
    FROM_1000 = "1000_plus", _("1,000 people or more")


class Employer(models.Model):
    """事業主: a company (possibly also a directory organisation or a partner) whose employees
    may consult a contracted work-support care manager. `link_code` is one code for all its
    employees, so using it tells the employer nothing about who used it."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("municipality"))
    name = models.CharField(_("employer name"), max_length=150)
    size_band = models.CharField(_("number of employees"), max_length=12, choices=SizeBand.choices)
    organization = models.ForeignKey("directory.Organization", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("directory organisation"))
    partner = models.ForeignKey("partners.PartnerProfile", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("partner"))
    link_code = models.CharField(_("consultation code"), max_length=12, unique=True, default=new_link_code)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    demo_key = models.CharField(max_length=60, unique=True, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("employer")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class EmployerContact(models.Model):
    """人事担当者: an account that completes the employer's side of the legal checklist."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="contacts",
                                 verbose_name=_("employer"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("account"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["employer", "user"], name="worklife_contact_once")]

    def __str__(self) -> str:
        return f"contact {self.user_id} of employer {self.employer_id}"


class Contract(models.Model):
    """契約: the employer contracts a work-support care manager (or their office) for a period."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="contracts",
                                 verbose_name=_("employer"))
    care_manager = models.ForeignKey(WorkSupportCareManager, on_delete=models.PROTECT, related_name="contracts",
                                     verbose_name=_("work-support care manager"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contract")
        ordering = ["-starts_on", "pk"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="worklife_contract_period")]

    def __str__(self) -> str:
        return f"contract {self.employer_id} {self.starts_on}–{self.ends_on}"

    def in_force(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on


class ConsultationStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("work-care consultation", "Requested")
    RECORDED = "recorded", pgettext_lazy("work-care consultation", "Interview recorded")
    PLANNED = "planned", pgettext_lazy("work-care consultation", "Plan made")
    CLOSED = "closed", pgettext_lazy("work-care consultation", "Closed")
    WITHDRAWN = "withdrawn", pgettext_lazy("work-care consultation", "Withdrawn")


TRANSITIONS: dict[str, frozenset[str]] = {
    ConsultationStatus.REQUESTED: frozenset({ConsultationStatus.RECORDED, ConsultationStatus.WITHDRAWN}),
    ConsultationStatus.RECORDED: frozenset({ConsultationStatus.PLANNED, ConsultationStatus.CLOSED,
                                            ConsultationStatus.WITHDRAWN}),
    ConsultationStatus.PLANNED: frozenset({ConsultationStatus.CLOSED}),
    ConsultationStatus.CLOSED: frozenset(),
    ConsultationStatus.WITHDRAWN: frozenset(),
}
OPEN_STATUSES = (ConsultationStatus.REQUESTED, ConsultationStatus.RECORDED, ConsultationStatus.PLANNED)


class Topic(models.TextChoices):
    LEAVE = "leave", _("Care leave and care days off")
    HOURS = "hours", _("Working hours (shorter hours, overtime, night work)")
    TELEWORK = "telework", _("Telework")
    FINANCES = "finances", _("Money (care leave benefit, costs)")
    CARE_SERVICES = "care_services", _("Care insurance services")
    DEMENTIA = "dementia", _("Dementia")
    LONG_DISTANCE = "long_distance", _("Caring from a distance")


class Outcome(models.TextChoices):
    KEPT_WORKING = "kept_working", _("Kept working as before")
    CHANGED_HOURS = "changed_hours", _("Kept working with changed hours")
    LEAVE_RETURNED = "leave_returned", _("Took care leave and returned")
    LEFT_WORK = "left_work", _("Left work")
    OTHER = "other", pgettext_lazy("work-care outcome", "Other")


class Consultation(models.Model):
    """仕事と介護の両立相談: one employee's consultation with the contracted care manager."""

    #: Field names written to the access log for a full read (labels in access_labels.py).
    LOG_FIELDS = ("worklife_consultation",)

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="consultations",
                                 verbose_name=_("employer"))
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="consultations",
                                 verbose_name=_("contract"))
    care_manager = models.ForeignKey(WorkSupportCareManager, on_delete=models.PROTECT,
                                     related_name="consultations", verbose_name=_("work-support care manager"))
    reference = models.CharField(_("reference"), max_length=10, unique=True, default=new_reference)
    status = models.CharField(_("status"), max_length=12, choices=ConsultationStatus.choices,
                              default=ConsultationStatus.REQUESTED, db_index=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now, db_index=True)

    # the employee (identity: never shown to the employer)
    employee_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+", verbose_name=_("employee's account"))
    employee_name = models.CharField(_("name (or how to address you)"), max_length=80)
    employee_contact = models.CharField(_("phone or email to reach you"), max_length=120)
    department_size = models.CharField(_("size of your department"), max_length=12, choices=SizeBand.choices)
    request_note = models.TextField(_("what you would like to talk about"), max_length=2000, blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    #: The employee agreed that the employer's HR contact works the legal checklist of this case.
    shared_with_employer = models.BooleanField(_("the employee has told the employer"), default=False)

    # the interview (面談)
    interviewed_on = models.DateField(_("interview held on"), null=True, blank=True)
    relation = models.CharField(_("family member's relation"), max_length=20, choices=ProxyRelation.choices,
                                blank=True)
    care_level = models.CharField(_("care level"), max_length=12, choices=CareLevel.choices, blank=True)
    family_municipality = models.ForeignKey(Municipality, on_delete=models.SET_NULL, null=True, blank=True,
                                            related_name="+", verbose_name=_("where the family member lives"))
    family_area = models.ForeignKey(Area, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("family member's area"))
    family_situation = models.TextField(_("the family member's situation"), max_length=4000, blank=True)
    work_situation = models.TextField(_("the employee's work situation"), max_length=2000, blank=True)
    wishes = models.TextField(_("the employee's wishes"), max_length=2000, blank=True)

    # closure (終結)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("about the outcome"), max_length=2000, blank=True)
    #: When the employee left work (from the outcome or a follow-up): the retention figure.
    left_work_on = models.DateField(_("left work on"), null=True, blank=True)

    demo_key = models.CharField(max_length=60, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("work-care consultation")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["care_manager", "status"]), models.Index(fields=["employer", "requested_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_on__isnull=False) & ~Q(outcome="")),
                name="worklife_closed_has_outcome",
                violation_error_message=_("A closed consultation needs an outcome and a date."),
            ),
        ]

    def __str__(self) -> str:
        # No name: the reference is what the employer's checklist and messages show.
        return _("Consultation %(ref)s") % {"ref": self.reference}

    def topic_labels(self) -> list[str]:
        return [str(Topic(t).label) for t in self.topics if t in Topic.values]

    @property
    def requested_on(self):
        return timezone.localtime(self.requested_at).date()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ItemKind(models.TextChoices):
    """The employer's duties under the amended 育児・介護休業法 (April 2025)."""

    # per employee case
    INDIVIDUAL_NOTICE = "individual_notice", _("Individual notice given (個別周知)")
    WISHES_CONFIRMED = "wishes_confirmed", _("Wishes confirmed (意向確認)")
    MEASURES_OFFERED = "measures_offered", _("Support measures offered")
    # employer-wide
    TRAINING = "training", _("Training held for staff")
    CONSULTATION_DESK = "consultation_desk", _("Consultation desk set up")
    CASE_EXAMPLES = "case_examples", _("Case examples shared")
    POLICY_PUBLISHED = "policy_published", _("Policy published")
    NOTICE_AT_40 = "notice_at_40", _("Information given to employees at 40")


CASE_ITEMS = (ItemKind.INDIVIDUAL_NOTICE, ItemKind.WISHES_CONFIRMED, ItemKind.MEASURES_OFFERED)
EMPLOYER_ITEMS = (ItemKind.TRAINING, ItemKind.CONSULTATION_DESK, ItemKind.CASE_EXAMPLES,
                  ItemKind.POLICY_PUBLISHED, ItemKind.NOTICE_AT_40)


class NoticeMethod(models.TextChoices):
    INTERVIEW = "interview", pgettext_lazy("notice method", "Interview")
    ONLINE = "online", pgettext_lazy("notice method", "Online meeting")
    WRITING = "writing", pgettext_lazy("notice method", "In writing")
    EMAIL = "email", pgettext_lazy("notice method", "Email")


class NoticeItem(models.TextChoices):
    """What the individual notice must cover."""

    CARE_LEAVE = "care_leave", _("Care leave (介護休業)")
    SUPPORT_MEASURES = "support_measures", _("Care days off, limits on overtime and night work, shorter hours")
    WHERE_TO_APPLY = "where_to_apply", _("Where to apply")
    BENEFIT = "benefit", _("Care leave benefit (介護休業給付金)")


class ChecklistItem(models.Model):
    """One duty of the employer: of an employee case (`consultation`) or employer-wide."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="checklist",
                                 verbose_name=_("employer"))
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="checklist", verbose_name=_("work-care consultation"))
    kind = models.CharField(pgettext_lazy("checklist item", "duty"), max_length=20, choices=ItemKind.choices)
    due_on = models.DateField(_("due on"), db_index=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=12, choices=NoticeMethod.choices, blank=True)
    notice_items = models.JSONField(_("items covered"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("done by"))
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["employer", "consultation", "kind"],
                                               name="worklife_item_once",
                                               nulls_distinct=False)]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    def notice_item_labels(self) -> list[str]:
        return [str(NoticeItem(i).label) for i in self.notice_items if i in NoticeItem.values]


class Plan(models.Model):
    """介護支援プラン: goals, planned leave and work changes with dates, handover at work and
    the care services to arrange."""

    consultation = models.OneToOneField(Consultation, on_delete=models.CASCADE, related_name="plan",
                                        verbose_name=_("work-care consultation"))
    goals = models.TextField(_("goals"), max_length=2000)
    leave_from = models.DateField(_("planned leave from"), null=True, blank=True)
    leave_until = models.DateField(_("planned leave until"), null=True, blank=True)
    work_changes = models.TextField(_("changes at work"), max_length=2000, blank=True)
    work_changes_from = models.DateField(_("changes from"), null=True, blank=True)
    handover_at_work = models.TextField(_("handover at work"), max_length=2000, blank=True)
    care_services = models.TextField(_("care services to arrange"), max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"plan of consultation {self.consultation_id}"


class FollowUpKind(models.TextChoices):
    PLAN = "plan", pgettext_lazy("work-care follow-up", "Plan follow-up")
    EMPLOYMENT = "employment", pgettext_lazy("work-care follow-up", "Employment check")


class FollowUp(models.Model):
    """フォローアップ: default 1 and 3 months after the plan; employment checks at 6 and 12
    months after the interview feed the retention figure."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="follow_ups",
                                     verbose_name=_("work-care consultation"))
    kind = models.CharField(pgettext_lazy("work-care follow-up", "kind"), max_length=12,
                            choices=FollowUpKind.choices, default=FollowUpKind.PLAN)
    due_on = models.DateField(_("due on"), db_index=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    still_employed = models.BooleanField(_("still employed"), null=True, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"follow-up {self.due_on} of consultation {self.consultation_id}"


class ShareScope(models.TextChoices):
    """What the employee agreed may go to the receiving side (the consent's scope)."""

    SITUATION = "situation", _("The family member's situation and care level")
    CONTACT = "contact", _("The employee's name and contact")
    WORK = "work", _("The employee's work situation")


class HandoverConsent(AppendOnlyModel):
    """同意: the employee's decision (give or withdraw) for the purpose
    `safety.Purpose.WORK_CARE_HANDOVER`, with its scope. Append-only; the latest wins.
    (safety's ConsentEvent is keyed on a registered resident; the employee usually is not one.)"""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="consents",
                                     verbose_name=_("work-care consultation"))
    purpose = models.CharField(_("purpose"), max_length=32, default="work_care_handover")
    granted = models.BooleanField(_("consent given"))
    scope = models.JSONField(_("what may be shared"), default=list, blank=True)
    basis = models.CharField(_("basis"), max_length=12, choices=ConsentBasis.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("recorded by"))
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def scope_labels(self) -> list[str]:
        return [str(ShareScope(s).label) for s in self.scope if s in ShareScope.values]


class HandoverKind(models.TextChoices):
    SUPPORT_CENTER = "support_center", _("To the community general support centre of the family member's area")
    NEED = "need", _("As a need in the needs register")
    PROXY_REQUEST = "proxy_request", _("Help request entered by the employee as proxy")


class Handover(models.Model):
    """つなぎ: what went to local support in the family member's municipality (possibly not the
    employer's). `shared` holds only what the consent allowed, copied at the time of sending."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="handovers",
                                     verbose_name=_("work-care consultation"))
    kind = models.CharField(pgettext_lazy("handover", "kind"), max_length=16, choices=HandoverKind.choices)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("receiving municipality"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("daily-life area"))
    shared = models.JSONField(_("shared information"), default=dict)
    need = models.ForeignKey("needs.Need", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    consent = models.ForeignKey(HandoverConsent, on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return _("Handover of consultation %(ref)s") % {"ref": self.consultation.reference}


class Seminar(models.Model):
    """A seminar for employees (care insurance basics, dementia, "at 40"): an event of the
    events app, linked to the employer — not a copy."""

    class SeminarTopic(models.TextChoices):
        CARE_INSURANCE = "care_insurance", _("Care insurance basics")
        DEMENTIA = "dementia", pgettext_lazy("seminar topic", "Dementia")
        AT_40 = "at_40", _("Information at 40")

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="seminars",
                                 verbose_name=_("employer"))
    event = models.ForeignKey("events.Event", on_delete=models.CASCADE, related_name="+", verbose_name=_("event"))
    topic = models.CharField(pgettext_lazy("seminar", "topic"), max_length=16, choices=SeminarTopic.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["employer", "event"], name="worklife_seminar_once")]

    def __str__(self) -> str:
        return f"seminar {self.event_id} for {self.employer_id}"


class ConsultationAccess(AppendOnlyModel):
    """閲覧記録 of a consultation: who read which fields, when, from where (truncated IP) — ids
    and field names only, like `safety.AccessLog` (which is keyed on a registered resident)."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False,
                              null=True, blank=True, related_name="+")
    consultation_id_ref = models.BigIntegerField(db_index=True)
    fields = models.JSONField(default=list)
    purpose = models.CharField(max_length=40)
    channel = models.CharField(max_length=8)
    path = models.CharField(max_length=200, blank=True)
    ip_prefix = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
