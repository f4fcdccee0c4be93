"""The self-scoring table as wards submit it (bảng tự chấm điểm), as an Excel workbook.

Where the sheet only adds up (a sum item's parts, a criterion's items, the subtotal, the total)
it holds a formula, so a verifier who types a figure into "Điểm thẩm định" sees the sums follow;
where the engine decided (an item's points under a rule, the grade) it holds the value. Every
formula also carries the engine's result as its cached value, so viewers that never recalculate
still show the right totals and tests can check the two agree.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Optional

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..pack import fmt_number
from ..result import ItemResult, Result
from ..vietnamese import plain_number
from . import sentences
from .common import GRADE_NOTICES, blocking_vetoes, part_label
from ..workbook import marker
from ..workbook.xlsxio import NUMBER_FORMAT, put_value, save
from ..vietnamese import period_label, status_label

SHEET = "Bảng điểm"
HEADERS = ["Tiêu chí", "Nội dung", "Điểm tối đa", "Căn cứ chấm điểm (số liệu, tỷ lệ, văn bản)", "Điểm tự chấm",
           "Điểm thẩm định", "Ghi chú"]
WIDTHS = [9, 46, 9, 52, 10, 10, 38]
COL_ID, COL_TITLE, COL_MAX, COL_BASIS, COL_SELF, COL_VERIFIED, COL_NOTE = range(1, 8)

THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
CRIT_FILL = PatternFill("solid", fgColor="F2F2F2")
FONT = "Times New Roman"


def _font(**kw) -> Font:
    return Font(name=FONT, size=kw.pop("size", 11), **kw)


def _lines(text: str, width: int) -> int:
    per = max(width - 2, 1)
    return sum(max(1, -(-len(part) * 11 // (per * 10))) for part in text.split("\n"))


class _Table:
    """Writes rows top-down, remembering each formula's engine value for the cached result."""

    def __init__(self, result: Result, own: Optional[Result] = None, notes: Optional[dict] = None):
        self.r = result
        # A verification's table: the self score fills "Điểm tự chấm" beside the verified points, and
        # each item's note carries the review's findings about it.
        self.own = own
        self.own_items = {it.id: it for it in own.items} if own else {}
        self.own_crit = {c.id: c.points for c in own.criteria} if own else {}
        self.extra_notes = notes or {}
        self.signer: Optional[str] = None
        self.wb = Workbook()
        self.ws = self.wb.active
        self.ws.title = SHEET
        self.row = 1
        self.cached: dict[str, object] = {}
        # The mode's column gets the engine's values; the other is left for the other party to fill.
        self.col_pts = COL_VERIFIED if result.mode == "verified" else COL_SELF
        self.col_other = COL_SELF if result.mode == "verified" else COL_VERIFIED

    def ref(self, col: int, row: Optional[int] = None) -> str:
        return f"{get_column_letter(col)}{row or self.row}"

    def put(self, col: int, value, bold: bool = False, italic: bool = False, align: str = "left",
            wrap: bool = True, color: Optional[str] = None, size: int = 11) -> None:
        cell = self.ws.cell(self.row, col)
        put_value(cell, value)
        cell.font = _font(bold=bold, italic=italic, color=color, size=size)
        cell.alignment = Alignment(horizontal=align, vertical="top" if wrap else "center", wrap_text=wrap)

    def formula(self, col: int, text: str, value, bold: bool = False) -> None:
        cell = self.ws.cell(self.row, col)
        cell.value = "=" + text
        cell.font = _font(bold=bold)
        cell.alignment = Alignment(horizontal="center", vertical="top")
        cell.number_format = NUMBER_FORMAT
        self.cached[self.ref(col)] = value

    def sum_pair(self, cells_row: list[int], value: Decimal, bold: bool = False, other_value="") -> None:
        """The points column sums to the engine's value; the other column sums what gets typed in
        (`other_value`: its result when the other column is filled too, as in a verification)."""
        if not cells_row:
            self.put(self.col_pts, value, bold=bold, align="center")
            if other_value != "":
                self.put(self.col_other, other_value, bold=bold, align="center")
            return
        pts = ",".join(self.ref(self.col_pts, r) for r in cells_row)
        other = ",".join(self.ref(self.col_other, r) for r in cells_row)
        self.formula(self.col_pts, f"SUM({pts})", value, bold)
        self.formula(self.col_other, f'IF(COUNT({other})=0,"",SUM({other}))', other_value, bold)

    def merge(self, first: int, last: int, text: str, **kw) -> None:
        self.put(first, text, **kw)
        if last > first:
            self.ws.merge_cells(start_row=self.row, start_column=first, end_row=self.row, end_column=last)

    def height(self, lines: int) -> None:
        if lines > 1:
            self.ws.row_dimensions[self.row].height = 15 * lines + 2

    def box(self) -> None:
        for c in range(1, len(HEADERS) + 1):
            self.ws.cell(self.row, c).border = BORDER

    # -- blocks -----------------------------------------------------------------------------
    def heading(self) -> None:
        r, e, p = self.r, self.r.evidence, self.r.pack
        ward, words = e["ward"], r.words
        left = (f"ỦY BAN NHÂN DÂN\n{ward.upper()}" if words.family == "commune"
                else "\n".join(x.upper() for x in reversed(words.issuer(ward, e["district"], e["province"])) if x))
        self.merge(1, 3, left, bold=True, align="center")
        self.merge(5, 7, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc", bold=True, align="center")
        self.height(2)
        self.row += 2
        period = period_label(e["period"], "title")
        what = "BẢNG ĐIỂM THẨM ĐỊNH" if r.mode == "verified" else "BẢNG TỰ CHẤM ĐIỂM"
        self.merge(1, 7, f"{what} CÔNG TÁC DÂN VẬN CHÍNH QUYỀN {period}", bold=True, align="center", size=14)
        self.row += 1
        where = ", ".join(x for x in (e["ward"], e["district"], e["province"]) if x)
        self.merge(1, 7, where, bold=True, align="center")
        self.row += 1
        basis = f"(Căn cứ {p['legal_basis']})"
        self.merge(1, 7, basis, italic=True, align="center")
        self.height(_lines(basis, sum(WIDTHS)))
        self.row += 1
        line = f"Bộ tiêu chí: {p['title']} — mã {p['id']}, phiên bản {p['version']}, trạng thái: " \
               f"{status_label(p['status'])}"
        self.merge(1, 7, line, italic=True, align="center")
        self.height(_lines(line, sum(WIDTHS)))
        self.row += 1
        if p["status"] in ("draft", "repealed"):
            text = (f"BỘ TIÊU CHÍ DỰ THẢO — {p.get('note') or 'điểm số chưa được đối chiếu với văn bản ký ban hành'}"
                    if p["status"] == "draft" else "BỘ TIÊU CHÍ ĐÃ HẾT HIỆU LỰC")
            self.merge(1, 7, text, bold=True, color="C00000")
            self.height(_lines(text, sum(WIDTHS)))
            self.row += 1
        if e["status"] == "in_progress":
            self.merge(1, 7, "Hồ sơ đang hoàn thiện: kết quả là tạm tính.", bold=True, color="C55A11")
            self.row += 1
        self.row += 1

    def header(self) -> int:
        for c, h in enumerate(HEADERS, start=1):
            self.put(c, h, bold=True, align="center")
            self.ws.cell(self.row, c).fill = HEAD_FILL
        self.box()
        self.height(2)
        row = self.row
        self.row += 1
        return row

    def item(self, it: ItemResult, label: str = "", depth: int = 0, own: Optional[ItemResult] = None) -> int:
        """One item and its parts at every level, each on its own row ('a)', 'a.1)', …); returns the
        row holding its points. A `sum` adds its parts' rows with a formula; `best_of`, `average`
        and a sum that rounds once (an average inside) show the engine's value. `own`: the same item
        of the other result shown beside (the self score in a verification table)."""
        row = self.row
        part = depth > 0
        if not part:
            own = self.own_items.get(it.id)
        title = "  " * (depth - 1) + "– " + it.title if part else it.title
        self.put(COL_ID, label or it.id, align="center")
        self.put(COL_TITLE, title, italic=part)
        self.put(COL_MAX, it.max, align="center")
        self.put(COL_BASIS, it.reason, italic=part)
        note = "\n".join(x for x in (_note(it), "" if part else self.extra_notes.get(it.id, "")) if x)
        self.put(COL_NOTE, note)
        self.box()
        self.height(max(_lines(title, WIDTHS[1]), _lines(it.reason, WIDTHS[3]), _lines(note, WIDTHS[6])))
        if not it.parts:
            self.put(self.col_pts, it.points, align="center")
            if own is not None:
                self.put(self.col_other, own.points, align="center")
            self.row += 1
            return row
        self.row += 1
        part_rows = [self.item(p, part_label(label, n), depth + 1,
                               own.parts[n] if own is not None and n < len(own.parts) else None)
                     for n, p in enumerate(it.parts)]
        end = self.row
        self.row = row
        if it.method == "sum" and "unrounded" not in it.basis:
            self.sum_pair(part_rows, it.points, other_value=own.points if own is not None else "")
        else:
            self.put(self.col_pts, it.points, align="center")
            if own is not None:
                self.put(self.col_other, own.points, align="center")
        self.row = end
        return row

    def section(self, ident: str, title: str, maximum, items: list[ItemResult], value: Decimal,
                own_value="") -> int:
        head = self.row
        self.put(COL_ID, ident, bold=True, align="center")
        self.put(COL_TITLE, title, bold=True)
        if maximum is not None:
            self.put(COL_MAX, maximum, bold=True, align="center")
        for c in range(1, 8):
            self.ws.cell(head, c).fill = CRIT_FILL
        self.box()
        self.height(_lines(title, WIDTHS[1]))
        self.row += 1
        rows = [self.item(it) for it in items]
        end = self.row
        self.row = head
        self.sum_pair(rows, value, bold=True, other_value=own_value)
        self.row = end
        return head

    def totals(self, crit_rows: list[int], bonus_row: Optional[int], ded_row: Optional[int]) -> None:
        r = self.r
        self.put(COL_TITLE, "Cộng điểm các tiêu chí", bold=True)
        maxes = ",".join(self.ref(COL_MAX, x) for x in crit_rows)
        self.formula(COL_MAX, f"SUM({maxes})", sum((c.max for c in r.criteria), Decimal(0)), bold=True)
        self.sum_pair(crit_rows, r.subtotal, bold=True, other_value=self.own.subtotal if self.own else "")
        self.box()
        sub = self.row
        self.row += 1
        sc = r.scale
        if sc is not None and sc["excluded"]:  # items that do not apply to the unit: the criteria rescaled
            self.put(COL_TITLE, sentences.scale_title(sc), bold=True)
            self.put(COL_MAX, sc["to"], align="center")
            self.put(COL_BASIS, sentences.scale_line(sc), italic=True)
            self.formula(self.col_pts, _rescale_formula(self.ref(self.col_pts, sub), sc), sc["rounded"], bold=True)
            own = self.own.scale if self.own is not None and self.own.scale is not None else None
            other = self.ref(self.col_other, sub)
            self.formula(self.col_other, f'IF({other}="","",{_rescale_formula(other, sc)})',
                         own["rounded"] if own else "", bold=True)
            self.height(_lines(sentences.scale_line(sc), WIDTHS[3]))
            self.box()
            sub = self.row
            self.row += 1
        self.put(COL_TITLE, "TỔNG ĐIỂM", bold=True)
        self.put(COL_MAX, r.max_total, bold=True, align="center")
        terms = [sub] + [x for x in (bonus_row, ded_row) if x]
        expr = "+".join(self.ref(self.col_pts, x) for x in terms)
        self.total_row = self.row
        self.formula(self.col_pts, f"MIN({self.ref(COL_MAX)},MAX(0,{expr}))", r.total, bold=True)
        expr = "+".join(f"N({self.ref(self.col_other, x)})" for x in terms)  # N(""): a blank section adds 0
        self.formula(self.col_other, f'IF({self.ref(self.col_other, sub)}="","",MIN({self.ref(COL_MAX)},MAX(0,{expr})))',
                     self.own.total if self.own else "", bold=True)
        if r.raw_total != r.total:
            self.put(COL_NOTE, f"Tổng {fmt_number(r.raw_total)} được giới hạn trong 0–{fmt_number(r.max_total)}")
        self.box()
        self.row += 1

    def grade(self) -> None:
        """The grade and the gap to the next one, as formulas over the total so they follow typed-in points.

        In a self-scoring table the same two lines follow the verified total as well (blank until the
        district fills "Điểm thẩm định"). Vetoes are facts of the record, not of the points: a band a
        veto blocks is left out of the formula, as the engine leaves it out of the choice.
        """
        g = self.r.grade
        notes = []
        held = blocking_vetoes(self.r)
        if g.capped_from and held:
            notes.append(f"Đủ điểm mức '{g.capped_from}' nhưng bị hạ: " + "; ".join(f"{v.id} {v.reason}" for v in held))
        notes += [sentences.warning(w) for w in self.r.warnings if w["code"] in GRADE_NOTICES]  # dates, results, quota
        gap = _gap_text(g)
        lines = [("XẾP LOẠI", "Khoảng cách tới mức trên", self.col_pts, g.label, gap)]
        if self.r.mode != "verified":
            lines.append(("Xếp loại theo điểm thẩm định", "Khoảng cách tới mức trên (theo điểm thẩm định)",
                          self.col_other, "", ""))
        elif self.own is not None:  # the self grade under the record's own vetoes (`_choose` reads them)
            lines.append(("Xếp loại theo điểm tự chấm", "Khoảng cách tới mức trên (theo điểm tự chấm)",
                          self.col_other, self.own.grade.label, _gap_text(self.own.grade)))
        for k, (title, gap_title, col, label, gap) in enumerate(lines):
            total = self.ref(col, self.total_row)
            self.put(COL_TITLE, title, bold=k == 0)
            self.merge(COL_BASIS, COL_VERIFIED, "", bold=True)
            basis = self.r if k == 0 or self.own is None else self.own
            self.formula(COL_BASIS, _blank_if(total, k > 0, _grade_formula(basis, total)), label, bold=True)
            self.ws.cell(self.row, COL_BASIS).alignment = Alignment(horizontal="left", vertical="top", wrap_text=True)
            if k == 0:
                self.put(COL_NOTE, "\n".join(notes))
                self.height(_lines("\n".join(notes), WIDTHS[6]) if notes else 1)
            self.box()
            self.row += 1
            if len(self.r.bands) > 1:
                self.put(COL_TITLE, gap_title)
                self.merge(COL_BASIS, COL_NOTE, "")
                self.formula(COL_BASIS, _blank_if(total, k > 0, _gap_formula(basis, total)), gap)
                self.ws.cell(self.row, COL_BASIS).alignment = Alignment(horizontal="left", vertical="top",
                                                                         wrap_text=True)
                self.box()
                self.row += 1
        if self.r.pending:
            text = "; ".join(f"{p['id']} (0–{fmt_number(p['max'])} điểm)" for p in self.r.pending)
            self.put(COL_TITLE, "Điểm chờ cấp thẩm định")
            self.merge(COL_BASIS, COL_NOTE, text)
            self.box()
            self.row += 1
        if self.r.missing_evidence:
            text = ", ".join(self.r.missing_evidence)
            self.put(COL_TITLE, f"Thiếu minh chứng làm mất điểm ({len(self.r.missing_evidence)})")
            self.merge(COL_BASIS, COL_NOTE, text)
            self.height(_lines(text, WIDTHS[3] + WIDTHS[4] + WIDTHS[5] + WIDTHS[6]))
            self.box()
            self.row += 1

    def signatures(self) -> None:
        e = self.r.evidence
        self.row += 1
        from .html import place  # a dateline's place name, spelt as the printed paper spells it

        words = self.r.words
        where = e["ward"] if words.family == "commune" else place(words.place(e["ward"], e["province"]))
        self.merge(5, 7, f"{where + ', ' if where else ''}ngày ….. tháng ….. năm …….", italic=True, align="center")
        self.row += 1
        if self.r.mode == "verified":
            unit = (self.signer or "CƠ QUAN THẨM ĐỊNH").upper()
            left, right = ("NGƯỜI THẨM ĐỊNH", "(Ký, ghi rõ họ tên)"), (f"TM. {unit}", "(Ký tên, đóng dấu)")
        else:
            left, right = ("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)"), (self.r.words.head_sign, "(Ký tên, đóng dấu)")
        self.merge(1, 3, left[0], bold=True, align="center")
        self.merge(5, 7, right[0], bold=True, align="center")
        self.height(2)
        self.row += 1
        self.merge(1, 3, left[1], italic=True, align="center")
        self.merge(5, 7, right[1], italic=True, align="center")
        self.row += 5  # room to sign
        p = self.r.pack
        trace = (f"Lập bằng dvcq; hồ sơ {e['file']} (sha256 {e['sha256']}); bộ tiêu chí {p['file']} "
                 f"(sha256 {p['sha256']})")
        self.merge(1, 7, trace, italic=True, color="808080", size=8)
        self.height(_lines(trace, int(sum(WIDTHS) * 1.3)))

    def page_setup(self, header_row: int) -> None:
        ws = self.ws
        for i, w in enumerate(WIDTHS, start=1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.print_area = f"A1:G{self.row}"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.oddFooter.center.text = "Trang &P/&N"
        ws.freeze_panes = f"A{header_row + 1}"


def _q(text: str) -> str:
    """A text constant inside a formula."""
    return '"' + text.replace('"', '""') + '"'


def _num(d: Decimal) -> str:
    return plain_number(d)


def _blocked(r: Result) -> set[str]:
    """The bands the formula leaves out: those a veto blocks, and those above a cap (on a date or on
    results) that held."""
    out = {v.grade for v in r.grade.vetoes if v.holds}
    for w in r.warnings:
        if w["code"] in ("date_cap", "result_cap"):
            cap = next((b for b in r.bands if b[1] == w["grade"]), None)
            if cap is not None:
                out |= {b[0] for b in r.bands if b[2] > cap[2]}
    return out


def _rescale_formula(cell: str, sc: dict) -> str:
    """raw × to / applicable max, rounded to the pack's step in its mode, as a formula (Excel's
    ROUND rounds halves away from zero: for points ≥ 0 that is half up)."""
    fn = {"down": "ROUNDDOWN", "half_up": "ROUND", "up": "ROUNDUP"}[sc["rounding"].mode]
    step = _num(sc["rounding"].step)
    return f"{fn}({cell}*{_num(sc['to'])}/{_num(sc['applicable_max'])}/{step},0)*{step}"


def _choose(r: Result, total: str, pick) -> str:
    """Nested IFs over the bands a veto does not block, highest first: `pick(band)` for the first one
    whose minimum `total` reaches (the last band, with minimum 0, closes the chain)."""
    allowed = [b for b in r.bands if b[0] not in _blocked(r)]
    expr = pick(allowed[-1])
    for band in reversed(allowed[:-1]):
        expr = f"IF({total}>={_num(band[2])},{pick(band)},{expr})"
    return expr


def _grade_formula(r: Result, total: str) -> str:
    return _choose(r, total, lambda band: _q(band[1]))


def _gap_formula(r: Result, total: str) -> str:
    """What `_gap_text` says, for whatever band the total reaches: the points still needed are computed,
    written with a decimal comma whatever the spreadsheet's locale (SUBSTITUTE of the number as text)."""
    ids = [b[0] for b in r.bands]

    def pick(band) -> str:
        k = ids.index(band[0])
        if k == 0:
            return '""'
        above = r.bands[k - 1]
        blocked = [v.id for v in r.grade.vetoes if v.grade == above[0] and v.holds]
        if blocked:
            return _q(_blocked_text(above[1], blocked))
        need = f'SUBSTITUTE(ROUND({_num(above[2])}-{total},6)&"",".",",")'
        return f'"Cần thêm "&{need}&{_q(f" điểm để đạt mức {chr(39)}{above[1]}{chr(39)} (từ {fmt_number(above[2])} điểm)")}'

    return _choose(r, total, pick)


def _blank_if(total: str, blank: bool, expr: str) -> str:
    return f'IF({total}="","",{expr})' if blank else expr


def _blocked_text(label: str, blocked: list[str]) -> str:
    return f"Không thể đạt mức '{label}' do điều kiện loại trừ {', '.join(blocked)}"


def _gap_text(g) -> str:
    n = g.next_grade
    if not n:
        return ""
    if n["blocked_by"]:
        return _blocked_text(n["label"], n["blocked_by"])
    return f"Cần thêm {fmt_number(n['points_needed'])} điểm để đạt mức '{n['label']}' (từ {fmt_number(n['min'])} điểm)"


def _note(it: ItemResult) -> str:
    parts = []
    if it.pending:
        parts.append(f"Chờ cấp thẩm định chấm ({sentences.points_range(it.pending['max'])} điểm)")
    if it.missing:
        parts.append("Thiếu minh chứng: " + ", ".join(it.missing))
    if it.adjustment:
        parts.append(it.adjustment)
    return "\n".join(parts)


def render(result: Result) -> bytes:
    return _render(_Table(result))


def render_verification(v) -> bytes:
    """`dvcq verify --format xlsx`: the official table of verified scores, self-scored points beside
    them, each changed item's note naming the review's findings; signed for the verifying unit."""
    notes: dict[str, str] = {}
    for ch in v.changes:
        texts = [f"Kết luận #{n}: {v.finding(n).reason}" for n in ch.findings]
        if ch.delta != 0 or texts:
            notes[ch.id] = "\n".join(texts)
    t = _Table(v.verified, own=v.self_result, notes=notes)
    t.signer = v.review.head.reviewer.unit
    return _render(t)


def _render(t: _Table) -> bytes:
    result = t.r
    t.heading()
    header_row = t.header()
    crit_rows = []
    for c in result.criteria:
        items = [i for i in result.items if i.section == "criteria" and i.criterion == c.id]
        crit_rows.append(t.section(c.id, c.title.upper(), c.max, items, c.points, t.own_crit.get(c.id, "")))
    bonus_row = ded_row = None
    bonus = [i for i in result.items if i.section == "bonus"]
    if bonus:
        bonus_row = t.section("", "ĐIỂM THƯỞNG", None, bonus, result.bonus, t.own.bonus if t.own else "")
    deds = [i for i in result.items if i.section == "deductions"]
    if deds:
        ded_row = t.section("", "ĐIỂM TRỪ", None, deds, result.deductions, t.own.deductions if t.own else "")
    t.totals(crit_rows, bonus_row, ded_row)
    t.grade()
    t.signatures()
    t.page_setup(header_row)
    what = "Bảng điểm thẩm định" if result.mode == "verified" else "Bảng điểm"
    title = f"{what} công tác dân vận chính quyền — {result.evidence['ward']} — {period_label(result.evidence['period'], 'long')}"
    return save(t.wb, title, {SHEET: t.cached}, kind=marker.OFFICIAL_TABLE)
