"""The mark dvcq writes into the workbooks it outputs, and the cheap test for it.

A ranking or an official table saved with `-o` into a records folder must not be read back by the
next `dvcq batch` as a (failed) record. Every workbook dvcq outputs carries its kind in the
document properties (`docProps/core.xml`, `<cp:category>dvcq-output:KIND</cp:category>`); the
evidence-entry template carries none, so a filled template is always read. The test reads only
the zip's directory and that one small member — never the sheets — and any doubt (not a zip, no
member, too large, damaged) means "not ours": the file is then read as a record and, if it is not
one, fails with its own message instead of vanishing from the batch.
"""
from __future__ import annotations

import os
import zipfile
from typing import Optional

CORE = "docProps/core.xml"
PREFIX = "dvcq-output:"
RANKING = "ranking"                 # `batch --format xlsx`
OFFICIAL_TABLE = "official-table"   # `score` / `verify --format xlsx`
SKIPPED_BY_BATCH = frozenset({RANKING, OFFICIAL_TABLE})
CORE_MAX = 64 * 1024                # dvcq's own core.xml is a few hundred bytes


def category_xml(kind: Optional[str]) -> str:
    """The `<cp:category>` element marking an output of `kind` (nothing for an unmarked workbook)."""
    return f"<cp:category>{PREFIX}{kind}</cp:category>" if kind else ""


def output_kind(path) -> Optional[str]:
    """The kind of dvcq output the workbook at `path` is, or None (not a dvcq output, or unreadable)."""
    from ..files import MAX_INPUT, Unreadable, open_regular

    try:
        fd = open_regular(path, "tệp")
    except Unreadable:
        return None
    try:
        with os.fdopen(fd, "rb") as f:
            fd = None
            if os.fstat(f.fileno()).st_size > MAX_INPUT:
                return None
            with zipfile.ZipFile(f) as z:
                info = z.getinfo(CORE)
                if info.file_size > CORE_MAX:
                    return None
                with z.open(info) as member:
                    core = member.read(CORE_MAX + 1)
    except Exception:  # noqa: BLE001 — a damaged or foreign file is simply "not ours" (read as a record)
        return None
    finally:
        if fd is not None:
            os.close(fd)
    start = core.find(b"<cp:category>" + PREFIX.encode())
    if start < 0:
        return None
    start += len(b"<cp:category>" + PREFIX.encode())
    end = core.find(b"</cp:category>", start)
    return core[start:end].decode("ascii", "replace") if end > start else None
