"""Councils (協議体), their members and meetings, the local issue register (地域課題) with its
action plans, and policy proposals (政策提言).

A council sits on one area: the municipality's layer-1 area (第1層協議体) or a layer-2 area
(第2層協議体). Records that point at apps built elsewhere (needs, cases) use generic links
(`IssueLink`), so no migration depends on them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sasaeai.tenancy.models import Area, Municipality


class Affiliation(models.IntegerChoices):
    """構成員の所属: the 17 options of the SC survey's Q16 (seed 004 part 3 §2.5)."""

    GOVERNMENT = 1, _("Municipal government (行政)")
    SUPPORT_CENTER = 2, _("Community general support centre (地域包括支援センター)")
    MUNICIPAL_SWC = 3, _("Municipal social welfare council (市区町村社会福祉協議会)")
    DISTRICT_SWC = 4, _("District social welfare council (地区・校区社会福祉協議会)")
    NEIGHBOURHOOD = 5, _("Neighbourhood association (地縁団体：自治会・町内会)")
    NPO = 6, _("NPO or volunteer group (NPO団体・ボランティア団体)")
    WELFARE_COMMISSIONER = 7, _("Welfare commissioner (民生委員児童委員)")
    SENIOR_CLUB = 8, _("Senior citizens' club (老人クラブ)")
    MEDICAL_ASSOCIATIONS = 9, _("Medical, dental or pharmaceutical association (三師会)")
    PROFESSIONAL_BODY = 10, _("Other professional body (専門職団体)")
    COOPERATIVE = 11, _("Cooperative (協同組合：農協・生協など)")
    SILVER_CENTER = 12, _("Silver human resources centre (シルバー人材センター)")
    POLICE_FIRE = 13, _("Police or fire service (警察・消防)")
    COMMERCE = 14, _("Chamber of commerce or shopping street (商工会議所・商店会)")
    INDIVIDUAL = 15, _("Individual (family or insured person's representative) (個人)")
    UNKNOWN = 16, _("Unknown / no layer-2 council (わからない・第2層の協議体はない)")
    OTHER = 17, _("Other affiliation (その他)")


#: Affiliations that count as residents or private organisations by default (KSI: ≥ 50 %).
RESIDENT_PRIVATE_DEFAULT = frozenset({
    Affiliation.DISTRICT_SWC, Affiliation.NEIGHBOURHOOD, Affiliation.NPO, Affiliation.WELFARE_COMMISSIONER,
    Affiliation.SENIOR_CLUB, Affiliation.COOPERATIVE, Affiliation.SILVER_CENTER, Affiliation.COMMERCE,
    Affiliation.INDIVIDUAL,
})


def validate_affiliation(value) -> None:
    if value not in Affiliation.values:
        raise ValidationError(_("Choose an affiliation from the 17 of the survey list."), code="invalid_affiliation")


class Council(models.Model):
    """協議体: the consultative body of one area. An existing gathering (既存の会議体) can be
    registered as the council."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="councils",
                                     verbose_name=_("municipality"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="councils", verbose_name=_("area"))
    name = models.CharField(_("name"), max_length=150)
    is_existing_gathering = models.BooleanField(
        _("an existing gathering registered as the council"), default=False)
    gathering_note = models.CharField(_("about the existing gathering"), max_length=300, blank=True)
    established_on = models.DateField(_("established"), null=True, blank=True)
    demo_key = models.CharField(max_length=60, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        ordering = ["municipality_id", "area__layer", "area__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["area"], name="council_one_per_area",
                                    violation_error_message=_("This area already has its council.")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def layer(self) -> int:
        return self.area.layer


class CouncilMember(models.Model):
    """協議体の構成員: a person or an organisation, with or without an account."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("Chair (会長・座長)")
        VICE_CHAIR = "vice_chair", _("Vice-chair (副会長)")
        MEMBER = "member", pgettext_lazy("council role", "Member (委員)")
        OBSERVER = "observer", _("Observer (オブザーバー)")

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="members",
                                verbose_name=_("council"))
    name = models.CharField(_("name"), max_length=100, help_text=_("A person's name or an organisation's name."))
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    affiliation = models.PositiveSmallIntegerField(_("affiliation"), choices=Affiliation.choices,
                                                   validators=[validate_affiliation])
    role = models.CharField(pgettext_lazy("council", "role"), max_length=12, choices=Role.choices,
                            default=Role.MEMBER)
    counts_as_resident_private = models.BooleanField(_("counts as resident or private"), default=False)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="council_seats", verbose_name=_("account"))
    demo_key = models.CharField(max_length=60, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("council member")
        verbose_name_plural = _("council members")
        ordering = ["council_id", "role", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(affiliation__gte=1) & Q(affiliation__lte=17),
                                   name="council_member_affiliation_q16",
                                   violation_error_message=_("Choose an affiliation from the 17 of the survey list.")),
            models.CheckConstraint(condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                                   name="council_member_term_ordered",
                                   violation_error_message=_("A term cannot end before it starts.")),
        ]

    def __str__(self) -> str:
        return self.name

    def in_term(self, day) -> bool:
        return self.term_start <= day and (self.term_end is None or day <= self.term_end)


class MeetingKind(models.TextChoices):
    """会議の種類. The KPI indicators count SC training, SC network and multi-agency meetings."""

    COUNCIL = "council", _("Council meeting (協議体会議)")
    CASE_REVIEW = "case_review", _("Community care meeting, individual cases (地域ケア会議・個別)")
    AREA_CARE = "area_care", _("Community care meeting, local issues (地域ケア会議・地域課題)")
    SC_TRAINING = "sc_training", _("SC training (SC研修)")
    SC_NETWORK = "sc_network", _("SC network meeting (SC連絡会)")
    MULTI_AGENCY = "multi_agency", _("Multi-agency joint training or meeting (多機関合同研修・会議)")


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("In person and online")


class Meeting(models.Model):
    """会議: one meeting of a council, with its agenda, attendance, minutes and summary."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="meetings",
                                verbose_name=_("council"))
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("municipality"))
    kind = models.CharField(_("meeting type"), max_length=16, choices=MeetingKind.choices,
                            default=MeetingKind.COUNCIL, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=MeetingFormat.choices,
                              default=MeetingFormat.IN_PERSON)
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    internal_minutes = models.TextField(_("internal minutes"), blank=True)
    public_summary = models.TextField(_("public summary"), blank=True,
                                      help_text=_("What residents may read. No personal details."))
    decisions = models.TextField(_("decisions"), blank=True)
    notice_sent_at = models.DateTimeField(_("notice sent"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    demo_key = models.CharField(max_length=60, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["municipality", "kind", "starts_at"], name="meeting_kpi_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                                   name="meeting_ends_after_start",
                                   violation_error_message=_("A meeting cannot end before it starts.")),
        ]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    """議題: an item of a meeting's agenda, usually a local issue from the register."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda",
                                verbose_name=_("meeting"))
    issue = models.ForeignKey("LocalIssue", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="agenda_items", verbose_name=_("local issue"))
    title = models.CharField(_("title"), max_length=200)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "issue"], condition=Q(issue__isnull=False),
                                    name="agenda_issue_once_per_meeting",
                                    violation_error_message=_("This issue is already on the agenda.")),
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """出欠: a member of the council (in term on the meeting's day) or a named guest."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance",
                                verbose_name=_("meeting"))
    member = models.ForeignKey(CouncilMember, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="attendance", verbose_name=_("council member"))
    guest_name = models.CharField(_("guest"), max_length=100, blank=True)
    guest_organisation = models.CharField(_("guest's organisation"), max_length=150, blank=True)
    present = models.BooleanField(_("present"), default=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        ordering = ["meeting_id", "member_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], condition=Q(member__isnull=False),
                                    name="attendance_member_once",
                                    violation_error_message=_("This member's attendance is already recorded.")),
            models.CheckConstraint(condition=(Q(member__isnull=False) & Q(guest_name=""))
                                   | (Q(member__isnull=True) & ~Q(guest_name="")),
                                   name="attendance_member_or_guest",
                                   violation_error_message=_("An attendee is either a member or a named guest.")),
        ]

    def __str__(self) -> str:
        return self.member.name if self.member_id else self.guest_name


class MeetingFile(models.Model):
    """添付資料: a file attached to a meeting (stored in the database, at most 5 MB)."""

    MAX_BYTES = 5 * 1024 * 1024

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="files", verbose_name=_("meeting"))
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100, default="application/octet-stream")
    size = models.PositiveIntegerField(default=0)
    data = models.BinaryField(default=b"", editable=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attached file")
        verbose_name_plural = _("attached files")
        ordering = ["meeting_id", "pk"]

    def __str__(self) -> str:
        return self.filename


class IssueSource(models.TextChoices):
    NEEDS = "needs", _("Unmet needs (困りごと)")
    CASES = "cases", _("Individual cases, anonymised (個別支援)")
    CASE_REVIEW = "case_review", _("A community care meeting (地域ケア会議)")
    MEMBER = "member", _("A council member")


class IssueState(models.TextChoices):
    RAISED = "raised", _("Raised")
    ON_AGENDA = "on_agenda", _("On the agenda")
    ACTION_PLAN = "action_plan", _("Action plan")
    RESOLVED = "resolved", _("Resolved")
    ESCALATED = "escalated", _("Escalated to the layer-1 council")
    PROPOSAL = "proposal", _("Turned into a policy proposal")


#: Allowed moves of the issue register.
ISSUE_TRANSITIONS = {
    IssueState.RAISED: {IssueState.ON_AGENDA, IssueState.ACTION_PLAN, IssueState.ESCALATED, IssueState.PROPOSAL},
    IssueState.ON_AGENDA: {IssueState.ACTION_PLAN, IssueState.RESOLVED, IssueState.ESCALATED, IssueState.PROPOSAL},
    IssueState.ACTION_PLAN: {IssueState.ON_AGENDA, IssueState.RESOLVED, IssueState.ESCALATED, IssueState.PROPOSAL},
    IssueState.RESOLVED: set(),
    IssueState.ESCALATED: set(),
    IssueState.PROPOSAL: set(),
}
OPEN_STATES = (IssueState.RAISED, IssueState.ON_AGENDA, IssueState.ACTION_PLAN)


class ResolutionKind(models.TextChoices):
    NEW_RESOURCE = "new_resource", _("A new resource was created")
    ADAPTED_RESOURCE = "adapted_resource", _("An existing resource was adapted")
    PARTNER = "partner", _("A partner was engaged")
    HELP_ARRANGEMENT = "help_arrangement", _("A help arrangement was set up")
    OTHER = "other", _("Other resolution")


class LocalIssue(models.Model):
    """地域課題: a problem of the area the council works on, from raised to resolved (or
    escalated to the layer-1 council, or turned into a policy proposal)."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="issues", verbose_name=_("council"))
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("municipality"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    source = models.CharField(_("raised from"), max_length=12, choices=IssueSource.choices)
    needs_summary = models.TextField(_("summary of the needs behind it"), blank=True,
                                     help_text=_("Aggregated, without names."))
    raised_at_meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="raised_issues", verbose_name=_("raised at meeting"))
    raised_by_member = models.ForeignKey(CouncilMember, on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="raised_issues", verbose_name=_("raised by"))
    state = models.CharField(_("state"), max_length=12, choices=IssueState.choices, default=IssueState.RAISED,
                             db_index=True)
    escalated_to = models.ForeignKey(Council, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="escalated_issues", verbose_name=_("escalated to"))
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True, db_index=True)
    resolution_kind = models.CharField(_("how it was resolved"), max_length=20, choices=ResolutionKind.choices,
                                       blank=True)
    resolution_note = models.TextField(_("about the resolution"), blank=True)
    resolution_service = models.ForeignKey("directory.Service", on_delete=models.SET_NULL, null=True, blank=True,
                                           related_name="resolved_issues", verbose_name=_("resource"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    demo_key = models.CharField(max_length=60, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("local issue")
        verbose_name_plural = _("local issues")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="resolved") | (Q(resolved_on__isnull=False) & ~Q(resolution_kind="")),
                name="issue_resolved_has_resolution",
                violation_error_message=_("A resolved issue needs its resolution: how and when."),
            ),
            models.CheckConstraint(
                condition=~Q(resolution_kind="new_resource") | Q(resolution_service__isnull=False)
                | ~Q(state="resolved"),
                name="issue_new_resource_linked",
                violation_error_message=_("Link the new resource from the directory."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class IssueLink(models.Model):
    """An issue's link to a record of another app (a need, a case, a meeting's case review):
    what raised it (`raised_from`) or what its resolution closes (`closes`)."""

    class Purpose(models.TextChoices):
        RAISED_FROM = "raised_from", _("Raised from")
        CLOSES = "closes", _("Closed by the resolution")

    issue = models.ForeignKey(LocalIssue, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")

    class Meta:
        verbose_name = _("linked record")
        verbose_name_plural = _("linked records")
        constraints = [
            models.UniqueConstraint(fields=["issue", "purpose", "content_type", "object_id"],
                                    name="issue_link_unique"),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="issue_link_target_idx")]

    def __str__(self) -> str:
        return f"{self.purpose} {self.content_type_id}:{self.object_id}"


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", pgettext_lazy("action status", "Done")
    DROPPED = "dropped", _("Dropped")


class Action(models.Model):
    """行動計画の項目: one action of an issue's plan. Actions form a small tree; a parent's
    progress is derived from its children (as in Decidim's accountability module), never typed."""

    issue = models.ForeignKey(LocalIssue, on_delete=models.CASCADE, related_name="actions",
                              verbose_name=_("local issue"))
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children",
                               verbose_name=_("part of"))
    title = models.CharField(_("title"), max_length=200)
    owner = models.CharField(_("owner"), max_length=100, blank=True)
    due_on = models.DateField(_("due"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)])
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices,
                              default=ActionStatus.PLANNED)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["issue_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0) & Q(progress__lte=100), name="action_progress_0_100",
                                   violation_error_message=_("Progress is a percentage from 0 to 100.")),
        ]

    def __str__(self) -> str:
        return self.title


class ActionUpdate(models.Model):
    """経過: a dated entry of an action's timeline."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="timeline", verbose_name=_("action"))
    on = models.DateField(_("date"))
    note = models.CharField(_("what happened"), max_length=500)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action update")
        verbose_name_plural = _("action updates")
        ordering = ["action_id", "on", "pk"]

    def __str__(self) -> str:
        return self.note


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Rejected")
    REFLECTED = "reflected", _("Reflected in a plan")


class PolicyProposal(models.Model):
    """政策提言: a council's proposal to the municipality (or another addressee), and the plan
    it was reflected in."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="proposals",
                                verbose_name=_("council"))
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+",
                                     verbose_name=_("municipality"))
    issues = models.ManyToManyField(LocalIssue, blank=True, related_name="proposals", verbose_name=_("local issues"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("proposal text"))
    addressee = models.CharField(_("addressed to"), max_length=150)
    submitted_on = models.DateField(_("submitted on"), db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=ProposalStatus.choices,
                              default=ProposalStatus.SUBMITTED)
    plan = models.CharField(_("plan it was reflected in"), max_length=200, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    demo_key = models.CharField(max_length=60, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("policy proposal")
        verbose_name_plural = _("policy proposals")
        ordering = ["-submitted_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="reflected") | ~Q(plan=""), name="proposal_reflected_names_plan",
                                   violation_error_message=_("Name the plan the proposal was reflected in.")),
        ]

    def __str__(self) -> str:
        return self.title
