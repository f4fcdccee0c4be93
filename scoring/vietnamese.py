"""How a number or a code word reads in Vietnamese: the one place for both.

Numbers: thousands grouped with '.', decimals after ',' (12.345; 10,5), exact (no rounding, no
trailing zeros), a Fraction that does not end shown to four places after '≈'. The grouping is
Babel's Vietnamese locale (already a dependency for extract); values below 1000 need no grouping
and take a fast path that a property test holds equal to Babel, because this runs for every
sentence of every scored record.

`plain_number` is the other spelling: the exact machine text (dot, no grouping, no exponent) that
JSON, CSV, SVG coordinates and spreadsheets carry.

Labels: pack status, scoring method and fact kind, each spelt once; and the period a record is of
(`period_label`), in the few styles the outputs print it in.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Optional

LOCALE = "vi_VN"
_SHORT = Decimal("0.0001")

STATUS_LABELS = {
    "draft": "dự thảo",
    "in_force": "đang có hiệu lực",
    "repealed": "đã hết hiệu lực",
    "example": "ví dụ minh họa",
}

METHOD_LABELS = {
    "tiers": "theo bậc",
    "document_deadline": "văn bản đúng hạn",
    "yes_no": "có/không",
    "proportional": "tỷ lệ với kết quả",
    "checklist": "danh mục",
    "per_item": "theo từng trường hợp",
    "manual": "thẩm định chấm",
    "sum": "tổng các phần",
    "best_of": "phần cao nhất",
    "average": "trung bình các phần",
}

FACT_KIND_LABELS = {
    "count": "số đếm (số nguyên ≥ 0)",
    "yesno": "có/không (true/false)",
    "rate": "tỷ lệ {num, den} hoặc {percent}",
    "checklist": "danh mục {done, total, not_applicable}",
    "not_applicable": "không phát sinh",
}


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def method_label(method: str) -> str:
    return METHOD_LABELS.get(method, method)


# How each output words a period, as (whole year, quarter) templates; a half-year always reads as
# `Period.label()` does ("6 tháng đầu năm 2026"), except a sheet name, which has ≤ 31 characters
# for "Xếp hạng … tạm tính" and takes "nửa đầu-2026". Year and quarter texts are the ones each
# output printed before half-years were worded (the golden outputs hold them byte for byte).
PERIOD_STYLES = {
    "short": ("năm {y}", "quý {q}/{y}"),            # messages, the batch's tables, csv and titles
    "long": ("năm {y}", "quý {q} năm {y}"),         # html titles, the verification record
    "title": ("NĂM {y}", "QUÝ {q} NĂM {y}"),        # an upper-case title (the Excel score sheet)
    "heading": ("năm {y}", "năm {y}, quý {q}"),     # the "Đơn vị: … — …" line of the table and Markdown
    "term": ("kỳ {y}", "kỳ {y} quý {q}"),           # dvcq explain's first line
    "sheet": ("{y}", "quý {q}-{y}"),                # Excel sheet names (no '/')
    "bare": ("{y}", "quý {q}/{y}"),                  # in brackets after a name: Markdown titles
}
HALF_WORDS = {1: "đầu", 2: "cuối"}


def period_parts(period) -> tuple[int, Optional[int], Optional[int]]:
    """(year, quarter, half) of a period given as a result's `evidence.period` dict (where `half`
    is written only when set), an `evidence.Period`, or a (year, quarter[, half]) tuple."""
    if isinstance(period, tuple):
        year, quarter, half = (tuple(period) + (None, None))[:3]
    elif isinstance(period, Mapping):
        year, quarter, half = period["year"], period.get("quarter"), period.get("half")
    else:
        year, quarter, half = period.year, period.quarter, period.half
    return year, quarter or None, half or None


def period_label(period, style: str = "short") -> str:
    """The one wording of a record's period: 'quý 2/2026', 'QUÝ 2 NĂM 2026', '6 tháng cuối năm 2026'…"""
    year, quarter, half = period_parts(period)
    if half:
        if style == "sheet":
            return f"nửa {HALF_WORDS[half]}-{year}"
        text = f"6 tháng {HALF_WORDS[half]} năm {year}"
        text = f"kỳ {text}" if style == "term" else text
        return text.upper() if style == "title" else text
    whole, part = PERIOD_STYLES[style]
    return (part if quarter else whole).format(y=year, q=quarter)


def fmt_number(d: Decimal | int | Fraction) -> str:
    """Vietnamese display: 12.345; 93,75; 4; 1,5; −1.234 is written '-1.234'; 2/3 → '≈0,6667'."""
    if isinstance(d, Fraction):
        exact = Decimal(d.numerator) / Decimal(d.denominator)
        short = exact.quantize(_SHORT, rounding="ROUND_HALF_UP")
        if short != exact:
            return "≈" + fmt_number(short)
        d = exact
    d = Decimal(d)
    if not d.is_finite():
        raise ValueError(f"số không hữu hạn: {d}")
    if -1000 < d < 1000:
        if d == d.to_integral_value():
            return str(int(d))
        return format(d.normalize(), "f").replace(".", ",")
    return _grouped(d)


def _grouped(d: Decimal) -> str:
    from babel.numbers import format_decimal  # only for values ≥ 1000 (counts, populations)

    text = format_decimal(d.normalize() if d != d.to_integral_value() else Decimal(int(d)), locale=LOCALE,
                          decimal_quantization=False, group_separator=True)
    return text.replace("\u2212", "-")


def plain_number(d: Decimal | int, decimal_comma: bool = False) -> str:
    """Exact machine text: '93.75', '4', '0.000001' (never '1E-6' nor '4.00'); with `decimal_comma`,
    '93,75' without grouping, as Excel in a Vietnamese locale reads a number from a csv."""
    d = Decimal(d)
    if not d.is_finite():
        raise ValueError(f"số không hữu hạn: {d}")
    if d == d.to_integral_value():
        return str(int(d))
    text = format(d.normalize(), "f")
    return text.replace(".", ",") if decimal_comma else text
