"""Who wrote the report (ward, district, province) and which period it is about.

Names are capitalised words after "phường/xã/thị trấn", "thị xã/thành phố/quận/huyện" and
"tỉnh". The most frequent wins, weighted up where the ward is the actor ("UBND phường X",
"Đảng ủy phường X") and skipped where it is a neighbour ("giáp phường X"). Reports misspell
their own name ("Phổ Hòa", "Phố Hòa", "Phở Hòa"): spellings that differ only in accents are one
name, and each syllable takes the spelling the report uses most often anywhere; a flag asks a
human to check.

The period is the year in the subject line ("… năm 2023", "quý I … /2023"); else the end of the
span the report covers ("từ năm 2021-2023"); else the year the results mention most — the last two
are flagged.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from .reader import Report, Sentence
from .text import strip_accents

_WORD = r"[A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ][^\s,.;:()“”\"*/\-–0-9]*"
_NAME = rf"{_WORD}(?:\s+{_WORD}){{0,3}}"
# the kind word in any case, the name in capitals (case-sensitive)
_WARD_RE = re.compile(rf"(?<![Tt]hị )(?<!THỊ )(?P<kind>(?i:phường|xã|thị trấn))\s+(?P<name>{_NAME})")
_DISTRICT_RE = re.compile(rf"(?P<kind>(?i:thị xã|thành phố|quận|huyện))\s+(?P<name>{_NAME})")
_PROVINCE_RE = re.compile(rf"(?<![\w])(?i:tỉnh)\s+(?P<name>{_NAME})")
_ACTOR_BEFORE = re.compile(r"(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân|Đảng ủy|Đảng uỷ|Đảng bộ|Chủ tịch|Công an|Mặt trận)\s*$", re.IGNORECASE)
_NEIGHBOUR_BEFORE = re.compile(r"(?:giáp|giáp với|và|với|sang|các)\s*$", re.IGNORECASE)
_STOP_FIRST = {"Đảng", "UBND", "HĐND", "Ủy", "Uỷ", "MTTQ", "Ban", "Nhân", "Tổ", "Công", "Hội"}
_KIND_ID = {"phường": "phuong", "xã": "xa", "thị trấn": "thi_tran"}
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}


@dataclass
class Named:
    value: str
    sentence: Optional[Sentence]
    kind: Optional[str] = None
    variants: list[str] = field(default_factory=list)


def _upper_word(word: str) -> bool:
    return bool(word) and word[0].isupper()


def _candidates(report: Report, rx: re.Pattern, with_kind: bool) -> list[tuple[str, str, float, Sentence]]:
    out = []
    for s in report.sentences:
        for m in rx.finditer(s.text):
            name = m.group("name").strip()
            if name.isupper() and len(name) > 3:  # a letterhead in capitals: "XÃ HÒA THÀNH"
                name = " ".join(w.capitalize() for w in name.split())
            words = name.split()
            # a capitalised kind word starts a sentence ("Phường X có …"); a lower-case one must be lower
            kind_text = m.group("kind") if with_kind else ""
            if with_kind and kind_text[0].isupper() and m.start() > 0 and s.text[m.start() - 1] not in " (\"“":
                continue
            if not words or words[0] in _STOP_FIRST or not all(_upper_word(w) for w in words):
                continue
            before = s.text[max(0, m.start() - 20):m.start()]
            if _NEIGHBOUR_BEFORE.search(before):
                continue
            weight = 3.0 if _ACTOR_BEFORE.search(before) else 1.0
            out.append((kind_text.lower(), name, weight, s))
    return out


def _merge_prefixes(scores: dict[str, float]) -> dict[str, float]:
    """'Quảng Ngãi Ban' (a name run into the next capitalised word) counts for 'Quảng Ngãi'."""
    names = sorted(scores, key=lambda n: len(n.split()))
    out = dict(scores)
    for longer in names:
        for shorter in names:
            if shorter != longer and longer.startswith(shorter + " ") and shorter in out and longer in out:
                out[shorter] += out.pop(longer)
                break
    return out


def _pick(report: Report, cands: list[tuple[str, str, float, Sentence]]) -> Optional[Named]:
    if not cands:
        return None
    groups: dict[str, list[tuple[str, str, float, Sentence]]] = {}
    for c in cands:
        groups.setdefault(strip_accents(c[1]), []).append(c)
    scores = _merge_prefixes({key: sum(c[2] for c in group) for key, group in groups.items()})
    for key in list(groups):
        if key not in scores:  # merged into a shorter name
            short = next(k for k in scores if key.startswith(k + " "))
            groups[short].extend(groups.pop(key))
    best_key = sorted(scores, key=lambda k: (-scores[k], k))[0]
    group = groups[best_key]
    n_words = len(best_key.split())
    spellings = Counter()
    for c in group:
        spellings[" ".join(c[1].split()[:n_words])] += c[2]
    # each syllable: the spelling used most (in this name, then anywhere in the report)
    text_words = Counter(re.findall(r"[^\W\d_]+", report.text))
    chosen = []
    for i in range(n_words):
        options = Counter()
        for sp, w in spellings.items():
            options[sp.split()[i]] += w
        chosen.append(sorted(options, key=lambda o: (-options[o], -text_words[o], o))[0])
    value = " ".join(chosen)
    kinds = Counter(c[0] for c in group if c[0])
    first = next((c[3] for c in group if " ".join(c[1].split()[:n_words]) == value), group[0][3])
    return Named(value, first, kinds.most_common(1)[0][0] if kinds else None, sorted(spellings))


def _titled(kind: str, name: str) -> str:
    return f"{kind[0].upper()}{kind[1:]} {name}" if kind else name


@dataclass
class Identity:
    name: Optional[Named]
    district: Optional[Named]
    province: Optional[Named]

    def ward_name(self) -> Optional[str]:
        return _titled(self.name.kind or "phường", self.name.value) if self.name else None

    def ward_kind(self) -> str:
        return _KIND_ID.get((self.name.kind or "phường") if self.name else "phường", "phuong")

    def district_name(self) -> Optional[str]:
        return _titled(self.district.kind or "", self.district.value) if self.district else None


def find_identity(report: Report) -> Identity:
    name = _pick(report, _candidates(report, _WARD_RE, True))
    district = _pick(report, [c for c in _candidates(report, _DISTRICT_RE, True)])
    province = _pick(report, [("", n, w, s) for _, n, w, s in _candidates(report, _PROVINCE_RE, False)])
    if district and province and strip_accents(district.value) == strip_accents(province.value) and district.kind != "thành phố":
        district = None
    return Identity(name, district, province)


@dataclass
class Period:
    year: Optional[int]
    quarter: Optional[int]
    how: str          # "title", "span", "frequency", "none"


_TITLE_YEAR = re.compile(r"năm\s+(20\d\d)|quý\s+[IV]+\s*/\s*(20\d\d)|/(20\d\d)\b", re.IGNORECASE)
_QUARTER = re.compile(r"quý\s+(IV|I{1,3}|[1-4])\b", re.IGNORECASE)
_SPAN = re.compile(r"từ\s+năm\s+(20\d\d)\s*(?:-|–|đến(?:\s+năm)?)\s*(20\d\d)", re.IGNORECASE)


def find_period(report: Report) -> Period:
    title = re.sub(r"ngày\s*\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}|\d{1,2}/\d{1,2}/\d{4}", " ", report.title)
    quarter = None
    qm = _QUARTER.search(title)
    if qm:
        q = qm.group(1).upper()
        quarter = _ROMAN.get(q) or int(q)
    m = _TITLE_YEAR.search(title)
    if m:
        return Period(int(next(g for g in m.groups() if g)), quarter, "title")
    results = [s for s in report.sentences if not s.future]
    spans = [int(b) for s in results for _, b in _SPAN.findall(s.text)]
    if spans:
        return Period(max(spans), quarter, "span")
    counts = Counter()
    for s in results:
        for mm in re.finditer(r"năm\s+(20\d\d)", s.text, re.IGNORECASE):
            if not re.search(r"tháng\s*\d{1,2}\s*$", s.text[max(0, mm.start() - 12):mm.start()]):
                counts[int(mm.group(1))] += 1
    if counts:
        year = sorted(counts, key=lambda y: (-counts[y], -y))[0]
        return Period(year, quarter, "frequency")
    return Period(None, quarter, "none")
