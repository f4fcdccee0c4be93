"""Pieces the table and Markdown reporters share: header lines, the rows, the summary lines."""
from __future__ import annotations

import os
import sys
from typing import Optional

from ..pack import fmt_number
from ..result import Result
from ..vietnamese import period_label, status_label
from . import sentences

HEADERS = ["Mã", "Nội dung", "Tối đa", "Điểm", "Căn cứ chấm điểm"]


def fact_labels(r: Result):
    """`label(code)`: the Vietnamese label a clerk reads for an evidence code of the result's pack.

    The result carries only the pack's summary (its JSON contract), so the labels come from the pack
    with the same bytes, already loaded to score it; a pack no longer at hand leaves the code as is."""
    from ..packstore import STORE

    pack = STORE.loaded(r.pack.get("sha256"))
    return pack.fact_label if pack is not None else (lambda code: code)


def grade_label(r: Result, grade_id: str) -> str:
    """A grade's label ('Xuất sắc') from its id ('xuat_sac'), through the result's pack when at hand."""
    from ..packstore import STORE

    if r.grade.id == grade_id:
        return r.grade.label
    pack = STORE.loaded(r.pack.get("sha256"))
    for g in (pack.data.grades if pack is not None else ()):
        if g.id == grade_id:
            return g.label
    return grade_id


def labelled(r: Result, codes) -> str:
    """'số hội nghị sơ kết (leadership.reviews_held); …': labels first, codes beside, '; ' between."""
    label = fact_labels(r)
    return "; ".join(f"{label(c)} ({c})" if label(c) != c else c for c in codes)


def header_lines(r: Result) -> list[str]:
    p, e = r.pack, r.evidence
    lines = []
    if p["status"] == "draft":
        lines.append(f"⚠ BỘ TIÊU CHÍ DỰ THẢO (draft) — {p.get('note') or 'điểm số chưa được đối chiếu với văn bản ký ban hành'}")
    mf = e.get("made_for")
    if mf and mf.get("sha256") != p["sha256"]:
        lines.append(f"⚠ Phiếu nhập lập theo bộ tiêu chí {mf.get('id')} v{mf.get('version')}, khác bộ đang dùng "
                     f"{p['id']} v{p['version']}: kiểm tra lại các mã số liệu.")
    if e["status"] == "in_progress":
        lines.append("⚠ Hồ sơ đang hoàn thiện: kết quả là tạm tính.")
    period = period_label(e["period"], "heading")
    where = ", ".join(x for x in (e["ward"], e["district"], e["province"]) if x)
    lines.append(f"Đơn vị: {where} — {period}")
    lines.append(f"Bộ tiêu chí: {p['title']} [{p['id']} v{p['version']}, {status_label(p['status'])}]")
    lines.append(f"Căn cứ: {p['legal_basis']}")
    if r.mode == "verified":
        lines.append("Kết quả sau thẩm định.")
    return lines


def walk(r: Result):
    """The items in table order, each group announced first: ("criterion", CriterionResult),
    ("section", "bonus" | "deductions", points), then ("item", ItemResult) for its items."""
    by_crit = {c.id: c for c in r.criteria}
    current = None
    for it in r.items:
        if it.section == "criteria" and it.criterion != current:
            current = it.criterion
            yield "criterion", by_crit[current]
        elif it.section != "criteria" and it.section != current:
            current = it.section
            yield "section", it.section, (r.bonus if it.section == "bonus" else r.deductions)
        yield "item", it


def rows(r: Result, pts=lambda d: fmt_number(d)) -> list[list[str]]:
    out = []
    for kind, *what in walk(r):
        if kind == "criterion":
            c = what[0]
            out.append([c.id, c.title.upper(), pts(c.max), pts(c.points), ""])
            continue
        if kind == "section":
            out.append(["", "ĐIỂM THƯỞNG" if what[0] == "bonus" else "ĐIỂM TRỪ", "", pts(what[1]), ""])
            continue
        it = what[0]
        out.append([it.id, it.title, pts(it.max), pts(it.points), _basis(it, r)])
        for label, depth, p in part_rows(it):
            out.append([label, "  " * (depth - 1) + "– " + p.title, pts(p.max), pts(p.points), _basis(p, r)])
    return out


def _basis(it, r: Result) -> str:
    """The reason as a clerk reads it (counts with their units), with what it awaits or lacks."""
    reason = sentences.reason_with_units(it)
    if it.pending:
        reason = f"[chờ thẩm định {sentences.points_range(it.pending['max'])}] " + reason
    if it.missing:
        reason += f" [thiếu: {labelled(r, it.missing)}]"
    if it.applicability is not None and it.applicability["missing"]:
        reason += f" [{sentences.applicability(it.applicability)}]"
    if it.adjustment:
        reason += f" [{it.adjustment}]"
    return reason


def part_label(parent: str, n: int) -> str:
    """'a)' for a part of an item, 'a.1)' for a part of that part, and so on down the levels."""
    return f"{chr(ord('a') + n)})" if not parent else f"{parent[:-1]}.{n + 1})"


def part_rows(it, parent: str = "", depth: int = 1):
    """(label, depth, part) for every part of a composite item, at every level, in table order: each
    level gets its own rows, so a part awaiting the verifier inside a `sum` has its own line."""
    for n, p in enumerate(it.parts):
        label = part_label(parent, n)
        yield label, depth, p
        yield from part_rows(p, label, depth + 1)


def blocking_vetoes(r: Result) -> list:
    """The vetoes that held in a band the total reached (those that moved the grade down); a veto of
    a band the total never reached, or a cap on dates or results, is not why a band was lost to one."""
    reached = {b[0] for b in r.bands if r.total >= b[2]} if r.bands else {v.grade for v in r.grade.vetoes}
    return [v for v in r.grade.vetoes if v.holds and v.grade in reached]


# the warnings said under the grade: eligibility and caps on dates and on results, the batch quota
GRADE_NOTICES = ("ineligible", "date_cap", "result_cap", "quota")


def summary_lines(r: Result) -> list[str]:
    g = r.grade
    lines = [
        f"Điểm các tiêu chí: {fmt_number(r.subtotal)}; điểm thưởng: +{fmt_number(r.bonus)}; "
        f"điểm trừ: {fmt_number(r.deductions)}",
        f"TỔNG ĐIỂM: {fmt_number(r.total)}/{fmt_number(r.max_total)}",
        f"XẾP LOẠI: {g.label}",
    ]
    if r.scale is not None and r.scale["excluded"]:  # said before the total it explains
        lines.insert(1, sentences.scale_line(r.scale))
    # eligibility on dates and the batch quota: said under the grade in every text output
    from .sentences import warning

    lines += [f"  ⚠ {warning(w)}" for w in r.warnings if w["code"] in GRADE_NOTICES]
    held = blocking_vetoes(r)
    if g.capped_from and held:
        lines.append(f"  (đủ điểm mức '{g.capped_from}' nhưng bị hạ: " + "; ".join(f"{v.id} {v.reason}" for v in held) + ")")
    if g.next_grade:
        n = g.next_grade
        if n["blocked_by"]:
            lines.append(f"Mức trên ({n['label']}): không thể đạt do điều kiện loại trừ {'; '.join(n['blocked_by'])}")
        else:
            lines.append(f"Mức trên ({n['label']}, từ {fmt_number(n['min'])} điểm): cần thêm {fmt_number(n['points_needed'])} điểm")
    if r.pending:
        lines.append("Điểm chờ thẩm định: " + "; ".join(f"{p['id']} (0–{fmt_number(p['max'])})" for p in r.pending))
    if r.missing_evidence:
        lines.append(f"Thiếu minh chứng làm mất điểm ({len(r.missing_evidence)}):")
        lines += [f"  - {labelled(r, [m])}" for m in r.missing_evidence]
        lines.append(f"Điểm các tiêu chí bị mất chỉ vì thiếu minh chứng: {fmt_number(r.missing_points)}")
    return lines


MIN_WIDTH = 60       # narrower than this, a table of scores cannot be read at all
FALLBACK_WIDTH = 100  # a pipe or a file: wide enough for a printout in landscape or an editor


def terminal_width(width: Optional[int] = None) -> int:
    """The width to fit: `--width` when given, else the terminal's (COLUMNS, then the tty), else 100.

    What `shutil.get_terminal_size` does for the columns, without importing `shutil` (and with it
    `bz2`, `lzma`, `fnmatch`) into every `dvcq score` for this one call."""
    if width is None:
        try:
            width = int(os.environ.get("COLUMNS", 0))
        except ValueError:
            width = 0
        if width <= 0:
            try:
                width = os.get_terminal_size(sys.__stdout__.fileno()).columns
            except (AttributeError, ValueError, OSError):
                width = 0
        width = width or FALLBACK_WIDTH
    return max(MIN_WIDTH, width)


def fit_widths(table: list[list[str]], headers: list[str], width: int, flex: dict[int, int]) -> list:
    """Wrap widths for tabulate's `simple_grid` so the whole table is at most `width` columns.

    Columns not in `flex` keep their natural width (codes, points); the room left — after the grid's
    3 characters per column and 1 at the end — is shared among the `flex` columns by weight, never
    below 6 characters nor above what their longest cell needs. Headers of `flex` columns are then
    wrapped to fit (`wrap_headers`)."""
    import unicodedata

    def w_of(text: str) -> int:  # Vietnamese letters, NFC, are one column each
        return max((len(unicodedata.normalize("NFC", x)) for x in str(text).split("\n")), default=0)

    n = len(headers)
    cells = [max([0] + [w_of(r[i]) for r in table]) for i in range(n)]
    full = [max(w_of(headers[i]) + 2, cells[i]) for i in range(n)]  # tabulate pads a header by 2
    short = [max(max(map(w_of, headers[i].split())) + 2, cells[i]) for i in range(n)]  # header wrapped
    fixed = [i for i in range(n) if i not in flex]
    want = sum(min(full[i], 20) for i in flex)
    natural = full if width - (3 * n + 1) - sum(full[i] for i in fixed) >= want else short
    room = width - (3 * n + 1) - sum(natural[i] for i in fixed)
    out: list = [natural[i] for i in range(n)]
    total = sum(flex.values())
    for i, weight in flex.items():
        out[i] = max(6, min(full[i], room * weight // total))
    # what a narrow column did not need goes to the others, in order of weight
    spare = room - sum(out[i] for i in flex)
    for i in sorted(flex, key=lambda i: -flex[i]):
        if spare <= 0:
            break
        more = min(spare, full[i] - out[i])
        out[i] += more
        spare -= more
    return out


def wrap_headers(headers: list[str], widths: list, table: list[list[str]]) -> list[str]:
    """Headers broken at their spaces (a long word at a '/' or mid-word only if it must) to fit their
    column's width less tabulate's 2 of header padding — a column not fitted (`None`), to its widest
    cell — so a header never widens a fitted table."""
    import textwrap

    out = []
    for i, h in enumerate(headers):
        if widths[i] is None:
            out.append(h)
            continue
        room = max(4, widths[i] - 2)
        out.append("\n".join(textwrap.wrap(h.replace("/", "/ "), room)).replace("/ ", "/").replace("/\n", "/\n")
                   if len(h) > room else h)
    return out


def wrap_lines(lines: list[str], width: int) -> list[str]:
    """Sentences wrapped to `width`, continuation lines indented: a list of 27 missing facts is one line.
    Never at a hyphen nor inside a word (`grid.textwrap_lines`, textwrap's lines)."""
    from .grid import textwrap_lines

    out = []
    for line in lines:
        lead = len(line) - len(line.lstrip(" "))
        out += textwrap_lines(line, width, subsequent_indent=" " * (lead + 2), break_long_words=False) or [""]
    return out


def wrap_columns(table: list[list[str]], widths: list) -> list[list[str]]:
    """The cells of `table` wrapped to `widths` (None: not wrapped), as tabulate's `maxcolwidths` does.

    Each cell goes through `grid.wrap`, the lines tabulate's own wrapper gives (measured with `len`,
    as tabulate measures without `wcwidth`), without a wrapper object per cell; a cell that is no
    wider than its column, printable and not ending in a space is left as it is (the wrapper would
    return it unchanged). Unlike `maxcolwidths`, a cell reading "True" or "False" stays text
    (tabulate casts it to a bool and fails). Compared with tabulate on generated text in
    tests/render/test_wrap_columns.py, tests/render/test_grid.py and tests/test_fast_paths.py.
    """
    from .grid import wrap

    out = []
    for row in table:
        new = []
        for cell, w in zip(row, widths):
            if w is None or not isinstance(cell, str) or (len(cell) <= w and cell.isprintable()
                                                          and not cell.endswith(" ")):
                new.append(cell)
            else:
                new.append("\n".join(wrap(cell, w)))
        out.append(new)
    return out
