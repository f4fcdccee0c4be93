"""`dvcq serve`: migrate, (in demo mode) load the demo data and print the accounts, then serve.

Imported only when the command runs (scoring.cli's LAZY_COMMANDS), so the CLI works without Django."""
from __future__ import annotations

import os

import click


@click.command()
@click.option("--demo", is_flag=True, help="Chế độ demo: SQLite, dữ liệu mẫu, tài khoản demo (mật khẩu dvcq-demo).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Địa chỉ lắng nghe.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Cổng.")
def serve(demo, host, port):
    """Chạy cổng chấm điểm của tỉnh (Django) trên http://HOST:PORT.

    Cấu hình thật qua biến môi trường: DATABASE_URL, DVCQ_SECRET_KEY, DVCQ_DATA_DIR (xem docs/portal.md)."""
    if demo:
        os.environ["DVCQ_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    try:
        import django
    except ImportError:
        from scoring.errors import UsageError

        raise UsageError.one("chưa cài phần cổng web: pip install 'dvcq[portal]'")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.conf import settings

        from portal.settings import require_production_key

        require_production_key()
        settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
        django.setup()
    except ImproperlyConfigured as exc:
        from scoring.errors import UsageError

        raise UsageError.one(str(exc))
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    from portal.core.recovery import sweep

    sweep(min_age=0)  # one process serves: whatever a killed run left half done is an orphan
    if settings.DEMO:
        from portal.core.demo import ACCOUNTS, DEMO_PASSWORD, load_demo
        from portal.core.models import ROLE_LABEL

        out = load_demo()
        click.echo("Dữ liệu demo: " + ("vừa tạo" if out["fresh"] else "đã có") + f" trong {settings.DATA_DIR}")
        click.echo(f"Tài khoản demo (mật khẩu {DEMO_PASSWORD}):")
        for username, role, _ in ACCOUNTS:
            click.echo(f"  {username:<20} {ROLE_LABEL[role]}")
    click.echo(f"Cổng chấm điểm: http://{host}:{port}/")
    if settings.DEBUG:
        call_command("runserver", f"{host}:{port}", use_reloader=False)
    else:
        from wsgiref.simple_server import make_server

        from portal.wsgi import application

        click.echo("(máy chủ đơn giản; dùng gunicorn portal.wsgi cho tải thật)")
        make_server(host, port, application).serve_forever()
