"""Checking a shape-valid record against a pack's vocabulary: the second validation step.

Errors (exit 2): an identifier the pack does not know (with did-you-mean), a value of the wrong
type, a bounded rate above 100%, a checklist whose total differs from the pack's, a report sent
before it was issued, a pair of counts whose part exceeds its whole. Warnings: the evidence the
pack reads but the record lacks, and a document without the date its deadline reads (both cost points).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .errors import EvidenceError, Problem, did_you_mean
from .evidence import LoadedEvidence
from .pack import Pack
from .score import SCORER
from .units import TWO_TIER_FROM
from .vietnamese import FACT_KIND_LABELS, fmt_number

EXPECTS = FACT_KIND_LABELS


class _LineOf:
    """A line number computed when a Problem is built, not before: valid records need none."""

    def __init__(self, ev: LoadedEvidence, *loc):
        self.ev, self.loc = ev, loc

    def get(self):
        return self.ev.line(*self.loc)


@dataclass
class Checked:
    warnings: list[Problem] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def conditional_missing(pack: Pack, checked: Checked) -> list[str]:
    """The missing inputs that only items under an `applies_if` read."""
    only_for = SCORER.plan(pack).conditional_inputs
    return [i for i in checked.missing if i in only_for]


def not_asked_outside(pack: Pack, checked: Checked, outside: set) -> Checked:
    """`checked` without the missing inputs every reader of which does not apply to the unit (`outside`:
    the owners of the `applies_if` that do not hold): a ward is not asked for a border criterion's
    figures, nor told it lacks them ("thiếu 1 minh chứng") when the pack does not score it."""
    only_for = SCORER.plan(pack).conditional_inputs
    drop = {i for i in conditional_missing(pack, checked) if set(only_for[i]) <= outside}
    if not drop:
        return checked
    return Checked([w for w in checked.warnings if not (w.code == "W001" and w.field in drop)],
                   [i for i in checked.missing if i not in drop])


def used_inputs(pack: Pack) -> list[str]:
    """Every identifier the pack's rules read, in pack order (kept in the scorer's plan of the pack)."""
    return SCORER.plan(pack).used_inputs


def _look_alike(ident: str) -> str:
    """', chứa ký tự không phải ASCII 'а' (U+0430 CYRILLIC SMALL LETTER A, …)' when there is one:
    the did-you-mean hint would otherwise show two identical-looking ids."""
    from .idents import non_ascii

    bad = non_ascii(ident)
    return f", chứa ký tự không phải ASCII {bad}" if bad else ""


def check(pack: Pack, ev: LoadedEvidence) -> Checked:
    rec, file = ev.record, ev.path
    problems: list[Problem] = []
    vocab = pack.vocabulary
    for fid, fv in rec.facts.items():
        line = _LineOf(ev, "facts", fid)  # looked up only if a problem is reported
        fd = vocab.facts.get(fid)
        if fd is None:
            problems.append(Problem(f"mã số liệu '{fid}' không có trong bộ tiêu chí {pack.id}", file=file, line=line.get(),
                                    field=f"facts.{fid}", hint=did_you_mean(fid, vocab.facts), code="V001"))
            continue
        if fv.kind == "not_applicable":
            continue
        if fv.kind != fd.type:
            problems.append(Problem(f"'{fid}' ({fd.label}) cần {EXPECTS[fd.type]}, nhận được dạng {EXPECTS[fv.kind]}",
                                    file=file, line=line.get(), field=f"facts.{fid}", code="V002"))
            continue
        if fd.type == "rate" and fd.bounded:
            if fv.percent is not None and fv.percent > 100:
                problems.append(Problem(f"tỷ lệ {fmt_number(fv.percent)}% vượt 100%", file=file, line=line.get(),
                                        field=f"facts.{fid}.percent", code="V003"))
            if fv.num is not None and fv.num > fv.den:
                problems.append(Problem(f"tử số {fv.num} lớn hơn mẫu số {fv.den}", file=file, line=line.get(),
                                        field=f"facts.{fid}.num", code="V003"))
        if fd.type == "checklist" and fd.total is not None and fv.total != fd.total:
            problems.append(Problem(f"danh mục '{fid}' có {fd.total} nội dung theo bộ tiêu chí, hồ sơ ghi total {fv.total}",
                                    file=file, line=line.get(), field=f"facts.{fid}.total", code="V004"))
    if pack.meta.requires_district and not (rec.ward.district or "").strip() and rec.period.start() < TWO_TIER_FROM:
        problems.append(Problem(f"bộ tiêu chí {pack.id} cần tên huyện/thị xã/thành phố của đơn vị cho "
                                f"{rec.period.label()} (trước 01/07/2025)", file=file, line=ev.line("ward"),
                                field="ward.district", hint="thêm ward.district, vd. district: Thành phố Quảng Ngãi",
                                code="V010"))
    if "ward.residential_groups" in rec.facts and rec.ward.residential_groups is not None:
        fv = rec.facts["ward.residential_groups"]
        if fv.kind == "count" and fv.value != rec.ward.residential_groups:
            problems.append(Problem(f"số tổ dân phố ghi hai lần khác nhau ({rec.ward.residential_groups} và {fv.value})",
                                    file=file, line=ev.line("facts", "ward.residential_groups"),
                                    field="facts.ward.residential_groups", code="V005"))
    seen: dict[str, int] = {}
    for i, d in enumerate(rec.documents):
        line = _LineOf(ev, "documents", i)
        if d.id not in vocab.documents:
            problems.append(Problem(f"mã văn bản '{d.id}' không có trong bộ tiêu chí {pack.id}" + _look_alike(d.id),
                                    file=file, line=line.get(), field=f"documents[{i}].id",
                                    hint=did_you_mean(d.id, vocab.documents), code="V006"))
        if d.id in seen:
            problems.append(Problem(f"văn bản '{d.id}' khai báo hai lần (đã có ở mục {seen[d.id]})", file=file, line=line.get(),
                                    field=f"documents[{i}].id", code="V007"))
        seen.setdefault(d.id, i)
        if d.issued_on and d.sent_on and d.sent_on < d.issued_on:
            problems.append(Problem(f"ngày gửi {d.sent_on:%d/%m/%Y} trước ngày ban hành {d.issued_on:%d/%m/%Y}",
                                    file=file, line=line.get(), field=f"documents[{i}].sent_on", code="V008"))
    for uid, on in SCORER.plan(pack).pairs:
        a, b = rec.fact(on.num), rec.fact(on.den)
        if on.bounded and a is not None and b is not None and a.kind == b.kind == "count" and a.value > b.value:
            problems.append(Problem(
                f"'{on.num}' ({a.value}) lớn hơn '{on.den}' ({b.value}) nên tỷ lệ của {uid} vượt 100%",
                file=file, line=ev.line("facts", on.num), field=f"facts.{on.num}", code="V009"))
    if problems:
        ev.place(problems)
        raise EvidenceError(problems)
    out = Checked()
    only_for = SCORER.plan(pack).conditional_inputs
    for ident in used_inputs(pack):
        present = rec.fact(ident) is not None or rec.document(ident) is not None
        if not present:
            out.missing.append(ident)
            when = (f" — chỉ cần khi {', '.join(only_for[ident])} áp dụng cho đơn vị (applies_if)"
                    if ident in only_for else "")
            out.warnings.append(Problem(f"thiếu minh chứng '{ident}' ({pack.fact_label(ident)}){when}", file=file,
                                        field=ident, code="W001"))
    dated = SCORER.plan(pack).dated_documents
    for i, d in enumerate(rec.documents):
        for key in dated.get(d.id, ()):
            if getattr(d, key) is None:
                verb = "gửi" if key == "sent_on" else "ban hành"
                out.warnings.append(Problem(
                    f"văn bản '{d.id}'{' (' + d.number + ')' if d.number else ''} không ghi ngày {verb}: bộ tiêu chí "
                    f"chấm theo ngày nên văn bản này được 0 điểm", file=file, line=ev.line("documents", i),
                    field=f"documents[{i}].{key}", hint=f"thêm {key}: NGÀY (ví dụ {key}: 2023-03-17)", code="W002"))
    ev.place(out.warnings)
    return out
