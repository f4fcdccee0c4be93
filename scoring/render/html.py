"""A printable report page for the assessment meeting: one self-contained HTML file.

Self-contained because ward offices print from machines with poor or no internet: the styles,
the chart (inline SVG, see `charts.py`) and the small print script are all inside the page, and
nothing is fetched. The trail of each item is folded in `<details>` so the table stays readable
on screen; printing unfolds it. `page()` and `report_section()` are reused by the district
ranking (`batch_html.py`), which prints one ward per page.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Optional
from html import escape

from ..pack import fmt_number
from .common import blocking_vetoes, fact_labels, grade_label, part_rows, walk
from ..result import ItemResult, Result
from . import charts, sentences
from ..vietnamese import method_label, period_label, status_label


CSS = """
@page { size: A4; margin: 12mm 11mm 12mm 15mm; }
:root { --ink: #1a1a1a; --muted: #5f6b73; --line: #b0bec5; --won: #2e7d32; --lost: #c62828; }
* { box-sizing: border-box; }
body { font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", "Noto Serif", serif;
       color: var(--ink); font-size: 12.5pt; line-height: 1.35; margin: 0 auto; max-width: 210mm; padding: 8mm; }
h1 { font-size: 17pt; text-align: center; margin: 4mm 0 1mm; text-transform: uppercase; }
h2 { font-size: 14pt; margin: 6mm 0 2mm; border-bottom: 1px solid var(--line); }
.sub { text-align: center; margin: 0; }
.meta { text-align: center; color: var(--muted); font-style: italic; margin: 1mm 0; }
.banner { border: 2px solid var(--lost); color: var(--lost); padding: 2mm 3mm; margin: 3mm 0; font-weight: bold; }
.banner.progress { border-color: #e65100; color: #e65100; }
.banner.info { border-color: var(--line); color: var(--ink); font-weight: normal; }
.summary { display: grid; grid-template-columns: repeat(3, 1fr); gap: 2mm; margin: 3mm 0; }
.summary div { border: 1px solid var(--line); padding: 2mm 3mm; }
.summary dt { color: var(--muted); font-size: 10.5pt; }
.summary dd { margin: 0; font-size: 14pt; font-weight: bold; }
figure { margin: 3mm 0; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; font-family: inherit; }
figcaption { color: var(--muted); font-size: 10.5pt; }
table.scores { width: 100%; border-collapse: collapse; font-size: 11pt; table-layout: fixed; }
table.scores col.id { width: 7%; } table.scores col.title { width: 27%; } table.scores col.n { width: 6.5%; }
table.scores col.basis { width: 27.5%; } table.scores col.note { width: 19%; }
table.scores col.lostitems { width: 33%; } p.lacking { font-size: 10pt; }
@media print { table.bycriterion col.title { width: 40%; } p.lacking { font-size: 9pt; } p.lacking .beside { display: none; } }
table.scores td, table.scores th { overflow-wrap: break-word; hyphens: none; }
code { white-space: nowrap; font-size: 90%; } .nowrap { white-space: nowrap; }
.national { width: 100%; border-collapse: collapse; margin: 0 0 3mm; }
.national td { text-align: center; vertical-align: top; padding: 0; font-size: 11.5pt; }
.national td:first-child { width: 42%; } .national .motto { font-weight: bold; white-space: nowrap; }
.national .line { display: inline-block; width: 40%; border-top: 1px solid var(--ink); height: 0; margin: 0; }
.national .when { font-style: italic; padding-top: 2mm; }
table.scores th, table.scores td { border: 1px solid #607d8b; padding: 1mm 1.5mm; vertical-align: top; }
table.scores thead th { background: #dde7ee; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
tr.trail { break-inside: auto; break-before: avoid; }
tr.trail td { border-top: none; padding-top: 0; }
tr.item td { border-bottom: none; }
td.num { text-align: center; white-space: nowrap; } th.num { text-align: center; }
tr.crit td { background: #eef2f5; font-weight: bold; }
tr.total td { font-weight: bold; background: #f7f9fa; }
tr.part td { font-style: italic; font-size: 10.5pt; }
td.lost { color: var(--lost); }
details summary { cursor: pointer; color: #1f4e79; font-size: 10.5pt; }
details .trail { font-size: 10.5pt; margin: 1mm 0 0; padding-left: 4mm; }
details .trail li { margin: 0.5mm 0; }
.src { color: var(--muted); }
ul.missing li { margin: 0.5mm 0; }
.signs { display: grid; grid-template-columns: 1fr 1fr; text-align: center; margin-top: 8mm; break-inside: avoid; }
.signs p { margin: 0; }
.signs .space { height: 22mm; }
footer { color: var(--muted); font-size: 9pt; margin-top: 6mm; }
section.ward + section.ward { break-before: page; }
.ranking td.ward { white-space: normal; }
@media print {
  body { padding: 0; max-width: none; font-size: 10pt; line-height: 1.2; }
  table.scores { font-size: 8.6pt; line-height: 1.15; }
  table.scores th, table.scores td { padding: 0.6mm 1mm; }
  table.scores .beside, table.scores .lacks { display: none; }
  table.scores col.title { width: 33%; } table.scores col.basis { width: 31.5%; } table.scores col.note { width: 9%; }
  ul.missing { columns: 2; column-gap: 6mm; font-size: 9pt; padding-left: 4mm; }
  ul.missing li { break-inside: avoid; }
  details .trail { font-size: 9pt; }
  .screen { display: none; }
  body:not(.with-trail) tr.trail { display: none; }
  tr.item td { border-bottom: 1px solid #607d8b; }
  /* a composite item's reason already lists its parts' points: on paper only a part awaiting the
     verifier keeps its own line (the screen shows every part) */
  tr.part:not(.pending) { display: none; }
  body.with-trail tr.item td { border-bottom: none; }
  details summary { display: none; }
  figure { display: none; }
  .summary { grid-template-columns: repeat(3, 1fr); gap: 0; margin: 2mm 0; }
  .summary div { padding: 0.5mm 2mm; } .summary dt { font-size: 9pt; } .summary dd { font-size: 11pt; }
  .banner { padding: 1mm 2mm; margin: 2mm 0; font-size: 10pt; }
  ul.missing, .signs { margin-top: 3mm; }
  h1 { font-size: 14pt; margin: 2mm 0 1mm; } h2 { font-size: 12.5pt; margin: 4mm 0 1.5mm; }
  .signs .space { height: 16mm; }
  footer { margin-top: 2mm; }
  a { color: inherit; text-decoration: none; }
}
"""

# The trail prints only when the page was made `--with-trail` (the body's class): then printing
# unfolds every <details> for the printout and folds them back after.
PRINT_SCRIPT = """
(function () {
  var opened = [];
  window.addEventListener("beforeprint", function () {
    if (!document.body.classList.contains("with-trail")) { return; }
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; }); opened = [];
  });
})();
"""


def e(text) -> str:
    return escape("" if text is None else str(text))


def page(title: str, body: str, css: str = "", with_trail: bool = False) -> str:
    """The whole document; `with_trail` lets the printout carry the folded trails (the body's class)."""
    cls = ' class="with-trail"' if with_trail else ""
    return ("<!DOCTYPE html>\n"
            '<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{e(title)}</title>\n<style>{CSS}{css}</style>\n</head>\n<body{cls}>\n{body}\n"
            f"<script>{PRINT_SCRIPT}</script>\n</body>\n</html>\n")


def _pts(d: Decimal) -> str:
    return fmt_number(d)


def _period(ev: dict) -> str:
    return period_label(ev["period"], "long")


def criteria_chart(r: Result) -> str:
    """Points won and lost per criterion; the part of a criterion taken out of the maximum for this
    unit (items that do not apply to it, `if_not_applicable: exclude`) drawn apart, neither won nor
    lost, so every bar still spans the criterion's maximum."""
    rows = []
    for c in r.criteria:
        lost, out = c.lost, c.excluded_max
        segments = [charts.Segment(c.points, charts.WON, "điểm đạt"), charts.Segment(lost, charts.LOST, "điểm mất")]
        if out:
            segments.append(charts.Segment(out, charts.NEUTRAL, "không áp dụng cho đơn vị"))
        notes = ([f"−{_pts(lost)}"] if lost else []) + ([f"{_pts(out)} không áp dụng"] if out else [])
        rows.append(charts.Row(
            label=f"{c.id}. {c.title}",
            segments=segments,
            text=f"{_pts(c.points)}/{_pts(c.max)}" + (f" ({'; '.join(notes)})" if notes else ""),
            tooltip=f"{c.id}. {c.title}: đạt {_pts(c.points)}, mất {_pts(lost)} trên {_pts(c.max)} điểm"
                    + (f"; {_pts(out)} điểm không áp dụng cho đơn vị (loại khỏi điểm tối đa)" if out else "")))
    scale = max((c.max for c in r.criteria), default=Decimal(1))
    legend = [(charts.WON, "điểm đạt"), (charts.LOST, "điểm mất")]
    if any(c.excluded_max for c in r.criteria):
        legend.append((charts.NEUTRAL, "không áp dụng cho đơn vị (loại khỏi điểm tối đa)"))
    chart = charts.Chart("Điểm đạt và điểm mất theo tiêu chí", rows, scale, legend=legend)
    return charts.svg(chart)


def ident(code) -> str:
    """An identifier that may wrap only after its dots and underscores, never inside a word."""
    return "".join(ch + "<wbr>" if ch in "._/" else ch for ch in e(code))


def _code(code) -> str:
    return f"<code>{ident(code)}</code>"


def _trail(it: ItemResult, label) -> str:
    """What the clerk needs to check the points: source, inputs with their labels, the tiers, the
    reasoning — in words; the engine's names for the method and the fired rule are not shown."""
    li = []
    if it.source:
        li.append(f"<li><b>Căn cứ:</b> {e(it.source)}</li>")
    li.append(f"<li><b>Cách chấm:</b> {e(method_label(it.method))}</li>")
    if not it.parts:
        for u in it.inputs:
            src = f' <span class="src">[nguồn: {e(u.source)}]</span>' if u.source else ""
            name = label(u.id)
            named = f"{e(name)} ({_code(u.id)})" if name != u.id else _code(u.id)
            li.append(f"<li>{named}: {e(u.display)}{src}</li>")
    if it.branches:
        li.append("<li><b>Các mức:</b> " + "; ".join(e(b.label) for b in it.branches) + "</li>")
    li.append(f"<li><b>Cách tính:</b> {e(sentences.reason_with_units(it))}</li>")
    if it.adjustment:
        li.append(f"<li><b>Điều chỉnh:</b> {e(it.adjustment)}</li>")
    for p in it.parts:
        li.append(f"<li><b>{e(p.id)} — {e(p.title)}:</b> {_pts(p.points)}/{_pts(p.max)} điểm"
                  f'<ul class="trail">{_trail(p, label)}</ul></li>')
    return "".join(li)


def missing_text(codes, label) -> str:
    """Missing evidence by its label, the code beside it in small type; '; ' between (the decimal comma)."""
    return "; ".join(f'{e(label(m))}<span class="beside"> ({_code(m)})</span>' if label(m) != m else _code(m)
                     for m in codes)


def _note(it: ItemResult, label) -> str:
    out = []
    if it.pending:
        out.append(f"Chờ cấp thẩm định chấm ({e(sentences.points_range(it.pending['max']))} điểm)")
    if it.missing:
        out.append('<span class="lacks">Thiếu minh chứng: ' + missing_text(it.missing, label) + "</span>")
    if it.adjustment:
        out.append(e(it.adjustment))
    return "<br>".join(out)


def _item_row(it: ItemResult, label) -> str:
    """The item's row, then a full-width row with its folded trail (printed only `--with-trail`)."""
    lost = f'<td class="num lost">{_pts(it.lost)}</td>' if it.lost else '<td class="num"></td>'
    return (f'<tr class="item" id="item-{e(it.id)}"><td>{e(it.id)}</td><td>{e(it.title)}</td>'
            f'<td class="num">{_pts(it.max)}</td><td class="num">{_pts(it.points)}</td>{lost}'
            f"<td>{e(sentences.reason_with_units(it))}</td><td>{_note(it, label)}</td></tr>"
            f'<tr class="trail"><td></td><td colspan="6"><details><summary>Giải trình {e(it.id)}</summary>'
            f'<ul class="trail">{_trail(it, label)}</ul></details></td></tr>')


def _part_row(label: str, depth: int, it: ItemResult, labels=None) -> str:
    """A part's own row under its item (every level, indented): its trail is inside the item's."""
    lost = f'<td class="num lost">{_pts(it.lost)}</td>' if it.lost else '<td class="num"></td>'
    pad = f' style="padding-left: {depth}em"' if depth > 1 else ""
    cls = "part pending" if it.pending else "part"
    return (f'<tr class="{cls}"><td>{e(label)}</td><td{pad}>– {e(it.title)}</td>'
            f'<td class="num">{_pts(it.max)}</td><td class="num">{_pts(it.points)}</td>{lost}'
            f"<td>{e(sentences.reason_with_units(it))}</td><td>{_note(it, labels)}</td></tr>")


def score_table(r: Result) -> str:
    label = fact_labels(r)
    col = "Điểm thẩm định" if r.mode == "verified" else "Điểm tự chấm"
    cols = ('<colgroup><col class="id"><col class="title"><col class="n"><col class="n"><col class="n">'
            '<col class="basis"><col class="note"></colgroup>')
    head = (f'{cols}<thead><tr><th>Tiêu chí</th><th>Nội dung</th><th class="num">Điểm tối đa</th><th class="num">{col}</th>'
            '<th class="num">Điểm mất</th><th>Căn cứ chấm điểm (số liệu, tỷ lệ, văn bản)</th><th>Ghi chú</th></tr></thead>')
    rows = []
    for kind, *what in walk(r):
        if kind == "criterion":
            c = what[0]
            lost = c.lost
            rows.append(f'<tr class="crit"><td>{e(c.id)}</td><td>{e(c.title)}</td><td class="num">{_pts(c.max)}</td>'
                        f'<td class="num">{_pts(c.points)}</td><td class="num lost">{_pts(lost) if lost else ""}</td>'
                        "<td></td><td></td></tr>")
        elif kind == "section":
            title = "Điểm thưởng" if what[0] == "bonus" else "Điểm trừ"
            rows.append(f'<tr class="crit"><td></td><td>{title}</td><td></td><td class="num">{_pts(what[1])}</td>'
                        "<td></td><td></td><td></td></tr>")
        else:
            rows.append(_item_row(what[0], label))
            rows.extend(_part_row(plabel, depth, p, label) for plabel, depth, p in part_rows(what[0]))
    rows.append(f'<tr class="total"><td></td><td>Cộng điểm các tiêu chí</td>'
                f'<td class="num">{_pts(sum((c.max for c in r.criteria), Decimal(0)))}</td>'
                f'<td class="num">{_pts(r.subtotal)}</td><td></td><td>Điểm thưởng +{_pts(r.bonus)}; điểm trừ '
                f"{_pts(r.deductions)}</td><td></td></tr>")
    rows.append(_scale_row(r, 7))
    rows.append(f'<tr class="total"><td></td><td>TỔNG ĐIỂM</td><td class="num">{_pts(r.max_total)}</td>'
                f'<td class="num">{_pts(r.total)}</td><td></td><td>Xếp loại: {e(r.grade.label)}</td><td></td></tr>')
    return f'<table class="scores">{head}<tbody>{"".join(rows)}</tbody></table>'


def _scale_row(r: Result, columns: int) -> str:
    """The criteria's points brought to the pack's scale when items did not apply to the unit ('' else)."""
    sc = r.scale
    if sc is None or not sc["excluded"]:
        return ""
    rest = "<td></td>" * (columns - 5)
    return (f'<tr class="total"><td></td><td>{e(sentences.scale_title(sc))}</td><td class="num">{_pts(sc["to"])}</td>'
            f'<td class="num">{_pts(sc["rounded"])}</td><td></td>'
            f"<td>{e(sentences.scale_line(sc))}</td>{rest}</tr>")


def criteria_table(r: Result) -> str:
    """The table by criterion, with the items that lost points named in each: a ward's page in a
    district's printout, where the full table of every ward would run to dozens of pages."""
    head = ('<colgroup><col class="id"><col class="title"><col class="n"><col class="n"><col class="n">'
            '<col class="lostitems"></colgroup><thead><tr><th>Tiêu chí</th><th>Nội dung</th>'
            f'<th class="num">Điểm tối đa</th><th class="num">{"Điểm thẩm định" if r.mode == "verified" else "Điểm tự chấm"}'
            '</th><th class="num">Điểm mất</th><th>Nội dung mất điểm (điểm mất)</th></tr></thead>')
    lost_in: dict[str, list[ItemResult]] = {}
    for it in r.items:
        if it.section == "criteria" and it.lost:
            lost_in.setdefault(it.criterion, []).append(it)
    rows = []
    for c in r.criteria:
        lost = c.lost
        items = "; ".join(f'<span class="nowrap">{e(it.id)} (−{_pts(it.lost)})</span>' for it in lost_in.get(c.id, []))
        rows.append(f'<tr><td>{e(c.id)}</td><td>{e(c.title)}</td><td class="num">{_pts(c.max)}</td>'
                    f'<td class="num">{_pts(c.points)}</td><td class="num lost">{_pts(lost) if lost else ""}</td>'
                    f"<td>{items}</td></tr>")
    rows.append(f'<tr class="total"><td></td><td>Điểm thưởng / điểm trừ</td><td></td>'
                f'<td class="num">+{_pts(r.bonus)} / {_pts(r.deductions)}</td><td></td><td></td></tr>')
    rows.append(_scale_row(r, 6))
    rows.append(f'<tr class="total"><td></td><td>TỔNG ĐIỂM</td><td class="num">{_pts(r.max_total)}</td>'
                f'<td class="num">{_pts(r.total)}</td><td></td><td>Xếp loại: {e(r.grade.label)}</td></tr>')
    return f'<table class="scores bycriterion">{head}<tbody>{"".join(rows)}</tbody></table>'


def _summary(r: Result) -> str:
    g = r.grade
    cells = [("Tổng điểm", f"{_pts(r.total)}/{_pts(r.max_total)}"), ("Xếp loại", g.label)]
    n = g.next_grade
    if n is None:
        cells.append(("Mức trên", "Đã ở mức cao nhất"))
    elif n["blocked_by"]:
        cells.append((f"Mức trên: {n['label']}", f"Không thể đạt (loại trừ: {'; '.join(n['blocked_by'])})"))
    else:
        cells.append((f"Còn thiếu để đạt “{n['label']}” (từ {_pts(n['min'])})", f"{_pts(n['points_needed'])} điểm"))
    cells.append(("Điểm các tiêu chí", _pts(r.subtotal)))
    if r.scale is not None and r.scale["excluded"]:
        sc = r.scale
        cells.append((sentences.scale_title(sc, with_max=True), _pts(sc["rounded"])))
    cells.append(("Điểm thưởng / điểm trừ", f"+{_pts(r.bonus)} / {_pts(r.deductions)}"))
    lost = sum((i.lost for i in r.items if i.section == "criteria"), Decimal(0))
    cells.append(("Điểm mất ở các tiêu chí", _pts(lost)))
    return '<dl class="summary">' + "".join(f"<div><dt>{e(k)}</dt><dd>{e(v)}</dd></div>" for k, v in cells) + "</dl>"


def _missing(r: Result) -> str:
    if not r.missing_evidence:
        return "<p>Không có minh chứng nào còn thiếu làm mất điểm.</p>"
    label = fact_labels(r)
    cost: dict[str, list[ItemResult]] = {}
    for it in r.items:
        for m in it.missing:
            cost.setdefault(m, []).append(it)
    lis = []
    for m in r.missing_evidence:
        items = cost.get(m, [])
        where = "; ".join(f"{e(it.id)} (mất {_pts(it.lost)}/{_pts(it.max)} điểm)" for it in items)
        lis.append(f"<li>{missing_text([m], label)}" + (f" — ảnh hưởng: {where}" if where else "") + "</li>")
    return f'<ul class="missing">{"".join(lis)}</ul>'


def _grade_detail(r: Result) -> str:
    g = r.grade
    out = []
    held = blocking_vetoes(r)
    if g.capped_from and held:
        out.append(f"<p>Đủ điểm mức “{e(g.capped_from)}” nhưng bị hạ do: "
                   + "; ".join(f"{e(v.id)} — {e(v.reason)}" for v in held) + "</p>")
    if g.vetoes:
        lis = []
        for v in g.vetoes:
            vals = "; ".join(f"{e(fact_labels(r)(u.id))}: {e(u.display)}" for u in v.inputs)
            lis.append(f"<li><b>{e(v.id)}</b> (mức “{e(grade_label(r, v.grade))}”): {e(v.reason)} — "
                       f"{'<b>CÓ</b>' if v.holds else 'không'}" + (f" <span class=\"src\">({vals})</span>" if vals else "")
                       + "</li>")
        out.append(f'<p>Điều kiện loại trừ:</p><ul class="missing">{"".join(lis)}</ul>')
    if r.pending:
        out.append("<p>Điểm chờ cấp thẩm định: " + "; ".join(
            f"{e(p['id'])} {e(p['title'])} (0–{_pts(p['max'])} điểm)" for p in r.pending) + "</p>")
    return "".join(out)


PREFIXES = ("Thành phố", "Thị trấn", "Thị xã", "Phường", "Huyện", "Quận", "Tỉnh", "Xã")


def place(name: Optional[str]) -> str:
    """'Phổ Văn' from 'Phường Phổ Văn': the place name a dateline opens with."""
    name = (name or "").strip()
    for pre in PREFIXES:
        if name.lower().startswith(pre.lower() + " "):
            return name[len(pre) + 1:].strip()
    return name


def dateline(where: Optional[str], when: Optional[date] = None) -> str:
    """'Phổ Văn, ngày 15 tháng 03 năm 2024', or blanks to fill by hand (never today's date)."""
    day = (f"ngày {when.day:02d} tháng {when.month:02d} năm {when.year}" if when
           else "ngày ….. tháng ….. năm …….")
    return f"{place(where)}, {day}" if place(where) else day


def national_header(unit: str, parent: Optional[str] = None, where: Optional[str] = None,
                    when: Optional[date] = None) -> str:
    """The heading every administrative paper opens with: the issuing body on the left, the
    country's name and motto on the right, the place and date under them."""
    left = (f"<div>{e(parent.upper())}</div>" if parent else "") + f"<div><b>{e(unit.upper())}</b></div>"
    return ('<table class="national"><tr>'
            f'<td>{left}<span class="line"></span></td>'
            '<td><div class="motto">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>'
            '<div class="motto">Độc lập - Tự do - Hạnh phúc</div><span class="line"></span>'
            f'<div class="when">{e(dateline(where, when))}</div></td></tr></table>')


def signatures(left: tuple[str, str], right: tuple[str, str]) -> str:
    """Two signature blocks side by side: the preparer on the left, the head of the body on the right."""
    return (f'<div class="signs"><div><p><b>{left[0]}</b></p><p><i>{left[1]}</i></p><p class="space"></p></div>'
            f'<div><p><b>{right[0]}</b></p><p><i>{right[1]}</i></p><p class="space"></p></div></div>')


def report_section(r: Result, notes: Sequence[str] = (), *, chart: bool = True, header: Optional[str] = None,
                   title: Optional[str] = None, signs: Optional[str] = None, by_criterion: bool = False) -> str:
    """One ward's report as a `<section>`: the whole page body of `render`, one page of a batch.

    `notes` are boxed under the heading: in a batch, what the district's ranking decided beyond this
    result (a quota moving the ward down a grade), so the page never silently contradicts the ranking.
    `header`, `title` and `signs` replace the commune's own (a verification is issued by its reviewer);
    `chart=False` leaves the chart out (a batch prints it once, for the ranking); `by_criterion` prints
    the table by criterion and the missing evidence as one paragraph (a ward's page in a batch)."""
    ev, p, words = r.evidence, r.pack, r.words
    where = ", ".join(x for x in (ev["ward"], ev["district"], ev["province"]) if x)
    what = "Kết quả thẩm định" if r.mode == "verified" else "Kết quả tự chấm điểm"
    parts = ['<section class="ward">',
             header if header is not None else national_header(*words.issuer(ev["ward"], ev["district"], ev["province"]),
                                                               words.place(ev["ward"], ev["province"])),
             f"<h1>{e(title or what + ' công tác dân vận chính quyền ' + _period(ev))}</h1>",
             f'<p class="sub"><b>{e(where)}</b></p>',
             f'<p class="meta">Căn cứ {e(p["legal_basis"])}</p>',
             f'<p class="meta">Bộ tiêu chí: {e(p["title"])} — phiên bản {e(p["version"])}, '
             f'trạng thái: {e(status_label(p["status"]))} ({ident(p["id"])})</p>']
    if p["status"] == "draft":
        parts.append(f'<p class="banner">BỘ TIÊU CHÍ DỰ THẢO — {e(p.get("note") or "điểm số chưa được đối chiếu với văn bản ký ban hành")}</p>')
    elif p["status"] == "repealed":
        parts.append('<p class="banner">BỘ TIÊU CHÍ ĐÃ HẾT HIỆU LỰC</p>')
    if ev["status"] == "in_progress":
        parts.append('<p class="banner progress">Hồ sơ đang hoàn thiện: kết quả là tạm tính.</p>')
    parts += [f'<p class="banner info">{e(n)}</p>' for n in notes]
    parts.append(_summary(r))
    if chart:
        parts.append(f"<figure>{criteria_chart(r)}<figcaption>Mỗi thanh dài bằng điểm tối đa của tiêu chí: phần xanh là "
                     "điểm đạt, phần đỏ là điểm mất.</figcaption></figure>")
    parts.append(f'<h2>Bảng điểm</h2>{criteria_table(r) if by_criterion else score_table(r)}')
    parts.append(f"<h2>Xếp loại</h2><p><b>{e(r.grade.label)}</b> — tổng {_pts(r.total)}/{_pts(r.max_total)} điểm.</p>")
    parts.append(_grade_detail(r))
    if by_criterion:
        lacks = missing_text(r.missing_evidence, fact_labels(r)) or "không có"
        parts.append(f'<h2>Minh chứng còn thiếu ({len(r.missing_evidence)})</h2><p class="lacking">{lacks}.</p>')
    else:
        parts.append(f"<h2>Minh chứng còn thiếu ({len(r.missing_evidence)})</h2>{_missing(r)}")
    # the draft pack and an unfinished record are said at the top of the page already
    other = [sentences.warning(w) for w in r.warnings if w["code"] not in ("draft_pack", "in_progress")]
    if other:
        parts.append("<h2>Lưu ý</h2><ul>" + "".join(f"<li>{e(w)}</li>" for w in other) + "</ul>")
    if signs is not None:
        parts.append(signs)
    elif r.mode == "verified":
        parts.append(signatures(("NGƯỜI THẨM ĐỊNH", "(Ký, ghi rõ họ tên)"),
                                ("TM. CƠ QUAN THẨM ĐỊNH", "(Ký tên, đóng dấu)")))
    else:
        parts.append(signatures(("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)"),
                                (e(words.head_sign).replace("\n", "<br>"), "(Ký tên, đóng dấu)")))
    parts.append(f"<footer>Lập bằng dvcq. Hồ sơ <span class='nowrap'>{e(ev['file'])}</span> (mã kiểm tra {e(ev['sha256'][:16])}); "
                 f"bộ tiêu chí <span class='nowrap'>{e(p['file'])}</span> (mã kiểm tra {e(p['sha256'][:16])}).</footer>")
    parts.append("</section>")
    return "\n".join(parts)


def render(result: Result, with_trail: bool = False) -> str:
    """The commune's printable report; the trails print only `with_trail` (they stay folded on screen)."""
    ev = result.evidence
    return page(f"Chấm điểm DVCQ — {ev['ward']} — {_period(ev)}", report_section(result), with_trail=with_trail)
