"""`dvcq score --format xlsx`: the official self-scoring table."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from decimal import Decimal

import pytest

from scoring import api
from scoring.api import score as score_file
from scoring.cli import main
from scoring.evidence import load_evidence
from scoring.render.xlsx import HEADERS, SHEET, render
from scoring.vietnamese import fmt_number
from scoring.workbook.xlsxio import NUMBER_FORMAT

from printtools import pdf_text, to_pdf
from support import QN_SAMPLES, SAMPLES

PHO_VAN = SAMPLES / "quang-ngai" / "pho-van-2023.yaml"


def _sheets(data: bytes):
    from openpyxl import load_workbook

    return (load_workbook(io.BytesIO(data))[SHEET], load_workbook(io.BytesIO(data), data_only=True)[SHEET])


def _rows_by_id(ws) -> dict:
    out = {}
    for r in range(1, ws.max_row + 1):
        v = ws.cell(r, 1).value
        if isinstance(v, str) and v and v not in out:
            out[v] = r
    return out


def _row_with(ws, text: str) -> int:
    for r in range(1, ws.max_row + 1):
        if ws.cell(r, 2).value == text:
            return r
    raise KeyError(text)


def _dec(v) -> Decimal:
    return Decimal(repr(v)) if isinstance(v, float) else Decimal(v)


@pytest.mark.parametrize("sample", QN_SAMPLES, ids=lambda p: p.stem)
def test_table_values_formulas_and_cached_results_agree_with_the_engine(sample):
    result = score_file(sample)
    formulas, values = _sheets(render(result))
    header = next(r for r in range(1, 20) if formulas.cell(r, 1).value == "Tiêu chí")
    assert [formulas.cell(header, c).value for c in range(1, 8)] == HEADERS
    rows = _rows_by_id(formulas)
    for c in result.criteria:
        r = rows[c.id]
        assert str(formulas.cell(r, 5).value).startswith("=SUM(")
        assert _dec(values.cell(r, 5).value) == c.points
        assert _dec(formulas.cell(r, 3).value) == c.max
    for it in result.items:
        r = rows[it.id]
        cell = formulas.cell(r, 5).value
        if it.method == "sum":
            assert str(cell).startswith("=SUM(")  # the sheet adds the parts
        else:
            assert _dec(cell) == it.points  # the engine decided: a value
        assert _dec(values.cell(r, 5).value) == it.points
        other = formulas.cell(r, 6).value  # left for the district's verified score (a sum item adds its parts)
        assert other is None if it.method != "sum" else str(other).startswith('=IF(COUNT(')
        assert formulas.cell(r, 4).value == it.reason
    total = _row_with(formulas, "TỔNG ĐIỂM")
    assert str(formulas.cell(total, 5).value).startswith("=MIN(")
    assert _dec(values.cell(total, 5).value) == result.total
    assert _dec(values.cell(_row_with(formulas, "Cộng điểm các tiêu chí"), 5).value) == result.subtotal
    grade = _row_with(formulas, "XẾP LOẠI")
    assert str(formulas.cell(grade, 4).value).startswith("=IF(")  # follows the total
    assert values.cell(grade, 4).value == result.grade.label
    gap = values.cell(_row_with(formulas, "Khoảng cách tới mức trên"), 4).value
    n = result.grade.next_grade
    assert (gap or "") == ("" if not n else f"Cần thêm {fmt_number(n['points_needed'])} điểm để đạt mức '{n['label']}' "
                                               f"(từ {fmt_number(n['min'])} điểm)" if not n["blocked_by"] else gap)
    assert formulas.cell(total, 5).number_format == NUMBER_FORMAT


def test_header_carries_legal_basis_draft_status_and_signature_lines():
    result = score_file(PHO_VAN)
    formulas, _ = _sheets(render(result))
    texts = [str(c.value) for row in formulas.iter_rows() for c in row if c.value is not None]
    assert any(result.pack["legal_basis"] in t for t in texts)
    assert any(t.startswith("BỘ TIÊU CHÍ DỰ THẢO") for t in texts)
    assert any("trạng thái: dự thảo" in t for t in texts)
    assert "BẢNG TỰ CHẤM ĐIỂM CÔNG TÁC DÂN VẬN CHÍNH QUYỀN NĂM 2023" in texts
    assert "NGƯỜI LẬP BIỂU" in texts and any(t.startswith("TM. ỦY BAN NHÂN DÂN") for t in texts)
    assert any("ngày ….. tháng ….. năm" in t for t in texts)
    assert any(result.evidence["sha256"] in t for t in texts)
    assert int(formulas.page_setup.paperSize) == 9  # A4


def test_verified_mode_fills_the_verified_column(qn_pack):
    result = api.score(PHO_VAN, qn_pack, manual={"TC6.2": (Decimal("2.5"), "mô hình được nhân rộng")})
    formulas, values = _sheets(render(result))
    rows = _rows_by_id(formulas)
    assert _dec(formulas.cell(rows["TC6.2"], 6).value) == Decimal("2.5")
    assert formulas.cell(rows["TC6.2"], 5).value is None
    total = _row_with(formulas, "TỔNG ĐIỂM")
    assert _dec(values.cell(total, 6).value) == result.total
    texts = [str(c.value) for row in formulas.iter_rows() for c in row if c.value is not None]
    assert any(t.startswith("BẢNG ĐIỂM THẨM ĐỊNH") for t in texts) and "NGƯỜI THẨM ĐỊNH" in texts


def test_cli_writes_xlsx_only_to_a_file(tmp_path, runner):
    r = runner.invoke(main, ["score", str(PHO_VAN), "--format", "xlsx"])
    assert r.exit_code == 2 and "-o" in r.stderr
    out = tmp_path / "bang-diem.xlsx"
    r = runner.invoke(main, ["score", str(PHO_VAN), "--format", "xlsx", "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    assert out.read_bytes() == render(score_file(PHO_VAN))  # same input, same bytes


def _without_cached_values(data: bytes) -> bytes:
    """The workbook as if no program had ever computed its formulas."""
    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                body = re.sub(rb'(<c r="[A-Z]+\d+")([^>]*?) t="str"', rb"\1\2", body)
                body = re.sub(rb"(<f>.*?</f>)<v>.*?</v>", rb"\1<v></v>", body)
            dst.writestr(info, body)
    return out.getvalue()


@pytest.mark.parametrize("sample", QN_SAMPLES[:2], ids=lambda p: p.stem)
def test_libreoffice_computes_the_same_totals_from_the_formulas(sample, tmp_path, soffice):
    result = score_file(sample)
    path = tmp_path / "bang-diem.xlsx"
    path.write_bytes(_without_cached_values(render(result)))
    out = to_pdf(soffice, path, tmp_path, "csv:Text - txt - csv (StarCalc):44,34,76,1")
    rows = list(csv.reader(out.read_text(encoding="utf-8").splitlines()))
    by_title = {r[1]: r for r in rows if len(r) > 4}
    assert _shown(by_title["TỔNG ĐIỂM"][4]) == result.total
    assert _shown(by_title["Cộng điểm các tiêu chí"][4]) == result.subtotal
    assert by_title["TỔNG ĐIỂM"][5] == ""  # nothing verified yet: the verified total stays blank
    assert by_title["XẾP LOẠI"][3] == result.grade.label
    assert by_title["Xếp loại theo điểm thẩm định"][3] == ""
    by_id = {r[0]: r for r in rows if r and r[0]}
    for c in result.criteria:
        assert _shown(by_id[c.id][4]) == c.points


def _shown(text: str) -> Decimal:
    """A number as LibreOffice shows it under the sheet's Vietnamese format: "10,5", never "10.5"."""
    assert "." not in text, text
    return Decimal(text.replace(",", "."))


def _recalculated_csv(soffice, path, tmp_path) -> dict:
    out = to_pdf(soffice, path, tmp_path, "csv:Text - txt - csv (StarCalc):44,34,76,1")
    return {r[1]: r for r in csv.reader(out.read_text(encoding="utf-8").splitlines()) if len(r) > 4}


def test_a_verifier_typing_points_sees_the_verified_total_grade_and_gap_follow(tmp_path, soffice):
    """Fill "Điểm thẩm định" as a verifier would (openpyxl, then LibreOffice recalculates on opening)."""
    from openpyxl import load_workbook

    result = score_file(PHO_VAN)
    src = tmp_path / "src.xlsx"
    src.write_bytes(render(result))
    wb = load_workbook(src)
    ws = wb[SHEET]
    rows = _rows_by_id(ws)
    items = [it for it in result.items if it.method != "sum" and it.section == "criteria"]
    # the verifier confirms every self-scored item, then halves one: a decimal total
    for it in items:
        ws.cell(rows[it.id], 6).value = float(it.points)
    for it in result.items:  # the parts of sum items
        if it.method == "sum":
            for k, p in enumerate(it.parts, start=1):
                ws.cell(rows[it.id] + k, 6).value = float(p.points)
    cut = next(it for it in items if it.points >= 1)
    ws.cell(rows[cut.id], 6).value = float(cut.points) - 0.5
    expected = result.total - Decimal("0.5")
    path = tmp_path / "bang-diem.xlsx"
    wb.save(path)
    by_title = _recalculated_csv(soffice, path, tmp_path)
    assert _shown(by_title["TỔNG ĐIỂM"][5]) == expected
    assert by_title["TỔNG ĐIỂM"][5].endswith(",5")
    bands = sorted(result.bands, key=lambda b: b[2], reverse=True)
    blocked = {v.grade for v in result.grade.vetoes if v.holds}
    reached = next(b for b in bands if b[0] not in blocked and expected >= b[2])
    assert by_title["Xếp loại theo điểm thẩm định"][3] == reached[1]
    k = [b[0] for b in bands].index(reached[0])
    gap = by_title["Khoảng cách tới mức trên (theo điểm thẩm định)"][3]
    if k and bands[k - 1][0] not in blocked:
        assert gap == (f"Cần thêm {fmt_number(bands[k - 1][2] - expected)} điểm để đạt mức '{bands[k - 1][1]}' "
                       f"(từ {fmt_number(bands[k - 1][2])} điểm)")
    # the self side is unchanged and LibreOffice agrees with the engine, gap included
    assert by_title["XẾP LOẠI"][3] == result.grade.label
    n = result.grade.next_grade
    if n and not n["blocked_by"]:
        assert by_title["Khoảng cách tới mức trên"][3] == (
            f"Cần thêm {fmt_number(n['points_needed'])} điểm để đạt mức '{n['label']}' (từ {fmt_number(n['min'])} điểm)")


def test_xlsx_converts_to_pdf_with_vietnamese_text(tmp_path, soffice, pdftotext, artifacts):
    result = score_file(PHO_VAN)
    path = tmp_path / "bang-diem.xlsx"
    path.write_bytes(render(result))
    pdf = to_pdf(soffice, path, tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdftotext, pdf)
    flat = " ".join(text.split())
    for phrase in ("BẢNG TỰ CHẤM ĐIỂM CÔNG TÁC DÂN VẬN CHÍNH QUYỀN NĂM 2023", "Căn cứ chấm điểm",
                   "LÃNH ĐẠO, CHỈ ĐẠO", "NGƯỜI LẬP BIỂU", "Không hoàn thành nhiệm vụ", "Quyết định số 1211/QĐ-UBND"):
        assert phrase in flat, phrase
    (artifacts / "bang-diem-pho-van.pdf").write_bytes(pdf.read_bytes())


def test_evidence_workbook_prints_through_libreoffice(tmp_path, soffice, pdftotext, qn_pack):
    from scoring.workbook.writer import build

    path = tmp_path / "phieu.xlsx"
    path.write_bytes(build(qn_pack, load_evidence(PHO_VAN).record))
    flat = " ".join(pdf_text(pdftotext, to_pdf(soffice, path, tmp_path)).split())
    for phrase in ("HỒ SƠ MINH CHỨNG CÔNG TÁC DÂN VẬN CHÍNH QUYỀN", "Phường Phổ Văn", "SỐ LIỆU LÀM MINH CHỨNG",
                   "15/KH-UBND"):
        assert phrase in flat, phrase
