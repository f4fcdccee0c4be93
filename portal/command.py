"""`dvcq serve`: migrate, (in demo mode) load the demo data and print the accounts, then serve.

Imported only when the command runs (scoring.cli's LAZY_COMMANDS), so the CLI works without Django."""
from __future__ import annotations

import os

import click


def banner(host: str, port: int, accounts=None, password: str = "", fresh=None, data_dir=None) -> str:
    """What `dvcq serve` prints before serving: where to open the portal and, in demo mode, who can log in
    (the README's first screen sends people here, so the URL and the accounts come first and plain)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    lines = []
    if accounts:
        lines.append(f"Dữ liệu demo {'vừa tạo' if fresh else 'đã có'} trong {data_dir}")
        lines.append(f"Tài khoản demo — mật khẩu chung: {password}")
        w = max(len(u) for u, _, _ in accounts)
        for username, role, unit in accounts:
            lines.append(f"  {username:<{w}}  {role}" + (f" ({unit})" if unit else ""))
    lines.append(f"Mở trình duyệt tại: http://{shown}:{port}/   (dừng: Ctrl+C)")
    return "\n".join(lines)


@click.command()
@click.option("--demo", is_flag=True,
              help="Chế độ demo: CSDL SQLite trong DVCQ_DATA_DIR, dữ liệu mẫu Quảng Ngãi và các tài khoản demo "
                   "(mật khẩu dvcq-demo, chỉ có trong chế độ này).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Địa chỉ lắng nghe (0.0.0.0 để máy khác trong mạng truy cập).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Cổng.")
def serve(demo, host, port):
    """Chạy cổng chấm điểm của tỉnh trên http://HOST:PORT: xã tự chấm, Sở Nội vụ thẩm định, công bố.

    \b
    Thử ngay:   dvcq serve --demo        (hoặc: make serve)
                rồi mở http://127.0.0.1:8000, đăng nhập canbo.phovan / dvcq-demo
    Chạy thật:  DVCQ_SECRET_KEY=… DATABASE_URL=postgres://… DVCQ_DATA_DIR=/srv/dvcq dvcq serve

    Hướng dẫn đầy đủ, danh sách tài khoản demo và biến môi trường: docs/portal.md."""
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

        from portal.core.models import Profile

        out = load_demo()
        units = dict(Profile.objects.filter(unit__isnull=False).values_list("user__username", "unit__name"))
        accounts = [(u, ROLE_LABEL[r], units.get(u)) for u, r, _ in ACCOUNTS]
        click.echo(banner(host, port, accounts, DEMO_PASSWORD, out["fresh"], settings.DATA_DIR))
    else:
        click.echo(banner(host, port))
    if settings.DEBUG:
        call_command("runserver", f"{host}:{port}", use_reloader=False)
    else:
        from wsgiref.simple_server import make_server

        from portal.wsgi import application

        click.echo("(máy chủ đơn giản; dùng gunicorn portal.wsgi cho tải thật)")
        make_server(host, port, application).serve_forever()
