"""Settings for Scales, read from the environment (see .env.example).

The defaults run a complete practice on one machine with nothing to install:
SQLite for data and kombu's filesystem transport under ``var/`` as the Celery
broker. ``DATABASE_URL`` and ``REDIS_URL`` switch to PostgreSQL and Redis.
With ``DEBUG=false`` every production safeguard is on and missing secrets
fail loudly at start-up.
"""

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from lib.config import public_site_url, real_sender

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def required_in_production(name: str, check: Callable[[str], str], hint: str) -> str:
    """Read a variable production cannot run without; refuse to start, naming it and the fix."""
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} is required in production. {hint}")
    try:
        return check(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} {error}. {hint}") from error


DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
    ALLOWED_HOSTS = env.list(
        "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"]
    )
else:
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
        raise ImproperlyConfigured("SECRET_KEY must be a long random value in production.")

# Every link in an email starts with it: production must name its real public address.
# In development it defaults to where `make run` serves (WEB_PORT, as in the Procfile).
if DEBUG:
    SITE_URL = env.str(
        "SITE_URL", default=f"http://localhost:{env.int('WEB_PORT', default=8000)}"
    ).rstrip("/")
else:
    SITE_URL = required_in_production(
        "SITE_URL",
        public_site_url,
        "Set SITE_URL to the public address of the booking pages, "
        "e.g. https://book.yourpractice.com",
    )

INSTALLED_APPS = [
    "office.admin_apps.OfficeAdminConfig",  # Django's admin with the practice's own site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "health_check",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "auditlog",
    # The apps depend one way, each only on those listed before it (see
    # docs/architecture.md); ready() runs in this order, so kinds of email are
    # registered before the apps above extend them.
    "notifications",
    "clients",
    "booking",
    "assessments",
    "staff",
    "office",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "office.middleware.office_csp_middleware",
    "booking.headers.permissions_policy_middleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "booking.headers.request_size_limit_middleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Which second factor this session proved (request.user.is_verified()), then
    # the office's own rules: idle staff sessions end, no office page without a
    # second factor (staff/middleware.py).
    "django_otp.middleware.OTPMiddleware",
    "staff.middleware.staff_idle_timeout_middleware",
    "staff.middleware.SecondFactorRequiredMiddleware",
    "booking.middleware.practitioner_timezone_middleware",
    # Who did it and from where, for the audit trail's entries (office/audit.py).
    "office.audit.AuditContextMiddleware",
    # Last, as django-axes asks: turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The audit trail (office/audit.py): our own entry model, which keeps field names only.
AUDITLOG_LOGENTRY_MODEL = "office.AuditEntry"
# django-auditlog's migrations create its own entry table even when the model is
# swapped; that unused table would hold foreign keys to users that stop a flush.
MIGRATION_MODULES = {"auditlog": None}

# django-axes counts failed logins before any other backend checks a password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "practice.urls"
WSGI_APPLICATION = "practice.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "booking.context_processors.practice",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'scales.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take SQLite's write lock when they begin, so two
    # booking transactions can never interleave their read-check-write steps.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache -------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # The cache only speeds pages up: with Redis down a page must answer
            # at once without it, not wait for the default (no) timeout.
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Longer than any task's hard time limit, so an unacknowledged task is
        # only redelivered when its worker really died.
        "visibility_timeout": 3600,
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    BROKER_DIR = VAR_DIR / "broker"
    # kombu's filesystem transport expects its folders to exist.
    for folder in ("queue", "processed", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        # The folder is polled; the default (1 s) sends about one email a second.
        "polling_interval": 0.1,
    }

CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection around every task unless told
# to keep it: a new PostgreSQL connection per email was half of a send's time. Kept for
# this many tasks; practice/celery.py still drops one that broke or outlived CONN_MAX_AGE.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 120
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# A broker outage must not stall a booking request for long: the outbox row is
# already saved and the next sweep delivers it.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "notifications.tasks.outbox_sweep_task", "schedule": 60},
    "booking-holds-purge": {"task": "booking.tasks.booking_holds_purge_task", "schedule": 15 * 60},
    "client-statuses-refresh": {
        "task": "booking.tasks.client_statuses_refresh_task",
        "schedule": 6 * 60 * 60,
    },
    # Does nothing unless the practitioner turned on erasing people who never came.
    "retention-sweep": {"task": "office.tasks.retention_sweep_task", "schedule": 24 * 60 * 60},
}

# --- Email --------------------------------------------------------------------
# Development writes one line per email to the console and keeps the message in the
# office's email log (notifications/console.py): bodies are health-adjacent.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="notifications.console.OneLineConsoleBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# An API provider instead of SMTP: EMAIL_BACKEND=anymail.backends.postmark.EmailBackend
# (or mailgun, amazon_ses, brevo, ...) and its settings as JSON, e.g.
# ANYMAIL_SETTINGS={"POSTMARK_SERVER_TOKEN": "..."}.
ANYMAIL = env.json("ANYMAIL_SETTINGS", default={})
# Mail from localhost or a reserved domain is refused or filed as spam: production
# must send from the practice's own address.
if DEBUG:
    DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Scales <hello@localhost>")
else:
    DEFAULT_FROM_EMAIL = required_in_production(
        "DEFAULT_FROM_EMAIL",
        real_sender,
        "Set DEFAULT_FROM_EMAIL to the practice's own sender address, "
        "e.g. Maya van Dijk <hello@yourpractice.com>",
    )
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Domain of the Message-ID of every email (stable per outbox row, so a resend is
# recognised as the same message by mail clients).
EMAIL_MESSAGE_ID_DOMAIN = env.str("EMAIL_MESSAGE_ID_DOMAIN", default="scales.localhost")

# --- Staff accounts (staff/) -------------------------------------------------
# A staff session ends after this many idle minutes, and when the browser closes.
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=30)
# Wrong passwords for one username from one address before that pair is locked.
AXES_FAILURE_LIMIT = env.int("STAFF_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("STAFF_LOCKOUT_MINUTES", default=15))
# Username and address together: typing her username elsewhere cannot lock her out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The same forwarded-address rule as the public limits (TRUSTED_PROXIES).
AXES_CLIENT_IP_CALLABLE = "clients.visitors.request_ip"
AXES_LOCKOUT_CALLABLE = "staff.views.locked_out"
AXES_RESET_ON_SUCCESS = True
# A lockout lasts its 15 minutes from the fifth failure; more tries do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Sign-in events are listed in the office's security log, not in axes' own admin.
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Authenticator apps show the practice's name next to the code.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Scales")
# A password reset link works this long.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_MINUTES", default=60) * 60
# Reset emails one account may be sent per hour, counted in the database.
PASSWORD_RESETS_PER_HOUR = env.int("PASSWORD_RESETS_PER_HOUR", default=3)
LOGIN_URL = "admin:login"

# --- Passwords, i18n, time ----------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files -------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security -----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Client pages run and load only our own files: no inline script or style, no
# plugins, no other site's forms or frames (tests/booking/test_headers.py). The
# office adds inline styles for the stock admin (office/middleware.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # Bootstrap draws checkboxes and arrows as data: SVGs
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# Only her profile in the office takes a file (her photo), and the longest form is a
# few kilobytes: larger bodies are refused unread, and a file part sent to any other
# page too (booking/headers.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 1
FILE_UPLOAD_HANDLERS = [
    "booking.headers.FileOnlyForThePhotoHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Django's default: the office's practitioner page posts a row per date override.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
# A refused form explains itself calmly, in the practitioner's name.
CSRF_FAILURE_VIEW = "booking.error_pages.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

# --- Logging: never log request bodies; intake answers are health data --------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Lockouts are recorded as sign-in events (staff/); axes' per-login lines are noise.
        "axes": {"level": "WARNING"},
    },
}

# --- Scales -------------------------------------------------------------------
# How long a chosen time is held while the visitor types their details.
BOOKING_HOLD_MINUTES = env.int("BOOKING_HOLD_MINUTES", default=10)
# A single session is confirmed from a link emailed to the address typed, so
# the time is held this long for the person to open it.
BOOKING_VERIFY_MINUTES = env.int("BOOKING_VERIFY_MINUTES", default=30)
# A client (attended a single session) becomes a former client when their last
# booking ended this many days ago and nothing is booked since.
CLIENT_FORMER_AFTER_DAYS = env.int("CLIENT_FORMER_AFTER_DAYS", default=180)
# How long a client's manage link stays valid after the booking ends.
BOOKING_MANAGE_LINK_DAYS = env.int("BOOKING_MANAGE_LINK_DAYS", default=60)
# Follow-up after an assessment call: hours after it ends. A call not marked
# no-show or not-a-fit by then counts as attended.
FOLLOW_UP_DELAY_HOURS = env.int("FOLLOW_UP_DELAY_HOURS", default=3)
# The questionnaire nudge goes out this many hours before the call.
INTAKE_NUDGE_HOURS = env.int("INTAKE_NUDGE_HOURS", default=48)
# Questionnaire links work until this many days after the booking ends, and are
# never accepted more than INTAKE_LINK_MAX_AGE_DAYS after they were made.
INTAKE_LINK_DAYS = env.int("INTAKE_LINK_DAYS", default=7)
INTAKE_LINK_MAX_AGE_DAYS = env.int("INTAKE_LINK_MAX_AGE_DAYS", default=120)
# Delivery: attempts before a row is marked failed, and the first retry delay
# (doubling each time: 1, 2, 4, 8 ... minutes).
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=6)
EMAIL_RETRY_BASE_SECONDS = env.int("EMAIL_RETRY_BASE_SECONDS", default=60)
# Rows claimed per sweep, and how long a claimed row may wait for a worker
# before the sweep queues it again.
OUTBOX_BATCH_SIZE = env.int("OUTBOX_BATCH_SIZE", default=500)
OUTBOX_REQUEUE_MINUTES = env.int("OUTBOX_REQUEUE_MINUTES", default=10)
# Emails per send task: one mail connection and one load of their bookings each.
OUTBOX_TASK_SIZE = env.int("OUTBOX_TASK_SIZE", default=100)
# A send task starts no new email after this many seconds and puts the rest back,
# so a slow mail relay (EMAIL_TIMEOUT per step) never meets the task's time limit.
OUTBOX_BATCH_SECONDS = env.int("OUTBOX_BATCH_SECONDS", default=20)

# --- Backups (office/backups.py, docs/operations.md) --------------------------
# `manage.py backup_create` encrypts to these age public keys (age1..., comma-separated);
# the secret keys stay offline. Backups older than BACKUP_KEEP_DAYS are pruned, so
# erased data is gone from the backups that many days after an erasure.
BACKUP_AGE_RECIPIENTS = env.list("BACKUP_AGE_RECIPIENTS", default=[])
BACKUP_DIR = Path(env.path("BACKUP_DIR", default=VAR_DIR / "backups"))
BACKUP_KEEP_DAYS = env.int("BACKUP_KEEP_DAYS", default=35)

# --- Limits on the public pages (see clients/visitors.py) ---------------------
# Proxies whose X-Forwarded-For is believed (addresses or networks, e.g. the
# load balancer); empty means the socket's address is the visitor's. Shared
# with the staff login lockout.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# Off only for tests and benchmarks; every limit below depends on it.
PUBLIC_LIMITS = env.bool("PUBLIC_LIMITS", default=True)
# Times one visitor may hold at once (counted in the database, so it holds with
# the cache down).
BOOKING_HOLDS_PER_VISITOR = env.int("BOOKING_HOLDS_PER_VISITOR", default=2)
# Writes (holds, details, cancel, reschedule, questionnaire pages, opt-out) one
# visitor may send per page per window; counted in the cache, allowed if it is down.
PUBLIC_ATTEMPTS_PER_WINDOW = env.int("PUBLIC_ATTEMPTS_PER_WINDOW", default=20)
PUBLIC_ATTEMPTS_WINDOW_SECONDS = env.int("PUBLIC_ATTEMPTS_WINDOW_SECONDS", default=600)
