"""`dvcq extract` on a .txt of many short lines (issue 11, item 7): wall time and peak memory.

    .venv/bin/python bench/extract_lines.py [N ...]      # default: 10000 30000

Each line starts in lower case and the one before ends without punctuation, so every line is
glued to the paragraph before it (a page break cut it, as far as the reader can tell): the case
where `_glue()` re-checked the growing paragraph on every line and took 7.6 s for 10,000 lines,
56 s for 30,000. Linear now: the time grows with the lines, not with their square.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from common import DVCQ, peak_rss_mb


def write_report(path: Path, n: int) -> None:
    lines = ["BÁO CÁO", "Kết quả công tác dân vận chính quyền năm 2023"]
    lines += [f"dòng thứ {i} của một đoạn văn rất dài không có dấu chấm câu" for i in range(n)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as d:
        for n in sizes:
            report, out = Path(d) / f"lines-{n}.txt", Path(d) / f"draft-{n}.yaml"
            write_report(report, n)
            wall, rss, rc, cpu = peak_rss_mb([str(DVCQ), "extract", str(report), "-o", str(out), "--force"])
            print(f"dvcq extract, {n:>6} glued lines ({report.stat().st_size / 1024:.0f} KB): {wall:6.2f} s wall, "
                  f"{cpu:6.2f} s CPU, peak RSS {rss:.0f} MB, exit {rc}")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10_000, 30_000])
