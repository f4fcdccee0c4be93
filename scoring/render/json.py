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


class Stream:
    """A list written lazily: `factory()` yields its elements afresh each time it is iterated.

    A batch of 10,000 records would otherwise hold every row's dict (and the whole JSON text, twice:
    once pretty, once canonical for the seal) in memory at once.
    """

    def __init__(self, factory):
        self.factory = factory

    def __iter__(self):
        return iter(self.factory())


def iterdumps(value: Any, indent: int | None = 2, sort_keys: bool = False, _level: int = 0):
    """The JSON text of `value` as a sequence of chunks (joined, exactly what `dumps` returns)."""
    if isinstance(value, dict):
        if not value:
            yield "{}"
            return
        pad = "" if indent is None else "\n" + " " * (indent * (_level + 1))
        colon = ":" if indent is None else ": "
        keys = sorted(value) if sort_keys else list(value)
        yield "{"
        for i, k in enumerate(keys):
            yield f"{',' if i else ''}{pad}{json.dumps(str(k), ensure_ascii=False)}{colon}"
            yield from iterdumps(value[k], indent, sort_keys, _level + 1)
        yield ("" if indent is None else "\n" + " " * (indent * _level)) + "}"
    elif isinstance(value, (list, tuple, Stream)):
        pad = "" if indent is None else "\n" + " " * (indent * (_level + 1))
        first = True
        for v in value:
            yield ("[" if first else ",") + pad
            first = False
            yield from iterdumps(v, indent, sort_keys, _level + 1)
        yield "[]" if first else ("" if indent is None else "\n" + " " * (indent * _level)) + "]"
    else:
        yield _scalar(value)


def _scalar(value: Any) -> str:
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
    raise TypeError(f"không tuần tự hóa được {type(value).__name__}")


def dumps(value: Any, indent: int | None = 2, sort_keys: bool = False) -> str:
    return "".join(iterdumps(value, indent, sort_keys))


SEAL_ALGORITHM = "sha256"


def canonical(body: Any) -> bytes:
    """The bytes the seal hashes: keys sorted, no whitespace, UTF-8, exact decimals."""
    return dumps(body, indent=None, sort_keys=True).encode("utf-8")


def seal_of(body: dict) -> str:
    """sha256 of the canonical text, hashed chunk by chunk (a batch body is never one string)."""
    h = hashlib.sha256()
    for chunk in iterdumps({k: v for k, v in body.items() if k != "seal"}, indent=None, sort_keys=True):
        h.update(chunk.encode("utf-8"))
    return h.hexdigest()


def sealed(body: dict) -> dict:
    """`body` plus its `seal`. The body carries the pack, evidence (and review) hashes and the engine
    version, so the seal binds a result to exactly the inputs and code that produced it (`dvcq audit`)."""
    out = {k: v for k, v in body.items() if k != "seal"}
    out["seal"] = {"algorithm": SEAL_ALGORITHM, "value": seal_of(out)}
    return out


def render(result) -> str:
    return dumps(sealed(result.to_json_dict())) + "\n"
