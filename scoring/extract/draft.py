"""Assembling the draft evidence record from what the other modules found, and writing it.

The draft has the record's shape (ward, period, status, documents, facts, notes) plus a
top-level `extraction` block that only drafts carry: the report's name and SHA-256, the pack,
what could not be found (`absent`), what a human must look at (`flags`), and the documents cited
that are not the pack's (`other_documents`). A draft is always `status: in_progress`. Nothing is
invented: a value enters only with the sentence that states it as its `source`; a value the
extractor is unsure of carries `review: true`.

The YAML is UTF-8, NFC, keys in record order, and byte-for-byte the same for the same input.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Optional

import yaml

from ..errors import UsageError
from ..units import TWO_TIER_FROM
from ..vietnamese import plain_number
from .checks import contradictions
from .documents import find_documents
from .facts import REVIEW_BELOW, Candidate, FactFinder
from .reader import Report
from .vocab import Vocabulary
from .ward import find_identity, find_period

FORMAT_NOTE = "bản nháp do `dvcq extract` trích từ báo cáo: kiểm tra từng số liệu với câu nguồn trước khi dùng"
_GRADE_RE = re.compile(r"[Nn]ăm\s+(?P<y>20\d\d)\s*:\s*(?:được\s+)?[Xx]ếp loại[^“\"]*[“\"](?P<g>[^”\"]+)[”\"]")


@dataclass
class Item:
    """One extracted value, as the benchmark sees it."""

    id: str
    value: Any
    source: Optional[str]


@dataclass
class Extraction:
    draft: dict
    items: list[Item] = field(default_factory=list)

    @property
    def flags(self) -> list[dict]:
        return self.draft["extraction"]["flags"]

    @property
    def absent(self) -> list[str]:
        return self.draft["extraction"]["absent"]


def _num(v: Any) -> Any:
    """Whole Decimals become ints; the others stay exact (written by `_decimal`, never via float)."""
    if isinstance(v, Decimal) and v == v.to_integral_value():
        return int(v)
    return v


def _fact_entry(c: Candidate, extra_flags: list[str]) -> dict:
    entry = {k: _num(v) for k, v in c.value.items()}
    notes = [n for n in c.notes if n] + c.flags + extra_flags
    if notes:
        entry["note"] = "; ".join(dict.fromkeys(notes))
    entry["source"] = c.sentence.text
    entry["confidence"] = round(c.confidence, 2)
    if c.confidence < REVIEW_BELOW or c.flags or extra_flags:
        entry["review"] = True
    return entry


def _ward_issuer(name: Optional[str]) -> str:
    if not name:
        return "UBND phường"
    return "UBND " + name[0].lower() + name[1:]


def extract(report: Report, vocab: Vocabulary, report_bytes: bytes, *, year: Optional[int] = None,
            province: Optional[str] = None, ward: Optional[str] = None, district: Optional[str] = None) -> Extraction:
    """The draft record of one report under one pack's vocabulary."""
    flags: list[dict] = []
    notes: list[dict] = []
    items: list[Item] = []

    # --- period -------------------------------------------------------------------------------
    period = find_period(report)
    if year is None:
        year = period.year
        if year is None:
            raise UsageError.one("không xác định được năm của kỳ báo cáo", file=report.path,
                                 hint="ghi rõ bằng --year, vd. --year 2023")
        if period.how != "title":
            how = {"span": "khoảng thời gian báo cáo nêu", "frequency": "năm được nhắc nhiều nhất"}[period.how]
            flags.append({"problem": f"năm của kỳ ({year}) suy ra từ {how}, không có trong tên báo cáo: kiểm tra lại hoặc dùng --year"})
    if period.quarter and vocab.period_kind == "year":
        roman = {1: "I", 2: "II", 3: "III", 4: "IV"}[period.quarter]
        flags.append({"problem": f"báo cáo quý {roman}/{year}: số liệu tính đến hết quý, chưa phải cả năm {year}"})
    if report.kind == "plan":
        flags.append({"problem": "văn bản là kế hoạch: nhiệm vụ, thời hạn không phải kết quả nên không trích số liệu"})
        notes.append({"text": f"Văn bản nguồn là kế hoạch năm {year}, chưa có kết quả thực hiện; cần bổ sung số liệu khi có báo cáo.",
                      "source": f"{report.kind_word} {report.title}".strip()})

    # --- ward ---------------------------------------------------------------------------------
    ident = find_identity(report)
    ward_block: dict[str, Any] = {}
    name = ward or ident.ward_name()
    if name:
        ward_block["name"] = name
        if not ward and ident.name:
            items.append(Item("ward.name", name, ident.name.sentence.text if ident.name.sentence else None))
            if len(ident.name.variants) > 1:
                flags.append({"id": "ward.name", "problem": "tên phường viết nhiều cách trong báo cáo ("
                              + ", ".join(ident.name.variants) + f"): đã chọn “{ident.name.value}”, kiểm tra lại"})
    dist = district or ident.district_name()
    if dist:
        ward_block["district"] = dist
        if not district and ident.district:
            items.append(Item("ward.district", dist, ident.district.sentence.text if ident.district.sentence else None))
    prov = province or (ident.province.value if ident.province else None)
    if prov:
        if not province and ident.province:
            items.append(Item("ward.province", prov, ident.province.sentence.text if ident.province.sentence else None))
    elif vocab.province:
        prov = vocab.province
        flags.append({"id": "ward.province", "problem": f"báo cáo không nêu tỉnh: lấy theo bộ tiêu chí ({prov}), kiểm tra lại hoặc dùng --province"})
    if prov:
        ward_block["province"] = prov
        if vocab.province and unicodedata.normalize("NFC", prov).casefold() != unicodedata.normalize("NFC", vocab.province).casefold():
            flags.append({"id": "ward.province", "problem": f"báo cáo thuộc tỉnh {prov}, bộ tiêu chí {vocab.pack_id or ''} áp dụng cho tỉnh {vocab.province}".replace("  ", " ")})
    ward_block["kind"] = ident.ward_kind() if not ward else (
        "xa" if ward.lower().startswith("xã") else "thi_tran" if ward.lower().startswith("thị trấn") else "phuong")

    # --- facts --------------------------------------------------------------------------------
    finder = FactFinder(vocab.facts, vocab.na_allowed, year, vocab.cues)
    cands, dropped = finder.candidates(report)
    best, conflicts = finder.choose(cands)
    for d in dropped + conflicts:
        flags.append({"id": d.fact, "sentence": d.sentence.text, "problem": d.problem})
    extra: dict[str, list[str]] = {}
    for c in contradictions(report):
        ids = [fid for fid, cand in best.items() if cand.sentence.index == c.sentence.index]
        flag = {"sentence": c.sentence.text, "problem": c.problem()}
        if ids:
            flag = {"id": ids[0], **flag}
            for fid in ids:
                extra.setdefault(fid, []).append(c.problem())
        flags.append(flag)

    groups = best.pop("ward.residential_groups", None)
    if groups is not None:
        ward_block["residential_groups"] = groups.value["value"]
        items.append(Item("ward.residential_groups", groups.value["value"], groups.sentence.text))
        if groups.confidence < REVIEW_BELOW:
            flags.append({"id": "ward.residential_groups", "sentence": groups.sentence.text,
                          "problem": "số tổ dân phố suy ra từ mẫu số của một tỷ lệ, báo cáo không nêu trực tiếp: kiểm tra lại"})
        ward_block["source"] = groups.sentence.text
    elif ident.name and ident.name.sentence:
        ward_block["source"] = ident.name.sentence.text

    facts: dict[str, dict] = {}
    for fid in vocab.facts:
        if fid in best:
            facts[fid] = _fact_entry(best[fid], extra.get(fid, []))
            items.append(Item(fid, dict(best[fid].value), best[fid].sentence.text))

    # --- documents ----------------------------------------------------------------------------
    docs = find_documents(report, vocab.documents, year, _ward_issuer(name), vocab.cues)
    flags.extend(docs.flags)
    documents = []
    for did in vocab.documents:
        d = docs.found.get(did)
        if d is None:
            continue
        entry: dict[str, Any] = {"id": did}
        if d.number:
            entry["number"] = d.number
        if d.issued_on:
            entry["issued_on"] = d.issued_on
        if d.issuer:
            entry["issuer"] = d.issuer
        entry["title"] = d.title
        entry["source"] = d.source
        if d.notes:
            entry["note"] = "; ".join(d.notes)
        entry["confidence"] = d.confidence
        if d.review or d.confidence < REVIEW_BELOW:
            entry["review"] = True
        documents.append(entry)
        items.append(Item(did, {"number": d.number, "issued_on": d.issued_on}, d.source))

    # --- notes: the grade the report states for the period -----------------------------------
    for s in report.sentences:
        m = _GRADE_RE.search(s.text)
        if m and int(m.group("y")) == year:
            notes.append({"text": f"Báo cáo nêu kết quả xếp loại năm {year}: “{m.group('g')}”.", "source": s.text})

    # --- absent -------------------------------------------------------------------------------
    # a district is asked for only for a period that starts before the two-tier government
    start = date(year, 3 * (period.quarter - 1) + 1, 1) if period.quarter and vocab.period_kind == "quarter" \
        else date(year, 1, 1)
    asks_district = start < TWO_TIER_FROM or "district" in ward_block
    absent = [k for k, present in (("ward.name", "name" in ward_block), ("ward.district", "district" in ward_block),
                                   ("ward.province", bool(ident.province or province)),
                                   ("ward.residential_groups", "residential_groups" in ward_block))
              if not present and (k != "ward.district" or asks_district)]
    absent += [fid for fid in vocab.facts if fid not in facts and fid != "ward.residential_groups"]
    absent += [did for did in vocab.documents if did not in docs.found]
    if "name" not in ward_block:
        flags.append({"id": "ward.name", "problem": "báo cáo không nêu tên phường: điền bằng --ward (bản nháp chưa hợp lệ khi thiếu tên)"})

    draft: dict[str, Any] = {
        "ward": ward_block,
        "period": {"year": year, **({"quarter": period.quarter} if period.quarter and vocab.period_kind == "quarter" else {})},
        "status": "in_progress",
        "documents": documents,
        "facts": facts,
        "notes": notes,
        "extraction": {
            "report": report.name,
            "report_sha256": hashlib.sha256(report_bytes).hexdigest(),
            "pack": vocab.pack_id,
            "note": FORMAT_NOTE,
            "absent": absent,
            "flags": flags,
            "other_documents": docs.others,
        },
    }
    return Extraction(nfc_tree(draft), items)


def nfc_tree(node: Any) -> Any:
    if isinstance(node, str):
        return unicodedata.normalize("NFC", node)
    if isinstance(node, dict):
        return {nfc_tree(k): nfc_tree(v) for k, v in node.items()}
    if isinstance(node, list):
        return [nfc_tree(v) for v in node]
    return _num(node)


def record_of(draft: dict) -> dict:
    """The draft without its draft-only `extraction` block (what a final record keeps)."""
    return {k: v for k, v in draft.items() if k != "extraction"}


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:  # never emit &anchors / *aliases
        return True


def _repr_str(dumper: yaml.SafeDumper, data: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


def _decimal(dumper: yaml.SafeDumper, d: Decimal):
    """93.75 as the report wrote it: 94.999999999999999999 through a float would be 95.0."""
    return dumper.represent_scalar("tag:yaml.org,2002:float", plain_number(d))


_Dumper.add_representer(str, _repr_str)
_Dumper.add_representer(Decimal, _decimal)


def to_yaml(draft: dict) -> bytes:
    """UTF-8, NFC, record order, deterministic."""
    body = yaml.dump(nfc_tree(draft), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096,
                     default_flow_style=False, indent=2)
    head = ("# Hồ sơ minh chứng NHÁP (status: in_progress) — " + FORMAT_NOTE + ".\n"
            "# Khối `extraction` chỉ dùng cho bản nháp: liệt kê số liệu không tìm thấy (absent), điểm cần xem (flags).\n")
    return unicodedata.normalize("NFC", head + body).encode("utf-8")


__all__ = ["Extraction", "Item", "extract", "record_of", "to_yaml"]
