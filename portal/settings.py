"""One settings module, read from the environment (12-factor).

Unset variables give a zero-setup local run: SQLite in the project folder and Celery
tasks run eagerly in process. Production differs only by environment values
(DJANGO_ENV=production, DATABASE_URL, CELERY_BROKER_URL, DJANGO_SECRET_KEY, ...).
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

# Off unless asked for (DJANGO_DEBUG=1), even in the embedded default: visitors of `make run` get the
# portal's own 404 and 500 pages, not Django's debug pages listing every URL and setting.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
if PRODUCTION:
    # Refuse to start with a guessable key: production must be given one.
    try:
        SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_ENV=production") from exc
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["*"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "simple_history",
    "core",
    "portal",
    "trusts",
    "colleges",
    "pathways",
    "hubs",
    "planning",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

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
                "core.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections (issue 13): a request reuses its worker's connection for up to
# DJANGO_CONN_MAX_AGE seconds (0 closes it after each request) instead of opening one per request;
# the health check replaces a connection the server dropped before the request uses it.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("DJANGO_CONN_HEALTH_CHECKS", default=True))
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default has several writers at once (requests, the eager report task, imports):
    # - WAL lets readers go on while one connection writes;
    # - `timeout` is the busy timeout: wait up to that many seconds for the write lock, not fail;
    # - IMMEDIATE transactions take the write lock when they begin, so two transactions never both
    #   read and then fail to upgrade to writing ("database is locked" without waiting).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": env.int("SQLITE_BUSY_TIMEOUT_SECONDS", default=20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "transaction_mode": "IMMEDIATE",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lockout after repeated failed logins, per username and address together.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Outside production whitenoise serves straight from the finders, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# CSV uploads (course offers, vacancies) are previewed, then their text is posted back to be
# written; bulk API requests carry up to 5,000 items. The request limit leaves room for both.
CSV_UPLOAD_MAX_BYTES = env.int("CSV_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * CSV_UPLOAD_MAX_BYTES

# X-Forwarded-Proto says "this came over HTTPS" only when a proxy that sets it is the only way in
# (docker-compose.yml: Caddy in front, gunicorn unpublished). Off by default: a client talking to
# gunicorn directly could otherwise claim HTTPS and get secure-only behaviour over plain HTTP.
DJANGO_TRUSTED_PROXY = env.bool("DJANGO_TRUSTED_PROXY", default=False)

# --- REST framework -------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.authentication.PortalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.permissions.ReadSignedInWriteInScope"],
    "DEFAULT_PAGINATION_CLASS": "core.api_pagination.PortalPageNumberPagination",
    # The API speaks JSON (DESIGN.md section 5); the token endpoint keeps its own form parsers.
    "DEFAULT_PARSER_CLASSES": ["core.api_parsers.PortalJSONParser"],
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "core.api_filters.PortalFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.throttling.TokenRateThrottle",
        "rest_framework.throttling.AnonRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("API_THROTTLE_RATE", default="1200/minute"),
        "anon": env.str("API_ANON_THROTTLE_RATE", default="60/minute"),
        # POST auth/token/, per client address
        "auth_token": env.str("API_TOKEN_ENDPOINT_THROTTLE_RATE", default="10/minute"),
    },
    # Client addresses for throttling: REMOTE_ADDR, or the last X-Forwarded-For entry (set by our
    # proxy) when one is trusted; never a client's own X-Forwarded-For.
    "NUM_PROXIES": 1 if DJANGO_TRUSTED_PROXY else 0,
    "EXCEPTION_HANDLER": "core.api_errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# API tokens (portal.ApiToken): stored hashed, shown once, valid this many days; their last use is
# recorded to this resolution (one write per token per period, not one per request).
API_TOKEN_EXPIRY_DAYS = env.int("API_TOKEN_EXPIRY_DAYS", default=90)
API_TOKEN_LAST_USED_RESOLUTION_SECONDS = env.int("API_TOKEN_LAST_USED_RESOLUTION_SECONDS", default=60)
# The schema and docs (/api/v1/schema/, /api/v1/docs/) are for signed-in users unless this is set.
API_SCHEMA_PUBLIC = env.bool("API_SCHEMA_PUBLIC", default=False)
SPECTACULAR_SETTINGS = {
    "TITLE": "Health and care workforce portal API",
    "DESCRIPTION": (
        "Version 1 of the portal's API. Authenticate with `POST /api/v1/auth/token/` and send "
        "`Authorization: Token <key>`. Objects are referenced by natural keys: region and ICS "
        "codes, trust ODS codes, college UKPRNs, occupation codes and apprenticeship references."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our own static files (drf-spectacular-sidecar): no CDN, and the CSP holds.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Several models have a `status`: give the gap report's its own enum name in the schema.
    "ENUM_NAME_OVERRIDES": {"GapReportStatusEnum": "planning.models.GapReport.Status"},
    # Every error status an operation can answer, with its body (core/openapi.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.openapi.declare_error_responses",
    ],
}

# --- Cache (throttling state) ---------------------------------------------------------
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL:
    CACHES = {"default": env.cache("CACHE_URL")}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ---------------------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# No broker configured -> run tasks eagerly in process (the zero-setup default).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# Acknowledge after the task ends so a killed worker's task is redelivered, not lost;
# the services are idempotent, so a second delivery does no harm.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=25 * 60)
CELERY_TASK_DEFAULT_QUEUE = "default"
# Long reports have their own queue so that short tasks never wait behind them.
# (pathways.tasks.* are the names the tasks had before planning was an app: messages queued under them.)
CELERY_TASK_ROUTES = {
    "planning.tasks.gap_report_compute_task": {"queue": "reports"},
    "pathways.tasks.gap_report_compute_task": {"queue": "reports"},
}
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_BEAT_SCHEDULE = {}  # filled by portal.celery from BEAT_SCHEDULE below
BEAT_SCHEDULE = {
    "nightly-gap-report": {
        "task": "planning.tasks.gap_report_nightly_task",
        "schedule_crontab": {"hour": 2, "minute": 15},
    },
    "mark-stuck-gap-reports": {
        "task": "planning.tasks.gap_report_mark_stuck_task",
        "schedule_seconds": 60,
    },
}
# A running report beats every 30 s (planning.services); one silent this long, or pending this long
# while nothing runs, is marked failed by the check above (and by every new request).
GAP_REPORT_STALE_AFTER_SECONDS = env.int("GAP_REPORT_STALE_AFTER_SECONDS", default=5 * 60)

# --- Security (production) ------------------------------------------------------------
if DJANGO_TRUSTED_PROXY:  # see DJANGO_TRUSTED_PROXY above
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # The container's health check calls gunicorn over plain HTTP from inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy on every response (core.csp): scripts, styles, images and requests from
# the portal itself only; the NHS.UK frontend's fonts from assets.nhs.uk. No inline script or style
# attribute anywhere (templates load files from static/), no eval, no framing, no plugins.
CONTENT_SECURITY_POLICY_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "https://assets.nhs.uk"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
CONTENT_SECURITY_POLICY = "; ".join(
    " ".join([name, *sources]) for name, sources in CONTENT_SECURITY_POLICY_DIRECTIVES.items()
)
# Set to send the policy as Content-Security-Policy-Report-Only (to try a change of it safely).
CONTENT_SECURITY_POLICY_REPORT_ONLY = env.bool("CONTENT_SECURITY_POLICY_REPORT_ONLY", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Where the shipped public extracts live (OGL v3.0; see data/SOURCES.md).
REFERENCE_DATA_DIR = BASE_DIR / "data"
