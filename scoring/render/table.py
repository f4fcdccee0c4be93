"""The self-scoring table for a terminal or a printout (tabulate)."""
from __future__ import annotations

from typing import Optional

from tabulate import tabulate

from ..result import Result
from .common import HEADERS, fit_widths, header_lines, rows, summary_lines, terminal_width, wrap_columns, wrap_headers, wrap_lines


def render(result: Result, width: Optional[int] = None) -> str:
    """The table fitted to `width` columns (default: the terminal's; see `terminal_width`)."""
    table = rows(result)
    width = terminal_width(width)
    widths = fit_widths(table, HEADERS, width, {1: 2, 4: 3})
    body = tabulate(wrap_columns(table, widths), headers=wrap_headers(HEADERS, widths, table),
                    tablefmt="simple_grid", disable_numparse=True, colalign=("left", "left", "right", "right", "left"))
    return "\n".join(wrap_lines(header_lines(result), width) + ["", body, ""]
                     + wrap_lines(summary_lines(result), width)) + "\n"
