"""The access matrix (PORTAL.md): every URL pattern × every role and anonymous, GET and POST.

Each pattern is filled with the ids of the Phổ Văn dossier (own unit for the Phổ Văn accounts, another
unit for canbo.nguyennghiem); a refusal on another unit's object is a 404; no URL answers 500, also
with guessed ids and garbage posted to every form."""
from __future__ import annotations

import pytest
from django.urls import get_resolver

pytestmark = pytest.mark.django_db

ACCOUNTS = [None, "canbo.phovan", "lanhdao.phovan", "canbo.nguyennghiem", "thamdinh", "quantri", "kiemtoan"]
OK, DENIED, HIDDEN, LOGIN = "ok", "denied", "hidden", "login"

# name → {account: expected for GET}; `None` = anonymous. ok = 200 (or a redirect inside the portal)
PAGES = {
    "home": {None: LOGIN, "*": OK},
    "dossiers": {None: LOGIN, "*": OK},
    "dossier": {None: LOGIN, "canbo.nguyennghiem": HIDDEN, "*": OK},
    "xlsx": {None: LOGIN, "canbo.nguyennghiem": HIDDEN, "*": OK},
    "receipt": {None: LOGIN, "canbo.nguyennghiem": HIDDEN, "*": OK},
    "review": {None: LOGIN, "canbo.nguyennghiem": HIDDEN, "canbo.phovan": HIDDEN, "lanhdao.phovan": HIDDEN, "*": OK},
    "zip": {None: LOGIN, "canbo.nguyennghiem": HIDDEN, "*": OK},
    "table": {None: LOGIN, "canbo.nguyennghiem": HIDDEN, "*": OK},
    "attachment": {None: LOGIN, "canbo.nguyennghiem": HIDDEN, "*": OK},
    "events": {None: LOGIN, "*": OK},
    "events_export": {None: LOGIN, "canbo.phovan": DENIED, "lanhdao.phovan": DENIED, "canbo.nguyennghiem": DENIED,
                      "*": OK},
    "rounds": {None: LOGIN, "quantri": OK, "*": DENIED},
    "round_edit": {None: LOGIN, "quantri": OK, "*": DENIED},
    "units": {None: LOGIN, "quantri": OK, "*": DENIED},
    "accounts": {None: LOGIN, "quantri": OK, "*": DENIED},
    "password_change": {None: LOGIN, "*": OK},
    "password_change_done": {None: LOGIN, "*": OK},
    "ranking": {None: LOGIN, "quantri": OK, "*": HIDDEN},          # before publication
    "ranking_file": {None: LOGIN, "*": HIDDEN},                    # before publication
    "api_results": {"*": "unauthorized"},
}
# POST-only actions on the (submitted, after deadline) dossier
ACTIONS = {
    "dossier": {"canbo.phovan": DENIED, "lanhdao.phovan": DENIED},      # locked after submission
    "attach": {"canbo.phovan": DENIED, "lanhdao.phovan": DENIED},
    "xlsx_upload": {"canbo.phovan": DENIED, "lanhdao.phovan": DENIED},
    "submit": {"canbo.phovan": DENIED, "lanhdao.phovan": DENIED},
    "return": {"thamdinh": OK},
    "verify": {"thamdinh": OK},
    "finding": {"thamdinh": OK},
}
SKIP = {"login", "logout", "api_score"}  # public by design: covered in test_api.py


def _names():
    return sorted({p.name for p in get_resolver().url_patterns if getattr(p, "name", None)})


@pytest.fixture
def world(demo, login, tmp_path):
    """Phổ Văn submitted with one attachment, then the submission deadline passed."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from .conftest import close_submissions

    d = demo["phovan"]
    clerk = login("canbo.phovan")
    clerk.post(f"/ho-so/{d.pk}/tep/", {"target": "plan.dvcq_annual",
                                       "tep": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")})
    login("lanhdao.phovan").post(f"/ho-so/{d.pk}/nop/")
    d.refresh_from_db()
    assert d.state == "submitted"
    close_submissions(demo["round"])
    login("thamdinh").post(f"/ho-so/{d.pk}/tham-dinh/", {"kind": "fact", "ident": "petitions.settled",
                                                         "verified": "14/16", "reason": "Thiếu kết luận."})
    return {"d": d, "att": d.attachments.get(), "finding": d.findings.get()}


def _url(name, w):
    from django.urls import reverse

    d = w["d"]
    kw = {"dossier": {"pk": d.pk}, "xlsx": {"pk": d.pk}, "receipt": {"pk": d.pk}, "review": {"pk": d.pk},
          "zip": {"pk": d.pk}, "table": {"pk": d.pk, "fmt": "html"}, "attachment": {"pk": d.pk, "att": w["att"].pk},
          "attach": {"pk": d.pk}, "xlsx_upload": {"pk": d.pk}, "submit": {"pk": d.pk}, "return": {"pk": d.pk},
          "verify": {"pk": d.pk}, "finding": {"pk": d.pk, "fid": w["finding"].pk}, "round_edit": {"rid": d.round_id}, "ranking": {"rid": d.round_id},
          "ranking_file": {"rid": d.round_id, "fmt": "xlsx"}, "api_results": {"rid": d.round_id}}.get(name, {})
    return reverse(name, kwargs=kw)


def _client(login, account):
    from django.test import Client

    return Client() if account is None else login(account)


def _outcome(r) -> str:
    if r.status_code in (200, 302) and not (r.status_code == 302 and "/dang-nhap/" in r["Location"]):
        return OK
    if r.status_code == 302:
        return LOGIN
    return {403: DENIED, 404: HIDDEN, 401: "unauthorized"}.get(r.status_code, str(r.status_code))


def test_every_url_pattern_is_in_the_matrix():
    names = set(_names()) - SKIP
    covered = set(PAGES) | set(ACTIONS)
    assert names <= covered, f"URL chưa có trong ma trận quyền: {sorted(names - covered)}"


@pytest.mark.parametrize("account", ACCOUNTS)
def test_matrix(world, login, account):
    """GET every page, then POST every action (one world per account: the setup is the slow part)."""
    _get_matrix(world, login, account)
    _post_matrix(world, login, account)


def _get_matrix(world, login, account):
    c = _client(login, account)
    wrong = []
    for name, exp in PAGES.items():
        want = exp.get(account, exp.get("*"))
        got = _outcome(c.get(_url(name, world)))
        if got != want:
            wrong.append(f"{name}: {got} ≠ {want}")
    assert not wrong, f"{account}: " + "; ".join(wrong)


def _post_matrix(world, login, account):
    """Every POST action: anonymous → login; another unit → 404; otherwise refused unless allowed."""
    c = _client(login, account)
    wrong = []
    for name in ("attach", "xlsx_upload", "submit", "dossier"):
        exp = ACTIONS[name]
        want = LOGIN if account is None else exp.get(account, HIDDEN if account == "canbo.nguyennghiem" else DENIED)
        got = _outcome(c.post(_url(name, world), {}))
        if got != want:
            wrong.append(f"{name}: {got} ≠ {want}")
    for name in ("finding", "return", "verify"):  # the verifier's own (they change state): the others only
        if account == "thamdinh":
            continue
        want = LOGIN if account is None else HIDDEN if account == "canbo.nguyennghiem" else DENIED
        got = _outcome(c.post(_url(name, world), {"general": "x", "action": "remove", "why": "x"}))
        if got != want:
            wrong.append(f"{name}: {got} ≠ {want}")
    for name in ("rounds", "units", "accounts", "ranking"):
        want = LOGIN if account is None else OK if account == "quantri" else \
            (HIDDEN if name == "ranking" else DENIED)
        if account == "quantri":
            continue  # admin POSTs are exercised in test_workflow / test_garbage
        got = _outcome(c.post(_url(name, world), {}))
        if got != want:
            wrong.append(f"{name}: {got} ≠ {want}")
    world["d"].refresh_from_db()
    assert world["d"].state == "submitted" and world["d"].findings.count() == 1
    assert not wrong, f"{account}: " + "; ".join(wrong)


def test_id_guessing_never_leaks(world, login):
    other = login("canbo.nguyennghiem")
    d = world["d"]
    for pk in (d.pk, d.pk + 1000, 0, 999999):
        for path in (f"/ho-so/{pk}/", f"/ho-so/{pk}/excel/", f"/ho-so/{pk}/niem-phong.zip",
                     f"/ho-so/{pk}/tep/{world['att'].pk}/", f"/ho-so/{pk}/bien-nhan/"):
            r = other.get(path)
            assert r.status_code == 404, (path, r.status_code)
    # own dossier, another dossier's attachment id → 404
    own = __import__("portal.core.models", fromlist=["Dossier"]).Dossier.objects.get(unit__code="mau-nguyennghiem")
    assert other.get(f"/ho-so/{own.pk}/tep/{world['att'].pk}/").status_code == 404
    assert other.get(f"/ho-so/{own.pk}/").status_code == 200


def test_garbage_to_every_form_never_500(world, login):
    """Every POST route with junk fields, a huge value and a wrong file, as each province role and the owner."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    junk = {"kind": "xx", "ident": "\x00" * 3, "verified": "a/b/c", "points": "NaN", "reason": "r" * 5000,
            "general": "", "target": "../../etc/passwd", "round": "abc", "name": "", "pack": "/etc/passwd",
            "period_year": "-1", "opens_at": "hôm qua", "fact|petitions.settled|num": "1e9999",
            "fact|petitions.settled|den": "-3", "document|plan.dvcq_annual|issued_on": "31/02/2023",
            "explain|TC1.1": "x" * 10000}
    # the owner's draft form with garbage (another dossier, still open)
    from portal.core.models import Dossier

    d2 = Dossier.objects.get(unit__code="mau-nguyennghiem")
    d2.state = "returned"
    d2.save()
    r = login("canbo.nguyennghiem").post(f"/ho-so/{d2.pk}/", junk, follow=True)
    assert r.status_code == 200 and "field-errors" in r.content.decode()
    names = ["dossier", "attach", "xlsx_upload", "submit", "review", "finding", "return", "verify", "rounds",
             "round_edit", "units", "accounts", "password_change", "ranking"]
    for account in ("canbo.nguyennghiem", "lanhdao.phovan", "thamdinh", "quantri"):
        c = login(account)
        for name in names:
            data = dict(junk, tep=SimpleUploadedFile("x.xlsx", b"\x00garbage"))
            r = c.post(_url(name, world), data)
            assert r.status_code < 500, (account, name, r.status_code)
