"""The province admin's pages: a round freezes its pack, dates change with an event, units and
accounts come from vietnam-provinces in one step, an API token is shown once; failed logins are logged."""
from __future__ import annotations

import hashlib
import json

import pytest

pytestmark = pytest.mark.django_db


def test_create_round_freezes_the_pack(demo, login, settings):
    from portal.core.models import Event, Round

    admin = login("quantri")
    pack = "rules/quang-ngai/qd-1211-2022.yaml"
    import pathlib

    from scoring import api

    choice = next(e.path for e in api.list_packs().usable if e.path.endswith("qd-1211-2022.yaml"))
    r = admin.post("/quan-tri/dot/", {"name": "Đợt 2024", "pack": choice, "period_year": 2024,
                                      "opens_at": "2024-01-01T00:00", "submission_deadline": "2024-11-30T00:00",
                                      "verification_deadline": "2024-12-31T00:00"})
    assert r.status_code == 302
    rnd = Round.objects.get(name="Đợt 2024")
    frozen = pathlib.Path(rnd.pack_file)
    assert frozen.is_relative_to(settings.DATA_DIR)
    assert hashlib.sha256(frozen.read_bytes()).hexdigest() == rnd.pack_sha256 == \
        hashlib.sha256(pathlib.Path(pack).read_bytes()).hexdigest()
    assert Event.objects.filter(action="round.create", round=rnd).exists()
    bad = admin.post("/quan-tri/dot/", {"name": "x", "pack": choice, "period_year": 2024,
                                        "opens_at": "2024-12-01T00:00", "submission_deadline": "2024-01-01T00:00",
                                        "verification_deadline": "2024-12-31T00:00"})
    assert "phải theo thứ tự" in bad.content.decode()


def test_extend_a_deadline_is_an_event(demo, login):
    from portal.core.models import Event

    rnd = demo["round"]
    r = login("quantri").post(f"/quan-tri/dot/{rnd.pk}/", {
        "opens_at": "2026-01-01T00:00", "submission_deadline": "2030-06-01T00:00",
        "verification_deadline": "2030-07-01T00:00"})
    assert r.status_code == 302
    rnd.refresh_from_db()
    assert rnd.submission_deadline.year == 2030
    assert Event.objects.filter(action="round.extend").exists()


def test_import_units_and_accounts(demo, login):
    from vietnam_provinces import Ward

    from portal.core.models import Dossier, Profile, Unit

    before = Unit.objects.count()
    r = login("quantri").post("/quan-tri/don-vi/", {"round": demo["round"].pk})
    html = r.content.decode()
    official = [w for w in Ward.iter_all() if w.province_code.value == 51]
    codes = {str(w.code.value) for w in official}
    assert set(Unit.objects.filter(source="vietnam-provinces").values_list("code", flat=True)) <= codes
    assert Unit.objects.filter(code__in=codes).count() == len(official)
    added = Unit.objects.count() - before
    assert added > 80 and "mật khẩu chỉ hiện một lần" in html
    u = Unit.objects.get(code=str(official[0].code.value))
    assert Profile.objects.filter(unit=u, role="clerk").exists() and Profile.objects.filter(unit=u, role="leader").exists()
    # the special zone is a unit but no commune-level dossier of this pack
    assert Dossier.objects.filter(round=demo["round"]).exclude(unit__kind="dac_khu").count() == \
        Dossier.objects.filter(round=demo["round"]).count()


def test_api_token_shown_once_and_works(demo, login, client):
    r = login("quantri").post("/quan-tri/dot/", {"token_name": "Hệ thống một cửa"}, follow=True)
    text = r.content.decode()
    key = text.split("(chỉ hiện một lần): ")[1].split("<")[0]
    resp = client.get(f"/api/v1/rounds/{demo['round'].pk}/results", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert resp.status_code == 200 and json.loads(resp.content)["round"]["id"] == demo["round"].pk


def test_failed_login_is_logged(demo, client):
    from portal.core.models import Event

    client.post("/dang-nhap/", {"username": "canbo.phovan", "password": "sai"})
    assert Event.objects.filter(action="login.failed", username="canbo.phovan").exists()
