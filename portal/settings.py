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
    "portal.core",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
AUTHENTICATION_BACKENDS = ["rules.permissions.ObjectPermissionBackend", "django.contrib.auth.backends.ModelBackend"]
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
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
if not DEBUG and not DEMO:
    SESSION_COOKIE_SECURE = os.environ.get("DVCQ_INSECURE_COOKIES") != "1"
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
