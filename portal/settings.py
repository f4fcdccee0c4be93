"""Settings from the environment: production needs DVCQ_SECRET_KEY (and usually DATABASE_URL,
DVCQ_DATA_DIR, DVCQ_ALLOWED_HOSTS); demo mode (DVCQ_DEMO=1, set by `dvcq serve --demo`) runs on an
SQLite file under DVCQ_DATA_DIR with DEBUG on and a throwaway key."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent
DEMO = os.environ.get("DVCQ_DEMO") == "1"
DATA_DIR = Path(os.environ.get("DVCQ_DATA_DIR") or (REPO_DIR / ".dvcq-data")).resolve()

# Without DVCQ_SECRET_KEY a random key per process (tests, demo); `dvcq serve` and portal.wsgi refuse to
# serve outside demo mode without one (require_production_key), since sessions would not survive a restart.
SECRET_KEY = os.environ.get("DVCQ_SECRET_KEY") or secrets.token_urlsafe(50)
DEBUG = DEMO


def require_production_key() -> None:
    if not DEMO and not os.environ.get("DVCQ_SECRET_KEY"):
        raise ImproperlyConfigured("thiếu biến môi trường DVCQ_SECRET_KEY (hoặc chạy chế độ demo: dvcq serve --demo)")
ALLOWED_HOSTS = [h for h in os.environ.get("DVCQ_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules",
    "axes",
    "portal.core",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "portal.apierrors.ApiErrorsAsJson",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # last, as django-axes asks: it turns a locked-out login into its 429 answer
    "axes.middleware.AxesMiddleware",
]
# django-axes first: it refuses a locked-out username/address before any password is checked
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "rules.permissions.ObjectPermissionBackend",
                           "django.contrib.auth.backends.ModelBackend"]
ROOT_URLCONF = "portal.urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "DIRS": [],
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "portal.core.context.portal",
    ], "builtins": ["portal.core.templatetags.portal_extras"
    ]},
}]
WSGI_APPLICATION = "portal.wsgi.application"
DATABASES = {"default": dj_database_url.config(
    default=f"sqlite:///{DATA_DIR / 'portal.sqlite3'}", conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Many communes saving at once: WAL lets readers go on while one writer commits; a writer waits
    # (busy timeout) instead of failing with "database is locked"; IMMEDIATE takes the write lock when a
    # transaction starts, so two writers never deadlock upgrading a read lock (SQLite's own advice).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "vi"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
WHITENOISE_USE_FINDERS = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Uploads: files go to DVCQ_DATA_DIR/files (outside any web root), never to MEDIA_ROOT.
UPLOAD_MAX_BYTES = int(os.environ.get("DVCQ_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# a body bigger than FILE_UPLOAD_MAX_MEMORY_SIZE is spooled to FILE_UPLOAD_TEMP_DIR (the system's temporary
# folder): SpoolUploadHandler is Django's temporary-file handler that turns a full disk there into a message
FILE_UPLOAD_HANDLERS = ["portal.core.uploads.LimitedUploadHandler",
                        "django.core.files.uploadhandler.MemoryFileUploadHandler",
                        "portal.core.uploads.SpoolUploadHandler"]
DATA_UPLOAD_MAX_NUMBER_FILES = 5          # one form never carries more; Django refuses more with a 400
UPLOAD_MAX_FILES_PER_DOSSIER = int(os.environ.get("DVCQ_UPLOAD_MAX_FILES", 200))

# Warnings for the administrator (a full disk, portal/core/diskfull.py) go to stderr, which gunicorn and
# systemd keep (`journalctl -u dvcq`); Django's own loggers keep their defaults.
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"stderr": {"class": "logging.StreamHandler",
                                   "formatter": "plain"}},
           "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
           "loggers": {"portal": {"handlers": ["stderr"], "level": "WARNING"}}}

# Argon2 (argon2-cffi) for new passwords; PBKDF2 still reads hashes made before it was added.
PASSWORD_HASHERS = ["portal.hashers.PortalArgon2PasswordHasher",
                    "django.contrib.auth.hashers.Argon2PasswordHasher",
                    "django.contrib.auth.hashers.PBKDF2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [{"NAME": "django.contrib.auth.password_validation." + n} for n in (
    "UserAttributeSimilarityValidator", "MinimumLengthValidator", "CommonPasswordValidator",
    "NumericPasswordValidator")]

# Login throttling (django-axes): 5 failures for one account from one address lock that pair for 15
# minutes (a commune's office shares one address: locking by address alone would lock the whole office).
AXES_FAILURE_LIMIT = int(os.environ.get("DVCQ_LOGIN_FAILURES", 5))
AXES_COOLOFF_TIME = float(os.environ.get("DVCQ_LOGIN_COOLOFF_HOURS", 0.25))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "portal/locked.html"
AXES_USERNAME_FORM_FIELD = "username"
# behind our nginx every request comes from 127.0.0.1: the client is the address nginx appended last
AXES_CLIENT_IP_CALLABLE = "portal.clientip.client_ip" if os.environ.get("DVCQ_BEHIND_PROXY") == "1" else None

# Content-Security-Policy (django-csp; Django 5.2 has none of its own): only our own scripts, no
# plugins, no framing; inline style stays allowed for htmx's indicator style and the error pages.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": ["'self'"], "script-src": ["'self'"], "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"], "object-src": ["'none'"], "base-uri": ["'self'"],
    "form-action": ["'self'"], "frame-ancestors": ["'none'"]}}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False              # htmx reads the token from the page, not the cookie
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG and not DEMO:
    # DVCQ_INSECURE_COOKIES=1 only for a plain-HTTP run on loopback (bench/, fault tests)
    SESSION_COOKIE_SECURE = os.environ.get("DVCQ_INSECURE_COOKIES") != "1"
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_HSTS_SECONDS = int(os.environ.get("DVCQ_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("DVCQ_HSTS_SUBDOMAINS", "1") == "1"
    # only allows the domain to be submitted to the browsers' HTTPS-only list; nothing is sent anywhere
    SECURE_HSTS_PRELOAD = os.environ.get("DVCQ_HSTS_PRELOAD", "1") == "1"
    # nginx redirects port 80 itself (docs/portal.md); DVCQ_SSL_REDIRECT=1 makes Django do it as well
    SECURE_SSL_REDIRECT = os.environ.get("DVCQ_SSL_REDIRECT") == "1"
    if os.environ.get("DVCQ_BEHIND_PROXY") == "1":
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
