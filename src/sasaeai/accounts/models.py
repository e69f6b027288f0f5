"""Accounts: people who log in. Residents who never log in are `residents.Resident`."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .phone import normalize_phone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, phone, password, **extra):
        email = self.normalize_email(email) if email else None
        phone = normalize_phone(phone) or None
        if not email and not phone:
            raise ValueError("A user needs an email address or a phone number.")
        user = self.model(email=email or None, phone=phone, **extra)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email=None, password=None, *, phone=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, phone, password, **extra)

    def create_superuser(self, email=None, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create(email, extra.pop("phone", None), password, **extra)

    def get_by_login(self, login: str):
        """Find a user by email (case-insensitive) or by phone number."""
        login = (login or "").strip()
        if "@" in login:
            return self.get(email__iexact=login)
        return self.get(phone=normalize_phone(login))


class User(AbstractBaseUser, PermissionsMixin):
    """A person with a log-in (利用者アカウント). Logs in by email or phone number."""

    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    phone = models.CharField(_("phone number"), max_length=15, unique=True, null=True, blank=True)
    display_name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    furigana = models.CharField(_("furigana"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    preferred_language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="ja"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin site access"), default=False,
        help_text=_("Only platform operators use the Django admin."),
    )
    is_demo = models.BooleanField(_("demo account"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False), name="user_has_login"
            )
        ]

    def __str__(self) -> str:
        return self.display_name or f"user {self.pk}"

    def clean(self) -> None:
        super().clean()
        if self.email:
            self.email = self.__class__.objects.normalize_email(self.email)
        if self.phone:
            self.phone = normalize_phone(self.phone)
        if not self.email and not self.phone:
            raise ValidationError(_("Enter an email address or a phone number."))

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


def _hash(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest()


class LoginThrottle(models.Model):
    """Failed log-ins per identifier. The identifier is stored hashed (no personal data)."""

    key_hash = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField(null=True)
    locked_until = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("log-in throttle")
        verbose_name_plural = _("log-in throttles")

    def __str__(self) -> str:
        return f"throttle {self.key_hash[:8]} ({self.failures})"

    @staticmethod
    def key_for(login: str) -> str:
        return _hash("login:" + (login or "").strip().lower())


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its hash is stored; the key is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    #: Staff tokens may only be created from a two-factor-verified session.
    two_factor_verified = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user, name: str, *, two_factor_verified: bool, days: int | None = None):
        """Create a token; returns (token, key). The key is not recoverable later."""
        key = "sa_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            key_hash=_hash("token:" + key),
            prefix=key[:8],
            expires_at=timezone.now() + timedelta(days=days or settings.SASAEAI_API_TOKEN_DAYS),
            two_factor_verified=two_factor_verified,
        )
        return token, key

    @classmethod
    def find_active(cls, key: str):
        token = (
            cls.objects.select_related("user")
            .filter(key_hash=_hash("token:" + key), revoked_at__isnull=True, expires_at__gt=timezone.now())
            .first()
        )
        if token is None or not token.user.is_active:
            return None
        return token
