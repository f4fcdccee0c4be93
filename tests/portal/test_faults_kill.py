"""SIGKILL of the server in the middle of an upload and of a submission (issue 12), with a real server
process (`dvcq serve`, not demo mode) on loopback. After each kill the server is started again: the
dossier is a draft or fully submitted (its sealed result passes `dvcq audit`), never half; every file
a row names is whole (size and sha256), and no orphan or half-written file or version folder is left.
Runs against DATABASE_URL when it is set (.ci/run: PostgreSQL), else a fresh SQLite file."""
from __future__ import annotations

import hashlib
import http.cookiejar
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a dozen server starts; .ci/run runs it on SQLite and PostgreSQL

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8192  # 2 MB, as in the deadline surge
STATE = r"""
import hashlib, json, os, django
django.setup()
from django.conf import settings
from portal.core.models import Dossier
d = Dossier.objects.get(unit__code="mau-phovan")
files = settings.DATA_DIR / "files"
atts = [{"stored": a.stored, "size": a.size, "sha256": a.sha256} for a in d.attachments.all()]
for a in atts:
    p = files / a["stored"]
    raw = p.read_bytes() if p.is_file() else None
    a["whole"] = raw is not None and len(raw) == a["size"] and hashlib.sha256(raw).hexdigest() == a["sha256"]
folder = settings.DATA_DIR / "dossiers" / str(d.pk)
print(json.dumps({"state": d.state, "version": d.version, "pack": d.round.pack_file, "attachments": atts,
                  "files": sorted(p.name for p in files.iterdir()) if files.is_dir() else [],
                  "versions": sorted(p.name for p in folder.iterdir()) if folder.is_dir() else [],
                  "folder": str(folder)}))
"""
SETUP = r"""
import django
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from portal.core.demo import load_demo
load_demo(n_generated=0)
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str | None:
    url = os.environ.get("DATABASE_URL")
    if not url or not url.startswith("postgres"):
        return None
    import psycopg

    name = f"dvcq_kill_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def env(tmp_path):
    e = {k: v for k, v in os.environ.items() if not k.startswith(("DVCQ_", "DATABASE_URL"))}
    e.update(DJANGO_SETTINGS_MODULE="portal.settings", DVCQ_DATA_DIR=str(tmp_path / "srv"),
             DVCQ_SECRET_KEY=secrets.token_urlsafe(50), DVCQ_INSECURE_COOKIES="1")
    url = _database_url()
    if url:
        e["DATABASE_URL"] = url
    (tmp_path / "srv").mkdir()
    subprocess.run([sys.executable, "-c", SETUP], env=e, check=True, timeout=300)
    return e


def _state(env) -> dict:
    r = subprocess.run([sys.executable, "-c", STATE], env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


class Server:
    def __init__(self, env):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([sys.executable, "-c", "from scoring.cli import main; main()", "serve",
                                      "--port", str(self.port)], env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(self.base + "/dang-nhap/", timeout=2)
                break
            except OSError:
                assert self.proc.poll() is None and time.monotonic() < deadline, "dvcq serve không chạy"
                time.sleep(0.2)
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = self.opener.open(self.base + "/dang-nhap/").read().decode()
        data = urllib.parse.urlencode({"username": "lanhdao.phovan", "password": "dvcq-demo",
                                       "csrfmiddlewaretoken": self.token(page)}).encode()
        home = self.opener.open(urllib.request.Request(self.base + "/dang-nhap/", data=data)).read().decode()
        self.dossier = int(re.search(r'action="/ho-so/(\d+)/"', home).group(1))
        self.page = home

    @staticmethod
    def token(page: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def post(self, path: str, body: bytes, ctype: str):
        req = urllib.request.Request(self.base + path, data=body, headers={"Content-Type": ctype})
        try:
            self.opener.open(req, timeout=60).read()
        except (urllib.error.URLError, ConnectionError, OSError):
            pass  # killed under it

    def upload_body(self) -> tuple[bytes, str]:
        b = "----dvcq" + uuid.uuid4().hex
        parts = [f'--{b}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{self.token(self.page)}',
                 f'--{b}\r\nContent-Disposition: form-data; name="target"\r\n\r\nplan.dvcq_annual']
        head = "\r\n".join(parts) + f'\r\n--{b}\r\nContent-Disposition: form-data; name="tep"; filename="k.pdf"\r\n' \
                                    "Content-Type: application/pdf\r\n\r\n"
        return head.encode() + PDF + f"\r\n--{b}--\r\n".encode(), f"multipart/form-data; boundary={b}"

    def kill_during(self, path: str, body: bytes, ctype: str, delay: float) -> None:
        t = threading.Thread(target=self.post, args=(path, body, ctype))
        t.start()
        time.sleep(delay)
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        t.join(timeout=60)


def _restart(env) -> None:
    srv = Server(env)
    srv.proc.kill()
    srv.proc.wait(timeout=30)


def _consistent(env, st: dict) -> None:
    assert st["state"] in ("draft", "submitted"), st["state"]
    assert all(a["whole"] for a in st["attachments"]), st["attachments"]
    assert sorted(a["stored"] for a in st["attachments"]) == st["files"], "orphan or missing file"
    assert st["versions"] == [f"v{n}" for n in range(1, st["version"] + 1)], "orphan version folder"
    if st["state"] == "submitted":
        folder = Path(st["folder"]) / f"v{st['version']}"
        r = subprocess.run([sys.executable, "-c", "from scoring.cli import main; main()", "audit",
                            str(folder / "result.json"), "--rules", st["pack"]], env=env, capture_output=True,
                           text=True, timeout=120)
        assert r.returncode == 0, r.stdout + r.stderr


def test_sigkill_during_uploads_and_a_submission_leaves_no_half_state(env):
    uploads = 0
    for delay in (0.02, 0.1, 0.25, 0.5):
        srv = Server(env)
        body, ctype = srv.upload_body()
        srv.kill_during(f"/ho-so/{srv.dossier}/tep/", body, ctype, delay)
        _restart(env)  # a restart sweeps what the kill left
        st = _state(env)
        _consistent(env, st)
        uploads = len(st["attachments"])
    submitted_at = None
    for i, delay in enumerate((0.0, 0.05, 0.1, 0.2, 0.35, 0.6, 1.0, 3.0)):
        srv = Server(env)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": srv.token(srv.page)}).encode()
        srv.kill_during(f"/ho-so/{srv.dossier}/nop/", body, "application/x-www-form-urlencoded", delay)
        _restart(env)
        st = _state(env)
        _consistent(env, st)
        assert len(st["attachments"]) == uploads
        if st["state"] == "submitted":
            submitted_at = i
            break
    assert submitted_at is not None, "no submission completed even with 3 s before the kill"
