"""The district's ranking of its wards as an Excel workbook with native charts.

Takes the same plain rows as `batch_html.render_ranking` (see its docstring for the keys). The
difference between verified and self totals and the count total are formulas (the sheet can do
that arithmetic); ranks, totals and grades are the engine's values. Charts are openpyxl's native
Excel charts, so they need nothing but the spreadsheet program to display and print.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Optional, Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from ..workbook.xlsxio import exact_number, force_text, save
from .batch_html import grade_list, check_rows, final_total, moved_text

RANKING, GRADES = "Xếp hạng", "Xếp loại"
HEADERS = ["Hạng", "Phường, xã, thị trấn", "Huyện, thị xã, thành phố", "Điểm tự chấm", "Điểm thẩm định", "Chênh lệch",
           "Điểm xếp hạng", "Xếp loại", "Nội dung được điều chỉnh"]
WIDTHS = [7, 30, 24, 11, 11, 11, 11, 26, 44]
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
FONT = "Times New Roman"
HEADER_ROW = 4


def _put(ws, row: int, col: int, value, bold: bool = False, align: str = "left", wrap: bool = True) -> None:
    cell = ws.cell(row, col)
    if isinstance(value, Decimal):
        cell.value = exact_number(value)
    elif isinstance(value, str):
        force_text(cell, value)
    else:
        cell.value = value
    cell.font = Font(name=FONT, bold=bold)
    cell.alignment = Alignment(horizontal=align, vertical="top", wrap_text=wrap)
    cell.border = BORDER


def _print_setup(ws, last_col: str, last_row: int) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_area = f"A1:{last_col}{last_row}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.oddFooter.center.text = "Trang &P/&N"


def render_ranking(rows: Sequence[dict], grade_counts, *, title: str = "Xếp hạng công tác dân vận chính quyền cấp xã",
                   subtitle: Optional[str] = None) -> bytes:
    check_rows(rows)
    counts = grade_list(grade_counts)
    wb = Workbook()
    ws = wb.active
    ws.title = RANKING
    cached: dict[str, object] = {}
    ws.cell(1, 1, title).font = Font(name=FONT, bold=True, size=14)
    if subtitle:
        force_text(ws.cell(2, 1), subtitle)
        ws.cell(2, 1).font = Font(name=FONT, italic=True)
    for c, h in enumerate(HEADERS, start=1):
        _put(ws, HEADER_ROW, c, h, bold=True, align="center")
        ws.cell(HEADER_ROW, c).fill = HEAD_FILL
        ws.column_dimensions[chr(64 + c)].width = WIDTHS[c - 1]
    ws.row_dimensions[HEADER_ROW].height = 32
    ordered = sorted(rows, key=lambda r: r["rank"])
    for i, r in enumerate(ordered):
        row = HEADER_ROW + 1 + i
        v = r.get("verified_total")
        _put(ws, row, 1, int(r["rank"]), align="center")
        _put(ws, row, 2, str(r["ward"]))
        _put(ws, row, 3, r.get("district"))
        _put(ws, row, 4, Decimal(r["self_total"]), align="center")
        _put(ws, row, 5, Decimal(v) if v is not None else None, align="center")
        _put(ws, row, 6, None, align="center")
        if v is not None:
            ws.cell(row, 6).value = f"=E{row}-D{row}"
            cached[f"F{row}"] = Decimal(v) - Decimal(r["self_total"])
        _put(ws, row, 7, None, align="center")
        ws.cell(row, 7).value = f'=IF(E{row}="",D{row},E{row})'  # the total the ranking uses
        cached[f"G{row}"] = final_total(r)
        _put(ws, row, 8, str(r["grade"]))
        _put(ws, row, 9, moved_text(r))
    last = HEADER_ROW + len(ordered)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    if ordered:
        chart = BarChart()
        chart.type = "bar"
        chart.title = "Tổng điểm theo đơn vị"
        chart.y_axis.title = "điểm"
        chart.add_data(Reference(ws, min_col=7, min_row=HEADER_ROW, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, min_row=HEADER_ROW + 1, max_row=last))
        chart.x_axis.scaling.orientation = "maxMin"  # rank 1 at the top, as in the table
        chart.legend = None
        chart.height = max(7.5, 0.7 * len(ordered) + 3)
        chart.width = 22
        ws.add_chart(chart, f"A{last + 3}")
    _print_setup(ws, "I", last + 3 + int(max(7.5, 0.7 * len(ordered) + 3) * 2))

    gs = wb.create_sheet(GRADES)
    gs.cell(1, 1, "Số đơn vị theo xếp loại").font = Font(name=FONT, bold=True, size=14)
    if subtitle:
        force_text(gs.cell(2, 1), subtitle)
    for c, h in enumerate(["Xếp loại", "Số đơn vị"], start=1):
        _put(gs, HEADER_ROW, c, h, bold=True, align="center")
        gs.cell(HEADER_ROW, c).fill = HEAD_FILL
    gs.column_dimensions["A"].width = 36
    gs.column_dimensions["B"].width = 12
    for i, (label, n) in enumerate(counts):
        _put(gs, HEADER_ROW + 1 + i, 1, label)
        _put(gs, HEADER_ROW + 1 + i, 2, n, align="center")
    total_row = HEADER_ROW + 1 + len(counts)
    _put(gs, total_row, 1, "Tổng số", bold=True)
    _put(gs, total_row, 2, None, bold=True, align="center")
    if counts:
        gs.cell(total_row, 2).value = f"=SUM(B{HEADER_ROW + 1}:B{total_row - 1})"
    cached_g = {f"B{total_row}": sum(n for _, n in counts)} if counts else {}
    if counts:
        chart = BarChart()
        chart.type = "col"
        chart.title = "Số đơn vị theo xếp loại"
        chart.add_data(Reference(gs, min_col=2, min_row=HEADER_ROW, max_row=total_row - 1), titles_from_data=True)
        chart.set_categories(Reference(gs, min_col=1, min_row=HEADER_ROW + 1, max_row=total_row - 1))
        chart.legend = None
        chart.height, chart.width = 7.5, 16
        gs.add_chart(chart, f"D{HEADER_ROW}")
    _print_setup(gs, "L", max(total_row, HEADER_ROW + 16))
    return save(wb, title, {RANKING: cached, GRADES: cached_g})
