"""An OpenDocument spreadsheet (.ods: LibreOffice's own format) as the openpyxl workbook the reader knows.

A clerk who fills the evidence workbook in LibreOffice often saves it as .ods. Rather than a second
reader, the cells are copied into an in-memory openpyxl workbook, so every check, message and cell
address stays the one the .xlsx path has. odfpy (the OpenDocument library pandas uses for .ods)
parses the file; only what the reader needs is carried over: each cell's value with its type (a
percentage keeps a "%" number format, as the reader scales 0.952 to 95.2 only then), and the sheet
names. A formula's value is the one LibreOffice stored, as with .xlsx.

ODF compresses runs of identical rows and cells (`number-rows-repeated`): LibreOffice writes the
empty tail of a sheet as one row repeated a million times. Empty runs only move the cursor; a
non-empty run is expanded within MAX_CELLS, past which the file is refused rather than inflated.
"""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Optional

from openpyxl import Workbook

from ..errors import EvidenceError

MAX_CELLS = 500_000
MAX_UNZIPPED = 200 * 1024 * 1024
NOT_ODS = ("không phải tệp bảng tính .ods hợp lệ (tệp có mật khẩu hoặc tệp hỏng): mở bằng LibreOffice rồi lưu lại "
           "dạng .xlsx hoặc .ods")


def _text(cell) -> str:
    from odf import teletype
    from odf.text import P

    return "\n".join(teletype.extractText(p) for p in cell.getElementsByType(P))


def _number(text: str, name: str) -> Any:
    try:
        d = Decimal(text)
    except InvalidOperation:
        raise EvidenceError.one(NOT_ODS, file=name) from None
    if not d.is_finite():
        raise EvidenceError.one(NOT_ODS, file=name)
    return int(d) if d == d.to_integral_value() and abs(d) < 2**53 else float(d)


def _value(cell, name: str) -> tuple[Any, Optional[str]]:
    """The cell's value as openpyxl would hold it, and a number format when the type needs one."""
    kind = cell.getAttribute("valuetype")
    if kind in ("float", "currency"):
        return _number(cell.getAttribute("value"), name), None
    if kind == "percentage":
        return _number(cell.getAttribute("value"), name), "0%"
    if kind == "date":
        raw = cell.getAttribute("datevalue") or ""
        try:
            return (datetime.fromisoformat(raw) if "T" in raw else date.fromisoformat(raw)), None
        except ValueError:
            return raw, None
    if kind == "boolean":
        return cell.getAttribute("booleanvalue") == "true", None
    text = _text(cell)
    return (text if text != "" else None), None


def _repeat(element, attr: str) -> int:
    n = element.getAttribute(attr)
    try:
        return max(int(n), 1) if n else 1
    except ValueError:
        return 1


def to_workbook(raw: bytes, name: str) -> Workbook:
    """The .ods bytes as an openpyxl Workbook of values (raises EvidenceError naming `name`)."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            if sum(i.file_size for i in z.infolist()) > MAX_UNZIPPED:
                raise EvidenceError.one("tệp .ods giải nén quá lớn (nghi tệp hỏng hoặc độc hại)", file=name)
            if z.read("mimetype").strip() != b"application/vnd.oasis.opendocument.spreadsheet":
                raise EvidenceError.one(NOT_ODS, file=name)
    except (zipfile.BadZipFile, KeyError):
        raise EvidenceError.one(NOT_ODS, file=name) from None
    from odf.opendocument import load
    from odf.table import Table, TableRow

    try:
        doc = load(io.BytesIO(raw))
    except Exception:  # odfpy raises what its XML parser raises; all mean a damaged file to a clerk
        raise EvidenceError.one(NOT_ODS, file=name) from None
    wb = Workbook()
    wb.remove(wb.active)
    cells = 0
    for table in doc.spreadsheet.getElementsByType(Table):
        ws = wb.create_sheet(table.getAttribute("name") or f"Sheet{len(wb.worksheets) + 1}")
        row = 1
        for tr in table.getElementsByType(TableRow):
            rows = _repeat(tr, "numberrowsrepeated")
            filled: list[tuple[int, Any, Optional[str]]] = []
            col = 1
            for tc in tr.childNodes:
                if tc.qname[1] not in ("table-cell", "covered-table-cell"):
                    continue
                span = _repeat(tc, "numbercolumnsrepeated")
                value, fmt = _value(tc, name)
                if value is not None:
                    filled += [(col + k, value, fmt) for k in range(span)]
                col += span
            if filled:
                cells += rows * len(filled)
                if cells > MAX_CELLS:
                    raise EvidenceError.one(f"tệp .ods có quá nhiều ô có dữ liệu (hơn {MAX_CELLS})", file=name)
                for r in range(row, row + rows):
                    for c, value, fmt in filled:
                        cell = ws.cell(r, c)
                        cell.value = value
                        if isinstance(value, str):
                            cell.data_type = "s"  # text beginning with "=" stays text
                        if fmt:
                            cell.number_format = fmt
            row += rows
    if not wb.worksheets:
        raise EvidenceError.one(NOT_ODS, file=name)
    return wb
