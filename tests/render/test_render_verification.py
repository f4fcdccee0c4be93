"""`dvcq verify --format html`: the verification record the verifying unit issues and signs."""
from __future__ import annotations

import pytest

from scoring.cli import main

from printtools import pdf_pages, pdf_text, png_page, print_pdf, words_right_edge
from support import SAMPLES

QN = SAMPLES / "quang-ngai"
RECORD, REVIEW = QN / "nguyen-nghiem-2023.yaml", QN / "reviews" / "nguyen-nghiem-2023.review.yaml"


@pytest.fixture(scope="module")
def page() -> str:
    from click.testing import CliRunner

    r = CliRunner().invoke(main, ["verify", str(RECORD), "--review", str(REVIEW), "--format", "html"])
    assert r.exit_code == 0, r.output
    return r.stdout


def test_issued_by_the_verifying_unit_with_both_scores_per_item(page):
    assert page.startswith("<!DOCTYPE html>")
    assert "<b>PHÒNG NỘI VỤ THỊ XÃ ĐỨC PHỔ</b>" in page  # the issuing body, not the commune
    assert "Đức Phổ, ngày 20 tháng 05 năm 2024" in page  # its place and the review's date
    assert "Biên bản thẩm định kết quả tự chấm điểm" in page
    assert "TM. PHÒNG NỘI VỤ THỊ XÃ ĐỨC PHỔ" in page and "NGƯỜI THẨM ĐỊNH" in page
    assert "<th class=\"num\">Tự chấm</th><th class=\"num\">Thẩm định</th>" in page
    assert "Tự chấm: lấy phần cao nhất" in page and "Thẩm định: lấy phần cao nhất" in page  # reasons of both
    assert "Quyết định số 59/QĐ-UBND ngày 16/02/2024 ban hành sau kỳ đánh giá" in page  # the finding's reason
    assert "<dd>37/100</dd>" in page and "<dd>31/100</dd>" in page and "<dd>−6</dd>" in page
    assert "#d0" not in page and "#missing" not in page


def test_chromium_prints_the_verification_record(page, tmp_path, chromium, pdftotext, pdftoppm, artifacts):
    pdf = print_pdf(chromium, page, tmp_path, "tham-dinh")
    reading = " ".join(pdf_text(pdftotext, pdf, layout=False).split())
    for words in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "PHÒNG NỘI VỤ THỊ XÃ ĐỨC PHỔ",
                  "BIÊN BẢN THẨM ĐỊNH KẾT QUẢ TỰ CHẤM ĐIỂM", "Kết luận thẩm định", "TM. PHÒNG NỘI VỤ THỊ XÃ ĐỨC PHỔ"):
        assert words in reading, words
    assert pdf_pages(pdf) <= 6
    edges = words_right_edge(pdftotext, pdf)
    assert all(x <= w - 11 / 25.4 * 72 + 1 for x, w, _ in edges)  # nothing past the right margin (11 mm)
    png_page(pdftoppm, pdf, artifacts / "giay-to-tham-dinh.png")
