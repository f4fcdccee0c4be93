"""Every figure of bench/ in one run, printed as the Markdown table bench/README.md shows.

    .venv/bin/python bench/run_all.py            # or: make bench

Figures are ratios measured in the same run plus the absolute numbers on this machine. The load
average is printed too: timings taken while other work runs on the cores are not comparable.
"""
from __future__ import annotations

import os
import platform
import sys

import batch_10k
import per_record
import startup
from common import Row


def table(rows: list[Row]) -> str:
    lines = ["| Figure | Measured | Absolute | Target | Met |", "|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r.figure} | {r.measured} | {r.absolute} | {r.target} | {'yes' if r.ok else '**no**'} |")
    lines.append("")
    lines.append("Commands:")
    lines.append("")
    for cmd in dict.fromkeys(r.command for r in rows):
        lines.append(f"    {cmd}")
    return "\n".join(lines)


def main() -> None:
    load_before = os.getloadavg()
    rows = [startup.measure(), *per_record.measure()]
    rows += batch_10k.measure()
    load_after = os.getloadavg()
    print()
    print(f"Machine: {os.cpu_count()} cores, {platform.processor() or platform.machine()}, Python "
          f"{platform.python_version()}; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after.")
    print()
    print(table(rows))
    sys.exit(0)


if __name__ == "__main__":
    main()
