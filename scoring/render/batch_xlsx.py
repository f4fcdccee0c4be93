"""The district's ranking of its wards as an Excel workbook with native charts.

Takes the same plain rows as `batch_html.render_ranking` (see its docstring for the keys). The
difference between verified and self totals and the count total are formulas (the sheet can do
that arithmetic); ranks, totals and grades are the engine's values. Charts are openpyxl's native
Excel charts, so they need nothing but the spreadsheet program to display and print.

Several rankings (a folder mixing years or provinces) give one ranking sheet and one grade-count
sheet each, named after the ranking's label; failures get a sheet of their own.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Optional, Sequence

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from .charts import ticks
from ..workbook import marker
from ..workbook.xlsxio import NUMBER_FORMAT, force_text, put_value, save
from .batch_html import (TITLE, Problems, Ranking, check_rows, final_total, grade_list, moved_text, ordered,
                         rank_text)

RANKING, GRADES, FAILED = "Xếp hạng", "Xếp loại", "Hồ sơ lỗi"
# (key, header, width) of the ranking sheet's columns, in order; "district" and "note" are left out
# of a sheet none of whose rows has one, so formulas and charts find their columns through `letters`.
COLUMNS = [("rank", "Hạng", 7), ("ward", "Phường, xã, thị trấn", 30), ("district", "Huyện, thị xã, thành phố", 24),
           ("self", "Điểm tự chấm", 11), ("verified", "Điểm thẩm định", 11), ("diff", "Chênh lệch", 11),
           ("final", "Điểm xếp hạng", 11), ("grade", "Xếp loại", 26), ("moved", "Nội dung được điều chỉnh", 44),
           ("note", "Ghi chú", 44)]
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
FONT = "Times New Roman"
HEADER_ROW = 4
SHEET_NAME_MAX = 31                    # Excel refuses longer sheet names
SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def _put(ws, row: int, col: int, value, bold: bool = False, align: str = "left", wrap: bool = True) -> None:
    cell = ws.cell(row, col)
    put_value(cell, value)
    cell.font = Font(name=FONT, bold=bold)
    cell.alignment = Alignment(horizontal=align, vertical="top", wrap_text=wrap)
    cell.border = BORDER


def _text(ws, row: int, value: str, **font) -> None:
    force_text(ws.cell(row, 1), value)
    ws.cell(row, 1).font = Font(name=FONT, **font)


def _lines(text: str, width: float, size: int = 11) -> int:
    """Lines a wrapped cell needs: spreadsheet programs do not grow rows to fit text when opening a file."""
    per = max(int(width * 11 / size) - 2, 1)
    return sum(max(1, -(-len(part) * 11 // (per * 10))) for part in str(text).split("\n"))


def _wide(ws, row: int, value: str, ncols: int, size: int = 11, **font) -> None:
    """A line of text across the table's width, wrapped, with a row tall enough for it."""
    _text(ws, row, value, size=size, **font)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
    ws.cell(row, 1).alignment = Alignment(vertical="top", wrap_text=True)
    width = sum(ws.column_dimensions[get_column_letter(c)].width or 8.43 for c in range(1, ncols + 1))
    ws.row_dimensions[row].height = round(size * 1.4) * _lines(value, width, size)


def _print_setup(ws, last_col: str, last_row: int) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_area = f"A1:{last_col}{last_row}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.oddFooter.center.text = "Trang &P/&N"


def sheet_name(base: str, used: set[str]) -> str:
    """A legal sheet name (≤ 31 characters, none of []:*?/\\), unique ignoring case as Excel requires."""
    base = SHEET_NAME_BAD.sub("-", base).strip() or "Trang"
    k = 1
    while True:
        suffix = f" ({k})" if k > 1 else ""
        name = base[:SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
        if name.casefold() not in used:
            used.add(name.casefold())
            return name
        k += 1


def sheet_columns(rows: Sequence[dict]) -> list[tuple[str, str, int]]:
    """The ranking sheet's columns for these rows: the district only when a row names one (there is
    no district level since 1 July 2025), the notes only when a row has one."""
    district = any((r.get("district") or "").strip() for r in rows)
    notes = any(r.get("note") for r in rows)
    return [c for c in COLUMNS if (c[0] != "district" or district) and (c[0] != "note" or notes)]


def ranking_sheet(wb: Workbook, name: str, ranking: Ranking) -> dict[str, object]:
    """The ranking table with its totals chart; returns the formulas' cached values."""
    rows = ranking.rows
    check_rows(rows)
    columns = sheet_columns(rows)
    ncols = len(columns)
    col = {key: c for c, (key, _, _) in enumerate(columns, start=1)}           # key → column number
    letter = {key: get_column_letter(c) for key, c in col.items()}            # key → column letter
    widths = {c: w for c, (_, _, w) in enumerate(columns, start=1)}
    ws = wb.create_sheet(name)
    cached: dict[str, object] = {}
    for c, (key, header, width) in enumerate(columns, start=1):
        header = ranking.words.noun if key == "ward" else header
        _put(ws, HEADER_ROW, c, header, bold=True, align="center")
        ws.cell(HEADER_ROW, c).fill = HEAD_FILL
        ws.column_dimensions[get_column_letter(c)].width = width
    _wide(ws, 1, ranking.title, ncols, size=14, bold=True)
    if ranking.subtitle:
        _wide(ws, 2, ranking.subtitle, ncols, italic=True)
    if ranking.banners:
        _wide(ws, 3, " ".join(ranking.banners), ncols, bold=True, color="C00000")
    ws.row_dimensions[HEADER_ROW].height = 32
    listed = ordered(rows)
    self_, verified, diff, final = letter["self"], letter["verified"], letter["diff"], letter["final"]
    for i, r in enumerate(listed):
        row = HEADER_ROW + 1 + i
        v = r.get("verified_total")
        _put(ws, row, col["rank"], int(r["rank"]) if r["rank"] is not None else rank_text(r), align="center")
        _put(ws, row, col["ward"], str(r["ward"]))
        if "district" in col:
            _put(ws, row, col["district"], r.get("district"))
        _put(ws, row, col["self"], Decimal(r["self_total"]), align="center")
        _put(ws, row, col["verified"], Decimal(v) if v is not None else None, align="center")
        _put(ws, row, col["diff"], None, align="center")
        if v is not None:
            ws.cell(row, col["diff"]).value = f"={verified}{row}-{self_}{row}"
            ws.cell(row, col["diff"]).number_format = NUMBER_FORMAT
            cached[f"{diff}{row}"] = Decimal(v) - Decimal(r["self_total"])
        _put(ws, row, col["final"], None, align="center")
        ws.cell(row, col["final"]).value = f'=IF({verified}{row}="",{self_}{row},{verified}{row})'  # the ranking's total
        ws.cell(row, col["final"]).number_format = NUMBER_FORMAT
        cached[f"{final}{row}"] = final_total(r)
        _put(ws, row, col["grade"], str(r["grade"]))
        _put(ws, row, col["moved"], moved_text(r))
        if "note" in col:
            _put(ws, row, col["note"], r.get("note") or None)
        ws.row_dimensions[row].height = 15 * max(_lines(ws.cell(row, c).value or "", widths[c])
                                                 for c in range(1, ncols + 1))
    last = HEADER_ROW + len(listed)
    for j, note in enumerate(ranking.notes):
        _wide(ws, last + 2 + j, note, ncols)
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    chart_row = last + 3 + len(ranking.notes)
    chart_h = max(7.5, 0.7 * len(listed) + 3)
    if listed:
        chart = BarChart()
        chart.type = "bar"
        chart.title = "Tổng điểm theo đơn vị"
        chart.y_axis.title = "điểm"
        chart.add_data(Reference(ws, min_col=col["final"], min_row=HEADER_ROW, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=col["ward"], min_row=HEADER_ROW + 1, max_row=last))
        chart.x_axis.scaling.orientation = "maxMin"  # rank 1 at the top, as in the table
        chart.legend = None
        chart.height = chart_h
        chart.width = 22
        ws.add_chart(chart, f"A{chart_row}")
    _print_setup(ws, get_column_letter(ncols), chart_row + int(chart_h * 2))
    return cached


def grades_sheet(wb: Workbook, name: str, ranking: Ranking) -> dict[str, object]:
    """Units per grade in the pack's order, a SUM total and a column chart; returns the cached values."""
    counts = grade_list(ranking.grade_counts)
    gs = wb.create_sheet(name)
    _text(gs, 1, "Số đơn vị theo xếp loại", bold=True, size=14)
    if ranking.subtitle:
        _text(gs, 2, ranking.subtitle, italic=True)
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
    cached = {f"B{total_row}": sum(n for _, n in counts)} if counts else {}
    if counts:
        chart = BarChart()
        chart.type = "col"
        chart.title = "Số đơn vị theo xếp loại"
        chart.add_data(Reference(gs, min_col=2, min_row=HEADER_ROW, max_row=total_row - 1), titles_from_data=True)
        chart.set_categories(Reference(gs, min_col=1, min_row=HEADER_ROW + 1, max_row=total_row - 1))
        chart.legend = None
        # counts of units: gridlines on whole numbers only, as in the printed chart (charts.ticks)
        end, grid = ticks(Decimal(max(n for _, n in counts) or 1), whole=True)
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = int(end)
        chart.y_axis.majorUnit = int(grid[1] - grid[0])
        chart.y_axis.number_format = "0"
        chart.y_axis.title = "số đơn vị"
        chart.height, chart.width = 7.5, 16
        gs.add_chart(chart, f"D{HEADER_ROW}")
    _print_setup(gs, "L", max(total_row, HEADER_ROW + 16))
    return cached


def problems_sheet(wb: Workbook, name: str, problems: Sequence[Problems]) -> None:
    """Each heading, then one row per file with its messages (one per line in the cell)."""
    ws = wb.create_sheet(name)
    _text(ws, 1, "Hồ sơ, tệp không được xếp hạng", bold=True, size=14)
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 110
    row = HEADER_ROW - 1
    for heading, entries in problems:
        if not entries:
            continue
        _text(ws, row, f"{heading} ({len(entries)})", bold=True)
        row += 1
        for c, h in enumerate(["Tệp", "Lỗi"], start=1):
            _put(ws, row, c, h, bold=True, align="center")
            ws.cell(row, c).fill = HEAD_FILL
        for file, messages in entries:
            row += 1
            _put(ws, row, 1, file)
            _put(ws, row, 2, "\n".join(messages))
            ws.row_dimensions[row].height = 15 * max(_lines(file, 34), _lines("\n".join(messages), 110))
        row += 2
    _print_setup(ws, "B", max(row, HEADER_ROW))
    ws.print_title_rows = None


def render_rankings(rankings: Sequence[Ranking], *, title: str = TITLE, problems: Sequence[Problems] = ()) -> bytes:
    """A ranking sheet and a grade-count sheet per ranking (named after its label), then the failures."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    cached: dict[str, dict[str, object]] = {}
    for r in rankings:
        label = f" {r.label}" if r.label else ""
        name = sheet_name(RANKING + label, used)
        cached[name] = ranking_sheet(wb, name, r)
        name = sheet_name(GRADES + label, used)
        cached[name] = grades_sheet(wb, name, r)
    if any(entries for _, entries in problems):
        problems_sheet(wb, sheet_name(FAILED, used), problems)
    return save(wb, title, cached, kind=marker.RANKING)


def render_ranking(rows: Sequence[dict], grade_counts, *, title: str = TITLE,
                   subtitle: Optional[str] = None) -> bytes:
    return render_rankings([Ranking(rows, grade_counts, title, subtitle)], title=title)
