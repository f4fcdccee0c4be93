"""The content hash of a record: what a district's review is bound to.

A review must follow the record's content, not its bytes: a comment added to the YAML, keys
reordered, `5` written as `{value: 5}`, or the same workbook saved again by Excel change the file's
sha256 but not one value the rules read or a reviewer saw. So the hash is taken over the record
*as validated* (every written form already turned into one shape), written as canonical JSON:
keys sorted, no whitespace, UTF-8, exact decimals as numbers (`5.0` = `5`), dates as ISO text,
absent values left out (`note: null` = no note). Any change to a value, a source or a note text
changes it. The file's own sha256 is still recorded in every result beside it.
"""
from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .evidence import Evidence, LoadedEvidence

ALGORITHM = "sha256 of the canonical JSON of the validated record (dvcq-record/1)"


def record_data(record: "Evidence") -> dict:
    """The validated record as plain data (the `Evidence` model dumped, absent values left out)."""
    return _plain(record.model_dump(by_alias=True, exclude_none=True))


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items() if x is not None}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, float):  # only in free-form blocks given as data (`extraction`): exact from its text
        return Decimal(repr(v))
    return v


def record_text(record: "Evidence") -> bytes:
    from .render.json import canonical

    return canonical(record_data(record))


def record_sha256(ev: "LoadedEvidence | Evidence") -> str:
    """sha256 of the record's canonical content (a `LoadedEvidence` or a bare `Evidence`); for the
    verified copy a review makes, the content of the record as submitted."""
    known = getattr(ev, "content_sha256", None)
    if known:
        return known
    record = getattr(ev, "record", ev)
    return hashlib.sha256(record_text(record)).hexdigest()
