"""The district's ranking of its wards as one printable HTML page, optionally followed by each
ward's own report on its own A4 page.

Takes plain rows rather than batch objects so `dvcq batch` (and anything else that ranks wards)
can call it without this module knowing how the ranking was computed. A row is a dict:

    rank            int, or None for a unit listed but not ranked (printed "—", after the ranked)
    ward            str
    district        str | None
    self_total      Decimal | int            the self-assessed total
    verified_total  Decimal | int | None     the district's verified total, when there is one
    grade           str                      the grade label (of the verified total when verified)
    moved           list of item ids, or of {"id", "self", "verified"} — items verification changed
    note            str (optional)           why the unit is unranked, moved by a quota, provisional

`grade_counts` maps each grade label to its number of wards, best grade first (the pack's order);
that order also fixes each grade's colour in the charts.

A page may hold several rankings (a folder mixing years or provinces): each is a `Ranking` and
prints from a new page; the failures and the ward reports follow them.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Mapping, Optional, Sequence, Union

from ..pack import fmt_number
from . import charts
from ..units import COMMUNE_WORDS, UnitWords
from .html import e, page, report_section

REQUIRED = ("rank", "ward", "self_total", "grade")
TITLE = COMMUNE_WORDS.ranking_title
UNRANKED = "—"

CSS_EXTRA = """
section.ranking ~ section.ward { break-before: page; }
section.ranking + section.ranking { break-before: page; }
section.closing { break-inside: avoid; }
table.ranking { width: 100%; border-collapse: collapse; font-size: 11pt; }
table.ranking td.ward { width: 44mm; } table.ranking td.district { width: 30mm; }
table.ranking td:first-child { width: 9mm; }
table.ranking td.grade, table.ranking td.moved { min-width: 24mm; }
table.ranking td.note { min-width: 22mm; }
@media print { table.ranking { font-size: 9.5pt; } }
table.ranking th, table.ranking td { border: 1px solid #607d8b; padding: 1mm 1.5mm; vertical-align: top; }
table.ranking thead th { background: #dde7ee; }
table.ranking td.num { text-align: center; white-space: nowrap; }
table.ranking tr.unranked td { color: var(--muted); }
ul.notes li, ul.failed li { margin: 0.5mm 0; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.3em; vertical-align: baseline; }
"""


@dataclass
class Ranking:
    """One ranking of a page or workbook: its rows, counts and the texts printed around them."""

    rows: Sequence[dict]
    grade_counts: object                    # {label: n} or [(label, n)], best grade first
    title: str = TITLE
    subtitle: Optional[str] = None
    max_total: Optional[Decimal] = None
    banners: Sequence[str] = ()             # warnings printed boxed under the title (a draft pack)
    notes: Sequence[str] = ()               # printed under the table (a quota's moves)
    label: str = ""                         # a short name (the period), for sheet names
    header: str = ""                        # HTML above the title: the issuing body's national header
    closing: str = ""                       # HTML after the table and notes: the signature block
    words: UnitWords = COMMUNE_WORDS        # how the units are named (a commune's or an agency's)


@dataclass
class Report:
    """A ward's scoring `Result` for the pages after the ranking, with lines to box at its top."""

    result: object
    notes: Sequence[str] = ()


# (heading, [(file, [messages])]): records or files that could not be ranked, listed after the rankings.
Problems = tuple[str, Sequence[tuple[str, Sequence[str]]]]


def grade_list(grade_counts: Union[Mapping[str, int], Iterable[tuple[str, int]]]) -> list[tuple[str, int]]:
    items = list(grade_counts.items()) if isinstance(grade_counts, Mapping) else [tuple(x) for x in grade_counts]
    return [(str(k), int(v)) for k, v in items]


def check_rows(rows: Sequence[dict]) -> None:
    """A missing key is a caller's bug: fail loudly rather than print an incomplete ranking."""
    for i, row in enumerate(rows):
        missing = [k for k in REQUIRED if k not in row]
        if missing:
            raise ValueError(f"dòng xếp hạng {i} thiếu khóa {missing}")


def ordered(rows: Sequence[dict]) -> list[dict]:
    """Rank order, unranked units last; a stable sort keeps the caller's order within a shared rank."""
    return sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] if r["rank"] is not None else 0))


def rank_text(row: dict) -> str:
    return UNRANKED if row["rank"] is None else str(row["rank"])


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
    for r in ordered(rows):
        total = final_total(r)
        marker = Decimal(r["self_total"]) if r.get("verified_total") is not None else None
        name = f"{r['rank']}. {r['ward']}" if r["rank"] is not None else f"{UNRANKED} {r['ward']}"
        crows.append(charts.Row(
            label=name,
            segments=[charts.Segment(total, palette.get(r["grade"], charts.NEUTRAL), r["grade"])],
            text=fmt_number(total), marker=marker, marker_name="điểm tự chấm",
            tooltip=f"{name}: {fmt_number(total)} điểm — {r['grade']}"))
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


def has_district(rows: Sequence[dict]) -> bool:
    """Whether a ranking prints its district column: only when one of its rows names a district (none
    has since 1 July 2025, and a column empty on every row is noise on a signed paper)."""
    return any((r.get("district") or "").strip() for r in rows)


def ranking_table(rows: Sequence[dict], counts: list[tuple[str, int]], words: UnitWords = COMMUNE_WORDS) -> str:
    palette = colours(counts)
    notes = any(r.get("note") for r in rows)
    district = has_district(rows)
    head = (f"<thead><tr><th>Hạng</th><th>{e(words.noun)}</th>"
            + ("<th>Huyện, thị xã, thành phố</th>" if district else "") +
            "<th>Điểm tự chấm</th><th>Điểm thẩm định</th><th>Chênh lệch</th><th>Xếp loại</th>"
            "<th>Nội dung được điều chỉnh</th>" + ("<th>Ghi chú</th>" if notes else "") + "</tr></thead>")
    body = []
    for r in ordered(rows):
        v = r.get("verified_total")
        diff = Decimal(v) - Decimal(r["self_total"]) if v is not None else None
        sw = f'<span class="swatch" style="background:{palette.get(r["grade"], charts.NEUTRAL)}"></span>'
        cls = ' class="unranked"' if r["rank"] is None else ""
        body.append(f'<tr{cls}><td class="num">{e(rank_text(r))}</td><td class="ward">{e(r["ward"])}</td>'
                    + (f'<td class="district">{e(r.get("district"))}</td>' if district else "")
                    + f'<td class="num">{fmt_number(Decimal(r["self_total"]))}</td>'
                    f'<td class="num">{fmt_number(Decimal(v)) if v is not None else ""}</td>'
                    f'<td class="num">{("+" if diff > 0 else "") + fmt_number(diff) if diff is not None else ""}</td>'
                    f'<td class="grade">{sw}{e(r["grade"])}</td><td class="moved">{e(moved_text(r))}</td>'
                    + (f'<td class="note">{e(r.get("note"))}</td>' if notes else "") + "</tr>")
    return f'<table class="ranking">{head}<tbody>{"".join(body)}</tbody></table>'


def ranking_section(ranking: Ranking) -> str:
    """One ranking as a `<section>`: summary, the table and its notes, then the two charts.

    The table comes first: it is what the meeting signs off, so it should open the first page."""
    rows = ranking.rows
    check_rows(rows)
    counts = grade_list(ranking.grade_counts)
    parts = ['<section class="ranking">', ranking.header, f"<h1>{e(ranking.title)}</h1>"]
    if ranking.subtitle:
        parts.append(f'<p class="meta">{e(ranking.subtitle)}</p>')
    parts += [f'<p class="banner">{e(b)}</p>' for b in ranking.banners]
    summary = [("Số đơn vị", str(len(rows)))] + [(label, str(c)) for label, c in counts]
    parts.append('<dl class="summary">' + "".join(f"<div><dt>{e(k)}</dt><dd>{e(v)}</dd></div>" for k, v in summary)
                 + "</dl>")
    parts.append(f"<h2>Bảng xếp hạng</h2>{ranking_table(rows, counts, ranking.words)}")
    if ranking.notes:
        parts.append('<ul class="notes">' + "".join(f"<li>{e(n)}</li>" for n in ranking.notes) + "</ul>")
    parts.append(ranking.closing)
    parts.append(f"<figure>{totals_chart(rows, counts, ranking.max_total)}</figure>")
    parts.append(f"<figure>{counts_chart(counts)}</figure>")
    parts.append("</section>")
    return "\n".join(parts)


def problems_section(problems: Sequence[Problems], remarks: Sequence[str] = ()) -> str:
    parts = ['<section class="closing">']
    for heading, entries in problems:
        if not entries:
            continue
        parts.append(f"<h2>{e(heading)} ({len(entries)})</h2>")
        parts.append('<ul class="failed">' + "".join(
            f"<li><b>{e(name)}</b><ul>" + "".join(f"<li>{e(m)}</li>" for m in messages) + "</ul></li>"
            for name, messages in entries) + "</ul>")
    parts += [f'<p class="meta">{e(r)}</p>' for r in remarks]
    parts.append("</section>")
    return "\n".join(parts)


def annex(rep) -> str:
    """A ward's report after the ranking: an annex of the district's paper, so without its own
    national header, chart or signatures (the cover carries them once)."""
    result, notes = (rep.result, rep.notes) if isinstance(rep, Report) else (rep, ())
    return report_section(result, notes, chart=False, header="", signs="", by_criterion=True)


def render_rankings(rankings: Sequence[Ranking], *, title: str = TITLE, problems: Sequence[Problems] = (),
                    remarks: Sequence[str] = (), reports: Sequence = ()) -> str:
    """Every ranking, then the failures, then `reports` (`Result`s or `Report`s), one ward per printed page."""
    parts = [ranking_section(r) for r in rankings]
    if any(entries for _, entries in problems) or remarks:
        parts.append(problems_section(problems, remarks))
    for rep in reports:
        parts.append(annex(rep))
    return page(title, "\n".join(parts), CSS_EXTRA)


def render_ranking(rows: Sequence[dict], grade_counts, *, title: str = TITLE,
                   subtitle: Optional[str] = None, max_total: Optional[Decimal] = None, reports: Sequence = ()) -> str:
    """The ranking page; `reports` (scoring Results) are appended one ward per printed page."""
    return render_rankings([Ranking(rows, grade_counts, title, subtitle, max_total)], title=title, reports=reports)
