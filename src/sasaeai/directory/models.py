"""地域資源・支え合いマップ: the community resource directory.

The nouns follow Open Referral HSDS 3.0 (organization, service, location, schedule) so that
exchange is lossless. A *resource* on the screens is a `Service`: one activity or offer at
one place, with its schedules.
"""

import re
import unicodedata
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sasaeai.accounts.phone import normalize_phone
from sasaeai.tenancy.models import Area, Municipality

#: Longest free text accepted anywhere in the directory (a booklet entry, not a document).
TEXT_MAX = 4000
#: Published resources not verified for this long are stale (要再確認).
STALE_AFTER = timedelta(days=180)
#: Japan's extent, generously: Okinotorishima (20.4N) to Etorofu (45.6N), Yonaguni (122.9E)
#: to Minamitorishima (154.0E).
JAPAN_LAT = (20.0, 46.0)
JAPAN_LON = (122.0, 154.5)
_PHONE_CHARS = re.compile(r"^(\+81)?[0-9\-‐ー()\s]+$")


def validate_contact_phone(value: str) -> None:
    """A phone number as a phone number: digits, hyphens and brackets, +81 only at the start,
    10 or 11 digits in domestic form (never a formula such as =1+1)."""
    text = unicodedata.normalize("NFKC", value or "").strip()
    if not text:
        return
    if not _PHONE_CHARS.match(text) or not re.fullmatch(r"0\d{9,10}", normalize_phone(text)):
        raise ValidationError(_("Enter a phone number with digits, hyphens and brackets only, e.g. 042-600-1234 "
                                "or +81-42-600-1234."), code="phone_invalid")
#: H3 resolution of `Location.h3_cell` (≈ 0.1 km² hexagons, street-block scale).
H3_RESOLUTION = 9
#: H3 resolution of `Service.near_cell`, the indexed distance prefilter of search (≈ 0.74 km²;
#: a 3 km search needs about 60 cells). Copied onto the resource so one index holds category and place.
NEAR_RESOLUTION = 8


def near_cell_of(lat: float | None, lon: float | None) -> str:
    """The coarse H3 cell that `Service.near_cell` stores for a position ("" without one)."""
    import h3

    if lat is None or lon is None:
        return ""
    return h3.latlng_to_cell(lat, lon, NEAR_RESOLUTION)


def validate_in_japan(lat: float | None, lon: float | None) -> None:
    if lat is None or lon is None:
        return
    if not (JAPAN_LAT[0] <= lat <= JAPAN_LAT[1] and JAPAN_LON[0] <= lon <= JAPAN_LON[1]):
        raise ValidationError(
            _("The coordinates are outside Japan. Check latitude (north) and longitude (east)."),
            code="outside_japan",
        )


class Category(models.TextChoices):
    """分類: the controlled taxonomy of resources (HSDS taxonomy `sasaeai-category`)."""

    KAYOI = "kayoi", _("Gathering places and salons")
    EXERCISE = "exercise", _("Exercise and fitness")
    HOBBY = "hobby", _("Hobbies and learning")
    TEA = "tea", _("Tea gatherings and drop-in places")
    MEALS = "meals", _("Meal delivery")
    MOBILE_SALES = "mobile_sales", _("Mobile shops")
    SHOPPING = "shopping", _("Shopping support")
    TRANSPORT = "transport", _("Transport and lifts")
    WATCHING = "watching", _("Watching over")
    HOUSEWORK = "housework", _("Housework support")
    MULTIGEN = "multigen", _("Children's cafeterias and all generations")
    REST = "rest", _("Places to rest")
    COOPERATING_STORE = "store", _("Cooperating shops")
    WORK = "work", _("Work-like activities")
    CONSULTATION = "consultation", _("Advice desks")
    CARE_PROVIDER = "care_provider", _("Medical and care providers")


#: The Japanese names of the taxonomy, independent of the active language (search, paper, exchange).
CATEGORY_JA = {
    "kayoi": "通いの場・サロン", "exercise": "体操・運動", "hobby": "趣味・学び", "tea": "茶話会・居場所",
    "meals": "配食", "mobile_sales": "移動販売", "shopping": "買い物支援", "transport": "移動・送迎",
    "watching": "見守り", "housework": "家事支援", "multigen": "子ども食堂・多世代", "rest": "休憩できる場所",
    "store": "協力店", "work": "就労的活動", "consultation": "相談窓口", "care_provider": "医療・介護事業所",
}


class Target(models.TextChoices):
    """対象: who a resource is for."""

    HEALTHY = "healthy", _("Healthy (元気な方)")
    FRAIL = "frail", _("Frail (フレイル)")
    SUPPORT = "support", _("Needs support (要支援)")
    CARE = "care", _("Needs care (要介護)")
    DEMENTIA = "dementia", _("Dementia-friendly (認知症の方も歓迎)")
    CARERS = "carers", _("Family carers (介護する家族)")


TARGET_JA = {"healthy": "元気な方", "frail": "フレイル", "support": "要支援", "care": "要介護",
             "dementia": "認知症の方も歓迎", "carers": "介護する家族"}


class Cost(models.TextChoices):
    """費用."""

    FREE = "free", _("Free (無料)")
    YEN = "yen", _("Paid in yen (有料)")
    POINTS = "points", _("Points (ポイント)")
    #: Imported from another publisher in another currency: kept as given, never converted.
    OTHER = "other", _("Other currency (外貨)")


class Visibility(models.TextChoices):
    """公開範囲."""

    PUBLIC = "public", _("Public (一般公開)")
    PROFESSIONALS = "professionals", _("Professionals only (専門職のみ)")
    PRIVATE = "private", _("Private note (非公開メモ)")


class ReviewFlag(models.TextChoices):
    """Why an imported record waits for a coordinator's review."""

    UNCATEGORISED = "uncategorised", _("No Sasaeai category")
    OUTSIDE = "outside_municipality", _("Place outside the municipality")
    UNKNOWN_AREA = "unknown_area", _("Service area not recognised")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft (下書き)")
    PUBLISHED = "published", _("Published (公開中)")
    ARCHIVED = "archived", _("Archived (終了)")


def _hsds_unique(model: str):
    return models.UniqueConstraint(fields=["municipality", "hsds_id"], name=f"{model}_hsds_id_unique")


def _demo_unique(model: str):
    return models.UniqueConstraint(
        fields=["municipality", "demo_key"], condition=Q(demo_key__isnull=False),
        name=f"{model}_demo_key_unique",
    )


class Organization(models.Model):
    """運営団体: a group, company, NPO, 社協 or office that provides resources (HSDS organization)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="directory_organizations", verbose_name=_("municipality"))
    hsds_id = models.UUIDField(_("HSDS id"), default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, validators=[MaxLengthValidator(TEXT_MAX)])
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    #: HSDS fields this record does not model, kept losslessly (see hsds_merge).
    hsds_extra = models.JSONField(_("other HSDS data"), default=dict, blank=True, editable=False)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="directory_organizations",
                                     verbose_name=_("staff who may edit"))
    demo_key = models.CharField(max_length=60, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        constraints = [_hsds_unique("organization"), _demo_unique("organization")]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    """場所: where a resource takes place (HSDS location with its address and accessibility)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="directory_locations", verbose_name=_("municipality"))
    hsds_id = models.UUIDField(_("HSDS id"), default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="locations", verbose_name=_("organization"))
    name = models.CharField(_("place name"), max_length=200)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    lat = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.FloatField(_("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    h3_cell = models.CharField(_("H3 cell"), max_length=16, db_index=True, editable=False)
    accessibility = models.CharField(_("accessibility notes"), max_length=500, blank=True)
    transportation = models.CharField(_("how to get there"), max_length=500, blank=True)
    #: HSDS fields this record does not model, kept losslessly (see hsds_merge).
    hsds_extra = models.JSONField(_("other HSDS data"), default=dict, blank=True, editable=False)
    demo_key = models.CharField(max_length=60, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [_hsds_unique("location"), _demo_unique("location")]
        indexes = [models.Index(fields=["lat", "lon"], name="directory_location_latlon")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        import h3

        if self.lat is not None and self.lon is not None:
            self.h3_cell = h3.latlng_to_cell(self.lat, self.lon, H3_RESOLUTION)
        super().save(*args, **kwargs)
        # The resources held here carry the place's coarse cell for the search index.
        cell = near_cell_of(self.lat, self.lon)
        Service.objects.filter(location_id=self.pk).exclude(near_cell=cell).update(near_cell=cell)

    def clean(self) -> None:
        try:
            validate_in_japan(self.lat, self.lon)
        except ValidationError as exc:
            raise ValidationError({"lat": exc.messages}, code="outside_japan") from None


def cost_text(cost: str, amount: int | None, note: str) -> str:
    """参加費の表示: the cost as shown to people (resource pages and search results)."""
    if cost == Cost.YEN and amount is not None:
        return _("%(amount)s yen") % {"amount": f"{amount:,}"}
    if cost == Cost.POINTS and amount is not None:
        return _("%(amount)s points") % {"amount": f"{amount:,}"}
    if cost == Cost.OTHER and note:
        return note
    return str(dict(Cost.choices).get(cost, cost))


class ServiceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def stale(self, now=None):
        limit = (now or timezone.now()) - STALE_AFTER
        return self.published().filter(Q(last_verified_at__isnull=True) | Q(last_verified_at__lt=limit))


class Service(models.Model):
    """地域資源: one activity or offer (HSDS service) at one place, with its schedules."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="directory_services", verbose_name=_("municipality"))
    hsds_id = models.UUIDField(_("HSDS id"), default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="services", verbose_name=_("organization"))
    location = models.ForeignKey(Location, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="services", verbose_name=_("location"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="directory_services",
                             verbose_name=_("daily-life area"))
    name = models.CharField(_("name"), max_length=200)
    name_kana = models.CharField(_("name (kana)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, validators=[MaxLengthValidator(TEXT_MAX)])
    #: Blank only for an import not yet categorised (review flag `uncategorised`).
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, blank=True)
    #: Target groups as "|healthy|frail|" so one portable LIKE finds them on SQLite and PostgreSQL.
    targets = models.CharField(_("for whom"), max_length=120, blank=True)
    #: Participation meaning (参加の意味) tags, "|外出のきっかけ|役割がある|".
    tags = models.CharField(_("participation meaning"), max_length=300, blank=True)
    cost = models.CharField(_("cost"), max_length=8, choices=Cost.choices, default=Cost.FREE)
    cost_amount = models.PositiveIntegerField(_("amount (yen or points)"), null=True, blank=True,
                                              validators=[MaxValueValidator(1_000_000)])
    cost_note = models.CharField(_("cost note"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True,
                                           validators=[MaxValueValidator(100_000)])
    contact_name = models.CharField(_("contact person or desk"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True,
                                     validators=[validate_contact_phone])
    contact_email = models.EmailField(_("contact email"), blank=True)
    url = models.URLField(_("web page"), blank=True)
    visibility = models.CharField(_("visibility"), max_length=16, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    last_verified_at = models.DateTimeField(_("last verified"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("verified by"))
    #: normalize(name, kana, description, tags, category, organization, place, address). Indexed
    #: by n-grams: SQLite FTS5 `directory_service_fts` (trigram, kept in sync by triggers) and a
    #: PostgreSQL pg_trgm GIN index (migration 0003).
    search_text = models.TextField(editable=False, blank=True)
    #: The location's H3 cell at NEAR_RESOLUTION (copied here so one index holds category and
    #: place); kept by Service.save and Location.save.
    near_cell = models.CharField(max_length=16, blank=True, default="", editable=False)
    #: HSDS fields this record does not model, kept losslessly (see hsds_merge).
    hsds_extra = models.JSONField(_("other HSDS data"), default=dict, blank=True, editable=False)
    #: Why an import waits for a coordinator (ReviewFlag values); kept as a draft until cleared.
    review_flags = models.JSONField(_("needs review"), default=list, blank=True, editable=False)
    demo_key = models.CharField(max_length=60, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["name", "pk"]
        constraints = [_hsds_unique("service"), _demo_unique("service")]
        indexes = [
            models.Index(fields=["municipality", "status", "category"], name="directory_service_search"),
            models.Index(fields=["area", "status"], name="directory_service_area"),
            models.Index(fields=["municipality", "category", "near_cell"], name="directory_service_near_cat"),
            models.Index(fields=["municipality", "near_cell"], name="directory_service_near"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        loc = self.location if self.location_id else None
        self.near_cell = near_cell_of(loc.lat, loc.lon) if loc is not None else ""
        if kwargs.get("update_fields") is not None and "location" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "near_cell"}
        super().save(*args, **kwargs)

    @property
    def target_list(self) -> list[str]:
        return [t for t in self.targets.split("|") if t]

    @property
    def tag_list(self) -> list[str]:
        return [t for t in self.tags.split("|") if t]

    def target_labels(self) -> list[str]:
        labels = dict(Target.choices)
        return [str(labels.get(t, t)) for t in self.target_list]

    def is_stale(self, now=None) -> bool:
        if self.status != Status.PUBLISHED:
            return False
        return self.last_verified_at is None or self.last_verified_at < (now or timezone.now()) - STALE_AFTER

    def cost_display(self) -> str:
        return cost_text(self.cost, self.cost_amount, self.cost_note)

    def review_flag_labels(self) -> list[str]:
        labels = dict(ReviewFlag.choices)
        return [str(labels.get(f, f)) for f in self.review_flags]

    def clean(self) -> None:
        errors = {}
        if self.area_id and self.municipality_id:
            if self.area.municipality_id != self.municipality_id or self.area.layer != Area.Layer.DAILY_LIFE:
                errors["area"] = _("Choose a layer-2 (daily-life) area of this municipality.")
        for field in ("organization", "location"):
            related = getattr(self, field)
            if related is not None and related.municipality_id != self.municipality_id:
                errors[field] = _("This belongs to another municipality.")
        if self.cost in (Cost.YEN, Cost.POINTS) and self.cost_amount is None:
            errors["cost_amount"] = _("Enter the amount for a paid resource.")
        unknown = set(self.target_list) - set(Target.values)
        if unknown:
            errors["targets"] = _("Unknown target group.")
        if errors:
            raise ValidationError(errors)


class Schedule(models.Model):
    """日程: when a resource is open — every week (optionally only the n-th week of the month)
    or on one date. Evaluated in Asia/Tokyo; weekly sessions may skip public holidays."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("Every week (毎週)")
        ONCE = "once", _("One date (単発)")

    WEEKDAYS = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
                (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday"))]

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules",
                                verbose_name=_("resource"))
    hsds_id = models.UUIDField(_("HSDS id"), default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.WEEKLY)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS, null=True, blank=True)
    week_of_month = models.PositiveSmallIntegerField(
        _("week of the month"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("Leave empty for every week; 2 means the second such weekday of the month."),
    )
    date = models.DateField(_("date"), null=True, blank=True)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    closed_on_holidays = models.BooleanField(_("closed on public holidays"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        ordering = ["kind", "weekday", "date", "opens_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")),
                                   name="schedule_closes_after_opens",
                                   violation_error_message=_("The end time must be after the start time.")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"

    def clean(self) -> None:
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = ValidationError(_("The end time must be after the start time."),
                                                  code="ends_before_start")
        if self.kind == self.Kind.WEEKLY and self.weekday is None:
            errors["weekday"] = _("Choose the weekday of a weekly session.")
        if self.kind == self.Kind.ONCE and self.date is None:
            errors["date"] = _("Choose the date of a one-off session.")
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            errors["valid_to"] = ValidationError(_("The schedule cannot end before it starts."),
                                                 code="ends_before_start")
        if errors:
            raise ValidationError(errors)


class Suggestion(models.Model):
    """提案: a logged-in user's proposed edit of a resource, or a new place, waiting for a
    coordinator to approve or reject it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting (確認待ち)")
        APPROVED = "approved", _("Approved (承認)")
        REJECTED = "rejected", _("Rejected (却下)")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE,
                                     related_name="directory_suggestions", verbose_name=_("municipality"))
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    service = models.ForeignKey(Service, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="suggestions", verbose_name=_("resource"))
    proposed = models.JSONField(_("proposed values"))
    #: The moderator's changes to `proposed` when approving ({field: value}); `proposed` stays
    #: what the resident wrote.
    edits = models.JSONField(_("moderator's edits"), default=dict, blank=True)
    comment = models.CharField(_("comment"), max_length=1000, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+", verbose_name=_("suggested by"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("suggestion")
        verbose_name_plural = _("suggestions")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["municipality", "state"], name="directory_suggestion_queue")]

    def __str__(self) -> str:
        return f"suggestion #{self.pk} ({self.state})"


class ChangeRecord(models.Model):
    """変更履歴: who changed what and when. Append-only."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Edited")
        VERIFY = "verify", _("Verified")
        SUGGESTION = "suggestion", _("Suggestion approved")
        IMPORT = "import", _("Imported")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="history",
                                verbose_name=_("resource"))
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    changes = models.JSONField(_("changes"), default=dict)  # {field: [old, new]}
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="+", verbose_name=pgettext_lazy("changed by", "by"))
    suggestion = models.ForeignKey(Suggestion, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("change record")
        verbose_name_plural = _("change records")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} #{self.service_id}"


class ImportJob(models.Model):
    """A large upload imported by the task worker (`sasaeai db_worker`): the file waits here
    until the task reads it, then it is emptied; the page shows status and progress."""

    class Kind(models.TextChoices):
        TEMPLATE = "template", _("Excel/CSV template")
        HSDS = "hsds", _("HSDS (zip of JSON or CSV files)")

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("import job", "Waiting")
        CHECKING = "checking", pgettext_lazy("import job", "Checking rows")
        SAVING = "saving", pgettext_lazy("import job", "Saving")
        DONE = "done", pgettext_lazy("import job", "Imported")
        REFUSED = "refused", pgettext_lazy("import job", "Nothing imported")
        FAILED = "failed", pgettext_lazy("import job", "Failed")

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    filename = models.CharField(max_length=200)
    encoding = models.CharField(max_length=10, default="auto")
    skip_invalid = models.BooleanField(default=False)
    data = models.BinaryField(default=b"", editable=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    #: [{"row", "column", "reason", "file"}] — no cell values beyond what the reasons name.
    errors = models.JSONField(default=list)
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"import {self.pk} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.REFUSED, self.State.FAILED)

    @property
    def percent(self) -> int:
        if self.finished:
            return 100
        return int(100 * self.rows_done / self.rows_total) if self.rows_total else 0
