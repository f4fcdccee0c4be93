"""Presenting a batch: the ranking per pack and period, counts per grade, the quota's moves, failures.

CSV is for spreadsheets and other tools: one row per record (failed ones included, with their
errors), plain decimals with a dot. JSON is sealed like every other result.
"""
from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any, Optional

from ..evidence import period_fields
from ..vietnamese import fmt_number, period_label, plain_number, status_label
from ..render import BATCH, binary, formats
from ..render import render as report
from ..render.common import fit_widths, terminal_width, wrap_columns, wrap_headers, wrap_lines
from ..render.grid import simple_grid
from ..render.json import Stream, dumps, iterdumps, number, sealed
from .. import result as result_module
from .ranking import BatchResult, Group, Row

FORMATS = formats(BATCH)  # from the one reporter registry (scoring.render)
BINARY = {f for f in FORMATS if binary(f)}
FAILED_HEADING = "Hồ sơ/tệp lỗi, không được xếp hạng"
UNMATCHED_HEADING = "Tệp thẩm định không khớp hồ sơ nào trong thư mục"
PROVISIONAL_HEADING = ("Hồ sơ đang hoàn thiện (điểm tạm tính) — xếp riêng, không tính vào số đơn vị theo xếp loại "
                       "và chỉ tiêu; hạng trong bảng này chỉ so giữa các hồ sơ tạm tính")
HEADERS = ["Hạng", "Đơn vị", "Huyện/thị xã", "Tự chấm", "Thẩm định", "Xếp loại", "Thay đổi nhiều nhất", "Ghi chú"]
ALIGN = ("right", "left", "left", "right", "right", "left", "left", "left")
DISTRICT = HEADERS.index("Huyện/thị xã")


def signed(d: Decimal) -> str:
    return ("+" if d > 0 else "−") + fmt_number(abs(d))


def moved_text(row: Row) -> str:
    return "; ".join(f"{i} {signed(d)}" for i, d in row.s.moved)


def _row(r: Row) -> list[str]:
    s = r.s
    return [str(r.rank) if r.rank is not None else "—", s.ward, s.district or "", fmt_number(s.self_total),
            fmt_number(s.verified_total) if s.verified_total is not None else "—", r.grade[1], moved_text(r), r.note]


def group_title(g: Group) -> str:
    p = g.pack
    return (f"{period_label(g.period).capitalize()} — bộ tiêu chí {p['id']} v{p['version']} ({status_label(p['status'])}) — "
            f"{len(g.main)} đơn vị" + (f" (và {len(g.provisional)} hồ sơ tạm tính, xếp riêng)" if g.provisional else "")
            + f", {sum(1 for r in g.rows if r.s.review)} đã thẩm định")


def group_lines(g: Group) -> list[str]:
    out = ["Số đơn vị theo xếp loại: " + "; ".join(f"{label}: {n}" for _, label, n in g.counts)]
    q = g.quota
    if q is not None:
        head = (f"Chỉ tiêu '{q.grade_label}': tối đa {fmt_number(q.percent)}% của {q.base} đơn vị từ '{q.of_label}' "
                f"trở lên = {q.allowed} đơn vị ({q.source})")
        if q.moved:
            out.append(head + f"; {q.before} đơn vị đạt mức này, chuyển xuống '{q.to_label}': "
                       + ", ".join(f"{r.s.ward} ({fmt_number(r.s.total)} điểm, hạng {r.rank})" for r in q.moved))
        else:
            out.append(head + f"; {q.before} đơn vị đạt mức này: không phải chuyển đơn vị nào")
    return out


def provisional_lines(g: Group) -> list[str]:
    """Under the provisional table: its own counts per grade (never added to the ranked ones)."""
    if not g.provisional:
        return []
    return ["Số hồ sơ tạm tính theo xếp loại (tạm tính): "
            + "; ".join(f"{label}: {n}" for _, label, n in g.provisional_counts)]


def warning_lines(b: BatchResult) -> list[str]:
    return draft_lines([g.pack for g in b.groups])


def draft_lines(packs: list[dict]) -> list[str]:
    out = []
    drafts = sorted({p["id"] for p in packs if p["status"] == "draft"})
    if drafts:
        out.append(f"⚠ BỘ TIÊU CHÍ DỰ THẢO (draft): {', '.join(drafts)} — điểm số chưa được đối chiếu với văn bản ký "
                   "ban hành; không dùng để xếp loại chính thức.")
    return out


def tail_lines(b: BatchResult) -> list[str]:
    out = []
    if b.failed:
        out.append(f"{FAILED_HEADING} ({len(b.failed)}):")
        for f in b.failed:
            out.append(f"  {f.file}:")
            out += [f"    - {p}" for p in f.problems]
    if b.unmatched_reviews:
        out.append(f"{UNMATCHED_HEADING} ({len(b.unmatched_reviews)}):")
        out += [f"  {u['file']}: {unmatched_text(u)}" for u in b.unmatched_reviews]
    out.append(total_line(b))
    return out


def unmatched_text(u: dict) -> str:
    kind, sha = ("mã nội dung", u["record_sha256"]) if u.get("record_sha256") else ("sha256", u["evidence_sha256"])
    return f"{u['ward']}, {period_label(u['period'])}, {kind} {sha[:12]}…"


def total_line(b: BatchResult) -> str:
    ranked = sum(len(g.ranked) for g in b.groups)
    provisional = sum(len(g.provisional) for g in b.groups)
    return (f"Tổng: {b.records} hồ sơ; {ranked} xếp hạng; "
            + (f"{provisional} tạm tính (xếp riêng); " if provisional else "")
            + f"{sum(len(g.main) - len(g.ranked) for g in b.groups)} không đủ điều kiện xếp loại; {len(b.failed)} lỗi.")


TABLE_WIDTHS = [None, 28, 22, None, None, 26, 28, 44]
FLEX = {1: 3, 2: 2, 5: 3, 6: 3, 7: 4}  # wrap weights of the columns that share a fitted table's room


def shown_columns(rows: list[Row]) -> list[int]:
    """The columns a table prints: the district only when one of its rows has one — since 1 July 2025
    there is no district level, and a column that is empty on every row is only noise."""
    return [i for i in range(len(HEADERS)) if i != DISTRICT or any((r.s.district or "").strip() for r in rows)]


def _cells(rows: list[Row]) -> tuple[list[int], list[list[str]]]:
    cols = shown_columns(rows)
    return cols, [[full[i] for i in cols] for full in map(_row, rows)]


def _grid(cells: list[list[str]], width: Optional[int] = None, cols: Optional[list[int]] = None) -> str:
    """The ranking's grid of `cells` in columns `cols` (default: all of HEADERS), fitted to `width`
    when given (measured once per table), else wrapped at TABLE_WIDTHS."""
    cols = list(range(len(HEADERS))) if cols is None else cols
    headers = [HEADERS[i] for i in cols]
    if width is None:
        widths = [TABLE_WIDTHS[i] for i in cols]
    else:
        widths = fit_widths(cells, headers, width, {k: FLEX[i] for k, i in enumerate(cols) if i in FLEX})
        headers = wrap_headers(headers, widths, cells)
    return simple_grid(wrap_columns(cells, widths), headers, [ALIGN[i] for i in cols])


def _table(rows: list[Row], width: int) -> str:
    cols, cells = _cells(rows)
    return _grid(cells, width, cols)


def render_table(b: BatchResult, width: Optional[int] = None) -> str:
    """The rankings fitted to `width` columns (default: the terminal's, see `terminal_width`)."""
    width = terminal_width(width)
    out = wrap_lines(warning_lines(b), width)
    for g in b.groups:
        if out:
            out.append("")
        out += wrap_lines([group_title(g)], width)
        out.append(_table(g.main, width))
        out += wrap_lines(group_lines(g), width)
        if g.provisional:
            out += [""] + wrap_lines([PROVISIONAL_HEADING + ":"], width)
            out.append(_table(g.provisional, width))
            out += wrap_lines(provisional_lines(g), width)
    out += [""] + wrap_lines(tail_lines(b), width)
    return "\n".join(out) + "\n"


def _md(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def _md_table(rows: list[Row]) -> str:
    from tabulate import tabulate  # Markdown only: the terminal grid is drawn without it (render/grid.py)

    cols, cells = _cells(rows)
    return tabulate([[_md(c) for c in row] for row in cells], headers=[HEADERS[i] for i in cols], tablefmt="github",
                    disable_numparse=True, colalign=[ALIGN[i] for i in cols])


def render_markdown(b: BatchResult) -> str:
    out = ["# Xếp hạng kết quả công tác dân vận chính quyền", ""]
    out += [f"> {w}" for w in warning_lines(b)]
    for g in b.groups:
        out += ["", f"## {group_title(g)}", ""]
        out.append(_md_table(g.main))
        out.append("")
        out += [f"- {_md(line)}" for line in group_lines(g)]
        if g.provisional:
            out += ["", f"### {_md(PROVISIONAL_HEADING)}", "", _md_table(g.provisional), ""]
            out += [f"- {_md(line)}" for line in provisional_lines(g)]
    out += ["", "## Tổng hợp", ""]
    out += [f"- {_md(line.strip())}" if not line.startswith("    ") else f"  {_md(line.strip())}"
            for line in tail_lines(b)]
    return "\n".join(out) + "\n"


CSV_HEADERS = ["bo_tieu_chi", "ky", "hang", "don_vi", "huyen", "tu_cham", "tham_dinh", "diem", "xep_loai_id",
               "xep_loai", "thay_doi_nhieu_nhat", "ghi_chu", "tep", "trang_thai"]


def _plain(d: Optional[Decimal], comma: bool = False) -> str:
    if d is None:
        return ""
    return plain_number(d, decimal_comma=comma)


CSV_SEPARATORS = (",", ";")


def render_csv(b: BatchResult, *, separator: str = ",", decimal_comma: bool = False) -> str:
    """The ranking for a spreadsheet: UTF-8 with a byte-order mark, without which Excel reads the file
    as the machine's ANSI code page and garbles every Vietnamese letter. Excel in a Vietnamese locale
    splits on ";" and reads "10,5" as a number (`separator=";"`, `decimal_comma=True`); the defaults
    suit LibreOffice, scripts and English-locale Excel. Scripts read the columns by name: `huyen` is
    written only when some record has a district (periods before 01/07/2025), as every other output
    leaves out a district column that would always be empty."""
    if separator not in CSV_SEPARATORS:
        raise ValueError(f"separator {separator!r}")
    buf = io.StringIO()
    buf.write("\ufeff")
    w = csv.writer(buf, delimiter=separator, lineterminator="\n")
    district = any(r.s.district for g in b.groups for r in g.rows)
    keep = [i for i, h in enumerate(CSV_HEADERS) if district or h != "huyen"]
    w.writerow([CSV_HEADERS[i] for i in keep])
    for g in b.groups:
        for r in g.rows:
            s = r.s
            row = [g.pack["id"], period_label(g.period), r.rank if r.rank is not None else "", s.ward,
                   s.district or "", _plain(s.self_total, decimal_comma), _plain(s.verified_total, decimal_comma),
                   _plain(s.total, decimal_comma), r.grade[0], r.grade[1],
                   "; ".join(f"{i} {_plain(d, decimal_comma)}" for i, d in s.moved), r.note, s.file, _csv_state(r)]
            w.writerow([row[i] for i in keep])
    for f in b.failed:
        row = ["", "", "", "", "", "", "", "", "", "", "", " | ".join(f.problems), f.file, "loi"]
        w.writerow([row[i] for i in keep])
    return buf.getvalue()


def _csv_state(r: Row) -> str:
    """The row's table: ranked, provisional (ranked apart, its rank among the provisional only) or ineligible."""
    if r.provisional:
        return "tam_tinh"
    return "xep_hang" if r.rank is not None else "khong_du_dieu_kien"


def _row_json(r: Row) -> dict[str, Any]:
    s = r.s
    return {
        "rank": r.rank, "ward": s.ward, "district": s.district, "province": s.province,
        "file": s.file, "evidence_sha256": s.evidence_sha256, "status": s.status,
        "review": s.review,
        "self": {"total": s.self_total, "grade": {"id": s.self_grade[0], "label": s.self_grade[1]}},
        "verified": ({"total": s.verified_total,
                      "grade": {"id": s.verified_grade[0], "label": s.verified_grade[1]}}
                     if s.verified_total is not None else None),
        "total": s.total,
        "grade": {"id": r.grade[0] or None, "label": r.grade[1]},
        "moved": [{"id": i, "difference": d} for i, d in s.moved],
        "quota_moved": r.quota_moved,
        "provisional": r.provisional,
        "ineligible": s.ineligible,
        "note": r.note or None,
        "missing_evidence": len(s.missing_evidence),
        "pending": s.pending,
    }


def to_json_dict(b: BatchResult) -> dict[str, Any]:
    """The batch as JSON data; each group's ranking is a `Stream`, made row by row when written."""
    groups = []
    for g in b.groups:
        rows = Stream(lambda g=g: (_row_json(r) for r in g.main))
        q = g.quota
        groups.append({
            "pack": g.pack,
            "period": period_fields(g.period),
            "ranking": rows,
            "counts": [{"id": gid or None, "label": label, "units": n} for gid, label, n in g.counts],
            "quota": None if q is None else {
                "grade": q.grade, "percent": q.percent, "of_at_least": q.of_label, "rounding": q.rounding,
                "ties": q.ties, "source": q.source, "base": q.base, "allowed": q.allowed, "before": q.before,
                "moved": [{"ward": r.s.ward, "file": r.s.file, "total": r.s.total, "rank": r.rank, "to": q.to_label}
                          for r in q.moved]},
            "provisional": None if not g.provisional else {
                "label": PROVISIONAL_HEADING,
                "ranking": Stream(lambda g=g: (_row_json(r) for r in g.provisional)),
                "counts": [{"id": gid, "label": label, "units": n} for gid, label, n in g.provisional_counts]},
        })
    return {
        "schema": "dvcq-batch/1",
        "engine": {"name": "dvcq", "version": result_module.ENGINE_VERSION},
        "records": b.records,
        "groups": groups,
        "failed": [{"file": f.file, "problems": list(f.problems), "internal": f.internal} for f in b.failed],
        "unmatched_reviews": b.unmatched_reviews,
    }


def render_json_chunks(b: BatchResult):
    """The sealed JSON as chunks: written to a file or stdout as they come (10,000 rows never sit in
    memory as one text). The same text as `iterdumps(sealed(to_json_dict(b)))`."""
    yield from iterdumps(sealed(to_json_dict(b)))
    yield "\n"


def render_json(b: BatchResult) -> str:
    return "".join(render_json_chunks(b))


def render(b: BatchResult, fmt: str, **options) -> str | bytes:
    """The batch in `fmt`, through the reporter registry (html and xlsx, in `printed.py`, are imported
    only when asked for: openpyxl is slow to load); `options` go to that format's reporter."""
    return report(b, fmt, BATCH, **options)
