"""The whole round through the Django test client: fill, submit (sealed), return, resubmit, verify,
publish, download — and the download passes `dvcq audit` (through scoring.api) outside the portal."""
from __future__ import annotations

import html as html_mod
import io
import json
import zipfile

import pytest

from scoring import api

from .conftest import close_submissions

pytestmark = pytest.mark.django_db


def _form(client, d):
    """The dossier form as the browser would post it back (every named input with its value)."""
    import re

    html = client.get(f"/ho-so/{d.pk}/").content.decode()
    form = html[html.index('id="ho-so"'):html.index("</form>", html.index('id="ho-so"'))]
    data = {}
    for m in re.finditer(r'<input ([^>]*)>', form):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', m.group(1)))
        if "name" not in attrs:
            continue
        if attrs.get("type") == "checkbox":
            if "checked" in m.group(1):
                data[attrs["name"]] = attrs.get("value", "1")
        else:
            data[attrs["name"]] = html_mod.unescape(attrs.get("value", ""))
    for m in re.finditer(r'<select id="[^"]*" name="([^"]*)">(.*?)</select>', form, re.S):
        sel = re.search(r'<option value="([^"]*)" selected', m.group(2))
        data[m.group(1)] = html_mod.unescape(sel.group(1)) if sel else ""
    for m in re.finditer(r'<textarea [^>]*name="([^"]*)"[^>]*>(.*?)</textarea>', form, re.S):
        data[m.group(1)] = html_mod.unescape(m.group(2))
    return data


def test_clerk_form_round_trips_the_sample_and_scores_like_the_cli(demo, login):
    d = demo["phovan"]
    clerk = login("canbo.phovan")
    data = _form(clerk, d)
    assert data["fact|petitions.settled|num"] == "15" and data["fact|petitions.settled|den"] == "16"
    r = clerk.post(f"/ho-so/{d.pk}/", data, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "đã lưu nháp" in r.content.decode()
    d.refresh_from_db()
    cli = api.score("samples/quang-ngai/pho-van-2023.yaml").to_dict()
    assert cli["total"] == api.score(d.evidence).to_dict()["total"] == 28
    assert "<strong>28</strong> / 100 điểm" in r.content.decode()
    d_facts = d.evidence["facts"]
    assert d_facts["petitions.settled"]["note"].startswith("16 đơn")  # notes written outside the form are kept


def test_core_message_shown_next_to_the_field(demo, login):
    d = demo["phovan"]
    clerk = login("canbo.phovan")
    data = _form(clerk, d)
    data["fact|reception.scheduled_sessions|value"] = "ba"
    r = clerk.post(f"/ho-so/{d.pk}/", data, follow=True)
    html = r.content.decode()
    i = html.index('id="e-receptionscheduled_sessions"')
    block = html[i:html.index("</div>\n  \n", i) if "</div>\n  \n" in html[i:] else i + 4000]
    assert "field-errors" in block and "ba" in block


def test_full_round(demo, login, tmp_path):
    from portal.core.models import Event

    d, rnd = demo["phovan"], demo["round"]
    clerk, leader, verifier = login("canbo.phovan"), login("lanhdao.phovan"), login("thamdinh")
    admin, auditor = login("quantri"), login("kiemtoan")
    data = _form(clerk, d)
    data["explain|TC1.4"] = "Phường chưa tổ chức sơ kết 6 tháng do trùng lịch bầu cử."
    assert clerk.post(f"/ho-so/{d.pk}/", data).status_code == 302
    # the clerk cannot submit; the leader can
    assert clerk.post(f"/ho-so/{d.pk}/nop/").status_code == 403
    r = leader.post(f"/ho-so/{d.pk}/nop/")
    assert r.status_code == 302 and r["Location"].endswith("/bien-nhan/")
    d.refresh_from_db()
    assert d.state == "submitted" and len(d.seal) == 64
    assert d.seal in leader.get(f"/ho-so/{d.pk}/bien-nhan/").content.decode()
    # locked: saving again is refused
    assert clerk.post(f"/ho-so/{d.pk}/", data).status_code == 403
    # the verifier must wait for the deadline
    verifier.post(f"/ho-so/{d.pk}/tra-lai/", {"general": "Thiếu kế hoạch"})
    d.refresh_from_db()
    assert d.state == "submitted"
    close_submissions(rnd)
    r = verifier.post(f"/ho-so/{d.pk}/tham-dinh/", {"kind": "fact", "ident": "petitions.settled", "verified": "14/16",
                                                   "reason": ""}, follow=True)
    assert "phải ghi lý do" in r.content.decode()
    verifier.post(f"/ho-so/{d.pk}/tham-dinh/", {"kind": "fact", "ident": "petitions.settled", "verified": "14/16",
                                               "reason": "Đơn tố cáo chưa có kết luận."})
    page = verifier.get(f"/ho-so/{d.pk}/tham-dinh/").content.decode()
    assert "trùng lịch bầu cử" in page
    assert "dự kiến theo các kết luận" in page and 'class="moved"' in page  # 15/16 → 14/16 moves TC5  # the commune's explanation beside the scores
    verifier.post(f"/ho-so/{d.pk}/tra-lai/", {"general": "Bổ sung báo cáo 6 tháng.", "item": "TC1.5",
                                             "item_reason": "Chưa có số, ngày gửi báo cáo 6 tháng."})
    d.refresh_from_db()
    assert d.state == "returned"
    page = clerk.get(f"/ho-so/{d.pk}/").content.decode()
    assert "Bổ sung báo cáo 6 tháng." in page and "Chưa có số, ngày gửi báo cáo 6 tháng." in page
    data = _form(clerk, d)
    data["document|report.dvcq_6month|number"] = "120/BC-UBND"
    data["document|report.dvcq_6month|sent_on"] = "25/05/2023"
    clerk.post(f"/ho-so/{d.pk}/", data)
    leader.post(f"/ho-so/{d.pk}/nop/")
    d.refresh_from_db()
    assert d.state == "resubmitted" and d.version == 2
    verifier.post(f"/ho-so/{d.pk}/xac-nhan/")
    d.refresh_from_db()
    assert d.state == "verified"
    ver = json.loads(d.verified_json)
    assert ver["findings"][0]["id"] == "petitions.settled"
    r = admin.post(f"/dot/{rnd.pk}/xep-hang/", follow=True)
    assert "Đã công bố" in r.content.decode()
    d.refresh_from_db()
    assert d.state == "published"
    assert "Phường Phổ Văn" in clerk.get(f"/dot/{rnd.pk}/xep-hang/").content.decode()
    assert admin.get(f"/dot/{rnd.pk}/xep-hang.xlsx").status_code == 200
    # the auditor's download passes the audit outside the portal
    z = auditor.get(f"/ho-so/{d.pk}/niem-phong.zip")
    assert z.status_code == 200
    out = tmp_path / "zip"
    zipfile.ZipFile(io.BytesIO(z.content)).extractall(out)
    for name in ("result.json", "verified.json"):
        rep = api.audit(out / name, pack=out / "qd-1211-2022.yaml")
        assert rep.matches, rep.causes()
    actions = list(Event.objects.filter(dossier=d).values_list("action", flat=True))
    for a in ("evidence.save", "submit", "finding.add", "return", "resubmit", "verify", "download"):
        assert a in actions


def test_log_export_is_sealed(demo, login):
    from scoring.render.json import seal_of

    r = login("kiemtoan").get("/nhat-ky.json")
    body = json.loads(r.content)
    assert body["schema"] == "dvcq-events/1" and body["events"]
    assert body["seal"]["value"] == seal_of(body)
    body["events"][0]["detail"] = "sửa"
    assert body["seal"]["value"] != seal_of(body)


def test_events_are_append_only(demo):
    from portal.core.models import AppendOnly, Event

    e = Event.objects.first()
    e.detail = "sửa"
    with pytest.raises(AppendOnly):
        e.save()
    with pytest.raises(AppendOnly):
        e.delete()
    with pytest.raises(AppendOnly):
        Event.objects.all().update(detail="x")
    with pytest.raises(AppendOnly):
        Event.objects.all().delete()


def test_attachment_limits_and_download_is_never_inline(demo, login, settings):
    d = demo["phovan"]
    clerk = login("canbo.phovan")
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.html", b"<script>alert(1)</script>", content_type="text/html")
    r = clerk.post(f"/ho-so/{d.pk}/tep/", {"target": "plan.dvcq_annual", "tep": bad}, follow=True)
    assert "chỉ nhận PDF" in r.content.decode() and not d.attachments.exists()
    fake = SimpleUploadedFile("x.pdf", b"<html>not a pdf", content_type="application/pdf")
    r = clerk.post(f"/ho-so/{d.pk}/tep/", {"target": "plan.dvcq_annual", "tep": fake}, follow=True)
    assert "không đúng loại" in r.content.decode()
    pdf = SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4 minimal", content_type="application/pdf")
    clerk.post(f"/ho-so/{d.pk}/tep/", {"target": "plan.dvcq_annual", "tep": pdf})
    a = d.attachments.get()
    assert a.size == 16 and len(a.sha256) == 64
    assert not str(settings.DATA_DIR).startswith(str(settings.STATIC_ROOT))
    r = clerk.get(f"/ho-so/{d.pk}/tep/{a.pk}/")
    assert r["Content-Disposition"].startswith("attachment") and r["X-Content-Type-Options"] == "nosniff"


def test_xlsx_round_trip(demo, login):
    d = demo["phovan"]
    clerk = login("canbo.phovan")
    r = clerk.get(f"/ho-so/{d.pk}/excel/")
    assert r.status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = dict(d.evidence["facts"])
    up = SimpleUploadedFile("ho-so.xlsx", r.content)
    r = clerk.post(f"/ho-so/{d.pk}/excel/tai-len/", {"tep": up}, follow=True)
    assert "Đã nhận số liệu" in r.content.decode()
    d.refresh_from_db()
    assert d.evidence["facts"]["petitions.settled"]["num"] == before["petitions.settled"]["num"]
    junk = SimpleUploadedFile("rac.xlsx", b"PK\x03\x04 junk")
    r = clerk.post(f"/ho-so/{d.pk}/excel/tai-len/", {"tep": junk}, follow=True)
    assert r.status_code == 200 and "rac.xlsx" in r.content.decode()


def test_item_and_document_findings_match_dvcq_verify(demo, login, tmp_path):
    """Findings of every kind become the review `dvcq verify` reads: the sealed verified result equals
    api.verify on the downloaded evidence and review."""
    d = demo["phovan"]
    login("lanhdao.phovan").post(f"/ho-so/{d.pk}/nop/")
    close_submissions(demo["round"])
    v = login("thamdinh")
    v.post(f"/ho-so/{d.pk}/tham-dinh/", {"kind": "item", "ident": "TC6.2", "points": "1,5",
                                        "reason": "Mô hình có lan tỏa nhưng chưa được công nhận."})
    v.post(f"/ho-so/{d.pk}/tham-dinh/", {"kind": "document", "ident": "plan.dvcq_annual", "accepted": "false",
                                        "reason": "Kế hoạch không kèm bản ký."})
    r = v.post(f"/ho-so/{d.pk}/tham-dinh/", {"kind": "item", "ident": "TC9.9", "points": "1", "reason": "x"},
               follow=True)
    assert "TC9.9" in r.content.decode()  # the core's message: no such item
    assert d.findings.count() == 2
    v.post(f"/ho-so/{d.pk}/xac-nhan/")
    d.refresh_from_db()
    body = json.loads(d.verified_json)
    out = tmp_path / "z"
    zipfile.ZipFile(io.BytesIO(login("kiemtoan").get(f"/ho-so/{d.pk}/niem-phong.zip").content)).extractall(out)
    again = api.verify(out / "evidence.json", out / "review.json", out / "qd-1211-2022.yaml").to_json_dict()
    assert again["total"] == body["total"]
    items = {it["id"]: it for it in body["items"]}
    assert items["TC6.2"]["points"] == 1.5 and items["TC1.1"]["points"] == 0
