"""Reading a sealed result file for `dvcq audit`: the file is untrusted input.

Its numbers become exact Decimals, bounded before anything writes them out again (the seal, the
differences): `"total": 1e999999999` took minutes to turn into digits, NaN and Infinity crashed the
comparison. Its nesting is bounded too (JSON nested 100,000 deep overflowed the parser's stack).
Every refusal is a `UsageError` (exit 2) naming the file and the field, or the line.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any, Optional

from ..errors import UsageError
from ..files import read_bytes

# A result is untrusted input. Its numbers are points, counts (≤ 10⁹), percents and dates: nothing needs
# more digits or a larger exponent than this, and a number beyond it (1e999999999) would take minutes
# to write out as digits; its nesting is a few levels (JSON nested 100,000 deep overflowed the stack).
MAX_DIGITS = 60
MAX_EXPONENT = 40
MAX_DEPTH = 32
MAX_RESULT = 200 * 1024 * 1024   # a sealed batch of 10,000 wards is ~60 MB; a result is far smaller


def _number(text: str) -> Decimal:
    """A JSON number as an exact Decimal (checked by `_bounded`; parsing even 1e999999999 is instant)."""
    return Decimal(text)


def _integer(text: str):
    return int(text) if len(text.lstrip("-")) <= MAX_DIGITS else Decimal(text)


def _bounded(data: Any, file: str) -> None:
    """Refuse NaN, infinities, numbers beyond MAX_DIGITS/MAX_EXPONENT and nesting beyond MAX_DEPTH,
    naming the field (iteratively: the walk itself must not recurse on a hostile depth)."""
    stack = [(data, "", 0)]
    while stack:
        value, where, depth = stack.pop()
        if isinstance(value, (dict, list)):
            if depth >= MAX_DEPTH:
                raise UsageError.one(f"dữ liệu lồng nhau quá {MAX_DEPTH} cấp: không phải kết quả của dvcq",
                                     file=file, field=where or "(gốc)")
            pairs = value.items() if isinstance(value, dict) else enumerate(value)
            for k, v in pairs:
                sub = (f"{where}.{k}" if where else str(k)) if isinstance(value, dict) else f"{where}[{k}]"
                stack.append((v, sub, depth + 1))
        elif isinstance(value, Decimal):
            if not value.is_finite():
                raise UsageError.one(f"giá trị {value} không phải số hữu hạn", file=file, field=where)
            digits = len(value.as_tuple().digits)
            if digits > MAX_DIGITS or abs(value.adjusted()) > MAX_EXPONENT:
                shown = str(value) if len(str(value)) <= 40 else str(value)[:37] + "…"
                raise UsageError.one(f"số {shown} quá lớn hoặc quá nhiều chữ số (tối đa {MAX_DIGITS} chữ số, "
                                     f"số mũ trong ±{MAX_EXPONENT})", file=file, field=where)


_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]|\n')


def _deep_line(text: str) -> Optional[int]:
    """The line where nesting first goes beyond MAX_DEPTH (strings skipped; no recursion)."""
    depth, line = 0, 1
    for m in _TOKENS.finditer(text):
        t = m.group()
        if t == "\n":
            line += 1
        elif t in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif t in "]}":
            depth -= 1
        else:
            line += t.count("\n")
    return None


def read_result(path: Path) -> dict:
    def pairs(items):
        out = {}
        for k, v in items:
            if k in out:
                raise ValueError(f"khóa '{k}' bị lặp")
            out[k] = v
        return out

    raw = read_bytes(path, "tệp kết quả", MAX_RESULT, UsageError)  # regular files only, bounded
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError.one(f"tệp kết quả không phải UTF-8 hợp lệ (byte 0x{raw[exc.start]:02x})", file=str(path),
                             line=raw[:exc.start].count(b"\n") + 1)
    try:
        data = json.loads(text, parse_float=_number, parse_int=_integer, parse_constant=_number,
                          object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise UsageError.one(f"không phải JSON hợp lệ: {exc.msg}", file=str(path), line=exc.lineno)
    except ValueError as exc:
        raise UsageError.one(str(exc), file=str(path))
    except RecursionError:
        raise UsageError.one(f"dữ liệu lồng nhau quá sâu (hơn {MAX_DEPTH} cấp): không phải kết quả của dvcq",
                             file=str(path), line=_deep_line(text), field="(cấu trúc JSON)")
    _bounded(data, str(path))
    if not isinstance(data, dict) or data.get("schema") != "dvcq-result/1":
        kind = data.get("schema") if isinstance(data, dict) else None
        hint = ("kết quả xếp hạng (dvcq batch) không tính lại được như một hồ sơ: kiểm tra từng kết quả "
                "dvcq score/verify --format json") if kind == "dvcq-batch/1" else None
        raise UsageError.one("không phải kết quả chấm điểm của dvcq (schema dvcq-result/1)", file=str(path), hint=hint)
    seal = data.get("seal")
    if not isinstance(seal, dict) or not isinstance(seal.get("value"), str):
        raise UsageError.one("kết quả không có niêm phong (seal)", file=str(path), field="seal",
                             hint="tạo lại kết quả bằng dvcq score/verify --format json")
    for key in ("pack", "evidence", "engine"):
        if not isinstance(data.get(key), dict):
            raise UsageError.one(f"kết quả thiếu mục '{key}'", file=str(path), field=key)
    return data
