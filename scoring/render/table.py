"""The self-scoring table for a terminal or a printout (the grid tabulate's `simple_grid` draws, see grid.py)."""
from __future__ import annotations

from typing import Optional

from ..result import Result
from .common import HEADERS, fit_widths, header_lines, rows, summary_lines, terminal_width, wrap_columns, wrap_headers, wrap_lines
from .grid import simple_grid


def render(result: Result, width: Optional[int] = None) -> str:
    """The table fitted to `width` columns (default: the terminal's; see `terminal_width`)."""
    table = rows(result)
    width = terminal_width(width)
    widths = fit_widths(table, HEADERS, width, {1: 2, 4: 3})
    body = simple_grid(wrap_columns(table, widths), wrap_headers(HEADERS, widths, table),
                       ("left", "left", "right", "right", "left"))
    return "\n".join(wrap_lines(header_lines(result), width) + ["", body, ""]
                     + wrap_lines(summary_lines(result), width)) + "\n"
