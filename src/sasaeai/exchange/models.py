"""SCの相談・交流の場: spaces across municipalities where life support coordinators ask,
answer, discuss, share good practice and meet in online SC Cafés."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sasaeai.tenancy.codes import PREFECTURES


class Space(models.Model):
    """交流の場: national, or one prefecture's. Set up by the operator."""

    class Scope(models.TextChoices):
        NATIONAL = "national", _("National (全国)")
        PREFECTURE = "prefecture", _("Prefecture-wide (都道府県)")

    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(pgettext_lazy("exchange", "scope"), max_length=12, choices=Scope.choices)
    prefecture = models.CharField(_("prefecture"), max_length=2, choices=PREFECTURES, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exchange space")
        verbose_name_plural = _("exchange spaces")
        ordering = ["scope", "prefecture", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="national") & Q(prefecture="")) | (Q(scope="prefecture") & ~Q(prefecture="")),
                name="exchange_space_scope_prefecture",
                violation_error_message=_("A prefecture-wide space names its prefecture; a national one does not."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Moderator(models.Model):
    """モデレーター: appointed by the operator; the only people who may see who wrote an
    anonymous post."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exchange_moderator")
    appointed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    appointed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"moderator {self.user_id}"


class PostKind(models.TextChoices):
    QUESTION = "question", _("Question (相談)")
    DISCUSSION = "discussion", _("Discussion (意見交換)")
    PRACTICE = "practice", _("Good practice (好事例)")
    REPLY = "reply", pgettext_lazy("exchange post", "Reply")


class AreaType(models.TextChoices):
    URBAN = "urban", _("Urban (都市部)")
    SUBURBAN = "suburban", _("Suburban (郊外)")
    RURAL = "rural", _("Rural / mountainous (農山村)")
    ISLAND = "island", _("Island (離島)")


class Post(models.Model):
    """投稿: a thread (question, discussion or good practice) or a reply to one. The author is
    always stored; when `anonymous` only moderators may see it."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="posts")
    thread = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    kind = models.CharField(_("kind"), max_length=12, choices=PostKind.choices)
    topic = models.CharField(pgettext_lazy("exchange", "topic"), max_length=50, blank=True)
    title = models.CharField(_("title"), max_length=150, blank=True)
    body = models.TextField(pgettext_lazy("exchange", "text"), max_length=5000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exchange_posts")
    author_municipality = models.ForeignKey("tenancy.Municipality", on_delete=models.SET_NULL, null=True,
                                            blank=True, related_name="+")
    anonymous = models.BooleanField(_("post anonymously"), default=False)
    accepted_answer = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="+")
    # good practice (好事例)
    area_type = models.CharField(pgettext_lazy("exchange", "area type"), max_length=10, choices=AreaType.choices, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    what_was_done = models.TextField(_("what was done"), max_length=5000, blank=True)
    result = models.TextField(pgettext_lazy("exchange", "result"), max_length=5000, blank=True)
    attachment_url = models.URLField(pgettext_lazy("exchange", "attachment link"), blank=True)
    hidden = models.BooleanField(pgettext_lazy("exchange", "hidden"), default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    demo_key = models.CharField(max_length=60, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="reply") & Q(thread__isnull=False)) | (~Q(kind="reply") & Q(thread__isnull=True)),
                name="exchange_post_reply_has_thread",
            ),
        ]
        indexes = [models.Index(fields=["space", "thread", "-created_at"])]

    def __str__(self) -> str:
        return self.title or self.body[:30]


class Reaction(models.Model):
    """反応: 「役に立った」 or 「私も」, once per person and post."""

    class Kind(models.TextChoices):
        HELPFUL = "helpful", _("Helpful (役に立った)")
        ME_TOO = "me_too", _("Me too (私も)")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user", "kind"], name="exchange_reaction_once")]

    def __str__(self) -> str:
        return self.kind


class ModerationEvent(models.Model):
    """モデレーション記録: reports, hiding and restoring, each with its reason (audit trail)."""

    class Action(models.TextChoices):
        REPORT = "report", _("Reported")
        HIDE = "hide", pgettext_lazy("exchange", "Hidden")
        RESTORE = "restore", pgettext_lazy("exchange", "Restored")
        REVEAL = "reveal", _("Author identity viewed")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="moderation")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=8, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=500)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.action


class CafeSession(models.Model):
    """SCカフェ: an online peer-exchange session held as an event (`event`, an SC network meeting
    of the organiser's municipality, never shown to residents): registration is the event's
    sign-up (with its capacity and waiting list), the recording link is added afterwards and a
    post-event survey asks the five-level satisfaction and how the session was watched."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="cafes")
    title = models.CharField(_("title"), max_length=150)
    starts_at = models.DateTimeField(_("starts at"))
    join_url = models.URLField(_("online meeting link"), blank=True)
    recording_url = models.URLField(_("recording link"), blank=True)
    event = models.OneToOneField("events.Event", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="sc_cafe")
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    demo_key = models.CharField(max_length=60, null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title


class CafeRegistration(models.Model):
    session = models.ForeignKey(CafeSession, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "user"], name="exchange_cafe_register_once")]

    def __str__(self) -> str:
        return f"registration {self.pk}"


class Satisfaction(models.IntegerChoices):
    """The seed's five-level scale."""

    VERY_SATISFIED = 5, _("Very satisfied (大変満足)")
    SATISFIED = 4, _("Satisfied (満足)")
    NEUTRAL = 3, _("Neither (どちらともいえない)")
    DISSATISFIED = 2, _("Dissatisfied (不満)")
    VERY_DISSATISFIED = 1, _("Very dissatisfied (大変不満)")


class Watched(models.TextChoices):
    LIVE = "live", _("Watched live (当日視聴)")
    LATER = "later", _("Watched the recording later (後日視聴)")
    NOT_AT_ALL = "none", _("Did not watch (視聴していない)")


class CafeSurvey(models.Model):
    """事後アンケート: one answer per person and session."""

    session = models.ForeignKey(CafeSession, on_delete=models.CASCADE, related_name="surveys")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction"), choices=Satisfaction.choices)
    watched = models.CharField(_("how you watched"), max_length=8, choices=Watched.choices)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="exchange_survey_once"),
            models.CheckConstraint(condition=Q(satisfaction__gte=1) & Q(satisfaction__lte=5),
                                   name="exchange_survey_scale"),
        ]

    def __str__(self) -> str:
        return f"survey {self.pk}"
