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
    assert wb.sheetnames == [L.SHEET_GUIDE, L.SHEET_WARD, L.SHEET_DOCS, L.SHEET_FACTS, L.SHEET_NOTES, L.SHEET_META]
    assert wb[L.SHEET_META].sheet_state == "hidden" and wb.active.title == L.SHEET_GUIDE
    meta = {r[0].value: r[1].value for r in wb[L.SHEET_META].iter_rows()}
    assert meta == {"format": L.FORMAT, "pack.id": qn_pack.id, "pack.version": qn_pack.meta.version,
                    "pack.sha256": qn_pack.sha256, "pack.file": "qd-1211-2022.yaml", "pack.status": "draft"}
    facts = wb[L.SHEET_FACTS]
    heads = [facts.cell(L.HEADER_ROW, c).value for c in range(1, facts.max_column + 1)]
    assert heads == [c.header for c in L.FACT_COLUMNS if c.key not in L.DRAFT_KEYS]
    ids = [facts.cell(r, 2).value for r in range(L.FIRST_ROW, facts.max_row + 1)]
    assert ids == [f for f in qn_pack.vocabulary.facts if f != "ward.residential_groups"]
    r = row_of(facts, "petitions.settled")
    assert facts.cell(r, col(facts, "Nội dung")).value == "Tỷ lệ đơn thư thuộc thẩm quyền được giải quyết"
    assert facts.cell(r, col(facts, "Đơn vị tính")).value == "đơn"
    assert facts.cell(r, col(facts, "Loại")).value == "tỷ lệ"
    docs = wb[L.SHEET_DOCS]
    assert [docs.cell(r, 2).value for r in range(L.FIRST_ROW, docs.max_row + 1)] == list(qn_pack.vocabulary.documents)
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
    assert facts.cell(L.HEADER_ROW, 1).value == "Nội dung"  # the Vietnamese label first, the code narrow after it
    assert facts.column_dimensions["B"].width == L.ID_WIDTH
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


def test_each_row_says_what_to_enter_and_which_item_it_feeds(qn_pack):
    wb = open_bytes(template(qn_pack))
    facts = wb[L.SHEET_FACTS]
    settled = row_of(facts, "petitions.settled")
    assert facts.cell(settled, 1).value == "Tỷ lệ đơn thư thuộc thẩm quyền được giải quyết"
    assert "Tử số và Mẫu số" in facts.cell(settled, col(facts, "Cần nhập")).value
    feeds = facts.cell(settled, col(facts, "Dùng để chấm (điểm tối đa)")).value
    item = next(i for c in qn_pack.data.criteria for i in c.items
                if i.id == feeds.split(" ")[0])  # "TC5.4 (6 đ)": an item of the pack, with its maximum
    assert feeds.startswith(f"{item.id} (") and " đ)" in feeds
    dialogues = row_of(facts, "reception.dialogues")
    assert "Số nguyên" in facts.cell(dialogues, col(facts, "Cần nhập")).value


def test_cells_that_do_not_apply_are_greyed_and_locked_the_rest_open(qn_pack):
    from scoring.workbook.writer import UNUSED_FILL

    wb = open_bytes(template(qn_pack))
    docs = wb[L.SHEET_DOCS]
    assert docs.protection.sheet
    plan = row_of(docs, "plan.dvcq_annual")
    sent = docs.cell(plan, col(docs, "Ngày gửi"))  # a plan is judged by when it was issued, not sent
    assert sent.protection.locked and sent.fill.fgColor.rgb.endswith(UNUSED_FILL.fgColor.rgb[-6:])
    assert not docs.cell(plan, col(docs, "Ngày ban hành")).protection.locked
    assert docs.cell(plan, 1).protection.locked  # labels are not typed over
    facts = wb[L.SHEET_FACTS]
    settled = row_of(facts, "petitions.settled")
    assert facts.cell(settled, col(facts, "Tử số")).protection.locked is False
    assert facts.cell(settled, col(facts, "Đã thực hiện")).protection.locked  # a rate has no checklist cells
    reports = [d for d in qn_pack.vocabulary.documents if "Ngày gửi" in (docs.cell(row_of(docs, d), col(docs, "Cần nhập")).value or "")
               or "ngày gửi" in (docs.cell(row_of(docs, d), col(docs, "Cần nhập")).value or "")]
    for d in reports:  # a report judged by its sending date keeps the cell open
        assert not docs.cell(row_of(docs, d), col(docs, "Ngày gửi")).protection.locked


def test_the_guide_sheet_explains_filling_and_lists_the_items(qn_pack):
    ws = open_bytes(template(qn_pack))[L.SHEET_GUIDE]
    texts = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    joined = "\n".join(texts)
    assert "không phát sinh" in joined and "dd/mm/yyyy" in joined and "dvcq score" in joined
    first = qn_pack.data.criteria[0]
    assert first.id in texts and first.items[0].id in texts


def test_wide_sheets_print_two_a4_pages_across_with_the_labels_repeated(qn_pack):
    wb = open_bytes(template(qn_pack))
    for name in (L.SHEET_DOCS, L.SHEET_FACTS):
        ws = wb[name]
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 2 and ws.print_title_cols == "$A:$B"


def test_the_template_prints_legibly_through_libreoffice(qn_pack, tmp_path):
    """Converted to PDF by LibreOffice: each data page is A4, the labels' text is at least 7 pt."""
    import shutil
    import subprocess

    import pytest

    soffice = shutil.which("soffice")
    pdffonts = shutil.which("pdftotext")
    if not soffice or not pdffonts:
        pytest.skip("không có soffice/pdftotext: chạy scripts/install-system-deps.sh")
    path = tmp_path / "phieu.xlsx"
    path.write_bytes(template(qn_pack))
    subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}",
                    "--convert-to", "pdf", str(path), "--outdir", str(tmp_path)], capture_output=True, timeout=180,
                   check=True)
    html = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "phieu.pdf"), "-"], capture_output=True, text=True,
                          timeout=60, check=True).stdout
    import re

    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)"', html)
    assert pages and all(abs(float(w) - 841.9) < 2 or abs(float(w) - 595.3) < 2 for w, _ in pages)  # A4
    words = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">Tỷ</word>', html)
    assert words
    heights = [float(b) - float(a) for a, b in words]
    assert min(heights) >= 7, heights  # a word's box: about the font size in points
