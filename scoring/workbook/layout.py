"""The evidence workbook's shape, shared by the writer and the reader so the two cannot drift.

Columns are found by their Vietnamese header, not by letter: a clerk who moves or hides a column
still gets a readable file, and a header typo is reported instead of silently dropping data.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Optional

from ..spellings import NO_WORDS, NOT_APPLICABLE_WORDS, YES_WORDS

FORMAT = "dvcq-workbook/1"

SHEET_WARD = "Đơn vị và kỳ"
SHEET_DOCS = "Văn bản"
SHEET_FACTS = "Số liệu"
SHEET_NOTES = "Ghi chú"
SHEET_META = "_dvcq"

HEADER_ROW = 4          # rows 1–3 hold the title and the instructions
FIRST_ROW = HEADER_ROW + 1
MAX_ROWS = 2000         # far more rows than any pack has identifiers; more means a runaway sheet

NOT_APPLICABLE = NOT_APPLICABLE_WORDS[1]  # the spelling the template offers; all of them are read
YES, NO = YES_WORDS[0], NO_WORDS[0]


@dataclass(frozen=True)
class Column:
    key: str            # the record field it feeds
    header: str         # the Vietnamese header the clerk sees
    width: int          # starting width in characters; the writer widens it to fit the content
    hint: str = ""      # the input message shown when the cell is selected
    wrap: bool = False
    fit: bool = True    # widened to its longest value; the code column stays narrow (the label comes first)


ID_WIDTH = 12  # the code column: narrow, after the Vietnamese label a clerk reads first

WARD_COLUMNS = [
    Column("label", "Nội dung", 44, wrap=True),
    Column("id", "Mã trường", ID_WIDTH, fit=False),
    Column("value", "Giá trị", 40, wrap=True),
    Column("help", "Hướng dẫn", 50, wrap=True),
]

# (field id, label, help) in display order; `ward.kind` and `status` take Vietnamese words.
WARD_FIELDS = [
    ("ward.name", "Tên phường, xã, thị trấn", "Bắt buộc. Ví dụ: Phường Phổ Văn"),
    ("ward.district", "Huyện, thị xã, thành phố", "Ví dụ: Thị xã Đức Phổ"),
    ("ward.province", "Tỉnh, thành phố trực thuộc trung ương", "Bắt buộc. Ví dụ: Quảng Ngãi"),
    ("ward.kind", "Loại đơn vị hành chính", ""),  # help: the kinds the pack assesses (writer._kind_help)
    ("ward.residential_groups", "Số tổ dân phố, thôn", "Số nguyên ≥ 0"),
    ("ward.source", "Nguồn của số tổ dân phố, thôn", "Văn bản, trang, đoạn trích dẫn"),
    ("period.year", "Năm đánh giá", "Bắt buộc. Ví dụ: 2023"),
    ("period.quarter", "Quý (để trống nếu đánh giá cả năm)", "1, 2, 3 hoặc 4"),
    ("period.half", "Nửa năm (1: 6 tháng đầu, 2: 6 tháng cuối; để trống nếu đánh giá cả năm hoặc theo quý)", "1 hoặc 2"),
    ("status", "Tình trạng hồ sơ", "Chọn: hoàn chỉnh hoặc đang hoàn thiện (kết quả tạm tính)"),
]

# every unit kind of the record format (units.KINDS), as a list cell offers them: no commas, which
# would split a data-validation list; the writer offers those the pack assesses
KIND_WORDS = {"phường": "phuong", "xã": "xa", "thị trấn": "thi_tran", "đặc khu": "dac_khu", "sở ngành": "so_nganh",
              "cơ quan cấp tỉnh": "co_quan_cap_tinh"}
STATUS_WORDS = {"hoàn chỉnh": "final", "đang hoàn thiện": "in_progress"}

DOC_COLUMNS = [
    Column("label", "Văn bản theo bộ tiêu chí", 40, wrap=True),
    Column("id", "Mã văn bản", ID_WIDTH, fit=False),
    Column("feeds", "Dùng để chấm (điểm tối đa)", 18, wrap=True),
    Column("entry", "Cần nhập", 24, wrap=True),
    Column("kind", "Loại", 7),
    Column("present", "Đã có văn bản", 10, "có / không"),
    Column("number", "Số, ký hiệu", 16, "Giữ nguyên như trên văn bản, ví dụ 15/KH-UBND"),
    Column("issued_on", "Ngày ban hành", 13, "Ngày dạng dd/mm/yyyy"),
    Column("sent_on", "Ngày gửi", 13, "Ngày dạng dd/mm/yyyy"),
    Column("issuer", "Cơ quan ban hành", 26, wrap=True),
    Column("title", "Trích yếu", 44, wrap=True),
    Column("source", "Nguồn", 44, "Văn bản, trang, đoạn trích dẫn làm căn cứ", wrap=True),
    Column("note", "Ghi chú", 30, wrap=True),
    Column("confidence", "Độ tin cậy", 10, "Số từ 0 đến 1 (bản nháp trích xuất tự động)"),
    Column("review", "Cần xem lại", 10, "có / không"),
]

FACT_COLUMNS = [
    Column("label", "Nội dung", 40, wrap=True),
    Column("id", "Mã số liệu", ID_WIDTH, fit=False),
    Column("feeds", "Dùng để chấm (điểm tối đa)", 18, wrap=True),
    Column("entry", "Cần nhập", 24, wrap=True),
    Column("unit", "Đơn vị tính", 12, wrap=True),
    Column("type", "Loại", 10),
    Column("value", "Giá trị", 14, "Số đếm: số nguyên ≥ 0; có/không; hoặc \"không phát sinh\""),
    Column("num", "Tử số", 9, "Số nguyên ≥ 0"),
    Column("den", "Mẫu số", 9, "Số nguyên ≥ 0"),
    Column("percent", "Tỷ lệ (%)", 10, "Chỉ khi văn bản nêu tỷ lệ mà không nêu tử số, mẫu số. Ví dụ 95,2"),
    Column("done", "Đã thực hiện", 11, "Số nội dung đã thực hiện"),
    Column("total", "Tổng số nội dung", 11, "Theo bộ tiêu chí"),
    Column("na_items", "Số nội dung không phát sinh", 13, "Số nội dung không phát sinh (không bị trừ điểm)"),
    Column("reason", "Lý do không phát sinh", 20, wrap=True),
    Column("source", "Nguồn", 36, "Văn bản, trang, đoạn trích dẫn làm căn cứ", wrap=True),
    Column("note", "Ghi chú", 24, wrap=True),
    Column("confidence", "Độ tin cậy", 10, "Số từ 0 đến 1 (bản nháp trích xuất tự động)"),
    Column("review", "Cần xem lại", 10, "có / không"),
]

SHEET_GUIDE = "Hướng dẫn"
# What to type on a figure's row, by its type (the "Cần nhập" column).
ENTRY_HINTS = {
    "count": "Số nguyên ≥ 0 ở cột Giá trị",
    "yesno": "có hoặc không ở cột Giá trị",
    "rate": "Tử số và Mẫu số (vd. 14 và 16); nếu văn bản chỉ nêu tỷ lệ: cột Tỷ lệ (%)",
    "checklist": "Đã thực hiện và Số nội dung không phát sinh, trên Tổng số nội dung",
}
NOTE_COLUMNS = [
    Column("text", "Nội dung ghi chú", 80, wrap=True),
    Column("source", "Nguồn", 60, wrap=True),
]

# Columns only a draft from `dvcq extract` fills: shown only when the record uses them.
DRAFT_KEYS = ("confidence", "review")

TYPE_WORDS = {"count": "số đếm", "yesno": "có/không", "rate": "tỷ lệ", "checklist": "danh mục"}
TYPE_BY_WORD = {v: k for k, v in TYPE_WORDS.items()}
# The columns each type of figure uses; any other value column filled on that row is an error.
TYPE_COLUMNS = {
    "count": ("value",),
    "yesno": ("value",),
    "rate": ("num", "den", "percent"),
    "checklist": ("done", "total", "na_items"),
}
VALUE_KEYS = ("value", "num", "den", "percent", "done", "total", "na_items")


def norm(text: str) -> str:
    """Header and keyword comparison: NFC, case-folded, inner spaces collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def column_by_header(columns: list[Column], header: str) -> Optional[Column]:
    h = norm(header)
    for c in columns:
        if norm(c.header) == h:
            return c
    return None
