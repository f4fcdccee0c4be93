"""Uploads and id guessing (issue 12): limits before anything is stored, type by content, names never
paths, zip and entity bombs refused in bounded time and memory, nothing served inline, and another
commune's dossiers, files and results unreachable by any id (404)."""
from __future__ import annotations

import io
import random
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
CT = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '</Types>')


def _post(client, d, name, raw, target="plan.dvcq_annual"):
    return client.post(f"/ho-so/{d.pk}/tep/", {"target": target, "tep": SimpleUploadedFile(name, raw)}, follow=True)


def _stored(settings):
    folder = settings.DATA_DIR / "files"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def _office(parts: dict[str, bytes | int]) -> bytes:
    """A zip laid out like an Office file; an int part is that many zero bytes, streamed in."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            if isinstance(data, int):
                with z.open(name, "w", force_zip64=True) as fh:
                    chunk = b"\x00" * (1 << 20)
                    for _ in range(data >> 20):
                        fh.write(chunk)
            else:
                z.writestr(name, data)
    return buf.getvalue()


def test_an_oversized_file_is_dropped_while_it_streams_in(demo, login, settings):
    settings.UPLOAD_MAX_BYTES = 4096
    d = demo["phovan"]
    r = _post(login("canbo.phovan"), d, "lon.pdf", PDF + b"0" * 10_000)
    assert "Tệp &#x27;lon.pdf&#x27; quá lớn (tối đa 4096 byte)" in r.content.decode()  # said by the handler
    assert not d.attachments.exists() and _stored(settings) == []


def test_the_number_of_files_per_dossier_is_limited(demo, login, settings):
    settings.UPLOAD_MAX_FILES_PER_DOSSIER = 2
    d, c = demo["phovan"], login("canbo.phovan")
    for i in range(2):
        _post(c, d, f"{i}.pdf", PDF)
    r = _post(c, d, "thua.pdf", PDF)
    assert "tối đa 2" in r.content.decode()
    assert d.attachments.count() == 2 and len(_stored(settings)) == 2


@pytest.mark.parametrize("name, raw, why", [
    ("anh.pdf", PNG, "nội dung là ảnh PNG"),                       # right type, wrong name
    ("trang.html", b"<html><script>alert(1)</script></html>", "chỉ nhận PDF"),
    ("hinh.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "chỉ nhận PDF"),
    ("hinh.svg", PNG, "nội dung là ảnh PNG"),
    ("zip.docx", _office({"a.txt": b"x"}), "chỉ nhận PDF"),           # a zip, not an Office file
])
def test_type_is_read_from_the_content_not_the_name(demo, login, settings, name, raw, why):
    d = demo["phovan"]
    r = _post(login("canbo.phovan"), d, name, raw)
    assert why in r.content.decode()
    assert not d.attachments.exists() and _stored(settings) == []


def test_a_file_name_is_never_a_path(demo, login, settings):
    d, c = demo["phovan"], login("canbo.phovan")
    _post(c, d, "../../../../tmp/..\\bao-cao.pdf", PDF)
    a = d.attachments.get()
    assert a.filename == "bao-cao.pdf"
    assert _stored(settings) == [a.stored] and len(a.stored) == 32 and a.stored.isalnum()
    r = c.get(reverse("attachment", kwargs={"pk": d.pk, "att": a.pk}))
    assert r["Content-Disposition"] == 'attachment; filename="bao-cao.pdf"'


def test_a_zip_bomb_is_refused_in_bounded_time(demo, login, settings):
    """150 MB of zeros in a 150 KB .xlsx: refused from the zip's directory, never inflated."""
    bomb = _office({"[Content_Types].xml": CT, "xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": 150 << 20})
    assert len(bomb) < 1 << 20
    d, c = demo["phovan"], login("canbo.phovan")
    r = _post(c, d, "bom.xlsx", bomb)
    assert "giải nén quá lớn" in r.content.decode() and "tệp .xlsx" in r.content.decode()
    assert not d.attachments.exists() and _stored(settings) == []
    # the same file offered as the evidence workbook is refused before openpyxl opens it
    ev = dict(d.evidence)
    r = c.post(f"/ho-so/{d.pk}/excel/tai-len/", {"tep": SimpleUploadedFile("bom.xlsx", bomb)}, follow=True)
    assert "giải nén quá lớn" in r.content.decode()
    d.refresh_from_db()
    assert d.evidence == ev


def test_an_xml_entity_bomb_is_refused(demo, login, settings):
    lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
           + ']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           '<w:body><w:p>&lol9;</w:p></w:body></w:document>')
    bomb = _office({"[Content_Types].xml": CT, "word/document.xml": lol.encode()})
    d = demo["phovan"]
    r = _post(login("canbo.phovan"), d, "bao-cao.docx", bomb)
    assert "DTD" in r.content.decode()
    assert not d.attachments.exists() and _stored(settings) == []


def test_a_stored_file_is_never_served_inline(demo, login):
    """Even a row that claims text/html (an older version, a hand edit) downloads as an attachment in a
    sandbox with no script."""
    d, c = demo["phovan"], login("canbo.phovan")
    _post(c, d, "a.pdf", PDF)
    a = d.attachments.get()
    type(a).objects.filter(pk=a.pk).update(content_type="text/html", filename="trang.html")
    r = c.get(reverse("attachment", kwargs={"pk": d.pk, "att": a.pk}))
    assert r["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in r["Content-Security-Policy"] and r["X-Content-Type-Options"] == "nosniff"


def test_guessed_ids_of_another_communes_objects_are_404(demo, login):
    """Nguyễn Nghiêm's clerk walks every dossier id in order and random ones: only its own
    dossier answers; Phổ Văn's files, results and tables are 404 by their own ids and by its own."""
    from portal.core.models import Dossier

    own = demo["nguyennghiem"]
    other = demo["phovan"]
    _post(login("canbo.phovan"), other, "a.pdf", PDF)
    login("lanhdao.phovan").post(reverse("submit", kwargs={"pk": other.pk}))
    att = other.attachments.get()
    c = login("canbo.nguyennghiem")
    top = Dossier.objects.order_by("-pk").first().pk
    rng = random.Random(12)
    ids = list(range(0, top + 20)) + [rng.randrange(1, 2**62) for _ in range(40)]
    for pk in ids:
        expected = 200 if pk == own.pk else 404
        assert c.get(reverse("dossier", kwargs={"pk": pk})).status_code == expected, pk
        if pk != own.pk and (pk % 4 == 0 or pk == other.pk):
            for name in ("receipt", "zip", "xlsx"):
                assert c.get(reverse(name, kwargs={"pk": pk})).status_code == 404, (name, pk)
    for pk in (other.pk, own.pk):
        for aid in range(0, att.pk + 5):
            assert c.get(reverse("attachment", kwargs={"pk": pk, "att": aid})).status_code == 404
    assert c.get(reverse("table", kwargs={"pk": other.pk, "fmt": "html"})).status_code == 404
    assert c.get(reverse("table", kwargs={"pk": other.pk, "fmt": "xlsx"})).status_code == 404
