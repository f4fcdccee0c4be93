"""A clerk's mistakes in a filled template come back naming the sheet, the cell and the problem."""
from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from scoring.cli import main
from scoring.errors import EvidenceError
from scoring.workbook import layout as L
from scoring.workbook.reader import read
from scoring.workbook.writer import template

from wbhelp import col, open_bytes, row_of, set_cell, id_col

FACTS, DOCS, WARD = L.SHEET_FACTS, L.SHEET_DOCS, L.SHEET_WARD


@pytest.fixture
def blank(qn_pack):
    """A template with the ward and the year filled: valid, no evidence yet."""
    wb = open_bytes(template(qn_pack))
    set_cell(wb, WARD, "ward.name", "Giá trị", "Phường Thử")
    set_cell(wb, WARD, "period.year", "Giá trị", 2023)
    return wb


def _problems(wb, tmp_path, name="phieu.xlsx"):
    path = tmp_path / name
    wb.save(path)
    with pytest.raises(EvidenceError) as exc:
        read(path)
    return [p.render() for p in exc.value.problems], str(path)


def _read(wb, tmp_path):
    path = tmp_path / "ok.xlsx"
    wb.save(path)
    return read(path)[0].record


def test_untouched_template_asks_only_for_the_ward_and_year(qn_pack, tmp_path):
    wb = open_bytes(template(qn_pack))
    msgs, path = _problems(wb, tmp_path)
    ws = wb[WARD]
    name_cell = f"C{row_of(ws, 'ward.name')}"
    year_cell = f"C{row_of(ws, 'period.year')}"
    assert msgs == [f"{path}, trang '{WARD}', ô {name_cell} trường 'ward.name': thiếu trường bắt buộc",
                    f"{path}, trang '{WARD}', ô {year_cell} trường 'period.year': thiếu trường bắt buộc"]


def test_minimal_filled_template_is_a_record_without_evidence(blank, tmp_path):
    rec = _read(blank, tmp_path)
    assert rec.ward.name == "Phường Thử" and rec.ward.province == "Quảng Ngãi" and rec.period.year == 2023
    assert rec.facts == {} and rec.documents == [] and rec.notes == []


def test_cell_errors_name_sheet_and_cell(blank, tmp_path):
    wb = blank
    bad = {
        set_cell(wb, FACTS, "leadership.briefing_conferences", "Giá trị", "ba"): "'ba' không phải số nguyên",
        set_cell(wb, FACTS, "leadership.reviews_held", "Giá trị", 1.5): "phải là số nguyên (nhận được 1,5)",
        set_cell(wb, FACTS, "leadership.dvcq_lead_assigned", "Giá trị", "có lẽ"): "'có lẽ' không phải \"có\" hoặc \"không\"",
        set_cell(wb, FACTS, "socioeconomic.targets_met", "Tử số", 3): "số liệu loại 'số đếm' không dùng cột 'Tử số'",
        set_cell(wb, FACTS, "democracy.mediation_success", "Mẫu số", -2): "không được âm",
        set_cell(wb, DOCS, "plan.dvcq_annual", "Ngày ban hành", "30/02/2023"): "ngày '30/02/2023' không tồn tại",
    }
    set_cell(wb, FACTS, "petitions.settled", "Tử số", 15)
    bad[set_cell(wb, FACTS, "petitions.settled", "Mẫu số", None)] = "tỷ lệ thiếu mẫu số"
    bad[set_cell(wb, FACTS, "democracy.groups", "Đã thực hiện", 4)] = "vượt tổng số (4)"
    set_cell(wb, FACTS, "democracy.groups", "Số nội dung không phát sinh", 1)
    set_cell(wb, FACTS, "reform.dossiers_on_time", "Tử số", 95)
    set_cell(wb, FACTS, "reform.dossiers_on_time", "Mẫu số", 100)
    bad[set_cell(wb, FACTS, "reform.dossiers_on_time", "Tỷ lệ (%)", 95)] = "không nhập cả hai"
    bad[set_cell(wb, DOCS, "report.dvcq_annual", "Đã có văn bản", "không")] = "ghi \"không\""
    set_cell(wb, DOCS, "report.dvcq_annual", "Số, ký hiệu", "12/BC-UBND")
    bad[set_cell(wb, WARD, "period.quarter", "Giá trị", 5)] = "phải ≤ 4"
    msgs, path = _problems(wb, tmp_path)
    for cell, text in bad.items():
        hits = [m for m in msgs if f"ô {cell} " in m and text in m]
        assert hits, f"không có lỗi cho ô {cell} ({text}) trong:\n" + "\n".join(msgs)
    assert all(m.startswith(f"{path}, trang '") for m in msgs)
    assert len(msgs) == len(bad)


def test_cli_reports_cell_errors_without_traceback(blank, tmp_path, runner):
    cell = set_cell(blank, FACTS, "reception.dialogues", "Giá trị", "hai")
    path = tmp_path / "phieu.xlsx"
    blank.save(path)
    for cmd in (["score", str(path)], ["validate", str(path)], ["convert", str(path), "-o", str(tmp_path / "x.yaml")]):
        r = runner.invoke(main, cmd)
        assert r.exit_code == 2
        assert f"phieu.xlsx, trang 'Số liệu', ô {cell} trường 'facts.reception.dialogues.value'" in r.stderr
        assert "Traceback" not in r.stderr
    assert not (tmp_path / "x.yaml").exists()


def test_faults_found_against_the_pack_also_name_the_cell(blank, tmp_path, runner):
    """A rate above 100% or a document sent before it was issued is found after the sheet is read
    (vocabulary.check), but a clerk still needs the cell, not the record field."""
    num = set_cell(blank, FACTS, "petitions.settled", "Tử số", 17)
    set_cell(blank, FACTS, "petitions.settled", "Mẫu số", 16)
    set_cell(blank, DOCS, "report.dvcq_annual", "Đã có văn bản", "có")
    set_cell(blank, DOCS, "report.dvcq_annual", "Ngày ban hành", "20/12/2023")
    sent = set_cell(blank, DOCS, "report.dvcq_annual", "Ngày gửi", "10/12/2023")
    path = tmp_path / "phieu.xlsx"
    blank.save(path)
    r = runner.invoke(main, ["score", str(path)])
    assert r.exit_code == 2, r.stderr
    assert f"phieu.xlsx, trang '{FACTS}', ô {num} [V003]" in r.stderr
    assert f"phieu.xlsx, trang '{DOCS}', ô {sent} [V008]" in r.stderr


def test_values_are_read_exactly_whatever_way_they_were_typed(blank, tmp_path):
    wb = blank
    set_cell(wb, FACTS, "culture.cultural_households", "Tỷ lệ (%)", 95.2)
    set_cell(wb, FACTS, "reform.satisfaction", "Tỷ lệ (%)", "97,25%")
    set_cell(wb, FACTS, "reform.dossiers_on_time", "Tỷ lệ (%)", 0.952, number_format="0.0%")
    set_cell(wb, FACTS, "leadership.briefing_conferences", "Giá trị", 3.0)
    set_cell(wb, FACTS, "models.registered", "Giá trị", " 12 ")
    set_cell(wb, FACTS, "leadership.dvcq_lead_assigned", "Giá trị", "Có")
    set_cell(wb, FACTS, "reform.procedures_posted", "Giá trị", False)
    set_cell(wb, FACTS, "security.hot_spots", "Giá trị", "Không phát sinh")
    set_cell(wb, DOCS, "plan.dvcq_annual", "Ngày ban hành", "23/03/2023")
    set_cell(wb, DOCS, "plan.dvcq_annual", "Số, ký hiệu", 15)
    set_cell(wb, DOCS, "report.dvcq_annual", "Ngày gửi", datetime.datetime(2023, 10, 5))
    set_cell(wb, DOCS, "decision.dvcq_lead_assignment", "Đã có văn bản", "có")
    f = _read(wb, tmp_path).facts
    assert f["culture.cultural_households"].percent == Decimal("95.2")
    assert f["reform.satisfaction"].percent == Decimal("97.25")
    assert f["reform.dossiers_on_time"].percent == Decimal("95.2")
    assert f["leadership.briefing_conferences"].value == 3 and f["models.registered"].value == 12
    assert f["leadership.dvcq_lead_assigned"].flag is True and f["reform.procedures_posted"].flag is False
    assert f["security.hot_spots"].kind == "not_applicable"
    rec = _read(wb, tmp_path)
    assert rec.document("plan.dvcq_annual").issued_on == datetime.date(2023, 3, 23)
    assert rec.document("plan.dvcq_annual").number == "15"
    assert rec.document("report.dvcq_annual").sent_on == datetime.date(2023, 10, 5)
    assert rec.document("decision.dvcq_lead_assignment") is not None  # "có" alone declares the document


def test_a_date_with_a_time_and_a_formula_without_result_are_refused(blank, tmp_path):
    c1 = set_cell(blank, DOCS, "plan.dvcq_annual", "Ngày ban hành", datetime.datetime(2023, 3, 23, 14, 30))
    c2 = set_cell(blank, FACTS, "models.registered", "Giá trị", "=1+1")
    msgs, _ = _problems(blank, tmp_path)
    assert any(f"ô {c1} " in m and "không kèm giờ" in m for m in msgs)
    assert any(f"ô {c2} " in m and "công thức" in m for m in msgs)


def test_rows_that_break_the_sheet_structure(blank, tmp_path):
    ws = blank[FACTS]  # the code column is B, after the label
    assert id_col(ws) == 2
    r = row_of(ws, "models.registered")
    ws.cell(r, col(ws, "Giá trị"), 1)
    ws.cell(r + 200, id_col(ws), "models.registered")  # a copied row: the same identifier twice, both filled
    ws.cell(r + 200, col(ws, "Giá trị"), 2)
    ws.cell(r + 201, id_col(ws), "Mô hình mới")  # not an identifier
    ws.cell(r + 201, col(ws, "Giá trị"), 1)
    ws.cell(r + 202, col(ws, "Giá trị"), 4)  # a value without an identifier
    ws.cell(L.HEADER_ROW, ws.max_column + 1, "Ghi chu them")
    ws.cell(r, ws.max_column, "ghi thêm")
    msgs, _ = _problems(blank, tmp_path)
    assert any(f"ô B{r + 200} " in m and "bị lặp" in m for m in msgs)
    assert any(f"ô B{r + 201} " in m and "không đúng dạng" in m for m in msgs)
    assert any(f"ô B{r + 202}: " in m and "thiếu mã" in m for m in msgs)
    assert any("không thuộc mẫu phiếu" in m and "'Ghi chú'" in m for m in msgs)


def test_missing_sheet_and_foreign_files(tmp_path, runner, qn_pack):
    wb = open_bytes(template(qn_pack))
    del wb[DOCS]
    msgs, path = _problems(wb, tmp_path)
    assert any(m.startswith(f"{path}, trang '{DOCS}'") and "không có trang" in m for m in msgs)
    fake = tmp_path / "bao-cao.xlsx"
    fake.write_text("không phải Excel", encoding="utf-8")
    r = runner.invoke(main, ["score", str(fake)])
    assert r.exit_code == 2 and "không phải tệp Excel .xlsx hợp lệ" in r.stderr and "Traceback" not in r.stderr
    r = runner.invoke(main, ["score", str(tmp_path / "khong-co.xlsx")])
    assert r.exit_code == 2 and "không tìm thấy" in r.stderr


def test_runaway_sheets_and_giant_numbers_fail_fast_with_a_cell(blank, tmp_path):
    ws = blank[FACTS]
    ws.cell(1_048_576, 1, "models.registered")  # a stray value on Excel's last row
    big = set_cell(blank, FACTS, "models.registered", "Giá trị", "9" * 5000)
    huge = set_cell(blank, FACTS, "reform.satisfaction", "Tỷ lệ (%)", "1" * 100)
    msgs, _ = _problems(blank, tmp_path)
    assert any("ô A1048576" not in m and "dòng 1048576" in m and "quá nhiều dòng" in m for m in msgs)
    assert any(f"ô {big} " in m and "quá lớn" in m for m in msgs)
    assert any(f"ô {huge} " in m and "không phải số" in m for m in msgs)
