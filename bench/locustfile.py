"""Locust users for bench/portal_load.py (issue 12): loopback only, every loop bounded.

FormUser: a commune clerk editing the evidence form: each change is saved through htmx and the live
score panel comes back (the portal's heaviest routine request), and the page is read now and then.
SurgeUser: a commune leader on deadline day: signs in, attaches a 2 MB PDF, submits, stops.
Accounts: bench.NNN (clerks) / truong.NNN (leaders), password in DVCQ_BENCH_PASSWORD."""
from __future__ import annotations

import os
import re
from html.parser import HTMLParser

from locust import HttpUser, between, events, task
from locust.exception import StopUser

PASSWORD = os.environ.get("DVCQ_BENCH_PASSWORD", "bench-dvcq-2026")
N = int(os.environ.get("DVCQ_BENCH_UNITS", 300))
MAX_LOOPS = int(os.environ.get("DVCQ_BENCH_MAX_LOOPS", 400))
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8192  # 2 MB
_next = {"form": 0, "surge": 0}


@events.test_start.add_listener
def _loopback_only(environment, **kw):
    host = environment.host or ""
    if not re.match(r"^http://(127\.0\.0\.1|localhost)(:\d+)?/?$", host):
        raise SystemExit(f"bench: loopback only, not {host!r}")


class _Form(HTMLParser):
    """The dossier form's fields as the browser would post them."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "file", "button"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields[name] = a.get("value", "on")
            else:
                self.fields[name] = a.get("value", "")
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def _login(user, username):
    page = user.client.get("/dang-nhap/", name="/dang-nhap/").text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    with user.client.post("/dang-nhap/", {"username": username, "password": PASSWORD,
                                          "csrfmiddlewaretoken": token}, name="/dang-nhap/ POST",
                          catch_response=True) as r:
        m = re.search(r'action="/ho-so/(\d+)/"', r.text)
        if not m:
            r.failure(f"{username}: không vào được hồ sơ")
            raise StopUser()
        return int(m.group(1)), r.text


class FormUser(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        i = _next["form"] % N
        _next["form"] += 1
        self.pk, page = _login(self, f"bench.{i:03d}")
        form = _Form()
        form.feed(page[page.index('id="ho-so"') - 20:])
        self.fields = form.fields
        self.count_fields = [k for k in self.fields if k.startswith("fact|") and k.endswith("|value")
                             and re.fullmatch(r"\d+", self.fields[k] or "")]
        self.loops = 0

    @task(4)
    def save_and_score(self):
        self._bound()
        data = dict(self.fields)
        if self.count_fields:  # a clerk changes one number
            k = self.count_fields[self.loops % len(self.count_fields)]
            data[k] = str(int(self.fields[k]) + self.loops % 3)
        with self.client.post(f"/ho-so/{self.pk}/", data, headers={"HX-Request": "true"}, name="/ho-so/N/ (lưu + điểm)",
                              catch_response=True) as r:
            if r.status_code != 200 or 'id="diem"' not in r.text:
                r.failure(f"lưu nháp: {r.status_code}")

    @task(1)
    def read(self):
        self._bound()
        self.client.get(f"/ho-so/{self.pk}/", name="/ho-so/N/ (xem)")

    def _bound(self):
        self.loops += 1
        if self.loops > MAX_LOOPS:
            raise StopUser()


class SurgeUser(HttpUser):
    wait_time = between(0, 0.5)

    @task
    def submit(self):
        i = _next["surge"]
        _next["surge"] += 1
        if i >= N:
            raise StopUser()
        pk, page = _login(self, f"truong.{i:03d}")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        with self.client.post(f"/ho-so/{pk}/tep/", {"target": "plan.dvcq_annual", "csrfmiddlewaretoken": token},
                              files={"tep": ("ke-hoach.pdf", PDF, "application/pdf")}, name="/ho-so/N/tep/ (2 MB)",
                              catch_response=True) as r:
            if "Đã đính kèm" not in r.text:
                r.failure("đính kèm không được nhận")
        with self.client.post(f"/ho-so/{pk}/nop/", {"csrfmiddlewaretoken": token}, name="/ho-so/N/nop/",
                              catch_response=True) as r:
            if "/bien-nhan/" not in r.url:
                r.failure("nộp không thành công")
        raise StopUser()
