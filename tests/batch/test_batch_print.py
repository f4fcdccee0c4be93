"""`dvcq batch --format html|xlsx`: the district's printed ranking, its charts, the ward reports, the workbook."""
from __future__ import annotations

import pickle
import re
import shutil
from pathlib import Path

import pytest
from fixtures.records3 import BATCH_PACK, QN, QN_PACK, tn_record, write, write_review
from openpyxl import load_workbook
from render.printtools import chromium_run, pdf_text, png_page, to_pdf

from scoring.batch.run import run_batch
from scoring.cli import main
from scoring.render.batch_xlsx import sheet_name

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
SAMPLE_ORDER = ["Phường Nguyễn Nghiêm", "Phường Phổ Văn", "Phường Phổ Hòa", "Phường Trương Quang Trọng"]
RANKED, PROVISIONAL = SAMPLE_ORDER[:2], SAMPLE_ORDER[2:]  # Phổ Hòa and Trương Quang Trọng are in_progress


def tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        pytest.skip(f"không có {name}: chạy scripts/install-system-deps.sh")
    return path


def batch(runner, *args, code=0):
    r = runner.invoke(main, ["batch", *map(str, args)])
    assert r.exit_code == code, r.stdout + r.stderr
    return r


def samples_html(runner) -> str:
    return batch(runner, QN, "--reviews", QN / "reviews", "--format", "html").stdout


def sections(text: str, cls: str) -> list[str]:
    return re.findall(rf'<section class="{cls}">(.*?)</section>', text, flags=re.DOTALL)


def in_order(text: str, names: list[str]) -> bool:
    pos = [text.index(n) for n in names]
    return pos == sorted(pos)


@pytest.fixture
def mixed(tmp_path):
    """Two years under the batch test pack: a quota move, an ineligible unit, a broken record."""
    recs, revs = tmp_path / "hoso", tmp_path / "thamdinh"
    a = write(recs, "a", tn_record("Phường A", 60, 30))
    write(recs, "b", tn_record("Phường Bình", 58, 30))
    write(recs, "c", tn_record("Phường Cẩm", 50, 20))
    write(recs, "d", tn_record("Xã Đông", 10, 10, plan=False))
    write(recs, "e22", tn_record("Xã Ea", 30, 5, year=2022))
    write(recs, "f22", tn_record("Xã Phú", 50, 25, year=2022))
    (recs / "hong.json").write_text("{", encoding="utf-8")
    write_review(revs / "a.yaml", a, [{"item": "TC3.1", "points": 4, "reason": "tốt"}])
    return recs, revs


def test_html_of_the_samples_has_ranking_charts_and_one_report_per_ward(runner):
    text = samples_html(runner)
    assert text == samples_html(runner)
    [ranking, provisional] = sections(text, "ranking")
    start = ranking.index('<table class="ranking">')
    table = ranking[start:ranking.index("</table>", start)]
    assert in_order(table, RANKED) and not any(w in ranking for w in PROVISIONAL)
    # The unfinished records: their own table (own ranks 1, 2), counts and charts, after the ranking.
    assert "Hồ sơ tạm tính (đang hoàn thiện), xếp riêng — năm 2023" in provisional
    rows = re.findall(r'<td class="num">([^<]+)</td><td class="ward">([^<]+)<', provisional)
    assert rows == [("1", "Phường Phổ Hòa"), ("2", "Phường Trương Quang Trọng")]
    assert provisional.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 2
    assert not any(w in provisional for w in RANKED)
    assert "TC4.1: 6 → 1,5; TC1.4: 3 → 0; TC6.2: 0 → 1,5" in table  # self → verified points of the moved items
    assert ranking.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 2
    assert "Tổng điểm sau thẩm định theo đơn vị" in ranking and "Số đơn vị theo xếp loại" in ranking
    # Four grades and the self-score mark do not fit one legend line of the 760-wide chart: wrapped, not cut off.
    x, y = map(int, re.search(r'<text x="(\d+)" y="(\d+)">- - điểm tự chấm</text>', ranking).groups())
    assert x + 7 * len("- - điểm tự chấm") <= 760 and y > 38
    assert "BỘ TIÊU CHÍ DỰ THẢO (draft): quang-ngai-1211-2022" in ranking and '<p class="banner">' in ranking
    assert "Xếp hạng công tác dân vận chính quyền cấp xã năm 2023" in ranking
    assert "@page { size: A4" in text and "section.ranking ~ section.ward { break-before: page; }" in text

    wards = sections(text, "ward")
    assert len(wards) == 4
    heads = [re.search(r'<p class="sub"><b>([^,<]+),', w).group(1) for w in wards]
    assert heads == SAMPLE_ORDER  # the reports follow the ranking's order
    # Reviewed wards print their verified result, with the total the ranking used.
    assert ["Kết quả thẩm định" in w for w in wards] == [True, True, False, False]
    assert "<dd>31/100</dd>" in wards[0] and "<dd>27/100</dd>" in wards[1]
    assert "Hồ sơ đang hoàn thiện" in wards[2] and "<table class=\"scores bycriterion\">" in wards[3]
    assert '<section class="closing">' in text and "Tổng: 4 hồ sơ; 2 xếp hạng; 2 tạm tính (xếp riêng)" in text


def test_xlsx_of_the_samples_opens_with_ranking_and_counts(runner, tmp_path):
    out1, out2 = tmp_path / "xh1.xlsx", tmp_path / "xh2.xlsx"
    for out in (out1, out2):
        r = batch(runner, QN, "--reviews", QN / "reviews", "--format", "xlsx", "-o", out)
        assert r.stdout == "" and f"đã ghi {out}" in r.stderr
    assert out1.read_bytes() == out2.read_bytes()
    wb = load_workbook(out1)
    cached = load_workbook(out1, data_only=True)
    assert wb.sheetnames == ["Xếp hạng 2023", "Xếp loại 2023", "Xếp hạng 2023 tạm tính", "Xếp loại 2023 tạm tính"]
    ws, wv = wb["Xếp hạng 2023"], cached["Xếp hạng 2023"]
    assert [ws.cell(r, 2).value for r in range(5, 7)] == RANKED and ws.cell(7, 2).value is None
    assert [ws.cell(r, 1).value for r in range(5, 7)] == [1, 2]
    assert [ws.cell(r, 4).value for r in range(5, 7)] == [37, 28]
    assert [ws.cell(r, 5).value for r in range(5, 7)] == [31, 27]
    assert [wv.cell(r, 7).value for r in range(5, 7)] == [31, 27]  # the totals ranked on
    assert ws["F5"].value == "=E5-D5" and wv["F5"].value == -6
    ps, pv = wb["Xếp hạng 2023 tạm tính"], cached["Xếp hạng 2023 tạm tính"]
    assert "tạm tính" in ps["A1"].value and "xếp riêng" in ps["A3"].value
    assert [(ps.cell(r, 1).value, ps.cell(r, 2).value) for r in range(5, 7)] == [(1, PROVISIONAL[0]), (2, PROVISIONAL[1])]
    assert [pv.cell(r, 7).value for r in range(5, 7)] == [23.5, 0]
    assert ps["J5"].value == "hồ sơ đang hoàn thiện: điểm tạm tính"
    assert len(ps._charts) == 1
    assert "BỘ TIÊU CHÍ DỰ THẢO" in ws["A3"].value
    assert len(ws._charts) == 1
    gs, gv = wb["Xếp loại 2023"], cached["Xếp loại 2023"]
    assert [(gs.cell(r, 1).value, gs.cell(r, 2).value) for r in range(5, 9)] == [
        ("Hoàn thành xuất sắc nhiệm vụ", 0), ("Hoàn thành tốt nhiệm vụ", 0), ("Hoàn thành nhiệm vụ", 0),
        ("Không hoàn thành nhiệm vụ", 2)]  # the provisional two are not counted with the ranked
    assert gs["B9"].value == "=SUM(B5:B8)" and gv["B9"].value == 2
    assert cached["Xếp loại 2023 tạm tính"]["B9"].value == 2
    assert len(gs._charts) == 1


def test_xlsx_without_output_file_is_refused_before_scoring(runner):
    r = batch(runner, QN, "--format", "xlsx", code=2)
    assert "định dạng xlsx là tệp nhị phân: cần -o" in r.stderr and r.stdout == ""


def test_mixed_years_give_a_section_and_sheets_per_year_with_unranked_and_failed_units(runner, mixed, tmp_path):
    recs, revs = mixed
    text = batch(runner, recs, "--reviews", revs, "--rules", BATCH_PACK, "--format", "html", code=2).stdout
    rankings = sections(text, "ranking")
    assert len(rankings) == 2 and "section.ranking + section.ranking { break-before: page; }" in text
    assert "cấp xã năm 2022" in rankings[0] and "cấp xã năm 2023" in rankings[1]
    assert in_order(rankings[0], ["Xã Phú", "Xã Ea"])
    rows = re.findall(r"<tr( class=\"unranked\")?><td class=\"num\">([^<]+)</td><td class=\"ward\">([^<]+)<",
                      rankings[1])
    assert [(rank, ward, bool(cls)) for cls, rank, ward in rows] == [
        ("1", "Phường A", False), ("2", "Phường Bình", False), ("3", "Phường Cẩm", False), ("—", "Xã Đông", True)]
    assert "K1: Không có kế hoạch năm (thiếu doc.plan)" in rankings[1]  # why it is not ranked
    assert "— Xã Đông" in rankings[1]  # its bar in the chart is marked unranked too
    assert "2 đơn vị đạt mức này, chuyển xuống &#x27;Hoàn thành tốt nhiệm vụ&#x27;" in rankings[1]
    [failed] = sections(text, "closing")
    assert "Hồ sơ/tệp lỗi, không được xếp hạng (1)" in failed and "<b>hong.json</b>" in failed
    wards = sections(text, "ward")
    heads = [re.search(r'<p class="sub"><b>([^,<]+),', w).group(1) for w in wards]
    assert heads == ["Xã Phú", "Xã Ea", "Phường A", "Phường Bình", "Phường Cẩm"]  # ranked units only
    # A ward the quota moved down says so on its own page rather than contradicting the ranking.
    assert "Xếp loại trong bảng xếp hạng: Hoàn thành tốt nhiệm vụ — chuyển xuống" in wards[2]
    assert "Xếp loại trong bảng xếp hạng" not in wards[4]

    out = tmp_path / "xep-hang.xlsx"
    batch(runner, recs, "--reviews", revs, "--rules", BATCH_PACK, "--format", "xlsx", "-o", out, code=2)
    wb = load_workbook(out)
    assert wb.sheetnames == ["Xếp hạng 2022", "Xếp loại 2022", "Xếp hạng 2023", "Xếp loại 2023", "Hồ sơ lỗi"]
    ws = wb["Xếp hạng 2023"]
    assert [(ws.cell(r, 1).value, ws.cell(r, 2).value) for r in range(5, 9)] == [
        (1, "Phường A"), (2, "Phường Bình"), (3, "Phường Cẩm"), ("—", "Xã Đông")]
    assert ws["H8"].value == "Không đủ điều kiện xếp loại" and "thiếu doc.plan" in ws["J8"].value
    assert "chuyển xuống" in ws["J5"].value
    counts = {wb["Xếp loại 2023"].cell(r, 1).value: wb["Xếp loại 2023"].cell(r, 2).value for r in range(5, 10)}
    assert counts == {"Hoàn thành xuất sắc nhiệm vụ": 0, "Hoàn thành tốt nhiệm vụ": 3, "Hoàn thành nhiệm vụ": 0,
                      "Không hoàn thành nhiệm vụ": 0, "Không đủ điều kiện xếp loại": 1}
    fs = wb["Hồ sơ lỗi"]
    cells = [(fs.cell(r, 1).value, fs.cell(r, 2).value) for r in range(1, fs.max_row + 1)]
    assert any(f == "hong.json" and "lỗi cú pháp JSON" in (m or "") for f, m in cells)


def test_two_rankings_of_one_year_get_distinct_sheet_names(runner, tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    shutil.copy(QN_PACK, rules)
    shutil.copy(BATCH_PACK, rules)
    recs = tmp_path / "hoso"
    recs.mkdir()
    shutil.copy(QN / "pho-van-2023.yaml", recs)
    write(recs, "a", tn_record("Phường A", 50, 20))
    out = tmp_path / "xh.xlsx"
    batch(runner, recs, "--rules-dir", rules, "--format", "xlsx", "-o", out)
    assert load_workbook(out).sheetnames == ["Xếp hạng 2023", "Xếp loại 2023", "Xếp hạng 2023 (2)",
                                             "Xếp loại 2023 (2)"]


def test_sheet_names_are_legal_and_unique():
    used: set[str] = set()
    long = "Xếp hạng quý 1/2023 của một huyện có tên rất dài"
    names = [sheet_name(long, used), sheet_name(long, used), sheet_name("XẾP HẠNG QUÝ 1/2023 CỦA MỘT HUYỆN CÓ", used)]
    assert all(len(n) <= 31 and not re.search(r"[\[\]:*?/\\]", n) for n in names)
    assert len({n.casefold() for n in names}) == 3 and names[1].endswith(" (2)") and names[2].endswith(" (3)")


def test_results_are_kept_only_when_asked_and_survive_the_worker_pipe():
    plain = run_batch(QN, QN / "reviews", jobs=1)
    assert all(r.s.result is None for g in plain.groups for r in g.rows)
    kept = run_batch(QN, QN / "reviews", jobs=1, results=True)
    rows = [r for g in kept.groups for r in g.rows]
    assert [r.s.result.total for r in rows] == [r.s.total for r in rows]
    assert [r.s.result.mode for r in rows] == ["verified", "verified", "self", "self"]
    back = pickle.loads(pickle.dumps(rows[0].s))  # worker processes send it back pickled
    assert back.result.to_json_dict() == rows[0].s.result.to_json_dict()


def test_chromium_prints_each_ward_on_its_own_a4_page(runner, tmp_path):
    chromium, pdftotext = tool("chromium"), tool("pdftotext")
    page = tmp_path / "xep-hang.html"
    page.write_text(samples_html(runner), encoding="utf-8")
    pdf = tmp_path / "xep-hang.pdf"
    run = chromium_run(chromium, tmp_path / "profile", f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    assert run.returncode == 0 and pdf.exists(), run.stderr
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf.read_bytes())
    assert boxes and all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in boxes)  # A4
    pages = [" ".join(p.split()) for p in pdf_text(pdftotext, pdf).split("\f")]
    assert pages[0].startswith("UBND TỈNH QUẢNG NGÃI CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")  # the cover
    assert "XẾP HẠNG CÔNG TÁC DÂN VẬN CHÍNH QUYỀN CẤP XÃ NĂM 2023" in pages[0]
    assert "2 Phường Phổ Văn" in pages[0] and "BỘ TIÊU CHÍ DỰ THẢO" in pages[0]  # the whole table on page 1
    assert "Phường Trương" not in pages[0]  # provisional: on a page of their own, not on the signed cover
    apart = [p for p in pages if "Hồ sơ tạm tính (đang hoàn thiện), xếp riêng".upper() in p.upper()]
    assert apart and "2 Phường Trương" in apart[0]
    assert "TM. UBND TỈNH QUẢNG NGÃI" in pages[0] and "NGƯỜI LẬP BIỂU" in pages[0]  # signed on the cover
    assert "ngày 20 tháng 05 năm 2024" in pages[0]  # the latest review's date, not the day it was printed
    assert "Chỉ tiêu xếp loại" in pages[0] and "Số đơn vị" in pages[0]
    assert len(pages) - (pages[-1] == "") <= 12  # four wards (58 pages when each printed its whole trail)
    starts = [i for i, p in enumerate(pages) if p.startswith("KẾT QUẢ")]
    assert len(starts) == 4  # every report begins at the top of a page
    assert [next(w for w in SAMPLE_ORDER if w in pages[i]) for i in starts] == SAMPLE_ORDER
    assert all("KẾT QUẢ" not in p[1:] for p in pages)  # and never in the middle of one
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "xep-hang-huyen.pdf").write_bytes(pdf.read_bytes())
    png_page(tool("pdftoppm"), pdf, ARTIFACTS / "giay-to-xep-hang.png")  # the cover, for the README
    shot = ARTIFACTS / "xep-hang-huyen.png"
    shot.unlink(missing_ok=True)
    run = chromium_run(chromium, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1000,2400",
                       "--hide-scrollbars", page.as_uri())
    assert run.returncode == 0 and shot.stat().st_size > 50_000, run.stderr  # blank pages compress to a few kB


def test_libreoffice_prints_the_mixed_workbook(runner, mixed, tmp_path):
    soffice, pdftotext = tool("soffice"), tool("pdftotext")
    recs, revs = mixed
    out = tmp_path / "xep-hang.xlsx"
    batch(runner, recs, "--reviews", revs, "--rules", BATCH_PACK, "--format", "xlsx", "-o", out, code=2)
    flat = " ".join(pdf_text(pdftotext, to_pdf(soffice, out, tmp_path)).split())
    assert "cấp xã năm 2022" in flat and "cấp xã năm 2023" in flat
    assert "Không đủ điều kiện xếp loại" in flat and "hong.json" in flat and "Tổng điểm theo đơn vị" in flat
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(tmp_path / "xep-hang.pdf", ARTIFACTS / "xep-hang-huyen-excel.pdf")
