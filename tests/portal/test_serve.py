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
