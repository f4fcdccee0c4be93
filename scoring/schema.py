"""The JSON Schema of the evidence format, for editors (YAML language servers validate with it).

Written from the *written* forms a user types (a bare 5, {num, den}, …), not from the internal
model, so an editor's completion shows what a clerk should write. The forms, keys, limits and
"không phát sinh" words come from `spellings.py`, the table the loader reads too, so the schema
accepts what `dvcq validate` accepts (tests/test_spellings.py). With a pack, the fact identifiers
become an enumerated list with each one's type and Vietnamese label, a bounded rate's percent
stops at 100 and a checklist's total is the pack's.

What JSON Schema cannot say, and only `dvcq validate` checks: a checklist's done + not_applicable
≤ total, num ≤ den on a bounded rate, a percent with more than 30 decimals, dates that do not exist
(31/02), and the checks across facts (V005, V009).
"""
from __future__ import annotations

from typing import Optional

from .pack import FactDef, Pack
from .units import kind_spellings
from .spellings import (CHECKLIST, MAX_COUNT, MAX_PERCENT, META_KEYS, NOT_APPLICABLE_KEY, RATE_PAIR, RATE_PERCENT,
                        VALUE, not_applicable_pattern)

_META_TYPES = {
    "source": {"type": "string", "description": "Văn bản/mục chứng minh số liệu"},
    "note": {"type": "string"},
    "reason": {"type": "string"},
    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
    "review": {"type": "boolean"},
}
_META = {k: _META_TYPES[k] for k in META_KEYS}
_COUNT = {"type": "integer", "minimum": 0, "maximum": MAX_COUNT}


def _obj(props: dict, required: list[str]) -> dict:
    return {"type": "object", "properties": {**props, **_META}, "required": required, "additionalProperties": False}


def _percent(maximum: int) -> dict:
    return {"type": "number", "minimum": 0, "maximum": maximum}


FORMS = {
    "count": [_COUNT, _obj({VALUE: _COUNT}, [VALUE])],
    "yesno": [{"type": "boolean"}, _obj({VALUE: {"type": "boolean"}}, [VALUE])],
    "rate": [_obj({k: _COUNT for k in RATE_PAIR}, list(RATE_PAIR)),
             _obj({RATE_PERCENT: _percent(MAX_PERCENT)}, [RATE_PERCENT])],
    "checklist": [_obj({k: _COUNT for k in CHECKLIST}, list(CHECKLIST[:2]))],
}


def not_applicable_forms() -> list[dict]:
    return [{"type": "string", "pattern": not_applicable_pattern()},
            _obj({NOT_APPLICABLE_KEY: {"const": True}}, [NOT_APPLICABLE_KEY])]


def forms_for(fd: FactDef) -> list[dict]:
    """The written forms of one vocabulary fact, with what the pack adds (V003, V004)."""
    if fd.type == "rate" and fd.bounded:
        return [FORMS["rate"][0], _obj({RATE_PERCENT: _percent(100)}, [RATE_PERCENT])]
    if fd.type == "checklist" and fd.total is not None:
        return [_obj({**{k: _COUNT for k in CHECKLIST}, CHECKLIST[1]: {"const": fd.total}}, list(CHECKLIST[:2]))]
    return FORMS[fd.type]


def evidence_schema(pack: Optional[Pack] = None) -> dict:
    na = not_applicable_forms()
    any_value = {"anyOf": [f for forms in FORMS.values() for f in forms] + na}
    facts: dict = {"type": "object", "propertyNames": {"pattern": r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$"},
                   "additionalProperties": any_value}
    doc_ids: dict = {"type": "string"}
    if pack is not None:
        facts = {"type": "object", "additionalProperties": False, "properties": {
            fid: {"description": fd.label + (f" ({fd.unit})" if fd.unit else ""),
                  "anyOf": forms_for(fd) + na}
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
                "kind": {"enum": kind_spellings()}, "code": {"type": "integer", "minimum": 1},
                "residential_groups": _COUNT,
                "source": {"type": "string"}}},
            "period": {"type": "object", "required": ["year"], "additionalProperties": False, "properties": {
                "year": {"type": "integer", "minimum": 1945, "maximum": 2100},
                "quarter": {"type": "integer", "minimum": 1, "maximum": 4},
                "half": {"type": "integer", "minimum": 1, "maximum": 2}},
                "not": {"required": ["quarter", "half"]}},  # a quarter or a half-year, never both (evidence.Period)
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
