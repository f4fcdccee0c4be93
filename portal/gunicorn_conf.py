"""gunicorn settings for the portal (docs/portal.md): `gunicorn -c python:portal.gunicorn_conf portal.wsgi`.

The master sweeps what a killed run left half done (portal/core/recovery.py) before forking workers."""
import multiprocessing
import os

bind = os.environ.get("DVCQ_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("DVCQ_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("DVCQ_THREADS", 2))
timeout = 120                   # a deadline surge: scoring plus a 10 MB upload on a slow line
graceful_timeout = 30
max_requests = 2000             # recycle workers now and then
max_requests_jitter = 200
forwarded_allow_ips = "127.0.0.1"


def on_starting(server):
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    from portal.core.recovery import sweep

    removed = sweep(min_age=0)
    server.log.info("dvcq: dọn dẹp sau lần dừng trước: %s", removed)
