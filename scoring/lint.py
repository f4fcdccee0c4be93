"""Rules that lint the rules: checks on a whole pack beyond what each item checks at load.

Each check has a stable code (like sqlfluff's), registered with its meaning in `lintcodes.py`, so
a rule author can look it up in docs/rule-format.md. Errors refuse the pack (exit 2); warnings are printed by `dvcq rules lint`.
"""
from __future__ import annotations

from decimal import Decimal

from .conditions import Cmp, ResultCondition, identifiers
from .errors import Problem
from .pack import Pack, fmt_number

def lint(pack: Pack) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) for a bound pack. Pure: reads the pack, changes nothing. The engine's
    limits (L008) are checked when the pack is compiled (`packload.compile_problems`)."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    f = pack.path
    d = pack.data

    def err(code, msg, loc=(), field=None):
        errors.append(Problem(msg, file=f, line=pack.line(*loc), field=field, code=code))

    def warn(code, msg, loc=(), field=None):
        warnings.append(Problem(msg, file=f, line=pack.line(*loc), field=field, code=code))

    seen = set()
    for ci, c in enumerate(d.criteria):
        if c.id in seen:
            err("L006", f"mã tiêu chí '{c.id}' bị trùng", ("criteria", ci), c.id)
        seen.add(c.id)
        s = sum((it.max for it in c.items), Decimal(0))
        if s != c.max:
            err("L001", f"{c.id}: tổng điểm tối đa các nội dung là {fmt_number(s)}, tiêu chí ghi max {fmt_number(c.max)}",
                ("criteria", ci, "max"), f"{c.id}.max")
    total = sum((c.max for c in d.criteria), Decimal(0))
    if total != pack.meta.max_total:
        err("L002", f"tổng điểm tối đa các tiêu chí là {fmt_number(total)}, pack.max_total là {fmt_number(pack.meta.max_total)}",
            ("pack", "max_total"), "pack.max_total")
    for sec, word in (("bonus", "điểm thưởng"), ("deductions", "điểm trừ")):
        section = getattr(d, sec)
        if section and section.cap is not None:
            if section.cap <= 0:
                err("L007", f"trần {word} {fmt_number(section.cap)} phải lớn hơn 0", (sec, "cap"), f"{sec}.cap")
            for ii, it in enumerate(section.items):
                if it.max > section.cap:
                    err("L007", f"{it.id}: max {fmt_number(it.max)} vượt trần {word} {fmt_number(section.cap)}",
                        (sec, "items", ii), it.id)
    for _, _, top in pack.items:
        for bound in _walk(top):
            for key, value in _special_points(bound):
                if not Decimal(0) <= value <= bound.item.max:
                    err("L010", f"{bound.uid}: '{key}: {fmt_number(value)}' nằm ngoài 0…{fmt_number(bound.item.max)} "
                        f"(max của nội dung)", pack.item_loc(top.item.id), f"{bound.uid}.{key}")
    mins = [g.min for g in d.grades]
    for gi, g in enumerate(d.grades):
        if mins.count(g.min) > 1:
            err("L003", f"mức '{g.label}' có ngưỡng {fmt_number(g.min)} trùng với mức khác", ("grades", gi), g.id)
        if g.min > pack.meta.max_total:
            err("L003", f"mức '{g.label}' cần {fmt_number(g.min)} điểm, vượt max_total {fmt_number(pack.meta.max_total)}",
                ("grades", gi), g.id)
    lowest = [g for g in d.grades if g.min == 0 and not g.vetoes]
    if not lowest:
        err("L004", "cần một mức xếp loại có min: 0 và không có điều kiện loại trừ, để mọi tổng điểm đều được xếp loại",
            ("grades",), "grades")
    m = pack.meta
    if m.effective_to and m.effective_to < m.effective_from:
        err("L005", f"effective_to {m.effective_to} trước effective_from {m.effective_from}", ("pack", "effective_to"))
    if m.replaces is not None and m.replaces.strip() == m.id:
        err("L009", f"bộ tiêu chí '{m.id}' ghi replaces chính nó; replaces phải là id của bộ tiêu chí bị thay thế",
            ("pack", "replaces"), "pack.replaces")
    used: set[str] = set()
    for _, _, bound in pack.items:
        for leaf in bound.leaves():
            used.update(leaf.method.inputs())
            if not leaf.method.monotone() and leaf.method.name not in ("document_deadline",):
                if not (leaf.method.name == "tiers" and _is_fewer_better(leaf)):
                    warn("W102", f"{leaf.uid}: điểm giảm khi số liệu tăng", pack.item_loc(bound.item.id), leaf.uid)
    for g in d.grades:
        for v in g.vetoes:
            used.update(identifiers(pack.conditions[v.id]))
    for cond in pack.result_rules.values():
        used.update(identifiers(cond))
    if d.batch is not None:
        for rule in d.batch.ineligible:
            used.update(rule.requires)
    for rule in pack.applicability:
        used.update(rule.facts)
    _excludable(pack, err)
    for fid in pack.vocabulary.facts:
        if fid not in used:
            warn("W101", f"số liệu '{fid}' không được nội dung nào dùng", ("vocabulary", "facts", fid), fid)
    referenced = set()
    for _, _, bound in pack.items:
        for leaf in bound.leaves():
            if leaf.method.name == "document_deadline":
                cfg = leaf.method.cfg
                referenced.update([t.by for t in cfg.tiers] + [cfg.not_before, cfg.not_after])
    referenced.update(rule.later_than for rule in d.eligibility if rule.later_than is not None)
    for name in pack.parameters:
        if name not in referenced:
            warn("W103", f"tham số '{name}' không được nội dung nào dùng", ("parameters", name), name)
    allowed = {"year": ("year",), "quarter": ("year", "quarter", "half"), "half": ("year", "half")}[m.period_kind]
    for where, spec, loc in _dates(pack):
        if spec.unit not in allowed:
            kind = {"year": "theo năm", "half": "theo nửa năm"}[m.period_kind]
            err("L012", f"{where}: '{spec.text}' là ngày theo {'quý' if spec.unit == 'quarter' else 'nửa năm'}, mà bộ "
                f"tiêu chí chấm {kind} (period_kind: {m.period_kind}); dùng "
                + " hoặc ".join(f"'{u}-MM-DD'" for u in allowed), loc, where)
    warnings.extend(_decided_comparisons(pack))
    return errors, warnings


def _excludable(pack: Pack, err) -> None:
    """L011: the criteria items that can never be taken out of the maximum (`applies_if` with
    `exclude`, on them or on their criterion) must keep some points, or a unit outside every
    condition would be rescaled from a maximum of 0."""
    out = {r.owner for r in pack.applicability if r.treatment == "exclude"}
    kept = sum((it.max for c in pack.data.criteria if c.id not in out for it in c.items if it.id not in out), Decimal(0))
    if pack.data.criteria and kept <= 0:
        err("L011", "mọi nội dung của các tiêu chí đều có thể bị loại khỏi điểm tối đa (applies_if với "
            "if_not_applicable: exclude): đơn vị không thuộc diện nào sẽ có điểm tối đa bằng 0", ("criteria",), "criteria")


def _dates(pack: Pack):
    """(where, DateSpec, YAML location) of every date the pack's rules compare with."""
    for name, spec in pack.parameters.items():
        yield f"parameters.{name}", spec, ("parameters", name)
    for i, rule in enumerate(pack.data.eligibility):
        if rule.later_than is not None and rule.later_than not in pack.parameters:
            yield f"eligibility[{i}].later_than", pack.date_param(rule.later_than, rule.id), ("eligibility", i)
    for _, _, top in pack.items:
        for leaf in top.leaves():
            if leaf.method.name == "document_deadline":
                cfg = leaf.method.cfg
                for ref in [t.by for t in cfg.tiers] + [cfg.not_before, cfg.not_after]:
                    if ref is not None and ref not in pack.parameters:
                        yield leaf.uid, pack.date_param(ref, leaf.uid), pack.item_loc(top.item.id)


_ALWAYS = {">": lambda lo, hi: lo > 0, ">=": lambda lo, hi: lo >= 0, "<": lambda lo, hi: hi < 0,
           "<=": lambda lo, hi: hi <= 0, "==": lambda lo, hi: lo == hi == 0, "!=": lambda lo, hi: hi < 0 or lo > 0}
_NEVER = {">": lambda lo, hi: hi <= 0, ">=": lambda lo, hi: hi < 0, "<": lambda lo, hi: lo >= 0,
          "<=": lambda lo, hi: lo > 0, "==": lambda lo, hi: hi < 0 or lo > 0, "!=": lambda lo, hi: lo == hi == 0}


def _decided_comparisons(pack: Pack) -> list[Problem]:
    """W105: a comparison over results that holds for every possible score, or for none (every
    points(X) lies in 0…max(X), the total in 0…max_total): a typo such as `points(TC2) > max(TC2)`."""
    ranges = {k: (Decimal(0), v) for k, v in pack.result_scope().items()}
    ranges["total"] = (Decimal(0), pack.meta.max_total)
    named = [(v.id, pack.conditions[v.id], ("grades", gi, "vetoes", vi, "when"))
             for gi, g in enumerate(pack.data.grades) for vi, v in enumerate(g.vetoes)]
    named += [(r.id, pack.result_rules[r.id], ("eligibility", i, "when"))
              for i, r in enumerate(pack.data.eligibility) if r.id in pack.result_rules]
    out = []
    for owner, cond, loc in named:
        if not isinstance(cond, ResultCondition):
            continue
        ops = {c.ident: c.op for c in _comparisons(cond.tree)}
        for tid, term in cond.terms:
            lo, hi = term.bounds(ranges)
            op = ops[tid]
            verdict = "luôn đúng" if _ALWAYS[op](lo, hi) else "không bao giờ đúng" if _NEVER[op](lo, hi) else None
            if verdict:
                out.append(Problem(f"điều kiện '{owner}': '{term.text}' {verdict} với mọi kết quả chấm "
                                   "(điểm mỗi tiêu chí, nội dung nằm trong 0…max, tổng trong 0…max_total)",
                                   file=pack.path, line=pack.line(*loc), field=owner, code="W105"))
    return out


def _comparisons(node):
    if isinstance(node, Cmp):
        yield node
    else:
        for p in node.parts:
            yield from _comparisons(p)


def _walk(bound):
    yield bound
    for part in bound.parts:
        yield from _walk(part)


def _special_points(bound):
    """(key, points) for the points an item gives in a special state, written as a number: when the
    fact does not arise (`not_applicable`), when a rate has a zero denominator (`zero_denominator`),
    when no entry of a checklist arises (`none_applicable`). Words ('full', 'zero') are always in range."""
    item = bound.item
    if "not_applicable" in item.model_fields_set and not isinstance(item.not_applicable, str):
        yield "not_applicable", Decimal(item.not_applicable)
    for key in ("zero_denominator", "none_applicable"):
        value = getattr(bound.method.cfg, key, None)
        if value is not None and not isinstance(value, str):
            yield key, Decimal(value)


def _is_fewer_better(leaf) -> bool:
    """'0 cases → 3' style tiers reward *fewer*: intended, so no W102 for them."""
    spans = getattr(leaf.method, "spans", [])
    return bool(spans) and spans[0][0] == 0 and spans[0][1] is not None
