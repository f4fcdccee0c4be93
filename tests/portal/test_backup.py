"""`dvcq backup` / `dvcq restore` (issue 12): an archive of a running portal restores into an empty
data folder and an empty database, and every sealed result there still passes `dvcq audit`."""
from __future__ import annotations

import tarfile

import pytest
from click.testing import CliRunner
from django.urls import reverse

from scoring.cli import main

from .conftest import close_submissions

pytestmark = pytest.mark.django_db(transaction=True)


def _audit(path, pack):
    return CliRunner().invoke(main, ["audit", str(path), "--rules", str(pack)])


def test_backup_then_restore_into_an_empty_folder_keeps_every_seal(demo, login, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from portal.core.models import Attachment, Dossier, Event, Round

    d = demo["phovan"]
    login("canbo.phovan").post(reverse("attach", kwargs={"pk": d.pk}), {
        "target": "plan.dvcq_annual", "tep": SimpleUploadedFile("kh.pdf", b"%PDF-1.4 ke hoach")})
    login("lanhdao.phovan").post(reverse("submit", kwargs={"pk": d.pk}))
    close_submissions(demo["round"])
    v = login("thamdinh")
    v.post(reverse("review", kwargs={"pk": d.pk}), {"kind": "document", "ident": "plan.dvcq_annual",
                                                     "accepted": "false", "reason": "không có chữ ký"})
    v.post(reverse("verify", kwargs={"pk": d.pk}))
    d.refresh_from_db()
    assert d.state == "verified"
    counts = (Dossier.objects.count(), Event.objects.count(), Attachment.objects.count())

    archive = tmp_path / "sao-luu" / "dvcq.tar.gz"
    r = CliRunner().invoke(main, ["backup", str(archive)])
    assert r.exit_code == 0, r.output
    assert "Đã sao lưu" in r.output
    # never over an existing file
    r = CliRunner().invoke(main, ["backup", str(archive)])
    assert r.exit_code == 2 and "không ghi đè" in r.output

    # a new machine: empty database, empty data folder
    call_command("flush", interactive=False, verbosity=0)
    settings.DATA_DIR = tmp_path / "moi"
    settings.DATA_DIR.mkdir()
    r = CliRunner().invoke(main, ["restore", str(archive)])
    assert r.exit_code == 0, r.output
    assert (Dossier.objects.count(), Event.objects.count(), Attachment.objects.count()) == counts
    sealed = 0
    for dd in Dossier.objects.exclude(version=0):
        folder = settings.DATA_DIR / "dossiers" / str(dd.pk) / f"v{dd.version}"
        pack = dd.round.pack_file
        assert pack.startswith(str(settings.DATA_DIR))
        for name in ("result.json", "verified.json"):
            if (folder / name).is_file():
                res = _audit(folder / name, pack)
                assert res.exit_code == 0, res.output
                sealed += 1
    assert sealed == 2
    a = Attachment.objects.get()
    assert (settings.DATA_DIR / "files" / a.stored).read_bytes() == b"%PDF-1.4 ke hoach"
    # the restored portal serves the restored dossier
    assert login("canbo.phovan").get(reverse("dossier", kwargs={"pk": d.pk})).status_code == 200
    # and a second restore over it is refused, changing nothing
    r = CliRunner().invoke(main, ["restore", str(archive)])
    assert r.exit_code == 2 and "thư mục trống" in r.output


def test_a_tampered_archive_is_refused_before_anything_is_written(db, settings, tmp_path):
    import io

    archive = tmp_path / "a.tar.gz"
    assert CliRunner().invoke(main, ["backup", str(archive)]).exit_code == 0
    bad = tmp_path / "b.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(bad, "w:gz") as dst:
        for m in src.getmembers():
            raw = src.extractfile(m).read()
            if m.name == "db.json":
                raw = raw.replace(b"[", b"[ ", 1)
                m.size = len(raw)
            dst.addfile(m, io.BytesIO(raw))
    settings.DATA_DIR = tmp_path / "moi"
    r = CliRunner().invoke(main, ["restore", str(bad)])
    assert r.exit_code == 2 and "db.json" in r.output and "sha256" in r.output
    assert not (tmp_path / "moi").exists() or not any((tmp_path / "moi").iterdir())
