"""Presenting a verification: self vs verified per item, every reason, both totals and grades.

Formats mirror `dvcq score`: a table for the screen or a printout, Markdown for a dossier, and the
sealed JSON contract for other tools.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Optional

from ..pack import fmt_number
from ..render import VERIFICATION, formats
from ..render import render as report
from ..render.common import fit_widths, header_lines, summary_lines, terminal_width, wrap_headers, wrap_lines
from ..render.grid import simple_grid, textwrap_lines
from ..vietnamese import period_label
from ..render.json import dumps, sealed
from ..render.sentences import points_range, reason_with_units
from .model import KIND_LABEL
from .verification import Verification

HEADERS = ["Mã", "Nội dung", "Tối đa", "Tự chấm", "Thẩm định", "Chênh lệch", "Căn cứ, lý do"]
FORMATS = formats(VERIFICATION)  # from the one reporter registry (scoring.render)


def signed(d: Decimal) -> str:
    """'+1,5', '−2', '' for no change: the sign is the point of this column."""
    if d == 0:
        return ""
    return ("+" if d > 0 else "−") + fmt_number(abs(d))


def review_lines(v: Verification) -> list[str]:
    h = v.review.head
    who = h.reviewer.unit + (f" ({h.reviewer.name})" if h.reviewer.name else "")
    return [f"Thẩm định: {who}, ngày {h.reviewed_on:%d/%m/%Y} — tệp {v.review.summary()['file']} "
            f"(sha256 {v.review.sha256[:12]}…), {len(v.findings)} kết luận"]


def rows(v: Verification) -> list[list[str]]:
    s, r = v.self_result, v.verified
    out = []
    self_crit = {c.id: c for c in s.criteria}
    current = None
    for own, it in zip(s.items, r.items):
        if it.section == "criteria" and it.criterion != current:
            current = it.criterion
            c = next(c for c in r.criteria if c.id == current)
            sc = self_crit[current]
            out.append([c.id, c.title.upper(), fmt_number(c.max), fmt_number(sc.points), fmt_number(c.points),
                        signed(c.points - sc.points), ""])
        if it.section != "criteria" and current != it.section:
            current = it.section
            title = "ĐIỂM THƯỞNG" if it.section == "bonus" else "ĐIỂM TRỪ"
            a, b = (s.bonus, r.bonus) if it.section == "bonus" else (s.deductions, r.deductions)
            out.append(["", title, "", fmt_number(a), fmt_number(b), signed(b - a), ""])
        ch = v.change(it.id)
        if ch is None:
            reason = reason_with_units(it)
        else:
            reason = (reason_with_units(it) if own.reason == it.reason
                      else f"Tự chấm: {reason_with_units(own)}\nThẩm định: {reason_with_units(it)}")
            for n in ch.findings:
                f = v.finding(n)  # an item finding's reason is already the verified reason
                reason += f" (kết luận #{n})" if f.kind == "item" else f"\nKết luận #{n}: {f.reason}"
        if it.pending:
            reason = f"[chờ thẩm định {points_range(it.pending['max'])}] " + reason
        out.append([it.id, it.title, fmt_number(it.max), fmt_number(own.points), fmt_number(it.points),
                    signed(it.points - own.points), reason])
    return out


def finding_lines(v: Verification) -> list[str]:
    out = []
    for f in v.findings:
        e = v.effects[f.number]
        where = []
        for item_id in e.items:
            ch = v.change(item_id)
            where.append(f"{item_id} {signed(ch.delta) or 'không đổi điểm'}" if ch else item_id)
        if e.vetoes:
            where.append("điều kiện xếp loại " + ", ".join(e.vetoes))
        out.append(f"#{f.number} {KIND_LABEL[f.kind]} {f.ident}: {e.before} → {e.after}"
                   + (f" [{'; '.join(where)}]" if where else ""))
        out.append(f"   Lý do: {f.reason}" + (f" (nguồn: {f.source})" if f.source else ""))
    return out


def total_lines(v: Verification) -> list[str]:
    s, r = v.self_result, v.verified
    lines = [f"TỔNG ĐIỂM: tự chấm {fmt_number(s.total)} → thẩm định {fmt_number(r.total)}/{fmt_number(r.max_total)}"
             + (f" ({signed(r.total - s.total)})" if r.total != s.total else " (không đổi)"),
             f"XẾP LOẠI: tự chấm: {s.grade.label} → thẩm định: {r.grade.label}"
             + ("" if s.grade.id == r.grade.id else " (thay đổi)")]
    return lines


def _trailer(v: Verification) -> list[str]:
    """The verified summary lines without the total/grade lines already shown side by side."""
    return [ln for ln in summary_lines(v.verified) if not ln.startswith(("TỔNG ĐIỂM", "XẾP LOẠI"))]


def render_table(v: Verification, width: Optional[int] = None) -> str:
    """Fitted to `width` (default: the terminal's). The reason column keeps 'Tự chấm:', 'Thẩm định:'
    and each 'Kết luận #n:' on lines of their own, so self, verified and finding never run together."""
    table = rows(v)
    width = terminal_width(width)
    widths = fit_widths(table, HEADERS, width, {1: 2, 6: 3})
    body = simple_grid(wrap_cells(table, widths), wrap_headers(HEADERS, widths, table),
                       ("left", "left", "right", "right", "right", "right", "left"))
    out = wrap_lines(header_lines(v.verified) + review_lines(v), width) + ["", body, "", "KẾT LUẬN THẨM ĐỊNH:"]
    out += wrap_lines(finding_lines(v), width) or ["(không có kết luận nào: công nhận kết quả tự chấm)"]
    out += [""] + wrap_lines(total_lines(v) + _trailer(v), width)
    return "\n".join(out) + "\n"


def wrap_cells(table: list[list[str]], widths: list) -> list[list[str]]:
    """Each line of a cell wrapped on its own (a cell's own line breaks are kept), never at a hyphen
    (`grid.textwrap_lines`, textwrap's lines)."""
    return [[c if w is None else "\n".join(x for part in c.split("\n") for x in (textwrap_lines(part, w) or [""]))
             for c, w in zip(row, widths)] for row in table]


def _cell(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", "<br>")


def render_markdown(v: Verification) -> str:
    from tabulate import tabulate  # Markdown only: the terminal grid is drawn without it (render/grid.py)

    e = v.verified.evidence
    out = [f"# Kết quả thẩm định công tác dân vận chính quyền — {e['ward']} ({period_label(e['period'], 'bare')})", ""]
    for line in header_lines(v.verified) + review_lines(v):
        out.append(f"> {line}" if line.startswith("⚠") else f"- {line}")
    out.append("")
    table = [[_cell(c) for c in row] for row in rows(v)]
    out.append(tabulate(table, headers=HEADERS, tablefmt="github", disable_numparse=True,
                        colalign=("left", "left", "right", "right", "right", "right", "left")))
    out += ["", "## Kết luận thẩm định", ""]
    lines = finding_lines(v)
    if not lines:
        out.append("Không có kết luận nào: công nhận kết quả tự chấm.")
    for i in range(0, len(lines), 2):
        out.append(f"- {_cell(lines[i])}  \n  {lines[i + 1].strip()}")
    out += ["", "## Tổng hợp", ""]
    out += [f"- {ln.strip()}" for ln in total_lines(v) + _trailer(v)]
    return "\n".join(out) + "\n"


def render_json(v: Verification) -> str:
    return dumps(sealed(v.to_json_dict())) + "\n"


def render(v: Verification, fmt: str, **options) -> str:
    return report(v, fmt, VERIFICATION, **options)


def render_html(v: Verification) -> str:
    """The verification record as the verifying unit issues and signs it: its national header, the
    record's title, self vs verified per item with the reasons, the findings, both totals and grades."""
    from ..render.html import e, national_header, page, signatures, status_label

    r, h = v.verified, v.review.head
    ev, p = r.evidence, r.pack
    period = period_label(ev["period"], "long")
    where = ", ".join(x for x in (ev["ward"], ev["district"], ev["province"]) if x)
    parts = ['<section class="ward verification">',
             national_header(h.reviewer.unit, None, ev["district"] or ev["province"], h.reviewed_on),
             f"<h1>Biên bản thẩm định kết quả tự chấm điểm công tác dân vận chính quyền {e(period)}</h1>",
             f'<p class="sub"><b>{e(where)}</b></p>',
             f'<p class="meta">Căn cứ {e(p["legal_basis"])}</p>',
             f'<p class="meta">Bộ tiêu chí: {e(p["title"])} — phiên bản {e(p["version"])}, trạng thái: '
             f'{e(status_label(p["status"]))}</p>']
    parts += [f'<p class="banner">{e(line.lstrip("⚠ "))}</p>' for line in header_lines(r) if line.startswith("⚠")]
    s = v.self_result
    cells = [("Tổng điểm tự chấm", f"{fmt_number(s.total)}/{fmt_number(s.max_total)}"),
             ("Tổng điểm thẩm định", f"{fmt_number(r.total)}/{fmt_number(r.max_total)}"),
             ("Chênh lệch", signed(r.total - s.total) or "không đổi"),
             ("Xếp loại tự chấm", s.grade.label), ("Xếp loại thẩm định", r.grade.label),
             ("Số kết luận", str(len(v.findings)))]
    parts.append('<dl class="summary">' + "".join(f"<div><dt>{e(k)}</dt><dd>{e(x)}</dd></div>" for k, x in cells)
                 + "</dl>")
    num = ' class="num"'
    head = "".join(f"<th{num if 2 <= i <= 5 else ''}>{e(t)}</th>" for i, t in enumerate(HEADERS))
    body = []
    for row in rows(v):
        crit = not row[0] or row[1].isupper()
        cells_html = "".join(
            f'<td class="num{" lost" if i == 5 and c.startswith("−") else ""}">{e(c)}</td>' if 2 <= i <= 5
            else f"<td>{'<br>'.join(e(x) for x in c.split(chr(10)))}</td>" for i, c in enumerate(row))
        body.append(f'<tr class="{"crit" if crit else "item"}">{cells_html}</tr>')
    cols = ('<colgroup><col class="id"><col class="title"><col class="n"><col class="n"><col class="n"><col class="n">'
            '<col class="reason"></colgroup>')
    parts.append(f'<h2>Điểm từng nội dung: tự chấm và thẩm định</h2><table class="scores review">{cols}'
                 f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
    lines = finding_lines(v)
    parts.append("<h2>Kết luận thẩm định</h2>")
    if lines:
        parts.append('<ol class="findings">' + "".join(
            f"<li>{e(lines[i].split(' ', 1)[1])}<br><i>{e(lines[i + 1].strip())}</i></li>"
            for i in range(0, len(lines), 2)) + "</ol>")
    else:
        parts.append("<p>Không có kết luận nào: công nhận kết quả tự chấm.</p>")
    parts.append("<h2>Tổng hợp</h2><ul>" + "".join(f"<li>{e(x.strip())}</li>" for x in total_lines(v) + _trailer(v))
                 + "</ul>")
    reviewer = e(h.reviewer.name) if h.reviewer.name else ""
    parts.append(signatures(("NGƯỜI THẨM ĐỊNH", "(Ký, ghi rõ họ tên)" + (f"<br><br><br><br>{reviewer}" if reviewer else "")),
                            (f"TM. {e(h.reviewer.unit.upper())}" + (f"<br>{e(h.reviewer.title.upper())}"
                                                                    if h.reviewer.title else ""),
                             "(Ký tên, đóng dấu)")))
    parts.append(f"<footer>Lập bằng dvcq. Hồ sơ <span class='nowrap'>{e(ev['file'])}</span>; biên bản thẩm định "
                 f"<span class='nowrap'>{e(v.review.summary()['file'])}</span> (mã kiểm tra {e(v.review.sha256[:16])})."
                 "</footer></section>")
    return page(f"Thẩm định DVCQ — {ev['ward']} — {period}", "\n".join(parts), REVIEW_CSS)


REVIEW_CSS = """
table.review col.id { width: 7%; } table.review col.title { width: 25%; } table.review col.n { width: 8%; }
table.review col.reason { width: 36%; }
ol.findings li { margin: 1mm 0; }
@media print { table.review col.title { width: 23%; } table.review col.reason { width: 38%; } }
"""
