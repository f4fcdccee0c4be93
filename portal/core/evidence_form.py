"""The evidence form generated from the round's pack: fields per fact and document, grouped by
criterion, parsed back into a record in its written form.

Numbers the clerk typed that are not whole numbers are passed to the core as typed, so the message
next to the field is the core's own (the same as the CLI's)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Optional

from scoring import api

DOC_FIELDS = [("number", "Số, ký hiệu", "text"), ("issued_on", "Ngày ban hành", "date"),
              ("sent_on", "Ngày gửi", "date"), ("issuer", "Cơ quan ban hành", "text"),
              ("title", "Trích yếu", "text")]
YESNO = [("", "— chưa nhập —"), ("true", "Có"), ("false", "Không")]


@lru_cache(maxsize=8)
def outline(pack_file: str, sha: str) -> dict:
    """The pack's outline (cached by its frozen file and sha256)."""
    return api.pack_outline(pack_file)


@dataclass
class Field:
    name: str
    label: str
    kind: str               # text | number | date | select | checkbox | textarea
    value: Any = ""
    choices: list = field(default_factory=list)
    hint: str = ""


@dataclass
class Entry:
    """One fact or document of the form with its fields."""
    kind: str               # fact | document
    ident: str
    label: str
    fields: list[Field]
    type: str = ""
    na_allowed: bool = False
    errors: list[str] = field(default_factory=list)
    attachments: list = field(default_factory=list)


@dataclass
class Section:
    id: str
    title: str
    max: Any
    items: list[dict]
    entries: list[Entry]


def _num(v: str) -> Any:
    v = v.strip()
    if re.fullmatch(r"\d{1,10}", v):
        return int(v)
    return v  # the core says why it is not a count


def _fact_fields(fid: str, meta: dict, cur: dict, na_allowed: bool) -> list[Field]:
    p = f"fact|{fid}|"
    t = meta.get("type")
    unit = meta.get("unit") or ""
    out: list[Field] = []
    if t == "count":
        out.append(Field(p + "value", f"Số lượng{f' ({unit})' if unit else ''}", "number", cur.get("value", "")))
    elif t == "yesno":
        v = cur.get("value")
        out.append(Field(p + "value", "Có / không", "select", "" if v is None else str(v).lower(), YESNO))
    elif t == "rate":
        out.append(Field(p + "num", f"Đạt{f' ({unit})' if unit else ''}", "number", cur.get("num", "")))
        out.append(Field(p + "den", f"Trên tổng số{f' ({unit})' if unit else ''}", "number", cur.get("den", "")))
    elif t == "checklist":
        out.append(Field(p + "done", "Số nội dung đã thực hiện", "number", cur.get("done", "")))
        out.append(Field(p + "total", "Tổng số nội dung", "number", cur.get("total", meta.get("total", ""))))
    if na_allowed:
        out.append(Field(p + "na", "Không phát sinh", "checkbox", bool(cur.get("not_applicable") is True)))
        out.append(Field(p + "reason", "Lý do không phát sinh", "text", cur.get("reason", "")))
    out.append(Field(p + "source", "Nguồn (văn bản, mục, trang)", "text", cur.get("source", "")))
    return out


def _shown_date(v: Any) -> str:
    """ISO dates are shown the way Vietnamese documents write them (dd/mm/yyyy)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(v or ""))
    return f"{m.group(3)}/{m.group(2)}/{m.group(1)}" if m else str(v or "")


def _stored_date(v: str) -> str:
    """dd/mm/yyyy → ISO when it is a real date; anything else goes to the core as typed (its message)."""
    m = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*", v)
    if m:
        from datetime import date

        try:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1))).isoformat()
        except ValueError:
            return v
    return v


def _doc_fields(did: str, cur: dict) -> list[Field]:
    p = f"document|{did}|"
    out = [Field(p + k, label, kind, _shown_date(cur.get(k)) if kind == "date" else cur.get(k, "") or "")
           for k, label, kind in DOC_FIELDS]
    out.append(Field(p + "source", "Nguồn (nơi lưu, trang)", "text", cur.get("source", "") or ""))
    return out


def _current_fact(evidence: dict, fid: str) -> dict:
    if fid == "ward.residential_groups":
        v = (evidence.get("ward") or {}).get("residential_groups")
        return {} if v is None else {"value": v}
    raw = (evidence.get("facts") or {}).get(fid)
    if raw is None:
        return {}
    if isinstance(raw, dict):
        return raw
    return {"value": raw}


def sections(pack_file: str, sha: str, evidence: dict) -> list[Section]:
    o = outline(pack_file, sha)
    docs = {d.get("id"): d for d in evidence.get("documents") or [] if isinstance(d, dict)}
    seen: set[str] = set()
    out: list[Section] = []

    def entry(ident: str) -> Optional[Entry]:
        if ident in seen:
            return None
        seen.add(ident)
        if ident in o["facts"]:
            meta = o["facts"][ident]
            na = ident in o["na_allowed"]
            return Entry("fact", ident, meta.get("label") or ident,
                         _fact_fields(ident, meta, _current_fact(evidence, ident), na), meta.get("type", ""), na)
        if ident in o["documents"]:
            meta = o["documents"][ident]
            return Entry("document", ident, f"{meta.get('kind', '')} — {meta.get('label') or ident}",
                         _doc_fields(ident, docs.get(ident) or {}), "document")
        return None

    for crit in o["criteria"]:
        entries = [e for item in crit["items"] for i in item["inputs"] if (e := entry(i)) is not None]
        out.append(Section(crit["id"], crit["title"], crit["max"], crit["items"], entries))
    rest = [e for i in list(o["facts"]) + list(o["documents"]) if (e := entry(i)) is not None]
    if rest:
        out.append(Section("khac", "Thông tin chung của đơn vị", None, [], rest))
    return out


def parse(pack_file: str, sha: str, post, base: dict) -> tuple[dict, dict]:
    """(record, explanations) from a submitted form; keeps the record's notes and other keys."""
    o = outline(pack_file, sha)
    rec: dict = {k: v for k, v in base.items() if k not in ("documents", "facts")}
    ward = dict(rec.get("ward") or {})
    facts: dict = {}
    for fid, meta in o["facts"].items():
        p = f"fact|{fid}|"
        g = lambda k: (post.get(p + k) or "").strip()  # noqa: E731
        src = g("source")
        val: dict = {}
        if fid in o["na_allowed"] and post.get(p + "na"):
            val = {"not_applicable": True}
            if g("reason"):
                val["reason"] = g("reason")
        else:
            t = meta.get("type")
            if t == "count" and g("value"):
                val = {"value": _num(g("value"))}
            elif t == "yesno" and g("value") in ("true", "false"):
                val = {"value": g("value") == "true"}
            elif t == "rate" and (g("num") or g("den")):
                val = {"num": _num(g("num")), "den": _num(g("den"))}
            elif t == "checklist" and g("done"):
                val = {"done": _num(g("done")), "total": _num(g("total") or str(meta.get("total", "")))}
        if not val:
            continue
        if src:
            val["source"] = src
        old = (base.get("facts") or {}).get(fid)
        if isinstance(old, dict) and old.get("note"):
            val["note"] = old["note"]  # written outside the form (sample, workbook): kept, never dropped
        if fid == "ward.residential_groups":
            ward["residential_groups"] = val.get("value")
            continue
        facts[fid] = val
    if "ward.residential_groups" in o["facts"] and not post.get("fact|ward.residential_groups|value"):
        ward.pop("residential_groups", None)
    documents = []
    for did in o["documents"]:
        p = f"document|{did}|"
        doc = {"id": did}
        for k, _, kind in DOC_FIELDS + [("source", "", "text")]:
            v = (post.get(p + k) or "").strip()
            if v:
                doc[k] = _stored_date(v) if kind == "date" else v
        if len(doc) > 1:
            old = next((x for x in base.get("documents") or [] if isinstance(x, dict) and x.get("id") == did), {})
            if old.get("note"):
                doc["note"] = old["note"]
            documents.append(doc)
    rec["ward"] = ward
    rec["documents"] = documents
    rec["facts"] = facts
    explanations = {}
    for item_id in [it["id"] for c in o["criteria"] for it in c["items"]]:
        v = (post.get(f"explain|{item_id}") or "").strip()
        if v:
            explanations[item_id] = v[:4000]
    return rec, explanations


def attach_problems(secs: list[Section], problems, rec: dict) -> list[str]:
    """Put each core problem next to its field; return the ones that belong to no field."""
    by_id = {e.ident: e for s in secs for e in s.entries}
    docs = [d.get("id") for d in rec.get("documents") or []]
    loose = []
    for pr in problems:
        fld = pr.field or ""
        target = None
        d = re.match(r"documents\[(\d+)\]", fld)
        if d and int(d.group(1)) < len(docs) and docs[int(d.group(1))] in by_id:
            fld = f"documents.{docs[int(d.group(1))]}" + fld[d.end():]
        m = re.match(r"facts\.(.+?)(\.(value|num|den|done|total|percent|not_applicable))?$", fld)
        if m and m.group(1) in by_id:
            target = by_id[m.group(1)]
        else:
            for ident in by_id:
                if ident in fld or ident in pr.message:
                    target = by_id[ident]
                    break
        msg = pr.message + (f" ({pr.hint})" if pr.hint else "")
        if target is not None:
            target.errors.append(msg)
        else:
            loose.append(f"{pr.field}: {msg}" if pr.field else msg)
    return loose
