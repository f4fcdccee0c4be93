"""Writing the evidence workbook: a blank template from a pack, or a filled one from a record.

One builder serves both, so a converted record and a fresh template look the same to the clerk and
read back through the same code. Rows for figures and documents the record holds come first, in
the record's order (so YAML → workbook → YAML keeps the order); the pack's other identifiers follow
as empty rows to fill. Every value is written as exactly as Excel can hold it: numbers that a
binary double would alter are written as text, which the reader accepts.
"""
from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from typing import Any, Optional

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..evidence import Evidence, FactValue
from ..render.json import dumps
from . import layout as L
from .xlsxio import exact_number, force_text, put_value, save
from ..vietnamese import status_label
from ..units import COMMUNE_WORDS, TWO_TIER_FROM, UnitWords, words_for

HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
LOCKED, OPEN = Protection(locked=True), Protection(locked=False)
FIXED_FILL = PatternFill("solid", fgColor="F2F2F2")   # filled from the pack: read, not typed
UNUSED_FILL = PatternFill("solid", fgColor="BFBFBF")  # a value column this row's type does not use
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DATE_FORMAT = "DD/MM/YYYY"
META_CHUNK = 30000  # an Excel cell holds at most 32,767 characters
MAX_WIDTH = 60


def _cell_value(v: Any) -> Any:
    if isinstance(v, bool):
        return L.YES if v else L.NO
    if isinstance(v, Decimal):
        return exact_number(v)
    return v


class _Sheet:
    """One data sheet: title rows, a header row, data rows, fitted widths, validation."""

    def __init__(self, wb: Workbook, title: str, columns: list[L.Column], heading: str, lines: list[str]):
        self.ws = wb.create_sheet(title)
        self.columns = columns
        self.col = {c.key: i + 1 for i, c in enumerate(columns)}
        self.widths = {c.key: max(c.width, 8) for c in columns}
        self.row = L.FIRST_ROW
        self.validations: dict[tuple, DataValidation] = {}
        self.lines: dict[int, int] = {}
        ws = self.ws
        ws.cell(1, 1, heading).font = Font(bold=True, size=13)
        self.title_lines = lines[:2]
        for i, line in enumerate(lines[:2]):
            cell = ws.cell(2 + i, 1, line)
            cell.font = Font(italic=True, color="444444")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.merge_cells(start_row=2 + i, start_column=1, end_row=2 + i, end_column=len(columns))
            span = sum(c.width for c in columns)
            ws.row_dimensions[2 + i].height = 15 * wrapped_lines(line, span) + 2
        for c in columns:
            cell = ws.cell(L.HEADER_ROW, self.col[c.key], c.header)
            cell.font = Font(bold=True)
            cell.fill = HEAD_FILL
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.row_dimensions[L.HEADER_ROW].height = 45

    def put(self, key: str, value: Any, fixed: bool = False, fmt: Optional[str] = None) -> None:
        col = self.columns[self.col[key] - 1]
        cell = self.ws.cell(self.row, self.col[key])
        put_value(cell, _cell_value(value))
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=col.wrap, vertical="top")
        cell.protection = LOCKED if fixed else OPEN  # the sheet is protected: only what a clerk types is open
        if key == "id":
            cell.font = Font(size=8, color="666666")
        if fixed:
            cell.fill = FIXED_FILL
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
        elif fmt:
            cell.number_format = fmt
        if value is not None and col.fit:
            text = "00/00/0000" if isinstance(value, date) else str(value)
            longest = max(len(line) for line in text.split("\n"))
            limit = col.width if col.wrap else MAX_WIDTH
            self.widths[key] = max(self.widths[key], min(longest + 2, limit))
            if col.wrap:
                self.lines[self.row] = max(self.lines.get(self.row, 1), wrapped_lines(text, col.width))

    def blank(self, key: str, fill: Optional[PatternFill] = None, fmt: Optional[str] = None) -> None:
        cell = self.ws.cell(self.row, self.col[key])
        cell.border = BORDER
        col = self.columns[self.col[key] - 1]
        cell.alignment = Alignment(wrap_text=col.wrap, vertical="top")
        cell.protection = LOCKED if fill is UNUSED_FILL else OPEN  # greyed: does not apply to this row
        if fill:
            cell.fill = fill
        if fmt:
            cell.number_format = fmt

    def validate(self, key: str, kind: str, prompt: str, error: str, **kw) -> None:
        """Attach a validation to this row's cell, sharing one rule object per identical rule."""
        ref = f"{get_column_letter(self.col[key])}{self.row}"
        if kind == "custom":  # relative formulas are per cell: never share
            dv = DataValidation(type="custom", allow_blank=True, **kw)
            self._configure(dv, prompt, error)
            dv.add(ref)
            self.ws.add_data_validation(dv)
            return
        sig = (key, kind, prompt, error, tuple(sorted(kw.items())))
        dv = self.validations.get(sig)
        if dv is None:
            dv = DataValidation(type=kind, allow_blank=True, **kw)
            self._configure(dv, prompt, error)
            self.validations[sig] = dv
            self.ws.add_data_validation(dv)
        dv.add(ref)

    @staticmethod
    def _configure(dv: DataValidation, prompt: str, error: str) -> None:
        dv.showInputMessage = True
        dv.showErrorMessage = True
        dv.promptTitle = "Hướng dẫn"
        dv.prompt = prompt[:255]
        dv.errorTitle = "Giá trị không hợp lệ"
        dv.error = error[:255]

    def next(self) -> None:
        self.row += 1

    def _fit_title_lines(self, pages_wide: int) -> None:
        """A sheet printed several pages across: the title lines wrap within the columns of the first
        page (merged across every column, the text was cut at that page's right edge)."""
        ws = self.ws
        widths = [self.widths[c.key] for c in self.columns]
        room, last, used = sum(widths) / pages_wide, 1, 0
        for i, w in enumerate(widths, 1):
            if used + w > room and i > 1:
                break
            used, last = used + w, i
        for i, line in enumerate(self.title_lines):
            row = 2 + i
            ws.unmerge_cells(start_row=row, start_column=1, end_row=row, end_column=len(self.columns))
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
            ws.row_dimensions[row].height = 15 * wrapped_lines(line, used) + 2

    def finish(self, freeze: str, protect: bool = True, pages_wide: int = 1) -> None:
        ws = self.ws
        if protect:
            # No password: a guard against typing over labels or into cells that do not apply, not a lock.
            # Clerks may still resize, hide and format columns and rows.
            ws.protection.sheet = True
            ws.protection.formatCells = ws.protection.formatColumns = ws.protection.formatRows = False
        if pages_wide > 1:
            self._fit_title_lines(pages_wide)
        for row, n in self.lines.items():
            if n > 1:  # neither Excel nor LibreOffice reliably grows rows of wrapped text on open
                ws.row_dimensions[row].height = 15 * n + 2
        for c in self.columns:
            ws.column_dimensions[get_column_letter(self.col[c.key])].width = self.widths[c.key]
        ws.freeze_panes = freeze
        last = get_column_letter(len(self.columns))
        ws.print_title_rows = f"{L.HEADER_ROW}:{L.HEADER_ROW}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        # A wide sheet prints two A4 pages across, each starting with the label (and code) columns,
        # rather than one page shrunk below a readable size.
        ws.page_setup.fitToWidth = pages_wide
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        if pages_wide > 1:
            ws.print_title_cols = "A:B"
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.5
        ws.oddFooter.center.text = "&A — trang &P/&N"
        ws.print_area = f"A1:{last}{max(self.row - 1, L.HEADER_ROW)}"


def wrapped_lines(text: str, width: int) -> int:
    """How many lines `text` takes in a wrapped column `width` characters wide (a generous estimate)."""
    per_line = max(width - 2, 1)
    return sum(max(1, -(-len(part) * 11 // (per_line * 10))) for part in text.split("\n"))


def _whole(sheet: _Sheet, key: str, what: str, lo: int = 0, hi: Optional[int] = None) -> None:
    if hi is None:
        sheet.validate(key, "whole", f"{what}: số nguyên ≥ {lo}", f"{what} phải là số nguyên ≥ {lo}",
                       operator="greaterThanOrEqual", formula1=str(lo))
    else:
        sheet.validate(key, "whole", f"{what}: số nguyên từ {lo} đến {hi}", f"{what} phải là số nguyên từ {lo} đến {hi}",
                       operator="between", formula1=str(lo), formula2=str(hi))


def _choice(sheet: _Sheet, key: str, words: list[str], prompt: str) -> None:
    sheet.validate(key, "list", prompt, "Chọn một trong: " + ", ".join(words),
                   formula1='"' + ",".join(words) + '"')


def _date(sheet: _Sheet, key: str, what: str) -> None:
    sheet.validate(key, "date", f"{what}: ngày dạng dd/mm/yyyy", f"{what} phải là ngày (dd/mm/yyyy) từ năm 1945 đến 2100",
                   operator="between", formula1="DATE(1945,1,1)", formula2="DATE(2100,12,31)")


def _confidence(sheet: _Sheet) -> None:
    sheet.validate("confidence", "decimal", "Độ tin cậy: số từ 0 đến 1", "Độ tin cậy phải là số từ 0 đến 1",
                   operator="between", formula1="0", formula2="1")


def _pack_lines(pack) -> list[str]:
    if pack is None:
        return ["Chưa gắn với bộ tiêu chí nào: các mã là mã trong hồ sơ."]
    m = pack.meta
    return [f"Bộ tiêu chí: {m.title} — {m.legal_basis} [{m.id} v{m.version}, {status_label(m.status)}]"]


def _kind_help(words: list[str]) -> str:
    """'Chọn: phường, xã hoặc thị trấn': the kinds the pack assesses (a department's pack: sở ngành)."""
    return "Chọn: " + (", ".join(words[:-1]) + " hoặc " if len(words) > 1 else "") + words[-1]


def asks_district(pack, rec: Optional[Evidence]) -> bool:
    """Whether the workbook has a district (huyện) row: not for a pack that starts on or after
    1 July 2025, when there is no district level, unless the record already names one (it is kept,
    never dropped on a round trip). Without a pack the period is unknown, so the row stays."""
    if rec is not None and (rec.ward.district or "").strip():
        return True
    return pack is None or pack.meta.requires_district or pack.meta.effective_from < TWO_TIER_FROM


def unit_words(pack, rec: Optional[Evidence]) -> UnitWords:
    """How the workbook names the unit: by the kinds the pack assesses, else by the record's kind."""
    if pack is not None:
        return words_for(pack.meta.applies_to)
    return words_for(rec.ward.kind) if rec is not None else COMMUNE_WORDS


def _ward_fields(words: UnitWords, rec: Optional[Evidence]) -> list[tuple[str, str, str]]:
    """The unit sheet's rows named for the unit: an agency has no residential groups to count (the
    rows stay when its record already holds them, never dropped on a round trip)."""
    held = rec is not None and (rec.ward.residential_groups is not None or rec.ward.source)
    out = []
    for fid, label, help_ in L.WARD_FIELDS:
        if fid in ("ward.residential_groups", "ward.source") and not words.has_groups and not held:
            continue
        if fid == "ward.name":
            label, help_ = words.name_label, f"Bắt buộc. Ví dụ: {words.name_example}"
        elif fid == "ward.kind":
            label = words.kind_label
        out.append((fid, label, help_))
    return out


def _ward_sheet(wb: Workbook, pack, rec: Optional[Evidence], district: bool) -> None:
    s = _Sheet(wb, L.SHEET_WARD, L.WARD_COLUMNS, "HỒ SƠ MINH CHỨNG CÔNG TÁC DÂN VẬN CHÍNH QUYỀN — ĐƠN VỊ VÀ KỲ ĐÁNH GIÁ",
               _pack_lines(pack) + ["Nhập vào cột \"Giá trị\". Không sửa cột \"Mã trường\"."])
    values: dict[str, Any] = {}
    if rec is not None:
        w = rec.ward
        kinds = {v: k for k, v in L.KIND_WORDS.items()}
        statuses = {v: k for k, v in L.STATUS_WORDS.items()}
        values = {"ward.name": w.name, "ward.district": w.district, "ward.province": w.province,
                  "ward.kind": kinds[w.kind], "ward.residential_groups": w.residential_groups, "ward.source": w.source,
                  "period.year": rec.period.year, "period.quarter": rec.period.quarter,
                  "period.half": rec.period.half,
                  "status": statuses[rec.status]}
    elif pack is not None:
        values = {"ward.province": pack.meta.jurisdiction["province"]}
    kind_words = [vi for vi, k in L.KIND_WORDS.items()
                  if pack is None or k in pack.meta.applies_to or (rec is not None and k == rec.ward.kind)]
    words = unit_words(pack, rec)
    for fid, label, help_ in _ward_fields(words, rec):
        if fid == "ward.district" and not district:
            continue
        s.put("id", fid, fixed=True)
        s.put("label", label, fixed=True)
        s.put("help", _kind_help(kind_words) if fid == "ward.kind" else help_, fixed=True)
        v = values.get(fid)
        if v is None:
            s.blank("value", fmt="@" if fid in ("ward.name", "ward.district", "ward.province", "ward.source") else None)
        else:
            s.put("value", v, fmt="@" if isinstance(v, str) and fid not in ("ward.kind", "status") else None)
        if fid == "ward.kind":
            _choice(s, "value", kind_words, f"Chọn {words.kind_label.lower()}")
        elif fid == "ward.residential_groups":
            _whole(s, "value", "Số tổ dân phố, thôn")
        elif fid == "period.year":
            _whole(s, "value", "Năm đánh giá", 1945, 2100)
        elif fid == "period.quarter":
            _whole(s, "value", "Quý", 1, 4)
        elif fid == "period.half":
            _whole(s, "value", "Nửa năm", 1, 2)
        elif fid == "status":
            _choice(s, "value", list(L.STATUS_WORDS), "Chọn tình trạng hồ sơ")
        s.next()
    s.finish("C5")


def _doc_rows(pack, rec: Optional[Evidence]):
    vocab = pack.vocabulary.documents if pack is not None else {}
    rows = []
    for d in (rec.documents if rec else []):
        rows.append((d.id, vocab.get(d.id), d))
    held = {d.id for d in (rec.documents if rec else [])}
    for did, dd in vocab.items():
        if did not in held:
            rows.append((did, dd, None))
    return rows


def _docs_sheet(wb: Workbook, pack, rec: Optional[Evidence], columns: list[L.Column]) -> None:
    s = _Sheet(wb, L.SHEET_DOCS, columns, "VĂN BẢN LÀM MINH CHỨNG",
               _pack_lines(pack) + ["Mỗi dòng một văn bản. Văn bản chưa có: để trống cả dòng (hoặc ghi \"không\" ở cột "
                                    "\"Đã có văn bản\"). Ngày ghi dạng dd/mm/yyyy."])
    feeds, by_sent = _feeds(pack)
    for did, dd, doc in _doc_rows(pack, rec):
        s.put("id", did, fixed=True)
        s.put("label", dd.label if dd else did, fixed=True)
        s.put("feeds", feeds.get(did), fixed=True)
        sent = pack is None or did in by_sent or (doc is not None and doc.sent_on is not None)
        s.put("entry", "Số, ký hiệu; ngày ban hành" + ("; ngày gửi (chấm theo ngày gửi)" if did in by_sent else ""),
              fixed=True)
        s.put("kind", dd.kind if dd else None, fixed=True)
        if doc is not None:
            s.put("present", True)
            for key in ("number", "issuer", "title", "source", "note"):
                v = getattr(doc, key)
                if v is None:
                    s.blank(key, fmt="@")
                else:
                    s.put(key, v, fmt="@")
            for key in ("issued_on", "sent_on"):
                v = getattr(doc, key)
                if v is None:
                    s.blank(key, fill=UNUSED_FILL if key == "sent_on" and not sent else None, fmt=DATE_FORMAT)
                else:
                    s.put(key, v)
            for key in L.DRAFT_KEYS:
                if key in s.col:
                    v = getattr(doc, key)
                    if v is None:
                        s.blank(key)
                    else:
                        s.put(key, v)
        else:
            for c in columns[columns.index(next(x for x in columns if x.key == "present")):]:
                s.blank(c.key, fill=UNUSED_FILL if c.key == "sent_on" and not sent else None,
                        fmt=DATE_FORMAT if c.key in ("issued_on", "sent_on") else
                        ("@" if c.key in ("number", "issuer", "title", "source", "note") else None))
        _choice(s, "present", [L.YES, L.NO], "Đơn vị đã có văn bản này chưa?")
        _date(s, "issued_on", "Ngày ban hành")
        if sent:
            _date(s, "sent_on", "Ngày gửi")
        if "confidence" in s.col:
            _confidence(s)
            _choice(s, "review", [L.YES, L.NO], "Bản nháp: có cần người xem lại không?")
        s.next()
    s.finish("C5", pages_wide=2)


def _feeds(pack) -> tuple[dict[str, str], set[str]]:
    """Each identifier → the items it is scored in ("TC1.1 (4 đ)"), and the documents judged by the
    date they were sent (a report's deadline), for which alone "Ngày gửi" applies."""
    if pack is None:
        return {}, set()
    from ..vietnamese import fmt_number

    uses: dict[str, list[str]] = {}
    by_sent: set[str] = set()
    for _, item, bound in pack.items:
        for leaf in bound.leaves():
            ids = list(leaf.method.inputs())
            if getattr(leaf.method, "date", None) == "sent_on":
                by_sent.update(ids)
            for i in ids:
                tag = f"{item.id} ({fmt_number(item.max)} đ)"
                if tag not in uses.setdefault(i, []):
                    uses[i].append(tag)
    for rule in getattr(pack, "applicability", ()):  # unit facts decide which items apply to the unit
        for i in rule.facts:
            uses.setdefault(i, []).append(f"điều kiện áp dụng {rule.owner}")
    return {i: "; ".join(tags) for i, tags in uses.items()}, by_sent


def _fact_rows(pack, rec: Optional[Evidence]):
    vocab = pack.vocabulary.facts if pack is not None else {}
    rows = []
    held = rec.facts if rec else {}
    for fid, fv in held.items():
        rows.append((fid, vocab.get(fid), fv))
    for fid, fd in vocab.items():
        if fid not in held and fid != "ward.residential_groups":  # the ward sheet asks for it
            rows.append((fid, fd, None))
    return rows


def _facts_sheet(wb: Workbook, pack, rec: Optional[Evidence], columns: list[L.Column]) -> None:
    s = _Sheet(wb, L.SHEET_FACTS, columns, "SỐ LIỆU LÀM MINH CHỨNG",
               _pack_lines(pack) + ["Mỗi dòng một số liệu; chỉ nhập vào các ô trắng của dòng đó. Việc không phát sinh: "
                                    "ghi \"không phát sinh\" ở cột \"Giá trị\". Số liệu chưa có: để trống."])
    feeds, _ = _feeds(pack)
    for fid, fd, fv in _fact_rows(pack, rec):
        typ = fv.kind if fv is not None and fv.kind != "not_applicable" else (fd.type if fd else None)
        s.put("id", fid, fixed=True)
        s.put("label", fd.label if fd else fid, fixed=True)
        s.put("feeds", feeds.get(fid), fixed=True)
        s.put("entry", L.ENTRY_HINTS.get(typ, "Giá trị theo loại số liệu"), fixed=True)
        s.put("unit", fd.unit if fd else None, fixed=True)
        s.put("type", L.TYPE_WORDS.get(typ) if typ else None, fixed=True)
        values = _fact_cells(fv)
        if fv is None and typ == "checklist" and fd is not None and fd.total is not None:
            values["total"] = fd.total  # fixed by the pack; alone it does not make the figure present
        used = L.TYPE_COLUMNS.get(typ, L.VALUE_KEYS) + ("value",)
        for key in L.VALUE_KEYS:
            if key in values:
                s.put(key, values[key])
            else:
                s.blank(key, fill=None if key in used else UNUSED_FILL)
        for key in ("reason", "source", "note") + tuple(k for k in L.DRAFT_KEYS if k in s.col):
            v = values.get(key)
            if v is None:
                s.blank(key, fmt="@" if key in ("reason", "source", "note") else None)
            else:
                s.put(key, v, fmt="@" if isinstance(v, str) else None)
        _fact_validation(s, fid, typ, fd)
        s.next()
    s.finish("C5", pages_wide=2)


def _fact_cells(fv: Optional[FactValue]) -> dict:
    if fv is None:
        return {}
    out: dict[str, Any] = {}
    if fv.kind in ("count", "yesno"):
        out["value"] = fv.value if fv.kind == "count" else fv.flag
    elif fv.kind == "rate" and fv.percent is not None:
        out["percent"] = fv.percent
    elif fv.kind == "rate":
        out.update(num=fv.num, den=fv.den)
    elif fv.kind == "checklist":
        out.update(done=fv.done, total=fv.total, na_items=fv.na_items)
    else:
        out["value"] = L.NOT_APPLICABLE
    for key in ("reason", "source", "note", "confidence", "review"):
        v = getattr(fv, key)
        if v is not None:
            out[key] = v
    return out


def _fact_validation(s: _Sheet, fid: str, typ: Optional[str], fd) -> None:
    ref = f"{get_column_letter(s.col['value'])}{s.row}"
    if typ == "count":
        s.validate("value", "custom", "Số nguyên ≥ 0, hoặc \"không phát sinh\"",
                   "Nhập số nguyên ≥ 0 hoặc \"không phát sinh\"",
                   formula1=f'OR(AND(ISNUMBER({ref}),{ref}>=0,{ref}=INT({ref})),{ref}="{L.NOT_APPLICABLE}")')
    elif typ == "yesno":
        _choice(s, "value", [L.YES, L.NO, L.NOT_APPLICABLE], "Chọn có, không hoặc không phát sinh")
    elif typ in ("rate", "checklist"):
        _choice(s, "value", [L.NOT_APPLICABLE], "Chỉ ghi \"không phát sinh\" nếu việc này không phát sinh trong kỳ")
    if typ in ("rate", None):
        _whole(s, "num", "Tử số")
        _whole(s, "den", "Mẫu số")
        s.validate("percent", "decimal", "Tỷ lệ phần trăm, số ≥ 0 (ví dụ 95,2)", "Tỷ lệ phải là số ≥ 0",
                   operator="greaterThanOrEqual", formula1="0")
    if typ in ("checklist", None):
        _whole(s, "done", "Số nội dung đã thực hiện")
        if fd is not None and fd.total is not None:
            _whole(s, "total", "Tổng số nội dung", fd.total, fd.total)
        else:
            _whole(s, "total", "Tổng số nội dung")
        _whole(s, "na_items", "Số nội dung không phát sinh")
    if "confidence" in s.col:
        _confidence(s)
        _choice(s, "review", [L.YES, L.NO], "Bản nháp: có cần người xem lại không?")


def _notes_sheet(wb: Workbook, rec: Optional[Evidence]) -> None:
    s = _Sheet(wb, L.SHEET_NOTES, L.NOTE_COLUMNS, "GHI CHÚ",
               ["Những điều cần giải trình mà không thuộc số liệu nào (mỗi dòng một ghi chú)."])
    for n in (rec.notes if rec else []):
        s.put("text", n.text, fmt="@")
        if n.source is None:
            s.blank("source", fmt="@")
        else:
            s.put("source", n.source, fmt="@")
        s.next()
    for _ in range(3 if rec is None or not rec.notes else 0):  # room to start typing in a template
        s.blank("text", fmt="@")
        s.blank("source", fmt="@")
        s.next()
    s.finish("A5", protect=False)


GUIDE = [
    ("Cách điền phiếu", None),
    ("1. Trang \"Đơn vị và kỳ\": {name}; {district}tỉnh; năm (và quý, hay nửa năm, nếu đánh giá theo quý, theo 6 tháng); tình trạng hồ sơ.",
     None),
    ("2. Trang \"Văn bản\": mỗi dòng một văn bản của bộ tiêu chí. Đã có: ghi số, ký hiệu, ngày ban hành (dd/mm/yyyy); "
     "ngày gửi chỉ ở văn bản chấm theo ngày gửi. Chưa có: để trống cả dòng.", None),
    ("3. Trang \"Số liệu\": cột \"Cần nhập\" nói nhập gì ở mỗi dòng (số đếm, có/không, tử số và mẫu số, hoặc tỷ lệ %). "
     "Việc không phát sinh trong kỳ: ghi \"không phát sinh\" ở cột Giá trị. Số liệu chưa có: để trống.", None),
    ("4. Cột \"Dùng để chấm\" cho biết dòng đó dùng cho tiêu chí nào, tối đa bao nhiêu điểm.", None),
    ("5. Ghi nguồn (văn bản, trang, đoạn trích) cho mỗi số liệu, văn bản: cấp thẩm định đối chiếu theo nguồn.", None),
    ("6. Lưu tệp dạng .xlsx (hoặc .ods) rồi chấm: dvcq score phieu.xlsx", None),
    ("Màu ô", None),
    ("Ô trắng: nhập. Ô xám nhạt: nội dung của bộ tiêu chí, không sửa. Ô xám đậm: không áp dụng cho dòng này (đã khóa).", None),
    ("Số thập phân ghi bằng dấu phẩy như Excel tiếng Việt (95,2) hoặc dấu chấm (95.2); ngày ghi dd/mm/yyyy.", None),
]


def _guide_sheet(wb: Workbook, pack, district: bool = True, words: UnitWords = COMMUNE_WORDS) -> None:
    """The "Hướng dẫn" sheet: how to fill the workbook, what the colours mean, and the pack's items
    with their maximum points (what each figure is scored in)."""
    ws = wb.create_sheet(L.SHEET_GUIDE)
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 90
    ws.column_dimensions["C"].width = 12
    force_text(ws.cell(1, 1), "HƯỚNG DẪN ĐIỀN HỒ SƠ MINH CHỨNG CÔNG TÁC DÂN VẬN CHÍNH QUYỀN")
    ws.cell(1, 1).font = Font(bold=True, size=13)
    force_text(ws.cell(2, 1), _pack_lines(pack)[0])
    ws.cell(2, 1).font = Font(italic=True)
    row = 4
    for text, _ in GUIDE:
        text = text.replace("{district}", "huyện; " if district else "")  # only where the row is
        text = text.replace("{name}", words.guide_name)
        heading = not text[0].isdigit() and len(text) < 20
        force_text(ws.cell(row, 1 if heading else 2), text)
        cell = ws.cell(row, 1 if heading else 2)
        cell.font = Font(bold=heading)
        cell.alignment = Alignment(wrap_text=not heading, vertical="top")
        if not heading:
            ws.row_dimensions[row].height = 15 * wrapped_lines(text, 90) + 2
        row += 1
    if pack is not None:
        row += 1
        force_text(ws.cell(row, 1), "Các tiêu chí và điểm tối đa")
        ws.cell(row, 1).font = Font(bold=True)
        row += 1
        for crit in pack.data.criteria:
            for ident, title, top, bold in [(crit.id, crit.title, crit.max, True)] + \
                    [(i.id, i.title, i.max, False) for i in crit.items]:
                force_text(ws.cell(row, 1), ident)
                force_text(ws.cell(row, 2), title)
                put_value(ws.cell(row, 3), top)
                for c in (1, 2, 3):
                    ws.cell(row, c).font = Font(bold=bold)
                    ws.cell(row, c).alignment = Alignment(wrap_text=True, vertical="top")
                ws.row_dimensions[row].height = 15 * wrapped_lines(title, 90) + 2
                row += 1
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_area = f"A1:C{row}"


def _meta_sheet(wb: Workbook, pack, rec: Optional[Evidence]) -> None:
    ws = wb.create_sheet(L.SHEET_META)
    ws.sheet_state = "hidden"
    rows: list[tuple[str, str]] = [("format", L.FORMAT)]
    if pack is not None:
        rows += [("pack.id", pack.id), ("pack.version", pack.meta.version), ("pack.sha256", pack.sha256),
                 ("pack.file", os.path.basename(pack.path)), ("pack.status", pack.meta.status)]
    if rec is not None and rec.schema_ is not None:
        rows.append(("record.schema", rec.schema_))
    if rec is not None and rec.extraction is not None:
        text = dumps(rec.extraction, indent=None)
        for i in range(0, len(text), META_CHUNK):
            rows.append(("record.extraction", text[i:i + META_CHUNK]))
    for r, (k, v) in enumerate(rows, start=1):
        force_text(ws.cell(r, 1), k)
        force_text(ws.cell(r, 2), v)


def _uses_draft_keys(rec: Optional[Evidence]) -> bool:
    if rec is None:
        return False
    items = list(rec.facts.values()) + list(rec.documents)
    return any(getattr(x, k) is not None for x in items for k in L.DRAFT_KEYS)


def build(pack, rec: Optional[Evidence] = None) -> bytes:
    """The workbook for `pack` (may be None when no pack governs the record), filled from `rec`."""
    wb = Workbook()
    wb.remove(wb.active)
    drafts = _uses_draft_keys(rec)
    doc_cols = [c for c in L.DOC_COLUMNS if drafts or c.key not in L.DRAFT_KEYS]
    fact_cols = [c for c in L.FACT_COLUMNS if drafts or c.key not in L.DRAFT_KEYS]
    district = asks_district(pack, rec)
    _guide_sheet(wb, pack, district, unit_words(pack, rec))
    _ward_sheet(wb, pack, rec, district)
    _docs_sheet(wb, pack, rec, doc_cols)
    _facts_sheet(wb, pack, rec, fact_cols)
    _notes_sheet(wb, rec)
    _meta_sheet(wb, pack, rec)
    wb.active = 0
    title = "Hồ sơ minh chứng công tác dân vận chính quyền"
    if rec is not None:
        title += f" — {rec.ward.name} — {rec.period.label()}"
    return save(wb, title)


def template(pack) -> bytes:
    return build(pack, None)
