"""Helpers for workbook tests: locating rows by identifier and filling cells like a clerk would."""
from __future__ import annotations

import io

from openpyxl import load_workbook

from scoring.workbook import layout as L


def open_bytes(data: bytes, data_only: bool = False):
    return load_workbook(io.BytesIO(data), data_only=data_only)


def col(ws, header: str) -> int:
    for c in range(1, ws.max_column + 1):
        if ws.cell(L.HEADER_ROW, c).value == header:
            return c
    raise KeyError(header)


def id_col(ws) -> int:
    """The code column (after the Vietnamese label), found by its header as the reader finds it."""
    heads = {L.WARD_COLUMNS[1].header, L.DOC_COLUMNS[1].header, L.FACT_COLUMNS[1].header}
    return next(c for c in range(1, ws.max_column + 1) if ws.cell(L.HEADER_ROW, c).value in heads)


def row_of(ws, ident: str) -> int:
    c = id_col(ws)
    for r in range(L.FIRST_ROW, ws.max_row + 1):
        if ws.cell(r, c).value == ident:
            return r
    raise KeyError(ident)


def ref(ws, ident: str, header: str) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col(ws, header))}{row_of(ws, ident)}"


def set_cell(wb, sheet: str, ident: str, header: str, value, number_format: str | None = None) -> str:
    ws = wb[sheet]
    cell = ws.cell(row_of(ws, ident), col(ws, header))
    cell.value = value
    if number_format:
        cell.number_format = number_format
    return cell.coordinate


def save(wb, path) -> None:
    wb.save(path)
