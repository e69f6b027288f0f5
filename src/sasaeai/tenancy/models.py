"""Tenancy: the municipality (市町村) is the partition key of every tenant table."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .codes import PREFECTURES, validate_municipality_code

#: Japan's extent (Okinotorishima 20.4°N … Etorofu 45.6°N; Yonaguni 122.9°E … Minamitorishima
#: 154.0°E): a point outside is a typo or swapped coordinates.
JAPAN_LAT = (20.0, 46.0)
JAPAN_LON = (122.0, 154.1)
_OUTSIDE = _("This point is outside Japan (latitude 20–46°N, longitude 122–154°E). Check the coordinates.")
LATITUDE = [MinValueValidator(JAPAN_LAT[0], _OUTSIDE), MaxValueValidator(JAPAN_LAT[1], _OUTSIDE)]
LONGITUDE = [MinValueValidator(JAPAN_LON[0], _OUTSIDE), MaxValueValidator(JAPAN_LON[1], _OUTSIDE)]


class Municipality(models.Model):
    """市町村: one tenant. Its populations are the denominators of the KPIs."""

    code = models.CharField(
        _("local government code"),
        max_length=6,
        unique=True,
        validators=[validate_municipality_code],
        help_text=_("全国地方公共団体コード: six digits including the check digit."),
    )
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=100)
    prefecture = models.CharField(_("prefecture"), max_length=2, choices=PREFECTURES)
    population = models.PositiveIntegerField(_("population"))
    population_65_plus = models.PositiveIntegerField(_("population aged 65+"))
    population_75_plus = models.PositiveIntegerField(_("population aged 75+"))
    is_synthetic = models.BooleanField(
        _("synthetic demo data"), default=False,
        help_text=_("Set for generated demo towns; the interface says so on every page."),
    )
    contact_window_name = models.CharField(
        _("phone window"), max_length=100, blank=True,
        help_text=_("The office residents can phone, e.g. the community care section."),
    )
    contact_phone = models.CharField(_("phone number of the window"), max_length=20, blank=True)
    contact_hours = models.CharField(_("opening hours of the window"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(population_65_plus__lte=models.F("population"))
                & Q(population_75_plus__lte=models.F("population_65_plus")),
                name="municipality_population_nested",
                violation_error_message=_("Populations must nest: 75+ ≤ 65+ ≤ total."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def municipality_id(self) -> int:
        """A municipality is its own tenant (so permission predicates treat it uniformly)."""
        return self.pk

    def clean(self) -> None:
        errors = {}
        if self.code and self.prefecture and self.code[:2] != self.prefecture:
            errors["prefecture"] = _("The prefecture does not match the first two digits of the code.")
        if self.population is not None and self.population_65_plus is not None:
            if self.population_65_plus > self.population:
                errors["population_65_plus"] = _("The population aged 65+ cannot exceed the population.")
        if self.population_65_plus is not None and self.population_75_plus is not None:
            if self.population_75_plus > self.population_65_plus:
                errors["population_75_plus"] = _("The population aged 75+ cannot exceed the population aged 65+.")
        if errors:
            raise ValidationError(errors)

    @property
    def layer1_area(self) -> "Area | None":
        return self.areas.filter(layer=Area.Layer.MUNICIPALITY).first()


class Area(models.Model):
    """圏域: layer 1 is the whole municipality (第1層); layer 2 a 日常生活圏域 (第2層),
    typically one junior-high-school district."""

    class Layer(models.IntegerChoices):
        MUNICIPALITY = 1, _("Layer 1 (whole municipality)")
        DAILY_LIFE = 2, _("Layer 2 (daily-life area)")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="areas", verbose_name=_("municipality")
    )
    layer = models.PositiveSmallIntegerField(_("layer"), choices=Layer.choices)
    name = models.CharField(_("name"), max_length=100)
    name_kana = models.CharField(_("name (kana)"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name=_("parent area"),
    )
    center_lat = models.FloatField(_("centre latitude"), validators=LATITUDE)
    center_lon = models.FloatField(_("centre longitude"), validators=LONGITUDE)
    boundary = models.JSONField(
        _("boundary (GeoJSON polygon)"), null=True, blank=True,
        help_text=_("Optional. A GeoJSON Polygon in WGS84 longitude/latitude order."),
    )
    population_65_plus = models.PositiveIntegerField(_("population aged 65+"), default=0)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["municipality_id", "layer", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "name"], name="area_name_unique_in_municipality",
                violation_error_message=_("This municipality already has an area of that name."),
            ),
            models.UniqueConstraint(
                fields=["municipality"], condition=Q(layer=1), name="one_layer1_area_per_municipality",
                violation_error_message=_("This municipality already has its layer-1 area."),
            ),
            models.CheckConstraint(
                condition=(Q(layer=1) & Q(parent__isnull=True)) | (Q(layer=2) & Q(parent__isnull=False)),
                name="area_layer_parent_consistent",
                violation_error_message=_("A layer-1 area has no parent; a layer-2 area has one."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if self.layer == self.Layer.MUNICIPALITY:
            if self.parent_id:
                errors["parent"] = _("A layer-1 area is the whole municipality and has no parent.")
            elif self.municipality_id and (
                Area.objects.filter(municipality_id=self.municipality_id, layer=1).exclude(pk=self.pk).exists()
            ):
                errors["layer"] = _("This municipality already has its layer-1 area.")
        elif self.layer == self.Layer.DAILY_LIFE:
            if not self.parent_id:
                errors["parent"] = _("A layer-2 area must sit under the municipality's layer-1 area.")
            elif self.parent.layer != 1 or self.parent.municipality_id != self.municipality_id:
                errors["parent"] = _("The parent must be the layer-1 area of the same municipality.")
        if self.boundary is not None:
            try:
                validate_polygon(self.boundary)
            except ValidationError as exc:
                errors["boundary"] = exc.messages
        if errors:
            raise ValidationError(errors)


def validate_polygon(value) -> None:
    """A GeoJSON Polygon: closed rings of [lon, lat] pairs."""
    message = _("The boundary must be a GeoJSON Polygon with closed rings of [longitude, latitude].")
    if not isinstance(value, dict) or value.get("type") != "Polygon":
        raise ValidationError(message, code="boundary_invalid")
    rings = value.get("coordinates")
    if not isinstance(rings, list) or not rings:
        raise ValidationError(message, code="boundary_invalid")
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4 or ring[0] != ring[-1]:
            raise ValidationError(message, code="boundary_invalid")
        for point in ring:
            if (
                not isinstance(point, list | tuple) or len(point) != 2
                or not all(isinstance(c, int | float) for c in point)
                or not (-180 <= point[0] <= 180 and -90 <= point[1] <= 90)
            ):
                raise ValidationError(message, code="boundary_invalid")


class Role(models.TextChoices):
    """Roles of DOMAIN.md §2."""

    RESIDENT = "resident", _("Resident (利用者)")
    PROXY = "proxy", _("Family member or proxy (家族・代理人)")
    HELPER = "helper", _("Helper (担い手)")
    COORDINATOR_L1 = "coordinator_l1", _("Layer-1 life support coordinator (第1層SC)")
    COORDINATOR_L2 = "coordinator_l2", _("Layer-2 life support coordinator (第2層SC)")
    SUPPORT_CENTER = "support_center", _("Community general support centre (地域包括支援センター)")
    WORK_COORDINATOR = "work_coordinator", _("Work-activity coordinator (就労的活動支援コーディネーター)")
    PARTNER = "partner", _("Partner organisation (民間企業・NPO・社協)")
    COUNCIL_MEMBER = "council_member", _("Council member (協議体構成員)")
    MUNICIPAL_ADMIN = "municipal_admin", _("Municipal administrator (市町村担当課)")
    OPERATOR = "operator", _("Platform operator (運営者)")
    WORK_SUPPORT_CM = "work_support_cm", _("Work-support care manager (ワークサポートケアマネジャー)")


#: Roles that may open personal data and therefore must pass two-factor log-in.
STAFF_ROLES = frozenset(
    {
        Role.COORDINATOR_L1,
        Role.COORDINATOR_L2,
        Role.SUPPORT_CENTER,
        Role.MUNICIPAL_ADMIN,
        Role.OPERATOR,
    }
)
#: Roles that must pass two-factor log-in: the staff roles, and the work-activity coordinator
#: and work-support care manager, who open participants' and consultations' personal data.
TWO_FACTOR_ROLES = STAFF_ROLES | {Role.WORK_COORDINATOR, Role.WORK_SUPPORT_CM}
#: Roles that administer a municipality's staff and areas.
ADMIN_ROLES = frozenset({Role.MUNICIPAL_ADMIN, Role.OPERATOR})
#: Roles a municipal administrator (or an operator, for a municipality) may give on the staff
#: pages. Never the operator; residents, proxies and helpers register through their own flows.
GRANTABLE_ROLES = (
    Role.COORDINATOR_L1, Role.COORDINATOR_L2, Role.SUPPORT_CENTER, Role.WORK_COORDINATOR,
    Role.WORK_SUPPORT_CM, Role.COUNCIL_MEMBER, Role.PARTNER, Role.MUNICIPAL_ADMIN,
)
#: Roles that only make sense for named layer-2 areas.
AREA_REQUIRED_ROLES = frozenset({Role.COORDINATOR_L2})
#: Roles whose work covers the whole municipality rather than the areas listed.
MUNICIPALITY_WIDE_ROLES = frozenset({Role.COORDINATOR_L1, Role.MUNICIPAL_ADMIN, Role.WORK_COORDINATOR})


class ActiveMembershipManager(models.Manager):
    """The default manager: memberships in force (no end date). Ended memberships keep their
    rows for the record (tenure, audit) but give no access anywhere."""

    def get_queryset(self):
        return super().get_queryset().filter(ended_at__isnull=True)


class Membership(models.Model):
    """A user's role in one municipality, optionally limited to some layer-2 areas, for a
    period (`started_at` … `ended_at`). Ending a membership removes the access at once; the
    row stays (SC tenure, audit trail). A change of role ends one membership and starts another.

    An operator's membership may have no municipality: it covers every tenant.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("user"),
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships",
        verbose_name=_("municipality"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    areas = models.ManyToManyField(Area, blank=True, related_name="memberships", verbose_name=_("areas"))
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True, db_index=True)

    #: In force only (used by every access check and by related managers such as user.memberships).
    objects = ActiveMembershipManager()
    #: Every row, ended ones included (staff administration, history).
    history = models.Manager()  # noqa: DJ012 - a manager, not a field

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "municipality", "role"], condition=Q(ended_at__isnull=True),
                name="membership_unique_active_role",
                violation_error_message=_("The user already has this role in this municipality."),
            ),
            models.CheckConstraint(
                condition=Q(municipality__isnull=False) | Q(role="operator"),
                name="membership_municipality_required",
                violation_error_message=_("Only an operator may hold a membership without a municipality."),
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="membership_ends_after_start",
                violation_error_message=_("A membership cannot end before it started."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} @ {self.municipality or '*'}"

    def clean(self) -> None:
        if self.municipality_id is None and self.role != Role.OPERATOR:
            raise ValidationError({"municipality": _("Only an operator may hold a membership without a municipality.")})

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES


class Invitation(models.Model):
    """招待: a one-time link for a new staff member to set a password. Only the token's hash is
    stored; the link expires and works once."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="invitations",
                                   verbose_name=_("membership"))
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("invited by"))
    created_at = models.DateTimeField(_("invited"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("accepted"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"invitation #{self.pk}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()
