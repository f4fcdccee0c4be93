"""Rules that lint the rules: checks on a whole pack beyond what each item checks at load.

Each check has a stable code (like sqlfluff's), registered with its meaning in `lintcodes.py`, so
a rule author can look it up in docs/rule-format.md. Errors refuse the pack (exit 2); warnings are printed by `dvcq rules lint`.
"""
from __future__ import annotations

from decimal import Decimal

from .conditions import identifiers
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
    if d.bonus and d.bonus.cap is not None:
        for ii, it in enumerate(d.bonus.items):
            if it.max > d.bonus.cap:
                err("L007", f"{it.id}: max {fmt_number(it.max)} vượt trần điểm thưởng {fmt_number(d.bonus.cap)}",
                    ("bonus", "items", ii), it.id)
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
    for fid in pack.vocabulary.facts:
        if fid not in used:
            warn("W101", f"số liệu '{fid}' không được nội dung nào dùng", ("vocabulary", "facts", fid), fid)
    referenced = set()
    for _, _, bound in pack.items:
        for leaf in bound.leaves():
            if leaf.method.name == "document_deadline":
                cfg = leaf.method.cfg
                referenced.update([t.by for t in cfg.tiers] + [cfg.not_before, cfg.not_after])
    for name in pack.parameters:
        if name not in referenced:
            warn("W103", f"tham số '{name}' không được nội dung nào dùng", ("parameters", name), name)
    return errors, warnings


def _is_fewer_better(leaf) -> bool:
    """'0 cases → 3' style tiers reward *fewer*: intended, so no W102 for them."""
    spans = getattr(leaf.method, "spans", [])
    return bool(spans) and spans[0][0] == 0 and spans[0][1] is not None
