"""Security settings as behaviour (issue 12): password hashes, login throttling, cookies, CSRF on every
form and every POST, the Content-Security-Policy header, no debug pages and secrets from the
environment outside demo mode, and Django's own deployment check on the production settings."""
from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.urls import get_resolver, reverse

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _env(tmp_path, **extra):
    # a production environment: none of ours, and not the async override the browser tests set
    env = {k: v for k, v in os.environ.items() if not k.startswith("DVCQ_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings", DVCQ_DATA_DIR=str(tmp_path / "d"), **extra)
    return env


def _settings_in_subprocess(tmp_path, expr, **extra) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print({expr})"
    r = subprocess.run([sys.executable, "-c", code], env=_env(tmp_path, **extra), capture_output=True,
                       text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_new_passwords_are_hashed_with_argon2(demo, settings):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import check_password

    from portal import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    u = get_user_model().objects.get(username="canbo.phovan")
    u.set_password("một mật khẩu dài 2026")
    u.save()
    assert u.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert check_password("một mật khẩu dài 2026", u.password)
    assert production.PASSWORD_HASHERS[-1].endswith("PBKDF2PasswordHasher")  # older hashes still read


def test_login_is_throttled_after_repeated_failures(demo, settings, client):
    settings.AXES_ENABLED = True
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        r = client.post(url, {"username": "lanhdao.phovan", "password": "sai-mat-khau"})
        assert r.status_code == 200 and "_auth_user_id" not in client.session
    r = client.post(url, {"username": "lanhdao.phovan", "password": "sai-mat-khau"})
    assert r.status_code == 429  # the failure that reaches the limit locks
    # locked: even the right password is refused, with the Vietnamese page, and no session is opened
    r = client.post(url, {"username": "lanhdao.phovan", "password": PASSWORD})
    assert r.status_code == 429
    assert "Tạm khóa đăng nhập" in r.content.decode()
    assert "_auth_user_id" not in client.session
    # another account from the same address (the commune office) still signs in
    r = client.post(url, {"username": "canbo.phovan", "password": PASSWORD})
    assert r.status_code == 302 and "_auth_user_id" in client.session


def test_session_and_csrf_cookies_outside_demo(demo, client):
    r = client.get(reverse("login"))
    csrf = r.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    r = client.post(reverse("login"), {"username": "canbo.phovan", "password": PASSWORD})
    assert r.status_code == 302
    sess = r.cookies["sessionid"]
    assert sess["secure"] and sess["httponly"] and sess["samesite"] == "Lax"


def _page_forms(html: str):
    return re.findall(r"<form\b([^>]*)>(.*?)</form>", html, flags=re.S | re.I)


def test_every_post_form_carries_a_csrf_token(demo, login):
    from .conftest import close_submissions

    d = demo["phovan"]
    pages = [("canbo.phovan", reverse("dossier", kwargs={"pk": d.pk})),
             ("quantri", reverse("rounds")), ("quantri", reverse("units")),
             ("quantri", reverse("round_edit", kwargs={"rid": demo["round"].pk})),
             ("quantri", reverse("ranking", kwargs={"rid": demo["round"].pk}))]
    login("lanhdao.phovan").post(reverse("submit", kwargs={"pk": d.pk}))
    close_submissions(demo["round"])
    pages.append(("thamdinh", reverse("review", kwargs={"pk": d.pk})))
    seen = 0
    for user, url in pages:
        html = login(user).get(url).content.decode()
        for attrs, body in _page_forms(html):
            if re.search(r'method="post"', attrs, re.I):
                seen += 1
                assert 'name="csrfmiddlewaretoken"' in body, (url, attrs)
    assert seen >= 6
    from django.test import Client

    html = Client().get(reverse("login")).content.decode()
    assert 'name="csrfmiddlewaretoken"' in html


def test_every_post_without_a_csrf_token_is_refused(demo):
    """A signed-in browser tricked into posting from another site: 403 on every URL, before the view."""
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(__import__("django.contrib.auth", fromlist=["get_user_model"]).get_user_model()
                  .objects.get(username="quantri"))
    d, rid = demo["phovan"], demo["round"].pk
    kwargs = {"pk": d.pk, "att": 1, "rid": rid, "fmt": "html", "fid": 1}
    exempt = {"api_score"}  # stateless, no cookie authority: scoring a posted record changes nothing
    checked = 0
    for p in get_resolver().url_patterns:
        name = getattr(p, "name", None)
        if not name or name in exempt:
            continue
        args = {k: kwargs[k] for k in p.pattern.regex.groupindex}
        r = c.post(reverse(name, kwargs=args), {"x": "1"})
        assert r.status_code == 403, (name, r.status_code)
        checked += 1
    assert checked >= 20


def test_pages_send_a_content_security_policy(demo, login):
    r = login("canbo.phovan").get(reverse("dossier", kwargs={"pk": demo["phovan"].pk}))
    csp = r["Content-Security-Policy"]
    directives = dict((part.split(" ", 1) + [""])[:2] for part in csp.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert r["X-Frame-Options"] == "DENY" and r["X-Content-Type-Options"] == "nosniff"


def test_no_template_has_inline_script_the_policy_would_block():
    """script-src 'self' blocks inline handlers and scripts: none may be left in a template."""
    from pathlib import Path

    import portal

    root = Path(portal.__file__).parent / "core" / "templates"
    for t in root.rglob("*.html"):
        text = t.read_text(encoding="utf-8")
        assert not re.search(r"\son[a-z]+=|javascript:|<script(?![^>]*\bsrc=)", text, re.I), t


def test_no_debug_pages_outside_demo(tmp_path, client):
    assert _settings_in_subprocess(tmp_path, "settings.DEBUG") == "False"
    assert _settings_in_subprocess(tmp_path, "settings.DEBUG", DVCQ_DEMO="1") == "True"
    r = client.get("/khong-co-trang-nay/")
    assert r.status_code == 404
    body = r.content.decode()
    assert "URLconf" not in body and "Traceback" not in body and "portal.urls" not in body


def test_the_secret_key_comes_only_from_the_environment(tmp_path):
    key = secrets.token_urlsafe(50)
    assert _settings_in_subprocess(tmp_path, "settings.SECRET_KEY", DVCQ_SECRET_KEY=key) == key
    # without one, every process draws its own (never a key written in the source)
    a = _settings_in_subprocess(tmp_path, "settings.SECRET_KEY")
    b = _settings_in_subprocess(tmp_path, "settings.SECRET_KEY")
    assert a != b and len(a) >= 50


def test_production_settings_pass_djangos_deployment_check(tmp_path):
    env = _env(tmp_path, DVCQ_SECRET_KEY=secrets.token_urlsafe(50), DVCQ_ALLOWED_HOSTS="dvcq.quangngai.gov.vn",
               DVCQ_SSL_REDIRECT="1", DVCQ_BEHIND_PROXY="1")
    r = subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout
