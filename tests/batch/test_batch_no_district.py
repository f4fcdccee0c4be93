"""Issue 13, construct 2: a ranking never prints a district ("Huyện") column that is empty on every row.

Since 1 July 2025 communes report to the province and provincial departments have no district: each
table (a group's ranking, its provisional table) prints the district column only when one of its rows
names a district. The Quảng Ngãi samples, which have districts, keep theirs (their goldens and the
other batch tests are unchanged)."""
from __future__ import annotations

import io
from decimal import Decimal

from fixtures.records3 import BATCH_PACK, tn_record, write
from openpyxl import load_workbook

from scoring.cli import main
from scoring.render.batch_xlsx import RANKING
from scoring.render.batch_xlsx import render_ranking as ranking_xlsx

DISTRICT_HEADERS = ("Huyện/thị xã", "Huyện, thị xã, thành phố")


def record(name: str, a: int, b: int, district: str | None = None, **kw) -> dict:
    data = tn_record(name, a, b, **kw)
    if district is None:
        del data["ward"]["district"]
    else:
        data["ward"]["district"] = district
    return data


def folder(tmp_path, *records: dict):
    for i, data in enumerate(records):
        write(tmp_path / "hoso", f"r{i}", data)
    return tmp_path / "hoso"


def batch(runner, where, *args) -> str:
    r = runner.invoke(main, ["batch", str(where), "--rules", str(BATCH_PACK), *map(str, args)])
    assert r.exit_code == 0, r.stdout + r.stderr
    return r.stdout


def test_text_and_markdown_leave_out_a_district_column_no_row_fills(runner, tmp_path):
    where = folder(tmp_path, record("Phường Một", 50, 30), record("Xã Hai", 40, 20))
    for fmt in ("table", "markdown"):
        out = batch(runner, where, "--format", fmt, "--width", "200")
        assert "Phường Một" in out and "Xã Hai" in out
        assert not any(h in out for h in DISTRICT_HEADERS) and "Huyện" not in out, fmt
        assert "Đơn vị" in out and "Tự chấm" in out


def test_one_row_with_a_district_brings_the_column_back(runner, tmp_path):
    where = folder(tmp_path, record("Phường Một", 50, 30), record("Xã Hai", 40, 20, district="Huyện Cũ"))
    md = batch(runner, where, "--format", "markdown")
    head = next(line for line in md.splitlines() if line.startswith("|") and "Hạng" in line)
    assert [c.strip() for c in head.strip("|").split("|")][:4] == ["Hạng", "Đơn vị", "Huyện/thị xã", "Tự chấm"]
    assert "| Huyện Cũ" in md
    assert "Huyện/thị xã" in batch(runner, where, "--width", "160")


def test_the_column_is_decided_per_table(runner, tmp_path):
    """The ranked table has districts, the provisional one (drafts, ranked apart) has none."""
    drafts = [dict(record(n, 10, 10), status="in_progress") for n in ("Phường Ba", "Phường Bốn")]
    where = folder(tmp_path, record("Phường Một", 50, 30, district="Huyện Cũ"), *drafts)
    md = batch(runner, where, "--format", "markdown")
    heads = [line for line in md.splitlines() if line.startswith("|") and "Hạng" in line]
    assert len(heads) == 2 and "Huyện/thị xã" in heads[0] and "Huyện" not in heads[1]
    html = batch(runner, where, "--format", "html")
    tables = [t.split("</thead>")[0] for t in html.split('<table class="ranking">')[1:]]
    assert len(tables) == 2 and "Huyện, thị xã, thành phố" in tables[0] and "Huyện" not in tables[1]
    out = tmp_path / "xh.xlsx"
    batch(runner, where, "--format", "xlsx", "-o", out)
    wb = load_workbook(out)
    heads = [[c.value for c in ws[4]] for ws in wb.worksheets if ws.title.startswith(RANKING)]
    assert "Huyện, thị xã, thành phố" in heads[0] and "Huyện, thị xã, thành phố" not in heads[1]


def test_html_page_without_districts_has_no_district_cell(runner, tmp_path):
    html = batch(runner, folder(tmp_path, record("Phường Một", 50, 30), record("Xã Hai", 40, 20)), "--format", "html")
    table = html[html.index('<table class="ranking">'):]
    table = table[:table.index("</table>")]
    assert "Huyện" not in table and 'class="district"' not in table
    assert "<th>Phường, xã, thị trấn</th><th>Điểm tự chấm</th>" in table
    # no district: the province's committee issues it, its name written once ("Tỉnh Thử Nghiệm")
    assert "<b>UBND TỈNH THỬ NGHIỆM</b>" in html and "TỈNH TỈNH" not in html


def test_csv_has_a_huyen_column_only_when_a_record_has_a_district(runner, tmp_path):
    """Scripts read CSV columns by name: `huyen` is there when a record has a district, and no
    always-empty column is written for a 2026 ranking (issue 13: no output prints one)."""
    out = batch(runner, folder(tmp_path, record("Phường Một", 50, 30)), "--format", "csv")
    head, row = out.lstrip("\ufeff").splitlines()[:2]
    assert "huyen" not in head.split(",") and head.split(",")[3:5] == ["don_vi", "tu_cham"]
    assert len(row.split(",")) == len(head.split(","))
    out = batch(runner, folder(tmp_path / "cu", record("Phường Một", 50, 30, district="Thị xã Đức Phổ")), "--format", "csv")
    head, row = out.lstrip("\ufeff").splitlines()[:2]
    assert head.split(",")[4] == "huyen" and row.split(",")[4] == "Thị xã Đức Phổ"


ROWS = [  # verified and not, no district: every formula and the chart move one column left
    {"rank": 1, "ward": "Xã Một", "self_total": Decimal("87.5"), "verified_total": Decimal("78"),
     "grade": "Tốt", "moved": ["TC6.2"]},
    {"rank": 2, "ward": "Đặc khu Lý Sơn", "district": "", "self_total": Decimal("33.5"), "verified_total": None,
     "grade": "Đạt"},
]


def test_xlsx_formulas_and_chart_follow_the_columns_without_a_district():
    data = ranking_xlsx(ROWS, {"Tốt": 1, "Đạt": 1})
    wb, cached = load_workbook(io.BytesIO(data)), load_workbook(io.BytesIO(data), data_only=True)
    ws, wv = wb[RANKING], cached[RANKING]
    assert [c.value for c in ws[4]] == ["Hạng", "Phường, xã, thị trấn", "Điểm tự chấm", "Điểm thẩm định",
                                        "Chênh lệch", "Điểm xếp hạng", "Xếp loại", "Nội dung được điều chỉnh"]
    assert ws["E5"].value == "=D5-C5" and wv["E5"].value == -9.5
    assert ws["E6"].value is None
    assert ws["F5"].value == '=IF(D5="",C5,D5)' and wv["F5"].value == 78 and wv["F6"].value == 33.5
    assert ws["G5"].value == "Tốt" and ws["H5"].value == "TC6.2"
    assert ws.print_area.split("!")[1].startswith("$A$1:$H$")  # ends at the last printed column
    series = ws._charts[0].series[0]
    assert series.val.numRef.f.endswith("!$F$5:$F$6") and series.cat.numRef.f.endswith("!$B$5:$B$6")


def test_xlsx_keeps_the_district_column_when_a_row_has_one():
    rows = [dict(ROWS[0], district="Thị xã Đức Phổ"), ROWS[1]]
    wb = load_workbook(io.BytesIO(ranking_xlsx(rows, {"Tốt": 1, "Đạt": 1})))
    ws = wb[RANKING]
    assert ws["C4"].value == "Huyện, thị xã, thành phố" and ws["C5"].value == "Thị xã Đức Phổ"
    assert ws["F5"].value == "=E5-D5" and ws["G5"].value == '=IF(E5="",D5,E5)'
    assert ws._charts[0].series[0].val.numRef.f.endswith("!$G$5:$G$6")
