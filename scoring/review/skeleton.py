"""`dvcq review new`: a review started from the record itself, not from hand-written YAML.

The skeleton carries what a reviewer cannot be trusted to copy by hand — which record it is of,
bound by the content hash (scoring/canonical.py) — and, item by item, what the ward self-scored
and from which figures and documents, so the reviewer reads the claim beside the slot for a
finding. Two forms:

- YAML: every finding slot is a comment; a reviewer uncomments the ones they conclude on. Until
  `reviewer.unit` and `reviewed_on` are filled, `dvcq verify` refuses it, naming those fields.
- Excel: one row per figure, document and verifier-scored item; a row with a reason becomes a
  finding. `form_data` turns the sheet back into the same data a YAML review holds, so both go
  through one validation (`model.review_from_data`).
"""
from __future__ import annotations

import io
import json
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Optional

from ..pack import fmt_number
from ..vietnamese import plain_number
from ..vocabulary import TWO_TIER_FROM

SHEET = "Thẩm định"
HEAD_ROWS = [  # (key, label) of the head block, column B holds the value; read back by the label
    ("ward", "Đơn vị được thẩm định"), ("year", "Năm"), ("quarter", "Quý (nếu có)"),
    ("half", "Nửa năm (nếu có: 1 là 6 tháng đầu, 2 là 6 tháng cuối)"),
    ("record_sha256", "Mã nội dung hồ sơ (không sửa)"), ("unit", "Cơ quan thẩm định (bắt buộc)"),
    ("name", "Người thẩm định"), ("title", "Chức vụ"), ("reviewed_on", "Ngày thẩm định (bắt buộc)"),
]
COLUMNS = [  # (key, header, width)
    ("kind", "Loại", 10), ("id", "Mã", 30), ("item", "Nội dung (tiêu chí)", 44), ("self", "Hồ sơ tự báo cáo, tự chấm", 40),
    ("value", "Giá trị thẩm định (số, %, có/không)", 16), ("num", "Tử số", 9), ("den", "Mẫu số", 9),
    ("accepted", "Công nhận (có/không)", 12), ("points", "Điểm thẩm định", 10), ("reason", "Lý do (bắt buộc nếu kết luận)", 50),
    ("source", "Nguồn, căn cứ", 30),
]
KIND_WORD = {"fact": "số liệu", "document": "văn bản", "item": "nội dung"}
WORD_KIND = {v: k for k, v in KIND_WORD.items()}
TABLE_ROW = len(HEAD_ROWS) + 3          # header row of the findings table
VALUE_KEYS = ("value", "num", "den", "percent", "done", "total", "not_applicable")
YES, NO = ("có", "co", "yes", "true", "x", "1"), ("không", "khong", "no", "false", "0")


def _slots(result) -> list[dict]:
    """One slot per input an item reads (first use only) and per verifier-scored item, in pack order."""
    seen: set = set()
    out = []
    for it in _leaves(result.items):
        claim = f"tự chấm {fmt_number(it.points)}/{fmt_number(it.max)} điểm"
        for u in it.inputs:
            if (u.kind, u.id) in seen or u.kind not in ("fact", "document"):
                continue
            seen.add((u.kind, u.id))
            out.append({"kind": u.kind, "id": u.id, "item": f"{it.id} {it.title}", "self": u.display, "claim": claim})
        if it.pending is not None:
            out.append({"kind": "item", "id": it.id, "item": f"{it.id} {it.title}",
                        "self": f"chờ cấp thẩm định chấm (0–{fmt_number(it.pending['max'])} điểm)", "claim": claim})
    return out


def _leaves(items):
    for it in items:
        yield it
        yield from _leaves(it.parts)


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _written(prep, fact_id: str) -> Optional[str]:
    fv = prep.record.record.facts.get(fact_id)
    if fv is None:
        return None
    w = {k: v for k, v in fv.written().items() if k in VALUE_KEYS and v not in (None, [])}  # no source, note
    return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in w.items()) + "}" if w else None


def _plain(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, Decimal):
        return plain_number(v)
    if isinstance(v, list):
        return "[" + ", ".join(_q(str(x)) for x in v) + "]"
    return str(v)


def _reviewer_example(prep, result) -> str:
    """Who reviews, as an example (`UnitWords.reviewer_example`): a commune's district office before
    1 July 2025; since then there is no district level and a commune is reviewed by the province (its
    Sở Nội vụ), as an agency is."""
    from ..units import province_phrase

    words = result.words
    if words.family == "agency" or prep.record.record.period.end() < TWO_TIER_FROM:
        return words.reviewer_example
    return "Sở Nội vụ " + re.sub(r"^Tỉnh\b", "tỉnh", province_phrase(result.evidence["province"]))


def _date_example(prep) -> str:
    end = prep.record.record.period.end()
    return "2023-12-10" if end < TWO_TIER_FROM else f"{end + timedelta(days=10):%Y-%m-%d}"


def skeleton_yaml(prep, result) -> str:
    """The YAML skeleton: head filled from the record, every finding slot commented out."""
    e = result.evidence
    period = "{" + ", ".join(f"{k}: {v}" for k, v in e["period"].items() if v is not None) + "}"  # {year: 2026, half: 1}
    out = [f"# Phiếu thẩm định hồ sơ {e['file']} ({e['ward']}), lập bằng `dvcq review new`.",
           "# Cách điền: ghi cơ quan thẩm định (reviewer.unit) và ngày thẩm định (reviewed_on); với mỗi số liệu,",
           "# văn bản hay nội dung có kết luận, bỏ dấu # ở các dòng của mục đó, sửa giá trị và ghi lý do (reason).",
           "# Mục nào công nhận như hồ sơ thì để nguyên (không cần kết luận). Rồi chạy:",
           f"#   dvcq verify {e['file']} --review <tệp này>",
           "# review_of.record_sha256 là mã nội dung hồ sơ: hồ sơ sửa giá trị sau khi lập phiếu thì phiếu bị từ chối.",
           f"review_of: {{ward: {_q(e['ward'])}, period: {period}, record_sha256: {_q(result.record_sha256)}}}",
           f'reviewer: {{unit: "", name: "", title: ""}}   # unit: bắt buộc, vd. "{_reviewer_example(prep, result)}"',
           f"reviewed_on:   # bắt buộc, ngày thẩm định, vd. {_date_example(prep)}",
           "findings:"]
    current = None
    for s in _slots(result):
        if s["item"] != current:
            current = s["item"]
            out += ["", f"  # ── {s['item']} — {s['claim']}"]
        if s["kind"] == "fact":
            shape = _written(prep, s["id"]) or "{value: 0}"
            out += [f"  # Số liệu {s['id']}: hồ sơ ghi {s['self']}",
                    f"  # - fact: {s['id']}",
                    f"  #   verified: {shape}   # giá trị cấp thẩm định công nhận; hoặc thay bằng accepted: false",
                    '  #   reason: ""']
        elif s["kind"] == "document":
            out += [f"  # Văn bản {s['id']}: hồ sơ ghi {s['self']}",
                    f"  # - document: {s['id']}",
                    "  #   accepted: false   # false: không công nhận văn bản; true: công nhận",
                    '  #   reason: ""']
        else:
            out += [f"  # Nội dung {s['id']}: {s['self']}",
                    f"  # - item: {s['id']}",
                    "  #   points: 0   # điểm cấp thẩm định cho",
                    '  #   reason: ""']
    return "\n".join(out) + "\n"


def skeleton_xlsx(prep, result) -> bytes:
    """The Excel form: the head block, then one row per slot; the reviewer fills value/accepted/points
    and a reason on the rows they conclude on."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    from ..workbook.xlsxio import force_text, save

    e = result.evidence
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    grey = PatternFill("solid", fgColor="E7E6E6")
    head = {"ward": e["ward"], "year": e["period"]["year"], "quarter": e["period"]["quarter"],
            "half": e["period"].get("half"), "record_sha256": result.record_sha256}
    force_text(ws.cell(1, 1), f"PHIẾU THẨM ĐỊNH HỒ SƠ {e['file']} — điền cột 'Lý do' ở mỗi dòng có kết luận")
    ws.cell(1, 1).font = Font(bold=True, size=13)
    for k, (key, label) in enumerate(HEAD_ROWS, start=2):
        force_text(ws.cell(k, 1), label)
        ws.cell(k, 1).font = Font(bold=True)
        cell = ws.cell(k, 2)
        if key in head:
            if head[key] is not None:
                force_text(cell, head[key]) if isinstance(head[key], str) else setattr(cell, "value", head[key])
            cell.fill = grey
        else:
            cell.protection = Protection(locked=False)
            if key == "reviewed_on":
                cell.number_format = "DD/MM/YYYY"
    for c, (key, header, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(TABLE_ROW, c)
        force_text(cell, header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.column_dimensions["A"].width = max(ws.column_dimensions["A"].width, 30)
    ws.row_dimensions[TABLE_ROW].height = 45
    editable = {"fact": {"value", "num", "den", "accepted"}, "document": {"accepted"}, "item": {"points"}}
    for r, s in enumerate(_slots(result), start=TABLE_ROW + 1):
        for c, (key, _, _) in enumerate(COLUMNS, start=1):
            cell = ws.cell(r, c)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if key in ("kind", "id", "item", "self"):
                force_text(cell, KIND_WORD[s["kind"]] if key == "kind" else s[key] if key != "self"
                           else f"{s['self']} ({s['claim']})")
                cell.fill = grey
            elif key in ("reason", "source") or key in editable[s["kind"]]:
                cell.protection = Protection(locked=False)
            else:
                cell.fill = grey  # does not apply to this kind of row
    ws.freeze_panes = ws.cell(TABLE_ROW + 1, 3)
    ws.protection.sheet = True  # only the cells a reviewer fills are open; no password: a guard, not a lock
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{TABLE_ROW}:{TABLE_ROW}"
    return save(wb, f"Phiếu thẩm định — {e['ward']}")


# -- reading the Excel form back ------------------------------------------------------------------
def _text(v) -> Optional[str]:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    t = str(v).strip()
    return t or None


def _number(v) -> Any:
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        d = Decimal(repr(v))
        return int(d) if d == d.to_integral_value() else d
    t = str(v).strip().replace(" ", "")
    percent = t.endswith("%")
    t = t.rstrip("%").replace(",", ".")
    try:
        d = Decimal(t)
    except Exception:
        return str(v)  # left for validation to refuse with the cell's text
    return ("%", d) if percent else (int(d) if d == d.to_integral_value() else d)


def _yesno(v) -> Any:
    if isinstance(v, bool) or v is None:
        return v
    t = str(v).strip().lower()
    return True if t in YES else False if t in NO else str(v)


def _layout(ws) -> tuple[dict, int]:
    """Where the head's values and the findings table are: head rows found by their label in
    column A, the table by its first header. A form written before the half-year row was added
    (table header on row 11, no "Nửa năm" row) reads as it did."""
    keys = {label: key for key, label in HEAD_ROWS}
    first = COLUMNS[0][1]
    rows: dict[str, int] = {}
    table = TABLE_ROW
    for r in range(2, min(ws.max_row, TABLE_ROW + 5) + 1):
        label = ws.cell(r, 1).value
        if label == first:
            table = r
            break
        if label in keys:
            rows.setdefault(keys[label], r)
    return rows, table


def form_data(ws) -> tuple[dict, dict]:
    """The filled form as the data a YAML review holds, and finding index → 'ô J14' for messages."""
    at, table = _layout(ws)
    head = {key: ws.cell(at[key], 2).value if key in at else None for key, _ in HEAD_ROWS}
    reviewed = head["reviewed_on"]
    if isinstance(reviewed, datetime):
        reviewed = reviewed.date()
    period: dict[str, Any] = {"year": head["year"]}
    for part in ("quarter", "half"):
        if head[part] not in (None, ""):
            period[part] = head[part]
    data: dict[str, Any] = {
        "review_of": {"ward": _text(head["ward"]), "period": period, "record_sha256": _text(head["record_sha256"])},
        "reviewer": {k: v for k in ("unit", "name", "title") if (v := _text(head[k])) is not None} or {"unit": ""},
        "reviewed_on": reviewed.isoformat() if isinstance(reviewed, date) else _text(reviewed),
        "findings": [],
    }
    where: dict[int, str] = {}
    cols = {key: c for c, (key, _, _) in enumerate(COLUMNS, start=1)}
    for r in range(table + 1, ws.max_row + 1):
        get = {key: ws.cell(r, c).value for key, c in cols.items()}
        kind = WORD_KIND.get(_text(get["kind"]) or "")
        ident = _text(get["id"])
        filled = [k for k in ("value", "num", "den", "accepted", "points", "reason", "source") if _text(get[k])]
        if kind is None or ident is None or not filled:
            continue
        f: dict[str, Any] = {kind: ident}
        if kind == "fact":
            value = _number(get["value"])
            if _text(get["num"]) or _text(get["den"]):
                f["verified"] = {"num": _number(get["num"]), "den": _number(get["den"])}
            elif isinstance(value, tuple):
                f["verified"] = {"percent": value[1]}
            elif value is not None:
                word = _yesno(value) if isinstance(value, str) else value
                f["verified"] = {"value": word}
        if _text(get["accepted"]) is not None:
            f["accepted"] = _yesno(get["accepted"])
        if kind == "item" and _text(get["points"]) is not None:
            pts = _number(get["points"])
            f["points"] = pts[1] if isinstance(pts, tuple) else pts
        f["reason"] = _text(get["reason"]) or ""
        if _text(get["source"]):
            f["source"] = _text(get["source"])
        where[len(data["findings"])] = f"dòng {r}"
        data["findings"].append(f)
    return data, where


def read_form(raw: bytes, name: str):
    """The openpyxl sheet of a review form (ReviewError naming the file when it is not one)."""
    import warnings

    from openpyxl import load_workbook

    from .model import ReviewError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(raw), data_only=True)
    except Exception:
        raise ReviewError.one("không phải tệp Excel .xlsx hợp lệ: mở bằng Excel/LibreOffice rồi lưu lại dạng .xlsx",
                              file=name) from None
    if SHEET not in wb.sheetnames:
        raise ReviewError.one(f"không có trang '{SHEET}': tệp Excel thẩm định phải lập bằng dvcq review new",
                              file=name, hint="dvcq review new HỒ_SƠ -o thamdinh.xlsx")
    return wb[SHEET]
