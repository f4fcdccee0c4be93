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
    from .packstore import Index
    from .result import Result
    from .review.model import LoadedReview
    from .review.verification import Verification
    from .vocabulary import Checked

PathLike = Union[str, "os.PathLike[str]"]
RecordSource = Union[PathLike, Mapping, "LoadedEvidence"]
PackSource = Union[PathLike, "Pack", None]
ReviewSource = Union[PathLike, Mapping, "LoadedReview", None]

__all__ = ["load_record", "load_pack", "load_review", "pack_in_force", "list_packs", "pack_overlaps", "choose_pack", "check",
           "score", "verify", "batch", "audit", "reset", "Checked", "Prepared"]


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


def load_pack(source: Union[PathLike, "Pack"], *, rules_dir: Optional[PathLike] = None) -> "Pack":
    """A checked rule pack from a file path or a pack id known to the rule store."""
    from .pack import Pack
    from .packstore import STORE

    if isinstance(source, Pack):
        return source
    if not _is_path(source):
        raise UsageError.one(f"bộ tiêu chí phải là đường dẫn tệp hoặc mã bộ tiêu chí, không phải {type(source).__name__}")
    return STORE.find(os.fspath(source), Path(rules_dir) if rules_dir else None)


def pack_in_force(record: RecordSource, *, rules_dir: Optional[PathLike] = None) -> "Pack":
    """The pack in force for the record's province, kind of unit and period (UsageError if none)."""
    from .packstore import STORE

    return STORE.select(load_record(record), Path(rules_dir) if rules_dir else None)


def list_packs(rules_dir: Optional[PathLike] = None, *, whole: bool = False) -> "Index":
    """The rule store's index of a folder: every pack file's metadata, broken ones with their error.
    `whole`: parse each file whole (a listing), not only its `pack:` section (choosing a pack)."""
    from .packstore import STORE

    return STORE.index(Path(rules_dir) if rules_dir else None, whole=whole)


def pack_overlaps(path: PathLike, rules_dir: Optional[PathLike] = None) -> list:
    """Warnings (W104) for the pack file at `path` beside the packs of the rules folder: packs of its
    province that govern the same units on the same day without `replaces` or `effective_to`."""
    from .packstore import STORE

    return STORE.overlaps_with(Path(path), Path(rules_dir) if rules_dir else None)


def load_review(source: ReviewSource) -> "LoadedReview":
    from .review.model import LoadedReview, load_review as _load

    if isinstance(source, LoadedReview):
        return source
    if _is_path(source):
        return _load(source)
    raise UsageError.one("tệp thẩm định phải là đường dẫn tệp")


def choose_pack(record: "LoadedEvidence", pack: PackSource = None, *, allow_other_province: bool = False,
                rules_dir: Optional[PathLike] = None, jurisdiction: bool = True) -> "Pack":
    """The pack given (checked to govern the record), or the one in force for its province and period.

    `jurisdiction=False` skips the check that a given pack governs the record: only for recomputing
    what a sealed result says was computed (`audit`), never for a new score."""
    from .packstore import STORE, check_applies

    if pack is None:
        chosen = STORE.select(record, Path(rules_dir) if rules_dir else None)
    else:
        chosen = load_pack(pack)
    if jurisdiction:
        check_applies(chosen, record, allow_other_province)
    return chosen


@dataclass
class Prepared:
    """A record with the pack that governs it and what the vocabulary check found."""

    record: "LoadedEvidence"
    pack: "Pack"
    checked: "Checked"


def check(record: RecordSource, pack: PackSource = None, *, allow_other_province: bool = False,
          rules_dir: Optional[PathLike] = None, jurisdiction: bool = True,
          decide_applicability: bool = True) -> Prepared:
    """Load, choose the pack, check the record against its vocabulary (warnings, missing evidence).

    `decide_applicability=False` skips scoring the record to leave out the evidence of items that do
    not apply to the unit (`score` does so: it does not read the check's missing list)."""
    from . import vocabulary

    rec = load_record(record)
    chosen = choose_pack(rec, pack, allow_other_province=allow_other_province, rules_dir=rules_dir,
                         jurisdiction=jurisdiction)
    checked = vocabulary.check(chosen, rec)
    if decide_applicability and vocabulary.conditional_missing(chosen, checked):
        # evidence read only by items under an `applies_if`: the engine decides which apply to this
        # unit (as scoring does), and what an item that does not apply reads is not asked for
        from .score import evaluate

        res = evaluate(chosen, rec)
        outside = {i.applicability["owner"] for i in res.items
                   if i.applicability is not None and not i.applicability["applies"]}
        checked = vocabulary.not_asked_outside(chosen, checked, outside)
    return Prepared(rec, chosen, checked)


def score(record: Union[RecordSource, Prepared], pack: PackSource = None, review: ReviewSource = None, *,
          allow_other_province: bool = False, rules_dir: Optional[PathLike] = None,
          manual: Optional[Mapping[str, tuple]] = None) -> "Result":
    """The scored `Result` of a record: self-scored, or as verified when a review is given.

    `record` may be what `check` returned (not checked twice). `manual` gives the verifier-only
    items their points directly, {item id: (points, reason)}, as a review's findings would; the
    result is then marked verified."""
    if review is not None:
        return verify(record, review, pack, allow_other_province=allow_other_province, rules_dir=rules_dir).verified
    from .score import evaluate

    prep = _prepared(record, pack, allow_other_province, rules_dir)
    if manual:
        return evaluate(prep.pack, prep.record, manual=dict(manual), mode="verified")
    return evaluate(prep.pack, prep.record)


def verify(record: Union[RecordSource, Prepared], review: ReviewSource, pack: PackSource = None, *,
           allow_other_province: bool = False, rules_dir: Optional[PathLike] = None,
           self_result: Optional["Result"] = None) -> "Verification":
    """Self score beside verified score; refuses a review of another or an edited record.

    `self_result`: the record's self score when the caller already has it (batch)."""
    from .review.apply import apply_review
    from .review.verification import compare
    from .score import evaluate

    prep = _prepared(record, pack, allow_other_province, rules_dir)
    rv = load_review(review)
    applied = apply_review(prep.pack, prep.record, rv)
    own = self_result or evaluate(prep.pack, prep.record)
    verified = evaluate(prep.pack, applied.evidence, manual=applied.manual, mode="verified")
    return compare(own, verified, rv, applied)


def _prepared(record, pack, allow_other_province, rules_dir) -> Prepared:
    if isinstance(record, Prepared):
        return record
    return check(record, pack, allow_other_province=allow_other_province, rules_dir=rules_dir,
                 decide_applicability=False)


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


def reset() -> None:
    """Forget every process-wide cache: the rule store's index and packs, the scorer's plans and
    compiled rulesets (freed). For tests and for a server reloading its packs; not while scoring."""
    from .packstore import STORE
    from .score import SCORER

    STORE.reset()
    SCORER.reset()


# ---- small doors for front ends that show a pack as a form and hand files back (the portal) ----

def pack_outline(pack: Union[PathLike, "Pack"]) -> dict:
    """What a form needs from a pack, as plain data: its vocabulary (facts, documents with their
    kinds and labels), which identifiers accept "không phát sinh", and its criteria → items with the
    identifiers each item reads, in pack order (maxima as exact Decimals)."""
    from .extract.vocab import vocabulary_from_pack

    chosen = load_pack(pack)
    vocab = vocabulary_from_pack(chosen)
    bound = {item.id: b for _, item, b in chosen.items}
    criteria = []
    for crit in chosen.data.criteria:
        items = []
        for item in crit.items:
            ids: list[str] = []
            for leaf in bound[item.id].leaves():
                for i in leaf.method.inputs():
                    if i not in ids:
                        ids.append(i)
            items.append({"id": item.id, "title": item.title, "max": item.max, "inputs": ids})
        criteria.append({"id": crit.id, "title": crit.title, "max": crit.max, "items": items})
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


def render_batch(result: "BatchResult", fmt: str, *, csv_separator: str = ",",
                 csv_decimal_comma: bool = False) -> Union[str, bytes]:
    """A ranking as `dvcq batch --format` writes it (table, csv, json, markdown, html, xlsx); the csv
    options are those of `dvcq batch` (`;` and "10,5" for Excel in a Vietnamese locale)."""
    from .batch.render import render, render_csv

    if fmt == "csv":
        return render_csv(result, separator=csv_separator, decimal_comma=csv_decimal_comma)
    return render(result, fmt)
