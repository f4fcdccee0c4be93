"""The self-scoring table for a terminal or a printout (tabulate)."""
from __future__ import annotations

from tabulate import tabulate

from ..result import Result
from .common import HEADERS, header_lines, rows, summary_lines, wrap_columns


def render(result: Result, width: int = 60) -> str:
    body = tabulate(wrap_columns(rows(result), [None, 44, None, None, width]), headers=HEADERS,
                    tablefmt="simple_grid", disable_numparse=True, colalign=("left", "left", "right", "right", "left"))
    return "\n".join(header_lines(result) + ["", body, ""] + summary_lines(result)) + "\n"
