"""Applying a review's findings to one record, refusing any finding that does not fit it.

The verified record is the submitted one with the district's changes: a `fact` finding replaces
(or, with `accepted: false`, withdraws) a value, a `document` finding with `accepted: false`
withdraws a document, and an `item` finding gives points only to an item the pack reserves to the
verifier (`method: manual`). The submitted file is never touched: the changes live in a copy.

Everything is checked before anything is scored, and every problem names its finding by number
and identifier, because a review that silently skipped a finding would publish a wrong grade.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Optional

from .. import vocabulary
from ..canonical import record_sha256
from ..errors import EvidenceError, Problem, did_you_mean
from ..evidence import FactValue, LoadedEvidence
from ..methods import Bound, describe_fact
from ..methods.manual import Manual
from ..pack import Pack, fmt_number
from ..packstore import norm
from .model import Finding, LoadedReview, ReviewError


@dataclass
class Effect:
    """What one finding changed in the record, for the result and the trail."""

    before: str
    after: str
    items: list[str] = field(default_factory=list)     # top-level items whose inputs it touches
    vetoes: list[str] = field(default_factory=list)    # grade conditions reading the fact


@dataclass
class Applied:
    evidence: LoadedEvidence                      # the verified record (same path and sha256 as submitted)
    manual: dict[str, tuple[Decimal, str]]        # leaf item id → (points, reason) for `evaluate`
    effects: dict[int, Effect]                    # finding number → effect


def check_binding(review: LoadedReview, ev: LoadedEvidence) -> list[Problem]:
    """A review belongs to exactly one version of one record: same content (or, for an older review,
    same bytes), same ward, same period."""
    of = review.head.review_of
    rec = ev.record
    out = []
    kind, want = of.binding
    if kind == "record":
        now = record_sha256(ev)
        if want != now:
            out.append(Problem(
                f"thẩm định này lập cho hồ sơ có mã nội dung {want[:12]}…, còn hồ sơ {ev.path} có mã nội dung "
                f"{now[:12]}…: nội dung hồ sơ đã thay đổi sau khi thẩm định, hoặc đây là thẩm định của một hồ sơ khác",
                file=review.path, line=review.line("review_of", "record_sha256"), field="review_of.record_sha256",
                hint="thẩm định lại hồ sơ đã nộp (mã nội dung: evidence.record_sha256 trong dvcq score --format json)"))
    elif want != ev.sha256:
        out.append(Problem(
            f"thẩm định này lập cho hồ sơ có sha256 {want[:12]}…, còn tệp {ev.path} có sha256 "
            f"{ev.sha256[:12]}…: hồ sơ đã thay đổi sau khi thẩm định, hoặc đây là thẩm định của một hồ sơ khác",
            file=review.path, line=review.line("review_of", "evidence_sha256"), field="review_of.evidence_sha256",
            hint="thẩm định lại đúng hồ sơ đã nộp và ghi review_of.record_sha256 (mã nội dung: "
                 "evidence.record_sha256 trong dvcq score --format json), không đổi khi chỉ thêm chú thích"))
    if norm(of.ward) != norm(rec.ward.name):
        out.append(Problem(f"thẩm định của '{of.ward}', còn hồ sơ {ev.path} là của '{rec.ward.name}'",
                           file=review.path, line=review.line("review_of", "ward"), field="review_of.ward"))
    if of.period.key() != rec.period.key():
        out.append(Problem(f"thẩm định cho {of.period.label()}, còn hồ sơ {ev.path} là của {rec.period.label()}",
                           file=review.path, line=review.line("review_of", "period"), field="review_of.period"))
    return out


def _item_index(pack: Pack) -> tuple[dict[str, Bound], dict[str, Bound], dict[str, str]]:
    """(top-level items by id, leaves by id and uid, leaf uid → its top-level item id)."""
    tops, leaves, owner = {}, {}, {}
    for _, item, bound in pack.items:
        tops[item.id] = bound
        for leaf in bound.leaves():
            owner[leaf.uid] = item.id
            leaves[leaf.uid] = leaf
            if leaf is not bound:
                leaves.setdefault(leaf.item.id, leaf)
    return tops, leaves, owner


def touched_items(pack: Pack, ident: str) -> list[str]:
    out = []
    for _, item, bound in pack.items:
        if any(ident in leaf.method.inputs() for leaf in bound.leaves()):
            out.append(item.id)
    return out


def _touched_vetoes(pack: Pack, ident: str) -> list[str]:
    """The vetoes a finding on `ident` may change: those reading the fact, and those reading the
    points (or the total) of an item that reads it, or of that item's criterion."""
    from ..conditions import ResultCondition, identifiers

    items = touched_items(pack, ident)
    crit_of = {it.id: c.id for c in pack.data.criteria for it in c.items}
    reached = set(items) | {crit_of[i] for i in items if i in crit_of} | ({"total"} if items else set())
    return [vid for vid, node in pack.conditions.items()
            if ident in identifiers(node) or (isinstance(node, ResultCondition)
                                              and any(r in reached or r.split("/")[0] in items for r in node.reads()))]


def _doc_display(doc) -> str:
    if doc is None:
        return "không có văn bản"
    parts = [doc.number, f"ban hành {doc.issued_on:%d/%m/%Y}" if doc.issued_on else None,
             f"gửi {doc.sent_on:%d/%m/%Y}" if doc.sent_on else None]
    shown = ", ".join(p for p in parts if p)
    return f"có văn bản ({shown})" if shown else "có văn bản (không rõ số, ngày)"


def _with_fact(record, ident: str, fv: Optional[FactValue]):
    """A shallow copy of `record` with one fact replaced (None withdraws it)."""
    facts = dict(record.facts)
    update = {}
    if fv is None:
        facts.pop(ident, None)
    else:
        facts[ident] = fv
    if ident == "ward.residential_groups":  # the ward block holds it too; keep both in step
        groups = fv.value if fv is not None and fv.kind == "count" else None
        update["ward"] = record.ward.model_copy(update={"residential_groups": groups})
    update["facts"] = facts
    return record.model_copy(update=update)


def apply_review(pack: Pack, ev: LoadedEvidence, review: LoadedReview) -> Applied:
    """Check every finding against `ev` and `pack`; return the verified record and manual points."""
    problems = check_binding(review, ev)
    if problems:
        raise ReviewError(problems)
    vocab = pack.vocabulary
    tops, leaves, owner = _item_index(pack)
    record = ev.record
    manual: dict[str, tuple[Decimal, str]] = {}
    effects: dict[int, Effect] = {}
    seen: dict[tuple[str, str], int] = {}

    def bad(f: Finding, msg: str, hint: Optional[str] = None, key: Optional[str] = None):
        line = review.line("findings", f.number - 1, key) if key else f.line
        problems.append(Problem(f"{f.label()}: {msg}", file=review.path, line=line, hint=hint))

    for f in review.findings:
        if (f.kind, f.ident) in seen:
            bad(f, f"trùng với kết luận #{seen[(f.kind, f.ident)]} về cùng mã; gộp thành một kết luận")
            continue
        seen[(f.kind, f.ident)] = f.number
        if f.kind == "fact":
            if f.ident not in vocab.facts:
                hint = did_you_mean(f.ident, vocab.facts)
                if f.ident in vocab.documents:
                    hint = f"'{f.ident}' là mã văn bản: dùng 'document: {f.ident}'"
                bad(f, f"mã số liệu không có trong bộ tiêu chí {pack.id}", hint, "fact")
                continue
            old = record.fact(f.ident)
            if f.accepted is False and old is None:
                bad(f, "hồ sơ không có số liệu này nên không có gì để không công nhận")
                continue
            trial = _with_fact(record, f.ident, f.verified)
            try:
                vocabulary.check(pack, LoadedEvidence(path=review.path, sha256=ev.sha256, record=trial, lines={}))
            except EvidenceError as exc:
                for p in exc.problems:
                    bad(f, f"giá trị thẩm định không hợp lệ: {p.message}", p.hint, "verified")
                continue
            record = trial
            new = None if f.accepted is False else f.verified
            effects[f.number] = Effect(describe_fact(f.ident, old, pack).display,
                                       describe_fact(f.ident, new, pack).display if new is not None
                                       else "không công nhận (coi như không có minh chứng)",
                                       touched_items(pack, f.ident), _touched_vetoes(pack, f.ident))
        elif f.kind == "document":
            if f.ident not in vocab.documents:
                hint = did_you_mean(f.ident, vocab.documents)
                if f.ident in vocab.facts:
                    hint = f"'{f.ident}' là mã số liệu: dùng 'fact: {f.ident}'"
                bad(f, f"mã văn bản không có trong bộ tiêu chí {pack.id}", hint, "document")
                continue
            doc = record.document(f.ident)
            if doc is None:
                bad(f, "hồ sơ không có văn bản này" + (" để không công nhận" if f.accepted is False else " để công nhận"))
                continue
            if f.accepted is False:
                record = record.model_copy(update={"documents": [d for d in record.documents if d.id != f.ident]})
                after = "không công nhận (coi như không có văn bản)"
            else:
                after = _doc_display(doc) + ", công nhận"
            effects[f.number] = Effect(_doc_display(doc), after, touched_items(pack, f.ident))
        else:
            leaf = leaves.get(f.ident)
            top = tops.get(f.ident)
            if leaf is None and top is None:
                bad(f, f"nội dung không có trong bộ tiêu chí {pack.id}",
                    did_you_mean(f.ident, list(tops) + list(leaves)) or _manual_hint(leaves), "item")
                continue
            if leaf is None:  # a composite item: points go to its reserved part, if it has one
                parts = [lf.uid for lf in top.leaves() if isinstance(lf.method, Manual)]
                bad(f, "nội dung gồm nhiều phần, chấm từ các phần của nó",
                    f"ghi mã phần dành cho cấp thẩm định: {', '.join(parts)}" if parts else None, "item")
                continue
            if not isinstance(leaf.method, Manual):
                bad(f, f"nội dung chấm theo phương pháp '{leaf.item.method}' từ minh chứng; cấp thẩm định chỉ cho điểm "
                       "trực tiếp ở nội dung bộ tiêu chí dành riêng cho mình (method: manual) — muốn đổi điểm nội dung "
                       "này thì ghi kết luận về số liệu (fact) hoặc văn bản (document) mà nó dựa vào",
                    _manual_hint(leaves), "item")
                continue
            if not leaf.method.allowed(f.points):
                bad(f, f"{fmt_number(f.points)} điểm không hợp lệ: phải từ 0 đến {fmt_number(leaf.item.max)}, "
                       f"theo bước {fmt_number(leaf.method.cfg.step)}", key="points")
                continue
            manual[leaf.item.id] = (f.points, f.reason)
            effects[f.number] = Effect(f"chờ thẩm định (0–{fmt_number(leaf.item.max)})",
                                       f"{fmt_number(f.points)}/{fmt_number(leaf.item.max)} điểm", [owner[leaf.uid]])
    if not problems:
        try:  # findings that are each fine may still clash together (e.g. a part above its whole)
            vocabulary.check(pack, LoadedEvidence(path=review.path, sha256=ev.sha256, record=record, lines={}))
        except EvidenceError as exc:
            problems.extend(Problem(f"các kết luận về số liệu mâu thuẫn nhau: {p.message}", file=review.path, hint=p.hint)
                            for p in exc.problems)
    if problems:
        raise ReviewError(problems)
    verified = LoadedEvidence(path=ev.path, sha256=ev.sha256, record=record, lines=ev.lines,
                              content_sha256=record_sha256(ev))
    return Applied(verified, manual, effects)


def _manual_hint(leaves: dict[str, Bound]) -> Optional[str]:
    ids = sorted({lf.uid for lf in leaves.values() if isinstance(lf.method, Manual)})
    if not ids:
        return "bộ tiêu chí này không có nội dung nào dành cho cấp thẩm định"
    return "nội dung dành cho cấp thẩm định: " + ", ".join(ids)
