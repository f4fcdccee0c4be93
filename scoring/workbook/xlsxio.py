"""Saving openpyxl workbooks so that the same input gives byte-identical files.

openpyxl stamps the save time into `docProps/core.xml` and into every zip entry; both are replaced
by fixed values here. It also writes formulas without a computed value, so a viewer that does not
recalculate (a phone preview, a script reading cached values) would show empty totals: the values
the engine already computed are written as the formulas' cached results.
"""
from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal
from typing import Mapping, Optional
from xml.sax.saxutils import escape

from openpyxl import Workbook

from ..vietnamese import plain_number
from .marker import category_xml

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the zip format's epoch: carries no information
# Numbers shown as a Vietnamese reader writes them ("10,5"; LCID 0x042A is vi-VN): LibreOffice honours
# the format's locale whatever the machine's; Excel follows the system's separators, which a
# Vietnamese Windows sets to the same. General keeps every digit of an exact decimal.
NUMBER_FORMAT = "[$-42A]General"


def _core_xml(title: str, kind: Optional[str] = None) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{escape(title)}</dc:title><dc:creator>dvcq</dc:creator>{category_xml(kind)}</cp:coreProperties>"
    ).encode("utf-8")


def _number(v) -> str:
    return plain_number(v)


def exact_number(d: Decimal):
    """A Decimal as a number when a double keeps it exactly, else as text (which our reader parses)."""
    if d == d.to_integral_value() and abs(d) < 2**53:
        return int(d)
    f = float(d)
    return f if Decimal(repr(f)) == d else format(d, "f")


def _fill_cached(xml: bytes, values: Mapping[str, object]) -> bytes:
    """Put each formula cell's known result into its empty `<v></v>` (text results get t="str")."""
    text = xml.decode("utf-8")

    def repl(m: re.Match) -> str:
        ref = m.group(1)
        if ref not in values:
            return m.group(0)
        v = values[ref]
        attrs = re.sub(r'\st="[^"]*"', "", m.group(2))
        if isinstance(v, str):
            return f'<c r="{ref}"{attrs} t="str"><f>{m.group(3)}</f><v>{escape(v)}</v></c>'
        return f'<c r="{ref}"{attrs}><f>{m.group(3)}</f><v>{_number(v)}</v></c>'

    text = re.sub(r'<c r="([A-Z]+[0-9]+)"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?</c>', repl, text)
    return text.encode("utf-8")


def save(wb: Workbook, title: str, cached: Optional[Mapping[str, Mapping[str, object]]] = None,
         kind: Optional[str] = None) -> bytes:
    """The workbook as .xlsx bytes; `cached` maps sheet title → {cell ref → value of its formula};
    `kind`: the output's kind, marked in its properties (see `marker`) so `batch` can skip it."""
    raw = io.BytesIO()
    wb.save(raw)
    sheet_xml = {f"xl/worksheets/sheet{i}.xml": ws.title for i, ws in enumerate(wb.worksheets, start=1)}
    cached = cached or {}
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _core_xml(title, kind)
            elif info.filename in sheet_xml and sheet_xml[info.filename] in cached:
                data = _fill_cached(data, cached[sheet_xml[info.filename]])
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    return out.getvalue()


def force_text(cell, value: str) -> None:
    """Store text as text even when it starts with '=' (openpyxl would make it a formula)."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def put_value(cell, value) -> None:
    """A value into a cell as every workbook we write stores it: exact decimals, text kept as text
    (with a file name's undecodable bytes as visible escapes: XML cannot hold them)."""
    if isinstance(value, str):
        from ..files import shown

        value = shown(value)
    force_text(cell, exact_number(value) if isinstance(value, Decimal) else value)
    if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
        cell.number_format = NUMBER_FORMAT
