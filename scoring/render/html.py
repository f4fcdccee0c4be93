"""A printable report page for the assessment meeting: one self-contained HTML file.

Self-contained because ward offices print from machines with poor or no internet: the styles,
the chart (inline SVG, see `charts.py`) and the small print script are all inside the page, and
nothing is fetched. The trail of each item is folded in `<details>` so the table stays readable
on screen; printing unfolds it. `page()` and `report_section()` are reused by the district
ranking (`batch_html.py`), which prints one ward per page.
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from ..pack import fmt_number
from .common import part_rows, walk
from ..result import ItemResult, Result
from . import charts, sentences
from ..vietnamese import status_label


CSS = """
@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
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
table.scores col.id { width: 8%; } table.scores col.title { width: 23%; } table.scores col.n { width: 8%; }
table.scores col.basis { width: 27%; } table.scores col.note { width: 18%; }
table.scores td, table.scores th { overflow-wrap: anywhere; }
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
footer { color: var(--muted); font-size: 9pt; margin-top: 6mm; word-break: break-all; }
section.ward + section.ward { break-before: page; }
.ranking td.ward { white-space: normal; }
@media print {
  body { padding: 0; max-width: none; font-size: 11pt; }
  table.scores { font-size: 9.5pt; }
  details .trail { font-size: 9pt; }
  h2.newpage { break-before: page; }
  details summary { display: none; }
  a { color: inherit; text-decoration: none; }
}
"""

# Printing folded <details> would hide the trail: unfold everything for the printout, then restore.
PRINT_SCRIPT = """
(function () {
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) { d.open = true; opened.push(d); });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; }); opened = [];
  });
})();
"""


def e(text) -> str:
    return escape("" if text is None else str(text))


def page(title: str, body: str, css: str = "") -> str:
    return ("<!DOCTYPE html>\n"
            '<html lang="vi">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{e(title)}</title>\n<style>{CSS}{css}</style>\n</head>\n<body>\n{body}\n"
            f"<script>{PRINT_SCRIPT}</script>\n</body>\n</html>\n")


def _pts(d: Decimal) -> str:
    return fmt_number(d)


def _period(ev: dict) -> str:
    p = ev["period"]
    return f"quý {p['quarter']} năm {p['year']}" if p["quarter"] else f"năm {p['year']}"


def criteria_chart(r: Result) -> str:
    rows = []
    for c in r.criteria:
        lost = c.max - c.points
        rows.append(charts.Row(
            label=f"{c.id}. {c.title}",
            segments=[charts.Segment(c.points, charts.WON, "điểm đạt"), charts.Segment(lost, charts.LOST, "điểm mất")],
            text=f"{_pts(c.points)}/{_pts(c.max)}" + (f" (−{_pts(lost)})" if lost else ""),
            tooltip=f"{c.id}. {c.title}: đạt {_pts(c.points)}, mất {_pts(lost)} trên {_pts(c.max)} điểm"))
    scale = max((c.max for c in r.criteria), default=Decimal(1))
    chart = charts.Chart("Điểm đạt và điểm mất theo tiêu chí", rows, scale,
                         legend=[(charts.WON, "điểm đạt"), (charts.LOST, "điểm mất")])
    return charts.svg(chart)


def _trail(it: ItemResult) -> str:
    li = []
    if it.source:
        li.append(f"<li><b>Căn cứ:</b> {e(it.source)}</li>")
    li.append(f"<li><b>Phương pháp:</b> {e(it.method)}" + (f"; luật kích hoạt: <code>{e(it.rule)}</code>" if it.rule else "")
              + "</li>")
    if not it.parts:
        for u in it.inputs:
            src = f' <span class="src">[nguồn: {e(u.source)}]</span>' if u.source else ""
            li.append(f"<li><code>{e(u.id)}</code> = {e(u.display)}{src}</li>")
    if it.branches:
        li.append("<li><b>Các mức của quy tắc:</b> " + "; ".join(e(b.label) for b in it.branches) + "</li>")
    li.append(f"<li><b>Cách tính:</b> {e(it.reason)}</li>")
    if it.adjustment:
        li.append(f"<li><b>Điều chỉnh:</b> {e(it.adjustment)}</li>")
    for p in it.parts:
        li.append(f"<li><b>{e(p.id)} — {e(p.title)}:</b> {_pts(p.points)}/{_pts(p.max)} điểm"
                  f'<ul class="trail">{_trail(p)}</ul></li>')
    return "".join(li)


def _note(it: ItemResult) -> str:
    out = []
    if it.pending:
        out.append(f"Chờ cấp thẩm định chấm ({e(sentences.points_range(it.pending['max']))} điểm)")
    if it.missing:
        out.append("Thiếu minh chứng: " + ", ".join(f"<code>{e(m)}</code>" for m in it.missing))
    if it.adjustment:
        out.append(e(it.adjustment))
    return "<br>".join(out)


def _item_row(it: ItemResult) -> str:
    """The item's row, then a full-width row with its folded trail (wide enough to read when printed)."""
    lost = f'<td class="num lost">{_pts(it.lost)}</td>' if it.lost else '<td class="num"></td>'
    return (f'<tr class="item" id="item-{e(it.id)}"><td>{e(it.id)}</td><td>{e(it.title)}</td>'
            f'<td class="num">{_pts(it.max)}</td><td class="num">{_pts(it.points)}</td>{lost}'
            f"<td>{e(it.reason)}</td><td>{_note(it)}</td></tr>"
            f'<tr class="trail"><td></td><td colspan="6"><details><summary>Giải trình {e(it.id)}</summary>'
            f'<ul class="trail">{_trail(it)}</ul></details></td></tr>')


def _part_row(label: str, depth: int, it: ItemResult) -> str:
    """A part's own row under its item (every level, indented): its trail is inside the item's."""
    lost = f'<td class="num lost">{_pts(it.lost)}</td>' if it.lost else '<td class="num"></td>'
    pad = f' style="padding-left: {depth}em"' if depth > 1 else ""
    return (f'<tr class="part"><td>{e(label)}</td><td{pad}>– {e(it.title)}</td>'
            f'<td class="num">{_pts(it.max)}</td><td class="num">{_pts(it.points)}</td>{lost}'
            f"<td>{e(it.reason)}</td><td>{_note(it)}</td></tr>")


def score_table(r: Result) -> str:
    col = "Điểm thẩm định" if r.mode == "verified" else "Điểm tự chấm"
    cols = ('<colgroup><col class="id"><col class="title"><col class="n"><col class="n"><col class="n">'
            '<col class="basis"><col class="note"></colgroup>')
    head = (f'{cols}<thead><tr><th>Tiêu chí</th><th>Nội dung</th><th class="num">Điểm tối đa</th><th class="num">{col}</th>'
            '<th class="num">Điểm mất</th><th>Căn cứ chấm điểm (số liệu, tỷ lệ, văn bản)</th><th>Ghi chú</th></tr></thead>')
    rows = []
    for kind, *what in walk(r):
        if kind == "criterion":
            c = what[0]
            lost = c.max - c.points
            rows.append(f'<tr class="crit"><td>{e(c.id)}</td><td>{e(c.title)}</td><td class="num">{_pts(c.max)}</td>'
                        f'<td class="num">{_pts(c.points)}</td><td class="num lost">{_pts(lost) if lost else ""}</td>'
                        "<td></td><td></td></tr>")
        elif kind == "section":
            title = "Điểm thưởng" if what[0] == "bonus" else "Điểm trừ"
            rows.append(f'<tr class="crit"><td></td><td>{title}</td><td></td><td class="num">{_pts(what[1])}</td>'
                        "<td></td><td></td><td></td></tr>")
        else:
            rows.append(_item_row(what[0]))
            rows.extend(_part_row(label, depth, p) for label, depth, p in part_rows(what[0]))
    rows.append(f'<tr class="total"><td></td><td>Cộng điểm các tiêu chí</td>'
                f'<td class="num">{_pts(sum((c.max for c in r.criteria), Decimal(0)))}</td>'
                f'<td class="num">{_pts(r.subtotal)}</td><td></td><td>Điểm thưởng +{_pts(r.bonus)}; điểm trừ '
                f"{_pts(r.deductions)}</td><td></td></tr>")
    rows.append(f'<tr class="total"><td></td><td>TỔNG ĐIỂM</td><td class="num">{_pts(r.max_total)}</td>'
                f'<td class="num">{_pts(r.total)}</td><td></td><td>Xếp loại: {e(r.grade.label)}</td><td></td></tr>')
    return f'<table class="scores">{head}<tbody>{"".join(rows)}</tbody></table>'


def _summary(r: Result) -> str:
    g = r.grade
    cells = [("Tổng điểm", f"{_pts(r.total)}/{_pts(r.max_total)}"), ("Xếp loại", g.label)]
    n = g.next_grade
    if n is None:
        cells.append(("Mức trên", "Đã ở mức cao nhất"))
    elif n["blocked_by"]:
        cells.append((f"Mức trên: {n['label']}", f"Không thể đạt (loại trừ: {', '.join(n['blocked_by'])})"))
    else:
        cells.append((f"Còn thiếu để đạt “{n['label']}” (từ {_pts(n['min'])})", f"{_pts(n['points_needed'])} điểm"))
    cells.append(("Điểm các tiêu chí", _pts(r.subtotal)))
    cells.append(("Điểm thưởng / điểm trừ", f"+{_pts(r.bonus)} / {_pts(r.deductions)}"))
    lost = sum((i.lost for i in r.items if i.section == "criteria"), Decimal(0))
    cells.append(("Điểm mất ở các tiêu chí", _pts(lost)))
    return '<dl class="summary">' + "".join(f"<div><dt>{e(k)}</dt><dd>{e(v)}</dd></div>" for k, v in cells) + "</dl>"


def _missing(r: Result) -> str:
    if not r.missing_evidence:
        return "<p>Không có minh chứng nào còn thiếu làm mất điểm.</p>"
    cost: dict[str, list[ItemResult]] = {}
    for it in r.items:
        for m in it.missing:
            cost.setdefault(m, []).append(it)
    lis = []
    for m in r.missing_evidence:
        items = cost.get(m, [])
        where = ", ".join(f"{e(it.id)} (mất {_pts(it.lost)}/{_pts(it.max)})" for it in items)
        lis.append(f"<li><code>{e(m)}</code>" + (f" — ảnh hưởng: {where}" if where else "") + "</li>")
    return f'<ul class="missing">{"".join(lis)}</ul>'


def _grade_detail(r: Result) -> str:
    g = r.grade
    out = []
    if g.capped_from:
        held = [v for v in g.vetoes if v.holds]
        out.append(f"<p>Đủ điểm mức “{e(g.capped_from)}” nhưng bị hạ do: "
                   + "; ".join(f"{e(v.id)} — {e(v.reason)}" for v in held) + "</p>")
    if g.vetoes:
        lis = []
        for v in g.vetoes:
            vals = ", ".join(f"{e(u.id)} = {e(u.display)}" for u in v.inputs)
            lis.append(f"<li><b>{e(v.id)}</b> ({e(v.grade)}): {e(v.reason)} — "
                       f"{'<b>CÓ</b>' if v.holds else 'không'}" + (f" <span class=\"src\">({vals})</span>" if vals else "")
                       + "</li>")
        out.append(f'<p>Điều kiện loại trừ:</p><ul class="missing">{"".join(lis)}</ul>')
    if r.pending:
        out.append("<p>Điểm chờ cấp thẩm định: " + "; ".join(
            f"{e(p['id'])} {e(p['title'])} (0–{_pts(p['max'])} điểm)" for p in r.pending) + "</p>")
    return "".join(out)


def report_section(r: Result, notes: Sequence[str] = ()) -> str:
    """One ward's report as a `<section>`: the whole page body of `render`, one page of a batch.

    `notes` are boxed under the heading: in a batch, what the district's ranking decided beyond this
    result (a quota moving the ward down a grade), so the page never silently contradicts the ranking."""
    ev, p = r.evidence, r.pack
    where = ", ".join(x for x in (ev["ward"], ev["district"], ev["province"]) if x)
    what = "Kết quả thẩm định" if r.mode == "verified" else "Kết quả tự chấm điểm"
    parts = ['<section class="ward">',
             f"<h1>{what} công tác dân vận chính quyền {e(_period(ev))}</h1>",
             f'<p class="sub"><b>{e(where)}</b></p>',
             f'<p class="meta">Căn cứ {e(p["legal_basis"])}</p>',
             f'<p class="meta">Bộ tiêu chí: {e(p["title"])} — mã {e(p["id"])}, phiên bản {e(p["version"])}, '
             f'trạng thái: {e(status_label(p["status"]))}</p>']
    if p["status"] == "draft":
        parts.append(f'<p class="banner">BỘ TIÊU CHÍ DỰ THẢO — {e(p.get("note") or "điểm số chưa được đối chiếu với văn bản ký ban hành")}</p>')
    elif p["status"] == "repealed":
        parts.append('<p class="banner">BỘ TIÊU CHÍ ĐÃ HẾT HIỆU LỰC</p>')
    if ev["status"] == "in_progress":
        parts.append('<p class="banner progress">Hồ sơ đang hoàn thiện: kết quả là tạm tính.</p>')
    parts += [f'<p class="banner info">{e(n)}</p>' for n in notes]
    parts.append(_summary(r))
    parts.append(f"<figure>{criteria_chart(r)}<figcaption>Mỗi thanh dài bằng điểm tối đa của tiêu chí: phần xanh là "
                 "điểm đạt, phần đỏ là điểm mất.</figcaption></figure>")
    parts.append(f'<h2 class="newpage">Bảng điểm</h2>{score_table(r)}')
    parts.append(f"<h2>Xếp loại</h2><p><b>{e(r.grade.label)}</b> — tổng {_pts(r.total)}/{_pts(r.max_total)} điểm.</p>")
    parts.append(_grade_detail(r))
    parts.append(f"<h2>Minh chứng còn thiếu ({len(r.missing_evidence)})</h2>{_missing(r)}")
    # the draft pack and an unfinished record are said at the top of the page already
    other = [sentences.warning(w) for w in r.warnings if w["code"] not in ("draft_pack", "in_progress")]
    if other:
        parts.append("<h2>Lưu ý</h2><ul>" + "".join(f"<li>{e(w)}</li>" for w in other) + "</ul>")
    if r.mode == "verified":
        left, right = ("NGƯỜI THẨM ĐỊNH", "(Ký, ghi rõ họ tên)"), ("TM. CƠ QUAN THẨM ĐỊNH", "(Ký tên, đóng dấu)")
    else:
        left, right = ("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)"), ("TM. ỦY BAN NHÂN DÂN<br>CHỦ TỊCH", "(Ký tên, đóng dấu)")
    parts.append(f'<div class="signs"><div><p>&nbsp;</p><p><b>{left[0]}</b></p><p><i>{left[1]}</i></p>'
                 f'<p class="space"></p></div><div><p><i>{e(ev["ward"])}, ngày ….. tháng ….. năm …….</i></p>'
                 f'<p><b>{right[0]}</b></p><p><i>{right[1]}</i></p><p class="space"></p></div></div>')
    parts.append(f"<footer>Lập bằng dvcq. Hồ sơ {e(ev['file'])} (sha256 {e(ev['sha256'])}); bộ tiêu chí {e(p['file'])} "
                 f"(sha256 {e(p['sha256'])}).</footer>")
    parts.append("</section>")
    return "\n".join(parts)


def render(result: Result) -> str:
    ev = result.evidence
    return page(f"Chấm điểm DVCQ — {ev['ward']} — {_period(ev)}", report_section(result))
