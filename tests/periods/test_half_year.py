"""Half-year records end to end (issue 13, construct 9): every output names the half-year, a batch
ranks the two halves of a year apart, reviews and the entry workbook carry `period.half`.

The pack and records live in tests/periods/half/ (not in rules/examples): H1 2026 for Xã An Phú and
Xã Bình Minh, H2 2026 for Xã An Phú (again: another period, not a duplicate) and Xã Cát Tiên."""
from __future__ import annotations

import json
import re
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from scoring import api
from scoring.cli import main
from scoring.evidence import Period
from scoring.review.skeleton import HEAD_ROWS, SHEET, TABLE_ROW
from scoring.vietnamese import period_label
from scoring.workbook import layout as L

from support import SAMPLES

HERE = Path(__file__).resolve().parent / "half"
PACK = HERE / "pack.yaml"
RECORDS = HERE / "records"
H1 = RECORDS / "an-phu-h1.yaml"
H2 = RECORDS / "an-phu-h2.yaml"


def run(runner, *args, code=0):
    r = runner.invoke(main, [str(a) for a in args])
    assert r.exit_code == code, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    return r


# -- the one wording ------------------------------------------------------------------------------
@pytest.mark.parametrize("style,year,quarter,h1", [
    ("short", "năm 2026", "quý 2/2026", "6 tháng đầu năm 2026"),
    ("long", "năm 2026", "quý 2 năm 2026", "6 tháng đầu năm 2026"),
    ("title", "NĂM 2026", "QUÝ 2 NĂM 2026", "6 THÁNG ĐẦU NĂM 2026"),
    ("heading", "năm 2026", "năm 2026, quý 2", "6 tháng đầu năm 2026"),
    ("term", "kỳ 2026", "kỳ 2026 quý 2", "kỳ 6 tháng đầu năm 2026"),
    ("sheet", "2026", "quý 2-2026", "nửa đầu-2026"),
    ("bare", "2026", "quý 2/2026", "6 tháng đầu năm 2026"),
])
def test_one_wording_of_a_period_in_every_style(style, year, quarter, h1):
    """Year and quarter texts are those each output printed before; a JSON period without `half`
    (an older result), a Period and a batch key read alike."""
    assert period_label({"year": 2026, "quarter": None}, style) == year
    assert period_label(Period(year=2026, quarter=2), style) == quarter
    assert period_label((2026, 2, None), style) == quarter
    assert period_label({"year": 2026, "quarter": None, "half": 1}, style) == h1
    assert period_label(Period(year=2026, half=2), style) == h1.replace("đầu", "cuối").replace("ĐẦU", "CUỐI")


def test_period_label_is_the_records_own_label():
    assert Period(year=2026, half=1).label() == "6 tháng đầu năm 2026"
    assert Period(year=2026, half=2).label() == "6 tháng cuối năm 2026"
    assert Period(year=2019, quarter=1).label() == "quý 1/2019"


# -- one record's outputs -------------------------------------------------------------------------
def test_score_table_and_markdown_headers_name_the_half(runner):
    for fmt in ("table", "markdown"):
        out = run(runner, "score", H1, "--rules", PACK, "--format", fmt).stdout
        assert "Đơn vị: Xã An Phú, Tỉnh Ví Dụ — 6 tháng đầu năm 2026" in out, fmt
    out = run(runner, "score", H2, "--rules", PACK).stdout
    assert "— 6 tháng cuối năm 2026" in out and "— năm 2026" not in out
    md = run(runner, "score", H1, "--rules", PACK, "--format", "markdown").stdout
    assert md.startswith("# Kết quả chấm điểm công tác dân vận chính quyền — Xã An Phú (6 tháng đầu năm 2026)\n")


def test_json_carries_the_half(runner):
    data = json.loads(run(runner, "score", H2, "--rules", PACK, "--format", "json").stdout)
    assert data["evidence"]["period"] == {"year": 2026, "quarter": None, "half": 2}
    assert api.score(H1, PACK).evidence["period"] == {"year": 2026, "quarter": None, "half": 1}


def test_html_title_and_heading_name_the_half():
    html = api.render_result(api.score(H1, PACK), "html")
    assert "<h1>Kết quả tự chấm điểm công tác dân vận chính quyền 6 tháng đầu năm 2026</h1>" in html
    assert "<title>Chấm điểm DVCQ — Xã An Phú — 6 tháng đầu năm 2026</title>" in html


def test_xlsx_title_names_the_half_in_capitals(tmp_path, runner):
    out = tmp_path / "bangdiem.xlsx"
    run(runner, "score", H2, "--rules", PACK, "--format", "xlsx", "-o", out)
    ws = load_workbook(out).active
    texts = [c.value for row in ws.iter_rows(max_row=6) for c in row if isinstance(c.value, str)]
    assert "BẢNG TỰ CHẤM ĐIỂM CÔNG TÁC DÂN VẬN CHÍNH QUYỀN 6 THÁNG CUỐI NĂM 2026" in texts


def test_explain_names_the_half(runner):
    out = run(runner, "explain", H1, "--rules", PACK).stdout
    assert out.splitlines()[0] == "Đơn vị: Xã An Phú, Tỉnh Ví Dụ — kỳ 6 tháng đầu năm 2026"


# -- the batch ------------------------------------------------------------------------------------
def test_batch_ranks_each_half_year_apart():
    b = api.batch(RECORDS, pack=PACK)
    assert not b.failed  # Xã An Phú in H1 and in H2 is two periods, not one unit twice
    assert [g.period for g in b.groups] == [(2026, None, 1), (2026, None, 2)]
    ranked = [[(r.rank, r.s.ward, r.s.total) for r in g.rows] for g in b.groups]
    assert ranked == [[(1, "Xã An Phú", 100), (2, "Xã Bình Minh", 70)],
                      [(1, "Xã Cát Tiên", 100), (2, "Xã An Phú", 70)]]


def test_batch_outputs_title_each_ranking_with_its_half(runner, tmp_path):
    table = run(runner, "batch", RECORDS, "--rules", PACK).stdout
    titles = [line for line in table.splitlines() if "— bộ tiêu chí" in line]
    assert [t.split(" — ")[0] for t in titles] == ["6 tháng đầu năm 2026", "6 tháng cuối năm 2026"]
    assert "Năm 2026" not in table

    csv = run(runner, "batch", RECORDS, "--rules", PACK, "--format", "csv").stdout
    kys = [line.split(",")[1] for line in csv.splitlines()[1:]]
    assert kys == ["6 tháng đầu năm 2026"] * 2 + ["6 tháng cuối năm 2026"] * 2

    data = json.loads(run(runner, "batch", RECORDS, "--rules", PACK, "--format", "json").stdout)
    assert [g["period"] for g in data["groups"]] == [{"year": 2026, "quarter": None, "half": 1},
                                                     {"year": 2026, "quarter": None, "half": 2}]

    html = run(runner, "batch", RECORDS, "--rules", PACK, "--format", "html").stdout
    heads = re.findall(r"<h1>([^<]*)</h1>", html)
    assert "Xếp hạng công tác dân vận chính quyền cấp xã 6 tháng đầu năm 2026" in heads
    assert "Xếp hạng công tác dân vận chính quyền cấp xã 6 tháng cuối năm 2026" in heads
    # the printed ward reports, one per record, each of its own half
    assert heads.count("Kết quả tự chấm điểm công tác dân vận chính quyền 6 tháng đầu năm 2026") == 2
    assert heads.count("Kết quả tự chấm điểm công tác dân vận chính quyền 6 tháng cuối năm 2026") == 2

    out = tmp_path / "xephang.xlsx"
    run(runner, "batch", RECORDS, "--rules", PACK, "--format", "xlsx", "-o", out)
    wb = load_workbook(out)
    assert wb.sheetnames == ["Xếp hạng nửa đầu-2026", "Xếp loại nửa đầu-2026",
                             "Xếp hạng nửa cuối-2026", "Xếp loại nửa cuối-2026"]
    assert "6 tháng cuối năm 2026" in wb["Xếp hạng nửa cuối-2026"]["A1"].value


def test_a_stale_review_of_one_half_does_not_touch_the_other(tmp_path, runner):
    """A review whose record changed is matched to its ward and period: the H1 record, not H2's."""
    recs = tmp_path / "hoso"
    shutil.copytree(RECORDS, recs)
    rv = tmp_path / "thamdinh"
    rv.mkdir()
    run(runner, "review", "new", recs / "an-phu-h1.yaml", "--rules", PACK, "-o", rv / "an-phu-h1.yaml")
    _fill_yaml(rv / "an-phu-h1.yaml")
    assert len(api.batch(recs, reviews=rv, pack=PACK).groups[0].rows[0].s.review) > 0  # matched while unchanged
    text = (recs / "an-phu-h1.yaml").read_text(encoding="utf-8")
    (recs / "an-phu-h1.yaml").write_text(text.replace("value: 6,", "value: 5,"), encoding="utf-8")
    b = api.batch(recs, reviews=rv, pack=PACK)
    assert [f.file for f in b.failed] == ["an-phu-h1.yaml"]
    assert [r.s.ward for r in b.groups[1].rows] == ["Xã Cát Tiên", "Xã An Phú"]


# -- reviews --------------------------------------------------------------------------------------
def _fill_yaml(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    text = text.replace('reviewer: {unit: ""', 'reviewer: {unit: "Sở Nội vụ tỉnh Ví Dụ"')
    text = re.sub(r"^reviewed_on:.*$", "reviewed_on: 2026-07-20", text, flags=re.M)
    lines = text.split("\n")
    k = lines.index("  # - fact: receptions.held")
    lines[k:k + 3] = ["  - fact: receptions.held", "    verified: {value: 3}",
                      '    reason: "Sổ tiếp công dân chỉ ghi 3 buổi."']
    path.write_text("\n".join(lines), encoding="utf-8")


def test_review_skeleton_writes_the_half_and_verifies(runner, tmp_path):
    out = tmp_path / "thamdinh.yaml"
    run(runner, "review", "new", H1, "--rules", PACK, "-o", out)
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert data["review_of"]["period"] == {"year": 2026, "half": 1}
    _fill_yaml(out)
    v = api.verify(H1, out, PACK)
    assert v.verified.total == Decimal(90) and v.self_result.total == Decimal(100)
    assert v.verified.evidence["period"]["half"] == 1
    out_json = json.loads(run(runner, "verify", H1, "--review", out, "--rules", PACK, "--format", "json").stdout)
    assert out_json["review"]["review_of"]["period"] == {"year": 2026, "quarter": None, "half": 1}
    html = run(runner, "verify", H1, "--review", out, "--rules", PACK, "--format", "html").stdout
    assert "Biên bản thẩm định kết quả tự chấm điểm công tác dân vận chính quyền 6 tháng đầu năm 2026" in html


def test_a_review_of_h1_refuses_the_h2_record(runner, tmp_path):
    out = tmp_path / "thamdinh.yaml"
    run(runner, "review", "new", H1, "--rules", PACK, "-o", out)
    _fill_yaml(out)
    # the same ward's H2 record: its content differs (review_of.record_sha256) and so does its period
    r = run(runner, "verify", H2, "--review", out, "--rules", PACK, code=2)
    assert "review_of.record_sha256" in r.stderr
    assert "thẩm định cho 6 tháng đầu năm 2026, còn hồ sơ" in r.stderr
    assert "là của 6 tháng cuối năm 2026" in r.stderr and "review_of.period" in r.stderr
    api.verify(H1, out, PACK)  # the record it is of: accepted


def head_cell(ws, key):
    label = dict(HEAD_ROWS)[key]
    return ws.cell(next(r for r in range(1, TABLE_ROW + 1) if ws.cell(r, 1).value == label), 2)


def test_review_form_carries_the_half_and_verifies(runner, tmp_path):
    out = tmp_path / "thamdinh.xlsx"
    run(runner, "review", "new", H2, "--rules", PACK, "-o", out)
    wb = load_workbook(out)
    ws = wb[SHEET]
    assert head_cell(ws, "half").value == 2 and head_cell(ws, "quarter").value is None
    head_cell(ws, "unit").value = "Sở Nội vụ tỉnh Ví Dụ"
    head_cell(ws, "reviewed_on").value = date(2027, 1, 20)
    wb.save(out)
    v = api.verify(H2, out, PACK)
    assert v.review.head.review_of.period == Period(year=2026, half=2)
    r = run(runner, "verify", H1, "--review", out, "--rules", PACK, code=2)  # the same ward's other half
    assert "thẩm định cho 6 tháng cuối năm 2026, còn hồ sơ" in r.stderr and "review_of.period" in r.stderr


def test_a_review_form_written_before_the_half_row_still_reads(runner, tmp_path):
    """Forms made by earlier versions have no 'Nửa năm' row (table header on row 11): found by label."""
    record = SAMPLES / "quang-ngai" / "pho-van-2023.yaml"
    out = tmp_path / "thamdinh.xlsx"
    run(runner, "review", "new", record, "-o", out)
    wb = load_workbook(out)
    ws = wb[SHEET]
    ws.delete_rows(head_cell(ws, "half").row)
    assert ws.cell(TABLE_ROW - 1, 1).value == "Loại"  # the old layout
    head_cell(ws, "unit").value = "Phòng Nội vụ thị xã Đức Phổ"
    head_cell(ws, "reviewed_on").value = date(2023, 12, 10)
    row = next(r for r in range(TABLE_ROW, ws.max_row + 1) if ws.cell(r, 2).value == "plan.dvcq_annual")
    ws.cell(row, 8).value = "không"
    ws.cell(row, 10).value = "Không có bản chụp kế hoạch."
    wb.save(out)
    v = api.verify(record, out)
    assert [f.ident for f in v.findings] == ["plan.dvcq_annual"]


# -- the entry workbook ---------------------------------------------------------------------------
def _ward_value(ws, fid):
    ids = [ws.cell(r, 2).value for r in range(L.FIRST_ROW, ws.max_row + 1)]
    return ws.cell(L.FIRST_ROW + ids.index(fid), 3)


def test_workbook_round_trip_keeps_the_half(runner, tmp_path):
    xlsx, back = tmp_path / "phieu.xlsx", tmp_path / "hoso.yaml"
    run(runner, "convert", H2, "--rules", PACK, "-o", xlsx)
    ws = load_workbook(xlsx)[L.SHEET_WARD]
    assert _ward_value(ws, "period.half").value == 2 and _ward_value(ws, "period.quarter").value is None
    run(runner, "convert", xlsx, "-o", back)
    assert api.load_record(back).record == api.load_record(H2).record
    assert yaml.safe_load(back.read_text(encoding="utf-8"))["period"] == {"year": 2026, "half": 2}
    assert api.score(xlsx, PACK).evidence["period"]["half"] == 2


def test_a_template_filled_with_a_half_reads_as_that_half(tmp_path, runner):
    path = tmp_path / "phieu.xlsx"
    run(runner, "template", "--rules", PACK, "-o", path)
    wb = load_workbook(path)
    ws = wb[L.SHEET_WARD]
    row = _ward_value(ws, "period.half").row
    assert ws.cell(row, 1).value == ("Nửa năm (1: 6 tháng đầu, 2: 6 tháng cuối; để trống nếu đánh giá cả năm "
                                     "hoặc theo quý)")
    for fid, v in (("ward.name", "Xã An Phú"), ("ward.kind", "xã"), ("period.year", 2026), ("period.half", 1)):
        _ward_value(ws, fid).value = v
    wb.save(path)
    assert api.read_workbook(path).record.period == Period(year=2026, half=1)
    out = run(runner, "score", path, "--rules", PACK).stdout
    assert "— 6 tháng đầu năm 2026" in out


def test_quarter_and_half_both_filled_is_the_records_error_naming_both_cells(tmp_path, runner):
    path = tmp_path / "phieu.xlsx"
    run(runner, "convert", H1, "--rules", PACK, "-o", path)
    wb = load_workbook(path)
    ws = wb[L.SHEET_WARD]
    _ward_value(ws, "period.quarter").value = 2
    q, h = _ward_value(ws, "period.quarter").coordinate, _ward_value(ws, "period.half").coordinate
    wb.save(path)
    r = run(runner, "score", path, "--rules", PACK, code=2)
    assert f"phieu.xlsx, trang '{L.SHEET_WARD}', ô {q} và ô {h}" in r.stderr
    assert "không ghi cả hai" in r.stderr and "'period'" in r.stderr


def test_a_workbook_written_before_the_half_row_still_reads(tmp_path):
    path = tmp_path / "phieu.xlsx"
    path.write_bytes(api.workbook(PACK, H1))
    wb = load_workbook(path)
    ws = wb[L.SHEET_WARD]
    ws.delete_rows(_ward_value(ws, "period.half").row)
    _ward_value(ws, "period.quarter").value = None
    wb.save(path)
    assert api.read_workbook(path).record.period == Period(year=2026)


def test_schema_accepts_a_half_and_refuses_quarter_with_half(runner):
    import jsonschema

    schema = json.loads(run(runner, "schema", "--rules", PACK).stdout)
    rec = yaml.safe_load(H1.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(json.dumps(rec, default=str)), schema)
    rec["period"]["quarter"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json.loads(json.dumps(rec, default=str)), schema)


def test_two_records_of_one_unit_and_half_are_refused_naming_the_half(tmp_path):
    folder = tmp_path / "hoso"
    folder.mkdir()
    shutil.copy(H1, folder / "a.yaml")
    shutil.copy(H1, folder / "b.yaml")
    shutil.copy(H2, folder / "c.yaml")   # the same unit's other half: its own period, ranked
    res = api.batch(folder, pack=PACK, jobs=1)
    messages = [m for f in res.failed for m in f.problems]
    assert len(messages) == 2 and all("Xã An Phú (6 tháng đầu năm 2026) có nhiều hồ sơ trong thư mục" in m for m in messages)
    assert [len(g.rows) for g in res.groups] == [1]
