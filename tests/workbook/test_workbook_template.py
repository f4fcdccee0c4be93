"""`dvcq template`: the entry workbook generated from a pack's vocabulary."""
from __future__ import annotations

import io
import zipfile

from openpyxl.utils import get_column_letter

from scoring.cli import main
from scoring.workbook import layout as L
from scoring.workbook.writer import template

from support import QN_PACK
from wbhelp import col, open_bytes, ref, row_of


def _validations(ws) -> list:
    return list(ws.data_validations.dataValidation)


def _rule_for(ws, cell: str):
    hits = [dv for dv in _validations(ws) if cell in dv.sqref]
    assert len(hits) == 1, f"{ws.title}!{cell}: {len(hits)} quy tắc kiểm tra"
    return hits[0]


def test_sheets_headers_and_pack_identity(qn_pack):
    wb = open_bytes(template(qn_pack))
    assert wb.sheetnames == [L.SHEET_WARD, L.SHEET_DOCS, L.SHEET_FACTS, L.SHEET_NOTES, L.SHEET_META]
    assert wb[L.SHEET_META].sheet_state == "hidden" and wb.active.title == L.SHEET_WARD
    meta = {r[0].value: r[1].value for r in wb[L.SHEET_META].iter_rows()}
    assert meta == {"format": L.FORMAT, "pack.id": qn_pack.id, "pack.version": qn_pack.meta.version,
                    "pack.sha256": qn_pack.sha256, "pack.file": "qd-1211-2022.yaml", "pack.status": "draft"}
    facts = wb[L.SHEET_FACTS]
    heads = [facts.cell(L.HEADER_ROW, c).value for c in range(1, facts.max_column + 1)]
    assert heads == [c.header for c in L.FACT_COLUMNS if c.key not in L.DRAFT_KEYS]
    ids = [facts.cell(r, 1).value for r in range(L.FIRST_ROW, facts.max_row + 1)]
    assert ids == [f for f in qn_pack.vocabulary.facts if f != "ward.residential_groups"]
    r = row_of(facts, "petitions.settled")
    assert facts.cell(r, col(facts, "Nội dung")).value == "Tỷ lệ đơn thư thuộc thẩm quyền được giải quyết"
    assert facts.cell(r, col(facts, "Đơn vị tính")).value == "đơn"
    assert facts.cell(r, col(facts, "Loại")).value == "tỷ lệ"
    docs = wb[L.SHEET_DOCS]
    assert [docs.cell(r, 1).value for r in range(L.FIRST_ROW, docs.max_row + 1)] == list(qn_pack.vocabulary.documents)
    assert docs.cell(row_of(docs, "plan.dvcq_annual"), col(docs, "Loại")).value == "KH"
    ward = wb[L.SHEET_WARD]
    assert ward[ref(ward, "ward.province", "Giá trị")].value == "Quảng Ngãi"
    assert qn_pack.meta.legal_basis in facts.cell(2, 1).value


def test_data_validation_follows_each_figure_type(qn_pack):
    wb = open_bytes(template(qn_pack))
    facts = wb[L.SHEET_FACTS]
    count = _rule_for(facts, ref(facts, "reception.dialogues", "Giá trị"))
    assert count.type == "custom" and "INT(" in count.formula1 and L.NOT_APPLICABLE in count.formula1
    yesno = _rule_for(facts, ref(facts, "reform.procedures_posted", "Giá trị"))
    assert yesno.type == "list" and yesno.formula1 == '"có,không,không phát sinh"'
    rate_na = _rule_for(facts, ref(facts, "petitions.settled", "Giá trị"))
    assert rate_na.type == "list" and rate_na.formula1 == '"không phát sinh"'
    den = _rule_for(facts, ref(facts, "petitions.settled", "Mẫu số"))
    assert (den.type, den.operator, den.formula1) == ("whole", "greaterThanOrEqual", "0")
    total = _rule_for(facts, ref(facts, "democracy.nd04_art4", "Tổng số nội dung"))
    assert (total.type, total.formula1, total.formula2) == ("whole", "10", "10")
    assert facts[ref(facts, "democracy.nd04_art4", "Tổng số nội dung")].value == 10
    docs = wb[L.SHEET_DOCS]
    issued = _rule_for(docs, ref(docs, "plan.dvcq_annual", "Ngày ban hành"))
    assert issued.type == "date" and issued.formula1 == "DATE(1945,1,1)"
    present = _rule_for(docs, ref(docs, "plan.dvcq_annual", "Đã có văn bản"))
    assert present.formula1 == '"có,không"'
    ward = wb[L.SHEET_WARD]
    assert _rule_for(ward, ref(ward, "ward.kind", "Giá trị")).formula1 == '"phường,xã,thị trấn"'
    year = _rule_for(ward, ref(ward, "period.year", "Giá trị"))
    assert (year.type, year.formula1, year.formula2) == ("whole", "1945", "2100")
    for ws in (facts, docs, ward):
        assert all(dv.prompt and dv.error and dv.showErrorMessage for dv in _validations(ws))


def test_frozen_headers_and_widths_that_fit_labels(qn_pack):
    wb = open_bytes(template(qn_pack))
    for name in (L.SHEET_WARD, L.SHEET_DOCS, L.SHEET_FACTS):
        ws = wb[name]
        assert ws.freeze_panes == f"C{L.FIRST_ROW}"
        assert ws.print_title_rows == f"${L.HEADER_ROW}:${L.HEADER_ROW}"
    facts = wb[L.SHEET_FACTS]
    id_width = facts.column_dimensions["A"].width
    assert id_width >= max(len(f) for f in qn_pack.vocabulary.facts) + 1
    label = facts.column_dimensions[get_column_letter(col(facts, "Nội dung"))]
    assert label.width >= 40
    long_row = row_of(facts, "democracy.groups")  # a label longer than the column wraps onto a taller row
    assert facts.row_dimensions[long_row].height and facts.row_dimensions[long_row].height > 15


def test_same_pack_gives_byte_identical_workbooks_without_timestamps(qn_pack):
    a, b = template(qn_pack), template(qn_pack)
    assert a == b
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())
        core = z.read("docProps/core.xml").decode()
        assert "dcterms:created" not in core and "dcterms:modified" not in core


def test_template_command(tmp_path, runner, qn_pack):
    out = tmp_path / "phieu.xlsx"
    r = runner.invoke(main, ["template", "--rules", "quang-ngai-1211-2022", "-o", str(out)])
    assert r.exit_code == 0, r.stderr
    assert out.read_bytes() == template(qn_pack)
    r = runner.invoke(main, ["template", "--rules", str(QN_PACK), "-o", str(out)])
    assert r.exit_code == 2 and "đã tồn tại" in r.stderr
    r = runner.invoke(main, ["template", "--rules", str(QN_PACK), "-o", str(out), "--force"])
    assert r.exit_code == 0
    r = runner.invoke(main, ["template", "--rules", "quang-ngai-1211-2021", "-o", str(tmp_path / "b.xlsx")])
    assert r.exit_code == 2 and "có phải ý bạn là 'quang-ngai-1211-2022'" in r.stderr
    r = runner.invoke(main, ["template", "--rules", str(QN_PACK), "-o", str(tmp_path / "b.yaml")])
    assert r.exit_code == 2 and ".xlsx" in r.stderr
    r = runner.invoke(main, ["template", "--rules", str(QN_PACK), "-o", str(QN_PACK), "--force"])
    assert r.exit_code == 2 and QN_PACK.read_text(encoding="utf-8").startswith("# Bộ tiêu chí")
