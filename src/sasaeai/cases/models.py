"""Cases (個別支援・つなぎ直し): one person an SC walks alongside, from the referral to the
outcome. The one shape behind the UK link-worker pipeline and the reablement exit support
after 短期集中予防サービス (seed 004 part 1 and part 4).

    referred → accepted | declined
    accepted → conversation ("what matters to me", ONS4 at the start)
    conversation → planned (goals, several options per goal) | closed
    planned → connected (an option tried or continuing) | closed
    connected → closed (outcome, ONS4 at the end)

Every transition is an explicit service (`services.py`) that locks the case row and checks
`TRANSITIONS`; a case is care data: every read is written to the access log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sasaeai.tenancy.models import Area, Municipality


class CaseStatus(models.TextChoices):
    REFERRED = "referred", pgettext_lazy("case status", "Referred")
    DECLINED = "declined", pgettext_lazy("case status", "Declined")
    ACCEPTED = "accepted", pgettext_lazy("case status", "Accepted")
    CONVERSATION = "conversation", pgettext_lazy("case status", "What matters recorded")
    PLANNED = "planned", pgettext_lazy("case status", "Plan agreed")
    CONNECTED = "connected", pgettext_lazy("case status", "Connected")
    CLOSED = "closed", pgettext_lazy("case status", "Closed")


#: The state machine: from -> allowed targets. Anything else is refused ("illegal_transition").
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.REFERRED: frozenset({CaseStatus.ACCEPTED, CaseStatus.DECLINED}),
    CaseStatus.DECLINED: frozenset(),
    CaseStatus.ACCEPTED: frozenset({CaseStatus.CONVERSATION}),
    CaseStatus.CONVERSATION: frozenset({CaseStatus.PLANNED, CaseStatus.CLOSED}),
    CaseStatus.PLANNED: frozenset({CaseStatus.PLANNED, CaseStatus.CONNECTED, CaseStatus.CLOSED}),
    CaseStatus.CONNECTED: frozenset({CaseStatus.CONNECTED, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}

#: A case the SC is working on (counts in the caseload).
ACTIVE_STATUSES = (CaseStatus.ACCEPTED, CaseStatus.CONVERSATION, CaseStatus.PLANNED, CaseStatus.CONNECTED)
#: Statuses in which the plan may be changed and follow-ups scheduled.
PLAN_STATUSES = (CaseStatus.CONVERSATION, CaseStatus.PLANNED, CaseStatus.CONNECTED)


class ReferrerKind(models.TextChoices):
    """紹介元: who referred the person."""

    SUPPORT_CENTER = "support_center", _("Community general support centre (地域包括支援センター)")
    CARE_MANAGER = "care_manager", _("Care manager (ケアマネジャー)")
    DOCTOR = "doctor", _("Doctor (かかりつけ医)")
    FAMILY = "family", _("Family (家族)")
    SELF = "self", _("Self-referral (本人)")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    """終結の結果."""

    CONNECTED_CONTINUING = "connected_continuing", _("Connected and continuing")
    DECLINED = "declined", pgettext_lazy("case outcome", "The person declined")
    MOVED = "moved", _("Moved away")
    HOSPITALISED = "hospitalised", _("Hospitalised or entered a facility")
    DIED = "died", _("Died")
    OTHER = "other", pgettext_lazy("case outcome", "Other")


class LifeDomain(models.TextChoices):
    """The five life domains of the "what matters to me" conversation."""

    PEOPLE = "people", pgettext_lazy("life domain", "People")
    ACTIVITIES = "activities", pgettext_lazy("life domain", "Activities")
    PLACES = "places", pgettext_lazy("life domain", "Places")
    TOOLS = "tools", pgettext_lazy("life domain", "Tools")
    SERVICES = "services", pgettext_lazy("life domain", "Services")


class Case(models.Model):
    """個別支援: one person an SC walks alongside, from the referral to the outcome. The record
    belongs to the area and municipality, not to the SC who typed it."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="cases",
                                     verbose_name=_("municipality"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="cases", verbose_name=_("daily-life area"))
    resident = models.ForeignKey("residents.Resident", on_delete=models.CASCADE, related_name="cases",
                                 verbose_name=_("resident"))
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.REFERRED,
                              db_index=True)
    #: Raised by every transition; a write that read an older version is refused ("stale").
    version = models.PositiveIntegerField(default=1, editable=False)

    # referral (紹介)
    referrer_kind = models.CharField(_("referred by"), max_length=16, choices=ReferrerKind.choices)
    referrer_name = models.CharField(_("referrer (organisation or person)"), max_length=120, blank=True)
    referred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("entered by"))
    reason = models.TextField(_("reason for the referral"), max_length=2000)
    referred_at = models.DateTimeField(_("referred"), default=timezone.now, db_index=True)
    escalated_at = models.DateTimeField(_("escalated to the layer-1 coordinator"), null=True, blank=True)

    # answer
    coordinator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("coordinator"))
    answered_at = models.DateTimeField(pgettext_lazy("referral", "answered"), null=True, blank=True)
    decline_reason = models.TextField(_("why declined"), max_length=1000, blank=True)

    # "what matters to me" (本人にとって大切なこと)
    what_matters = models.TextField(_("what matters to me"), max_length=4000, blank=True)
    domain_people = models.TextField(pgettext_lazy("life domain", "People"), max_length=1000, blank=True)
    domain_activities = models.TextField(pgettext_lazy("life domain", "Activities"), max_length=1000, blank=True)
    domain_places = models.TextField(pgettext_lazy("life domain", "Places"), max_length=1000, blank=True)
    domain_tools = models.TextField(pgettext_lazy("life domain", "Tools"), max_length=1000, blank=True)
    domain_services = models.TextField(pgettext_lazy("life domain", "Services"), max_length=1000, blank=True)
    conversation_on = models.DateField(_("conversation held on"), null=True, blank=True)

    connected_on = models.DateField(pgettext_lazy("case", "connected on"), null=True, blank=True)

    # closure (終結)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("about the outcome"), max_length=2000, blank=True)

    demo_key = models.CharField(max_length=40, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("support case")
        verbose_name_plural = _("support cases")
        ordering = ["-referred_at", "-pk"]
        indexes = [models.Index(fields=["municipality", "area", "status"]),
                   models.Index(fields=["coordinator", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | (Q(closed_on__isnull=False) & ~Q(outcome="")),
                name="case_closed_has_outcome",
                violation_error_message=_("A closed case needs an outcome and a date."),
            ),
            models.UniqueConstraint(
                fields=["resident"], condition=~Q(status__in=["declined", "closed"]),
                name="case_one_open_per_resident",
                violation_error_message=_("This resident already has an open case."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["referred", "declined"]) | Q(coordinator__isnull=False),
                name="case_accepted_has_coordinator",
                violation_error_message=_("An accepted case has a coordinator."),
            ),
        ]

    def __str__(self) -> str:
        # No name: the label appears where a need or an activity entry links to the case.
        return _("Case no. %(n)s") % {"n": self.pk}

    DOMAIN_FIELDS = {
        LifeDomain.PEOPLE: "domain_people", LifeDomain.ACTIVITIES: "domain_activities",
        LifeDomain.PLACES: "domain_places", LifeDomain.TOOLS: "domain_tools", LifeDomain.SERVICES: "domain_services",
    }

    def domains(self) -> list[tuple[str, str]]:
        """(label, text) of the five life domains."""
        return [(str(d.label), getattr(self, f)) for d, f in self.DOMAIN_FIELDS.items()]

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class CaseEvent(models.Model):
    """A step of the case: who moved it from which status to which, and when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events", verbose_name=_("support case"))
    from_status = models.CharField(max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=CaseStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=pgettext_lazy("case event", "by"))
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_status}→{self.to_status}"


class WellbeingMoment(models.TextChoices):
    CONVERSATION = "conversation", _("At the conversation")
    CLOSURE = "closure", _("At closure")


#: The four ONS4 personal well-being questions (0–10). Anxiety: lower is better.
ONS4_QUESTIONS = (
    ("life_satisfaction", _("Overall, how satisfied are you with your life nowadays?")),
    ("worthwhile", _("Overall, to what extent do you feel the things you do in your life are worthwhile?")),
    ("happiness", _("Overall, how happy did you feel yesterday?")),
    ("anxiety", _("Overall, how anxious did you feel yesterday?")),
)


class WellbeingScore(models.Model):
    """ONS4 (主観的幸福感の4項目): answers 0–10 at the conversation and at closure."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="wellbeing", verbose_name=_("support case"))
    moment = models.CharField(_("when"), max_length=16, choices=WellbeingMoment.choices)
    life_satisfaction = models.PositiveSmallIntegerField(_("life satisfaction"))
    worthwhile = models.PositiveSmallIntegerField(_("worthwhile"))
    happiness = models.PositiveSmallIntegerField(_("happiness"))
    anxiety = models.PositiveSmallIntegerField(_("anxiety"))
    recorded_on = models.DateField(_("recorded on"), default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "moment"], name="wellbeing_once_per_moment"),
            models.CheckConstraint(
                condition=Q(life_satisfaction__lte=10) & Q(worthwhile__lte=10) & Q(happiness__lte=10)
                & Q(anxiety__lte=10),
                name="wellbeing_answers_0_to_10",
                violation_error_message=_("Each answer is a whole number from 0 to 10."),
            ),
        ]

    def __str__(self) -> str:
        return f"ONS4 {self.moment} case #{self.case_id}"


class CaseGoal(models.Model):
    """目標: what the person wants to be able to do again."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals", verbose_name=_("support case"))
    text = models.CharField(_("goal"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text


class OptionKind(models.TextChoices):
    RESOURCE = "resource", _("Local resource (directory)")
    HELP_REQUEST = "help_request", _("Help request")
    HELPER = "helper", _("Helper")
    OTHER = "other", pgettext_lazy("case option", "Other")


class OptionStatus(models.TextChoices):
    SUGGESTED = "suggested", pgettext_lazy("case option", "Suggested")
    CHOSEN = "chosen", pgettext_lazy("case option", "Chosen by the person")
    TRIED = "tried", pgettext_lazy("case option", "Tried")
    CONTINUING = "continuing", pgettext_lazy("case option", "Continuing")
    STOPPED = "stopped", pgettext_lazy("case option", "Stopped")


OPTION_TRANSITIONS: dict[str, frozenset[str]] = {
    OptionStatus.SUGGESTED: frozenset({OptionStatus.CHOSEN, OptionStatus.TRIED, OptionStatus.CONTINUING}),
    OptionStatus.CHOSEN: frozenset({OptionStatus.TRIED, OptionStatus.CONTINUING, OptionStatus.STOPPED}),
    OptionStatus.TRIED: frozenset({OptionStatus.CONTINUING, OptionStatus.STOPPED}),
    OptionStatus.CONTINUING: frozenset({OptionStatus.STOPPED}),
    OptionStatus.STOPPED: frozenset(),
}


class CaseOption(models.Model):
    """選択肢: one way towards a goal — a directory resource, a help request, a helper or
    something else (family, a neighbour). The person chooses; each option is tried, continuing
    or stopped, with dates."""

    goal = models.ForeignKey(CaseGoal, on_delete=models.CASCADE, related_name="options", verbose_name=_("goal"))
    kind = models.CharField(_("kind"), max_length=16, choices=OptionKind.choices)
    service = models.ForeignKey("directory.Service", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("local resource"))
    help_request = models.ForeignKey("requests.HelpRequest", on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("help request"))
    helper = models.ForeignKey("helpers.HelperProfile", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("helper"))
    label = models.CharField(pgettext_lazy("case option", "option"), max_length=200)
    status = models.CharField(_("status"), max_length=12, choices=OptionStatus.choices,
                              default=OptionStatus.SUGGESTED)
    chosen_on = models.DateField(_("chosen on"), null=True, blank=True)
    tried_on = models.DateField(_("tried on"), null=True, blank=True)
    continuing_since = models.DateField(_("continuing since"), null=True, blank=True)
    stopped_on = models.DateField(_("stopped on"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.label


class FollowUp(models.Model):
    """フォローアップ: a check with the person after they were connected (by default at 2 weeks
    and 3 months). Overdue ones are on the SC's home page."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups",
                             verbose_name=_("support case"))
    due_on = models.DateField(_("due on"), db_index=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    cancelled = models.BooleanField(default=False)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name=_("done by"))

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"follow-up {self.due_on} case #{self.case_id}"

    @property
    def is_open(self) -> bool:
        return self.done_on is None and not self.cancelled
