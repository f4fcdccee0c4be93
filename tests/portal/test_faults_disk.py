"""A full disk, for real (issue 12): a 1 MiB tmpfs is mounted as the portal's data folder (uploads,
sealed dossiers) or as the folder Django spools large uploads to, filled up, and the real views are
driven through the test client. The clerk reads a clear message (never a 500), the dossier is
unchanged (no row, no event, no file or temporary file left), and once space is freed the same action
succeeds. test_faults.py keeps the simulated ENOSPC (fsync failing), which runs anywhere.

Mounting needs root (CAP_SYS_ADMIN): elsewhere these tests skip and say why; `.ci/run` sets
DVCQ_REQUIRE_TMPFS=1, which turns that skip into a failure, so there they always run — against
SQLite and against PostgreSQL."""
from __future__ import annotations

import errno
import hashlib
import html
import json
import os
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from .conftest import close_submissions

pytestmark = pytest.mark.django_db
PAGE = os.sysconf("SC_PAGE_SIZE")


class Disk:
    """One mounted tmpfs, and a filler file that takes all its space but what a test leaves free."""

    def __init__(self, root: Path):
        self.root = root
        self.filler = root / "filler.bin"

    def free(self) -> int:
        st = os.statvfs(self.root)
        return st.f_bavail * st.f_frsize

    def fill(self, leave: int = 0) -> None:
        """Write until the disk refuses (ENOSPC), then give back `leave` bytes rounded up to pages."""
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            chunk = b"\0" * (64 * 1024)
            while True:
                try:
                    os.write(fd, chunk)
                except OSError as exc:
                    assert exc.errno == errno.ENOSPC, exc
                    break
        finally:
            os.close(fd)
        assert self.free() == 0
        pages = -(-leave // PAGE)
        held = -(-self.filler.stat().st_size // PAGE)
        assert held > pages, "the tmpfs is too small for this test"
        os.truncate(self.filler, (held - pages) * PAGE)
        assert self.free() == pages * PAGE

    def empty(self) -> None:
        self.filler.unlink()

    def files(self) -> set[str]:
        """Every file on the disk but the filler (a leftover temporary file would show here)."""
        return {str(p.relative_to(self.root)) for p in self.root.rglob("*")
                if p.is_file() and p != self.filler}


def mount_tmpfs(size: str, at: Path) -> Disk:
    """Mount a tmpfs of `size` on the folder `at`; where that is not permitted, skip and say why — or
    fail, under DVCQ_REQUIRE_TMPFS=1 (.ci/run), where these tests must run."""
    at.mkdir(parents=True, exist_ok=True)
    try:
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(at)],
                           capture_output=True, text=True, timeout=30)
        why = r.stderr.strip() or f"exit {r.returncode}"
    except FileNotFoundError:
        r, why = None, "no mount command"
    if r is None or r.returncode != 0:
        reason = f"a real full disk needs a tmpfs, and mounting one is not permitted here ({why}); run as root"
        if os.environ.get("DVCQ_REQUIRE_TMPFS") == "1":
            pytest.fail(reason + " — DVCQ_REQUIRE_TMPFS=1 (.ci/run) requires these tests to run")
        pytest.skip(reason)
    return Disk(at)


def unmount(at: Path) -> None:
    if subprocess.run(["umount", str(at)], capture_output=True).returncode != 0:
        subprocess.run(["umount", "--lazy", str(at)], capture_output=True)


@pytest.fixture
def tmpfs():
    """mount(size, at): a tmpfs of `size` mounted on the folder `at`, unmounted after the test."""
    mounted: list[Path] = []

    def mount(size: str, at: Path) -> Disk:
        disk = mount_tmpfs(size, at)
        mounted.append(at)
        return disk

    try:
        yield mount
    finally:
        for at in reversed(mounted):
            unmount(at)


def test_without_permission_to_mount_the_tests_skip_with_a_reason_unless_required(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no mount command at all: as refused as an unprivileged one
    monkeypatch.delenv("DVCQ_REQUIRE_TMPFS", raising=False)
    with pytest.raises(pytest.skip.Exception, match="mounting one is not permitted here"):
        mount_tmpfs("1m", tmp_path / "disk")
    monkeypatch.setenv("DVCQ_REQUIRE_TMPFS", "1")
    with pytest.raises(pytest.fail.Exception, match="DVCQ_REQUIRE_TMPFS=1"):
        mount_tmpfs("1m", tmp_path / "disk")


@pytest.fixture
def data_disk(tmpfs, settings):
    """The data folder on a 1 MiB tmpfs, mounted before the demo data (the frozen pack) goes in."""
    return tmpfs("1m", Path(settings.DATA_DIR))


def _state(d):
    from portal.core.models import Event

    d.refresh_from_db()
    return {"state": d.state, "version": d.version, "revision": d.revision, "evidence": d.evidence,
            "result": d.result_json, "seal": d.seal, "verified": d.verified_json,
            "attachments": list(d.attachments.values_list("pk", flat=True)),
            "events": list(Event.objects.filter(dossier=d).values_list("pk", "action"))}


def _body(r) -> str:
    """The page the user lands on (a redirect, as after any refused or done action; never a 500)."""
    assert r.status_code == 200 and r.redirect_chain and r.redirect_chain[0][1] == 302, r
    return html.unescape(r.content.decode())


PDF = b"%PDF-1.4\n" + hashlib.sha256(b"dvcq").digest() * 9375  # 300 kB, not compressible by anything


@pytest.mark.parametrize("where", ["data", "spool"])
def test_a_full_disk_refuses_an_upload_with_a_message_and_leaves_the_dossier_unchanged(
        where, tmpfs, data_disk, demo, login, settings, tmp_path, caplog):
    """`data`: the upload is kept in memory and storing it fills the data folder. `spool`: the body is too
    big to keep in memory (the threshold lowered to 64 kB, as a 12 MB body would be in production) and
    the folder Django spools it to (FILE_UPLOAD_TEMP_DIR, its own small disk) fills up first."""
    from portal.core import uploads

    if where == "spool":
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
        disk = tmpfs("1m", tmp_path / "spool")
        settings.FILE_UPLOAD_TEMP_DIR = str(disk.root)
    else:
        disk = data_disk
    d = demo["phovan"]
    clerk = login("canbo.phovan")
    url = reverse("attach", kwargs={"pk": d.pk})
    before, files_before = _state(d), disk.files() | data_disk.files()
    disk.fill(leave=100 * 1024)  # a third of the file fits

    def post():
        return clerk.post(url, {"target": "plan.dvcq_annual",
                                "tep": SimpleUploadedFile("ke-hoach.pdf", PDF, "application/pdf")}, follow=True)

    body = _body(post())
    assert uploads.DISK_FULL in body
    assert "Đã đính kèm" not in body
    assert [r.name for r in caplog.records if "đĩa đầy" in r.getMessage()] == ["portal.disk"]  # for the admin
    assert _state(d) == before  # no Attachment row, no "file.attach" event, revision as it was
    assert disk.files() | data_disk.files() == files_before  # no half-written or temporary file left

    disk.empty()
    body = _body(post())
    assert "Đã đính kèm 'ke-hoach.pdf'" in body
    a = d.attachments.get()
    assert a.sha256 == hashlib.sha256(PDF).hexdigest() and a.size == len(PDF)
    assert (data_disk.root / "files" / a.stored).read_bytes() == PDF
    assert [e for _, e in _state(d)["events"][len(before["events"]):]] == ["file.attach"]
    assert disk.files() | data_disk.files() == files_before | {f"files/{a.stored}"}


def test_a_disk_filling_up_while_sealing_leaves_the_dossier_a_draft(data_disk, demo, login, monkeypatch, caplog):
    """Room for evidence.json but not for result.json: the submission is refused with a message, the
    dossier stays a draft with no version folder, and the same submission succeeds once space is freed
    (its sealed result passes `dvcq audit`)."""
    from scoring import api

    from portal.core import services as S

    d = demo["phovan"]
    written = []  # which files the seal wrote, in order, and whether each was written (the real _write)
    real_write = S._write

    def watched(path, text):
        try:
            real_write(path, text)
        except OSError:
            written.append((path.name, False))
            raise
        written.append((path.name, True))

    monkeypatch.setattr(S, "_write", watched)
    leader = login("lanhdao.phovan")
    url = reverse("submit", kwargs={"pk": d.pk})
    before, files_before = _state(d), data_disk.files()
    data_disk.fill(leave=len(S.dumps(S.with_ward(d, d.evidence)).encode("utf-8")))

    body = _body(leader.post(url, follow=True))
    assert written == [("evidence.json", True), ("result.json", False)]
    assert "Máy chủ hết chỗ lưu trữ nên chưa nộp được hồ sơ; hồ sơ giữ nguyên như trước khi bấm nộp" in body
    assert "đĩa đầy khi nộp hồ sơ: " + str(data_disk.root / "dossiers" / str(d.pk) / "v1" / "result.json") \
        in caplog.text
    assert _state(d) == before and before["state"] == "draft" and not before["result"]
    assert data_disk.files() == files_before  # neither evidence.json nor a half-written result.json

    data_disk.empty()
    written.clear()
    r = leader.post(url, follow=True)
    assert r.redirect_chain[-1][0] == reverse("receipt", kwargs={"pk": d.pk})
    assert [n for n, ok in written if ok] == ["evidence.json", "result.json", "explanations.json"]
    after = _state(d)
    assert after["state"] == "submitted" and after["version"] == 1
    folder = data_disk.root / "dossiers" / str(d.pk) / "v1"
    result = folder / "result.json"
    assert result.read_text(encoding="utf-8") == after["result"] + "\n"
    assert json.loads(after["result"])["seal"]["value"] == after["seal"]
    assert api.audit(result, evidence=folder / "evidence.json", pack=d.round.pack_file).matches


def test_a_full_disk_while_confirming_or_publishing_keeps_everything_as_it_was(data_disk, demo, login):
    """The verifier's confirmation writes review.json and verified.json into the sealed version's folder:
    on a full disk neither is left behind, the submitted files are untouched, and it succeeds later.
    Publishing writes the round's ranking files: on a full disk the round stays unpublished, no half
    ranking is left, and it succeeds later."""
    d = demo["phovan"]
    assert "/bien-nhan/" in login("lanhdao.phovan").post(reverse("submit", kwargs={"pk": d.pk}), follow=True
                                                          ).redirect_chain[-1][0]
    close_submissions(demo["round"])
    verifier = login("thamdinh")
    url = reverse("verify", kwargs={"pk": d.pk})
    before, files_before = _state(d), data_disk.files()
    sealed = {p: (data_disk.root / p).read_bytes() for p in files_before if p.startswith("dossiers/")}
    data_disk.fill()

    body = _body(verifier.post(url, {"revision": before["revision"]}, follow=True))
    assert "Máy chủ hết chỗ lưu trữ nên chưa xác nhận được kết quả thẩm định" in body
    assert _state(d) == before and before["state"] == "submitted"
    assert data_disk.files() == files_before
    assert {p: (data_disk.root / p).read_bytes() for p in sealed} == sealed

    data_disk.empty()
    _body(verifier.post(url, {"revision": before["revision"]}, follow=True))
    after = _state(d)
    assert after["state"] == "verified" and after["verified"]
    assert {"dossiers/%d/v1/review.json" % d.pk, "dossiers/%d/v1/verified.json" % d.pk} <= data_disk.files()

    rnd, admin = demo["round"], login("quantri")
    url, files_before = reverse("ranking", kwargs={"rid": rnd.pk}), data_disk.files()
    data_disk.fill()
    body = _body(admin.post(url, follow=True))
    assert "Máy chủ hết chỗ lưu trữ nên chưa công bố được xếp hạng; đợt đánh giá và các hồ sơ giữ nguyên" in body
    rnd.refresh_from_db()
    assert not rnd.published_at and not rnd.ranking_json and _state(d) == after
    assert data_disk.files() == files_before  # no half ranking under rounds/

    data_disk.empty()
    assert "Đã công bố kết quả xếp hạng." in _body(admin.post(url, follow=True))
    rnd.refresh_from_db()
    assert rnd.published_at and _state(d)["state"] == "published"
    assert (data_disk.root / "rounds" / str(rnd.pk) / "xep-hang.xlsx").is_file()


def test_a_full_temporary_folder_refuses_an_excel_import_with_a_message(tmpfs, demo, login, monkeypatch, tmp_path):
    """The entry workbook is read from a temporary folder (the system's, here a full tmpfs): a message,
    the evidence unchanged, nothing left behind; with space again the same workbook is taken."""
    import tempfile

    from portal.core import uploads

    d = demo["phovan"]
    clerk = login("canbo.phovan")
    workbook = clerk.get(reverse("xlsx", kwargs={"pk": d.pk})).content
    disk = tmpfs("1m", tmp_path / "systmp")
    monkeypatch.setattr(tempfile, "tempdir", str(disk.root))
    before = _state(d)
    disk.fill()

    def post():
        return clerk.post(reverse("xlsx_upload", kwargs={"pk": d.pk}),
                          {"tep": SimpleUploadedFile("ho-so.xlsx", workbook)}, follow=True)

    assert uploads.DISK_FULL in _body(post())
    assert _state(d) == before and disk.files() == set()
    disk.empty()
    assert "Đã nhận số liệu từ tệp Excel 'ho-so.xlsx'" in _body(post())
    assert [e for _, e in _state(d)["events"][len(before["events"]):]] == ["evidence.save"]
    assert disk.files() == set()
