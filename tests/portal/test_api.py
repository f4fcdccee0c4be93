"""JSON API: stateless scoring equals `dvcq score --format json`; token-protected round results;
every response validates against docs/openapi.yaml."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from scoring.cli import main
from scoring.render.json import dumps

pytestmark = pytest.mark.django_db
SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


@pytest.fixture(scope="module")
def openapi():
    from openapi_core import OpenAPI

    return OpenAPI.from_file_path(str(SPEC))


def _check(openapi, request, response):
    from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

    openapi.validate_response(DjangoOpenAPIRequest(request), DjangoOpenAPIResponse(response))


def _post(client, body: bytes, name="hoso.json"):
    return client.post(f"/api/v1/score?name={name}", body, content_type="application/json")


def test_score_equals_the_cli(client, tmp_path, openapi):
    data = yaml.safe_load(Path("samples/quang-ngai/pho-van-2023.yaml").read_text(encoding="utf-8"))
    text = dumps(data)
    f = tmp_path / "hoso.json"
    f.write_text(text, encoding="utf-8")
    cli = CliRunner().invoke(main, ["score", str(f), "--format", "json"])
    assert cli.exit_code == 0, cli.output
    r = _post(client, text.encode())
    assert r.status_code == 200
    _check(openapi, r.wsgi_request, r)
    got, want = json.loads(r.content), json.loads(cli.output)
    got.pop("seal"), want.pop("seal")
    assert got == want
    from portal.core.models import Dossier, Event

    assert not Event.objects.exists() and not Dossier.objects.exists()  # stores nothing


@pytest.mark.parametrize("body", [b"{not json", b"[1,2]", "\xff".encode("latin-1"), b'{"ward": 5}',
                                  b'{"ward": {"name": "X", "province": "Quang Ngai"}, "period": {"year": 2023}}',
                                  b"[" * 50000 + b"]" * 50000])
def test_bad_input_is_400_in_vietnamese(client, body, openapi):
    r = _post(client, body)
    assert r.status_code == 400
    _check(openapi, r.wsgi_request, r)
    assert json.loads(r.content)["problems"][0]["message"]


def test_round_results_need_a_token(client, demo, openapi):
    from portal.core.models import ApiToken

    rid = demo["round"].pk
    r = client.get(f"/api/v1/rounds/{rid}/results")
    assert r.status_code == 401
    _check(openapi, r.wsgi_request, r)
    r = client.get(f"/api/v1/rounds/{rid}/results", HTTP_AUTHORIZATION="Bearer sai")
    assert r.status_code == 401
    ApiToken.objects.create(name="Cổng dịch vụ công tỉnh", key_sha256=hashlib.sha256(b"k-123").hexdigest())
    r = client.get(f"/api/v1/rounds/{rid}/results", HTTP_AUTHORIZATION="Bearer k-123")
    assert r.status_code == 200
    _check(openapi, r.wsgi_request, r)
    units = {row["unit"] for row in json.loads(r.content)["results"]}
    assert "Phường Phổ Văn" in units and len(units) == 7
    r = client.get("/api/v1/rounds/999/results", HTTP_AUTHORIZATION="Bearer k-123")
    assert r.status_code == 404


def test_openapi_covers_every_api_route():
    """Every /api/ route of the URL conf is a path of docs/openapi.yaml and the other way round."""
    import re

    from django.urls import get_resolver

    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    routes = set()
    for p in get_resolver().url_patterns:
        route = str(p.pattern)
        if route.startswith("api/"):
            routes.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: "{id}" if m.group(1) == "rid" else "{%s}" % m.group(1),
                                    route))
    assert routes and routes == set(spec["paths"]), (routes, set(spec["paths"]))


def test_round_results_carry_the_sealed_totals(client, demo, login, openapi):
    """A submitted dossier reports its sealed self score; a verified one the sealed verified score."""
    from portal.core.models import ApiToken

    from .conftest import close_submissions

    ApiToken.objects.create(name="Hệ thống báo cáo", key_sha256=hashlib.sha256(b"k-9").hexdigest())
    d, other = demo["phovan"], demo["nguyennghiem"]
    login("lanhdao.phovan").post(f"/ho-so/{d.pk}/nop/")
    close_submissions(demo["round"])
    login("thamdinh").post(f"/ho-so/{d.pk}/tham-dinh/", {"kind": "item", "ident": "TC6.2", "points": "1",
                                                         "reason": "Chưa được công nhận."})
    login("thamdinh").post(f"/ho-so/{d.pk}/xac-nhan/")
    d.refresh_from_db()
    r = client.get(f"/api/v1/rounds/{demo['round'].pk}/results", HTTP_AUTHORIZATION="Bearer k-9")
    _check(openapi, r.wsgi_request, r)
    rows = {row["unit"]: row for row in json.loads(r.content)["results"]}
    ver = json.loads(d.verified_json)
    assert rows["Phường Phổ Văn"]["state"] == "verified"
    assert (rows["Phường Phổ Văn"]["total"], rows["Phường Phổ Văn"]["seal"]) == (ver["total"], ver["seal"]["value"])
    assert ver["total"] != json.loads(d.result_json)["total"]     # the verifier's finding moved it
    assert rows[other.unit.name]["total"] is None and rows[other.unit.name]["state"] == "draft"
