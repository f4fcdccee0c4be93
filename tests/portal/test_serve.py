"""`dvcq serve --demo` on an empty data folder: migrates, loads the demo, prints the accounts, serves;
a demo account logs in. A subprocess, as a person runs it (`make serve` runs exactly this command)."""
from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow  # ~10–20 s of process start; .ci/run runs it after `make test`
def test_serve_demo_starts_and_a_demo_account_logs_in(tmp_path):
    port = _free_port()
    env = dict(os.environ, DVCQ_DATA_DIR=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="portal.settings")
    env.pop("DVCQ_SECRET_KEY", None)
    proc = subprocess.Popen([sys.executable, "-c", "from scoring.cli import main; main()", "serve", "--demo",
                             "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base + "/dang-nhap/", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("dvcq serve không chạy: " + (proc.stdout.read() if proc.poll() is not None else ""))
                time.sleep(0.3)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(base + "/dang-nhap/").read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"username": "canbo.phovan", "password": "dvcq-demo",
                                       "csrfmiddlewaretoken": token}).encode()
        req = urllib.request.Request(base + "/dang-nhap/", data=data, headers={"Referer": base + "/dang-nhap/"})
        home = opener.open(req).read().decode()
        assert "Phường Phổ Văn" in home and "Điểm tự chấm" in home
        assert (tmp_path / "data" / "portal.sqlite3").is_file()
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    for account in ("canbo.phovan", "lanhdao.phovan", "canbo.nguyennghiem", "thamdinh", "quantri", "kiemtoan"):
        assert account in out
    assert "dvcq-demo" in out and f"http://127.0.0.1:{port}/" in out


def test_serve_outside_demo_needs_a_secret_key(tmp_path):
    env = dict(os.environ, DVCQ_DATA_DIR=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="portal.settings")
    env.pop("DVCQ_SECRET_KEY", None)
    env.pop("DVCQ_DEMO", None)
    r = subprocess.run([sys.executable, "-c", "from scoring.cli import main; main()", "serve", "--port", "1"],
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "DVCQ_SECRET_KEY" in r.stderr + r.stdout


def test_serve_help_teaches_and_the_banner_lists_url_and_accounts(db):
    """The cheap half of the slow test above: `dvcq serve --help` and what serve prints (in the default suite)."""
    from click.testing import CliRunner

    from portal.command import banner
    from portal.core.demo import ACCOUNTS, DEMO_PASSWORD, load_demo
    from portal.core.models import ROLE_LABEL, Profile
    from scoring.cli import main

    r = CliRunner().invoke(main, ["serve", "--help"])
    assert r.exit_code == 0
    for text in ("dvcq serve --demo", "make serve", "http://127.0.0.1:8000", "canbo.phovan", "dvcq-demo",
                 "DVCQ_SECRET_KEY", "DATABASE_URL", "docs/portal.md"):
        assert text in r.output, text
    load_demo(n_generated=1)
    units = dict(Profile.objects.filter(unit__isnull=False).values_list("user__username", "unit__name"))
    text = banner("0.0.0.0", 8000, [(u, ROLE_LABEL[ro], units.get(u)) for u, ro, _ in ACCOUNTS], DEMO_PASSWORD,
                  True, "/tmp/x")
    assert "Mở trình duyệt tại: http://127.0.0.1:8000/" in text and "mật khẩu chung: dvcq-demo" in text
    assert "canbo.phovan" in text and "Cán bộ xã (Phường Phổ Văn)" in text and "kiemtoan" in text
    assert banner("127.0.0.1", 8001).endswith("http://127.0.0.1:8001/   (dừng: Ctrl+C)")
