"""Residents (利用者): older people the platform serves. Most never log in; a proxy
(family member or coordinator) acts for them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from sasaeai.tenancy.models import LATITUDE, LONGITUDE, Area, Municipality


class CareLevel(models.TextChoices):
    """要介護度: the long-term-care insurance certification."""

    NONE = "none", _("Not certified")
    SUPPORT_1 = "support_1", _("要支援1 (support level 1)")
    SUPPORT_2 = "support_2", _("要支援2 (support level 2)")
    CARE_1 = "care_1", _("要介護1 (care level 1)")
    CARE_2 = "care_2", _("要介護2 (care level 2)")
    CARE_3 = "care_3", _("要介護3 (care level 3)")
    CARE_4 = "care_4", _("要介護4 (care level 4)")
    CARE_5 = "care_5", _("要介護5 (care level 5)")


class Frailty(models.TextChoices):
    """The frailty split of the elderly (seed 004 L672–683)."""

    HEALTHY = "healthy", _("Healthy (元気)")
    FRAIL = "frail", _("Frail, including 要支援 (フレイル)")
    CARE = "care", _("Needs care (要介護1–5)")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other or not stated")


class Resident(models.Model):
    """利用者: a resident of a municipality who may receive support."""

    #: Fields that are care data: readable only by roles that need them, and audited.
    SENSITIVE_FIELDS = ("address", "postal_code", "phone", "care_level", "notes", "lat", "lon")

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="residents", verbose_name=_("municipality")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="residents", verbose_name=_("daily-life area")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="resident", verbose_name=_("own account"),
    )
    family_name = models.CharField(_("family name"), max_length=50)
    given_name = models.CharField(_("given name"), max_length=50)
    family_name_kana = models.CharField(_("family name (kana)"), max_length=50)
    given_name_kana = models.CharField(_("given name (kana)"), max_length=50)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=8, choices=Sex.choices, default=Sex.OTHER)
    postal_code = models.CharField(_("postal code"), max_length=8, blank=True)
    address = models.CharField(_("address"), max_length=200)
    lat = models.FloatField(_("latitude"), validators=LATITUDE)
    lon = models.FloatField(_("longitude"), validators=LONGITUDE)
    h3_cell = models.CharField(_("H3 cell (resolution 8)"), max_length=16, db_index=True)
    phone = models.CharField(_("phone number"), max_length=15, blank=True)
    care_level = models.CharField(_("care level"), max_length=12, choices=CareLevel.choices, default=CareLevel.NONE)
    frailty = models.CharField(_("frailty"), max_length=8, choices=Frailty.choices, default=Frailty.HEALTHY)
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    #: Stable key of generated demo rows, so seeding twice adds nothing.
    demo_key = models.CharField(max_length=40, unique=True, null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        indexes = [models.Index(fields=["municipality", "area"])]

    def __str__(self) -> str:
        return f"{self.family_name} {self.given_name}"

    def clean(self) -> None:
        if self.area_id and self.municipality_id and self.area.municipality_id != self.municipality_id:
            raise ValidationError({"area": _("The area must belong to the resident's municipality.")})
        if self.area_id and self.area.layer != Area.Layer.DAILY_LIFE:
            raise ValidationError({"area": _("Choose a layer-2 (daily-life) area.")})


class ProxyRelation(models.TextChoices):
    """続柄: how a proxy (代理人) is related to the resident."""

    CHILD = "child", _("Child (子)")
    CHILD_IN_LAW = "child_in_law", _("Child-in-law (子の配偶者)")
    SPOUSE = "spouse", _("Spouse (配偶者)")
    SIBLING = "sibling", _("Sibling (兄弟姉妹)")
    GRANDCHILD = "grandchild", _("Grandchild (孫)")
    OTHER_RELATIVE = "other_relative", _("Other relative (その他の親族)")
    GUARDIAN = "guardian", _("Legal guardian (成年後見人等)")
    NEIGHBOUR = "neighbour", _("Neighbour or friend (近隣・知人)")


class Proxy(models.Model):
    """代理人: a family member or other person who acts for a resident on the platform
    (enters requests, gives consent). The link is created by the resident, a coordinator,
    or a proxy whom a coordinator later confirms."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="proxies",
                                 verbose_name=_("resident"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="proxy_for", verbose_name=_("proxy"))
    relation = models.CharField(_("relation"), max_length=20, choices=ProxyRelation.choices)
    confirmed = models.BooleanField(_("confirmed by a coordinator"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            models.UniqueConstraint(fields=["resident", "user"], name="proxy_once_per_resident",
                                    violation_error_message=_("This person is already a proxy of this resident.")),
        ]

    def __str__(self) -> str:
        return f"proxy #{self.pk} ({self.relation})"
