"""SafeLoop settings, read from the environment (12-factor).

With nothing configured SafeLoop runs the embedded stack: an embedded
PostgreSQL, a local-memory cache and a file-system Celery broker.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from safeloop.platform import embedded
from safeloop.platform.env import env_bool, env_int, env_list, env_rates, env_str
from safeloop.platform.urls_util import origin

BASE_DIR = Path(__file__).resolve().parents[2]
PACKAGE_DIR = BASE_DIR / "safeloop"

DEBUG = env_bool("SAFELOOP_DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY") or "safeloop-insecure-embedded-default-change-me"
if (
    not DEBUG
    and env_bool("SAFELOOP_REQUIRE_SECRET", default=False)
    and SECRET_KEY.startswith("safeloop-insecure")
):
    raise ImproperlyConfigured("SECRET_KEY must be set when SAFELOOP_REQUIRE_SECRET is on")
# The audit trail's events and per-schema seals carry HMAC-SHA256 under this key,
# which the database never holds: a database superuser can rewrite rows but not
# forge their MACs. Production sets it (from a secret store, like SECRET_KEY) and
# never changes it casually: every keyed event and seal verifies only under the
# key it was written with (old keys go to SAFELOOP_AUDIT_KEY_FALLBACKS, newest
# first, for as long as their events are kept). Unset, it is derived from
# SECRET_KEY with its own salt, so rotating SECRET_KEY also orphans the trail.
SAFELOOP_AUDIT_KEY = (
    env_str("SAFELOOP_AUDIT_KEY")
    or hmac.new(SECRET_KEY.encode(), b"safeloop.audit.chain-key", hashlib.sha256).hexdigest()
)
SAFELOOP_AUDIT_KEY_FALLBACKS = env_list("SAFELOOP_AUDIT_KEY_FALLBACKS", [])
# Personal information of contractor workers (resident ID numbers, PIPL) is stored
# encrypted with Fernet under this key (a urlsafe-base64 32-byte Fernet key, e.g. from
# `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`),
# which the database never holds. Unset, it is derived from SECRET_KEY with its own salt
# (development only: production sets it from a secret store). On rotation the old keys
# go to SAFELOOP_PII_KEY_FALLBACKS (comma-separated, newest first) so stored numbers
# still decrypt. Duplicates are matched by HMAC-SHA256 under SAFELOOP_PII_HASH_KEY, a
# separate key (derived from SAFELOOP_PII_KEY when unset): set it explicitly before
# rotating SAFELOOP_PII_KEY, or stored hashes stop matching. See safeloop/contractors/pii.py.
SAFELOOP_PII_KEY = (
    env_str("SAFELOOP_PII_KEY")
    or base64.urlsafe_b64encode(
        hmac.new(SECRET_KEY.encode(), b"safeloop.pii.fernet-key", hashlib.sha256).digest()
    ).decode()
)
SAFELOOP_PII_KEY_FALLBACKS = env_list("SAFELOOP_PII_KEY_FALLBACKS", [])
SAFELOOP_PII_HASH_KEY = (
    env_str("SAFELOOP_PII_HASH_KEY")
    or hmac.new(SAFELOOP_PII_KEY.encode(), b"safeloop.pii.match-key", hashlib.sha256).hexdigest()
)

SAFELOOP_BASE_DOMAIN = (env_str("SAFELOOP_BASE_DOMAIN", "localhost") or "localhost").lower()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [SAFELOOP_BASE_DOMAIN, f".{SAFELOOP_BASE_DOMAIN}"])
# Public URLs use this scheme; the port is taken from the request so that
# `acme.localhost:8000` works in development.
SAFELOOP_SCHEME = env_str("SAFELOOP_SCHEME", "http")
# The port users reach SafeLoop on, for every URL that leaves the browser (labels,
# cards, e-mails, chat robots, inbox); `safeloop run` sets it to the port it serves
# on unless it is set. See safeloop/platform/urls_util.py.
SAFELOOP_PUBLIC_PORT = env_str("SAFELOOP_PUBLIC_PORT", "")
SAFELOOP_TRIAL_DAYS = env_int("SAFELOOP_TRIAL_DAYS", 30)
SAFELOOP_SIGNIN_LINK_SECONDS = env_int("SAFELOOP_SIGNIN_LINK_SECONDS", 120)

# --- Applications -----------------------------------------------------------
SHARED_APPS = [
    "django_tenants",
    "safeloop.platform",
    # The page shell (base.html, navigation, guards); no models, used by both sites.
    "safeloop.web",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_celery_beat",
    "strawberry_django",
    # Group HQ and authority accounts sign in on the public host (platform.oversight).
    "allauth",
    "allauth.account",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "allauth",
    "allauth.account",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "safeloop.tenants.facilities",
    "safeloop.tenants.accounts",
    "safeloop.tenants.audit",
    "safeloop.tenants.alerts",
    "safeloop.tenants.hazards",
    "safeloop.tenants.inspections",
    "safeloop.tenants.risks",
    "safeloop.tenants.reports",
    "safeloop.learning",
    "safeloop.contractors",
    "safeloop.portal",
    "safeloop.iot_bridge",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "platform.Enterprise"
TENANT_DOMAIN_MODEL = "platform.Domain"
# New tenants are cloned from this migrated, data-free schema (~0.6 s) instead
# of running every migration (~6 s and growing). `safeloop migrate` keeps it current.
TENANT_BASE_SCHEMA = "tenant_base"
TENANT_CREATION_FAKES_MIGRATIONS = True
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False
# One `SET search_path` per connection and schema instead of one per query (a QR page
# sent 14). Safe with persistent connections: every request (TenantMainMiddleware),
# tenant_context/schema_context and tenant-schemas-celery go through set_tenant(),
# which forgets the path it set, and so do rollback and savepoint rollback (the
# database discards a SET made in a rolled-back transaction) and close.
TENANT_LIMIT_SET_CALLS = env_bool("SAFELOOP_LIMIT_SET_CALLS", default=True)
# How long a web process trusts its host → enterprise answer (safeloop/platform/routing.py):
# a removed or renamed domain stops routing within this time on every process.
SAFELOOP_TENANT_CACHE_SECONDS = env_int("SAFELOOP_TENANT_CACHE_SECONDS", 30)
# How long a web process trusts an API token's holder (safeloop/tenants/accounts/services.py):
# a revoked token, a deactivated user or changed roles take effect at once in the
# process that made the change and within this time on every other (0: no cache).
SAFELOOP_API_TOKEN_CACHE_SECONDS = env_int("SAFELOOP_API_TOKEN_CACHE_SECONDS", 10)
# `safeloop migrate` migrates only the tenant schemas that miss a migration; when
# at least SAFELOOP_MIGRATE_PARALLEL_FROM of them do, it runs them in this many
# forked processes (django-tenants' multiprocessing executor), handing each
# process TENANT_MULTIPROCESSING_CHUNKS schemas at a time.
TENANT_MULTIPROCESSING_MAX_PROCESSES = env_int("SAFELOOP_MIGRATE_PROCESSES", 2)
TENANT_MULTIPROCESSING_CHUNKS = env_int("SAFELOOP_MIGRATE_CHUNK", 4)
SAFELOOP_MIGRATE_PARALLEL_FROM = env_int("SAFELOOP_MIGRATE_PARALLEL_FROM", 8)
if TENANT_MULTIPROCESSING_MAX_PROCESSES < 1 or TENANT_MULTIPROCESSING_CHUNKS < 1:
    raise ImproperlyConfigured("SAFELOOP_MIGRATE_PROCESSES and SAFELOOP_MIGRATE_CHUNK must be ≥ 1")

MIDDLEWARE = [
    "safeloop.platform.middleware.HealthCheckMiddleware",
    # django-tenants' TenantMainMiddleware with the host → tenant answer cached per process.
    "safeloop.platform.routing.CachedTenantMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "safeloop.platform.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "safeloop.tenants.accounts.middleware.AuthenticationMiddleware",
    "safeloop.tenants.accounts.middleware.BearerTokenMiddleware",
    # Outsiders signed in as their person reach only the pages opened to them.
    "safeloop.web.outsiders.OutsiderMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A workspace whose trial ended unpaid, or whose subscription lapsed, takes no
    # changes but hazard reports and the hazard loop (safeloop/platform/lapse.py).
    "safeloop.platform.lapse.ReadOnlyLapseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Content-Security-Policy (django-csp): only our own files run; an inline <script> or
# <style> needs the request's nonce (nonce="{{ request.csp_nonce }}").
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        # style="…" attributes carry colours and positions computed per row (risk bands,
        # map labels); they cannot run code, so they are allowed without a nonce.
        "style-src-attr": [UNSAFE_INLINE],
        # Photos and signatures are previewed from data: and blob: URLs before upload.
        "img-src": [SELF, "data:", "blob:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        # Signup and "find your workspace" post here and land on the enterprise's host.
        "form-action": [SELF, f"*.{SAFELOOP_BASE_DOMAIN}:*"],
    }
}

# The Wagtail admin (/cms/ on enterprise hosts, people who may manage learning only)
# writes inline <script> from its widgets (choosers, date inputs, inline panels),
# which no nonce reaches: there, and only there, inline scripts may run
# (safeloop/learning/cms.py sets this on its responses). Every other directive stays.
SAFELOOP_CMS_CSP_REPLACE = {"script-src": [SELF, UNSAFE_INLINE]}

ROOT_URLCONF = "safeloop.platform.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "safeloop.platform.urls_public"
WSGI_APPLICATION = "safeloop.platform.wsgi.application"
ASGI_APPLICATION = "safeloop.platform.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safeloop.web.context_processors.shell",
            ],
        },
    }
]

# --- Database ---------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL") or embedded.embedded_database_url()
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
if _db["ENGINE"] not in ("django.db.backends.postgresql",):
    raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (schema-per-tenant)")
_db["ENGINE"] = "django_tenants.postgresql_backend"
# A persistent connection the server dropped (restart, failover, idle kill) is
# found before a request uses it and replaced, instead of answering 500.
_db["CONN_HEALTH_CHECKS"] = True
# An unreachable server fails the request in seconds, not after the OS's TCP timeout.
_db.setdefault("OPTIONS", {}).setdefault(
    "connect_timeout", env_int("DB_CONNECT_TIMEOUT_SECONDS", 3)
)
_db.setdefault("TEST", {})["NAME"] = env_str("SAFELOOP_TEST_DB_NAME") or None
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- IoT: the MQTT broker and the bridge (safeloop/iot_bridge) ------------------
# mqtt://user:pass@host:1883 or mqtts://… (TLS; SAFELOOP_MQTT_CA names a CA file).
# Unset: `safeloop run` starts an embedded mosquitto on SAFELOOP_MQTT_PORT whose
# passwords and ACLs come from the device table.
MQTT_URL = env_str("MQTT_URL")
SAFELOOP_MQTT_PORT = env_int("SAFELOOP_MQTT_PORT", 1884)
SAFELOOP_MQTT_CA = env_str("SAFELOOP_MQTT_CA", "")
# A reading older than this (or further ahead of our clock than the skew) is dropped.
SAFELOOP_IOT_MAX_AGE_SECONDS = env_int("SAFELOOP_IOT_MAX_AGE_SECONDS", 6 * 3600)
SAFELOOP_IOT_MAX_SKEW_SECONDS = env_int("SAFELOOP_IOT_MAX_SKEW_SECONDS", 300)
# Readings are kept this many days (alarms, their curves' peaks and hazards stay).
SAFELOOP_IOT_RETENTION_DAYS = env_int("SAFELOOP_IOT_RETENTION_DAYS", 400)

# --- Cache, Redis, Celery -----------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
_tenant_keys = {
    # Wagtail caches page URLs: without schema-aware keys one tenant would read
    # another's entries from a shared cache.
    "KEY_FUNCTION": "django_tenants.cache.make_key",
    "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
}
# Redis answers a local client in a millisecond; one that does not answer in this
# time is down or hung, and the request goes on without it. Sending a task reads
# Redis at most three times (publish, reconnect, one retry): about 1.5 s in all.
REDIS_SOCKET_SECONDS = 0.5
# Kombu's options for any Redis broker (REDIS_URL's or a CELERY_BROKER_URL of its own).
REDIS_BROKER_TRANSPORT_OPTIONS = {
    # Without these kombu waits on a hung Redis for ever.
    "socket_connect_timeout": REDIS_SOCKET_SECONDS,
    "socket_timeout": REDIS_SOCKET_SECONDS,
    # A message a worker took and never acknowledged (killed) is handed out
    # again after this; the outbox sweep covers a lost one sooner, so a long
    # wait only delays. Longer than any task runs.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT_SECONDS", 10 * 60),
}
if REDIS_URL:
    CACHES = {
        "default": {
            # An unreachable Redis is a cache miss (logged), never a 500 nor a wait:
            # every cached thing can be recomputed. See safeloop/platform/cache.py.
            "BACKEND": "safeloop.platform.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": REDIS_SOCKET_SECONDS,
                "SOCKET_TIMEOUT": REDIS_SOCKET_SECONDS,
                "IGNORE_EXCEPTIONS": True,
                "CONNECTION_POOL_CLASS": "safeloop.platform.cache.BreakerConnectionPool",
            },
            **_tenant_keys,
        }
    }
    CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", **_tenant_keys}
    }
    CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or embedded.embedded_broker_url()
if CELERY_BROKER_URL == "filesystem://":
    CELERY_BROKER_TRANSPORT_OPTIONS = embedded.embedded_broker_options()
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://", "redis+socket://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_TRANSPORT_OPTIONS
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Results are not needed in production (tasks write to the database); tests and
# operators replaying a scan can ask for them.
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
# Sending a task while the broker is down fails within about two seconds (one quick
# retry), so that a request that queues work answers; the outbox sends it later.
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
# /healthz reuses a process's last checks this long (0: check on every probe).
SAFELOOP_HEALTHZ_CACHE_SECONDS = env_int("SAFELOOP_HEALTHZ_CACHE_MS", 1000) / 1000
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    # Beat runs in the public schema and fans out one task per tenant.
    "hazard-deadlines": {
        "task": "safeloop.platform.tasks.fan_out_to_tenants",
        "schedule": env_int("SAFELOOP_DEADLINE_SCAN_SECONDS", 120),
        "args": ["safeloop.tenants.hazards.tasks.scan_hazard_deadlines"],
    },
    # Inspection tasks for windows that open in the next period; missed ones flagged.
    "inspection-schedule": {
        "task": "safeloop.platform.tasks.fan_out_to_tenants",
        "schedule": env_int("SAFELOOP_INSPECTION_TICK_SECONDS", 15 * 60),
        "args": ["safeloop.tenants.inspections.tasks.inspection_schedule_tick"],
    },
    # Training: due-date reminders, overdue notices, certificate expiry and renewal (once each).
    "training-deadlines": {
        "task": "safeloop.platform.tasks.fan_out_to_tenants",
        "schedule": env_int("SAFELOOP_TRAINING_SCAN_SECONDS", 60 * 60),
        "args": ["safeloop.learning.tasks.scan_training_deadlines"],
    },
    # Site passes whose validity ended (a certificate, exam or licence expired): suspended.
    "site-pass-scan": {
        "task": "safeloop.platform.tasks.fan_out_to_tenants",
        "schedule": env_int("SAFELOOP_PASS_SCAN_SECONDS", 60 * 60),
        "args": ["safeloop.contractors.tasks.scan_site_passes"],
    },
    # The daily safety-health table: yesterday's KPIs of every tenant, after midnight.
    "kpi-snapshots": {
        "task": "safeloop.platform.tasks.fan_out_to_tenants",
        "schedule": crontab(hour=0, minute=20),
        "args": ["safeloop.tenants.reports.tasks.snapshot_kpis"],
    },
    # Sensors: readings past the retention deleted, silent devices taken as offline.
    "iot-housekeeping": {
        "task": "safeloop.platform.tasks.fan_out_to_tenants",
        "schedule": env_int("SAFELOOP_IOT_CHORES_SECONDS", 5 * 60),
        "args": ["safeloop.iot_bridge.tasks.iot_housekeeping"],
    },
    # The monthly closed-loop health report of last month, e-mailed, on the 1st.
    "monthly-report": {
        "task": "safeloop.platform.tasks.fan_out_to_tenants",
        "schedule": crontab(day_of_month="1", hour=6, minute=0),
        "args": ["safeloop.tenants.reports.tasks.monthly_report"],
    },
    # Exports of all the data (reports.exports): ZIPs older than a week deleted.
    "export-cleanup": {
        "task": "safeloop.platform.tasks.fan_out_to_tenants",
        "schedule": crontab(hour=3, minute=40),
        "args": ["safeloop.tenants.reports.tasks.delete_old_exports"],
    },
    # Suppliers' self-inspection reports: SMS before and after the due date, the overdue digest.
    "supplier-deadlines": {
        "task": "safeloop.platform.tasks.fan_out_to_tenants",
        "schedule": env_int("SAFELOOP_SUPPLIER_SCAN_SECONDS", 60 * 60),
        "args": ["safeloop.contractors.tasks.scan_supplier_deadlines"],
    },
    # Billing: trial reminders, retention notices and erasures, Stripe events re-driven.
    "billing-lifecycle": {
        "task": "safeloop.platform.tasks.billing_lifecycle",
        "schedule": env_int("SAFELOOP_BILLING_SCAN_SECONDS", 60 * 60),
    },
    # Notifications whose delivery message was lost (broker down or flushed, worker killed).
    "outbox-sweep": {
        "task": "safeloop.platform.tasks.fan_out_to_tenants",
        "schedule": env_int("SAFELOOP_OUTBOX_SWEEP_SECONDS", 60),
        "args": ["safeloop.tenants.alerts.tasks.sweep_outbox"],
    },
}
# How long the unread-notification badge's count is cached per person
# (safeloop.tenants.alerts.services.unread_count); only with a cache all web processes share.
SAFELOOP_UNREAD_CACHE_SECONDS = env_int("SAFELOOP_UNREAD_CACHE_SECONDS", 60 if REDIS_URL else 0)
SAFELOOP_UNREAD_CACHE_PREFIX = "alerts:unread:"
# Attempts at one notification before it stays FAILED (visible on the robots page).
SAFELOOP_OUTBOX_MAX_ATTEMPTS = env_int("SAFELOOP_OUTBOX_MAX_ATTEMPTS", 8)
# Chat robots may only post to their vendor's host, plus these (e.g. a company relay).
SAFELOOP_ROBOT_EXTRA_HOSTS = env_list("SAFELOOP_ROBOT_EXTRA_HOSTS", [])
SAFELOOP_SMS_BACKEND = env_str(
    "SAFELOOP_SMS_BACKEND", "safeloop.tenants.alerts.channels.sms.ConsoleSmsBackend"
)
CELERY_TIMEZONE = "Asia/Shanghai"

# --- Files ------------------------------------------------------------------
STATIC_URL = "/static/"
# Front-end libraries come from the npm registry, pinned by package-lock.json and
# installed into node_modules/ by infra/assets.sh (./dev and the image build run it).
NODE_MODULES = Path(env_str("SAFELOOP_NODE_MODULES") or (BASE_DIR / "node_modules"))
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("safeloop/vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or (embedded.STATE_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or (embedded.STATE_DIR / "media"))
MEDIA_URL = "/media/"
AWS_STORAGE_BUCKET_NAME = env_str("AWS_STORAGE_BUCKET_NAME")
AWS_S3_ENDPOINT_URL = env_str("AWS_S3_ENDPOINT_URL")
AWS_S3_REGION_NAME = env_str("AWS_S3_REGION_NAME")
AWS_QUERYSTRING_EXPIRE = env_int("AWS_QUERYSTRING_EXPIRE", 300)
STORAGES = {
    "default": {
        "BACKEND": "safeloop.platform.storage.TenantS3Storage"
        if AWS_STORAGE_BUCKET_NAME
        else "safeloop.platform.storage.TenantFileSystemStorage"
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve app static files straight from the packages: no collectstatic step
# needed for the one-command start.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- Auth -------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's backends, loading the user's person in the same query.
    "safeloop.tenants.accounts.backends.ModelBackend",
    "safeloop.tenants.accounts.backends.EmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Quick PIN login on phones, e-mail login on desktops (safeloop.tenants.accounts.views.sign_in).
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "workspace:home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "safeloop.tenants.accounts.adapter.TenantAccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
# Failed e-mail logins are throttled by safeloop.tenants.accounts.throttles, keyed so
# that a factory behind one address is not locked out by one person's mistakes;
# allauth's own per-IP count would be. A shift starting at once may sign in from one
# address, hence the generous ceiling on successful ones.
ACCOUNT_RATE_LIMITS = {"login_failed": False, "login": "120/m/ip"}
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
# Sessions are read from the cache, written through to the database (which stays the
# truth: a Redis outage is a miss, then a database read). Only with a cache that every
# web process shares: with a per-process LocMem cache a sign-out in one process would
# leave the session cached in the others. A cached copy lives at most
# SAFELOOP_SESSION_CACHE_SECONDS, as a sign-out while Redis is unreachable cannot
# delete it (safeloop/platform/sessions.py).
SESSION_ENGINE = (
    "safeloop.platform.sessions" if REDIS_URL else "django.contrib.sessions.backends.db"
)
SAFELOOP_SESSION_CACHE_SECONDS = env_int("SAFELOOP_SESSION_CACHE_SECONDS", 300)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SAFELOOP_SCHEME == "https"
# Quick phone login: the device remembers its worker for this long.
SAFELOOP_DEVICE_REMEMBER_DAYS = env_int("SAFELOOP_DEVICE_REMEMBER_DAYS", 90)
SAFELOOP_PIN_MAX_FAILURES = 5

# --- Throttles (django-ratelimit counters; the rules are in the flows) -------------
# Addresses (or networks) of reverse proxies whose X-Forwarded-For is believed; with
# none, the client is REMOTE_ADDR (safeloop.platform.throttle.client_ip).
SAFELOOP_TRUSTED_PROXIES = env_list("SAFELOOP_TRUSTED_PROXIES", [])
RATELIMIT_IP_META_KEY = "safeloop.platform.throttle.client_ip"
RATELIMIT_USE_CACHE = "default"
RATELIMIT_CACHE_PREFIX = env_str("RATELIMIT_CACHE_PREFIX", "rl:")
# A cache outage must not stop signups and sign-ins; the throttle logs and lets them through.
RATELIMIT_FAIL_OPEN = True
# New enterprises per client address: each one is a schema.
SAFELOOP_SIGNUP_RATES = env_rates("SAFELOOP_SIGNUP_RATES", ["3/10m", "10/d"])
# Gate registrations per client network: a crew on the site's Wi-Fi shares one address,
# yet a script must not probe which ID numbers are registered.
SAFELOOP_GATE_RATES = env_rates("SAFELOOP_GATE_RATES", ["40/10m", "300/d"])

# --- Billing (Stripe; safeloop/platform/billing/) ----------------------------------
# Unset STRIPE_SECRET_KEY: the billing page shows plans and usage but cannot take a
# subscription. STRIPE_API_BASE points the library elsewhere (the tests' and a dev
# machine's fake Stripe, tests/support/fake_stripe.py).
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "") or ""
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "") or ""
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "https://api.stripe.com") or "https://api.stripe.com"
STRIPE_PRICES = {
    "standard": env_str("STRIPE_PRICE_STANDARD", "") or "",
    "professional": env_str("STRIPE_PRICE_PROFESSIONAL", "") or "",
}
# A page waits this long for Stripe, and retries a failed connection this many times.
STRIPE_TIMEOUT_SECONDS = env_int("STRIPE_TIMEOUT_SECONDS", 10)
STRIPE_MAX_NETWORK_RETRIES = env_int("STRIPE_MAX_NETWORK_RETRIES", 1)
# Reminders to the admins this many days before the trial ends (e-mail and inbox).
SAFELOOP_TRIAL_REMINDER_DAYS = [7, 3, 1]
# A lapsed workspace (trial ended unpaid, subscription cancelled or unpaid) keeps its
# data this many days, read-only; its admins are told NOTICE days before it is erased
# (and again 7 and 1 days before), never less: then its schema and files are deleted.
SAFELOOP_RETENTION_DAYS = env_int("SAFELOOP_RETENTION_DAYS", 90)
SAFELOOP_ERASURE_NOTICE_DAYS = env_int("SAFELOOP_ERASURE_NOTICE_DAYS", 30)
# The billing page's forms answer with a redirect to Stripe's Checkout and portal pages,
# which the Content-Security-Policy's form-action must allow (STRIPE_REDIRECT_HOSTS adds
# a fake Stripe's address in development).
CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] += [
    "https://checkout.stripe.com",
    "https://billing.stripe.com",
    *env_list("STRIPE_REDIRECT_HOSTS", []),
]

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "SafeLoop <noreply@safeloop.localhost>")

# --- Languages --------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"

# --- Wagtail ----------------------------------------------------------------
WAGTAIL_SITE_NAME = "SafeLoop"
WAGTAILADMIN_BASE_URL = origin(
    SAFELOOP_BASE_DOMAIN, scheme=SAFELOOP_SCHEME, port=SAFELOOP_PUBLIC_PORT
)
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# The admin is at /cms/ on enterprise hosts only (safeloop/learning/cms.py gates it):
# people who may not manage learning never see Wagtail's own login.
WAGTAILADMIN_LOGIN_URL = LOGIN_URL
# Accounts are SafeLoop's (people pages, audited): the admin changes no password or e-mail.
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars fetched from gravatar.com: it would send a hash of each e-mail abroad.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
# Lesson files: pictures (Wagtail images), PDF documents and videos (Wagtail documents,
# mp4/webm). Limits are checked on the server by extension and content
# (safeloop/learning/cms_uploads.py) and in the browser before upload (cms-upload.js).
SAFELOOP_VIDEO_MAX_MB = env_int("SAFELOOP_VIDEO_MAX_MB", 200)
SAFELOOP_DOCUMENT_MAX_MB = env_int("SAFELOOP_DOCUMENT_MAX_MB", 20)
WAGTAILIMAGES_MAX_UPLOAD_SIZE = env_int("SAFELOOP_IMAGE_MAX_MB", 10) * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif"]
WAGTAILDOCS_EXTENSIONS = ["pdf", "mp4", "webm"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = max(SAFELOOP_VIDEO_MAX_MB, SAFELOOP_DOCUMENT_MAX_MB) * 1024 * 1024
WAGTAILDOCS_DOCUMENT_FORM_BASE = "safeloop.learning.cms_uploads.LessonFileForm"
# Documents go through our view (safeloop/learning/views_cms.py): signed-in people of
# this enterprise only, byte ranges for video seeking; S3 keys redirect presigned.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf", "video/mp4", "video/webm"]

# --- GraphQL ----------------------------------------------------------------
STRAWBERRY_DJANGO = {
    # Mutations return expected errors through safeloop.graphql.errors.mutation, in
    # their own payload; a strawberry_django.mutation must not grow a second path
    # (an OperationInfo union) beside it.
    "MUTATIONS_DEFAULT_HANDLE_ERRORS": False,
    "FIELD_DESCRIPTION_FROM_HELP_TEXT": True,
    "TYPE_DESCRIPTION_FROM_MODEL_DOCSTRING": True,
}

# --- Logging ----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"tenant": {"()": "django_tenants.log.TenantContextFilter"}},
    "formatters": {
        "tenant": {
            "format": "%(asctime)s %(levelname)s [%(schema_name)s:%(domain_url)s] "
            "%(name)s: %(message)s"
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["tenant"], "formatter": "tenant"}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # "No hostname was supplied": said of every file-system broker connection.
        "kombu.connection": {"level": "ERROR"},
    },
}

SILENCED_SYSTEM_CHECKS = ["wagtailadmin.W003"]
