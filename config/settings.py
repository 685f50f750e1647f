"""Settings for the portal, read from the environment.

Development defaults are safe for a laptop; production (``DJANGO_DEBUG`` off) refuses to start
without a real ``DJANGO_SECRET_KEY``.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off (production mode)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"
elif not DEBUG and (SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is too weak for production (50+ characters).")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",
    # The portal's own apps come before third-party ones: their translations and templates win
    # (django-celery-beat, for one, translates "Name" as 任务名).
    "portal",
    "accounts",
    "complexes",
    "services",
    "evaluation",
    "funding",
    "dashboard",
    "config",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_celery_beat",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # A filter value a list's form refuses answers 400 with the form's messages.
    "portal.middleware.InvalidFiltersMiddleware",
    # Who did what: attaches the acting user and URL to every audited change.
    "pghistory.middleware.HistoryMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
    # Last, so that it sees failed logins from every view.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
        },
    },
]

# One engine everywhere: PostgreSQL. `make run`/`make test` start an embedded server when
# DATABASE_URL is not set (see portal/embedded_db.py).
DATABASES = {
    "default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/portal"),
}
# A Unix-socket directory arrives percent-encoded in the URL's host (libpq URI convention).
DATABASES["default"]["HOST"] = unquote(DATABASES["default"]["HOST"])
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Behind PgBouncer in transaction mode, a cursor cannot outlive its transaction.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
    "DJANGO_DB_DISABLE_SERVER_SIDE_CURSORS", default=False
)
# A new connection waits this long for a restarting server (portal/postgresql/base.py), so a
# PostgreSQL restart fails only the requests that were in the middle of a query.
DATABASES["default"]["ENGINE"] = "portal.postgresql"
DATABASE_CONNECT_RETRY_SECONDS = env.float("DJANGO_DB_CONNECT_RETRY_SECONDS", default=10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout after repeated failed logins, per user name and address so others cannot lock a user out
# from elsewhere.
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("DJANGO_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "portal.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "portal.client_address.client_address"
RATELIMIT_IP_META_KEY = "portal.client_address.client_address"
RATELIMIT_VIEW = "portal.views.rate_limited"
# While the cache (Redis) is down the per-address limit cannot count: let the login through
# rather than lock everybody out; django-axes still counts failures per account in the database.
RATELIMIT_FAIL_OPEN = True
LOGIN_RATE_LIMIT = env("DJANGO_LOGIN_RATE_LIMIT", default="30/m")
# Self-registrations per address (page and API together): nobody registers firms in bulk.
REGISTRATION_RATE_LIMIT = env("DJANGO_REGISTRATION_RATE_LIMIT", default="5/h")
# Password-reset requests per client address (an office behind one address may have several
# forgetful people), and per email address asked for (nobody floods a mailbox with them).
PASSWORD_RESET_RATE_LIMIT = env("DJANGO_PASSWORD_RESET_RATE_LIMIT", default="20/h")
PASSWORD_RESET_EMAIL_RATE_LIMIT = env("DJANGO_PASSWORD_RESET_EMAIL_RATE_LIMIT", default="3/h")
# Audit history rows can be added, never changed or deleted.
PGHISTORY_APPEND_ONLY = True
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# The first stores new passwords (accounts/hashers.py); the others verify older hashes, which
# are rewritten with the first at the next sign-in.
PASSWORD_HASHERS = [
    "accounts.hashers.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
MODELTRANSLATION_DEFAULT_LANGUAGE = "zh-hans"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("zh-hans",)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / ".data" / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / ".data" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Shared object storage for uploads (several web servers): any S3-compatible service.
if env("DJANGO_STORAGE_S3_BUCKET", default=""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("DJANGO_STORAGE_S3_BUCKET"),
            "endpoint_url": env("DJANGO_STORAGE_S3_ENDPOINT_URL", default=None),
            "region_name": env("DJANGO_STORAGE_S3_REGION", default=None),
            "access_key": env("DJANGO_STORAGE_S3_ACCESS_KEY", default=None),
            "secret_key": env("DJANGO_STORAGE_S3_SECRET_KEY", default=None),
            # Private objects: downloads go through a view that checks scope.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
SERVICE_ATTACHMENT_MAX_BYTES = env.int("DJANGO_SERVICE_ATTACHMENT_MAX_BYTES", default=10 * 2**20)
# Turnaround clocks of service requests (services/clocks.py): working days (weekends skipped)
# for the operator to answer a request, working days late before the officials are told, days
# after delivery until an unconfirmed request is confirmed, and the notice before that.
SERVICE_ANSWER_WORKING_DAYS = env.int("SERVICE_ANSWER_WORKING_DAYS", default=3)
SERVICE_ESCALATION_WORKING_DAYS = env.int("SERVICE_ESCALATION_WORKING_DAYS", default=2)
SERVICE_AUTO_CONFIRM_DAYS = env.int("SERVICE_AUTO_CONFIRM_DAYS", default=14)
SERVICE_AUTO_CONFIRM_NOTICE_DAYS = env.int("SERVICE_AUTO_CONFIRM_NOTICE_DAYS", default=3)
# Files an operator hands over with one delivery.
SERVICE_DELIVERABLES_PER_DELIVERY = 10
# Workbooks imported (annual reports, vouchers): the file, and what its parts unpack to.
EXCEL_IMPORT_MAX_BYTES = env.int("DJANGO_EXCEL_IMPORT_MAX_BYTES", default=2 * 2**20)
EXCEL_IMPORT_MAX_UNPACKED_BYTES = env.int(
    "DJANGO_EXCEL_IMPORT_MAX_UNPACKED_BYTES", default=20 * 2**20
)

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # django-redis rather than Django's own backend: it keeps one client per connection pool
    # instead of building one per call, which the cached public lists feel on every request.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            # Pages and writes keep working while Redis is down: the cache then misses.
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long an anonymous public list (catalogue, directory) may be served from the cache. Writes
# through the ORM make it stale at once (portal.api.public_cache); the timeout bounds what a
# write outside it (psql, a data migration) leaves visible.
PUBLIC_LIST_CACHE_SECONDS = env.int("DJANGO_PUBLIC_LIST_CACHE_SECONDS", default=600)
# The version of the data behind the officials' pages kept until it changes (the dashboard, the
# evaluation results; portal.page_cache.kept_until_data_changes): a statement trigger on each
# table those pages read records every transaction that writes to it.
PAGE_DATA_VERSION = "dashboard.data_version.data_version"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="portal@localhost")
# Absolute links in emails.
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# How long the link of an invitation to open an account works (once).
INVITATION_VALID_DAYS = env.int("INVITATION_VALID_DAYS", default=7)
# The domain of the Message-ID of notification emails (the idempotency key a mail system sees).
EMAIL_MESSAGE_DOMAIN = env("EMAIL_MESSAGE_DOMAIN", default="portal.invalid")

# The funding decision document (docs/FUNDING.md): who issues it, and its number (文号), where
# {year} is the year of issue, {seq} the decision's sequence in that year and
# {allocation_year} the year whose allocation it decides.
FUNDING_ISSUING_BODY = env("FUNDING_ISSUING_BODY", default="浙江省科学技术厅")
FUNDING_DECISION_NUMBER_PATTERN = env(
    "FUNDING_DECISION_NUMBER_PATTERN", default="浙科发〔{year}〕{seq}号"
)

# Security: secure by default outside development; the proxy settings are configurable.
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every response, the same in development: scripts only from the
# portal's own files (no inline script, no eval), so a script that escaping missed cannot run.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # No <style> element and no stylesheet from elsewhere. Style attributes stay allowed:
        # ECharts' HTML tooltips carry them in their markup (the series' colour marker) and
        # progress bars take their width from data; a style attribute can neither run a script
        # nor select other elements.
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        # data: for the images ECharts and Swagger UI draw themselves.
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}
BEHIND_PROXY = env.bool("DJANGO_BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# How many proxies in front of the portal append to X-Forwarded-For: the limiters find the
# client's address that many entries from the right (portal/client_address.py). Without a proxy
# the header is the client's own and is never read.
TRUSTED_PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=1) if BEHIND_PROXY else 0

# An API token stops authenticating this long after it was issued (accounts/tokens.py).
API_TOKEN_TTL = timedelta(days=env.int("DJANGO_API_TOKEN_TTL_DAYS", default=30))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.PortalPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "portal.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.api.exceptions.portal_exception_handler",
    "DEFAULT_THROTTLE_RATES": {"auth": env("DJANGO_TOKEN_RATE_LIMIT", default="20/min")},
    # DRF's default (None) keys throttles on whatever X-Forwarded-For the client sends.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "COERCE_DECIMAL_TO_STRING": True,
}
if DEBUG:
    REST_FRAMEWORK["DEFAULT_RENDERER_CLASSES"].append(
        "rest_framework.renderers.BrowsableAPIRenderer"
    )

SPECTACULAR_SETTINGS = {
    "TITLE": "Zhejiang Innovation Service Complexes Portal API",
    "DESCRIPTION": "Public contract of the portal: see README and docs.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "portal.api.schema.add_error_answers",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ComplexStatusEnum": "complexes.models.Status",
        "ComplexLevelEnum": "complexes.models.Level",
        "RegionLevelEnum": "complexes.models.RegionLevel",
        "ServiceRequestStatusEnum": "services.models.RequestStatus",
        "VoucherStatusEnum": "services.models.VoucherStatus",
        "ReportStatusEnum": "evaluation.models.ReportStatus",
        "JobStatusEnum": "portal.models.JobStatus",
        "AllocationKindEnum": "funding.models.AllocationKind",
    },
}

# Celery: without REDIS_URL, tasks run eagerly in the calling process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 15 * 60
CELERY_TASK_TIME_LIMIT = 20 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task of a worker that died (acks_late) goes back to the queue this long after it was
    # handed out: longer than the hard time limit, so a task still running is never run twice.
    "visibility_timeout": env.int(
        "CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 5 * 60
    ),
    # A stopped broker fails a publish in about a second instead of hanging the request.
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    "evaluation-recompute": {
        "task": "evaluation.tasks.nightly_recompute",
        "schedule": crontab(hour=2, minute=0),
    },
    "evaluation-report-reminders": {
        "task": "evaluation.tasks.send_report_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "dashboard-figures": {
        "task": "dashboard.tasks.refresh_figures",
        "schedule": crontab(hour=3, minute=0),
    },
    "offering-stats": {
        "task": "services.tasks.refresh_offering_stats",
        "schedule": crontab(hour=3, minute=30),
    },
    "services-request-clocks": {
        "task": "services.tasks.run_request_clocks",
        "schedule": crontab(hour=1, minute=30),
    },
    "voucher-expiry": {
        "task": "services.tasks.expire_vouchers",
        "schedule": crontab(hour=0, minute=30),
    },
    "voucher-reminders": {
        "task": "services.tasks.send_voucher_reminders",
        "schedule": crontab(hour=8, minute=10),
    },
    "export-housekeeping": {
        "task": "portal.tasks.export_housekeeping",
        "schedule": crontab(minute=17),
    },
    "notification-email-housekeeping": {
        "task": "accounts.tasks.notification_email_housekeeping",
        "schedule": crontab(minute="*/15"),
    },
    "services-fraud-signals": {
        "task": "services.tasks.compute_fraud_flags",
        "schedule": crontab(hour=1, minute=30),
    },
    "services-impact-surveys": {
        "task": "services.tasks.send_impact_surveys",
        "schedule": crontab(hour=9, minute=0),
    },
}
# Excel exports (portal/exports.py): a table with more rows than this is built by a worker
# instead of in the request (about 0.1 ms a row: a few seconds inline at most), and the
# worker's files are kept this many days.
EXPORT_INLINE_ROW_LIMIT = env.int("EXPORT_INLINE_ROW_LIMIT", default=20_000)
EXPORT_RETENTION_DAYS = env.int("EXPORT_RETENTION_DAYS", default=7)
# Unfinished export jobs one person may have at once: a further one is refused on its page.
EXPORT_JOBS_PER_USER = env.int("EXPORT_JOBS_PER_USER", default=3)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# Evaluation (docs/EVALUATION.md). Sources of derived indicator values, each
# `derived_values(*, year) -> [(complex_id, indicator_code, Decimal)]`.
EVALUATION_DERIVED_SOURCES = [
    "complexes.indicators.derived_values",
    "services.indicators.derived_values",
]
# Steps the nightly recomputation runs after the scores, each `step(*, year, job)`: the funding
# allocation plugs in here.
EVALUATION_RECOMPUTE_STEPS: list[str] = [
    "funding.services.allocations_after_evaluation",
    "dashboard.figures.figures_after_evaluation",
]
# Complex levels the province evaluates and ranks, and the time given to rectify after a fail.
EVALUATION_LEVELS = ["provincial"]
EVALUATION_RECTIFICATION_DAYS = 180
# Days after a reporting period's deadline until drafts and returned reports lock (the default of
# ReportingPeriod.grace_days; evaluation/report_lock.py).
REPORT_LOCK_GRACE_DAYS = 15

PORTAL_NAME = _("Zhejiang Industrial Innovation Service Complexes")
