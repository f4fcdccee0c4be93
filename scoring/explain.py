"""The explanation trail: for every item, the rule, its legal source, the evidence it read (with
the evidence's own source), the branch that fired in the engine and the points given and lost.

An indented, plain-text trace in the manner of OpenFisca's: an auditor reads it top-down.
"""
from __future__ import annotations

from typing import Optional

from .pack import fmt_number
from .render import sentences
from .render.common import GRADE_NOTICES
from .result import ItemResult, Result
from .vietnamese import period_label


def _pts(d) -> str:
    return fmt_number(d)


def item_lines(it: ItemResult, indent: str = "") -> list[str]:
    sign = "" if it.section != "deductions" else "trừ "
    head = f"{indent}{it.id} {it.title}"
    lines = [head,
             f"{indent}  điểm: {sign}{_pts(abs(it.points)) if it.section == 'deductions' else _pts(it.points)}"
             f"/{_pts(it.max)}" + (f" (mất {_pts(it.lost)})" if it.lost else "")]
    if it.source:
        lines.append(f"{indent}  căn cứ: {it.source}")
    lines.append(f"{indent}  phương pháp: {it.method}" + (f"; luật kích hoạt: {it.rule}" if it.rule else ""))
    if not it.parts:
        for u in it.inputs:
            src = f" [nguồn: {u.source}]" if u.source else ""
            lines.append(f"{indent}  • {u.id} = {u.display}{src}")
    lines.extend(f"{indent}  {line}" for line in data_lines(it))
    lines.append(f"{indent}  cách tính: {it.reason}")
    if it.adjustment:
        lines.append(f"{indent}  điều chỉnh: {it.adjustment}")
    if it.pending:
        lines.append(f"{indent}  chờ thẩm định: {sentences.points_range(it.pending['max'])} điểm (bước {_pts(it.pending['step'])})")
    if it.missing:
        lines.append(f"{indent}  thiếu minh chứng làm mất điểm: {', '.join(it.missing)}")
    for p in it.parts:
        lines.extend(item_lines(p, indent + "    "))
    return lines


def data_lines(it: ItemResult) -> list[str]:
    """What the item's structured data says, line by line: the state of its evidence, the branch
    that fired, the exact measure, the dates compared, the part chosen (the same data as
    `dvcq explain --format json`)."""
    app = it.applicability
    out = [f"tình trạng: {sentences.STATE_TEXT[it.state] if app is None or app['applies'] else sentences.NOT_APPLYING}"]
    if app is not None:
        out.append(f"áp dụng: {sentences.applicability(app, it.max)}")
        if not app["applies"]:
            return out
    if it.branch is not None:
        out.append(f"nhánh {it.branch.key}: {sentences.branch_label(it.branch, it.basis.get('year'), it.basis.get('quarter'))}")
    shown = sentences.measure(it.method, it.measure) if it.method != "document_deadline" else ""
    if shown and it.method != "manual":
        out.append(f"số đo: {shown}")
    if it.method == "document_deadline" and it.state != "missing":
        out.append(sentences.dates_compared(it.basis.get("deadline"), (it.measure or {}).get("date"),
                                            it.basis["date_field"]))
    if it.method == "best_of":
        chosen = it.parts[it.basis["chosen"]]
        out.append(f"phần được chọn: {chosen.id} ({chosen.title})")
    return out


def trail_ids(result: Result) -> dict[str, str]:
    """Every id the trail prints, as written there ('TC1.4', 'TC1.3/a', 'TC1.3/a/b'), → its top item."""
    out: dict[str, str] = {}

    def walk(it: ItemResult, uid: str, top: str) -> None:
        out[uid] = top
        for p in it.parts:
            walk(p, f"{uid}/{p.id}", top)

    for it in result.items:
        walk(it, it.id, it.id)
    return out


def find_rule(result: Result, rule: str, pack_id: str) -> str:
    """The top item the user means by `rule` (see `find_part`)."""
    return trail_ids(result)[find_part(result, rule, pack_id)]


def find_part(result: Result, rule: str, pack_id: str) -> str:
    """The item or part, at any level, the user means by `rule`, as its trail id
    ('TC1.1/mo_hinh/duoc_cong_nhan'): a trail id, a fired rule ('TC5.4#t0',
    'TC1.1/mo_hinh/duoc_cong_nhan#yes'), or the end of one ('duoc_cong_nhan', 'mo_hinh/duoc_cong_nhan')
    when only one item has it. UsageError listing the candidates when it is ambiguous, with a
    did-you-mean when it is unknown."""
    from .errors import UsageError, did_you_mean

    ids = trail_ids(result)
    key = rule.strip().split("#", 1)[0]
    if key in ids:
        return key
    ends = sorted(uid for uid in ids if uid.endswith("/" + key))  # 'dang_xay_dung', 'mo_hinh/dang_xay_dung'…
    if len(ends) == 1:
        return ends[0]
    if ends:
        raise UsageError.one(f"'{rule}' trỏ tới nhiều nội dung trong bộ tiêu chí {pack_id}: {', '.join(ends)}",
                             field="--rule", hint=f"ghi đầy đủ mã như trong phần giải thích, vd. --rule {ends[0]}")
    raise UsageError.one(f"không có nội dung '{rule}' trong bộ tiêu chí {pack_id}", field="--rule",
                         hint=did_you_mean(key, list(ids)))


def explain(result: Result, rule: Optional[str] = None) -> str:
    p = result.pack
    out = []
    if p["status"] == "draft":
        out.append(f"⚠ BỘ TIÊU CHÍ DỰ THẢO (draft): {p['id']} — {p.get('note') or ''}".rstrip(" —"))
    e = result.evidence
    where = ", ".join(x for x in (e["ward"], e["district"], e["province"]) if x)  # no empty district slot
    out.append(f"Đơn vị: {where} — {period_label(e['period'], 'term')}")
    out.append(f"Bộ tiêu chí: {p['id']} v{p['version']} ({p['legal_basis']}); sha256 {p['sha256'][:16]}…")
    out.append(f"Hồ sơ: {e['file']} sha256 {e['sha256'][:16]}…")
    out.append("")
    items = result.items
    if rule and "/" in rule:  # a part at any depth: the items above it as one line each, then the part
        top, *path = rule.split("/")
        it, indent = next(i for i in items if i.id == top), ""
        for pid in path:
            out.append(f"{indent}{it.id} {it.title} — {_pts(it.points)}/{_pts(it.max)} điểm ({it.method})")
            it, indent = next(p for p in it.parts if p.id == pid), indent + "    "
        out.extend(item_lines(it, indent))
        out.append("")
        items = []
    elif rule:
        top = trail_ids(result).get(rule, rule)
        items = [i for i in items if i.id == top]
    for it in items:
        out.extend(item_lines(it))
        out.append("")
    if not rule:
        out.append(f"Tổng điểm tiêu chí: {_pts(result.subtotal)}; điểm thưởng: {_pts(result.bonus)}; "
                   f"điểm trừ: {_pts(result.deductions)}")
        for c in result.criteria:
            if c.applicability is not None:
                out.append(f"  {sentences.applicability(c.applicability, c.max)}")
        if result.scale is not None:
            line = sentences.scale_line(result.scale)
            out.append(line or sentences.no_rescale_line(result.scale))
        out.append(f"Tổng điểm: {_pts(result.total)}/{_pts(result.max_total)} → {result.grade.label}")
        for v in result.grade.vetoes:
            state = "CÓ" if v.holds else "không"
            vals = ", ".join(f"{u.id} = {u.display}" for u in v.inputs)
            out.append(f"  điều kiện loại trừ {v.id} ({v.grade}): {v.when} — {state} ({vals})")
        if result.grade.capped_from:
            out.append(f"  Đạt điểm mức '{result.grade.capped_from}' nhưng bị hạ do điều kiện loại trừ.")
        out.extend(f"  ⚠ {sentences.warning(w)}" for w in result.warnings if w["code"] in GRADE_NOTICES)
        if result.missing_evidence:
            out.append("Thiếu minh chứng làm mất điểm: " + ", ".join(result.missing_evidence))
    return "\n".join(out).rstrip() + "\n"
