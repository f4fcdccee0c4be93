"""WSGI entry for a production server (gunicorn portal.wsgi)."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
application = get_wsgi_application()

from portal.settings import require_production_key  # noqa: E402

require_production_key()
