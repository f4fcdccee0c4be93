"""The part of a rule pack the extractor needs, taken from the pack as `scoring.api.load_pack` reads it.

`vocabulary.facts` and `vocabulary.documents` say which identifiers exist and of what type; the
items say which identifiers accept "not applicable" (an item with a `not_applicable:` setting),
so that "không phát sinh" becomes `not_applicable` only where the pack knows what to do with it.
The cues that find each identifier in a report are the pack's data too (`cues.py`). Going through
the pack loader means the extractor reads the same checked pack that scores the draft (YAML 1.1's
`on:` = true, unknown methods and the rest are the loader's business, reported with file:line).
"""
from __future__ import annotations

from dataclasses import dataclass, field
import os
from pathlib import Path
from typing import Optional

from ..errors import UsageError
from .cues import CueSet, load_cues


@dataclass
class Vocabulary:
    facts: dict[str, dict]
    documents: dict[str, dict]
    na_allowed: set[str] = field(default_factory=set)
    pack_id: Optional[str] = None
    province: Optional[str] = None
    period_kind: str = "year"
    cues: CueSet = field(default_factory=CueSet)


def _na_inputs(bound) -> set[str]:
    """The inputs of the leaves whose item declares `not_applicable:`."""
    out: set[str] = set()
    for leaf in bound.leaves():
        if "not_applicable" in leaf.item.model_fields_set:
            out.update(leaf.method.inputs())
    return out


def vocabulary_from_pack(pack) -> Vocabulary:
    """The extractor's view of a loaded, checked pack (and its cue file, when it has one)."""
    na: set[str] = set()
    for _, _, bound in pack.items:
        na |= _na_inputs(bound)
    return Vocabulary(
        facts={k: fd.model_dump() for k, fd in pack.vocabulary.facts.items()},
        documents={k: dd.model_dump() for k, dd in pack.vocabulary.documents.items()},
        na_allowed=na,
        pack_id=pack.id,
        province=pack.meta.jurisdiction.get("province"),
        period_kind=pack.meta.period_kind,
        cues=load_cues(pack),
    )


def default_pack_path() -> Path:
    return Path(__file__).resolve().parents[1] / "rules" / "quang-ngai" / "qd-1211-2022.yaml"  # package data


def load_vocabulary(path: str | Path) -> Vocabulary:
    from .. import api

    p = Path(path)
    if not os.path.lexists(p):
        raise UsageError.one("không tìm thấy tệp bộ tiêu chí", file=str(p), hint="chỉ đường dẫn tới tệp .yaml bằng --rules")
    return vocabulary_from_pack(api.load_pack(p))  # read like every input: a FIFO or a device is refused, named
