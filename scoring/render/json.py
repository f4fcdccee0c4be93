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


from ..vietnamese import plain_number as number  # noqa: E402  (the JSON contract's exact decimals)


class Stream:
    """A list written lazily: `factory()` yields its elements afresh each time it is iterated.

    A batch of 10,000 records would otherwise hold every row's dict (and the whole JSON text, twice:
    once pretty, once canonical for the seal) in memory at once.
    """

    def __init__(self, factory):
        self.factory = factory

    def __iter__(self):
        return iter(self.factory())


ROWS_PER_CHUNK = 64
_enc = json.encoder.encode_basestring  # = json.dumps(text, ensure_ascii=False)


def iterdumps(value: Any, indent: int | None = 2, sort_keys: bool = False, _level: int = 0):
    """The JSON text of `value` as a sequence of chunks (joined, exactly what `dumps` returns).

    Containers are walked here, so a `Stream` is never materialised; its elements (a batch's ranking
    rows) are written whole by `_dump`, 64 to a chunk: the per-value generators this replaced were
    the larger part of writing a 10,000-record JSON batch, which is written twice (the seal's
    canonical text, then the file)."""
    if isinstance(value, dict) and value:
        pad = "" if indent is None else "\n" + " " * (indent * (_level + 1))
        colon = ":" if indent is None else ": "
        yield "{"
        for i, k in enumerate(sorted(value) if sort_keys else list(value)):
            yield f"{',' if i else ''}{pad}{_enc(str(k))}{colon}"
            yield from iterdumps(value[k], indent, sort_keys, _level + 1)
        yield ("" if indent is None else "\n" + " " * (indent * _level)) + "}"
    elif isinstance(value, (list, tuple)):
        pad = "" if indent is None else "\n" + " " * (indent * (_level + 1))
        first = True
        for v in value:
            yield ("[" if first else ",") + pad
            first = False
            yield from iterdumps(v, indent, sort_keys, _level + 1)
        yield "[]" if first else ("" if indent is None else "\n" + " " * (indent * _level)) + "]"
    elif isinstance(value, Stream):
        pad = "" if indent is None else "\n" + " " * (indent * (_level + 1))
        out: list[str] = []
        n = 0
        for v in value:
            out.append(("[" if not n else ",") + pad)
            _dump(v, indent, sort_keys, _level + 1, out)
            n += 1
            if n % ROWS_PER_CHUNK == 0:
                yield "".join(out)
                out = []
        out.append("[]" if not n else ("" if indent is None else "\n" + " " * (indent * _level)) + "]")
        yield "".join(out)
    else:
        out = []
        _dump(value, indent, sort_keys, _level, out)
        yield "".join(out)


def _dump(value: Any, indent: int | None, sort_keys: bool, level: int, out: list) -> None:
    """Append the JSON text of `value` to `out` (the same text `iterdumps` gives, without a generator
    per value)."""
    if type(value) is str:
        out.append(_enc(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        pad = "" if indent is None else "\n" + " " * (indent * (level + 1))
        colon = ":" if indent is None else ": "
        out.append("{")
        for i, k in enumerate(sorted(value) if sort_keys else list(value)):
            out.append(f"{',' if i else ''}{pad}{_enc(str(k))}{colon}")
            _dump(value[k], indent, sort_keys, level + 1, out)
        out.append(("" if indent is None else "\n" + " " * (indent * level)) + "}")
    elif isinstance(value, (list, tuple, Stream)):
        pad = "" if indent is None else "\n" + " " * (indent * (level + 1))
        first = True
        for v in value:
            out.append(("[" if first else ",") + pad)
            first = False
            _dump(v, indent, sort_keys, level + 1, out)
        out.append("[]" if first else ("" if indent is None else "\n" + " " * (indent * level)) + "]")
    else:
        out.append(_scalar(value))


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
    return dumps(body, indent=None, sort_keys=True).encode("utf-8", "surrogatepass")


def seal_of(body: dict) -> str:
    """sha256 of the canonical text, hashed chunk by chunk (a batch body is never one string)."""
    h = hashlib.sha256()
    for chunk in iterdumps({k: v for k, v in body.items() if k != "seal"}, indent=None, sort_keys=True):
        h.update(chunk.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def sealed(body: dict) -> dict:
    """`body` plus its `seal`. The body carries the pack, evidence (and review) hashes and the engine
    version, so the seal binds a result to exactly the inputs and code that produced it (`dvcq audit`)."""
    out = {k: v for k, v in body.items() if k != "seal"}
    out["seal"] = {"algorithm": SEAL_ALGORITHM, "value": seal_of(out)}
    return out


def render(result) -> str:
    return dumps(sealed(result.to_json_dict())) + "\n"
