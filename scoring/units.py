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
from typing import Iterable, Optional

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
