"""Settings, read from the environment.

Variables: DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, TIME_ZONE,
CSRF_TRUSTED_ORIGINS, SASAEAI_VAR_DIR, SASAEAI_SECURE (HTTPS-only cookies/HSTS),
SASAEAI_EMAIL_BACKEND, SASAEAI_LOG_LEVEL, SASAEAI_SITE_URL. See docs/operations.md.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("SASAEAI_VAR_DIR", REPO_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    # A stable per-checkout key for local runs; production sets SECRET_KEY.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "sasaeai.core",
    "sasaeai.accounts",
    "sasaeai.tenancy",
    "sasaeai.geo",
    "sasaeai.residents",
    "sasaeai.directory",
    "sasaeai.helpers",
    "sasaeai.notifications",
    "sasaeai.safety",
    "sasaeai.requests",
    "sasaeai.needs",
    "sasaeai.councils",
    "sasaeai.points",
    "sasaeai.activity",
    "sasaeai.cases",
    "sasaeai.kpis",
    "sasaeai.partners",
    "sasaeai.exchange",
    "sasaeai.events",
    "sasaeai.workactivity",
    "sasaeai.training",
    "sasaeai.worklife",
    "sasaeai.demo",
    "sasaeai.api",
    "sasaeai.core.admin_site.OperatorAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "sasaeai.core.edge.EdgeInputMiddleware",
    "sasaeai.core.conflicts.ConflictMiddleware",
    "sasaeai.core.middleware.StaffTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sasaeai.urls"
WSGI_APPLICATION = "sasaeai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sasaeai.core.context_processors.shell",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'sasaeai.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers proceed during a write; IMMEDIATE takes the write lock
        # at BEGIN so concurrent writers queue instead of failing mid-transaction.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "sasaeai.accounts.backends.EmailOrPhoneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "sasaeai.accounts.backends.OperatorAdminBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
OTP_TOTP_ISSUER = "Sasaeai"
# Log-in throttling: this many failures in the window lock the identifier.
SASAEAI_LOGIN_MAX_FAILURES = 5
SASAEAI_LOGIN_LOCK_SECONDS = 15 * 60

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Tokyo")
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------
# Production: `sasaeai collectstatic` then SASAEAI_MANIFEST_STATIC=1 (hashed, compressed
# files served by WhiteNoise). Otherwise WhiteNoise serves straight from the apps.
MANIFEST_STATIC = env_bool("SASAEAI_MANIFEST_STATIC", False)
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("SASAEAI_STATIC_ROOT", REPO_DIR / "staticfiles"))
# Uploaded files (signed agreements, …) are care/contract records: kept under the private var
# directory and served only through views that check permissions, never as public media.
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if MANIFEST_STATIC
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not MANIFEST_STATIC

# --- Background tasks ----------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Security -----------------------------------------------------------------
SECURE = env_bool("SASAEAI_SECURE", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_AGE = 8 * 60 * 60
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if SECURE:
    SECURE_HSTS_SECONDS = 31536000
    SECURE_SSL_REDIRECT = env_bool("SASAEAI_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = os.environ.get(
    "SASAEAI_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("SASAEAI_FROM_EMAIL", "noreply@sasaeai.invalid")

# --- Logging: never personal data; request lines carry no query strings. -------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SASAEAI_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
SASAEAI_API_TOKEN_DAYS = 90
CSRF_FAILURE_VIEW = "sasaeai.core.views.csrf_failure"

# --- Notifications: absolute links (email, inbox, API) are built from the site's public address.
# `sasaeai serve_all` sets it from its bind address when unset; production sets the HTTPS origin.
SASAEAI_SITE_URL = os.environ.get("SASAEAI_SITE_URL", "").strip().rstrip("/") or "http://localhost:8000"

# --- Notifications: channel -> backend class (see sasaeai/notifications/backends.py).
# SMS and LINE are interfaces until a provider subclass is configured here.
SASAEAI_NOTIFICATION_BACKENDS = {
    "email": "sasaeai.notifications.backends.EmailBackend",
    "sms": "sasaeai.notifications.backends.SmsBackend",
    "line": "sasaeai.notifications.backends.LineBackend",
    "in_app": "sasaeai.notifications.backends.InAppBackend",
}

# --- Directory map (sasaeai.directory) ------------------------------------------------------
# Tile URL template for the support map (default: GSI 地理院タイル 標準地図); empty draws only the
# vector layer (outlines, landmarks, markers). The attribution is shown as a link.
SASAEAI_MAP_TILE_URL = os.environ.get("SASAEAI_MAP_TILE_URL", "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png")
SASAEAI_MAP_ATTRIBUTION = os.environ.get("SASAEAI_MAP_ATTRIBUTION", "地理院タイル")
SASAEAI_MAP_ATTRIBUTION_URL = os.environ.get("SASAEAI_MAP_ATTRIBUTION_URL",
                                             "https://maps.gsi.go.jp/development/ichiran.html")
SASAEAI_MAP_MAX_ZOOM = int(os.environ.get("SASAEAI_MAP_MAX_ZOOM", "18"))

# Small-count suppression (sasaeai.core.suppression): public and partner views, other staff views.
SASAEAI_SUPPRESSION_K_PUBLIC = int(os.environ.get("SASAEAI_SUPPRESSION_K_PUBLIC", "10"))
SASAEAI_SUPPRESSION_K_STAFF = int(os.environ.get("SASAEAI_SUPPRESSION_K_STAFF", "5"))
# Leaflet and Leaflet.markercluster come from the XStatic packages on PyPI (nothing vendored).
import xstatic.pkg.leaflet as _xs_leaflet  # noqa: E402
import xstatic.pkg.leaflet_markercluster as _xs_markercluster  # noqa: E402

STATICFILES_DIRS = [*globals().get("STATICFILES_DIRS", []), ("leaflet", _xs_leaflet.BASE_DIR),
                    ("leaflet-markercluster", _xs_markercluster.BASE_DIR)]

# --- Trust and safety (sasaeai.safety): CSP, headers, cookies, password policy, log redaction ----
from urllib.parse import urlsplit as _urlsplit  # noqa: E402

from csp.constants import NONE as _CSP_NONE  # noqa: E402
from csp.constants import SELF as _CSP_SELF  # noqa: E402

MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1, "csp.middleware.CSPMiddleware")
MIDDLEWARE.append("sasaeai.safety.middleware.SecurityHeadersMiddleware")
_TILE_HOSTS = sorted({f"{_urlsplit(u).scheme}://{_urlsplit(u).hostname.replace('{s}', '*')}"
                      for u in (SASAEAI_MAP_TILE_URL,) if u and _urlsplit(u).hostname})
# No inline script or style anywhere: templates load static files only (JSON data islands are
# not executed). Leaflet's element styles are set through the CSSOM, which CSP allows.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_CSP_SELF],
        "script-src": [_CSP_SELF],
        "style-src": [_CSP_SELF],
        "img-src": [_CSP_SELF, "data:", *_TILE_HOSTS],
        "font-src": [_CSP_SELF],
        "connect-src": [_CSP_SELF],
        "object-src": [_CSP_NONE],
        "base-uri": [_CSP_SELF],
        "form-action": [_CSP_SELF],
        "frame-ancestors": [_CSP_NONE],
    },
}
# Permissions-Policy: only this site may ask for the location (check-in); no camera/microphone.
SASAEAI_PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"
if SECURE:
    SESSION_COOKIE_NAME = "__Host-sessionid"  # Secure, host-only, Path=/
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("email", "phone", "display_name", "furigana")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "sasaeai.safety.passwords.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "sasaeai.safety.passwords.NotRepeatedValidator"},
]
# Every log handler redacts email addresses, phone numbers and postal codes/addresses that
# slip into a message or traceback (defence in depth; code must not log them at all).
LOGGING.setdefault("filters", {})["redact_personal_data"] = {"()": "sasaeai.safety.redaction.RedactPersonalData"}
for _handler in LOGGING["handlers"].values():
    _handler.setdefault("filters", []).append("redact_personal_data")
