"""Inputs schemathesis found against docs/openapi.yaml (scripts/api-fuzz.sh in .ci/run), kept as tests."""
from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method, path", [
    ("get", "/api/v1/rounds/null%2Cnull/results"),   # a non-numeric id matched no URL: Django's HTML 404
    ("get", "/api/v1/khong-co/"),
    ("put", "/api/v1/score"),                        # wrong method: Django's empty 405
])
def test_api_errors_are_json_as_documented(client, method, path):
    r = getattr(client, method)(path)
    assert r.status_code in (404, 405)
    assert r["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(r.content)
    assert body["problems"][0]["message"]


def test_an_empty_record_is_a_documented_400_in_vietnamese(client):
    r = client.post("/api/v1/score?name=", data="{}", content_type="application/json")
    assert r.status_code == 400 and r["Content-Type"].startswith("application/json")
    fields = {p["field"] for p in json.loads(r.content)["problems"]}
    assert {"ward", "period"} <= fields
