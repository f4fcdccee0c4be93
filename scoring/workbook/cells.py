"""Turning one spreadsheet cell into one exact record value, or a Vietnamese reason why not.

Excel stores numbers as binary doubles: 95.2 comes back as the double nearest 95.2. Its shortest
round-trip text (`repr`) is exactly what the clerk typed, so numbers go through `repr` into
`Decimal` and never through arithmetic. Clerks on an English-locale Excel type "95,2" as text, and
a cell formatted as a percentage holds 0.952 for 95.2%: both are understood.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Optional

from ..evidence import parse_date
from ..spellings import MAX_COUNT, yes_no_word
from . import layout as L


class CellError(ValueError):
    """The cell's content cannot be the value its column asks for."""


def is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def text(v: Any) -> Optional[str]:
    """Free text, kept as written (NFC); a number typed into a text column is read as its digits."""
    if is_blank(v):
        return None
    if isinstance(v, str):
        return unicodedata.normalize("NFC", v)
    if isinstance(v, bool):
        return L.YES if v else L.NO
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, datetime):
        return v.strftime("%d/%m/%Y") if v.time() == time(0) else v.strftime("%d/%m/%Y %H:%M")
    if isinstance(v, date):
        return v.strftime("%d/%m/%Y")
    return str(v)


def word(v: Any) -> Optional[str]:
    """A keyword or identifier: trimmed, NFC, spaces collapsed."""
    t = text(v)
    return None if t is None else " ".join(t.split())


_NUMBER_TEXT = re.compile(r"^[+]?(\d+)(?:[.,](\d+))?$")


def decimal(v: Any, number_format: str = "General") -> Optional[Decimal]:
    """An exact non-negative decimal (percentages), from a number or from text such as '95,2' or '95,2%'."""
    if is_blank(v):
        return None
    if isinstance(v, bool):
        raise CellError("phải là số, không phải có/không")
    if isinstance(v, (datetime, date, time)):
        raise CellError("phải là số, không phải ngày")
    if isinstance(v, int):
        d = Decimal(v)
    elif isinstance(v, float):
        if v != v or v in (float("inf"), float("-inf")):
            raise CellError("không phải số hữu hạn")
        d = Decimal(repr(v))
    elif isinstance(v, str):
        t = unicodedata.normalize("NFC", v).strip().replace(" ", "")
        t = t[:-1] if t.endswith("%") else t
        m = _NUMBER_TEXT.match(t) if len(t) <= 40 else None  # no figure in a report needs 40 digits
        if not m:
            raise CellError(f"'{v.strip()[:40]}' không phải số (viết như 95,2 hoặc 95.2)")
        return Decimal(m.group(1) + ("." + m.group(2) if m.group(2) else ""))
    else:
        raise CellError(f"không đọc được giá trị kiểu {type(v).__name__}")
    if d < 0:
        raise CellError(f"không được âm (nhận được {v})")
    if "%" in (number_format or ""):
        d = d * 100  # the cell shows 95,2% but holds 0.952
    return d.normalize() if d != d.to_integral_value() else Decimal(int(d))


def integer(v: Any) -> Optional[int]:
    """A whole number ≥ 0 (a count); '12' typed as text is accepted, '1.234' is refused as ambiguous."""
    if is_blank(v):
        return None
    if isinstance(v, bool):
        raise CellError("phải là số nguyên, không phải có/không")
    if isinstance(v, (datetime, date, time)):
        raise CellError("phải là số nguyên, không phải ngày")
    if isinstance(v, int):
        n = v
    elif isinstance(v, float):
        if not v.is_integer():
            raise CellError(f"phải là số nguyên (nhận được {text(v).replace('.', ',')})")
        n = int(v)
    elif isinstance(v, str):
        t = unicodedata.normalize("NFC", v).strip()
        if not re.fullmatch(r"\+?\d+", t):
            raise CellError(f"'{t[:40]}' không phải số nguyên (chỉ gồm chữ số, không có dấu phân cách)")
        if len(t.lstrip("+0")) > len(str(MAX_COUNT)):  # before int(): a 5,000-digit text is refused by Python
            raise CellError(f"quá lớn ({len(t)} chữ số)")
        n = int(t)
    else:
        raise CellError(f"không đọc được giá trị kiểu {type(v).__name__}")
    if n < 0:
        raise CellError(f"không được âm (nhận được {n})")
    if n > MAX_COUNT:
        raise CellError(f"quá lớn ({n})")
    return n


def day(v: Any) -> Optional[date]:
    """A date cell, or text dd/mm/yyyy (or yyyy-mm-dd); a time of day other than midnight is refused."""
    if is_blank(v):
        return None
    if isinstance(v, datetime):
        if v.time() != time(0):
            raise CellError("phải là ngày, không kèm giờ")
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, str):
        try:
            return parse_date(unicodedata.normalize("NFC", v))
        except ValueError as exc:
            raise CellError(str(exc))
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        raise CellError("là một số, không phải ngày: định dạng ô là ngày (dd/mm/yyyy) hoặc gõ dạng dd/mm/yyyy")
    raise CellError("phải là ngày dạng dd/mm/yyyy")


def yes_no(v: Any) -> Optional[bool]:
    if is_blank(v):
        return None
    if isinstance(v, bool):
        return v
    w = word(v)
    flag = yes_no_word(w or "")
    if flag is not None:
        return flag
    raise CellError(f"'{w}' không phải \"có\" hoặc \"không\"")


def choice(v: Any, words: dict[str, str], what: str) -> Optional[str]:
    """A Vietnamese word from a fixed list → its identifier (the identifier itself is accepted too)."""
    w = word(v)
    if w is None:
        return None
    key = L.norm(w)
    for vi, ident in words.items():
        if key in (L.norm(vi), ident):
            return ident
    raise CellError(f"{what} '{w}' không hợp lệ: chọn một trong " + ", ".join(f'"{x}"' for x in words))
