"""Writing a record as YAML that our strict loader reads back to the same record.

Decimals are written as plain numbers (never through float), dates as ISO dates, text as
UTF-8 with the Vietnamese letters kept (`allow_unicode`), keys in the record's own order.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml

from ..vietnamese import plain_number

from ..evidence import Evidence


class _Dumper(yaml.SafeDumper):
    """SafeDumper that knows Decimal and never emits aliases for repeated values."""

    def ignore_aliases(self, data):
        return True


def _decimal(dumper: yaml.SafeDumper, d: Decimal):
    if d == d.to_integral_value():
        return dumper.represent_int(int(d))
    return dumper.represent_scalar("tag:yaml.org,2002:float", plain_number(d))


_Dumper.add_representer(Decimal, _decimal)


def record_data(rec: Evidence) -> dict[str, Any]:
    """The record in its written form, omitting what is unset, in the order people write it."""
    out: dict[str, Any] = {}
    if rec.schema_ is not None:
        out["schema"] = rec.schema_
    out["ward"] = {k: v for k, v in rec.ward.model_dump().items() if v is not None}
    out["period"] = {k: v for k, v in rec.period.model_dump().items() if v is not None}
    out["status"] = rec.status
    out["documents"] = [{k: v for k, v in d.model_dump().items() if v is not None} for d in rec.documents]
    out["facts"] = {fid: fv.written() for fid, fv in rec.facts.items()}
    out["notes"] = [{k: v for k, v in n.model_dump().items() if v is not None} for n in rec.notes]
    if rec.extraction is not None:
        out["extraction"] = rec.extraction
    return out


def dump(rec: Evidence, header: list[str] = ()) -> str:
    body = yaml.dump(record_data(rec), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=100)
    return "".join(f"# {line}\n" for line in header) + body
