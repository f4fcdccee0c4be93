"""Reading .txt / .md / .docx reports into sentences with their sections."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import docx
import pytest

from scoring.errors import UsageError
from scoring.extract import extract_file
from scoring.extract.reader import read_report, split_sentences
from scoring.extract.text import fold


def _docx(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("ỦY BAN NHÂN DÂN PHƯỜNG THỬ NGHIỆM")
    d.add_paragraph("Số: 12/BC-UBND")
    d.add_paragraph("BÁO CÁO")
    d.add_paragraph("Kết quả công tác dân vận chính quyền năm 2023")
    d.add_heading("I. KẾT QUẢ THỰC HIỆN", level=1)
    d.add_paragraph("Phường Thử Nghiệm thuộc thành phố Quảng Ngãi, tỉnh Quảng Ngãi, có 07 Tổ dân phố. "
                    "Tổng số đơn đã giải quyết 15/16 đơn; tỷ lệ giải quyết 93,75%.")
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Tiếp công dân định kỳ"
    table.cell(0, 1).text = "Chủ tịch UBND phường tiếp công dân định kỳ 12 buổi."
    d.add_heading("II. NHIỆM VỤ, GIẢI PHÁP NĂM 2024", level=1)
    d.add_paragraph("Phấn đấu tổ chức 04 hội nghị quán triệt; 100% hồ sơ giải quyết đúng hạn.")
    out = path / "bao-cao.docx"
    d.save(out)
    return out


def test_docx_paragraphs_tables_and_sections(tmp_path):
    r = read_report(_docx(tmp_path))
    assert r.kind == "report" and r.title == "Kết quả công tác dân vận chính quyền năm 2023"
    texts = [s.text for s in r.sentences]
    assert "Tổng số đơn đã giải quyết 15/16 đơn; tỷ lệ giải quyết 93,75%." in texts
    assert "Chủ tịch UBND phường tiếp công dân định kỳ 12 buổi." in texts  # from the table
    future = [s for s in r.sentences if s.future]
    assert [s.text for s in future][-1].startswith("Phấn đấu tổ chức 04 hội nghị")
    results = next(s for s in r.sentences if "15/16" in s.text)
    assert results.section == "I. KẾT QUẢ THỰC HIỆN" and not results.future


def test_docx_draft_finds_figures_and_ignores_targets(tmp_path):
    e = extract_file(_docx(tmp_path))
    facts = e.draft["facts"]
    assert facts["petitions.settled"]["num"] == 15 and facts["petitions.settled"]["den"] == 16
    assert facts["reception.scheduled_sessions"]["value"] == 12
    assert "leadership.briefing_conferences" not in facts  # "phấn đấu 04 hội nghị" is a target
    assert e.draft["ward"]["residential_groups"] == 7
    assert e.draft["ward"]["name"] == "Phường Thử Nghiệm"
    report_doc = next(d for d in e.draft["documents"] if d["id"] == "report.dvcq_annual")
    assert report_doc["number"] == "12/BC-UBND"


def test_text_lines_cut_by_page_breaks_are_glued(tmp_path):
    p = tmp_path / "r.txt"
    p.write_text("BÁO CÁO\n\nĐảng ủy phường đã ban hành Nghị quyết về phát triển kinh tế - xã\n\n"
                 "hội năm 2023. Tiếp theo là câu khác.\n", encoding="utf-8")
    r = read_report(p)
    assert [s.text for s in r.sentences][1:] == [
        "Đảng ủy phường đã ban hành Nghị quyết về phát triển kinh tế - xã hội năm 2023.", "Tiếp theo là câu khác."]


def test_markdown_marks_are_dropped(tmp_path):
    p = tmp_path / "r.md"
    p.write_text("## **2.3. Kết quả:**\n\n- + Tiếp công dân định kỳ có 01 lượt/ 01 người.\n"
                 "đã hòa giải 8 vụ (*trong đó hòa giải thành 05 vụ*)\n", encoding="utf-8")
    r = read_report(p)
    assert r.paragraphs[0].heading and r.paragraphs[0].text == "2.3. Kết quả:"
    assert r.sentences[1].text.startswith("Tiếp công dân định kỳ có 01 lượt/ 01 người.")
    assert "(trong đó hòa giải thành 05 vụ)" in r.text


def test_sentences_do_not_end_at_list_numbers_or_abbreviations():
    assert split_sentences("1. Nâng cao hiệu lực. Tiếp tục thực hiện.") == ["1. Nâng cao hiệu lực.", "Tiếp tục thực hiện."]
    assert split_sentences("- TT. Đảng uỷ phường; Lưu: VT.") == ["- TT. Đảng uỷ phường; Lưu: VT."]
    assert split_sentences("dân số 7.538 khẩu, có 05 Tổ dân phố.") == ["dân số 7.538 khẩu, có 05 Tổ dân phố."]


def test_tone_marks_fold_without_moving_positions():
    assert fold("hoà giải thành, Uỷ ban, tổ văn hoá") == "hòa giải thành, Ủy ban, tổ văn hóa"
    assert fold("đối thoại, hoạt động, Quý I") == "đối thoại, hoạt động, Quý I"


@pytest.mark.parametrize("name, content, words", [
    ("missing.txt", None, "không tìm thấy"),
    ("report.pdf", b"%PDF-1.4", "không hỗ trợ định dạng '.pdf'"),
    ("report.doc", b"\xd0\xcf\x11\xe0", "lưu lại dưới dạng .docx"),
    ("broken.docx", b"not a zip", "tệp .docx bị hỏng"),
    ("empty.txt", b"   \n\n", "không có nội dung"),
])
def test_unreadable_reports_are_usage_errors_naming_the_file(tmp_path, name, content, words):
    p = tmp_path / name
    if content is not None:
        p.write_bytes(content)
    with pytest.raises(UsageError) as exc:
        read_report(p)
    assert words in exc.value.render() and name in exc.value.render()


def _cp1258(text: str) -> bytes:
    """Windows-1258 writes a base letter and a combining tone mark: 'ờ' is 'ơ' + U+0300."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            d = unicodedata.normalize("NFD", ch)
            out += unicodedata.normalize("NFC", d[:-1]).encode("cp1258") + d[-1].encode("cp1258")
    return out


def test_windows_vietnamese_encoding_is_read(tmp_path):
    p = tmp_path / "cp1258.txt"
    p.write_bytes(_cp1258("BÁO CÁO\n\nPhường có 05 Tổ dân phố.\n"))
    assert "Phường có 05 Tổ dân phố." in read_report(p).text  # decoded and recomposed (NFC)
