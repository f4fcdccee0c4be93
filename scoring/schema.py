"""The JSON Schema of the evidence format, for editors (YAML language servers validate with it).

Written from the *written* forms a user types (a bare 5, {num, den}, …), not from the internal
model, so an editor's completion shows what a clerk should write. With a pack, the fact
identifiers become an enumerated list with each one's type and Vietnamese label.
"""
from __future__ import annotations

from typing import Optional

from .pack import Pack

_META = {
    "source": {"type": "string", "description": "Văn bản/mục chứng minh số liệu"},
    "note": {"type": "string"},
    "reason": {"type": "string"},
    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
    "review": {"type": "boolean"},
}
_COUNT = {"type": "integer", "minimum": 0, "maximum": 10**9}


def _obj(props: dict, required: list[str]) -> dict:
    return {"type": "object", "properties": {**props, **_META}, "required": required, "additionalProperties": False}


FORMS = {
    "count": [_COUNT, _obj({"value": _COUNT}, ["value"])],
    "yesno": [{"type": "boolean"}, _obj({"value": {"type": "boolean"}}, ["value"])],
    "rate": [_obj({"num": _COUNT, "den": _COUNT}, ["num", "den"]),
             _obj({"percent": {"type": "number", "minimum": 0}}, ["percent"])],
    "checklist": [_obj({"done": _COUNT, "total": _COUNT, "not_applicable": _COUNT}, ["done", "total"])],
}
NOT_APPLICABLE = [{"const": "not_applicable"}, {"const": "không phát sinh"},
                  _obj({"not_applicable": {"const": True}}, ["not_applicable"])]


def evidence_schema(pack: Optional[Pack] = None) -> dict:
    any_value = {"anyOf": [f for forms in FORMS.values() for f in forms] + NOT_APPLICABLE}
    facts: dict = {"type": "object", "propertyNames": {"pattern": r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"},
                   "additionalProperties": any_value}
    doc_ids: dict = {"type": "string"}
    if pack is not None:
        facts = {"type": "object", "additionalProperties": False, "properties": {
            fid: {"description": fd.label + (f" ({fd.unit})" if fd.unit else ""),
                  "anyOf": FORMS[fd.type] + NOT_APPLICABLE}
            for fid, fd in pack.vocabulary.facts.items()}}
        doc_ids = {"enum": list(pack.vocabulary.documents)}
    date = {"type": "string", "pattern": r"^(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{4})$"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://dvcq.invalid/schema/evidence-1.json" if pack is None else f"https://dvcq.invalid/schema/evidence-1-{pack.id}.json",
        "title": "Hồ sơ minh chứng công tác dân vận chính quyền (dvcq evidence record)",
        "type": "object",
        "required": ["ward", "period"],
        "additionalProperties": False,
        "properties": {
            "schema": {"type": "string"},
            "ward": {"type": "object", "required": ["name", "province"], "additionalProperties": False, "properties": {
                "name": {"type": "string", "minLength": 1}, "district": {"type": "string"},
                "province": {"type": "string", "minLength": 1},
                "kind": {"enum": ["phuong", "xa", "thi_tran"]}, "residential_groups": _COUNT,
                "source": {"type": "string"}}},
            "period": {"type": "object", "required": ["year"], "additionalProperties": False, "properties": {
                "year": {"type": "integer", "minimum": 1945, "maximum": 2100},
                "quarter": {"type": "integer", "minimum": 1, "maximum": 4}}},
            "status": {"enum": ["final", "in_progress"]},
            "documents": {"type": "array", "items": {"type": "object", "required": ["id"], "additionalProperties": False,
                                                     "properties": {"id": doc_ids, "number": {"type": "string"},
                                                                    "issued_on": date, "sent_on": date,
                                                                    "issuer": {"type": "string"}, "title": {"type": "string"},
                                                                    "source": {"type": "string"}, "note": {"type": "string"},
                                                                    "confidence": {"type": "number"}, "review": {"type": "boolean"}}}},
            "facts": facts,
            "notes": {"type": "array", "items": {"type": "object", "required": ["text"], "additionalProperties": False,
                                                 "properties": {"text": {"type": "string"}, "source": {"type": "string"}}}},
            "extraction": {"type": "object"},
        },
    }
