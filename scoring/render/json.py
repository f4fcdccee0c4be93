"""Canonical JSON: exact decimals as JSON numbers, keys in a fixed order, UTF-8, no floats.

`json.dumps` cannot write a Decimal as a number, and turning it into a float would bring back the
binary artefacts we avoid everywhere else, so values are serialised here by hand.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from typing import Any


def number(d: Decimal) -> str:
    if not d.is_finite():
        raise ValueError(f"số không hữu hạn trong kết quả: {d}")
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.normalize(), "f")


def dumps(value: Any, indent: int | None = 2, sort_keys: bool = False, _level: int = 0) -> str:
    pad = "" if indent is None else "\n" + " " * (indent * (_level + 1))
    end = "" if indent is None else "\n" + " " * (indent * _level)
    sep = "," if indent is None else ","
    colon = ":" if indent is None else ": "
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise TypeError("float không được phép trong kết quả (dùng Decimal)")
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, date):
        return json.dumps(value.isoformat())
    if isinstance(value, dict):
        if not value:
            return "{}"
        keys = sorted(value) if sort_keys else list(value)
        body = sep.join(f"{pad}{json.dumps(str(k), ensure_ascii=False)}{colon}{dumps(value[k], indent, sort_keys, _level + 1)}"
                        for k in keys)
        return "{" + body + end + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        body = sep.join(f"{pad}{dumps(v, indent, sort_keys, _level + 1)}" for v in value)
        return "[" + body + end + "]"
    raise TypeError(f"không tuần tự hóa được {type(value).__name__}")


SEAL_ALGORITHM = "sha256"


def canonical(body: Any) -> bytes:
    """The bytes the seal hashes: keys sorted, no whitespace, UTF-8, exact decimals."""
    return dumps(body, indent=None, sort_keys=True).encode("utf-8")


def seal_of(body: dict) -> str:
    return hashlib.sha256(canonical({k: v for k, v in body.items() if k != "seal"})).hexdigest()


def sealed(body: dict) -> dict:
    """`body` plus its `seal`. The body carries the pack, evidence (and review) hashes and the engine
    version, so the seal binds a result to exactly the inputs and code that produced it (`dvcq audit`)."""
    out = {k: v for k, v in body.items() if k != "seal"}
    out["seal"] = {"algorithm": SEAL_ALGORITHM, "value": seal_of(out)}
    return out


def render(result) -> str:
    return dumps(sealed(result.to_json_dict())) + "\n"
