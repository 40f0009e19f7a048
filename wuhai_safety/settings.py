"""Settings for the 平安乌海 portal.

Everything that differs between a laptop and production is read from the environment (or a `.env`
file beside `manage.py`) through django-environ. With no environment at all the portal runs in
development mode on an SQLite file in the project folder; `.env.example` lists every variable.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Off unless asked for: a deployment that forgets the variable must not show tracebacks,
# settings and the URL list to the public. `make run`, `make test` and `.env.example` turn it on.
DEBUG = env.bool("DEBUG", default=False)

# A key that is only good for development; production must bring its own.
_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters when DEBUG is off."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# Absolute base for links that leave the browser: QR codes on certificates, printed addresses.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
if not DEBUG and urlsplit(SITE_URL).hostname in ("127.0.0.1", "localhost", "::1", None):
    # Every certificate printed would carry a QR code nobody outside this machine can open.
    raise ImproperlyConfigured(
        "SITE_URL must be set to the portal's public address (e.g. https://pingan.wuhai.gov.cn) "
        "when DEBUG is off."
    )
# Plaque numbers read PREFIX-YEAR-SEQUENCE-CHECK; the issuer is printed on every certificate.
PLAQUE_PREFIX = "WH"
PLAQUE_ISSUER = env.str("PLAQUE_ISSUER", default="乌海市平安建设领导小组办公室")
# The certificate: its issuer lines above the date (the first is PLAQUE_ISSUER; more, such as a
# co-issuing office, in PLAQUE_CO_ISSUERS separated by "|"), a seal image printed over them (a PNG with a transparent
# background; without one the certificate keeps an empty seal area for the stamp), and the
# formal typeface of its text: a TrueType font that reportlab embeds, Debian's 楷体
# (fonts-arphic-ukai) where installed, else the WenQuanYi Micro Hei shipped in ratings/fonts/.
PLAQUE_ISSUER_LINES = [PLAQUE_ISSUER] + [
    line.strip() for line in env.str("PLAQUE_CO_ISSUERS", default="").split("|") if line.strip()
]
CERTIFICATE_SEAL_IMAGE = env.str("CERTIFICATE_SEAL_IMAGE", default="")
CERTIFICATE_FONT_FILE = env.str(
    "CERTIFICATE_FONT_FILE", default="/usr/share/fonts/truetype/arphic/ukai.ttc"
)

# The footer every Chinese government site carries; each line shows only when set.
SITE_SPONSOR = env.str("SITE_SPONSOR", default="乌海市平安建设领导小组办公室")  # 主办单位
SITE_ORGANIZER = env.str("SITE_ORGANIZER", default="")  # 承办单位
SITE_ADDRESS = env.str("SITE_ADDRESS", default="")  # 联系地址
SITE_PHONE = env.str("SITE_PHONE", default="")  # 联系电话
SITE_ICP_NUMBER = env.str("SITE_ICP_NUMBER", default="")  # ICP备案号, linked to the MIIT registry
SITE_POLICE_RECORD = env.str(
    "SITE_POLICE_RECORD", default=""
)  # 公安机关备案号 (…备 15030302000001号)
SITE_ID_CODE = env.str("SITE_ID_CODE", default="")  # 网站标识码 of the government site census

INSTALLED_APPS = [
    # Django's admin, with a site that only a signed-in, second-factor-verified administrator
    # reaches and whose login page is the portal's own (ratings.admin_site).
    "ratings.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "import_export",
    "csp",
    # Sign-in: lock-outs after repeated failures, time-based codes and recovery codes.
    "ratings.apps.LoginLockoutConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ratings",
]

MIDDLEWARE = [
    # First: a load balancer's health check needs no host check, session or HTTPS redirect.
    "wuhai_safety.middleware.health_check_middleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "wuhai_safety.locale.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which is the first to read an upload.
    "ratings.uploads.upload_name_middleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session was signed in with a second factor.
    "django_otp.middleware.OTPMiddleware",
    # Idle and absolute session limits; a session that lacks a second factor its user needs.
    "ratings.signin.session_guard_middleware",
    "wuhai_safety.middleware.security_headers_middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # 403 and 404 answered to signed-in users go to the security log.
    "ratings.security_log.refusals_middleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wuhai_safety.urls"

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
                "ratings.context_processors.site_footer",
                "ratings.context_processors.navigation",
            ],
        },
    },
]

# Django's renderer, with <select> built in Python (the same markup, without a template per option).
FORM_RENDERER = "ratings.forms.renderer.FormRenderer"

WSGI_APPLICATION = "wuhai_safety.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Reusing connections more than doubles throughput on PostgreSQL; health checks drop a
    # connection the server has closed instead of failing the next request.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # An unreachable server fails a request (and /healthz) in two seconds, not a minute.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
else:
    # SQLite waits for a writer instead of failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )
    # Tests use a file too (not Django's shared in-memory database), so that concurrent writers
    # in tests behave as they do in real use: they wait for each other instead of failing.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "ratings.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-axes checks every password sign-in (the portal's and the admin's) against the
# failures recorded for that user name *from that address*: someone guessing elsewhere cannot
# lock a real user out. LOGIN_FAILURE_LIMIT failures, each within LOGIN_LOCKOUT_MINUTES of
# the one before, lock the pair for LOGIN_LOCKOUT_MINUTES; an administrator can unlock sooner.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's, loading the signed-in user with their scope in one query.
    "ratings.signin.PortalBackend",
]
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The same proxy-aware address as the verification rate limit, never one the client wrote.
AXES_CLIENT_IP_CALLABLE = "ratings.ratelimit.client_address"
AXES_LOCKOUT_CALLABLE = "ratings.views.accounts.locked_out"
# Tries during a lock-out do not extend it, so the lock-out page can say when it ends.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# Sign-ins are in the security log; axes keeps only the failures it counts.
AXES_DISABLE_ACCESS_LOG = True
# The security log says who failed from where; axes need not announce itself at every start.
AXES_VERBOSE = False
# ratings.admin (accounts) registers the failures list for portal administrators (unlock = delete).
AXES_ENABLE_ADMIN = False

# Time-based one-time codes (django-otp): the issuer authenticator apps show beside the code.
OTP_TOTP_ISSUER = "平安乌海"

# A signed-in session ends after SESSION_IDLE_SECONDS without a request, and in any case
# SESSION_ABSOLUTE_SECONDS after signing in (ratings.signin.session_guard_middleware).
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS

# Who a locked-out or stuck user should call, shown on the lock-out and sign-in help pages.
SUPPORT_CONTACT = env.str("SUPPORT_CONTACT", default="")

# E-mail, e.g. smtp+tls://user:password@smtp.example.cn:587 (django-environ's EMAIL_URL).
# Development prints mail on the console. Without EMAIL_URL in production the portal sends no
# mail, and password reset by e-mail is switched off: its link is hidden, its pages are 404.
EMAIL_URL = env.str("EMAIL_URL", default="consolemail://" if DEBUG else "")
if EMAIL_URL:
    # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_USE_TLS… from the URL.
    globals().update(
        {k: v for k, v in environ.Env.email_url_config(EMAIL_URL).items() if v is not None}
    )
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="平安乌海 <noreply@localhost>")
PASSWORD_RESET_BY_EMAIL = bool(EMAIL_URL)
# A password-reset link works for two hours (Django’s default is three days).
PASSWORD_RESET_TIMEOUT = 2 * 60 * 60

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
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

# Uploaded evidence is private: it lives outside the static path and has no MEDIA_URL; it is
# only ever streamed by a view that checks who is asking.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# With several app servers, files go to S3-compatible object storage (django-storages) instead
# of the local disk: a private bucket, read only through the portal's views, never by URL.
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("AWS_LOCATION", default="media"),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Production: a cache shared by all workers (e.g. CACHE_URL=redis://127.0.0.1:6379/1), which the
# verification page's rate limit counts in.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if "redis" in CACHES["default"]["BACKEND"].lower():
    # A Redis that stops answering costs a request one second, not a hung worker.
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 1, "socket_timeout": 1}
    )
# Requests a minute per client address; the verification page is reached by scanning QR codes.
# 群众口碑: a community whose satisfaction rate (per cent) is below this is flagged for the
# administrators on the year's publish page.
SATISFACTION_THRESHOLD = env.float("SATISFACTION_THRESHOLD", default=80.0)
RATE_LIMITS = {
    "verify": env.int("VERIFY_RATE_LIMIT", default=30),
    # Each request may send an e-mail: a handful a minute is plenty for a person.
    "password_reset": 5,
    # Objections to a public notice: a person sends one or two; more is someone flooding.
    "objection": env.int("OBJECTION_RATE_LIMIT", default=3),
    # Residents' reports through a plaque's verification page: the same rule.
    "report": env.int("REPORT_RATE_LIMIT", default=3),
}
# Behind a reverse proxy, the META key of the header it sets to the client's address
# (HTTP_X_FORWARDED_FOR or HTTP_X_REAL_IP); empty means REMOTE_ADDR. Each proxy appends the
# address it saw to X-Forwarded-For, and the client may write anything before them: the
# address used is the one the TRUSTED_PROXY_COUNT-th proxy from the right appended.
CLIENT_ADDRESS_HEADER = env.str("CLIENT_ADDRESS_HEADER", default="")
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)

# Background jobs (printing a year's certificates): on Celery workers when a broker is set
# (redis://…), otherwise run in the request that asks, so that development needs no worker.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# `celery -A wuhai_safety beat` sends the daily digest (每日待办提醒) at 07:30; without a broker,
# cron runs `manage.py send_reminders` instead. Sending twice on a day sends once.
CELERY_BEAT_SCHEDULE = {
    "send-reminders": {
        "task": "ratings.tasks.reminders.reminders_send_daily",
        "schedule": crontab(hour=7, minute=30),
    },
}

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The portal uses none of these browser features; a page that asked would be refused.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
# Every script, style, font and image comes from the portal itself (STYLE: no CDN), and no
# inline script runs: an injected <script> would be refused by the browser.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # blob: for the thumbnails of photos chosen in a file picker, before they are uploaded
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# The security log (logger "security", ratings.security_log): one JSON object a line on
# stderr, and in SECURITY_LOG_FILE too when set (reopened when logrotate moves it).
SECURITY_LOG_FILE = env.str("SECURITY_LOG_FILE", default="")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "wuhai_safety.jsonlog.JsonLinesFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "security_console": {"class": "logging.StreamHandler", "formatter": "json"},
        **(
            {
                "security_file": {
                    "class": "logging.handlers.WatchedFileHandler",
                    "filename": SECURITY_LOG_FILE,
                    "formatter": "json",
                    "encoding": "utf-8",
                }
            }
            if SECURITY_LOG_FILE
            else {}
        ),
    },
    "loggers": {
        "security": {
            "handlers": ["security_console", *(["security_file"] if SECURITY_LOG_FILE else [])],
            "level": "INFO",
            "propagate": False,
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
