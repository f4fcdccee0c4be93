"""Issue 14 / PORTAL.md gaps: publishing only a finished round, the round's dates (before opening,
late submission, after publication), findings edited and removed with reasons, every sealed version kept,
accounts (own password, admin reset and deactivation), the ranking for anonymous visitors as the province
decides."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from .conftest import close_submissions

pytestmark = pytest.mark.django_db


def _submitted_and_closed(demo, login):
    d = demo["phovan"]
    login("lanhdao.phovan").post(f"/ho-so/{d.pk}/nop/")
    close_submissions(demo["round"])
    d.refresh_from_db()
    assert d.state == "submitted"
    return d


def test_publish_refused_while_a_dossier_is_in_review_and_lists_it(demo, login):
    from portal.core.models import Event

    d = _submitted_and_closed(demo, login)
    admin, rnd = login("quantri"), demo["round"]
    page = admin.get(f"/dot/{rnd.pk}/xep-hang/").content.decode()
    assert "Chưa công bố được" in page and "Phường Phổ Văn — Đã nộp" in page
    r = admin.post(f"/dot/{rnd.pk}/xep-hang/", follow=True)
    text = r.content.decode()
    assert "chưa công bố được" in text and "Phường Phổ Văn (Đã nộp)" in text
    rnd.refresh_from_db()
    assert rnd.published_at is None and not Event.objects.filter(action="publish").exists()
    login("thamdinh").post(f"/ho-so/{d.pk}/xac-nhan/")
    r = admin.post(f"/dot/{rnd.pk}/xep-hang/", follow=True)
    text = r.content.decode()
    assert "Đã công bố" in text and "Đơn vị chưa nộp (không xếp hạng)" in text and "Phường Nguyễn Nghiêm" in text
    ev = Event.objects.get(action="publish")
    assert "Phường Nguyễn Nghiêm" in ev.detail and "chưa nộp" in ev.detail


def test_published_ranking_for_every_role_and_anonymous_only_when_the_province_decides(demo, login, client):
    from portal.core.models import Event

    d = _submitted_and_closed(demo, login)
    login("thamdinh").post(f"/ho-so/{d.pk}/xac-nhan/")
    rnd = demo["round"]
    admin = login("quantri")
    admin.post(f"/dot/{rnd.pk}/xep-hang/")
    for acc in ("canbo.phovan", "lanhdao.phovan", "canbo.nguyennghiem", "thamdinh", "quantri", "kiemtoan"):
        assert "Phường Phổ Văn" in login(acc).get(f"/dot/{rnd.pk}/xep-hang/").content.decode(), acc
    r = client.get(f"/dot/{rnd.pk}/xep-hang/")
    assert r.status_code == 302 and "/dang-nhap/" in r["Location"]           # default: off
    assert client.get(f"/dot/{rnd.pk}/xep-hang.xlsx").status_code == 302
    admin.post("/quan-tri/dot/", {"public_ranking": "1"})
    assert Event.objects.filter(action="province.settings").exists()
    r = client.get(f"/dot/{rnd.pk}/xep-hang/")
    assert r.status_code == 200 and "Phường Phổ Văn" in r.content.decode()
    assert client.get(f"/dot/{rnd.pk}/xep-hang.xlsx").status_code == 200
    assert client.post(f"/dot/{rnd.pk}/xep-hang/").status_code == 403        # reading only
    admin.post("/quan-tri/dot/", {"public_ranking": "0"})
    assert client.get(f"/dot/{rnd.pk}/xep-hang/").status_code == 302
    # after publication everything is read-only: no date change
    r = admin.post(f"/quan-tri/dot/{rnd.pk}/", {"opens_at": "2026-01-01T00:00", "submission_deadline": "2031-06-01T00:00",
                                                "verification_deadline": "2031-07-01T00:00"}, follow=True)
    rnd.refresh_from_db()
    assert rnd.submission_deadline.year != 2031 and "chỉ còn để đọc" in r.content.decode()
    other = demo["nguyennghiem"]
    assert login("canbo.nguyennghiem").post(f"/ho-so/{other.pk}/", {}).status_code == 403
    page = login("lanhdao.phovan").get(f"/ho-so/{other.pk}/")  # another unit: hidden
    assert page.status_code == 404
    page = login("canbo.nguyennghiem").get(f"/ho-so/{other.pk}/").content.decode()
    assert "chỉ đọc" in page and "gia hạn" not in page and "Lưu nháp" not in page


def test_a_public_round_never_shows_an_unpublished_ranking(demo, login, client):
    from portal.core.models import Province

    Province.objects.update(public_ranking=True)
    r = client.get(f"/dot/{demo['round'].pk}/xep-hang/")
    assert r.status_code == 302 and "/dang-nhap/" in r["Location"]
    assert client.get("/dot/999999/xep-hang/").status_code == 302


def test_before_opening_nothing_is_editable_nor_submittable(demo, login):
    rnd, d = demo["round"], demo["phovan"]
    rnd.opens_at = timezone.now() + timedelta(days=2)
    rnd.save()
    clerk, leader = login("canbo.phovan"), login("lanhdao.phovan")
    page = clerk.get(f"/ho-so/{d.pk}/").content.decode()
    assert "Đợt đánh giá chưa mở" in page and "Lưu nháp" not in page
    assert clerk.post(f"/ho-so/{d.pk}/", {}).status_code == 403
    assert leader.post(f"/ho-so/{d.pk}/nop/").status_code == 403
    d.refresh_from_db()
    assert d.state == "draft"


def test_late_submission_refused_naming_the_deadline_and_the_admin_until_extended(demo, login):
    from portal.core.models import Event

    rnd, d = demo["round"], demo["phovan"]
    close_submissions(rnd)
    leader = login("lanhdao.phovan")
    page = leader.get(f"/ho-so/{d.pk}/").content.decode()
    deadline = timezone.localtime(rnd.submission_deadline).strftime("%d/%m/%Y %H:%M")
    assert "Không nộp được" in page and deadline in page and "quantri" in page and "Nộp hồ sơ</button>" not in page
    r = leader.post(f"/ho-so/{d.pk}/nop/", follow=True)
    text = r.content.decode()
    assert f"đã quá hạn nộp ({deadline})" in text and "quantri" in text and "gia hạn" in text
    d.refresh_from_db()
    assert d.state == "draft" and d.version == 0
    # the admin extends the deadline (an event): the leader can submit again
    login("quantri").post(f"/quan-tri/dot/{rnd.pk}/", {
        "opens_at": "2020-01-01T00:00", "submission_deadline": (timezone.localtime() + timedelta(days=3)).strftime(
            "%Y-%m-%dT%H:%M"), "verification_deadline": "2031-01-01T00:00"})
    assert Event.objects.filter(action="round.extend").exists()
    leader.post(f"/ho-so/{d.pk}/nop/")
    d.refresh_from_db()
    assert d.state == "submitted" and not d.late


def test_late_submission_follows_the_packs_ruling_when_the_core_gives_one(demo, login, monkeypatch):
    """Where the core's result carries an ineligibility entry, the late dossier is accepted and marked."""
    from scoring import api

    from portal.core import services

    real = api.score

    def ruled(*a, **kw):
        res = real(*a, **kw)

        class R:
            def to_dict(self):
                body = res.to_dict()
                return dict(body, warnings_data=body["warnings_data"] + [
                    {"code": "ineligible", "rule": "late", "reason": "nộp sau hạn"}])
        return R()
    monkeypatch.setattr(services.api, "score", ruled)
    rnd, d = demo["round"], demo["phovan"]
    close_submissions(rnd)
    login("lanhdao.phovan").post(f"/ho-so/{d.pk}/nop/")
    d.refresh_from_db()
    assert d.state == "submitted" and d.late
    assert "nộp muộn" in login("canbo.phovan").get(f"/ho-so/{d.pk}/").content.decode()


def test_findings_edited_and_removed_with_reasons_before_verifying(demo, login):
    import json

    from portal.core.models import Event

    d = _submitted_and_closed(demo, login)
    v = login("thamdinh")
    v.post(f"/ho-so/{d.pk}/tham-dinh/", {"kind": "fact", "ident": "petitions.settled", "verified": "14/16",
                                        "reason": "Đơn tố cáo chưa có kết luận."})
    v.post(f"/ho-so/{d.pk}/tham-dinh/", {"kind": "item", "ident": "TC6.2", "points": "1", "reason": "Chưa lan tỏa."})
    f1, f2 = d.findings.order_by("id")
    page = v.get(f"/ho-so/{d.pk}/tham-dinh/").content.decode()
    assert 'value="14/16"' in page and "Sửa hoặc xóa kết luận" in page and "công nhận 14/16 —" in page
    # a reason for the change is required
    r = v.post(f"/ho-so/{d.pk}/ket-luan/{f1.pk}/", {"action": "edit", "verified": "13/16", "reason": "x", "why": ""},
               follow=True)
    assert "phải ghi lý do sửa" in r.content.decode()
    # the core refuses what does not fit the record, and nothing changes
    r = v.post(f"/ho-so/{d.pk}/ket-luan/{f1.pk}/", {"action": "edit", "verified": "20/16", "reason": "x", "why": "y"},
               follow=True)
    f1.refresh_from_db()
    assert f1.verified == {"num": 14, "den": 16} and "Đã sửa" not in r.content.decode()
    v.post(f"/ho-so/{d.pk}/ket-luan/{f1.pk}/", {"action": "edit", "verified": "13/16", "why": "Đếm lại hồ sơ gốc.",
                                               "reason": "Hai đơn chưa có kết luận."})
    f1.refresh_from_db()
    assert f1.verified == {"num": 13, "den": 16} and f1.reason == "Hai đơn chưa có kết luận."
    e = Event.objects.get(action="finding.edit")
    assert "Đếm lại hồ sơ gốc." in e.detail and "14" in e.detail and "13" in e.detail
    r = v.post(f"/ho-so/{d.pk}/ket-luan/{f2.pk}/", {"action": "remove", "why": ""}, follow=True)
    assert "phải ghi lý do xóa" in r.content.decode() and d.findings.count() == 2
    v.post(f"/ho-so/{d.pk}/ket-luan/{f2.pk}/", {"action": "remove", "why": "Ghi nhầm nội dung."})
    assert d.findings.count() == 1
    assert "Ghi nhầm nội dung." in Event.objects.get(action="finding.remove").detail
    # another dossier's finding id → 404; after verifying, findings are frozen
    other = demo["nguyennghiem"]
    assert v.post(f"/ho-so/{other.pk}/ket-luan/{f1.pk}/", {"action": "remove", "why": "x"}).status_code in (403, 404)
    v.post(f"/ho-so/{d.pk}/xac-nhan/")
    d.refresh_from_db()
    assert json.loads(d.verified_json)["findings"][0]["verified"]["num"] == 13
    assert v.post(f"/ho-so/{d.pk}/ket-luan/{f1.pk}/", {"action": "remove", "why": "x"}).status_code == 403
    assert d.findings.count() == 1


def test_returning_keeps_every_version_and_every_reason(demo, login):
    from .test_workflow import _form

    d = _submitted_and_closed(demo, login)
    clerk, leader, v = login("canbo.phovan"), login("lanhdao.phovan"), login("thamdinh")
    first_seal = d.seal
    v.post(f"/ho-so/{d.pk}/tra-lai/", {"general": "Bổ sung lần một.", "item": "TC1.5", "item_reason": "Thiếu số."})
    page = clerk.get(f"/ho-so/{d.pk}/").content.decode()
    assert 'id="ly-do-tc15"' in page and "Thiếu số." in page and 'href="#ly-do-tc15"' in page
    data = _form(clerk, d)
    data["fact|reception.dialogues|value"] = "2"
    clerk.post(f"/ho-so/{d.pk}/", data)
    leader.post(f"/ho-so/{d.pk}/nop/")
    v.post(f"/ho-so/{d.pk}/tra-lai/", {"general": "Bổ sung lần hai."})
    leader.post(f"/ho-so/{d.pk}/nop/")
    d.refresh_from_db()
    assert d.version == 3 and d.state == "resubmitted"
    for page in (clerk.get(f"/ho-so/{d.pk}/").content.decode(), v.get(f"/ho-so/{d.pk}/tham-dinh/").content.decode()):
        assert first_seal in page and d.seal in page and "Lần nộp 1: Bổ sung lần một." in page
        assert "Lần nộp 2: Bổ sung lần hai." in page and "Thiếu số." in page
    from portal.core import services

    vs = services.versions(d)
    assert [x["version"] for x in vs] == [1, 2, 3] and vs[0]["seal"] == first_seal and vs[2]["current"]


def test_own_password_change_and_admin_reset_and_deactivate(demo, login):
    from django.test import Client

    from portal.core.models import Event

    clerk = login("canbo.phovan")
    r = clerk.post("/tai-khoan/mat-khau/", {"old_password": "sai", "new_password1": "x", "new_password2": "x"})
    assert r.status_code == 200 and "field-errors" in r.content.decode()
    r = clerk.post("/tai-khoan/mat-khau/", {"old_password": "dvcq-demo", "new_password1": "Hoa-sen-2026!",
                                            "new_password2": "Hoa-sen-2026!"})
    assert r.status_code == 302 and r["Location"].endswith("/tai-khoan/mat-khau/xong/")
    assert clerk.get("/ho-so/").status_code == 200                       # the session survives
    assert Client().login(username="canbo.phovan", password="Hoa-sen-2026!")
    assert Event.objects.filter(action="account.password", username="canbo.phovan").exists()
    admin = login("quantri")
    from django.contrib.auth import get_user_model

    u = get_user_model().objects.get(username="canbo.phovan")
    page = admin.post("/quan-tri/tai-khoan/", {"user": u.pk, "action": "reset"}).content.decode()
    new = page.split("(chỉ hiện một lần): <code class=\"nb\">")[1].split("<")[0]
    assert Client().login(username="canbo.phovan", password=new)
    admin.post("/quan-tri/tai-khoan/", {"user": u.pk, "action": "deactivate"})
    assert not Client().login(username="canbo.phovan", password=new)
    assert clerk.get("/ho-so/").status_code == 302                       # its open session ends too
    admin.post("/quan-tri/tai-khoan/", {"user": u.pk, "action": "activate"})
    assert Client().login(username="canbo.phovan", password=new)
    acts = set(Event.objects.values_list("action", flat=True))
    assert {"account.reset", "account.deactivate", "account.activate"} <= acts
    me = get_user_model().objects.get(username="quantri")
    admin.post("/quan-tri/tai-khoan/", {"user": me.pk, "action": "deactivate"})
    me.refresh_from_db()
    assert me.is_active
