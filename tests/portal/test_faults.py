"""Faults (issue 12): two verifiers on one dossier (optimistic locking), and a full disk during an upload."""
from __future__ import annotations

import errno

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from .conftest import PASSWORD, close_submissions

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(demo, login):
    from django.contrib.auth import get_user_model

    from portal.core.models import Profile

    d = demo["phovan"]
    login("lanhdao.phovan").post(reverse("submit", kwargs={"pk": d.pk}))
    close_submissions(demo["round"])
    u = get_user_model().objects.create_user("thamdinh2", password=PASSWORD)
    Profile.objects.create(user=u, role="verifier")
    d.refresh_from_db()
    assert d.state == "submitted"
    return d


def _revision_on_page(html: str) -> int:
    import re

    revs = set(re.findall(r'name="revision" value="(\d+)"', html))
    assert len(revs) == 1, revs
    return int(revs.pop())


def test_the_second_verifier_saving_from_a_stale_page_is_refused(submitted, login):
    d = submitted
    a, b = login("thamdinh"), login("thamdinh2")
    url = reverse("review", kwargs={"pk": d.pk})
    rev_a = _revision_on_page(a.get(url).content.decode())
    rev_b = _revision_on_page(b.get(url).content.decode())
    assert rev_a == rev_b == d.revision
    r = a.post(url, {"kind": "document", "ident": "plan.dvcq_annual", "accepted": "false",
                     "reason": "không có chữ ký", "revision": rev_a}, follow=True)
    assert "Đã ghi kết luận" in r.content.decode()
    # B still looks at the page drawn before A's finding: returning the dossier now is refused
    r = b.post(reverse("return", kwargs={"pk": d.pk}), {"general": "thiếu hồ sơ", "revision": rev_b}, follow=True)
    body = r.content.decode()
    assert "vừa được người khác thay đổi (thamdinh, ghi kết luận)" in body
    d.refresh_from_db()
    assert d.state == "submitted" and d.return_reasons == {}
    # confirming from the stale page is refused too; nothing sealed
    b.post(reverse("verify", kwargs={"pk": d.pk}), {"revision": rev_b})
    d.refresh_from_db()
    assert d.state == "submitted" and not d.verified_json
    # after reloading, B sees A's finding and can act
    rev_now = _revision_on_page(b.get(url).content.decode())
    assert rev_now > rev_b
    b.post(reverse("return", kwargs={"pk": d.pk}), {"general": "thiếu hồ sơ", "revision": rev_now})
    d.refresh_from_db()
    assert d.state == "returned"


def test_a_full_disk_during_an_upload_leaves_the_dossier_unchanged(demo, login, settings, monkeypatch):
    from portal.core import uploads
    from portal.core.models import Event

    d = demo["phovan"]
    before = (d.revision, d.evidence, Event.objects.count())

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(uploads.os, "fsync", full)
    r = login("canbo.phovan").post(reverse("attach", kwargs={"pk": d.pk}), {
        "target": "plan.dvcq_annual", "tep": SimpleUploadedFile("a.pdf", b"%PDF-1.4 " + b"x" * 5000)}, follow=True)
    assert "Máy chủ hết chỗ lưu tệp; tệp chưa được nhận, hồ sơ không thay đổi" in r.content.decode()
    d.refresh_from_db()
    assert (d.revision, d.evidence, Event.objects.count()) == before
    assert not d.attachments.exists()
    assert list((settings.DATA_DIR / "files").iterdir()) == []  # the half-written file is gone
