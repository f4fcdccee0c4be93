"""The district ranking renderers, fed plain rows as `dvcq batch` will feed them."""
from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from scoring.api import score as score_file
from scoring.render.batch_html import render_ranking as ranking_html
from scoring.render.batch_xlsx import GRADES, RANKING
from scoring.render.batch_xlsx import render_ranking as ranking_xlsx

from printtools import chromium_run, pdf_text, to_pdf
from support import SAMPLES

ROWS = [
    {"rank": 2, "ward": "Phường Phổ Văn", "district": "Thị xã Đức Phổ", "self_total": Decimal("33.5"),
     "verified_total": None, "grade": "Không hoàn thành nhiệm vụ", "moved": []},
    {"rank": 1, "ward": "Phường Nguyễn Nghiêm", "district": "Thị xã Đức Phổ", "self_total": Decimal("87.5"),
     "verified_total": Decimal("78"), "grade": "Hoàn thành tốt nhiệm vụ",
     "moved": [{"id": "TC5.4", "self": Decimal("6"), "verified": Decimal("4")}, "TC6.2"]},
    {"rank": 3, "ward": "Phường Phổ Hòa", "district": "Thị xã Đức Phổ", "self_total": 31,
     "verified_total": Decimal("31.25"), "grade": "Không hoàn thành nhiệm vụ"},
]
COUNTS = {"Hoàn thành xuất sắc nhiệm vụ": 0, "Hoàn thành tốt nhiệm vụ": 1, "Hoàn thành nhiệm vụ": 0,
          "Không hoàn thành nhiệm vụ": 2}


def test_html_ranking_lists_wards_in_rank_order_with_charts():
    text = ranking_html(ROWS, COUNTS, subtitle="Thị xã Đức Phổ — năm 2023")
    order = [text.index(w) for w in ("1. Phường Nguyễn Nghiêm", "2. Phường Phổ Văn", "3. Phường Phổ Hòa")]
    assert order == sorted(order)  # chart bars in rank order
    table = text[text.index('<table class="ranking">'):]
    assert table.index("Phường Nguyễn Nghiêm") < table.index("Phường Phổ Văn") < table.index("Phường Phổ Hòa")
    assert "TC5.4: 6 → 4; TC6.2" in text
    assert "-9,5" in text and "+0,25" in text  # verified − self, Vietnamese decimals
    assert text.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 2
    assert "Tổng điểm sau thẩm định theo đơn vị" in text and "Số đơn vị theo xếp loại" in text
    assert "điểm tự chấm" in text  # the self-score marker of verified wards
    assert ranking_html(ROWS, COUNTS) == ranking_html(ROWS, COUNTS)


def test_html_ranking_appends_one_ward_per_printed_page():
    results = [score_file(SAMPLES / "quang-ngai" / f"{n}-2023.yaml") for n in ("nguyen-nghiem", "pho-van")]
    text = ranking_html(ROWS, list(COUNTS.items()), reports=results)
    assert text.count('<section class="ward"') == 2
    assert "section.ranking ~ section.ward { break-before: page; }" in text
    assert text.count('<table class="scores bycriterion">') == 2  # each ward by criterion


def test_a_row_missing_a_key_is_refused():
    with pytest.raises(ValueError, match="thiếu khóa"):
        ranking_html([{"rank": 1, "ward": "X", "self_total": 1}], COUNTS)
    with pytest.raises(ValueError, match="thiếu khóa"):
        ranking_xlsx([{"rank": 1, "ward": "X", "grade": "A"}], COUNTS)


def test_xlsx_ranking_values_formulas_and_charts():
    data = ranking_xlsx(ROWS, COUNTS, subtitle="Thị xã Đức Phổ — năm 2023")
    assert data == ranking_xlsx(ROWS, COUNTS, subtitle="Thị xã Đức Phổ — năm 2023")
    wb, cached = load_workbook(io.BytesIO(data)), load_workbook(io.BytesIO(data), data_only=True)
    ws, wv = wb[RANKING], cached[RANKING]
    assert [ws.cell(5 + i, 2).value for i in range(3)] == ["Phường Nguyễn Nghiêm", "Phường Phổ Văn", "Phường Phổ Hòa"]
    assert ws["F5"].value == "=E5-D5" and wv["F5"].value == -9.5
    assert ws["F6"].value is None  # not verified: no difference
    assert wv["G6"].value == 33.5 and wv["G7"].value == 31.25
    assert ws["I5"].value == "TC5.4: 6 → 4; TC6.2"
    assert len(ws._charts) == 1
    gs, gv = wb[GRADES], cached[GRADES]
    assert [(gs.cell(r, 1).value, gs.cell(r, 2).value) for r in range(5, 9)] == list(COUNTS.items())
    assert gs["B9"].value == "=SUM(B5:B8)" and gv["B9"].value == 3
    assert len(gs._charts) == 1


def test_rankings_render_in_libreoffice_and_chromium(tmp_path, soffice, chromium, pdftotext, artifacts):
    path = tmp_path / "xep-hang.xlsx"
    path.write_bytes(ranking_xlsx(ROWS, COUNTS, subtitle="Thị xã Đức Phổ — năm 2023"))
    flat = " ".join(pdf_text(pdftotext, to_pdf(soffice, path, tmp_path)).split())
    assert "Phường Nguyễn Nghiêm" in flat and "Không hoàn thành nhiệm vụ" in flat
    page = tmp_path / "xep-hang.html"
    page.write_text(ranking_html(ROWS, COUNTS, subtitle="Thị xã Đức Phổ — năm 2023"), encoding="utf-8")
    shot = artifacts / "xep-hang.png"
    shot.unlink(missing_ok=True)
    run = chromium_run(chromium, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1000,1400",
                       "--hide-scrollbars", page.as_uri())
    assert run.returncode == 0 and shot.stat().st_size > 20_000, run.stderr
