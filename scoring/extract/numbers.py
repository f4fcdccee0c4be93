"""Vietnamese numbers, percentages, fractions, count tuples and dates as they appear in reports.

- "7.538", "7.967.592.178", "93,75", "100,57": Vietnamese groups thousands with "." and writes
  the decimal comma; Babel's `parse_decimal(..., locale="vi")` reads them (strictly, so "1.5"
  is refused rather than guessed).
- "93,75%", "trên 97%": a percentage with its stated precision and an optional qualifier.
- "15/16 đơn", "4/5 Tổ dân phố", "09/10 nội dung": a fraction *with a unit*; "23/3" after
  "ngày" or "trước" is a date, "02/2023" is a month.
- "32 lượt/ 48 người/ 62 vụ", "22 đơn/21 vụ": one set of things counted in several units (not
  a ratio).
- "23/3/2023" (Babel's `parse_date` with the vi short format) and "ngày 02 tháng 11 năm 2022".
- "không có", "không phát sinh": the words for none.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

from babel.dates import parse_date as _babel_parse_date
from babel.numbers import NumberFormatError, parse_decimal

LOCALE = "vi"

# a number as written in Vietnamese: grouped thousands with ".", optional decimal comma
NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_NUMBER_RE = re.compile(rf"(?<![\d.,/])(?:{NUMBER})(?![\d/]|[.,]\d)")

QUALIFIERS = r"trên|hơn|gần|khoảng|dưới|đạt trên|đạt hơn|ước đạt"
_PERCENT_RE = re.compile(rf"(?:(?P<q>{QUALIFIERS})\s+)?(?P<n>{NUMBER})\s*%", re.IGNORECASE)

# a unit: one to four words of letters (Vietnamese words are separated by spaces)
UNIT = r"[^\W\d_]+(?:\s+[^\W\d_]+){0,3}"
_FRACTION_RE = re.compile(
    r"(?<![\d/.,])(?P<a>\d{1,5})\s*/\s*(?P<b>\d{1,5})(?![\d/])(?:\s*(?P<unit>[^\W\d_][^\W\d_]*))?", re.UNICODE)
_TUPLE_PART = rf"(?:{NUMBER})\s*[^\W\d_]+(?:\s[^\W\d_]+)?"
_TUPLE_RE = re.compile(rf"(?<![\d/.,])(?:{_TUPLE_PART})(?:\s*/\s*(?:{_TUPLE_PART}))+")
_TUPLE_ITEM_RE = re.compile(rf"(?P<n>{NUMBER})\s*(?P<unit>[^\W\d_]+(?:\s[^\W\d_]+)?)")

_DATE_NUMERIC_RE = re.compile(r"(?<![\d/])(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>(?:19|20)\d{2})(?![\d/])")
_DATE_LONG_RE = re.compile(
    r"ngày\s*(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>(?:19|20)\d{2})", re.IGNORECASE)
# before these words a d/m pair is a date without its year ("trước ngày 10/10", "ngày 11/11")
_DATE_CUE_RE = re.compile(r"(?:ngày|trước|sau|đến|từ|tháng)\s*$", re.IGNORECASE)

NONE_ZERO = r"không có|không hề có|chưa có|không xảy ra|không để xảy ra"
NONE_NOT_ARISEN = r"không phát sinh|chưa phát sinh|không để phát sinh"
_NONE_RE = re.compile(rf"(?P<na>{NONE_NOT_ARISEN})|(?P<zero>{NONE_ZERO})", re.IGNORECASE)


class NotANumber(ValueError):
    """The text is not a number in the Vietnamese way of writing one."""


def parse_number(text: str) -> Decimal:
    """'7.967.592.178' → 7967592178, '93,75' → 93.75, '05' → 5 (Babel, locale vi, strict)."""
    s = text.strip()
    try:
        return parse_decimal(s, locale=LOCALE, strict=True)
    except NumberFormatError as exc:
        raise NotANumber(f"'{text}' không phải số viết theo kiểu Việt Nam") from exc


def parse_int(text: str) -> int:
    d = parse_number(text)
    if d != d.to_integral_value():
        raise NotANumber(f"'{text}' không phải số nguyên")
    return int(d)


def decimals_of(text: str) -> int:
    """How many decimals a written number states ('93,75' → 2, '151' → 0)."""
    return len(text.split(",", 1)[1]) if "," in text else 0


@dataclass(frozen=True)
class Percent:
    value: Decimal
    decimals: int
    qualifier: Optional[str]
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Fraction:
    num: int
    den: int
    unit: str
    start: int
    end: int
    text: str

    def percent(self) -> Decimal:
        return (Decimal(self.num) * 100 / Decimal(self.den)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CountTuple:
    """'32 lượt/ 48 người/ 62 vụ': the same events counted in several units."""

    parts: tuple[tuple[int, str], ...]
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Found:
    """A date found in text with where it is."""

    value: date
    start: int
    end: int
    text: str


def parse_percent(text: str) -> Percent:
    m = _PERCENT_RE.search(text)
    if not m:
        raise NotANumber(f"'{text}' không phải tỷ lệ phần trăm")
    n = m.group("n")
    q = m.group("q")
    return Percent(parse_number(n), decimals_of(n), q.lower() if q else None, m.start(), m.end(), m.group(0))


def find_percents(text: str) -> list[Percent]:
    out = []
    for m in _PERCENT_RE.finditer(text):
        try:
            v = parse_number(m.group("n"))
        except NotANumber:
            continue
        q = m.group("q")
        out.append(Percent(v, decimals_of(m.group("n")), q.lower() if q else None, m.start(), m.end(), m.group(0)))
    return out


def _looks_like_date(text: str, m: re.Match) -> bool:
    a, b = int(m.group("a")), int(m.group("b"))
    if 1900 <= b <= 2100:  # "02/2023": a month
        return True
    if _DATE_CUE_RE.search(text[max(0, m.start() - 12):m.start()]) and 1 <= a <= 31 and 1 <= b <= 12:
        return True
    return False


def find_fractions(text: str) -> list[Fraction]:
    """Every 'a/b unit' that is a part of a whole (dates, months and 'a unit/b unit' excluded)."""
    dates = [(d.start, d.end) for d in find_dates(text)]
    out = []
    for m in _FRACTION_RE.finditer(text):
        if any(s <= m.start() < e for s, e in dates) or _looks_like_date(text, m):
            continue
        a, b = int(m.group("a")), int(m.group("b"))
        if b == 0:
            continue
        out.append(Fraction(a, b, (m.group("unit") or "").strip(), m.start(), m.end(), m.group(0)))
    return out


def parse_fraction(text: str) -> Fraction:
    found = find_fractions(text)
    if not found:
        raise NotANumber(f"'{text}' không phải phân số dạng a/b")
    return found[0]


def find_tuples(text: str) -> list[CountTuple]:
    out = []
    for m in _TUPLE_RE.finditer(text):
        parts = []
        for item in _TUPLE_ITEM_RE.finditer(m.group(0)):
            try:
                parts.append((parse_int(item.group("n")), item.group("unit")))
            except NotANumber:
                break
        if len(parts) >= 2:
            out.append(CountTuple(tuple(parts), m.start(), m.end(), m.group(0)))
    return out


def parse_tuple(text: str) -> CountTuple:
    found = find_tuples(text)
    if not found:
        raise NotANumber(f"'{text}' không phải dãy số đếm dạng '32 lượt/ 48 người'")
    return found[0]


def _make_date(d: str, m: str, y: str) -> Optional[date]:
    try:
        return date(int(y), int(m), int(d))
    except ValueError:
        return None


def find_dates(text: str) -> list[Found]:
    """Dates in numeric ('23/3/2023', via Babel) and long ('ngày 02 tháng 11 năm 2022') form."""
    out = []
    for m in _DATE_NUMERIC_RE.finditer(text):
        compact = f"{int(m.group('d'))}/{int(m.group('m'))}/{m.group('y')}"
        try:
            value = _babel_parse_date(compact, locale=LOCALE)
        except (ValueError, IndexError):
            value = None
        if value is None or (value.day, value.month) != (int(m.group("d")), int(m.group("m"))):
            value = _make_date(m.group("d"), m.group("m"), m.group("y"))
        if value is not None:
            out.append(Found(value, m.start(), m.end(), m.group(0)))
    for m in _DATE_LONG_RE.finditer(text):
        value = _make_date(m.group("d"), m.group("m"), m.group("y"))
        if value is not None:
            out.append(Found(value, m.start(), m.end(), m.group(0)))
    out.sort(key=lambda f: f.start)
    return out


def parse_date(text: str) -> date:
    found = find_dates(text)
    if not found:
        raise NotANumber(f"'{text}' không phải ngày tháng")
    return found[0].value


def none_word(text: str) -> Optional[str]:
    """'not_arisen' for 'không phát sinh', 'zero' for 'không có', None otherwise."""
    m = _NONE_RE.search(text)
    if not m:
        return None
    return "not_arisen" if m.group("na") else "zero"


def find_numbers(text: str) -> list[tuple[Decimal, int, int]]:
    out = []
    for m in _NUMBER_RE.finditer(text):
        try:
            out.append((parse_number(m.group(0)), m.start(), m.end()))
        except NotANumber:
            continue
    return out
