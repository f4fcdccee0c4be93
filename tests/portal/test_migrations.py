"""Migrations (issue 12): an empty database migrates to the latest schema, and a database holding the
previous release's data (schema 0001) is carried forward without losing a row, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = [("portal", "0001_initial")]


def _migrate(targets):
    ex = MigrationExecutor(connection)
    ex.loader.build_graph()
    ex.migrate(targets)
    ex.loader.build_graph()
    return ex.loader.project_state(targets).apps


def _latest():
    ex = MigrationExecutor(connection)
    return ex.loader.graph.leaf_nodes()


def test_an_empty_database_migrates_to_the_latest_schema():
    from django.core.management import call_command

    call_command("migrate", "portal", "zero", verbosity=0, interactive=False)  # nothing of the portal's
    with connection.cursor() as cur:
        assert "portal_dossier" not in connection.introspection.table_names(cur)
    call_command("migrate", verbosity=0, interactive=False)
    call_command("makemigrations", "portal", "--check", "--dry-run", verbosity=0)  # models == migrations
    with connection.cursor() as cur:
        tables = connection.introspection.table_names(cur)
    assert {"portal_dossier", "portal_event", "portal_attachment", "axes_accessattempt"} <= set(tables)


def test_the_previous_releases_data_survives_the_upgrade():
    from django.utils import timezone

    old = _migrate(FIRST)
    User = old.get_model("auth", "User")
    P, U, R, D, E = (old.get_model("portal", n) for n in ("Province", "Unit", "Round", "Dossier", "Event"))
    now = timezone.now()
    prov = P.objects.create(name="Quảng Ngãi", code="51")
    unit = U.objects.create(province=prov, name="Phường Phổ Văn", code="mau-phovan", kind="phuong",
                            source="samples/quang-ngai")
    rnd = R.objects.create(province=prov, name="Đợt 2023", pack_id="qd-1211-2022", pack_file="/x.yaml",
                           pack_sha256="0" * 64, period_year=2023, opens_at=now, submission_deadline=now,
                           verification_deadline=now)
    d = D.objects.create(unit=unit, round=rnd, state="submitted", evidence={"facts": {"a": 1}}, version=1,
                         seal="s" * 64, result_json='{"total": "91.5"}')
    User.objects.create(username="canbo.phovan")
    E.objects.create(at=now, action="submit", dossier=d, detail="lần nộp 1")

    new = _migrate(_latest())
    D2 = new.get_model("portal", "Dossier")
    got = D2.objects.get(pk=d.pk)
    assert (got.state, got.evidence, got.version, got.seal, got.result_json) == (
        "submitted", {"facts": {"a": 1}}, 1, "s" * 64, '{"total": "91.5"}')
    assert got.revision == 0
    assert new.get_model("portal", "Event").objects.filter(dossier_id=d.pk, action="submit").count() == 1
    U2 = new.get_model("portal", "Unit")
    long_source = "samples/quang-ngai/pho-van-2023.yaml + vietnam-provinces"
    U2.objects.filter(pk=unit.pk).update(source=long_source)  # the new width holds the demo's source
    assert U2.objects.get(pk=unit.pk).source == long_source
