"""Finding the vocabulary's figures in a report's sentences with the cue table.

For every sentence that states results (not a heading, not a section of next period's tasks, not
a plan), every cue of `patterns.py` is tried; each match is read into a candidate value with the
sentence as its source. A candidate is then placed in time:

- a year named before the value ("năm 2022 đạt 100%") that is not the period's: dropped, flagged;
- a span ("từ năm 2021 đến nay", "trong 3 năm qua", a report titled "Sơ kết 03 năm"): a count
  that piles up over time is dropped and flagged (it is not the period's figure); "none",
  "yes", rates and states are kept (a rate with a lower confidence);
- "hằng năm" (each year) holds for the period.

Among the candidates kept for one identifier the most confident wins (the first in the report on
a tie); a different value with the same confidence is flagged.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from ..spellings import NOT_APPLICABLE_KEY, NOT_APPLICABLE_WORDS
from ..vietnamese import FACT_KIND_LABELS, fmt_number
from .cues import CueSet
from .numbers import NUMBER, NotANumber, parse_int, parse_number
from .patterns import CHECKLIST_NOT_ARISEN, DEMOCRACY_GROUPS, Cue, compile_cue, cues_for
from .reader import Report, Sentence
from .text import fold

REVIEW_BELOW = 0.7

_YEAR_RE = re.compile(r"\bnăm\s+(20\d\d)\b", re.IGNORECASE)
_SPAN_RES = (
    re.compile(r"từ\s+năm\s+(?P<a>20\d\d)\s*(?:-|–|đến(?:\s+năm)?)\s*(?P<b>20\d\d|nay)", re.IGNORECASE),
    re.compile(r"giai đoạn\s+(?P<a>20\d\d)\s*(?:-|–)\s*(?P<b>20\d\d)", re.IGNORECASE),
    re.compile(r"(?:trong|qua)\s+(?:\d+|hai|ba|bốn|năm)\s+năm\s+(?:qua|gần đây|thực hiện)", re.IGNORECASE),
    re.compile(r"những năm qua|thời gian qua|nhiều năm", re.IGNORECASE),
)
_PER_YEAR_RE = re.compile(r"(?:hàng|hằng|mỗi)\s+năm", re.IGNORECASE)
_MULTI_YEAR_TITLE = re.compile(r"\b(?:\d+|hai|ba|bốn|năm)\s+năm\b|giai đoạn\s*20\d\d|nhiệm kỳ", re.IGNORECASE)


@dataclass
class Candidate:
    fact: str
    value: dict                      # the record's written form, without source/confidence
    sentence: Sentence
    confidence: float
    start: int
    end: int
    notes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    fraction: Optional[tuple[int, int]] = None   # the "a/b" the value was read from, if any


@dataclass
class Dropped:
    fact: str
    sentence: Sentence
    problem: str


def _int(text: str) -> int:
    return parse_int(text)


def _years_before(text: str, pos: int) -> list[tuple[int, int]]:
    out = []
    for m in _YEAR_RE.finditer(text, 0, pos):
        if re.search(r"tháng\s*\d{1,2}\s*$", text[max(0, m.start() - 12):m.start()], re.IGNORECASE):
            continue  # "ngày 17 tháng 02 năm 2023" is a date, not a period
        out.append((m.start(), int(m.group(1))))
    return out


def place_in_time(text: str, pos: int, year: int, multi_year_doc: bool) -> tuple[str, str]:
    """('in'|'out'|'span', how) for a value at `pos` in a sentence, for period `year`."""
    spans = [m for rx in _SPAN_RES for m in rx.finditer(text)]
    years = _years_before(text, pos)
    if years:
        at, y = years[-1]
        for m in spans:
            if m.start() <= at < m.end():
                a = m.groupdict().get("a")
                b = m.groupdict().get("b")
                lo = int(a) if a else year
                hi = year if (b in (None, "nay")) else int(b)
                if lo <= year <= hi:
                    return "span", m.group(0)
                return "out", m.group(0)
        if y == year:
            return "in", f"năm {y}"
        return "out", f"năm {y}"
    if spans:
        return "span", spans[0].group(0)
    if _PER_YEAR_RE.search(text):
        return "in", "hằng năm"
    if multi_year_doc:
        return "span", "báo cáo nhiều năm"
    return "in", ""


class FactFinder:
    """Applies the cue table of one vocabulary to a report."""

    def __init__(self, facts: dict, na_allowed: set[str], year: int, cues: CueSet):
        self.facts = facts
        self.na_allowed = na_allowed
        self.year = year
        self.cues = cues_for(cues.cues, facts)
        self.flow = cues.flow
        self._na_items = compile_cue(CHECKLIST_NOT_ARISEN)
        self._groups = [re.compile(g, re.IGNORECASE) for g in DEMOCRACY_GROUPS]

    # --- reading one match -------------------------------------------------------------------
    def _type(self, fid: str) -> str:
        if fid == "ward.residential_groups":
            return "count"
        return (self.facts.get(fid) or {}).get("type", "count")

    def read(self, cue: Cue, m: re.Match, folded: str) -> Optional[tuple[dict, list[str], Optional[tuple[int, int]], int]]:
        """(value, notes, fraction, position of the value) or None when the match cannot be a value."""
        g = m.groupdict()
        typ = self._type(cue.fact)
        notes: list[str] = [cue.note] if cue.note else []
        pos = m.start("n") if g.get("n") else m.start()
        try:
            if cue.reads == "count":
                if typ != "count":
                    return None
                return {"value": _int(g["n"])}, notes, None, pos
            if cue.reads == "count_period":
                if typ != "count":
                    return None
                unit = r"(?:lượt|buổi|cuộc|lần)"
                rx = re.compile(rf"năm\s+{self.year}\s*:?\s*(?:có\s+)?(?P<n>{NUMBER})\s*{unit}", re.IGNORECASE)
                b = rx.search(folded, m.start())
                if b:
                    return {"value": _int(b.group("n"))}, notes + [f"lấy số của năm {self.year} trong phần chia theo năm"], None, b.start("n")
                return {"value": _int(g["n"])}, notes, None, pos
            if cue.reads in ("frac", "frac_num", "frac_den", "checklist"):
                num, den = _int(g["num"]), _int(g["den"])
                pos = m.start("num")
                if den == 0:
                    return None
                if cue.reads == "frac_num":
                    return ({"value": num}, notes, (num, den), pos) if typ == "count" and num <= den else None
                if cue.reads == "frac_den":  # a whole: a handful to a few hundred, never "1/500" (a map scale)
                    return ({"value": den}, notes, (num, den), pos) if typ == "count" and num <= den <= 300 else None
                if cue.reads == "frac":
                    if typ != "rate":
                        return None
                    return {"num": num, "den": den}, notes, (num, den), pos
                if typ != "checklist" or num > den:
                    return None
                na = 0
                nm = self._na_items.search(folded, m.end())
                if nm:
                    na = len(re.findall(r"\d+", nm.group("items")))
                    if num + na > den:
                        na = den - num
                return {"done": num, "total": den, "not_applicable": na}, notes, (num, den), pos
            if cue.reads == "pair":
                if typ != "rate":
                    return None
                den, num = _int(g["n"]), _int(g["n2"])
                if den == 0 or num > den:
                    return None
                return {"num": num, "den": den}, notes, (num, den), pos
            if cue.reads == "pct":
                if typ != "rate":
                    return None
                value = parse_number(g["pct"])
                pos = m.start("pct")
                if g.get("q"):
                    q = g["q"].lower()
                    if q in ("trên", "hơn", "đạt trên", "đạt hơn"):
                        notes.append(f"báo cáo ghi “{g['q']} {g['pct']}%”: ghi {g['pct']}% (mức tối thiểu)")
                    elif q not in ("ước đạt",):
                        notes.append(f"báo cáo ghi “{g['q']} {g['pct']}%”: con số gần đúng")
                    else:
                        notes.append("số ước đạt")
                return {"percent": value}, notes, None, pos
            if cue.reads in ("yes", "no"):
                if typ != "yesno":
                    return None
                return {"value": cue.reads == "yes"}, notes, None, m.start()
            if cue.reads == "none":
                word = g.get("none") or ""
                arisen = bool(re.match(r"(?:không|chưa)(?: để)? phát sinh", word, re.IGNORECASE))
                if typ == "rate" or (arisen and cue.fact in self.na_allowed and typ == "count"):
                    return {NOT_APPLICABLE_KEY: True, "reason": NOT_APPLICABLE_WORDS[1]}, notes, None, m.start()
                if typ == "count":
                    if arisen:
                        notes.append("báo cáo ghi “không phát sinh”: ghi 0")
                    return {"value": 0}, notes, None, m.start()
                return None
            if cue.reads == "at_least_one":
                return ({"value": 1}, notes, None, m.start()) if typ == "count" else None
            if cue.reads == "two":
                return ({"value": 2}, notes, None, m.start()) if typ == "count" else None
            if cue.reads == "groups":
                if typ != "checklist":
                    return None
                named = sum(1 for g_rx in self._groups if g_rx.search(folded))
                if named < 3:
                    return None
                total = int((self.facts.get(cue.fact) or {}).get("total") or 4)
                return {"done": min(named, total), "total": total, "not_applicable": 0}, notes, None, m.start()
        except (NotANumber, KeyError, TypeError):
            return None
        raise ValueError(f"cách đọc '{cue.reads}' không có")  # pragma: no cover - table typo

    # --- the whole report ------------------------------------------------------------------
    def candidates(self, report: Report) -> tuple[list[Candidate], list[Dropped]]:
        kept: list[Candidate] = []
        dropped: list[Dropped] = []
        if report.kind == "plan":
            return kept, dropped
        multi_year = bool(_MULTI_YEAR_TITLE.search(report.title))
        heading_paragraphs = {i for i, p in enumerate(report.paragraphs) if p.heading}
        for s in report.sentences:
            if s.future or s.paragraph in heading_paragraphs:
                continue
            folded = fold(s.text)
            for cue, rx in self.cues:
                if cue.require and not re.search(cue.require, folded, re.IGNORECASE):
                    continue
                if cue.exclude and re.search(cue.exclude, folded, re.IGNORECASE):
                    continue
                for m in rx.finditer(folded):
                    got = self.read(cue, m, folded)
                    if got is None:
                        continue
                    value, notes, fraction, pos = got
                    confidence = cue.confidence
                    if cue.prefer and re.search(cue.prefer, folded, re.IGNORECASE):
                        confidence += 0.1
                    where, how = place_in_time(folded, pos, self.year, multi_year)
                    v = value.get("value")
                    zeroish = v is True or (v == 0 and v is not False) or value.get("not_applicable") is True
                    if where == "out":
                        dropped.append(Dropped(cue.fact, s, f"số liệu của {how}, ngoài kỳ năm {self.year}: không lấy"
                                               f" ({_show(value)})"))
                        continue
                    if where == "span" and not zeroish and cue.fact != "ward.residential_groups":
                        if cue.fact in self.flow:
                            why = (f"báo cáo nhiều năm và câu không nêu số của năm {self.year}" if how == "báo cáo nhiều năm"
                                   else f"số liệu cộng dồn nhiều năm ({how}), không riêng năm {self.year}")
                            dropped.append(Dropped(cue.fact, s, f"{why}: không lấy ({_show(value)})"))
                            continue
                        confidence -= 0.15
                        span = "báo cáo nhiều năm" if how == "báo cáo nhiều năm" else f"báo cáo nhiều năm ({how})"
                        notes = notes + [f"{span}: kiểm tra số liệu có đúng của năm {self.year}"]
                    kept.append(Candidate(cue.fact, value, s, round(min(confidence, 0.95), 2), m.start(), m.end(),
                                          notes, [], fraction))
        return kept, dropped

    @staticmethod
    def choose(cands: list[Candidate]) -> tuple[dict[str, Candidate], list[Dropped]]:
        """The best candidate per identifier, and flags where equally good ones disagree."""
        best: dict[str, Candidate] = {}
        conflicts: list[Dropped] = []
        by_fact: dict[str, list[Candidate]] = {}
        for c in cands:
            by_fact.setdefault(c.fact, []).append(c)
        for fid, group in by_fact.items():
            ordered = sorted(group, key=lambda c: (-c.confidence, c.sentence.index, c.start))
            top = ordered[0]
            for other in ordered[1:]:
                if other.confidence == top.confidence and _comparable(other.value) != _comparable(top.value):
                    top.flags.append(f"báo cáo nêu giá trị khác: {_show(other.value)}")
                    conflicts.append(Dropped(fid, other.sentence,
                                             f"giá trị khác với giá trị đã lấy ({_show(top.value)}): {_show(other.value)}"))
                    break
            best[fid] = top
        return best, conflicts


def _comparable(value: dict):
    if "percent" in value:
        return ("rate", Decimal(value["percent"]).quantize(Decimal("0.1")))
    if "num" in value:
        return ("rate", (Decimal(value["num"]) * 100 / Decimal(value["den"])).quantize(Decimal("0.1")))
    return tuple(sorted((k, v) for k, v in value.items() if k != "reason"))


def _show(value: dict) -> str:
    if "percent" in value:
        return f"{fmt_number(Decimal(value['percent']))}%"
    if "num" in value:
        return f"{value['num']}/{value['den']}"
    if "done" in value:
        return f"{value['done']}/{value['total']}" + (f" (+{value['not_applicable']} không phát sinh)"
                                                      if value.get("not_applicable") else "")
    if value.get(NOT_APPLICABLE_KEY):
        return FACT_KIND_LABELS["not_applicable"]
    v = value.get("value")
    return "có" if v is True else "không" if v is False else str(v)
