"""Units assessed by a pack: their kinds, the spellings a clerk writes, and province names.

Since 1 July 2025 communes (xã), wards (phường) and special zones (đặc khu) report to the province;
packs for provincial departments assess agencies (sở, ngành; cơ quan cấp tỉnh). A record or a pack
may write a kind in Vietnamese ("xã", "Phường", "đặc khu"): it is read into one identifier here.

Province names are compared without their prefix ("Tỉnh Quảng Ngãi", "TP Huế", "Thành phố Huế")
and after NFC. A name written without its accents ("Quang Ngai") is not guessed: it is refused with
a did-you-mean drawn from the packs and from the official 2025 list of `vietnam-provinces`, which is
imported only then (it costs ~80 ms, too much for every `dvcq score`).
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Iterable, NamedTuple, Optional

KINDS = {
    "phuong": "Phường",
    "xa": "Xã",
    "thi_tran": "Thị trấn",
    "dac_khu": "Đặc khu",
    "so_nganh": "Sở, ngành",
    "co_quan_cap_tinh": "Cơ quan cấp tỉnh",
}
COMMUNE_LEVEL = ("phuong", "xa", "thi_tran", "dac_khu")
# No district level from this day (two-tier local government): a district is never required, asked
# for or printed as an empty slot for a period that starts on or after it.
TWO_TIER_FROM = date(2025, 7, 1)

_PREFIX = re.compile(r"^(tinh|thanh pho|tp\.?)\s+", re.IGNORECASE)


def plain(text: str) -> str:
    """Lower case, without accents, 'đ' as 'd', runs of spaces, commas and dashes as one space."""
    t = unicodedata.normalize("NFD", unicodedata.normalize("NFC", str(text)).strip().casefold())
    t = "".join(c for c in t if unicodedata.category(c) != "Mn").replace("đ", "d")
    return re.sub(r"[\s,_\-]+", " ", t).strip()


def kind_id(text: str) -> str:
    """The kind identifier for what a clerk wrote ('xã' → 'xa', 'Đặc khu' → 'dac_khu'); ValueError
    naming the accepted kinds otherwise."""
    key = plain(text).replace(" ", "_")
    if key in KINDS:
        return key
    spoken = {plain(label).replace(" ", "_"): k for k, label in KINDS.items()}
    spoken.update({"so": "so_nganh", "nganh": "so_nganh", "so_ban_nganh": "so_nganh"})
    if key in spoken:
        return spoken[key]
    raise ValueError(f"loại đơn vị '{text}' không có; dùng một trong: "
                     + ", ".join(f"{k} ({label})" for k, label in KINDS.items()))


def kind_spellings() -> list[str]:
    """Every spelling `kind_id` reads, for the JSON Schema an editor checks a record with."""
    out = list(KINDS)
    for label in KINDS.values():
        out += [label, label.lower()]
    return out


def province_key(name: str) -> str:
    """How two province names are compared: NFC, case-folded, without 'Tỉnh'/'Thành phố'/'TP'."""
    t = unicodedata.normalize("NFC", str(name)).strip()
    t = re.sub(r"^(tỉnh|thành phố|tp\.?)\s+", "", t, flags=re.IGNORECASE)
    return t.casefold()


def province_phrase(name: str) -> str:
    """'tỉnh Quảng Ngãi' for a name written without a prefix; a name that has one ('Tỉnh Quảng
    Ngãi', 'TP Huế') as written — so a message never says 'tỉnh Tỉnh Quảng Ngãi'."""
    t = unicodedata.normalize("NFC", str(name)).strip()
    return t if re.match(r"^(tỉnh|thành phố|tp\.?)\s+", t, flags=re.IGNORECASE) else f"tỉnh {t}"


def official_provinces() -> list[str]:
    """The 34 provinces of the official 2025 list, without their 'Thành phố' prefix."""
    from vietnam_provinces import Province  # lazily: see the module docstring

    return [re.sub(r"^Thành phố\s+", "", p.name) for p in Province.iter_all()]


def province_hint(name: str, known: Iterable[str]) -> Optional[str]:
    """'có phải "Quảng Ngãi"?' when `name` is a known or official province written without accents
    or with a slip; None when nothing is close."""
    from difflib import get_close_matches

    candidates = list(dict.fromkeys(list(known) + official_provinces()))
    by_plain = {_PREFIX.sub("", plain(c)): c for c in candidates}
    target = _PREFIX.sub("", plain(name))
    if target in by_plain:
        return f"có phải '{by_plain[target]}'? (viết tên tỉnh đủ và đúng dấu)"
    close = get_close_matches(target, list(by_plain), n=1, cutoff=0.8)
    return f"có phải '{by_plain[close[0]]}'?" if close else None


def official_unit(code: int):
    """The unit of the official 2025 list with this code (None if there is none)."""
    from vietnam_provinces import Ward

    try:
        return Ward.from_code(code)
    except Exception:  # the library raises its own lookup errors for an unknown code
        return None


def official_kind(unit) -> str:
    """'xa' / 'phuong' / 'dac_khu' for a unit of the official list."""
    return kind_id(unit.division_type.value)


AGENCY_KINDS = ("so_nganh", "co_quan_cap_tinh")


def province_committee(province: str) -> str:
    """'UBND tỉnh Quảng Ngãi'; a name written with its prefix ('Tỉnh Ví Dụ', 'Thành phố Huế') keeps it
    rather than printing 'UBND tỉnh Tỉnh Ví Dụ'."""
    first = province.strip().split(" ", 1)[0].casefold()
    return f"UBND {province}" if first in ("tỉnh", "thành", "tp", "tp.") else f"UBND tỉnh {province}"


class UnitWords(NamedTuple):
    """How every output names the units it speaks of: one table, so that a department's paper never
    says "phường, xã" or "tổ dân phố", and a commune's keeps its wording to the byte.

    Chosen by `words_for` from a record's kind or from a pack's `applies_to`; read by the renderers
    (single record, batch, verification), `explain`, the entry workbook and the portal. A NamedTuple:
    a table of words that never changes, cheaper to define at every start than a frozen dataclass."""

    family: str          # "commune" | "agency"
    noun: str            # a column or field naming the unit: "Phường, xã, thị trấn" | "Cơ quan, đơn vị"
    level: str           # the level assessed: "cấp xã" | "cấp tỉnh"
    ranking_title: str   # the batch paper's title, the period follows it
    name_label: str      # the entry workbook's name row
    name_example: str
    head_sign: str       # who signs a self-assessment for the unit (right block; "\n" between lines)
    has_groups: bool     # the unit has residential groups (tổ dân phố, thôn) to count
    kind_label: str      # the entry workbook's kind row
    guide_name: str      # the entry workbook's guide: what the first sheet asks for first
    reviewer_example: str  # a reviewing body, as the review skeleton suggests one

    def issuer(self, name: str, district: Optional[str], province: Optional[str]) -> tuple[str, Optional[str]]:
        """(issuing body, the body above it) for the national header of the unit's own paper: a
        commune's people's committee under its district's (when it had one); an agency issues in its
        own name, under the province's people's committee."""
        if self.family == "agency":
            return name, province_committee(province) if province else None
        return f"UBND {name}", district and f"UBND {district}"

    def place(self, name: str, province: Optional[str]) -> Optional[str]:
        """Where the unit's paper is dated: the commune itself; an agency's province."""
        return (province or None) if self.family == "agency" else name


COMMUNE_WORDS = UnitWords(
    family="commune", noun="Phường, xã, thị trấn", level="cấp xã",
    ranking_title="Xếp hạng công tác dân vận chính quyền cấp xã",
    name_label="Tên phường, xã, thị trấn", name_example="Phường Phổ Văn",
    head_sign="TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", has_groups=True,
    kind_label="Loại đơn vị hành chính", guide_name="tên phường, xã",
    reviewer_example="Phòng Nội vụ thị xã Đức Phổ")
AGENCY_WORDS = UnitWords(
    family="agency", noun="Cơ quan, đơn vị", level="cấp tỉnh",
    ranking_title="Xếp hạng công tác dân vận chính quyền các cơ quan, đơn vị cấp tỉnh",
    name_label="Tên cơ quan, đơn vị", name_example="Sở Nội vụ",
    head_sign="THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", has_groups=False,
    kind_label="Loại cơ quan, đơn vị", guide_name="tên cơ quan, đơn vị",
    reviewer_example="Sở Nội vụ tỉnh Quảng Ngãi")


def words_for(kinds: "str | Iterable[str] | None") -> UnitWords:
    """The agency wording when every kind given is an agency's (a department's record; a pack whose
    `applies_to` lists only agencies); the commune wording otherwise, and when nothing is known."""
    if kinds is None:
        return COMMUNE_WORDS
    ks = [kinds] if isinstance(kinds, str) else list(kinds)
    return AGENCY_WORDS if ks and all(k in AGENCY_KINDS for k in ks) else COMMUNE_WORDS
