"""Settings of the CMS Family Platform.

Local development (the default) runs on SQLite with demo-friendly choices. With
DJANGO_ENV=production the settings refuse to start on an insecure configuration.
"""

from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
ENVIRONMENT = env_str("DJANGO_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"

_DEV_SECRET = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env_str("DJANGO_SECRET_KEY", _DEV_SECRET)
DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
    if SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Set DJANGO_SECRET_KEY to a long random value in production.")
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "Set DJANGO_ALLOWED_HOSTS to the site's host names in production."
        )

INSTALLED_APPS = [
    "modeltranslation",  # must precede django.contrib.admin
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "django_filters",
    "django_tables2",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "cmsfamily.core",
    "cmsfamily.accounts",
    "cmsfamily.directory",
    "cmsfamily.species",
    "cmsfamily.strategy",
    "cmsfamily.workplans",
    "cmsfamily.reporting",
    "cmsfamily.contributions",
    "cmsfamily.meetings",
    "cmsfamily.decisions",
    "cmsfamily.analytics",
    "cmsfamily.api",
]

MIDDLEWARE = [
    # First: every response, log line and domain event of a request carries its id.
    "cmsfamily.core.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the security headers too.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise, which serves static files compressed ahead of time. Pages are compressed
    # for phones on slow connections; Django's GZip adds random bytes against BREACH (since 4.2).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "cmsfamily.directory.middleware.RequireSecretariatMFAMiddleware",
    "cmsfamily.core.links.RequestOriginMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "cmsfamily" / "core" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cmsfamily.core.context_processors.platform",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and one writer work at once: the demo server and a benchmark stay responsive.
    # IMMEDIATE: a transaction takes the write lock when it begins, so two people saving at once
    # wait for each other (up to the timeout) instead of one failing with "database is locked"
    # when its read turns into a write (measured: 26 of 67 concurrent autosaves failed without it).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL;", transaction_mode="IMMEDIATE", timeout=30
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Background jobs (cmsfamily/core/jobs): Django's Tasks API through the django-tasks backport. The
# database backend queues in the project's own database (SQLite in `make run`, PostgreSQL in
# production, where each `manage.py jobs_worker` claims a task with SELECT ... FOR UPDATE SKIP
# LOCKED, so several workers share one queue). The tests run tasks at once in the request.
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# A running job's worker touches it this often; a job untouched for JOBS_STALE_SECONDS belonged to
# a worker that died, and the next worker to start queues it again (at most JOBS_MAX_ATTEMPTS runs).
JOBS_HEARTBEAT_SECONDS = env_int("JOBS_HEARTBEAT_SECONDS", 10)
JOBS_STALE_SECONDS = env_int("JOBS_STALE_SECONDS", 60)
JOBS_MAX_ATTEMPTS = env_int("JOBS_MAX_ATTEMPTS", 3)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: sign in by email, no username; failed logins are rate limited.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "none" if not PRODUCTION else "mandatory"
ACCOUNT_ADAPTER = "cmsfamily.accounts.adapter.InvitationOnlyAdapter"
ACCOUNT_RATE_LIMITS = {
    "login_failed": env_str("LOGIN_RATE_LIMIT", "5/5m/ip,5/5m/key"),
    "reset_password": "5/m/ip,3/m/key",
}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CMS Family Platform"
# Secretariat staff must use TOTP in production; off locally so a newcomer can try every persona.
MFA_REQUIRED_FOR_SECRETARIAT = env_bool("MFA_REQUIRED_FOR_SECRETARIAT", PRODUCTION)

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "CMS Family Platform <no-reply@localhost>")
# Links in emails (cmsfamily.core.links): SITE_URL when set (set it in production); unset, the
# address the request came to, or, outside a request (`make run`'s loaders, the reminders
# command), the local server on PORT (`make run PORT=8107`).
SITE_URL = env_str("SITE_URL", "")
LOCAL_SITE_URL = f"http://127.0.0.1:{env_int('PORT', 8000)}"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# With DEBUG off (production, and `make run`): hashed names served with a year's max-age, and
# gzip and brotli copies made by collectstatic. With DEBUG on (the test suite, a debugging session):
# the plain storage, which needs no collectstatic. DJANGO_STATIC_MANIFEST=0/1 overrides.
STATIC_MANIFEST = env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
STORAGES: dict[str, dict] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Media (confirming letters, evidence, uploads waiting for confirmation) on an S3-compatible store
# when MEDIA_S3_BUCKET is set, so that several application servers share them; else MEDIA_ROOT on
# the local disk. Files stay private: the platform serves each through a view that asks its rule.
# Without MEDIA_S3_ACCESS_KEY_ID, boto3 finds credentials itself (instance role, ~/.aws).
MEDIA_S3_BUCKET = env_str("MEDIA_S3_BUCKET")
if MEDIA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env_str("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": env_str("MEDIA_S3_REGION") or None,
            "access_key": env_str("MEDIA_S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("MEDIA_S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("MEDIA_S3_PREFIX", "media"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# Source maps are for developers: compressing them, and keeping and compressing an unhashed copy of
# every file, made collectstatic (and so `make run`) take four times as long.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
# Confirming documents (ministerial letters) are PDFs of modest size.
APPOINTMENT_DOCUMENT_MAX_BYTES = env_int("APPOINTMENT_DOCUMENT_MAX_BYTES", 5 * 1024 * 1024)
# A meeting document (one language of one revision) and a delegation's credentials letter.
MEETING_DOCUMENT_MAX_BYTES = env_int("MEETING_DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)
CREDENTIALS_MAX_BYTES = env_int("CREDENTIALS_MAX_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# The IATI activity file of the ledger's money flows names its publisher by an IATI organisation
# identifier. None is in our sources: until it is set, the file is not served (503, saying why).
IATI_REPORTING_ORG_REF = env_str("IATI_REPORTING_ORG_REF")
IATI_REPORTING_ORG_NAME = env_str("IATI_REPORTING_ORG_NAME", "UNEP/CMS Secretariat")

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Deny by default: every endpoint names who may use it (cmsfamily.core.api).
    "DEFAULT_PERMISSION_CLASSES": ["cmsfamily.core.permissions.DenyByDefault"],
    # The services' ValidationError and PermissionDenied as 400 and 403, with codes (core.api_errors).
    "EXCEPTION_HANDLER": "cmsfamily.core.api_errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "cmsfamily.core.filtersets.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CMS Family Platform API",
    "DESCRIPTION": "Open API of the CMS Family: the registry (Parties, instruments, memberships, "
    "organisations, current focal points), the Strategic Plan, work programmes, exchange rates and "
    "the contributions ledger. Anonymous callers see public fields only.",
    "VERSION": "1.0.0",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cmsfamily.core.api.document_errors",
    ],
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a field named "kind" with different choices: name each enum.
    "ENUM_NAME_OVERRIDES": {
        "ContributionKindEnum": "cmsfamily.contributions.choices.Kind",
        "ProgrammeKindEnum": "cmsfamily.workplans.choices.ProgrammeKind",
        "UpdateKindEnum": "cmsfamily.workplans.choices.UpdateKind",
        "InstrumentKindEnum": "cmsfamily.directory.choices.InstrumentKind",
        "MembershipKindEnum": "cmsfamily.directory.choices.MembershipKind",
        "OrganisationKindEnum": "cmsfamily.directory.choices.OrganisationKind",
        "MappingKindEnum": "cmsfamily.strategy.choices.MappingKind",
        "AppendixEnum": "cmsfamily.species.choices.Appendix",
        "MeetingReplyEnum": "cmsfamily.meetings.choices.Reply",
        "DelegateRoleEnum": "cmsfamily.meetings.choices.DelegateRole",
        "AppointmentRoleEnum": "cmsfamily.directory.choices.Role",
    },
}

DJANGO_TABLES2_TEMPLATE = "core/table.html"

SECURE_CONTENT_TYPE_NOSNIFF = True
# Scripts and style sheets come from this site only (htmx and Vega are vendored); the few inline
# <script> and <style> elements (the API docs page) carry the nonce of their response. Style
# attributes are allowed: the Gantt bars of the timelines are placed with them, and the SVG charts
# that Vega draws are styled with them; an attribute cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Operations (cmsfamily.core.health, deploy/): /health/ answers load balancers over plain HTTP too,
# and says the queue is stuck when a task has waited this long for a worker.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
HEALTH_QUEUE_MAX_WAIT_SECONDS = env_int("HEALTH_QUEUE_MAX_WAIT_SECONDS", 600)

# One JSON object per line in production (LOG_FORMAT=json), for a log collector; each line names
# the request it belongs to (request_id, also in the X-Request-ID header and in domain events).
# LOG_REQUESTS: one line per request served (method, path, status, ms, user id), on in production.
LOG_FORMAT = env_str("LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or text, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cmsfamily.core.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "cmsfamily.core.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    "loggers": {
        "cmsfamily.requests": {
            "level": "INFO" if env_bool("LOG_REQUESTS", PRODUCTION) else "WARNING"
        },
        # WeasyPrint warns about every screen-only CSS rule it ignores in a PDF: noise, not problems.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
    },
}
