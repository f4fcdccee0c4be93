"""The district's ranking of its wards as one printable HTML page, optionally followed by each
ward's own report on its own A4 page.

Takes plain rows rather than batch objects so `dvcq batch` (and anything else that ranks wards)
can call it without this module knowing how the ranking was computed. A row is a dict:

    rank            int
    ward            str
    district        str | None
    self_total      Decimal | int            the self-assessed total
    verified_total  Decimal | int | None     the district's verified total, when there is one
    grade           str                      the grade label (of the verified total when verified)
    moved           list of item ids, or of {"id", "self", "verified"} — items verification changed

`grade_counts` maps each grade label to its number of wards, best grade first (the pack's order);
that order also fixes each grade's colour in the charts.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable, Mapping, Optional, Sequence, Union

from ..pack import fmt_number
from . import charts
from .html import e, page, report_section

REQUIRED = ("rank", "ward", "self_total", "grade")

CSS_EXTRA = """
section.ranking ~ section.ward { break-before: page; }
table.ranking { width: 100%; border-collapse: collapse; font-size: 11pt; }
table.ranking th, table.ranking td { border: 1px solid #607d8b; padding: 1mm 1.5mm; vertical-align: top; }
table.ranking thead th { background: #dde7ee; }
table.ranking td.num { text-align: center; white-space: nowrap; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.3em; vertical-align: baseline; }
"""


def grade_list(grade_counts: Union[Mapping[str, int], Iterable[tuple[str, int]]]) -> list[tuple[str, int]]:
    items = list(grade_counts.items()) if isinstance(grade_counts, Mapping) else [tuple(x) for x in grade_counts]
    return [(str(k), int(v)) for k, v in items]


def check_rows(rows: Sequence[dict]) -> None:
    """A missing key is a caller's bug: fail loudly rather than print an incomplete ranking."""
    for i, row in enumerate(rows):
        missing = [k for k in REQUIRED if k not in row]
        if missing:
            raise ValueError(f"dòng xếp hạng {i} thiếu khóa {missing}")


def final_total(row: dict) -> Decimal:
    v = row.get("verified_total")
    return Decimal(v if v is not None else row["self_total"])


def moved_text(row: dict) -> str:
    out = []
    for m in row.get("moved") or []:
        if isinstance(m, Mapping):
            out.append(f"{m['id']}: {fmt_number(Decimal(m['self']))} → {fmt_number(Decimal(m['verified']))}"
                       if "self" in m and "verified" in m else str(m["id"]))
        else:
            out.append(str(m))
    return "; ".join(out)


def colours(counts: list[tuple[str, int]]) -> dict[str, str]:
    return {label: charts.GRADE_COLOURS[min(i, len(charts.GRADE_COLOURS) - 1)] for i, (label, _) in enumerate(counts)}


def totals_chart(rows: Sequence[dict], counts: list[tuple[str, int]], max_total: Optional[Decimal]) -> str:
    palette = colours(counts)
    verified = any(r.get("verified_total") is not None for r in rows)
    crows = []
    for r in sorted(rows, key=lambda r: r["rank"]):
        total = final_total(r)
        marker = Decimal(r["self_total"]) if r.get("verified_total") is not None else None
        crows.append(charts.Row(
            label=f"{r['rank']}. {r['ward']}",
            segments=[charts.Segment(total, palette.get(r["grade"], charts.NEUTRAL), r["grade"])],
            text=fmt_number(total), marker=marker, marker_name="điểm tự chấm",
            tooltip=f"{r['rank']}. {r['ward']}: {fmt_number(total)} điểm — {r['grade']}"))
    scale = max_total or max([final_total(r) for r in rows] + [Decimal(r["self_total"]) for r in rows] + [Decimal(1)])
    legend = [(palette[label], label) for label, _ in counts]
    if verified:
        legend.append((charts.INK, "- - điểm tự chấm"))
    title = "Tổng điểm " + ("sau thẩm định " if verified else "") + "theo đơn vị"
    return charts.svg(charts.Chart(title, crows, Decimal(scale), legend=legend, label_chars=32))


def counts_chart(counts: list[tuple[str, int]]) -> str:
    palette = colours(counts)
    crows = [charts.Row(label=label, segments=[charts.Segment(Decimal(n), palette[label], "số đơn vị")], text=str(n))
             for label, n in counts]
    scale = max([Decimal(n) for _, n in counts] + [Decimal(1)])
    return charts.svg(charts.Chart("Số đơn vị theo xếp loại", crows, scale, label_chars=32))


def ranking_table(rows: Sequence[dict], counts: list[tuple[str, int]]) -> str:
    palette = colours(counts)
    head = ("<thead><tr><th>Hạng</th><th>Phường, xã, thị trấn</th><th>Huyện, thị xã, thành phố</th>"
            "<th>Điểm tự chấm</th><th>Điểm thẩm định</th><th>Chênh lệch</th><th>Xếp loại</th>"
            "<th>Nội dung được điều chỉnh</th></tr></thead>")
    body = []
    for r in sorted(rows, key=lambda r: r["rank"]):
        v = r.get("verified_total")
        diff = Decimal(v) - Decimal(r["self_total"]) if v is not None else None
        sw = f'<span class="swatch" style="background:{palette.get(r["grade"], charts.NEUTRAL)}"></span>'
        body.append(f'<tr><td class="num">{e(r["rank"])}</td><td class="ward">{e(r["ward"])}</td>'
                    f'<td>{e(r.get("district"))}</td><td class="num">{fmt_number(Decimal(r["self_total"]))}</td>'
                    f'<td class="num">{fmt_number(Decimal(v)) if v is not None else ""}</td>'
                    f'<td class="num">{("+" if diff > 0 else "") + fmt_number(diff) if diff is not None else ""}</td>'
                    f"<td>{sw}{e(r['grade'])}</td><td>{e(moved_text(r))}</td></tr>")
    return f'<table class="ranking">{head}<tbody>{"".join(body)}</tbody></table>'


def render_ranking(rows: Sequence[dict], grade_counts, *, title: str = "Xếp hạng công tác dân vận chính quyền cấp xã",
                   subtitle: Optional[str] = None, max_total: Optional[Decimal] = None, reports: Sequence = ()) -> str:
    """The ranking page; `reports` (scoring Results) are appended one ward per printed page."""
    check_rows(rows)
    counts = grade_list(grade_counts)
    n = len(rows)
    parts = ['<section class="ranking">', f"<h1>{e(title)}</h1>"]
    if subtitle:
        parts.append(f'<p class="meta">{e(subtitle)}</p>')
    summary = [("Số đơn vị", str(n))] + [(label, str(c)) for label, c in counts]
    parts.append('<dl class="summary">' + "".join(f"<div><dt>{e(k)}</dt><dd>{e(v)}</dd></div>" for k, v in summary)
                 + "</dl>")
    parts.append(f"<figure>{totals_chart(rows, counts, max_total)}</figure>")
    parts.append(f"<figure>{counts_chart(counts)}</figure>")
    parts.append(f"<h2>Bảng xếp hạng</h2>{ranking_table(rows, counts)}")
    parts.append("</section>")
    for result in reports:
        parts.append(report_section(result))
    return page(title, "\n".join(parts), CSS_EXTRA)
