"""Documents a report cites: number, date, issuer, title; and which vocabulary document each is.

A citation is a kind word ("Kế hoạch", "Quyết định", …), optionally "số", and a number with its
code ("15/KH-UBND", "24/KH –UBND", "48- KH/TU", "04/2015/NĐ-CP"), usually followed by "ngày"
and a date ("23/3/2023", "17 tháng 02 năm 2023"), "của <issuer>" and "về <title>". The number is
kept as printed, only with its spaces removed and the dash made plain ("24/KH-UBND").

The issuer is the "của …" after the date, else the actor that "ban hành" it earlier in the
sentence ("UBND phường ban hành Kế hoạch số …", "Đảng ủy ban hành …"). Only the ward's own
documents (UBND phường) can be the pack's documents; which one is decided by the pack's document
rules (rules/<province>/_extract/<pack>.cues.yaml, read by `cues.py`) on the kind and title ("Kế hoạch …
công tác dân vận chính quyền năm 2023" → plan.dvcq_annual). A plan of the same kind for another year, or a document of the district or province, stays in
`other_documents`.

Some reports say a document exists without citing it ("UBND phường ban hành quyết định cử đồng
chí Phó Chủ tịch … phụ trách công tác dân vận chính quyền"): the pack's `uncited` templates find those; they enter the
draft without number or date, marked for review. The report itself ("BÁO CÁO … công tác dân vận
chính quyền năm 2023", "KẾ HOẠCH …") is one of the pack's documents too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Optional

from .numbers import find_dates
from .patterns import compile_cue
from .reader import Report, Sentence
from .text import fold

if TYPE_CHECKING:
    from .cues import CueSet

KIND_WORDS = {
    "kế hoạch": "KH", "quyết định": "QĐ", "công văn": "CV", "báo cáo": "BC", "nghị quyết": "NQ",
    "chỉ thị": "CT", "kết luận": "KL", "quy chế": "QC", "quy định": "QĐ", "thông tư": "TT",
    "nghị định": "NĐ", "pháp lệnh": "PL", "thông báo": "TB", "chương trình": "CTr", "đề án": "ĐA",
    "hướng dẫn": "HD", "tờ trình": "TTr", "văn bản": "CV", "luật": "L",
}
KIND_CODES = {"KH": "KH", "QĐ": "QĐ", "QD": "QĐ", "CV": "CV", "BC": "BC", "NQ": "NQ", "CT": "CT", "KL": "KL",
              "QC": "QC", "TT": "TT", "NĐ": "NĐ", "ND": "NĐ", "PL": "PL", "TB": "TB", "CTR": "CTr", "ĐA": "ĐA",
              "HD": "HD", "TTR": "TTr"}
_KIND_LABEL = {"KH": "Kế hoạch", "QĐ": "Quyết định", "CV": "Công văn", "BC": "Báo cáo", "NQ": "Nghị quyết",
               "CT": "Chỉ thị", "KL": "Kết luận", "QC": "Quy chế", "TT": "Thông tư", "NĐ": "Nghị định",
               "PL": "Pháp lệnh", "TB": "Thông báo", "CTr": "Chương trình", "ĐA": "Đề án", "HD": "Hướng dẫn",
               "TTr": "Tờ trình", "L": "Luật"}

_CITATION_RE = re.compile(
    r"(?P<kw>" + "|".join(sorted(KIND_WORDS, key=len, reverse=True)) + r")"
    r"(?:\s+(?:phối hợp|liên tịch))?\s*(?:số\s*:?\s*)?"
    r"(?P<num>\d{1,5}(?:\s*[/\-–]\s*[^\W_]+)+)",
    re.IGNORECASE)
_ACTOR_RE = re.compile(
    r"(?P<a>(?:Chủ tịch\s+)?(?:UBND|Ủy ban nhân dân)\s+(?:phường|xã|thị trấn)(?:\s+[A-ZĐÀ-Ỹ][^\s,;.()]*){0,3}"
    r"|Đảng ủy(?:\s+phường)?|Khối Dân vận(?:\s+phường)?|Ban Dân vận(?:\s+Đảng ủy)?|Ban Thường trực Ủy ban MTTQ(?:\s+Việt Nam)?"
    r"|(?:Ủy ban\s+)?Mặt trận(?:\s+Tổ quốc)?(?:\s+phường)?|HĐND phường|Ban Chỉ đạo)"
    r"\s+(?:đã\s+|tiếp tục\s+|đồng thời\s+)?(?:ban hành|xây dựng|phân công|cử|ký|thông qua)",
    re.IGNORECASE)
_WARD_ISSUER = re.compile(r"^(?:Chủ tịch\s+)?(?:UBND|Ủy ban nhân dân)\s+(?:phường|xã|thị trấn)\b", re.IGNORECASE)
_YEAR_IN_TITLE = re.compile(r"năm\s+(20\d\d)", re.IGNORECASE)


@dataclass(frozen=True)
class DocRule:
    """How a title shows that a ward's document is one of the pack's documents."""

    id: str
    kinds: tuple[str, ...]
    all: tuple[str, ...]              # every one must match (title, or the sentence with use_context)
    none: tuple[str, ...] = ()        # none may match
    year_in_title: bool = True        # the title names the period's year ("… năm 2023")
    use_context: bool = False


@dataclass
class Citation:
    number: str
    kind: str
    kind_word: str
    issued_on: Optional[date]
    issuer: Optional[str]
    issuer_kind: str                 # "ward", "other", "unknown"
    title: str
    sentence: Sentence
    start: int
    end: int


@dataclass
class FoundDocument:
    id: str
    number: Optional[str]
    issued_on: Optional[date]
    issuer: Optional[str]
    title: str
    source: str
    confidence: float
    notes: list[str] = field(default_factory=list)
    review: bool = False


def normalise_number(raw: str) -> str:
    return re.sub(r"\s+", "", raw.replace("–", "-").replace("—", "-"))


def _kind_of(number: str, kind_word: str) -> str:
    for seg in re.split(r"[/\-]", number)[1:]:
        if seg.isdigit():
            continue
        code = KIND_CODES.get(seg.upper())
        if code:
            return code
        break
    return KIND_WORDS.get(kind_word.lower(), "CV")


def _clip(text: str, limit: int = 200) -> str:
    text = text.strip(" ,;:.-–*“”\"()")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def parse_citations(s: Sentence) -> list[Citation]:
    text = s.text
    matches = [m for m in _CITATION_RE.finditer(text) if re.search(r"[^\W\d_]", m.group("num").split("/", 1)[-1])]
    out = []
    for i, m in enumerate(matches):
        number = normalise_number(m.group("num"))
        if not re.search(r"[^\W\d_]", number):
            continue
        stop = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        rest = text[m.end():stop]
        pos = 0
        issued_on = None
        for d in find_dates(rest[:70]):
            lead = rest[:d.start]
            if re.fullmatch(r"\s*,?\s*(?:được\s+)?(?:ban hành\s+)?(?:ngày\s*)?", lead, re.IGNORECASE):
                issued_on, pos = d.value, d.end
            break
        if issued_on is None:  # "Ngày 15/02/2023, UBND xã ban hành Kế hoạch số 12/KH-UBND …"
            clause_start = max(text.rfind(";", 0, m.start()), text.rfind(". ", 0, m.start())) + 1
            lead_dates = find_dates(text[clause_start:m.start()])
            if len(lead_dates) == 1 and re.match(r"\s*(?:ngày|Ngày)?\s*$", text[clause_start:clause_start + lead_dates[0].start]) \
                    and not _CITATION_RE.search(text[clause_start:m.start()]):
                issued_on = lead_dates[0].value
        after = rest[pos:]
        issuer, issuer_kind = None, "unknown"
        im = re.match(r"\s*,?\s*của\s+(?P<iss>[^,;()“”\"]+?)(?=\s+(?:về|ban hành|quy định|hướng dẫn|triển khai|thông qua|tiếp tục|tại|khóa|nhiệm kỳ|và|sửa đổi)\b|\s*[,;()“”\".]|$)",
                      after, re.IGNORECASE)
        if im:
            issuer = _clip(im.group("iss"), 90)
            issuer_kind = "ward" if _WARD_ISSUER.match(issuer) else "other"
            after = after[im.end():]
        else:
            actors = list(_ACTOR_RE.finditer(text, 0, m.start()))
            if actors:
                a = actors[-1].group("a")
                issuer = _clip(a, 90)
                issuer_kind = "ward" if _WARD_ISSUER.match(a) else "other"
        tm = re.match(r"\s*,?\s*(?:về việc|về|v/v)\s+", after, re.IGNORECASE)
        body = after[tm.end():] if tm else ("" if re.match(r"\s*,", after) else after)
        body = re.split(r";|\s\(|\)|, đồng thời|\. ", body, maxsplit=1)[0]
        if not tm and not re.match(r"\s*,?\s*[^\W\d_]", body):
            body = ""
        if not body.strip() and text[:m.start()].rstrip().endswith("("):
            # "Kế hoạch cải cách hành chính năm 2023 … (Kế hoạch số 05/KH-UBND ngày …)": the title comes first
            clause_start = max(text.rfind(";", 0, m.start()), text.rfind(". ", 0, m.start())) + 1
            body = re.sub(r"^\s*(?:UBND|Ủy ban nhân dân|Chủ tịch UBND)\s+(?:phường|xã|thị trấn)\s+(?:đã\s+)?", "",
                          text[clause_start:m.start()].rstrip(" ("), flags=re.IGNORECASE)
        out.append(Citation(number, _kind_of(number, m.group("kw")), m.group("kw"), issued_on, issuer, issuer_kind,
                            _clip(body), s, m.start(), m.end()))
    return out


def _title_years(title: str) -> list[int]:
    return [int(y) for y in _YEAR_IN_TITLE.findall(title)]


def match_rule(kind: str, title: str, context: str, known: set[str], rules: tuple[DocRule, ...]) -> Optional[DocRule]:
    for rule in rules:
        if rule.id not in known or kind not in rule.kinds:
            continue
        hay = fold(context if rule.use_context else title)
        if all(re.search(p, hay, re.IGNORECASE) for p in rule.all) and not any(
                re.search(p, hay, re.IGNORECASE) for p in rule.none):
            return rule
    return None


def in_period(d: date, year: int, kind: str) -> bool:
    """Issued in the period's year, or (a plan) in December of the year before."""
    return d.year == year or (kind in ("KH", "QĐ") and d.year == year - 1 and d.month == 12)


@dataclass
class DocumentResult:
    found: dict[str, FoundDocument]
    others: list[dict]
    flags: list[dict]


def find_documents(report: Report, known: dict, year: int, ward_issuer: str, cues: "CueSet") -> DocumentResult:
    """The pack's documents the report cites or mentions, and every other citation."""
    found: dict[str, FoundDocument] = {}
    others: list[dict] = []
    flags: list[dict] = []
    seen_numbers: set[str] = set()
    known_ids = set(known)
    headings = {i for i, p in enumerate(report.paragraphs) if p.heading}

    # 1. the report itself ("BÁO CÁO … công tác dân vận chính quyền năm 2023")
    if report.kind_word and report.title:
        kind = "KH" if report.kind == "plan" else "BC"
        rule = match_rule(kind, report.title, report.title, known_ids, cues.doc_rules)
        years = _title_years(report.title)
        if rule and (not years or years[0] == year):
            number = None
            for line in report.header:
                hm = re.match(r"Số\s*:?\s*(?P<num>\d+\s*[/\-–]\s*\S+)", line)
                if hm:
                    number = normalise_number(hm.group("num"))
            label = "Kế hoạch" if kind == "KH" else "Báo cáo"
            found[rule.id] = FoundDocument(
                rule.id, number, None, ward_issuer, f"{label} {report.title[0].lower() + report.title[1:]}",
                report.title, 0.6,
                ["chính văn bản đang trích" + ("" if number else "; số, ngày ban hành để trống hoặc không nêu")
                 + ("; ngày gửi (sent_on) cần bổ sung" if kind == "BC" else "")], True)

    # 2. citations with a number
    for s in report.sentences:
        for c in parse_citations(s):
            rule = None
            if c.issuer_kind in ("ward", "unknown") and not (c.issuer_kind == "unknown" and "UBND" not in c.number.upper()):
                rule = match_rule(c.kind, c.title, s.text, known_ids, cues.doc_rules)
            note = None
            if rule is not None and rule.year_in_title:
                years = _title_years(c.title)
                if years and year not in years:
                    note = f"cùng loại {rule.id} nhưng của năm {years[0]}"
                    rule = None
                elif not years and not (c.issued_on and in_period(c.issued_on, year, c.kind)):
                    note = f"có thể là {rule.id}, nhưng trích yếu không nêu năm {year}"
                    rule = None
            if rule is not None and rule.id in found and found[rule.id].number:
                note = f"trùng loại với {rule.id} đã lấy ({found[rule.id].number})"
                flags.append({"id": rule.id, "sentence": s.text,
                              "problem": f"báo cáo nêu thêm văn bản cùng loại: {c.number}"})
                rule = None
            if rule is None:
                if c.number not in seen_numbers:
                    seen_numbers.add(c.number)
                    other = {"number": c.number, "kind": c.kind}
                    if c.issued_on:
                        other["issued_on"] = c.issued_on
                    if c.issuer:
                        other["issuer"] = c.issuer
                    if c.title:
                        other["title"] = c.title
                    if note:
                        other["note"] = note
                    other["source"] = s.text
                    others.append(other)
                continue
            seen_numbers.add(c.number)
            title = c.title
            notes: list[str] = []
            if not title:
                lead = s.text[:c.start].rstrip(" (")
                verbs = list(re.finditer(r"\b(?:phân công|cử|ban hành|xây dựng)\b", lead, re.IGNORECASE))
                title = _clip(lead[verbs[-1].start():] if verbs else lead)
                notes.append("trích yếu lấy theo câu dẫn trong báo cáo")
            label = _KIND_LABEL.get(c.kind, c.kind_word)
            full_title = title if title.lower().startswith(label.lower()) else f"{label} {title}".strip()
            confidence = 0.9 if c.issuer_kind == "ward" else 0.7
            review = c.issuer_kind != "ward"
            if c.issuer_kind != "ward":
                notes.append("không rõ cơ quan ban hành: kiểm tra có đúng văn bản của UBND phường")
            if c.issued_on is None:
                notes.append("báo cáo không nêu ngày ban hành")
                review = True
            elif (not in_period(c.issued_on, year, c.kind) if rule.year_in_title else c.issued_on.year > year):
                review = True
                notes.append(f"ngày ban hành {c.issued_on:%d/%m/%Y} ngoài kỳ năm {year}")
                flags.append({"id": rule.id, "sentence": s.text,
                              "problem": f"văn bản {c.number} ban hành ngày {c.issued_on:%d/%m/%Y}, ngoài kỳ năm {year}"})
            found[rule.id] = FoundDocument(rule.id, c.number, c.issued_on,
                                           ward_issuer if c.issuer_kind == "ward" else c.issuer,
                                           full_title, s.text, confidence, notes, review)

    # 3. mentions without a number
    for did, template in cues.uncited:
        if did not in known_ids or did in found:
            continue
        rx = compile_cue(template)
        for s in report.sentences:
            if s.paragraph in headings or (s.future and report.kind != "plan"):
                continue
            if report.kind == "plan" and did != cues.plan_document:
                continue
            folded = fold(s.text)
            m = rx.search(folded)
            if not m:
                continue
            years = [int(y) for y in _YEAR_IN_TITLE.findall(folded)]
            if years and year not in years:
                continue
            mention = s.text[m.start():]
            kw = re.search(r"kế hoạch|quyết định|chương trình|quy chế", mention, re.IGNORECASE)
            title = _clip(mention[kw.start():] if kw else mention, 160)
            found[did] = FoundDocument(
                did, None, None, ward_issuer, title[0].upper() + title[1:], s.text, 0.5,
                ["báo cáo nêu có văn bản nhưng không ghi số, ngày ban hành"], True)
            break
    return DocumentResult(found, others, flags)
