"""The one door into dvcq's scoring core.

Every front end (the CLI, batch, audit, verify, the portal, the JSON API, the tests) goes through
these functions, so the pack choice, the jurisdiction check and the vocabulary check can never be
skipped: a record that reached `evaluate` without them crashed it before. Nothing here prints or
exits; problems a user can fix raise `DvcqError` subclasses (exit code 2 in the CLI, a form error in
the portal).

    from scoring import api
    rec = api.load_record("samples/quang-ngai/pho-van-2023.yaml")     # or a dict
    result = api.score(rec)                                             # pack chosen for its province and period
    result.to_dict()                                                    # the JSON contract
"""
from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional, Union

from .errors import UsageError

if TYPE_CHECKING:  # the types only: importing them here would load every module on `import scoring.api`
    from .audit.check import AuditReport
    from .batch.ranking import BatchResult
    from .evidence import LoadedEvidence
    from .pack import Pack
    from .result import Result
    from .review.model import LoadedReview
    from .review.verification import Verification
    from .vocabulary import Checked

PathLike = Union[str, "os.PathLike[str]"]
RecordSource = Union[PathLike, Mapping, "LoadedEvidence"]
PackSource = Union[PathLike, "Pack", None]
ReviewSource = Union[PathLike, Mapping, "LoadedReview", None]

__all__ = ["load_record", "load_pack", "load_review", "choose_pack", "check", "score", "verify", "batch",
           "audit", "Checked", "Prepared"]


def _is_path(x: Any) -> bool:
    return isinstance(x, (str, os.PathLike))


def load_record(source: RecordSource, *, name: Optional[str] = None) -> "LoadedEvidence":
    """A validated record from a file (YAML, JSON, XLSX) or from already-parsed data.

    `name` is how messages refer to data given as a dict (default `<dữ liệu>`)."""
    from .evidence import LoadedEvidence, evidence_from_data, load_evidence

    if isinstance(source, LoadedEvidence):
        return source
    if _is_path(source):
        return load_evidence(source)
    if isinstance(source, Mapping):
        from .render.json import dumps

        data = _plain(source)
        digest = hashlib.sha256(dumps(data).encode("utf-8")).hexdigest()
        return evidence_from_data(data, name or "<dữ liệu>", digest)
    raise UsageError.one(f"hồ sơ phải là đường dẫn tệp hoặc một bảng dữ liệu, không phải {type(source).__name__}")


def _plain(data: Any) -> Any:
    """Mappings → dicts, tuples → lists: what a YAML or JSON parser would have given."""
    if isinstance(data, Mapping):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_plain(v) for v in data]
    return data


def load_pack(source: Union[PathLike, "Pack"]) -> "Pack":
    """A checked rule pack from a file path or a pack id known to the rule store."""
    from .pack import Pack

    if isinstance(source, Pack):
        return source
    from . import registry

    p = Path(source)
    if p.is_file():
        return registry.load_cached(p)
    packs = registry.all_packs()
    for pk in packs:
        if pk.id == str(source):
            return pk
    from .errors import did_you_mean

    raise UsageError.one(f"không có bộ tiêu chí '{source}'", hint=did_you_mean(str(source), [pk.id for pk in packs]))


def load_review(source: ReviewSource) -> "LoadedReview":
    from .review.model import LoadedReview, load_review as _load

    if isinstance(source, LoadedReview):
        return source
    if _is_path(source):
        return _load(source)
    raise UsageError.one("tệp thẩm định phải là đường dẫn tệp")


def choose_pack(record: "LoadedEvidence", pack: PackSource = None, *, allow_other_province: bool = False,
                rules_dir: Optional[PathLike] = None) -> "Pack":
    """The pack given (checked to govern the record), or the one in force for its province and period."""
    from . import registry

    if pack is None:
        chosen = registry.select(record, Path(rules_dir) if rules_dir else None)
    else:
        chosen = load_pack(pack)
    registry.check_applies(chosen, record, allow_other_province)
    return chosen


@dataclass
class Prepared:
    """A record with the pack that governs it and what the vocabulary check found."""

    record: "LoadedEvidence"
    pack: "Pack"
    checked: "Checked"


def check(record: RecordSource, pack: PackSource = None, *, allow_other_province: bool = False,
          rules_dir: Optional[PathLike] = None) -> Prepared:
    """Load, choose the pack, check the record against its vocabulary (warnings, missing evidence)."""
    from . import vocabulary

    rec = load_record(record)
    chosen = choose_pack(rec, pack, allow_other_province=allow_other_province, rules_dir=rules_dir)
    return Prepared(rec, chosen, vocabulary.check(chosen, rec))


def score(record: RecordSource, pack: PackSource = None, review: ReviewSource = None, *,
          allow_other_province: bool = False, rules_dir: Optional[PathLike] = None) -> "Result":
    """The scored `Result` of a record: self-scored, or as verified when a review is given."""
    if review is not None:
        return verify(record, review, pack, allow_other_province=allow_other_province, rules_dir=rules_dir).verified
    from .score import evaluate

    prep = check(record, pack, allow_other_province=allow_other_province, rules_dir=rules_dir)
    return evaluate(prep.pack, prep.record)


def verify(record: RecordSource, review: ReviewSource, pack: PackSource = None, *,
           allow_other_province: bool = False, rules_dir: Optional[PathLike] = None) -> "Verification":
    """Self score beside verified score; refuses a review of another or an edited record."""
    from .review.verification import verify as _verify

    prep = check(record, pack, allow_other_province=allow_other_province, rules_dir=rules_dir)
    return _verify(prep.pack, prep.record, load_review(review))


def batch(folder: PathLike, *, reviews: Optional[PathLike] = None, pack: Optional[PathLike] = None,
          rules_dir: Optional[PathLike] = None, allow_other_province: bool = False, jobs: Optional[int] = None,
          results: bool = False, progress=None) -> "BatchResult":
    """Score and rank a folder of records; failed records are listed, never raised."""
    from .batch.run import run_batch

    return run_batch(Path(folder), Path(reviews) if reviews else None, str(pack) if pack else None,
                     str(rules_dir) if rules_dir else None, allow_other_province, jobs, progress, results)


def audit(result: PathLike, *, evidence: Optional[PathLike] = None, pack: Optional[PathLike] = None,
          review: Optional[PathLike] = None) -> "AuditReport":
    """Recompute a sealed result from its inputs and say what differs."""
    from .audit.check import audit as _audit

    return _audit(str(result), str(evidence) if evidence else None, str(pack) if pack else None,
                  str(review) if review else None)


# ---- small doors for front ends that show a pack as a form and hand files back (the portal) ----

def pack_outline(pack: Union[PathLike, "Pack"]) -> dict:
    """What a form needs from a pack, as plain data: its vocabulary (facts, documents with their
    kinds and labels), which identifiers accept "không phát sinh", and its criteria → items with the
    identifiers each item reads, in pack order. Read from the pack's own file, so it is the frozen
    text the round scores with."""
    import yaml

    from .extract.vocab import _inputs, _walk_items, vocabulary_from_pack

    chosen = load_pack(pack)
    data = yaml.safe_load(Path(chosen.path).read_text(encoding="utf-8"))
    vocab = vocabulary_from_pack(data)
    criteria = []
    for crit in data.get("criteria") or []:
        items = []
        for item in crit.get("items") or []:
            ids: list[str] = []
            for node in _walk_items(item):
                for i in _inputs(node):
                    if i not in ids:
                        ids.append(i)
            items.append({"id": item.get("id"), "title": item.get("title"), "max": item.get("max"), "inputs": ids})
        criteria.append({"id": crit.get("id"), "title": crit.get("title"), "max": crit.get("max"), "items": items})
    return {"id": vocab.pack_id, "province": vocab.province, "facts": vocab.facts, "documents": vocab.documents,
            "na_allowed": sorted(vocab.na_allowed), "criteria": criteria}


def record_data(record: RecordSource) -> dict:
    """A record in its written form (what a YAML file of it would hold), e.g. after reading a workbook."""
    from .workbook.yamlout import record_data as _data

    return _data(load_record(record).record)


def workbook(pack: Union[PathLike, "Pack"], record: Optional[RecordSource] = None) -> bytes:
    """The Excel template of a pack, pre-filled from a record when one is given."""
    from .workbook.writer import build

    return build(load_pack(pack), load_record(record).record if record is not None else None)


def read_workbook(path: PathLike) -> "LoadedEvidence":
    """A record from a filled workbook; problems name the sheet and cell."""
    from .workbook.reader import read_workbook as _read

    return _read(path)


def render_result(result: "Result", fmt: str) -> Union[str, bytes]:
    """A result's printable table: "html" (str) or "xlsx" (bytes)."""
    if fmt == "html":
        from .render.html import render
    elif fmt == "xlsx":
        from .render.xlsx import render
    else:
        raise UsageError.one(f"không có định dạng '{fmt}' (html, xlsx)")
    return render(result)


def render_batch(result: "BatchResult", fmt: str) -> Union[str, bytes]:
    """A ranking as `dvcq batch --format` writes it (table, csv, json, markdown, html, xlsx)."""
    from .batch.render import render

    return render(result, fmt)
