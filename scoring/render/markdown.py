"""A Markdown report (for a dossier, a wiki, or a pull request reviewing a rule change)."""
from __future__ import annotations

from tabulate import tabulate

from ..result import Result
from ..vietnamese import period_label
from .common import HEADERS, header_lines, rows, summary_lines


def _cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def render(result: Result) -> str:
    e = result.evidence
    out = [f"# Kết quả chấm điểm công tác dân vận chính quyền — {e['ward']} ({period_label(e['period'], 'bare')})", ""]
    for line in header_lines(result):
        out.append(f"> {line}" if line.startswith("⚠") else f"- {line}")
    out.append("")
    table = [[_cell(c) for c in row] for row in rows(result)]
    out.append(tabulate(table, headers=HEADERS, tablefmt="github", disable_numparse=True,
                        colalign=("left", "left", "right", "right", "left")))
    out.append("")
    for line in summary_lines(result):
        out.append(f"- {line.strip()}")
    return "\n".join(out) + "\n"
