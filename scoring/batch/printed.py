"""The batch for print and for the district's office: an HTML page and an Excel workbook.

Both show, per pack and period, the ranking table, the totals by ward and the counts per grade,
with the same warnings and notes as the table output (a draft pack, a quota's moves, why a unit
is not ranked), then the records and reviews that could not be used. The HTML page then prints
each ranked ward's own report, one per A4 page, in ranking order — the verified result when the
ward was reviewed — so the meeting has the ranking and the detail behind it in one printout.
Unfinished ("tạm tính") records get a ranking of their own after it — own table, own charts, own
sheets — so their provisional points are never read as part of the ranking that is signed.
"""
from __future__ import annotations

import unicodedata
from datetime import date
from html import escape as e
from typing import Optional

from ..render.batch_html import TITLE, Ranking, Report
from .ranking import PROVISIONAL, BatchResult, Group, Row, vi_key
from ..units import COMMUNE_WORDS, UnitWords, province_committee, words_for
from ..vietnamese import period_label, status_label
from .render import (
    FAILED_HEADING,
    PROVISIONAL_HEADING,
    UNMATCHED_HEADING,
    draft_lines,
    group_lines,
    provisional_lines,
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
    return period_label(g.period, "sheet")


def issuing_unit(g: Group) -> str:
    """Who issues the ranking when not told: the district's people's committee when every ward is of
    one district, else the province's."""
    names = district_names(g.rows)
    if len(names) == 1:
        return f"UBND {names[0]}"
    province = g.rows[0].s.province if g.rows else ""
    return province_committee(province) if province else "UBND"


def issued_on(g: Group, on: Optional[date]) -> Optional[date]:
    """The date the paper bears: the one asked for, else the latest review of the batch (the data),
    else none (blanks to fill by hand) — never the day it happened to be printed."""
    if on is not None:
        return on
    dates = [r.s.review["reviewed_on"] for r in g.rows if r.s.review and r.s.review.get("reviewed_on")]
    dates = [d if isinstance(d, date) else date.fromisoformat(str(d)) for d in dates]
    return max(dates) if dates else None


def quota_line(g: Group) -> list[str]:
    """The quota as applied (the notes say it when the pack sets one); said also when there is none."""
    return [] if g.quota is not None else ["Chỉ tiêu xếp loại: bộ tiêu chí không đặt chỉ tiêu (không chuyển đơn vị nào)."]


def group_words(g: Group) -> UnitWords:
    """How a ranking names its units: by the kinds its pack assesses (a pack for departments ranks
    agencies, "cơ quan, đơn vị cấp tỉnh", not communes)."""
    from .. import api

    rows = g.rows or g.provisional
    return words_for(api.load_pack(rows[0].s.pack_path).meta.applies_to) if rows else COMMUNE_WORDS


def ranking_of(g: Group, issuer: Optional[str] = None, on: Optional[date] = None) -> Ranking:
    from .. import api
    from ..render.html import national_header, place, signatures

    p = g.pack
    reviewed = sum(1 for r in g.rows if r.s.review)
    where = districts(g.rows)
    apart = f" (và {len(g.provisional)} hồ sơ tạm tính, xếp riêng)" if g.provisional else ""
    subtitle = (f"{where + ' — ' if where else ''}{len(g.main)} đơn vị{apart}, {reviewed} đã thẩm định — bộ tiêu chí "
                f"{p['id']} v{p['version']} ({status_label(p['status'])}), căn cứ {p['legal_basis']}")
    max_total = api.load_pack(g.rows[0].s.pack_path).meta.max_total
    words = group_words(g)
    unit = issuer or issuing_unit(g)
    where = place(unit[5:] if unit.startswith("UBND ") else unit)
    province = g.rows[0].s.province if g.rows else None
    parent = province_committee(province) if province else None
    own = parent is None or unit.casefold().startswith("ubnd tỉnh") or unit.casefold() == parent.casefold()
    header = national_header(unit, None if own else parent, where, issued_on(g, on))
    closing = signatures(("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)"),
                         (f"TM. {e(unit.upper())}", "(Ký tên, đóng dấu)"))
    return Ranking([row_dict(r) for r in g.main], [(label, n) for _, label, n in g.counts],
                   title=f"{words.ranking_title} {period_label(g.period)}", subtitle=subtitle, max_total=max_total,
                   banners=draft_lines([p]), notes=group_lines(g)[1:] + quota_line(g), label=sheet_label(g),
                   header=header, closing=closing, words=words)


PROVISIONAL_TITLE = "Hồ sơ tạm tính (đang hoàn thiện), xếp riêng"


def provisional_of(g: Group) -> Optional[Ranking]:
    """The unfinished records' own ranking (None when there are none): their own table, counts and
    charts, titled and labelled as provisional; no national header or signatures — it is not the
    ranking that is signed."""
    from .. import api

    if not g.provisional:
        return None
    p = g.pack
    return Ranking([row_dict(r) for r in g.provisional], [(label, n) for _, label, n in g.provisional_counts],
                   title=f"{PROVISIONAL_TITLE} — {period_label(g.period)}",
                   subtitle=f"{len(g.provisional)} đơn vị — bộ tiêu chí {p['id']} v{p['version']}",
                   max_total=api.load_pack(g.provisional[0].s.pack_path).meta.max_total,
                   banners=[PROVISIONAL_HEADING + "."], notes=provisional_lines(g),
                   label=f"{sheet_label(g)} tạm tính", words=group_words(g))


def rankings(b: BatchResult, issuer: Optional[str] = None, on: Optional[date] = None) -> list[Ranking]:
    """Per group: the ranking to sign, then (if any) the provisional records' own ranking."""
    out = []
    for g in b.groups:
        out.append(ranking_of(g, issuer, on))
        extra = provisional_of(g)
        if extra is not None:
            out.append(extra)
    return out


def problems(b: BatchResult) -> list:
    return [(FAILED_HEADING, [(f.file, list(f.problems)) for f in b.failed]),
            (UNMATCHED_HEADING, [(u["file"], [unmatched_text(u)]) for u in b.unmatched_reviews])]


def report_of(r: Row) -> Report:
    """The ward's page; a grade the batch rules changed is stated on it, so the page never contradicts the ranking."""
    notes = []
    if r.quota_moved:
        why = r.note[len(PROVISIONAL) + 2:] if r.note.startswith(PROVISIONAL + "; ") else r.note
        notes.append(f"Xếp loại trong bảng xếp hạng: {r.grade[1]} — {why}.")
    if r.provisional:
        notes.append(f"Điểm tạm tính: {PROVISIONAL_TITLE.lower()}, hạng {r.rank} trong các hồ sơ tạm tính.")
    return Report(r.s.result, notes)


def page_title(b: BatchResult) -> str:
    names = district_names([r for g in b.groups for r in g.rows])
    kinds = {group_words(g) for g in b.groups}
    title = kinds.pop().ranking_title if len(kinds) == 1 else TITLE
    return f"{title} — {names[0]}" if len(names) == 1 else title


def render_html(b: BatchResult, issuer: Optional[str] = None, on: Optional[date] = None) -> str:
    """Reports are printed for ranked rows that carry their `Result` (`run_batch(results=True)`).

    Each ranking opens with a cover issued by `issuer` (default: the district's, or the province's,
    people's committee) and dated `on` (default: the latest review's date, else left blank)."""
    from ..render.batch_html import render_rankings

    reports = [report_of(r) for g in b.groups for r in g.ranked + g.provisional if r.s.result is not None]
    return render_rankings(rankings(b, issuer, on), title=page_title(b), problems=problems(b),
                           remarks=[total_line(b)], reports=reports)


def render_xlsx(b: BatchResult) -> bytes:
    from ..render.batch_xlsx import render_rankings

    return render_rankings(rankings(b), title=page_title(b), problems=problems(b))
