"""The batch for print and for the district's office: an HTML page and an Excel workbook.

Both show, per pack and period, the ranking table, the totals by ward and the counts per grade,
with the same warnings and notes as the table output (a draft pack, a quota's moves, why a unit
is not ranked), then the records and reviews that could not be used. The HTML page then prints
each ranked ward's own report, one per A4 page, in ranking order — the verified result when the
ward was reviewed — so the meeting has the ranking and the detail behind it in one printout.
"""
from __future__ import annotations

import unicodedata

from ..render.batch_html import TITLE, Ranking, Report
from .ranking import PROVISIONAL, BatchResult, Group, Row, period_label, vi_key
from ..vietnamese import status_label
from .render import (
    FAILED_HEADING,
    UNMATCHED_HEADING,
    draft_lines,
    group_lines,
    signed,
    total_line,
    unmatched_text,
)

MAX_DISTRICTS_NAMED = 3


def row_dict(r: Row) -> dict:
    s = r.s
    moved = ([{"id": i, "self": a, "verified": b} for i, a, b in s.moved_points] if s.moved_points
             else [f"{i} {signed(d)}" for i, d in s.moved])
    return {"rank": r.rank, "ward": s.ward, "district": s.district, "self_total": s.self_total,
            "verified_total": s.verified_total, "grade": r.grade[1], "moved": moved, "note": r.note}


def district_names(rows: list[Row]) -> list[str]:
    return sorted({unicodedata.normalize("NFC", r.s.district) for r in rows if r.s.district}, key=vi_key)


def districts(rows: list[Row]) -> str:
    names = district_names(rows)
    if len(names) > MAX_DISTRICTS_NAMED:
        return f"{len(names)} huyện, thị xã, thành phố"
    return ", ".join(names)


def sheet_label(g: Group) -> str:
    year, quarter = g.period
    return f"quý {quarter}-{year}" if quarter else str(year)


def ranking_of(g: Group) -> Ranking:
    from .. import api

    p = g.pack
    reviewed = sum(1 for r in g.rows if r.s.review)
    where = districts(g.rows)
    subtitle = (f"{where + ' — ' if where else ''}{len(g.rows)} đơn vị, {reviewed} đã thẩm định — bộ tiêu chí "
                f"{p['id']} v{p['version']} ({status_label(p['status'])}), căn cứ {p['legal_basis']}")
    max_total = api.load_pack(g.rows[0].s.pack_path).meta.max_total
    return Ranking([row_dict(r) for r in g.rows], [(label, n) for _, label, n in g.counts],
                   title=f"{TITLE} {period_label(g.period)}", subtitle=subtitle, max_total=max_total,
                   banners=draft_lines([p]), notes=group_lines(g)[1:], label=sheet_label(g))


def problems(b: BatchResult) -> list:
    return [(FAILED_HEADING, [(f.file, list(f.problems)) for f in b.failed]),
            (UNMATCHED_HEADING, [(u["file"], [unmatched_text(u)]) for u in b.unmatched_reviews])]


def report_of(r: Row) -> Report:
    """The ward's page; a grade the batch rules changed is stated on it, so the page never contradicts the ranking."""
    notes = []
    if r.quota_moved:
        why = r.note[len(PROVISIONAL) + 2:] if r.note.startswith(PROVISIONAL + "; ") else r.note
        notes.append(f"Xếp loại trong bảng xếp hạng: {r.grade[1]} — {why}.")
    return Report(r.s.result, notes)


def page_title(b: BatchResult) -> str:
    names = district_names([r for g in b.groups for r in g.rows])
    return f"{TITLE} — {names[0]}" if len(names) == 1 else TITLE


def render_html(b: BatchResult) -> str:
    """Reports are printed for ranked rows that carry their `Result` (`run_batch(results=True)`)."""
    from ..render.batch_html import render_rankings

    reports = [report_of(r) for g in b.groups for r in g.ranked if r.s.result is not None]
    return render_rankings([ranking_of(g) for g in b.groups], title=page_title(b), problems=problems(b),
                           remarks=[total_line(b)], reports=reports)


def render_xlsx(b: BatchResult) -> bytes:
    from ..render.batch_xlsx import render_rankings

    return render_rankings([ranking_of(g) for g in b.groups], title=page_title(b), problems=problems(b))
